"""A re-import recognises the JSON Lines claim lines the database already holds, and only those.

Each claim imported from JSON Lines keeps a digest of its line, of the importer's rules and of
what the import's lookups answered for the names on it (migration 0005). A later import that
meets a line with the same digest skips its checks: they would pass again and store the same row.
Anything that could change the outcome (other rules, a name that now resolves to another source,
a document whose date changed) changes the digest, and the line is checked in full.

The tests tell the two paths apart by a stored claim whose content hash was tampered with: the full
checks see "different content", a recognised line does not look.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from pathlib import Path

import pytest

import factdb.checks as checks
import factdb.bulk as bulk
import factdb.importer as importer
from factdb.db import downgrade, make_engine, upgrade
from factdb.importer import ImportFailed, import_paths

from conftest import DATA_TABLES, REPO, copy_database, dump_database, execute, migrated_database, rows, table_rows, write

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402

# 0: the importer reads the claims itself; 2: validation workers do (factdb.import_workers).
WORKERS = [0, 2]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate(600, tmp_path_factory.mktemp("generated"), sources=60, events=150)


def _import(path: Path, paths: list[Path], workers: int = 0, *, update: bool = False) -> importer.ImportReport:
    engine = make_engine(path)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(bulk, "BULK_BYTES", 0)  # the bulk path, where workers read the database
            patch.setattr(importer, "CLAIM_CHUNK", 50)
            return import_paths(engine, paths, workers=workers, update=update)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def imported(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = migrated_database(tmp_path_factory.mktemp("imported"))
    assert _import(path, [files["entities"], files["jsonl"]], 2).counts["claims"]["added"] == 600
    return path


def _copy(path: Path, folder: Path) -> Path:
    return copy_database(path, folder / "copy.sqlite")


def _tamper(path: Path, claim_id: str) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE claims SET content_sha256 = 'tampered' WHERE id = ?", (claim_id,))
    connection.close()


def test_claims_from_json_lines_keep_a_digest_of_their_line(imported: Path, files: dict[str, Path], tmp_path: Path) -> None:
    digests = [d for (d,) in rows(imported, "SELECT record_digest FROM claims")]
    assert len(digests) == 600 and all(re.fullmatch(r"[0-9a-f]{32}", d) for d in digests)
    assert len(set(digests)) == 600
    from_csv = migrated_database(tmp_path)
    _import(from_csv, [files["entities"], files["csv"]], 2)
    assert rows(from_csv, "SELECT count(*), count(record_digest) FROM claims") == [(600, 0)]


@pytest.mark.parametrize("workers", WORKERS)
def test_a_reimport_recognises_the_lines_it_holds_without_checking_them(imported: Path, files: dict[str, Path],
                                                                       tmp_path: Path, workers: int) -> None:
    path = _copy(imported, tmp_path)
    _tamper(path, "c-0000007")
    before = {table: table_rows(path, table) for table in DATA_TABLES}
    report = _import(path, [files["entities"], files["jsonl"]], workers)
    assert not report.changed
    assert report.counts["claims"]["unchanged"] == 600
    assert report.counts["figures"]["unchanged"] == rows(path, "SELECT count(*) FROM figures")[0][0]
    assert {table: table_rows(path, table) for table in DATA_TABLES} == before


def test_other_rules_check_every_line_again(imported: Path, files: dict[str, Path], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy(imported, tmp_path)
    _tamper(path, "c-0000007")
    monkeypatch.setattr(checks, "rules_key", lambda: "the rules of another factdb version")
    with pytest.raises(ImportFailed) as failure:
        _import(path, [files["entities"], files["jsonl"]])
    assert [p.message for p in failure.value.problems] == ["claim 'c-0000007' already exists with different content"]


def test_without_a_readable_copy_of_the_rules_no_line_is_taken_as_known(imported: Path, files: dict[str, Path], tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy(imported, tmp_path)
    _tamper(path, "c-0000007")
    monkeypatch.setattr(checks, "rules_key", lambda: None)
    with pytest.raises(ImportFailed, match="c-0000007' already exists with different content"):
        _import(path, [files["entities"], files["jsonl"]])


def _lines(folder: Path, name: str, records: list[dict]) -> Path:
    return write(folder, name, "".join(json.dumps(r) + "\n" for r in records))


def _sources(folder: Path, amnesty_aliases: list[str], hrana_aliases: list[str]) -> Path:
    return _lines(folder, "sources.jsonl", [
        {"kind": "source", "id": "amnesty", "name": "Amnesty International", "source_kind": "ngo", "aliases": amnesty_aliases},
        {"kind": "source", "id": "hrana", "name": "HRANA", "source_kind": "ngo", "aliases": hrana_aliases},
        {"kind": "event", "id": "protests", "name": "Protests"},
        {"kind": "metric", "id": "killed", "name": "Killed", "unit": "people"},
    ])


def _documents(folder: Path, published: str) -> Path:
    return _lines(folder, "documents.jsonl", [
        {"kind": "document", "id": "report", "title": "Report", "published": published,
         "text": "The group says at least 300 people were killed. Others say more."},
    ])


def _claims(folder: Path) -> Path:
    return _lines(folder, "claims.jsonl", [
        {"kind": "claim", "id": "killed-300", "document": "report", "source": "the group", "event": "protests",
         "quote": "at least 300 people were killed", "figures": [{"metric": "killed", "value": "at least 300"}]},
    ])


@pytest.mark.parametrize("figures", [{}, {"figures": []}, {"figures": None}], ids=["no figures", "empty list", "null"])
@pytest.mark.parametrize("workers", WORKERS)
def test_a_claim_without_figures_is_recognised_too(tmp_path: Path, workers: int, figures: dict) -> None:
    path = migrated_database(tmp_path)
    claims = _lines(tmp_path, "claims.jsonl", [
        {"kind": "claim", "id": "others", "document": "report", "source": "amnesty", "quote": "Others say more.", **figures}])
    entities = [_sources(tmp_path, ["the group"], []), _documents(tmp_path, "2019-12-16")]
    _import(path, [*entities, claims], workers)
    _tamper(path, "others")
    assert _import(path, [*entities, claims], workers).counts["claims"]["unchanged"] == 1


@pytest.mark.parametrize("workers", WORKERS)
def test_a_line_naming_a_source_that_now_means_another_is_checked_again(tmp_path: Path, workers: int) -> None:
    path = migrated_database(tmp_path)
    claims = _claims(tmp_path)
    _import(path, [_sources(tmp_path, ["the group"], []), _documents(tmp_path, "2019-12-16"), claims], workers)
    assert rows(path, "SELECT source_id FROM claims") == [("amnesty",)]
    # The same claim line; "the group" is now HRANA's alias: the claim is by another source.
    report = _import(path, [_sources(tmp_path, [], ["the group"]), _documents(tmp_path, "2019-12-16"), claims], workers,
                     update=True)
    assert report.counts["claims"]["updated"] == 1
    assert rows(path, "SELECT source_id FROM claims") == [("hrana",)]


@pytest.mark.parametrize("workers", WORKERS)
def test_a_line_dated_by_its_document_is_checked_again_when_the_date_changes(tmp_path: Path, workers: int) -> None:
    path = migrated_database(tmp_path)
    claims, sources = _claims(tmp_path), _sources(tmp_path, ["the group"], [])
    _import(path, [sources, _documents(tmp_path, "2019-12-16"), claims], workers)
    report = _import(path, [sources, _documents(tmp_path, "2019-12-17"), claims], workers, update=True)
    assert report.counts["claims"]["updated"] == 1
    assert rows(path, "SELECT claimed_on FROM claims") == [("2019-12-17",)]


@pytest.mark.parametrize("workers", WORKERS)
def test_a_known_line_repeated_is_still_a_duplicate(imported: Path, files: dict[str, Path], tmp_path: Path, workers: int) -> None:
    path = _copy(imported, tmp_path)
    lines = files["jsonl"].read_text().splitlines(keepends=True)
    claim_lines = [n for n, line in enumerate(lines, start=1) if '"kind": "claim"' in line]
    repeated = write(tmp_path, "claims.jsonl", "".join(lines) + lines[claim_lines[10] - 1])
    with pytest.raises(ImportFailed) as failure:
        _import(path, [files["entities"], repeated], workers)
    claim_id = json.loads(lines[claim_lines[10] - 1])["id"]
    assert [str(p) for p in failure.value.problems] == [
        f"{repeated}:{len(lines) + 1}: line {len(lines) + 1}.id: duplicate claim id '{claim_id}' "
        f"(first at {repeated}:{claim_lines[10]}) (hint: give each claim its own id; rows of one CSV claim must be consecutive)"]


def test_claims_from_before_the_digest_are_checked_in_full_and_stay_as_they_are(imported: Path, files: dict[str, Path],
                                                                                tmp_path: Path) -> None:
    path = _copy(imported, tmp_path)
    downgrade(make_engine(path), "0004")
    assert "record_digest" not in {c for (_, c, *_) in rows(path, "PRAGMA table_info(claims)")}
    upgrade(make_engine(path))
    assert rows(path, "SELECT count(*), count(record_digest) FROM claims") == [(600, 0)]
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]
    _tamper(path, "c-0000007")
    with pytest.raises(ImportFailed, match="c-0000007' already exists with different content"):
        _import(path, [files["entities"], files["jsonl"]], 2)


def test_lines_are_looked_up_in_batches_across_batch_boundaries(files: dict[str, Path], fresh_store: Path | str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """On either backend: lines are looked up RECOGNISED_BATCH at a time (one round trip each on
    PostgreSQL), and every line of every batch, the last one short, is recognised."""
    monkeypatch.setattr(checks, "RECOGNISED_BATCH", 7)  # 600 claim lines: 86 batches, the last one of 5
    _import_store(fresh_store, [files["entities"], files["jsonl"]])
    execute(fresh_store, "UPDATE claims SET content_sha256 = 'tampered' WHERE id = 'c-0000599'")
    asked: list[int] = []
    stored_claim_digests = bulk.BulkWrite.stored_claim_digests

    def counted(self: bulk.BulkWrite, claims: object) -> object:
        stored = stored_claim_digests(self, claims)  # type: ignore[arg-type]
        return lambda ids: asked.append(len(ids)) or stored(ids)

    monkeypatch.setattr(bulk.BulkWrite, "stored_claim_digests", counted)
    report = _import_store(fresh_store, [files["entities"], files["jsonl"]])
    assert not report.changed and report.counts["claims"]["unchanged"] == 600
    # A claim without an id (the importer makes one) cannot be stored already: it is not looked up.
    with_ids = sum(1 for line in files["jsonl"].read_text().splitlines() if '"id": "' in line)
    assert with_ids > 500 and sum(asked) == with_ids and max(asked) == 7


def test_a_bad_line_after_a_batch_of_known_ones_is_reported_and_nothing_changes(files: dict[str, Path], fresh_store: Path | str,
                                                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "RECOGNISED_BATCH", 7)
    _import_store(fresh_store, [files["entities"], files["jsonl"]])
    before = dump_database(fresh_store)
    lines = files["jsonl"].read_text().splitlines(keepends=True)
    broken = write(tmp_path, "claims.jsonl", "".join(lines[:20]) + '{"kind": "claim", "id": \n' + "".join(lines[20:]))
    with pytest.raises(ImportFailed) as failure:
        _import_store(fresh_store, [files["entities"], broken])
    assert [(p.line, p.message.split(":")[0]) for p in failure.value.problems] == [(21, "invalid JSON")]
    assert dump_database(fresh_store) == before


def _import_store(db: Path | str, paths: list[Path]) -> importer.ImportReport:
    engine = make_engine(db)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(bulk, "BULK_BYTES", 0)
            patch.setattr(importer, "CLAIM_CHUNK", 50)
            return import_paths(engine, paths, workers=0)
    finally:
        engine.dispose()
