"""PostgreSQL as a team's shared store: URLs, migrations, the write lock, editors importing at once.

The behaviour both backends share is tested in test_backends.py; here is what only a server has:
several editors' imports at once (separate processes), one waiting for another and saying for
whom, an import killed part-way, passwords kept out of messages, and a collation that is not C.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from factdb import Database, ImportFailed, ImportReport
from factdb.db import WAITING_NICENESS, WRITE_LOCK_KEY, current_revision, downgrade, head_revision, upgrade

from conftest import BASIC, SEEDS, Backend, PostgresServer, dump_database, migrated_database, rows, run_cli, write
from generated_imports import CLAIMS_PER_DOCUMENT, write_big_import


def _import_process(db: str, *files: Path, wait: int = 120) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "factdb.cli", "import", "--db", db, "--wait", str(wait), *map(str, files)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _claims(db: str) -> set[str]:
    with Database(db, readonly=True) as database:
        return {claim.id for claim in database.claims()}


def _with_event(db: str) -> None:
    """The event every generated claim is about."""
    assert run_cli("import", "--db", db, BASIC).exit_code == 0


# -- migrations -------------------------------------------------------------------------------------


def test_init_migrates_and_alembic_check_finds_no_drift(postgres_server: PostgresServer) -> None:
    url = postgres_server.create(f"{postgres_server.template}_init", empty=True)
    try:
        result = run_cli("init", "--db", url)
        assert result.exit_code == 0, result.output
        assert "schema up to date" in result.stdout
        engine = create_engine(url)
        try:
            from factdb.db import alembic_config

            def check() -> None:
                config = alembic_config(engine)
                with engine.connect() as connection:
                    config.attributes["connection"] = connection
                    command.check(config)

            check()
            downgrade(engine, "base")
            upgrade(engine)
            assert current_revision(engine) == head_revision()
            check()
        finally:
            engine.dispose()
        assert run_cli("init", "--db", url).exit_code == 0  # again: nothing to do
    finally:
        postgres_server.drop(f"{postgres_server.template}_init")


def test_a_language_collation_does_not_change_the_export_order(postgres_server: PostgresServer, tmp_path: Path) -> None:
    """In en-US order 'a-…' sorts before 'B-…' and 'Z-…'; in SQLite's (and C) order after them."""
    name = f"{postgres_server.template}_icu"
    postgres_server.drop(name)
    with postgres_server.admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' "
                                   "LOCALE 'C.UTF-8'")
    url = postgres_server.database_url(name)
    try:
        assert run_cli("init", "--db", url).exit_code == 0
        sources = write(tmp_path, "sources.yaml", "sources:\n" + "".join(
            f"  - {{id: {source}, name: Name {source}, kind: ngo}}\n" for source in ("a-monitor", "B-monitor", "9-watch", "Z-desk")))
        sqlite = Backend("sqlite", str(migrated_database(tmp_path / "sqlite")))
        for db in (url, sqlite.db):
            result = run_cli("import", "--db", db, sources)
            assert result.exit_code == 0, result.output
        export = Backend("postgresql", url).export()
        assert export == sqlite.export()
        ids = [line.removeprefix("- id: ") for line in export.splitlines() if line.startswith("- id: ")]
        assert ids == ["9-watch", "B-monitor", "Z-desk", "a-monitor"]
    finally:
        postgres_server.drop(name)


# -- URLs and messages ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["with:colon.sqlite", "with%percent.sqlite", "100%:both.sqlite"])
def test_an_sqlite_path_with_colon_or_percent_works(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "--db", name).exit_code == 0
    assert run_cli("import", "--db", name, *sorted(SEEDS.glob("*.yaml"))).exit_code == 0
    assert (tmp_path / name).is_file()
    url = f"sqlite:///{tmp_path / name}"
    assert Backend("sqlite", url).export() == Backend("sqlite", name).export()


def test_a_password_is_never_printed(postgres_server: PostgresServer) -> None:
    bad = postgres_server.url.set(password="sekrit-pw", port=1, database="nowhere").render_as_string(hide_password=False)
    for args in (["init", "--db", bad], ["export", "--db", bad], ["compare", "x", "--db", bad], ["backup", "--db", bad, "x.sqlite"]):
        result = run_cli(*args)
        assert result.exit_code == 1, result.output
        assert "sekrit-pw" not in result.output and "***" in result.stderr
        assert "cannot connect" in result.stderr and "Traceback" not in result.output


