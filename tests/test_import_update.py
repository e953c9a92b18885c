"""Idempotency, `--update` and claim history, `--dry-run`, and the import batches that record each import."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from factdb.db import make_engine
from factdb.importer import import_paths

import pytest

from conftest import (
    AMNESTY_LINE,
    BASIC,
    BASIC_TEXT,
    UNCHANGED_BASIC,
    dump_database,
    problems,
    quoted,
    rows,
    run_cli,
    write,
)


@pytest.fixture
def basic_db(basic_store: Path | str) -> Path | str:
    """Every test of this module runs on SQLite and on PostgreSQL (conftest.basic_store)."""
    return basic_store


# -- idempotency, --update and history --------------------------------------------------------------


def test_a_changed_source_event_or_metric_is_refused_without_update_naming_what_differs(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "changed.yaml", """\
sources:
  - {id: amnesty, name: Amnesty International (AI), kind: ngo, aliases: [Amnesty, AI], url: "https://www.amnesty.org"}
  - {id: mek, name: People's Mojahedin Organization of Iran, kind: opposition, aliases: [PMOI]}
events:
  - {id: iran-protests-2019-11, name: November 2019 Iran protests, start: 2019-11-15, end: 2019-11-20}
metrics:
  - {id: killed, name: People killed, unit: persons}
""")
    before = dump_database(basic_db)
    result = run_cli("import", "--db", basic_db, path)
    hint = "(hint: use the stored values, or run the import with --update to change them)"
    source, aliases, event, metric = problems(result)
    assert source == f"{path}:2: sources[0].name: source 'amnesty' already exists with different name, url {hint}"
    assert aliases == (f"{path}:3: sources[1].aliases: source 'mek' already exists with aliases ['MEK', 'PMOI'] "
                       "(hint: use the stored aliases, or run the import with --update to change them)")
    assert event.startswith(f"{path}:5: events[0].") and "event 'iran-protests-2019-11' already exists with different " in event
    assert metric == f"{path}:7: metrics[0].unit: metric 'killed' already exists with different unit {hint}"
    assert dump_database(basic_db) == before


def test_a_refused_change_names_the_fields_as_written_in_the_file(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "changed.yaml", _basic_with(
        ("end: 2019-11-19}", "end: 2019-11}"), ("published: 2019-12-16", "published: 2019-12"),
        (AMNESTY_LINE, "On Monday, Amnesty International said that at least 304 people had been killed.")))
    hint = "(hint: use the stored values, or run the import with --update to change them)"
    assert problems(run_cli("import", "--db", basic_db, path)) == [
        f"{path}:9: events[0].end: event 'iran-protests-2019-11' already exists with different end {hint}",
        f"{path}:16: documents[0].published: document 'wire-2019-12' already exists with different published, text {hint}",
    ]


def test_update_changes_sources_events_and_metrics_then_reimport_changes_nothing(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "changed.yaml", """\
sources:
  - {id: amnesty, name: Amnesty International (AI), kind: ngo, aliases: [Amnesty], url: "https://www.amnesty.org"}
  - {id: mek, name: People's Mojahedin Organization of Iran, kind: opposition, aliases: [PMOI, Mojahedin]}
events:
  - {id: iran-protests-2019-11, name: November 2019 Iran protests, start: 2019-11-15, end: 2019-11}
metrics:
  - {id: killed, name: People killed, unit: persons}
""")
    result = run_cli("import", "--db", basic_db, "--update", path)
    assert result.stdout == ("sources: 0 added, 2 updated, 0 unchanged; events: 0 added, 1 updated, 0 unchanged; "
                             "metrics: 0 added, 1 updated, 0 unchanged.\n")
    assert rows(basic_db, "SELECT id, name, url FROM sources WHERE id = 'amnesty'") == [
        ("amnesty", "Amnesty International (AI)", "https://www.amnesty.org")]
    assert rows(basic_db, "SELECT alias, source_id FROM source_aliases WHERE source_id IN ('amnesty', 'mek') ORDER BY alias") == [
        ("Amnesty", "amnesty"), ("Mojahedin", "mek"), ("PMOI", "mek")]
    assert rows(basic_db, "SELECT source_id FROM source_relations") == []  # mek's member_of was left out, so removed
    assert rows(basic_db, "SELECT end_date, end_precision FROM events") == [("2019-11", "month")]
    assert rows(basic_db, "SELECT unit FROM metrics WHERE id = 'killed'") == [("persons",)]
    claims = write(tmp_path, "ai-claim.yaml", "claims:\n  - {document: wire-2019-12, source: AI, "
                                              "quote: at least 304 people had been killed}\n")
    assert "unknown source 'AI'" in run_cli("import", "--db", basic_db, claims).stderr  # the removed alias no longer resolves
    before = dump_database(basic_db)
    again = run_cli("import", "--db", basic_db, "--update", path)
    assert again.stdout.endswith("Nothing changed.\n")
    assert dump_database(basic_db) == before


def _basic_with(*replacements: tuple[str, str]) -> str:
    text = BASIC_TEXT
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    return text


def test_document_text_update_rechecks_quotes_and_moves_their_offsets(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "reworded.yaml", _basic_with(
        (AMNESTY_LINE, "On Monday 16 December, Amnesty International said that at least 304 people had been killed.")))
    refused = run_cli("import", "--db", basic_db, path)
    [problem] = problems(refused)
    assert problem.startswith(f"{path}:18: documents[0].text: document 'wire-2019-12' already exists with different text")
    assert problem.endswith("(hint: use the stored values, or run the import with --update to change them)")
    offsets = rows(basic_db, "SELECT id, quote_start, quote_end FROM claims ORDER BY id")
    result = run_cli("import", "--db", basic_db, "--update", path)
    assert result.stdout == (UNCHANGED_BASIC + "documents: 0 added, 1 updated, 0 unchanged; "
                             "claims: 0 added, 0 updated, 3 unchanged; figures: 0 added, 0 updated, 4 unchanged.\n")
    moved = rows(basic_db, "SELECT id, quote_start, quote_end FROM claims ORDER BY id")
    assert [(i, s - s0, e - e0) for (i, s0, e0), (_, s, e) in zip(offsets, moved, strict=True)] == [
        ("amnesty-304", 13, 13), ("ncri-1500", 13, 13), ("officials-7000-arrested", 13, 13)]
    assert quoted(basic_db, "ncri-1500") == ("The NCRI says “approximately 1,500” people were killed, "
                                             "including several children.")
    assert rows(basic_db, "SELECT count(*) FROM claim_history") == [(0,)]


def test_document_text_update_that_loses_a_stored_quote_is_refused(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "reworded.yaml", _basic_with((AMNESTY_LINE, "Amnesty International gave no figure.")))
    before = dump_database(basic_db)
    result = run_cli("import", "--db", basic_db, "--update", path)
    assert f"{path}:18: documents[0].text: the new text no longer contains the quote of claim 'amnesty-304' (hint: keep " \
           "the archived text faithful to the original, or update that claim's quote too)" in problems(result)
    assert dump_database(basic_db) == before


def test_document_text_and_its_claims_quote_can_be_corrected_in_one_update(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "corrected.yaml", _basic_with(
        ("at least 304 people had been killed.", "at least 310 people had been killed."),
        ("quote: at least 304 people had been killed", "quote: at least 310 people had been killed"),
        ("value: at least 304}", "value: at least 310}")))
    result = run_cli("import", "--db", basic_db, "--update", path)
    assert result.exit_code == 0, result.output
    assert "documents: 0 added, 1 updated, 0 unchanged; claims: 0 added, 1 updated, 2 unchanged" in result.stdout
    assert quoted(basic_db, "amnesty-304") == "at least 310 people had been killed"
    [(content,)] = rows(basic_db, "SELECT content FROM claim_history")
    assert json.loads(content)["quote"] == "at least 304 people had been killed"


def test_a_documents_new_published_date_moves_the_default_claimed_on_of_its_claims(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "month.yaml", _basic_with(("published: 2019-12-16", "published: 2019-12")))
    result = run_cli("import", "--db", basic_db, "--update", path)
    assert "documents: 0 added, 1 updated, 0 unchanged; claims: 0 added, 2 updated, 1 unchanged" in result.stdout
    assert rows(basic_db, "SELECT id, claimed_on, claimed_on_precision FROM claims ORDER BY id") == [
        ("amnesty-304", "2019-12", "month"), ("ncri-1500", "2019-12", "month"), ("officials-7000-arrested", "2019-12", "month")]
    assert rows(basic_db, "SELECT published, published_precision FROM documents") == [("2019-12", "month")]


def test_each_update_of_a_claim_keeps_one_more_version_in_history(basic_db: Path, tmp_path: Path) -> None:
    versions = []
    for value in ("304", "at least 304, population: adults"):
        path = write(tmp_path, f"{value}.yaml", _basic_with(("value: at least 304}", f"value: {value}}}")))
        result = run_cli("import", "--db", basic_db, "--update", path)
        assert "claims: 0 added, 1 updated, 2 unchanged; figures: 0 added, 1 updated, 3 unchanged." in result.stdout
        versions.append(value)
    history = rows(basic_db, "SELECT claim_id, version, content, created_batch_id, replaced_batch_id FROM claim_history ORDER BY version")
    assert [(c, v, json.loads(content)["figures"], b1, b2) for c, v, content, b1, b2 in history] == [
        ("amnesty-304", 1, [{"metric": "killed", "value": "at least 304"}], 1, 2),
        ("amnesty-304", 2, [{"metric": "killed", "value": "304"}], 2, 3),
    ]
    assert rows(basic_db, "SELECT c.batch_id, c.updated_batch_id, f.stated, f.batch_id FROM claims c "
                          "JOIN figures f ON f.claim_pk = c.pk WHERE c.id = 'amnesty-304'") == [(1, 3, "at least 304", 3)]


# -- --dry-run --------------------------------------------------------------------------------------


def test_dry_run_of_an_update_reports_it_and_writes_nothing(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "changed.yaml", _basic_with(("value: at least 304}", "value: 304}")))
    before = dump_database(basic_db)
    result = run_cli("import", "--db", basic_db, "--update", "--dry-run", path)
    assert result.exit_code == 0
    assert result.stdout == ("Dry run, nothing written. " + UNCHANGED_BASIC + "documents: 0 added, 0 updated, 1 unchanged; "
                             "claims: 0 added, 1 updated, 2 unchanged; figures: 0 added, 1 updated, 3 unchanged.\n")
    assert dump_database(basic_db) == before


def test_dry_run_of_bad_data_lists_the_problems_and_exits_1(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "changed.yaml", _basic_with(("value: at least 304}", "value: 304}")))
    result = run_cli("import", "--db", basic_db, "--dry-run", path)
    assert result.exit_code == 1
    assert [p.split(": ", 2)[:2] for p in problems(result)] == [[f"{path}:23", "claims[0].id"]]


def test_dry_run_through_the_python_api_returns_the_counts_and_no_batch(basic_db: Path) -> None:
    engine = make_engine(basic_db)
    report = import_paths(engine, [BASIC], dry_run=True)
    engine.dispose()
    assert (report.dry_run, report.batch_id, report.changed) == (True, None, False)
    assert {kind: dict(counts) for kind, counts in report.counts.items()} == {
        "sources": {"unchanged": 5}, "events": {"unchanged": 1}, "metrics": {"unchanged": 2},
        "documents": {"unchanged": 1}, "claims": {"unchanged": 3}, "figures": {"unchanged": 4}}


# -- import batches -----------------------------------------------------------------------------------


def test_an_update_is_recorded_as_its_own_batch_with_files_hashes_and_counts(basic_db: Path, tmp_path: Path) -> None:
    changed = write(tmp_path, "changed.yaml", _basic_with(("value: at least 304}", "value: 304}")))
    extra = write(tmp_path, "extra.jsonl", json.dumps({"kind": "metric", "id": "injured", "name": "Injured", "unit": "people"}) + "\n")
    assert run_cli("import", "--db", basic_db, "--update", changed, extra).exit_code == 0
    [(started, finished, version, summary)] = rows(basic_db, "SELECT started_at, finished_at, factdb_version, summary "
                                                             "FROM import_batches WHERE id = 2")
    assert started <= finished and version
    assert json.loads(summary) == {"sources": {"unchanged": 5}, "events": {"unchanged": 1}, "metrics": {"added": 1, "unchanged": 2},
                                   "documents": {"unchanged": 1}, "claims": {"updated": 1, "unchanged": 2},
                                   "figures": {"updated": 1, "unchanged": 3}}
    assert rows(basic_db, "SELECT path, sha256, size_bytes, records FROM import_files WHERE batch_id = 2 ORDER BY id") == [
        (str(changed), hashlib.sha256(changed.read_bytes()).hexdigest(), changed.stat().st_size, 12),
        (str(extra), hashlib.sha256(extra.read_bytes()).hexdigest(), extra.stat().st_size, 1)]
    assert rows(basic_db, "SELECT batch_id FROM metrics WHERE id = 'injured'") == [(2,)]
    assert rows(basic_db, "SELECT id, batch_id, updated_batch_id FROM claims ORDER BY id") == [
        ("amnesty-304", 1, 2), ("ncri-1500", 1, None), ("officials-7000-arrested", 1, None)]


def test_imports_that_change_nothing_record_no_batch(basic_db: Path) -> None:
    assert run_cli("import", "--db", basic_db, BASIC).exit_code == 0
    assert run_cli("import", "--db", basic_db, "--dry-run", BASIC).exit_code == 0
    assert rows(basic_db, "SELECT id FROM import_batches") == [(1,)]
