"""Crashes lose nothing: a killed import, an error inside the transaction, a failed migration.

A large import is killed with SIGKILL at several points (chosen by the SQL statement about to run,
by the write-ahead log starting to grow, and by time): afterwards the database passes
``PRAGMA integrity_check`` and holds exactly what it held before (a full dump, not row counts),
or, for a kill that lands after the commit, the whole import. The same import then succeeds.
The same holds when SQLite itself fails inside the transaction (disk full, interrupted), and a
migration that fails part-way leaves the database at its previous revision, intact.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, event

from factdb.db import alembic_config, current_revision, head_revision, make_engine, migrations_path, schema_sql

from conftest import claims_in, copy_database, dump_database, integrity, run_cli
from generated_imports import write_big_import

BIG_CLAIMS = 6_000

# Runs `factdb import` and kills itself with SIGKILL when the Nth statement starting with a given
# SQL prefix is about to run: a crash at an exact point of the import, as abrupt as a power cut.
KILL_AT_STATEMENT = """
import os, signal, sys
from sqlalchemy import Engine, event
prefix, count = sys.argv[1].upper(), int(sys.argv[2])
seen = 0
def trace(sql):
    global seen
    if sql.lstrip().upper().startswith(prefix):
        seen += 1
        if seen >= count:
            os.kill(os.getpid(), signal.SIGKILL)
event.listen(Engine, "connect", lambda connection, _record: connection.set_trace_callback(trace))
from factdb.cli import cli
cli(sys.argv[3:], prog_name="factdb")
"""


def import_command(db: Path, *files: Path) -> list[str]:
    return [sys.executable, "-m", "factdb.cli", "import", "--db", str(db), *map(str, files)]


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_big_import(tmp_path_factory.mktemp("big") / "big.jsonl", BIG_CLAIMS)


@pytest.fixture(scope="module")
def full_import(seeded_db: Path, big_file: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[float, int]:
    """How long the whole import takes in a subprocess, and how many claims the database then holds."""
    db = copy_database(seeded_db, tmp_path_factory.mktemp("full") / "full.sqlite")
    started = time.monotonic()
    done = subprocess.run(import_command(db, big_file), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started, claims_in(db)


def assert_intact_and_import_succeeds(db: Path, before: list[str], big_file: Path, after_claims: int,
                                      *, may_have_committed: bool = False) -> str:
    """The database is whole and as before (or wholly imported); then the import completes."""
    assert integrity(db) == "ok"
    state = "before"
    if dump_database(db) != before:
        assert may_have_committed, "the killed import left the database changed"
        assert claims_in(db) == after_claims, "the database holds part of an import"
        state = "after"
    result = run_cli("import", "--db", db, big_file)
    assert result.exit_code == 0, result.output
    assert (f"claims: {BIG_CLAIMS} added" if state == "before" else f"claims: 0 added, 0 updated, {BIG_CLAIMS} unchanged") in result.output
    assert claims_in(db) == after_claims and integrity(db) == "ok"
    return state


# -- SIGKILL ------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("prefix", "count"), [
    ("INSERT INTO claims", 1),                  # the first claim row
    ("INSERT INTO figures", BIG_CLAIMS // 2),   # half-way through the figures
    ("COMMIT", 1),                              # as the commit starts
], ids=["first-claim", "half-the-figures", "commit"])
def test_import_killed_at_a_statement_leaves_the_database_as_before(
        prefix: str, count: int, seeded_copy: Path, big_file: Path, full_import: tuple[float, int]) -> None:
    before = dump_database(seeded_copy)
    killed = subprocess.run([sys.executable, "-c", KILL_AT_STATEMENT, prefix, str(count), *import_command(seeded_copy, big_file)[3:]],
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, f"the import was not killed at {prefix!r}: {killed.stderr}"
    assert_intact_and_import_succeeds(seeded_copy, before, big_file, full_import[1])


@pytest.mark.slow
def test_import_killed_while_the_write_ahead_log_grows_is_all_or_nothing(
        seeded_copy: Path, big_file: Path, full_import: tuple[float, int]) -> None:
    before = dump_database(seeded_copy)
    wal = seeded_copy.with_name(seeded_copy.name + "-wal")
    process = subprocess.Popen(import_command(seeded_copy, big_file), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while (not wal.exists() or wal.stat().st_size < 64 * 1024) and process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the import finished before the log grew"
    assert_intact_and_import_succeeds(seeded_copy, before, big_file, full_import[1], may_have_committed=True)


@pytest.mark.slow
@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.9])
def test_import_killed_part_way_in_time_is_all_or_nothing(
        fraction: float, seeded_copy: Path, big_file: Path, full_import: tuple[float, int]) -> None:
    duration, after_claims = full_import
    before = dump_database(seeded_copy)
    process = subprocess.Popen(import_command(seeded_copy, big_file), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(duration * fraction)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert_intact_and_import_succeeds(seeded_copy, before, big_file, after_claims, may_have_committed=True)


# -- SQLite failing inside the transaction ---------------------------------------------------------------


@contextmanager
def on_every_connection(setup) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Run ``setup(dbapi_connection)`` on every new SQLAlchemy connection while the block runs."""
    def listener(connection, _record) -> None:  # type: ignore[no-untyped-def]
        setup(connection)

    event.listen(Engine, "connect", listener)
    try:
        yield
    finally:
        event.remove(Engine, "connect", listener)