def test_database_url_from_the_environment(postgres_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTDB_DB", postgres_db)
    assert run_cli("import", BASIC).exit_code == 0
    assert "amnesty-304" in _claims(postgres_db)


def test_without_psycopg_the_message_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # an import of it now fails, as when it is not installed
    result = run_cli("export", "--db", "postgresql+psycopg://editor@db.example.org/factdb")
    assert result.exit_code == 1
    assert "pip install 'factdb[postgres]'" in result.stderr


def test_an_unknown_url_is_refused(tmp_path: Path) -> None:
    result = run_cli("export", "--db", "mysql://root@localhost/factdb")
    assert result.exit_code == 1 and "SQLite files or PostgreSQL" in result.stderr


# -- one writer at a time ---------------------------------------------------------------------------


def _hold_write_lock(url: str, application: str) -> tuple[object, object]:
    engine = create_engine(url, connect_args={"application_name": application})
    connection = engine.connect()
    connection.begin()
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
    return engine, connection


def test_an_import_waits_for_the_one_writing_and_says_for_whom(postgres_db: str) -> None:
    engine, connection = _hold_write_lock(postgres_db, "factdb alice@desk-1 pid 4242")
    try:
        result = run_cli("import", "--db", postgres_db, "--wait", "1", BASIC)
        assert result.exit_code == 1
        assert "waiting for the write by factdb alice@desk-1 pid 4242 (user postgres" in result.stderr
        assert "still running after 1 s; nothing was changed" in result.stderr
        assert _claims(postgres_db) == set()
        at_once = run_cli("import", "--db", postgres_db, "--wait", "0", BASIC)
        assert at_once.exit_code == 1 and "still running after 0 s" in at_once.stderr
        threading.Timer(1.5, connection.rollback).start()  # type: ignore[attr-defined]
        started = time.monotonic()
        result = run_cli("import", "--db", postgres_db, "--wait", "60", BASIC)
        assert result.exit_code == 0, result.output
        assert "waiting for the write by factdb alice@desk-1" in result.stderr
        assert time.monotonic() - started >= 1.0
        assert "amnesty-304" in _claims(postgres_db)
    finally:
        connection.close()  # type: ignore[attr-defined]
        engine.dispose()  # type: ignore[attr-defined]


def test_a_writer_of_another_database_on_the_server_is_not_named_as_the_one_writing(postgres_server: PostgresServer,
                                                                                   postgres_db: str) -> None:
    # Advisory locks belong to one database; pg_locks lists the whole server's.
    others = [postgres_server.create() for _ in range(3)]
    held = [_hold_write_lock(url, f"factdb bob{n}@elsewhere") for n, url in enumerate(others)]
    held.append(_hold_write_lock(postgres_db, "factdb alice@desk-1 pid 4242"))
    try:
        result = run_cli("import", "--db", postgres_db, "--wait", "0", BASIC)
        assert result.exit_code == 1
        assert "the write by factdb alice@desk-1 pid 4242 (user postgres" in result.stderr and "bob" not in result.stderr
    finally:
        for engine, connection in held:
            connection.close()  # type: ignore[attr-defined]
            engine.dispose()  # type: ignore[attr-defined]
        for url in others:
            postgres_server.drop(str(make_url(url).database))


@pytest.mark.slow
@pytest.mark.parametrize("editors", [2, 4])
def test_editors_importing_at_once_all_land(editors: int, postgres_db: str, tmp_path: Path) -> None:
    _with_event(postgres_db)
    files = [write_big_import(tmp_path / f"editor-{n}.jsonl", 1_500, prefix=f"editor{n}") for n in range(editors)]
    processes = [_import_process(postgres_db, path) for path in files]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0] * editors, outputs
    claims = _claims(postgres_db)
    for n in range(editors):
        assert {f"editor{n}-claim-{i}" for i in range(1_500)} <= claims
    assert len(claims) == 3 + editors * 1_500
    # Every batch and every key is its own: nothing was written twice.
    with Database(postgres_db, readonly=True) as db, db.read_engine.connect() as connection:
        batches = connection.exec_driver_sql("SELECT count(*) FROM import_batches").scalar()
        assert batches == 1 + editors


@pytest.mark.slow
def test_an_editor_importing_while_another_import_fails_loses_nothing(postgres_db: str, tmp_path: Path) -> None:
    _with_event(postgres_db)
    good = write_big_import(tmp_path / "good.jsonl", 2_000, prefix="good")
    bad = write_big_import(tmp_path / "bad.jsonl", 2_000, prefix="bad")
    with bad.open("a", encoding="utf-8") as out:
        out.write('{"kind": "claim", "id": "bad-last", "document": "nowhere", "source": "bad-monitor", "quote": "x"}\n')
    processes = [_import_process(postgres_db, bad), _import_process(postgres_db, good)]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [1, 0], outputs
    claims = _claims(postgres_db)
    assert {f"good-claim-{i}" for i in range(2_000)} <= claims
    assert not any(claim.startswith("bad") for claim in claims)


