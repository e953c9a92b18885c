"""`factdb backup`: a consistent copy of a live database; restoring from a backup and from an export.

Backups taken again and again while a large import writes each pass the integrity check and hold
the database wholly before or wholly after the import. The restore procedures documented in
docs/reliability.md are run here step by step.

On PostgreSQL a backup is an SQLite snapshot of factdb's tables (docs/team.md): the same
guarantees are tested there (whole snapshots while an import writes, no overwriting without
--force, restoring through `factdb copy` and from an export); what concerns the SQLite file
itself (WAL, the file being the database itself, a file that is not a database) stays SQLite's.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factdb.backup import BackupError, backup

from conftest import NewStore, Backend, claims_in, dump_database, integrity, is_postgres, rows, run_cli
from generated_imports import write_big_import

BIG_CLAIMS = 6_000


# What a restore must bring back, table by table (batch ids and timestamps are the restore's own).
SAME_ROWS = {
    "sources": "SELECT id, name, kind, url, country, description FROM sources ORDER BY id",
    "source_aliases": "SELECT source_id, alias FROM source_aliases ORDER BY 1, 2",
    "source_relations": "SELECT source_id, relation, target_id FROM source_relations ORDER BY 1, 2, 3",
    "events": "SELECT id, name, description, start_date, end_date, parent_id FROM events ORDER BY id",
    "metrics": "SELECT id, name, unit, description FROM metrics ORDER BY id",
    "documents": "SELECT id, title, author, publisher_id, published, url, language, text FROM documents ORDER BY id",
    "claims": "SELECT c.id, c.source_id, d.id, c.via_id, c.event_id, c.claimed_on, c.quote, c.quote_start, c.quote_end, "
              "c.statement, c.status FROM claims c JOIN documents d ON d.pk = c.document_pk ORDER BY c.id",
    "figures": "SELECT c.id, f.position, f.metric_id, f.population, f.qualifier, f.value, f.low, f.high, f.stated "
               "FROM figures f JOIN claims c ON c.pk = f.claim_pk ORDER BY 1, 2",
}


def writer_active(db: Path) -> bool:
    """True while another connection holds the write lock (an import's transaction is open)."""
    connection = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return True
    finally:
        connection.close()


@pytest.mark.slow
def test_backups_taken_while_an_import_writes_are_whole_and_consistent(seeded_copy: Path, tmp_path: Path) -> None:
    big = write_big_import(tmp_path / "big.jsonl", BIG_CLAIMS)
    before, before_claims = dump_database(seeded_copy), claims_in(seeded_copy)
    process = subprocess.Popen([sys.executable, "-m", "factdb.cli", "import", "--db", str(seeded_copy), str(big)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    backups: list[tuple[Path, bool]] = []
    try:
        while process.poll() is None and not writer_active(seeded_copy):
            time.sleep(0.01)  # the import starting up: its transaction, and the window, begin later
        while process.poll() is None and len(backups) < 50:
            during = writer_active(seeded_copy)
            target = tmp_path / f"backup-{len(backups)}.sqlite"
            result = run_cli("backup", "--db", seeded_copy, target)
            assert result.exit_code == 0, result.output
            backups.append((target, during))
            time.sleep(0.05)
    finally:
        _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    after = dump_database(seeded_copy)
    assert any(during for _, during in backups), "no backup was taken while the import held the write lock"
    for target, _ in backups:
        assert integrity(target) == "ok"
        assert not target.with_name(target.name + "-wal").exists()
        assert dump_database(target) in (before, after), f"{target} holds part of the import"
    assert claims_in(backups[0][0]) == before_claims


def server_writer_active(url: str) -> bool:
    """True while a transaction holds factdb's write lock on this PostgreSQL database (an import runs)."""
    from factdb.db import WRITE_LOCK_KEY

    return bool(rows(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 "
                          f"AND objid = {WRITE_LOCK_KEY} AND database = (SELECT oid FROM pg_database "
                          "WHERE datname = current_database())")[0][0])


@pytest.mark.slow
@pytest.mark.parametrize("seeded_store", ["postgresql"], indirect=True)
def test_backups_of_postgresql_taken_while_an_import_writes_are_whole_snapshots(seeded_store: Path | str,
                                                                              tmp_path: Path) -> None:
    """On PostgreSQL a backup reads one REPEATABLE READ snapshot: never part of an import."""
    url = str(seeded_store)
    big = write_big_import(tmp_path / "big.jsonl", BIG_CLAIMS)
    before, before_claims = Backend("postgresql", url).export("jsonl"), claims_in(url)
    process = subprocess.Popen([sys.executable, "-m", "factdb.cli", "import", "--db", url, str(big)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    backups: list[tuple[Path, bool]] = []
    try:
        while process.poll() is None and not server_writer_active(url):
            time.sleep(0.01)
        while process.poll() is None and len(backups) < 10:
            during = server_writer_active(url)
            target = tmp_path / f"backup-{len(backups)}.sqlite"
            result = run_cli("backup", "--db", url, target)
            assert result.exit_code == 0, result.output
            backups.append((target, during))
    finally:
        _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    after = Backend("postgresql", url).export("jsonl")
    assert any(during for _, during in backups), "no backup was taken while the import held the write lock"
    for target, _ in backups:
        assert integrity(target) == "ok"
        assert Backend("sqlite", str(target)).export("jsonl") in (before, after), f"{target} holds part of the import"
    assert claims_in(backups[0][0]) == before_claims


def test_backup_is_a_single_file_and_refuses_to_overwrite_without_force(seeded_store: Path | str, tmp_path: Path) -> None:
    target = tmp_path / "backup.sqlite"
    result = run_cli("backup", "--db", seeded_store, target)
    assert result.exit_code == 0, result.output
    connection = sqlite3.connect(target)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    connection.close()
    if is_postgres(seeded_store):  # an SQLite snapshot: the same records, in another store
        assert f"{seeded_store}: wrote an SQLite snapshot of factdb's tables to {target}" in result.output
        assert Backend("sqlite", str(target)).export() == Backend("postgresql", str(seeded_store)).export()
    else:
        assert f"{seeded_store}: backed up to {target}" in result.output
        assert dump_database(target) == dump_database(seeded_store)

    again = run_cli("backup", "--db", seeded_store, target)
    assert again.exit_code == 1
    assert f"{target} already exists; choose another name, or pass --force to replace it" in again.output
    assert run_cli("backup", "--db", seeded_store, target, "--force").exit_code == 0


@pytest.mark.parametrize(("target", "message"), [
    ("missing-folder/backup.sqlite", "missing-folder: no such folder"),
    ("factdb.sqlite", "is the database itself; back it up to another file"),
])
def test_backup_refuses_impossible_targets(target: str, message: str, seeded_copy: Path) -> None:
    result = run_cli("backup", "--db", seeded_copy, seeded_copy.parent / target, "--force")
    assert result.exit_code == 1 and message in result.output


@pytest.mark.parametrize("seeded_store", ["postgresql"], indirect=True)
def test_backup_of_postgresql_into_a_missing_folder_is_refused(seeded_store: Path | str, tmp_path: Path) -> None:
    result = run_cli("backup", "--db", seeded_store, tmp_path / "missing-folder" / "backup.sqlite")
    assert result.exit_code == 1 and "missing-folder: no such folder" in result.output
    assert not (tmp_path / "missing-folder").exists()


def test_backup_refuses_to_replace_a_database_in_use(seeded_store: Path | str, seeded_copy: Path, tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite"
    shutil.copy(seeded_copy, live)
    connection = sqlite3.connect(live)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE scratch (x)")  # leaves live.sqlite-wal while the connection is open
    try:
        with pytest.raises(BackupError, match="is a database in use"):
            backup(seeded_store, live, force=True)
    finally:
        connection.close()


def test_backup_of_a_missing_or_foreign_file_says_so(tmp_path: Path) -> None:
    missing = run_cli("backup", "--db", tmp_path / "missing.sqlite", tmp_path / "b.sqlite")
    assert missing.exit_code == 1 and "missing.sqlite: no such database" in missing.output
    foreign = tmp_path / "notes.sqlite"
    foreign.write_text("not a database\n" * 100)
    result = run_cli("backup", "--db", foreign, tmp_path / "b.sqlite")
    assert result.exit_code == 1 and "cannot be copied (file is not a database)" in result.output
    assert not (tmp_path / "b.sqlite").exists() and not list(tmp_path.glob(".*partial"))


def test_backup_of_a_missing_postgresql_database_says_so_and_writes_nothing(postgres_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = postgres_server.database_url(f"{postgres_server.template}_missing").replace("postgres@", "postgres:secret@")
    result = run_cli("backup", "--db", url, tmp_path / "b.sqlite")
    assert result.exit_code == 1 and "does not exist" in result.output and "cannot connect to the database" in result.output
    assert "secret" not in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_restoring_from_a_backup_brings_back_exactly_what_was_backed_up(seeded_copy: Path, tmp_path: Path) -> None:
    """docs/reliability.md, "Restore from a backup": stop, copy back, remove -wal/-shm."""
    saved = tmp_path / "backup.sqlite"
    assert run_cli("backup", "--db", seeded_copy, saved).exit_code == 0
    original = dump_database(seeded_copy)
    assert run_cli("import", "--db", seeded_copy, Path(__file__).parent / "good_input" / "crlf.yaml").exit_code == 0
    assert dump_database(seeded_copy) != original

    shutil.copyfile(saved, seeded_copy)
    for leftover in ("-wal", "-shm"):
        seeded_copy.with_name(seeded_copy.name + leftover).unlink(missing_ok=True)

    assert dump_database(seeded_copy) == original and integrity(seeded_copy) == "ok"
    assert run_cli("import", "--db", seeded_copy, Path(__file__).parent / "good_input" / "crlf.yaml").exit_code == 0


@pytest.mark.parametrize("seeded_store", ["postgresql"], indirect=True)
def test_restoring_postgresql_from_a_backup_brings_back_exactly_what_was_backed_up(
        seeded_store: Path | str, tmp_path: Path, postgres_server) -> None:  # type: ignore[no-untyped-def]
    """docs/team.md: a backup of the server store is an SQLite snapshot that `factdb copy` loads into a new database."""
    saved = tmp_path / "backup.sqlite"
    assert run_cli("backup", "--db", seeded_store, saved).exit_code == 0
    original = {table: rows(seeded_store, query) for table, query in SAME_ROWS.items()}
    assert run_cli("import", "--db", seeded_store, Path(__file__).parent / "good_input" / "crlf.yaml").exit_code == 0
    assert {table: rows(seeded_store, query) for table, query in SAME_ROWS.items()} != original

    restored = postgres_server.create(empty=True)
    try:
        result = run_cli("copy", "--from", saved, "--to", restored)
        assert result.exit_code == 0, result.output
        assert {table: rows(restored, query) for table, query in SAME_ROWS.items()} == original
        assert run_cli("import", "--db", restored, Path(__file__).parent / "good_input" / "crlf.yaml").exit_code == 0
    finally:
        postgres_server.discard(restored)


@pytest.mark.parametrize("fmt", ["yaml", "jsonl"])
def test_restoring_from_an_export_rebuilds_the_same_database(fmt: str, seeded_store: Path | str, tmp_path: Path,
                                                             new_store: NewStore) -> None:
    """docs/reliability.md, "Restore from an export": init a new database, import the export."""
    exported = tmp_path / f"factdb-export.{fmt}"
    assert run_cli("export", "--db", seeded_store, "--format", fmt, "-o", exported).exit_code == 0
    restored = new_store(seeded_store)
    result = run_cli("import", "--db", restored, exported)
    assert result.exit_code == 0, result.output
    again = tmp_path / f"again.{fmt}"
    assert run_cli("export", "--db", restored, "--format", fmt, "-o", again).exit_code == 0
    assert again.read_bytes() == exported.read_bytes()
    for table, query in SAME_ROWS.items():
        assert rows(restored, query) == rows(seeded_store, query), table
