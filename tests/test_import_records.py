"""import_records: records given in Python, shaped like JSON Lines lines, are checked and written
as files are, and a problem names the record by its number (counted from 1, as lines are) and field.
Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from factdb.db import make_engine
from factdb.importer import ImportFailed, import_paths, import_records

from conftest import NewStore, DATA_TABLES, columns_of, rows, table_rows

TEXT = "Amnesty International said at least 304 people were killed, and “thousands” were arrested."
RECORDS: list[dict[str, Any]] = [
    {"kind": "source", "id": "amnesty", "name": "Amnesty International", "source_kind": "ngo", "aliases": ["AI"]},
    {"kind": "event", "id": "protests-2019", "name": "Protests of November 2019", "start": "2019-11-15"},
    {"kind": "metric", "id": "killed", "name": "People killed", "unit": "people"},
    {"kind": "document", "id": "amnesty-2019-12-16", "title": "Iran: death toll", "publisher": "AI", "published": "2019-12-16",
     "text": TEXT},
    {"kind": "claim", "id": "amnesty-killed-304", "document": "amnesty-2019-12-16", "source": "amnesty", "event": "protests-2019",
     "quote": "at least 304 people were killed", "figures": [{"metric": "killed", "value": "at least 304"}]},
    {"kind": "claim", "document": "amnesty-2019-12-16", "source": "ai", "quote": '"thousands" were arrested'},
]


def _import(path: Path | str, records: list[Any], **options: Any) -> Any:
    engine = make_engine(path)
    try:
        return import_records(engine, records, **options)
    finally:
        engine.dispose()


def _problems(path: Path | str, records: list[Any]) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        _import(path, records)
    return [str(p) for p in failure.value.problems]


def test_records_import_as_the_same_lines_of_a_json_lines_file(fresh_store: Path | str, tmp_path: Path,
                                                               new_store: NewStore) -> None:
    given = fresh_store
    report = _import(given, RECORDS)
    assert report.summary() == ("sources: 1 added, 0 updated, 0 unchanged; events: 1 added, 0 updated, 0 unchanged; "
                                "metrics: 1 added, 0 updated, 0 unchanged; documents: 1 added, 0 updated, 0 unchanged; "
                                "claims: 2 added, 0 updated, 0 unchanged; figures: 1 added, 0 updated, 0 unchanged.")
    lines = tmp_path / "records.jsonl"
    lines.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    from_file = new_store(given)
    engine = make_engine(from_file)
    import_paths(engine, [lines])
    engine.dispose()
    for table in DATA_TABLES:
        # record_digest is kept for JSON Lines lines only; everything else is the same
        skip = {"record_digest"} if table == "claims" else set()
        assert _without(table_rows(given, table), table, skip, given) == _without(table_rows(from_file, table), table, skip, from_file)
    assert rows(given, "SELECT record_digest FROM claims") == [(None,), (None,)]
    again = _import(given, RECORDS)
    assert not again.changed and again.counts["claims"]["unchanged"] == 2


def _without(found: list[tuple], table: str, skip: set[str], path: Path | str) -> list[tuple]:
    columns = [name for name in columns_of(path, table) if name not in ("batch_id", "updated_batch_id")]
    keep = [i for i, name in enumerate(columns) if name not in skip]
    return [tuple(row[i] for i in keep) for row in found]


def test_a_problem_names_the_record_by_its_number_and_field(fresh_store: Path | str) -> None:
    path = fresh_store
    records = [*RECORDS[:4], {**RECORDS[4], "quote": ""}, {**RECORDS[5], "source": "amnesty-international"}]
    assert _problems(path, records) == [
        "records:5: record 5.quote: is empty (hint: copy the sentence or clause that carries the claim, verbatim from the document)",
        "records:6: record 6.source: unknown source 'amnesty-international'; closest known: amnesty (hint: define the source under "
        "'sources:' (in this or another file of the import), or use its id or an alias)",
    ]
    assert rows(path, "SELECT count(*) FROM sources") == [(0,)]


def test_a_text_file_is_refused_there_being_no_folder_to_find_it_in(fresh_store: Path | str, tmp_path: Path) -> None:
    path = fresh_store
    (tmp_path / "text.txt").write_text(TEXT, encoding="utf-8")
    records = [{**RECORDS[3], "text": None, "text_file": "text.txt"}]
    assert _problems(path, records) == [
        "records:1: record 1.text_file: records given in Python have no folder for a text_file to be relative to "
        "(hint: give the document's full text as 'text')"]


def test_records_without_a_known_kind_are_refused_before_anything_is_checked(fresh_store: Path | str) -> None:
    path = fresh_store
    assert _problems(path, [RECORDS[0], {"id": "x"}, ["claim"], {"kind": "claims"}]) == [
        "records:2: record 2.kind: 'kind' must be one of source, event, metric, document, claim, removed; found None "
        "(hint: add \"kind\": \"claim\" (or another kind) to the record)",
        "records:3: record 3: expected a mapping of fields with a 'kind'; found list "
        "(hint: give each record as a dict, e.g. {\"kind\": \"claim\", ...})",
        "records:4: record 4.kind: 'kind' must be one of source, event, metric, document, claim, removed; found 'claims' "
        "(hint: add \"kind\": \"claim\" (or another kind) to the record)",
    ]


def test_a_dry_run_of_records_writes_nothing_and_progress_counts_them(fresh_store: Path | str) -> None:
    path = fresh_store
    seen: list[int] = []
    report = _import(path, RECORDS, dry_run=True, progress=seen.append)
    assert report.dry_run and report.counts["claims"]["added"] == 2 and report.records == len(RECORDS)
    assert sum(seen) == len(RECORDS)
    assert rows(path, "SELECT count(*) FROM claims") == [(0,)]


def test_a_duplicate_claim_id_names_the_first_record_with_it(fresh_store: Path | str) -> None:
    path = fresh_store
    assert _problems(path, [*RECORDS, RECORDS[4]]) == [
        "records:7: record 7.id: duplicate claim id 'amnesty-killed-304' (first at records:5) "
        "(hint: give each claim its own id; rows of one CSV claim must be consecutive)"]


def test_a_claims_content_hash_is_the_sha256_of_its_canonical_json(fresh_store: Path | str) -> None:
    """The hash stored claims are recognised by: json.dumps(sort_keys=True, ensure_ascii=False) of the claim
    as checked, whatever shortcut builds it (text beyond ASCII, a fraction, a phrase and bounds)."""
    import hashlib

    text = "Le HCR a déclaré qu’au moins 2.5 % — “1 500 à 2 000” — sont partis."
    metric = {"kind": "metric", "id": "displaced", "name": "Share displaced", "unit": "percent"}
    claim = {"kind": "claim", "id": "hcr-1", "document": "hcr-doc", "source": "amnesty", "event": "protests-2019",
             "claimed_on": "2019-12", "quote": "au moins 2.5 % — “1 500 à 2 000”", "statement": "Départs ≥ 2,5 M",
             "figures": [{"metric": "displaced", "qualifier": "at_least", "value": 2.5, "stated": "au moins 2.5"},
                         {"metric": "killed", "qualifier": "range", "low": 1500, "high": 2000, "population": "Réfugiés"}]}
    records = [*RECORDS[:3], metric, {**RECORDS[3], "id": "hcr-doc", "text": text}, claim]
    _import(fresh_store, records)
    canonical = {"id": "hcr-1", "document": "hcr-doc", "source": "amnesty", "via": None, "event": "protests-2019",
                 "claimed_on": "2019-12", "quote": claim["quote"], "statement": "Départs ≥ 2,5 M", "supersedes": None,
                 "status": "active", "figures": [
                     {"metric_id": "displaced", "population": None, "qualifier": "at_least", "value": 2.5, "low": 2.5,
                      "high": None, "stated": "au moins 2.5"},
                     {"metric_id": "killed", "population": "réfugiés", "qualifier": "range", "value": None, "low": 1500,
                      "high": 2000, "stated": "between 1,500 and 2,000"}]}
    expected = hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    assert rows(fresh_store, "SELECT content_sha256 FROM claims WHERE id = 'hcr-1'") == [(expected,)]