@pytest.mark.slow
def test_an_import_killed_part_way_leaves_the_database_as_before(postgres_db: str, tmp_path: Path) -> None:
    _with_event(postgres_db)
    before = Backend("postgresql", postgres_db).export()
    big = write_big_import(tmp_path / "big.jsonl", 10_000, prefix="killed")
    process = _import_process(postgres_db, big)
    url = make_url(postgres_db)
    watcher = create_engine(url, isolation_level="AUTOCOMMIT")  # pg_stat_activity is read once per transaction
    try:
        deadline = time.monotonic() + 120
        with watcher.connect() as connection:
            # Killed once it has written rows inside its transaction (a COPY, or the sequence moved after one).
            while not connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE (query LIKE 'COPY %%' OR query LIKE '%%setval%%') "
                    "AND application_name LIKE 'factdb %%' AND pid <> pg_backend_pid()").scalar():
                assert process.poll() is None and time.monotonic() < deadline, process.communicate()
                time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
    finally:
        watcher.dispose()
    assert process.returncode == -signal.SIGKILL
    assert Backend("postgresql", postgres_db).export() == before
    # The server ended the killed import's transaction, and its lock with it.
    result = run_cli("import", "--db", postgres_db, "--wait", "30", write_big_import(tmp_path / "after.jsonl", 50, prefix="after"))
    assert result.exit_code == 0, result.output


# -- an editor who waits checks the claims meanwhile -------------------------------------------------
#
# An import that finds another editor writing checks its claims before it waits, against what it
# can see (ImportReport.checked_while_waiting says how many it used). Once it holds the lock, those
# checks stand only if its lookups answer alike; whatever needs the stored claims is decided then.


def _write_lock_state(url: str) -> tuple[int, int]:
    """(connections holding factdb's write lock, connections waiting for it) in the database at ``url``."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            held, waiting = connection.exec_driver_sql(
                "SELECT count(*) FILTER (WHERE granted), count(*) FILTER (WHERE NOT granted) FROM pg_locks "
                f"WHERE locktype = 'advisory' AND objid = {WRITE_LOCK_KEY} AND classid = 0 "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())").one()
            return int(held), int(waiting)
    finally:
        engine.dispose()


def _until(url: str, held: int, waiting: int, what: str) -> None:
    deadline = time.monotonic() + 120
    while _write_lock_state(url) != (held, waiting):
        assert time.monotonic() < deadline, f"{what}: {_write_lock_state(url)}"
        time.sleep(0.02)


class _Editor(threading.Thread):
    """An import through factdb.Database in a thread; ``pause`` holds it (and the write lock) at its
    first progress report until ``go`` is set."""

    def __init__(self, url: str, *files: Path, pause: bool = False, update: bool = False) -> None:
        super().__init__(daemon=True)
        self.url, self.files, self.go, self.update = url, files, threading.Event(), update
        if not pause:
            self.go.set()
        self.report: ImportReport | None = None
        self.error: ImportFailed | None = None

    def run(self) -> None:
        with Database(self.url) as database:
            try:
                self.report = database.import_files(self.files, update=self.update, progress=lambda _: self.go.wait(120))
            except ImportFailed as error:
                self.error = error

    def finish(self) -> None:
        self.go.set()
        self.join(120)
        assert not self.is_alive()


@contextmanager
def _checked_ahead() -> Iterator[threading.Event]:
    """An event set once an editor waiting for the write lock has checked its claims ahead. The
    server shows it waiting as soon as it asks for the lock, before its checks are done."""
    import factdb.importer as importer

    done, prepare = threading.Event(), importer._prepare

    def signalling(*args: Any, **kwargs: Any) -> Any:
        try:
            return prepare(*args, **kwargs)
        finally:
            done.set()

    importer._prepare = signalling  # type: ignore[assignment]
    try:
        yield done
    finally:
        importer._prepare = prepare  # type: ignore[assignment]


def _one_waits_for_the_other(url: str, first: list[Path], second: list[Path], *, update: bool = False) -> tuple[_Editor, _Editor]:
    """``first`` imported while holding the lock, ``second`` started meanwhile and let through
    once it has checked its claims ahead; both run to the end."""
    holder = _Editor(url, *first, pause=True, update=update)
    holder.start()
    _until(url, 1, 0, "the first import holds the write lock")
    with _checked_ahead() as checked:
        waiting = _Editor(url, *second)
        waiting.start()
        _until(url, 1, 1, "the second import waits for it")
        assert checked.wait(120), "the second import checked its claims ahead"
    holder.finish()
    waiting.finish()
    return holder, waiting


def _one_after_the_other(url: str, first: list[Path], second: list[Path], *, update: bool = False) -> tuple[_Editor, _Editor]:
    editors = _Editor(url, *first, update=update), _Editor(url, *second)
    for editor in editors:
        editor.start()
        editor.finish()
    return editors


def _stored(url: str) -> list[str]:
    """Every row but the batches' and changes' times, and the import files' paths."""
    return [line for line in dump_database(url) if not line.startswith(("import_batches:", "import_files:", "changes:"))]


def _problems(editor: _Editor) -> list[str]:
    assert editor.error is not None, editor.report
    return [str(problem) for problem in editor.error.problems]


