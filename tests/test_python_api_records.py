"""Database.import_records: records from memory, shaped like JSON Lines lines, with the files' checks (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA_TABLES, NewStore, columns_of, dump_database, rows

from factdb import Database, ImportFailed

DOCUMENT = {"kind": "document", "id": "hrw-2019-12", "title": "Iran: deadly crackdown", "published": "2019-12-17",
            "text": "Human Rights Watch said at least 304 people were killed."}
CLAIM = {"kind": "claim", "id": "hrw-killed-at-least-304", "document": "hrw-2019-12", "source": "hrw",
         "event": "iran-protests-2019-11", "quote": "at least 304 people were killed",
         "figures": [{"metric": "killed", "value": "at least 304"}]}
RECORDS: list[dict[str, Any]] = [
    {"kind": "source", "id": "hrw", "name": "Human Rights Watch", "source_kind": "ngo", "aliases": ["HRW"]},
    DOCUMENT,
    CLAIM,
]


def test_records_import_as_the_same_lines_in_a_file_do(seeded_store: Path | str, tmp_path: Path, new_store: NewStore) -> None:
    with Database(seeded_store) as db:
        report = db.import_records(iter(RECORDS))
        assert report.counts["claims"]["added"] == 1 and report.counts["sources"]["added"] == 1
        assert not db.import_records(RECORDS).changed
        stored = next(db.claims(source="hrw"))
        assert (stored.quote, [f.stated for f in stored.figures]) == (CLAIM["quote"], ["at least 304"])
    lines = tmp_path / "records.jsonl"
    lines.write_text("".join(json.dumps(record) + "\n" for record in RECORDS), encoding="utf-8")
    from_file = new_store(seeded_store, seeded=True)
    with Database(from_file) as db:
        db.import_files([lines])
    for table in DATA_TABLES:
        assert stored_rows(seeded_store, table) == stored_rows(from_file, table), table


def stored_rows(path: Path | str, table: str) -> list[tuple[Any, ...]]:
    """The rows of ``table`` without the import batches, and without the digest a JSON Lines claim
    line is stored with so that importing the same line again is recognised (records have no lines)."""
    columns = [name for name in columns_of(path, table) if name not in ("batch_id", "updated_batch_id", "record_digest")]
    return rows(path, f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2")


def test_dry_run_and_update_work_as_for_files(seeded_store: Path | str) -> None:
    before = dump_database(seeded_store)
    with Database(seeded_store) as db:
        assert db.import_records(RECORDS, dry_run=True).counts["claims"]["added"] == 1
        assert dump_database(seeded_store) == before
        db.import_records(RECORDS)
        changed = {**CLAIM, "statement": "HRW counted at least 304 deaths."}
        with pytest.raises(ImportFailed):
            db.import_records([changed])
        assert db.import_records([changed], update=True).counts["claims"]["updated"] == 1


def test_a_bad_record_is_located_by_its_position_and_field(seeded_store: Path | str) -> None:
    bad = {**CLAIM, "source": "nobody"}
    before = dump_database(seeded_store)
    with Database(seeded_store) as db, pytest.raises(ImportFailed) as raised:
        db.import_records([RECORDS[0], DOCUMENT, bad])
    [problem] = raised.value.problems
    assert (problem.path, problem.line, problem.field) == ("records", 3, "record 3.source")  # the third, counted from 1
    assert problem.message.startswith("unknown source 'nobody'")
    assert dump_database(seeded_store) == before
