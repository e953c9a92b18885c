"""The bulk path of large imports stores exactly what the small-file path stores.

Large imports (``BULK_BYTES`` and up) fill the full-text indexes in one statement at the end,
link revisions as their chunk is written, batch new documents and events and skip the claim lines
of JSON Lines files in the entity pass. The same realistic data (``bench/generate.py``: aliases,
relations, every qualifier, populations, ``via``, statuses, derived ids, ``supersedes`` chains) is
imported once that way and once with every shortcut off: per-row full-text triggers, one claim per
chunk, and --update on an empty database, which leaves every revision to the checks at the end.
On PostgreSQL, where a large import writes with COPY instead, the same files must store the same
rows as that row-by-row SQLite import.
"""

from __future__ import annotations

import gc
import io
import json
import random
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

import factdb.bulk as bulk
import factdb.heap as heap
import factdb.importer as importer
from factdb.db import make_engine
from factdb.export import export_database
from factdb.importer import import_paths

from conftest import DATA_TABLES, REPO, PostgresServer, dump_database, index_terms, migrated_database, rows, table_rows

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402



@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate(4_000, tmp_path_factory.mktemp("generated"), sources=120, events=400)



def _import(path: Path, files: list[Path], *, update: bool = False) -> importer.ImportReport:
    engine = make_engine(path)
    try:
        return import_paths(engine, files, update=update)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def bulk_db(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = migrated_database(tmp_path_factory.mktemp("bulk"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulk, "BULK_BYTES", 0)
        report = _import(path, [files["entities"], files["jsonl"]])
    assert report.counts["claims"]["added"] == 4_000
    return path


@pytest.fixture(scope="module")
def row_by_row_db(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = migrated_database(tmp_path_factory.mktemp("row-by-row"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulk, "BULK_BYTES", 10**18)
        patch.setattr(importer, "CLAIM_CHUNK", 1)
        patch.setattr(importer, "ROW_BATCH", 1)
        report = _import(path, [files["entities"], files["jsonl"]], update=True)
    assert report.counts["claims"]["added"] == 4_000
    return path



def _export(path: Path | str) -> str:
    engine = make_engine(path, readonly=True)
    try:
        out = io.StringIO()
        export_database(engine, out, "jsonl")
        return out.getvalue()
    finally:
        engine.dispose()


@pytest.mark.parametrize("table", DATA_TABLES)
def test_bulk_and_row_by_row_imports_store_the_same_rows(bulk_db: Path, row_by_row_db: Path, table: str) -> None:
    assert table_rows(bulk_db, table) == table_rows(row_by_row_db, table)


@pytest.mark.parametrize("index", ["claims_fts", "documents_fts"])
def test_bulk_import_indexes_the_same_words_for_search(bulk_db: Path, row_by_row_db: Path, index: str) -> None:
    terms = index_terms(bulk_db, index)
    assert len(terms) > 10_000
    assert terms == index_terms(row_by_row_db, index)


def test_bulk_import_exports_the_same_records(bulk_db: Path, row_by_row_db: Path) -> None:
    assert _export(bulk_db) == _export(row_by_row_db)


def test_bulk_import_links_revisions_and_restores_the_schema(bulk_db: Path, fresh_db: Path) -> None:
    connection = sqlite3.connect(bulk_db)
    try:
        assert connection.execute("SELECT count(*) FROM claims WHERE supersedes_pk IS NOT NULL").fetchone()[0] > 500
        schema = connection.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        temporary = connection.execute("SELECT name FROM sqlite_temp_master").fetchall()
    finally:
        connection.close()
    empty = sqlite3.connect(fresh_db)
    try:
        assert schema == empty.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    finally:
        empty.close()
    assert temporary == []


def test_reimporting_a_bulk_file_changes_nothing(bulk_db: Path, files: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    source = sqlite3.connect(bulk_db)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    before = {table: table_rows(copy, table) for table in DATA_TABLES}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulk, "BULK_BYTES", 0)
        report = _import(copy, [files["entities"], files["jsonl"]])
    assert not report.changed and report.counts["claims"]["unchanged"] == 4_000
    assert {table: table_rows(copy, table) for table in DATA_TABLES} == before


def test_a_bad_claim_in_a_bulk_import_writes_nothing_and_keeps_the_triggers(files: dict[str, Path], tmp_path: Path) -> None:
    path = migrated_database(tmp_path)
    bad = tmp_path / "claims.jsonl"
    lines = files["jsonl"].read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2500] = lines[2500].replace('"quote": "Source', '"quote": "Nobody')
    bad.write_text("".join(lines), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulk, "BULK_BYTES", 0)
        with pytest.raises(importer.ImportFailed) as failure:
            _import(path, [files["entities"], bad])
    [problem] = failure.value.problems
    assert (problem.path, problem.line, problem.field.split(".")[-1]) == (str(bad), 2501, "quote")
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT count(*) FROM claims").fetchone()[0] == 0
        triggers = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        connection.close()
    assert {"claims_ai", "documents_ai"} <= triggers


def _claims_and_figures_by_id(db: Path | str) -> tuple[list[tuple], list[tuple]]:
    """Claims (with the id of the claim each supersedes) and figures, by claim id: what an import
    stores whatever order it met the claims in, which gives them their keys."""
    claims = rows(db, "SELECT c.id, c.source_id, d.id, c.event_id, c.via_id, c.claimed_on, c.claimed_on_precision, c.quote, "
                      "c.quote_start, c.quote_end, c.statement, c.status, c.content_sha256, t.id FROM claims c "
                      "JOIN documents d ON d.pk = c.document_pk LEFT JOIN claims t ON t.pk = c.supersedes_pk ORDER BY c.id")
    figures = rows(db, "SELECT c.id, f.position, f.metric_id, f.population, f.qualifier, f.value, f.low, f.high, f.stated "
                       "FROM figures f JOIN claims c ON c.pk = f.claim_pk ORDER BY c.id, f.position")
    return claims, figures


def _claims_by_id(path: Path) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """As _claims_and_figures_by_id, with the search terms of the claims (SQLite's full-text index)."""
    claims, figures = _claims_and_figures_by_id(path)
    ids = dict(rows(path, "SELECT pk, id FROM claims"))
    return claims, figures, sorted((term, ids[row], column, offset) for term, row, column, offset in index_terms(path, "claims_fts"))


def test_claims_out_of_document_order_store_the_same_claims(files: dict[str, Path], row_by_row_db: Path, tmp_path: Path) -> None:
    """Shuffled, most revisions name a claim not stored yet: they are linked in one statement at
    the end, without the update trigger, before the search index is filled."""
    lines = files["jsonl"].read_text(encoding="utf-8").splitlines(keepends=True)
    random.Random(3).shuffle(lines)
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("".join(lines), encoding="utf-8")
    path = migrated_database(tmp_path / "shuffled")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulk, "BULK_BYTES", 0)
        report = _import(path, [files["entities"], shuffled])
    assert report.counts["claims"]["added"] == 4_000
    claims, figures, terms = _claims_by_id(path)
    assert sum(claim[-1] is not None for claim in claims) > 500
    assert (claims, figures, terms) == _claims_by_id(row_by_row_db)
    connection = sqlite3.connect(path)
    try:
        triggers = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        connection.close()
    assert {"claims_ai", "claims_au", "documents_ai"} <= triggers


def test_revisions_of_claims_not_stored_yet_are_refused_with_their_file_line_and_claim(files: dict[str, Path], tmp_path: Path) -> None:
    """Revisions checked at the end (their target came later in the file) are kept as numbers in
    pages and read back from their stored rows in batches: each problem still names its claim, its
    file and line, in claim order, whichever page and batch it falls in, and the database is unchanged."""
    lines = files["jsonl"].read_text(encoding="utf-8").splitlines(keepends=True)
    random.Random(3).shuffle(lines)
    revisions = [number for number, line in enumerate(lines) if '"supersedes"' in line]
    unknown, late = revisions[40], revisions[-3]
    lines[unknown] = lines[unknown].replace('"supersedes": "', '"supersedes": "nobody-', 1)
    lines[late] = lines[late].replace('"supersedes": "', '"supersedes": "no-such-', 1)
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("".join(lines), encoding="utf-8")
    path = migrated_database(tmp_path / "shuffled")
    before = dump_database(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulk, "BULK_BYTES", 0)
        patch.setattr(importer, "LINK_BATCH", 7)
        patch.setattr(importer.PendingRevisions, "PAGE", 64)
        with pytest.raises(importer.ImportFailed) as failure:
            _import(path, [files["entities"], shuffled])
    found = [(p.line, p.field, p.message.split("'")[0]) for p in failure.value.problems]
    ids = [json.loads(lines[number])["id"] for number in (unknown, late)]
    assert found == [(unknown + 1, f"{ids[0]}.supersedes", "unknown claim "), (late + 1, f"{ids[1]}.supersedes", "unknown claim ")]
    assert {p.path for p in failure.value.problems} == {str(shuffled)}
    assert dump_database(path) == before


# -- PostgreSQL: the same files through COPY store what SQLite's plain path stores ----------------------
# The tricks above (full-text triggers, deferred indexes, sqlite_master) are SQLite's own. On
# PostgreSQL a large import writes its new rows with COPY; these tests hold that path to the same
# standard: the same rows as the row-by-row SQLite import, re-import changes nothing, a bad claim
# writes nothing, and claim order does not matter.


def _import_to(db: str, files: list[Path], *, bulk_bytes: int = 0) -> importer.ImportReport:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulk, "BULK_BYTES", bulk_bytes)
        engine = make_engine(db)
        try:
            return import_paths(engine, files)
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def postgres_bulk_db(files: dict[str, Path], postgres_server: PostgresServer) -> Iterator[str]:
    url = postgres_server.create()
    report = _import_to(url, [files["entities"], files["jsonl"]])
    assert report.counts["claims"]["added"] == 4_000
    yield url
    postgres_server.discard(url)


@pytest.mark.parametrize("table", DATA_TABLES)
def test_copy_on_postgresql_stores_the_rows_of_the_row_by_row_import(postgres_bulk_db: str, row_by_row_db: Path, table: str) -> None:
    assert table_rows(postgres_bulk_db, table) == table_rows(row_by_row_db, table)


def test_copy_on_postgresql_exports_the_same_records(postgres_bulk_db: str, row_by_row_db: Path) -> None:
    assert _export(postgres_bulk_db) == _export(row_by_row_db)


def test_reimporting_on_postgresql_changes_nothing(postgres_bulk_db: str, files: dict[str, Path],
                                                   postgres_server: PostgresServer) -> None:
    copy = postgres_server.create(template=str(make_url(postgres_bulk_db).database))
    try:
        before = {table: table_rows(copy, table) for table in DATA_TABLES}
        report = _import_to(copy, [files["entities"], files["jsonl"]])
        assert not report.changed and report.counts["claims"]["unchanged"] == 4_000
        assert {table: table_rows(copy, table) for table in DATA_TABLES} == before
    finally:
        postgres_server.discard(copy)


def test_a_bad_claim_in_a_postgresql_import_writes_nothing(files: dict[str, Path], tmp_path: Path, postgres_db: str) -> None:
    bad = tmp_path / "claims.jsonl"
    lines = files["jsonl"].read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2500] = lines[2500].replace('"quote": "Source', '"quote": "Nobody')
    bad.write_text("".join(lines), encoding="utf-8")
    before = dump_database(postgres_db)
    with pytest.raises(importer.ImportFailed) as failure:
        _import_to(postgres_db, [files["entities"], bad])
    [problem] = failure.value.problems
    assert (problem.path, problem.line, problem.field.split(".")[-1]) == (str(bad), 2501, "quote")
    assert dump_database(postgres_db) == before