def disk_full_soon(connection: sqlite3.Connection) -> None:
    # max_page_count makes SQLite raise its real SQLITE_FULL ("database or disk is full") as soon
    # as the file would grow by more than 50 pages: a full disk, without filling one.
    used = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {used + 50}")


def interrupted_soon(connection: sqlite3.Connection) -> None:
    steps = [0]

    def handler() -> int:
        # Counted inside the import's transaction only, so the interruption lands part-way through
        # the writing however few steps the import takes.
        steps[0] += connection.in_transaction
        return 1 if steps[0] > 200 else 0  # non-zero aborts the running statement with SQLITE_INTERRUPT

    connection.set_progress_handler(handler, 1_000)


@pytest.mark.slow
@pytest.mark.parametrize(("failure", "reason", "hint"), [
    (disk_full_soon, "database or disk is full", "free some disk space"),
    (interrupted_soon, "interrupted", "check that the database file and its folder are writable"),
], ids=["disk-full", "interrupted"])
def test_sqlite_failing_inside_the_import_changes_nothing_and_says_why(
        failure, reason: str, hint: str, seeded_copy: Path, big_file: Path, full_import: tuple[float, int]) -> None:  # type: ignore[no-untyped-def]
    before = dump_database(seeded_copy)
    with on_every_connection(failure):
        result = run_cli("import", "--db", seeded_copy, big_file)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{seeded_copy}: SQLite stopped the import: {reason}. Nothing was imported" in result.output
    assert f"(hint: {hint}, then run it again)" in result.output
    assert_intact_and_import_succeeds(seeded_copy, before, big_file, full_import[1])


# -- migrations -------------------------------------------------------------------------------------------

FAILING_MIGRATION = '''"""a migration that fails half-way, for tests

Revision ID: 0099
Revises: {previous}
"""
import sqlalchemy as sa
from alembic import op

revision = "0099"
down_revision = "{previous}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("halfway", sa.Column("id", sa.Integer, primary_key=True))
    op.add_column("sources", sa.Column("halfway_note", sa.Text))
    op.execute("UPDATE sources SET halfway_note = 'touched', name = name || ' (touched)'")
    op.execute("DELETE FROM figures")
    raise RuntimeError("migration 0099 failed half-way")


def downgrade() -> None:
    pass
'''


@pytest.fixture
def failing_migrations(tmp_path: Path) -> Path:
    """factdb's migrations plus a 0099 that changes schema and data, then fails."""
    folder = shutil.copytree(migrations_path(), tmp_path / "migrations", ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "0099_fails_half_way.py").write_text(FAILING_MIGRATION.format(previous=head_revision()))
    return folder


def upgrade_with(script_location: Path, engine) -> None:  # type: ignore[no-untyped-def]
    config = alembic_config(engine)
    config.set_main_option("script_location", str(script_location))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def test_a_migration_failing_half_way_leaves_the_previous_revision_intact(seeded_copy: Path, failing_migrations: Path) -> None:
    engine = make_engine(seeded_copy)
    previous, schema, before = current_revision(engine), schema_sql(engine), dump_database(seeded_copy)
    with pytest.raises(RuntimeError, match="0099 failed half-way"):
        upgrade_with(failing_migrations, engine)
    assert current_revision(engine) == previous == head_revision()
    assert schema_sql(engine) == schema  # no halfway table, no new column
    engine.dispose()
    assert dump_database(seeded_copy) == before  # names untouched, figures all there
    assert integrity(seeded_copy) == "ok"


def test_a_failing_migration_keeps_the_migrations_before_it(db_path: Path, failing_migrations: Path) -> None:
    """From an empty file: each migration is its own transaction, so the good ones stay applied."""
    engine = make_engine(db_path)
    with pytest.raises(RuntimeError, match="0099 failed half-way"):
        upgrade_with(failing_migrations, engine)
    assert current_revision(engine) == head_revision()
    tables = {name for (name,) in sqlite3.connect(db_path).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "claims" in tables and "halfway" not in tables
    engine.dispose()
    assert run_cli("import", "--db", db_path, Path(__file__).parent / "fixtures" / "import" / "basic.yaml").exit_code == 0
