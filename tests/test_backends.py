"""The same behaviour on SQLite and PostgreSQL: import, update, compare, export, publish and copy.

Each test runs once per backend (the ``backend`` fixture: a fresh migrated database of its own);
the cross-backend tests import the same files into both and demand byte-identical exports and
identical comparisons: the seeds, the test fixtures, a generated set of 10,000 claims updated
through CSV, and one of LARGEST_GENERATED claims (bench/postgres.py runs 100,000).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

from factdb import Database
from factdb.importer import ImportFailed

from conftest import BASIC, REPO, SEEDS, Backend, migrated_database, run_cli, write
from generated_imports import write_big_import

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402

SEED_FILES = sorted(SEEDS.glob("*.yaml"))
COMPARE_FIXTURE = REPO / "tests/fixtures/compare/multi_source.yaml"


def _import(db: str, *files: Path, update: bool = False) -> str:
    result = run_cli("import", "--db", db, *(["--update"] if update else []), *files)
    assert result.exit_code == 0, result.output
    return result.stdout


def _compare_json(db: str, event: str) -> object:
    result = run_cli("compare", event, "--db", db, "--format", "json", "--history")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _events(db: str) -> list[str]:
    with Database(db, readonly=True) as database:
        return [event.id for event in database.events()]


# -- each backend on its own --------------------------------------------------------------------------


def test_import_is_idempotent_and_export_round_trips(backend: Backend, tmp_path: Path) -> None:
    first = _import(backend.db, *SEED_FILES)
    assert "claims: 30 added" in first
    assert "0 added, 0 updated" in _import(backend.db, *SEED_FILES)
    export = backend.export()
    again = Backend(backend.name, str(migrated_database(tmp_path / "again")))
    _import(again.db, write(tmp_path, "export.yaml", export))
    assert again.export() == export


def test_bad_input_writes_nothing_and_says_the_same_on_both(backend: Backend, tmp_path: Path) -> None:
    _import(backend.db, BASIC)
    before = backend.export()
    bad = write(tmp_path, "bad.yaml", BASIC.read_text(encoding="utf-8").replace("kind: ngo", "kind: charity", 1))
    result = run_cli("import", "--db", backend.db, bad)
    assert result.exit_code == 1
    assert f"{bad}:" in result.stderr and "kind" in result.stderr and "nothing was imported" in result.stderr
    assert "Traceback" not in result.output
    assert backend.export() == before


def test_update_keeps_the_earlier_version(backend: Backend) -> None:
    changed = {"kind": "claim", "id": "amnesty-304", "document": "wire-2019-12", "source": "amnesty",
               "event": "iran-protests-2019-11", "quote": "at least 304 people had been killed",
               "statement": "Amnesty's count, restated", "figures": [{"metric": "killed", "value": "at least 304"}]}
    with Database(backend.db) as db:
        db.import_files([BASIC])
        with pytest.raises(ImportFailed):
            db.import_records([changed])
        report = db.import_records([changed], update=True)
        assert report.counts["claims"]["updated"] == 1
        [after] = [c for c in db.claims() if c.id == "amnesty-304"]
        assert after.statement == "Amnesty's count, restated"
        with db.read_engine.connect() as connection:
            [(version, content)] = connection.exec_driver_sql(
                "SELECT version, content FROM claim_history WHERE claim_id = 'amnesty-304'").all()
    assert version == 1 and "restated" not in content


def test_compare_and_publish(backend: Backend, tmp_path: Path) -> None:
    _import(backend.db, *SEED_FILES)
    _import(backend.db, COMPARE_FIXTURE)
    comparison = _compare_json(backend.db, "iran-protests-2019-11")
    assert comparison
    result = run_cli("publish", "--db", backend.db, tmp_path / "site")
    assert result.exit_code == 0, result.output
    snapshot = tmp_path / "site" / "factdb.db"
    assert _compare_json(str(snapshot), "iran-protests-2019-11") == comparison
    assert Backend("sqlite", str(snapshot)).export() == backend.export()
    connection = sqlite3.connect(snapshot)
    try:
        # The snapshot is an SQLite database made by factdb's migrations: views and search included.
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        assert {"claims_fts", "sources_fts", "claims_readable", "figure_comparison"} <= names
        assert connection.execute("SELECT count(*) FROM claims_fts WHERE claims_fts MATCH 'killed'").fetchone()[0] > 0
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        connection.close()


def test_backup_is_an_sqlite_file_that_exports_the_same(backend: Backend, tmp_path: Path) -> None:
    _import(backend.db, *SEED_FILES)
    result = run_cli("backup", "--db", backend.db, tmp_path / "copy.sqlite")
    assert result.exit_code == 0, result.output
    assert ("SQLite snapshot" in result.stdout) == (backend.name == "postgresql")
    assert Backend("sqlite", str(tmp_path / "copy.sqlite")).export() == backend.export()


def _schema(path: Path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        # Less the statistics a published snapshot adds (ANALYZE).
        return connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                  "WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name").fetchall()
    finally:
        connection.close()


def test_sqlite_files_made_from_a_store_have_the_schema_of_init(backend: Backend, tmp_path: Path) -> None:
    """A backup, a copy into a new file and a published snapshot are filled with their indexes and
    search triggers dropped and rebuilt: each must end with exactly the schema `factdb init` makes,
    intact indexes and full-text indexes that agree with their tables."""
    _import(backend.db, *SEED_FILES)
    _import(backend.db, COMPARE_FIXTURE)
    fresh = migrated_database(tmp_path / "fresh")
    assert run_cli("backup", "--db", backend.db, tmp_path / "backup.sqlite").exit_code == 0
    assert run_cli("copy", "--from", backend.db, "--to", tmp_path / "copy.sqlite").exit_code == 0
    assert run_cli("publish", "--db", backend.db, tmp_path / "site").exit_code == 0
    for made in (tmp_path / "backup.sqlite", tmp_path / "copy.sqlite", tmp_path / "site" / "factdb.db"):
        assert _schema(made) == _schema(fresh), made
        connection = sqlite3.connect(made)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            for index in ("claims_fts", "documents_fts", "sources_fts"):
                connection.execute(f"INSERT INTO {index}({index}) VALUES ('integrity-check')")
            assert connection.execute("SELECT count(*) FROM claims_fts WHERE claims_fts MATCH 'killed'").fetchone()[0] > 0
        finally:
            connection.close()
        assert Backend("sqlite", str(made)).export() == backend.export()


# -- the same files on both ---------------------------------------------------------------------------


def _both(tmp_path: Path, postgres_db: str, *files: Path) -> tuple[Backend, Backend]:
    sqlite = Backend("sqlite", str(migrated_database(tmp_path / "sqlite")))
    postgres = Backend("postgresql", postgres_db)
    for backend in (sqlite, postgres):
        for group in files:
            _import(backend.db, group)
    return sqlite, postgres


@pytest.mark.parametrize("files", [SEED_FILES, [BASIC], [*SEED_FILES, COMPARE_FIXTURE]], ids=["seeds", "basic", "compare"])
def test_same_files_give_the_same_exports_and_comparisons(files: list[Path], tmp_path: Path, postgres_db: str) -> None:
    sqlite, postgres = _both(tmp_path, postgres_db, *files)
    for fmt in ("yaml", "json", "jsonl"):
        assert postgres.export(fmt) == sqlite.export(fmt)
    assert _events(postgres.db) == _events(sqlite.db)
    for event in _events(sqlite.db):
        assert _compare_json(postgres.db, event) == _compare_json(sqlite.db, event)


@pytest.mark.slow
def test_a_generated_set_of_10000_claims_is_the_same_on_both(tmp_path: Path, postgres_db: str) -> None:
    paths = generate(10_000, tmp_path / "data", sources=200, events=500)
    sqlite, postgres = _both(tmp_path, postgres_db, paths["entities"], paths["jsonl"])
    assert postgres.export("jsonl") == sqlite.export("jsonl")
    for event in _events(sqlite.db)[:25]:
        assert _compare_json(postgres.db, event) == _compare_json(sqlite.db, event)
    # The CSV form of the claims, imported with --update over them, makes the same changes on both.
    reports = [_import(backend.db, paths["csv"], update=True) for backend in (sqlite, postgres)]
    assert reports[0] == reports[1] and " updated" in reports[0]
    assert postgres.export("jsonl") == sqlite.export("jsonl")


# The largest generated set the suite compares on both backends. The issue asks for 100,000 claims;
# importing, exporting and comparing that many on both takes about three minutes on the 2-core CI
# machine, so the suite takes the size that fits in about 40 s there, and bench/postgres.py
# compares the exports and comparisons of 100,000 (and 1,000,000) on every benchmark run.
LARGEST_GENERATED = 25_000


@pytest.mark.slow
def test_the_largest_generated_set_exports_and_compares_the_same_on_both(tmp_path: Path, postgres_db: str) -> None:
    paths = generate(LARGEST_GENERATED, tmp_path / "data", sources=500, events=1_000)
    sqlite, postgres = _both(tmp_path, postgres_db, paths["entities"], paths["jsonl"])
    assert postgres.export("jsonl") == sqlite.export("jsonl")
    events = _events(sqlite.db)
    assert _events(postgres.db) == events and len(events) == 1_000
    for event in events[::40]:
        assert _compare_json(postgres.db, event) == _compare_json(sqlite.db, event)


# -- moving between stores -----------------------------------------------------------------------------


def test_copy_sqlite_to_postgresql_and_back(tmp_path: Path, postgres_server) -> None:  # type: ignore[no-untyped-def]
    source = str(migrated_database(tmp_path / "source"))
    _import(source, *SEED_FILES)
    _import(source, COMPARE_FIXTURE)
    empty_server_db = postgres_server.create(f"{postgres_server.template}_copy", empty=True)
    try:
        result = run_cli("copy", "--from", source, "--to", empty_server_db)
        assert result.exit_code == 0, result.output
        assert "both export the same" in result.stdout
        assert Backend("postgresql", empty_server_db).export() == Backend("sqlite", source).export()
        # The copy's sequences are in step: an import after it adds rows without colliding keys.
        _import(empty_server_db, write_big_import(tmp_path / "more.jsonl", 45, prefix="more"))
        back = tmp_path / "back.sqlite"
        assert run_cli("copy", "--from", empty_server_db, "--to", back).exit_code == 0
        assert Backend("sqlite", str(back)).export() == Backend("postgresql", empty_server_db).export()
        again = run_cli("copy", "--from", source, "--to", empty_server_db)
        assert again.exit_code == 1 and "already holds data" in again.stderr
        assert run_cli("copy", "--from", source, "--to", back).exit_code == 1
    finally:
        postgres_server.drop(f"{postgres_server.template}_copy")