@pytest.mark.slow
def test_claims_checked_while_waiting_land_as_if_imported_after_the_other(postgres_server: PostgresServer,
                                                                          tmp_path: Path) -> None:
    # Both editors add documents: the waiting one's documents get their keys after the other's, and
    # its claims (checked with the keys it expected) are written with the keys they got.
    first = [write_big_import(tmp_path / "first.jsonl", 300, prefix="first")]
    second = [write_big_import(tmp_path / "second.jsonl", 300, prefix="second")]
    at_once, serial = postgres_server.create(), postgres_server.create()
    for url in (at_once, serial):
        _with_event(url)
    holder, waiting = _one_waits_for_the_other(at_once, first, second)
    assert holder.report is not None and waiting.report is not None, (holder.error, waiting.error)
    assert waiting.report.checked_while_waiting == 300
    assert holder.report.checked_while_waiting == 0
    _one_after_the_other(serial, first, second)
    assert _stored(at_once) == _stored(serial)
    # Their record digests are the ones a re-import recognises.
    again = _Editor(at_once, *second)
    again.start()
    again.finish()
    assert again.report is not None and not again.report.changed


@contextmanager
def _workers_asked() -> Iterator[list[int]]:
    """How many worker processes each import in this process asked to check its claims (none asked: [])."""
    from factdb import import_workers

    asked: list[int] = []
    checked_chunks = import_workers.checked_chunks

    def counting(pool: Any, names: Any, lookups: Any, workers: int, *args: Any, **kwargs: Any) -> Any:
        asked.append(workers)
        return checked_chunks(pool, names, lookups, workers, *args, **kwargs)

    import_workers.checked_chunks = counting  # type: ignore[assignment]
    try:
        yield asked
    finally:
        import_workers.checked_chunks = checked_chunks  # type: ignore[assignment]


@pytest.mark.slow
def test_on_postgresql_claims_are_checked_in_workers_from_a_smaller_size(postgres_db: str, tmp_path: Path) -> None:
    # The server waits for the importer's checks between its copies; on SQLite the importer writes
    # itself, and workers pay only from importer.WORKER_BYTES.
    import factdb.importer as importer

    claims = importer.WORKER_BYTES_POSTGRES // 250  # a generated claim (and its share of a document) is about 320 bytes
    path = write_big_import(tmp_path / "mid.jsonl", claims, prefix="mid")
    assert importer.WORKER_BYTES_POSTGRES <= path.stat().st_size < importer.WORKER_BYTES
    sqlite_db = str(tmp_path / "factdb.sqlite")
    assert run_cli("init", "--db", sqlite_db).exit_code == 0
    for db, expected in ((postgres_db, [importer.CLAIM_WORKERS]), (sqlite_db, [])):
        _with_event(db)
        with _workers_asked() as asked, Database(db) as database:
            report = database.import_files([path])
        assert report.counts["claims"]["added"] == claims and asked == expected, (db, asked)
    assert _claims(postgres_db) == _claims(sqlite_db)