def test_claims_out_of_document_order_store_the_same_claims_on_postgresql(files: dict[str, Path], row_by_row_db: Path,
                                                                          tmp_path: Path, postgres_db: str) -> None:
    lines = files["jsonl"].read_text(encoding="utf-8").splitlines(keepends=True)
    random.Random(3).shuffle(lines)
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("".join(lines), encoding="utf-8")
    report = _import_to(postgres_db, [files["entities"], shuffled])
    assert report.counts["claims"]["added"] == 4_000
    claims, figures = _claims_and_figures_by_id(postgres_db)
    assert sum(claim[-1] is not None for claim in claims) > 500
    assert (claims, figures) == _claims_and_figures_by_id(row_by_row_db)


def test_a_bulk_import_freezes_its_lookups_while_it_checks_claims_and_unfreezes_them_after(files: dict[str, Path],
                                                                                          tmp_path: Path) -> None:
    """And collects its young objects less often meanwhile (factdb.heap.BULK_THRESHOLD), then as before."""
    frozen_while_checking: list[int] = []
    threshold_while_checking: list[tuple[int, int, int]] = []
    checked = importer._claims_in_chunks
    threshold = gc.get_threshold()

    def spy(s: importer._Import, records: object) -> None:
        frozen_while_checking.append(gc.get_freeze_count())
        threshold_while_checking.append(gc.get_threshold())
        checked(s, records)  # type: ignore[arg-type]

    bad = tmp_path / "claims.jsonl"
    bad.write_text(files["jsonl"].read_text(encoding="utf-8").replace('"quote": "Source', '"quote": "Nobody', 1), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulk, "BULK_BYTES", 0)
        patch.setattr(importer, "_claims_in_chunks", spy)
        report = _import(migrated_database(tmp_path / "good"), [files["entities"], files["jsonl"]])
        assert report.counts["claims"]["added"] == 4_000
        assert gc.get_freeze_count() == 0 and gc.get_threshold() == threshold
        with pytest.raises(importer.ImportFailed):
            _import(migrated_database(tmp_path / "bad"), [files["entities"], bad])
        assert gc.get_freeze_count() == 0 and gc.get_threshold() == threshold
    assert len(frozen_while_checking) == 2 and min(frozen_while_checking) > 1_000
    assert threshold_while_checking == [(max(heap.BULK_THRESHOLD, threshold[0]), *threshold[1:])] * 2
    assert heap.BULK_THRESHOLD > threshold[0]