@pytest.mark.slow
def test_claims_all_checked_while_waiting_are_not_checked_again_by_workers(postgres_server: PostgresServer, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # A file large enough for workers (the threshold lowered to keep the test short) whose claims
    # were all checked while its import waited: they are taken as checked, not sent to workers.
    import factdb.importer as importer

    monkeypatch.setattr(importer, "WORKER_BYTES", 1)
    monkeypatch.setattr(importer, "WORKER_BYTES_POSTGRES", 1)
    first = [write_big_import(tmp_path / "first.jsonl", 300, prefix="first")]
    second = [write_big_import(tmp_path / "second.jsonl", 3500, prefix="second")]
    url = postgres_server.create()
    _with_event(url)
    with _workers_asked() as asked:
        holder, waiting = _one_waits_for_the_other(url, first, second)
    assert holder.report is not None and waiting.report is not None, (holder.error, waiting.error)
    assert waiting.report.checked_while_waiting == 3500
    assert asked == []  # the holder's file is too small for the bulk path, the waiting one's all checked


@pytest.mark.slow
def test_claims_naming_what_the_other_editor_adds_are_checked_again(postgres_db: str, tmp_path: Path) -> None:
    _with_event(postgres_db)
    first = [write_big_import(tmp_path / "first.jsonl", 100, prefix="first")]
    second = [write(tmp_path, "second.jsonl", "".join(json.dumps(
        {"kind": "claim", "id": f"second-{n}", "document": f"first-report-{n // CLAIMS_PER_DOCUMENT}", "source": "first-monitor",
         "event": "iran-protests-2019-11", "quote": f"item {n}: at least {n} people were killed",
         "figures": [{"metric": "first-killed", "value": f"at least {n}"}]}) + "\n" for n in range(100)))]
    holder, waiting = _one_waits_for_the_other(postgres_db, first, second)
    assert holder.error is None and waiting.error is None, (holder.error, waiting.error)
    assert waiting.report is not None and waiting.report.checked_while_waiting == 0
    assert {f"second-{n}" for n in range(100)} <= _claims(postgres_db)


@pytest.mark.slow
def test_a_claim_checked_while_waiting_takes_the_date_the_other_editor_gave_its_document(postgres_server: PostgresServer,
                                                                                       tmp_path: Path) -> None:
    # The claim gives no claimed_on: it is its document's published date, which the first editor
    # changes (--update) while the second waits with the claim checked against the old date.
    def document(published: str) -> str:
        return json.dumps({"kind": "document", "id": "dated-report", "title": "Report", "published": published,
                           "text": "At least 7 people were killed."}) + "\n"

    stored = write(tmp_path, "stored.jsonl", json.dumps({"kind": "source", "id": "dated-monitor", "name": "Dated monitor",
                                                          "source_kind": "ngo"}) + "\n" + document("2020-01"))
    redated = write(tmp_path, "redated.jsonl", document("2020-02"))
    claim = write(tmp_path, "claim.jsonl", json.dumps({"kind": "claim", "id": "dated-claim", "document": "dated-report",
                                                       "source": "dated-monitor", "quote": "At least 7 people were killed"}) + "\n")
    at_once, serial = postgres_server.create(), postgres_server.create()
    for url in (at_once, serial):
        assert run_cli("import", "--db", url, stored).exit_code == 0
    holder, waiting = _one_waits_for_the_other(at_once, [redated], [claim], update=True)
    assert holder.report is not None and waiting.report is not None, (holder.error, waiting.error)
    assert waiting.report.checked_while_waiting == 0
    _one_after_the_other(serial, [redated], [claim], update=True)
    assert _stored(at_once) == _stored(serial)
    with Database(at_once, readonly=True) as database:
        assert [claim.claimed_on for claim in database.claims()] == ["2020-02"]


@pytest.mark.slow
def test_claims_naming_what_a_failed_import_would_have_added_fail_as_alone(postgres_server: PostgresServer,
                                                                            tmp_path: Path) -> None:
    failing = write_big_import(tmp_path / "failing.jsonl", 50, prefix="first")
    with failing.open("a", encoding="utf-8") as out:
        out.write('{"kind": "claim", "id": "first-bad", "document": "nowhere", "source": "first-monitor", "quote": "x"}\n')
    second = write(tmp_path, "second.jsonl", json.dumps(
        {"kind": "claim", "id": "second-0", "document": "first-report-0", "source": "first-monitor",
         "event": "iran-protests-2019-11", "quote": "item 0: at least 0 people were killed"}) + "\n")
    at_once, alone = postgres_server.create(), postgres_server.create()
    for url in (at_once, alone):
        _with_event(url)
    holder, waiting = _one_waits_for_the_other(at_once, [failing], [second])
    assert holder.error is not None and waiting.error is not None
    solo = _Editor(alone, second)
    solo.start()
    solo.finish()
    assert _problems(waiting) == _problems(solo)
    assert any("unknown source 'first-monitor'" in problem for problem in _problems(waiting))
    assert _stored(at_once) == _stored(alone)


@pytest.mark.slow
def test_the_same_claim_from_two_editors_is_refused_as_one_after_the_other(postgres_server: PostgresServer,
                                                                            tmp_path: Path) -> None:
    # No lost update: the claim the waiting editor checked is not stored when it checks it, and is
    # stored, with other content, when it writes.
    def claim(name: str, killed: int) -> Path:
        return write(tmp_path, f"{name}.jsonl", "\n".join(json.dumps(record) for record in (
            {"kind": "source", "id": f"{name}-monitor", "name": f"Monitor {name}", "source_kind": "ngo"},
            {"kind": "document", "id": f"{name}-report", "title": "Report", "published": "2020-01",
             "text": f"At least {killed} people were killed."},
            {"kind": "claim", "id": "shared-claim", "document": f"{name}-report", "source": f"{name}-monitor",
             "event": "iran-protests-2019-11", "quote": f"At least {killed} people were killed"})) + "\n")

    first, second = claim("first", 10), claim("second", 20)
    at_once, serial = postgres_server.create(), postgres_server.create()
    for url in (at_once, serial):
        _with_event(url)
    holder, waiting = _one_waits_for_the_other(at_once, [first], [second])
    assert holder.report is not None
    _, after = _one_after_the_other(serial, [first], [second])
    assert _problems(waiting) == _problems(after)
    assert any("claim 'shared-claim' already exists with different content" in problem for problem in _problems(waiting))
    assert _stored(at_once) == _stored(serial)


@pytest.mark.slow
def test_a_claim_id_repeated_chunks_apart_is_a_duplicate_when_checked_while_waiting(postgres_server: PostgresServer,
                                                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Whether the claims checked while waiting are stored is read in one go once the lock is held;
    # the second claim of an id, a few chunks on, must still meet the first one, written by then.
    from factdb import importer

    monkeypatch.setattr(importer, "CLAIM_CHUNK", 50)
    first = [write_big_import(tmp_path / "first.jsonl", 50, prefix="first")]
    second = write_big_import(tmp_path / "second.jsonl", 200, prefix="second")
    lines = second.read_text(encoding="utf-8").splitlines()
    repeated = next(line for line in lines if json.loads(line).get("id") == "second-claim-3")
    with second.open("a", encoding="utf-8") as out:
        out.write(repeated + "\n")
    at_once, serial = postgres_server.create(), postgres_server.create()
    for url in (at_once, serial):
        _with_event(url)
    holder, waiting = _one_waits_for_the_other(at_once, first, [second])
    assert holder.report is not None, holder.error
    _, after = _one_after_the_other(serial, first, [second])
    assert _problems(waiting) == _problems(after)
    assert f"duplicate claim id 'second-claim-3' (first at {second}:{lines.index(repeated) + 1})" in " ".join(_problems(waiting))
    assert _stored(at_once) == _stored(serial)


@pytest.mark.slow
def test_an_editor_waiting_for_an_import_that_is_killed_lands_on_the_state_before_it(postgres_db: str, tmp_path: Path) -> None:
    _with_event(postgres_db)
    before = _claims(postgres_db)
    killed = write_big_import(tmp_path / "killed.jsonl", 200, prefix="killed")
    script = ("import sys, time\nfrom factdb import Database\n"
              "with Database(sys.argv[1]) as database:\n"
              "    database.import_files([sys.argv[2]], progress=lambda _: time.sleep(3600))\n")
    process = subprocess.Popen([sys.executable, "-c", script, postgres_db, str(killed)])
    try:
        _until(postgres_db, 1, 0, "the import to be killed holds the write lock")
        with _checked_ahead() as checked:
            waiting = _Editor(postgres_db, write_big_import(tmp_path / "waiting.jsonl", 200, prefix="waiting"))
            waiting.start()
            _until(postgres_db, 1, 1, "the other import waits for it")
            assert checked.wait(120), "the other import checked its claims ahead"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
    waiting.finish()
    assert waiting.report is not None, waiting.error
    assert waiting.report.checked_while_waiting == 200
    assert _claims(postgres_db) == before | {f"waiting-claim-{n}" for n in range(200)}


# -- serving ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_serve_publishes_a_snapshot_and_refresh_swaps_in_later_imports(postgres_db: str, tmp_path: Path) -> None:
    from datasette_servers import BIN, free_port, get, running

    _with_event(postgres_db)
    port = free_port()

    def claims_served() -> int:
        status, body = get(f"http://127.0.0.1:{port}/factdb.json?sql=select+count(*)+as+n+from+claims&_shape=array")
        assert status == 200, body
        return int(json.loads(body)[0]["n"])

    with running([BIN / "factdb", "serve", "--db", postgres_db, "--port", str(port), "--refresh", "1"], port):
        assert claims_served() == 3
        later = run_cli("import", "--db", postgres_db, write_big_import(tmp_path / "later.jsonl", 30, prefix="later"))
        assert later.exit_code == 0, later.output
        deadline = time.monotonic() + 60
        while claims_served() == 3:
            assert time.monotonic() < deadline, "the served snapshot was not refreshed within 60 s"
            time.sleep(0.5)
        assert claims_served() == 3 + 30


def test_refresh_is_refused_for_an_sqlite_file(tmp_path: Path) -> None:
    db = migrated_database(tmp_path)
    result = run_cli("serve", "--db", db, "--refresh", "5")
    assert result.exit_code == 2 and "--refresh is for a PostgreSQL database" in result.output


def test_schema_of_a_postgresql_database(postgres_db: str) -> None:
    result = run_cli("schema", "--db", postgres_db)
    assert result.exit_code == 0, result.output
    schema = result.stdout
    assert 'id VARCHAR(200) COLLATE "C" NOT NULL' in schema and "size_bytes BIGINT NOT NULL" in schema
    assert 'CREATE VIEW "claims_readable"' in schema and "string_agg(" in schema


def test_a_table_another_program_dropped_is_an_error_not_a_traceback(postgres_db: str) -> None:
    engine = create_engine(postgres_db)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE source_relations CASCADE")
    finally:
        engine.dispose()
    result = run_cli("export", "--db", postgres_db)
    assert result.exit_code == 1
    assert "PostgreSQL stopped the command" in result.stderr and "source_relations" in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="thread priorities are set on Linux only")
def test_claims_are_checked_while_waiting_at_a_lower_priority_than_the_writer(postgres_db: str, tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The editor holding the lock is the one every waiting editor waits for: their checks run in a
    thread of their own that yields the processor to it (WAITING_NICENESS), and what they raise is raised."""
    import factdb.importer as importer

    _with_event(postgres_db)
    seen: list[tuple[str, int]] = []
    prepare = importer._prepare

    def watched(*args: object, **kwargs: object) -> object:
        seen.append((threading.current_thread().name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
        return prepare(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importer, "_prepare", watched)
    first = [write_big_import(tmp_path / "first.jsonl", 50, prefix="first")]
    second = [write_big_import(tmp_path / "second.jsonl", 50, prefix="second")]
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    holder, waiting = _one_waits_for_the_other(postgres_db, first, second)
    assert holder.report is not None and waiting.report is not None, (holder.error, waiting.error)
    assert waiting.report.checked_while_waiting == 50
    assert seen == [("factdb-while-waiting", min(19, own + WAITING_NICENESS))]

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("checking failed")

    monkeypatch.setattr(importer, "_prepare", broken)
    third = [write_big_import(tmp_path / "third.jsonl", 50, prefix="third")]
    holder = _Editor(postgres_db, *[write_big_import(tmp_path / "fourth.jsonl", 50, prefix="fourth")], pause=True)
    holder.start()
    _until(postgres_db, 1, 0, "the fourth import holds the write lock")
    with Database(postgres_db) as database:
        try:
            with pytest.raises(RuntimeError, match="checking failed"):
                database.import_files(third)
            # Its wait was cancelled: the other editor still holds the lock, and nobody waits for it.
            assert _write_lock_state(postgres_db) == (1, 0)
        finally:
            holder.finish()
    assert "third-claim-0" not in _claims(postgres_db)


@pytest.mark.slow
def test_an_editor_whose_turn_comes_mid_check_takes_the_lock_and_checks_the_rest_holding_it(
        postgres_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock is never left idle while a waiting editor finishes checking: once it is free, the
    editor takes it, keeps the claims checked so far and checks the rest of the file under it."""
    import factdb.importer as importer

    checked_ahead = 100
    reached, resume = threading.Event(), threading.Event()
    calls = 0
    check_claim = importer.check_claim

    def paused(*args: object, **kwargs: object) -> object:
        nonlocal calls
        result = check_claim(*args, **kwargs)  # type: ignore[arg-type]
        if threading.current_thread().name == "factdb-while-waiting":
            calls += 1
            if calls == checked_ahead:
                reached.set()
                assert resume.wait(120)
        return result

    monkeypatch.setattr(importer, "check_claim", paused)
    first = [write_big_import(tmp_path / "first.jsonl", 300, prefix="first")]
    second = [write_big_import(tmp_path / "second.jsonl", 300, prefix="second")]
    at_once, serial = postgres_server.create(), postgres_server.create()
    for url in (at_once, serial):
        _with_event(url)
    holder = _Editor(at_once, *first, pause=True)
    holder.start()
    _until(at_once, 1, 0, "the first import holds the write lock")
    waiting = _Editor(at_once, *second)
    waiting.start()
    assert reached.wait(120)
    # It waits in the server's queue for the lock while it checks, and is granted it once free.
    assert _write_lock_state(at_once) == (1, 1)
    holder.finish()
    # The waiting editor holds the lock while its check is still held at its 100th claim.
    _until(at_once, 1, 0, "the second import takes the write lock")
    assert waiting.is_alive()
    resume.set()
    waiting.finish()
    assert holder.report is not None and waiting.report is not None, (holder.error, waiting.error)
    assert waiting.report.checked_while_waiting == checked_ahead
    assert waiting.report.counts["claims"]["added"] == 300
    _one_after_the_other(serial, first, second)
    assert _stored(at_once) == _stored(serial)


def test_new_claims_are_copied_while_the_import_checks_the_next_ones(postgres_db: str, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk's COPY runs in a thread of its own: the import checks its next chunk meanwhile. (The
    copy of the first chunk waits here until the second chunk is being checked: without the overlap
    the import would never get there.)"""
    import factdb.bulk as bulk
    import factdb.importer as importer

    monkeypatch.setattr(importer, "CLAIM_CHUNK", 50)
    second_chunk = threading.Event()
    claims_copied_in: list[str] = []
    copy_into, check_claims = bulk._copy_into, importer.check_claims

    def copying(driver: object, table: object, *args: object) -> None:
        if getattr(table, "name", "") == "claims":
            if not claims_copied_in:
                assert second_chunk.wait(60), "the import did not go on while its first chunk was copied"
            claims_copied_in.append(threading.current_thread().name)
        copy_into(driver, table, *args)  # type: ignore[arg-type]

    def checking(chunk: list[object], *args: object) -> object:
        if any(getattr(record, "line", 0) > 60 for record in chunk):
            second_chunk.set()
        return check_claims(chunk, *args)  # type: ignore[arg-type]

    _with_event(postgres_db)
    before = _claims(postgres_db)
    monkeypatch.setattr(bulk, "_copy_into", copying)
    monkeypatch.setattr(importer, "check_claims", checking)
    with Database(postgres_db) as database:
        report = database.import_files([write_big_import(tmp_path / "chunks.jsonl", 120, prefix="chunks")])
    assert report.counts["claims"]["added"] == 120
    assert _claims(postgres_db) == before | {f"chunks-claim-{n}" for n in range(120)}
    assert claims_copied_in == ["factdb-copy"] * 3


def test_a_copy_that_fails_in_its_thread_fails_the_import_and_writes_nothing(postgres_db: str, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import factdb.bulk as bulk
    import factdb.importer as importer

    monkeypatch.setattr(importer, "CLAIM_CHUNK", 50)
    copy_into = bulk._copy_into
    copies = 0

    def failing(driver: object, table: object, *args: object) -> None:
        nonlocal copies
        if getattr(table, "name", "") == "claims":
            copies += 1
            if copies == 2:
                raise OSError("the connection broke mid-copy")
        copy_into(driver, table, *args)  # type: ignore[arg-type]

    _with_event(postgres_db)
    before = _stored(postgres_db)
    monkeypatch.setattr(bulk, "_copy_into", failing)
    with Database(postgres_db) as database, pytest.raises(OSError, match="the connection broke mid-copy"):
        database.import_files([write_big_import(tmp_path / "broken.jsonl", 120, prefix="broken")])
    assert _stored(postgres_db) == before
    with Database(postgres_db) as database:  # and the next import finds a usable connection and store
        assert database.import_files([write_big_import(tmp_path / "next.jsonl", 10, prefix="next")]).counts["claims"]["added"] == 10


@pytest.mark.slow
def test_a_bulk_import_leaves_the_planner_statistics_of_what_it_wrote(postgres_db: str, tmp_path: Path) -> None:
    """Refreshed after the commit (outside the write lock): a comparison right after a large first
    import is planned for the tables' real sizes."""
    _with_event(postgres_db)
    big = write_big_import(tmp_path / "big.jsonl", 4000, prefix="big")
    assert big.stat().st_size >= 1_000_000  # the bulk path
    assert run_cli("import", "--db", postgres_db, big).exit_code == 0
    engine = create_engine(postgres_db)
    try:
        with engine.connect() as connection:
            analysed = dict(connection.exec_driver_sql(
                "SELECT c.relname, c.reltuples FROM pg_class c JOIN pg_stat_user_tables t ON t.relid = c.oid "
                "WHERE c.relname IN ('claims', 'figures', 'documents') AND t.last_analyze IS NOT NULL").all())
            rows = {table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() for table in analysed}
    finally:
        engine.dispose()
    assert rows["claims"] > 4000 and rows["documents"] > 4000 // CLAIMS_PER_DOCUMENT
    assert analysed == rows


@pytest.mark.slow
def test_an_import_that_grows_the_tables_less_than_twofold_leaves_their_statistics_to_autovacuum(postgres_db: str,
                                                                                                  tmp_path: Path) -> None:
    """Analysing after every editor's import only competed with the next one's for the processor:
    the planner scales statistics to a table's current size until autovacuum refreshes them."""
    from factdb.bulk import BULK_BYTES

    _with_event(postgres_db)
    imports = [write_big_import(tmp_path / f"{name}.jsonl", claims, prefix=name)
               for name, claims in (("first", 4000), ("second", 4000), ("third", 9000))]
    assert all(path.stat().st_size >= BULK_BYTES for path in imports)  # each on the bulk path
    analysed = []
    for path in imports:
        assert run_cli("import", "--db", postgres_db, path).exit_code == 0
        analysed.append(rows(postgres_db, "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'claims'")[0][0])
    # 4,000 claims into 3, then 4,000 more (less than twofold), then 9,000 into 8,003.
    assert analysed == [1, 1, 2]


@pytest.mark.slow
def test_a_quote_missing_from_its_document_fails_the_same_when_checked_while_waiting(postgres_server: PostgresServer,
                                                                                   tmp_path: Path) -> None:
    """Quotes are looked for in the texts the waiting editor's own files give (CheckedClaim.location):
    one that is not there is refused with the same message as when the import runs alone."""
    second = write_big_import(tmp_path / "second.jsonl", 20, prefix="second")
    lines = second.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[-1] = lines[-1].replace("people were killed", "people were wounded")
    second.write_text("".join(lines), encoding="utf-8")
    at_once, alone = postgres_server.create(), postgres_server.create()
    for url in (at_once, alone):
        _with_event(url)
    holder, waiting = _one_waits_for_the_other(at_once, [write_big_import(tmp_path / "first.jsonl", 20, prefix="first")], [second])
    assert holder.report is not None and waiting.error is not None, (holder.error, waiting.report)
    solo = _Editor(alone, second)
    solo.start()
    solo.finish()
    assert _problems(waiting) == _problems(solo)
    assert [problem.split(" (hint")[0] for problem in _problems(waiting)] == [
        f"{second}:{len(lines)}: line {len(lines)}.quote: not found in the text of document 'second-report-0'; "
        'closest passage: "item 19: at least 19 people were killed."']
