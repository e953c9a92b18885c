"""Engine, connection pragmas, sessions and programmatic migrations.

SQLAlchemy and Alembic are imported only by the functions that need them: opening a database
read-only (``factdb compare``) checks its schema version with the ``sqlite3`` module alone.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factdb.sqlite_limits import cap as cap_sqlite_limits

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine
    from sqlalchemy.engine import URL

DEFAULT_DB = "factdb.sqlite"
BUSY_TIMEOUT_MS = 30_000


class DatabaseError(Exception):
    """The database is missing, not migrated, or otherwise unusable; the message says what to run."""


def default_db_path() -> str:
    return os.environ.get("FACTDB_DB") or DEFAULT_DB


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object, *, timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    # pysqlite opens transactions lazily and not for DDL; turning its own handling off and
    # issuing BEGIN ourselves (below) gives real, transactional DDL and atomic imports.
    dbapi_connection.isolation_level = None
    cap_sqlite_limits(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() not in ("wal", "memory"):
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    # IMMEDIATE takes the write lock at the start, so two writers queue on busy_timeout
    # instead of failing half-way with "database is locked" when one upgrades its lock.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


# Readers read pages with read() into SQLite's cache, never through a memory map of the file
# (mmap_size 0, whatever SQLite's build defaults to): a page first touched through a map makes
# Linux read the pages around it too, up to the disk's read-ahead (8 MB on the benchmark
# machine), so a first comparison on a cold cache read about 180 MB of a 1.4 GB database for 2 MB
# of pages. The map saved about a tenth only when a long-lived process compared again with every
# page cached (docs/performance.md, "Comparisons").


def _on_connect_readonly(dbapi_connection: sqlite3.Connection, _record: object, *, timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    # Readers never change the journal mode: that is a write, refused on a read-only file, and
    # not theirs to decide for a database factdb may not even own.
    dbapi_connection.isolation_level = None
    cap_sqlite_limits(dbapi_connection)
    dbapi_connection.execute("PRAGMA foreign_keys = ON")
    dbapi_connection.execute(f"PRAGMA busy_timeout = {timeout_ms}")
    dbapi_connection.execute("PRAGMA mmap_size = 0")


def _begin_deferred(connection: Connection) -> None:
    # Readers never take the write lock; under WAL they see the last committed state.
    connection.exec_driver_sql("BEGIN")


# A URL starts with a scheme and "://"; anything else is a file path.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
POSTGRES_EXTRA = "pip install 'factdb[postgres]'"


@dataclass(frozen=True)
class Location:
    """Where a database is: an SQLite file, or a PostgreSQL database on a server.

    ``url`` is what engines are made from (the password included); ``shown`` is how messages
    name the database, never with its password. An SQLite file's location is made without
    SQLAlchemy (``factdb compare`` reads the file with ``sqlite3`` alone); its ``url`` loads it.
    """

    shown: str  # an SQLite file's location: its path as given
    file: Path | None  # the SQLite file; None for PostgreSQL
    server_url: URL | None = None  # PostgreSQL's URL, the password included; None for SQLite

    @property
    def url(self) -> URL:
        if self.server_url is not None:
            return self.server_url
        from sqlalchemy.engine import URL

        return URL.create("sqlite", database=self.shown)

    @property
    def is_sqlite(self) -> bool:
        return self.file is not None

    def redact(self, text: str) -> str:
        """``text`` with this database's password, if any, replaced by ``***``."""
        password = self.server_url.password if self.server_url is not None else None
        return text.replace(str(password), "***") if password else text


def locate(path_or_url: str | os.PathLike[str]) -> Location:
    """The database that a file path, an ``sqlite:///PATH`` URL or a PostgreSQL URL names.

    A path is taken as it is (``:`` and ``%`` included); only text starting with a scheme and
    ``://`` is read as a URL. Raises :class:`DatabaseError` for another kind of URL.
    """
    text = os.fspath(path_or_url)
    if not _URL.match(text):
        return Location(text, Path(text))
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text)
    except ArgumentError:
        raise DatabaseError("not a database URL. Give a file path, sqlite:///PATH or postgresql://USER@HOST/DATABASE") from None
    shown = url.render_as_string(hide_password=True)
    if url.drivername in ("sqlite", "sqlite+pysqlite"):
        if not url.database or url.database == ":memory:" or url.query:
            # factdb sets its own connection options, and an in-memory database would vanish with
            # each connection the engine opens.
            raise DatabaseError(f"{shown}: give the database file as sqlite:///PATH, without options")
        return Location(url.database, Path(url.database))
    if url.drivername in POSTGRES_SCHEMES:
        if not url.database:
            raise DatabaseError(f"{shown}: name the database, as in postgresql://USER@HOST/DATABASE")
        return Location(shown, None, url.set(drivername="postgresql+psycopg"))
    raise DatabaseError(f"{shown}: factdb keeps its data in SQLite files or PostgreSQL; give a file path, "
                        "sqlite:///PATH or postgresql://USER@HOST/DATABASE")


def sqlite_file(path_or_url: str | os.PathLike[str]) -> Path:
    """The SQLite file that a path or an ``sqlite:///PATH`` URL names; DatabaseError for PostgreSQL."""
    location = locate(path_or_url)
    if location.file is None:
        raise DatabaseError(f"{location.shown}: a PostgreSQL database, not an SQLite file")
    return location.file


def _shown(path_or_url: str | os.PathLike[str]) -> str:
    """How messages name the database: as given when it is a path (so hints can be pasted back)."""
    return locate(path_or_url).shown


def writable_location(path: Path) -> bool:
    """Whether the database at ``path`` and its folder can be written (not so on a read-only mount).

    SQLite needs both: a database in WAL mode keeps its ``-wal`` and ``-shm`` files beside it.
    """
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def read_only_uri(path: Path) -> str:
    """An SQLite URI that reads ``path`` without writing anything beside it.

    ``mode=ro`` alone cannot open a WAL database whose ``-shm`` file SQLite may not create. In a
    place nobody can write, the file cannot change while it is read, so it is opened
    ``immutable``, unless a write-ahead log holds commits not yet in the file: then SQLite must read
    that log too, which it can when the log's ``-shm`` file is there.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    wal = path.with_name(path.name + "-wal")
    if not writable_location(path) and not (wal.exists() and wal.stat().st_size > 0):
        uri += "&immutable=1"
    return uri


# How long a writer waits for another one (factdb import --wait), in seconds.
DEFAULT_WAIT = 600
# The key of the PostgreSQL advisory lock that every factdb write transaction takes ("fact").
WRITE_LOCK_KEY = 0x66616374


def make_engine(path: str | os.PathLike[str], *, readonly: bool = False, wait: float | None = None,
                on_wait: Callable[[str], None] | None = None) -> Engine:
    """An engine for the database at ``path`` (a file path or a URL) with factdb's settings.

    SQLite: write engines begin every transaction with ``BEGIN IMMEDIATE``; ``readonly`` engines
    use deferred transactions so they never wait for, or block, a writer. PostgreSQL: every write
    transaction first takes factdb's advisory lock (see :func:`_take_write_lock`), and read
    engines see one ``REPEATABLE READ READ ONLY`` snapshot per transaction.

    ``wait``: how many seconds a writer waits for another one (default: 30 on SQLite, DEFAULT_WAIT
    on PostgreSQL); ``on_wait`` is told, once, whom it waits for.
    """
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import URL

    location = locate(path)
    if location.file is None:
        return _postgres_engine(location, readonly=readonly, wait=DEFAULT_WAIT if wait is None else wait, on_wait=on_wait)
    file = location.file
    if readonly and not writable_location(file):
        uri = read_only_uri(file)
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
    else:
        engine = create_engine(URL.create("sqlite", database=str(file)))
    timeout_ms = BUSY_TIMEOUT_MS if wait is None else int(wait * 1000)
    event.listen(engine, "connect", functools.partial(_on_connect_readonly if readonly else _on_connect, timeout_ms=timeout_ms))
    event.listen(engine, "begin", _begin_deferred if readonly else _begin_immediate)
    return engine


def _postgres_engine(location: Location, *, readonly: bool, wait: float, on_wait: Callable[[str], None] | None) -> Engine:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise DatabaseError(f"{location.shown}: PostgreSQL needs the psycopg driver, which is not installed. "
                            f"Install it with: {POSTGRES_EXTRA}") from None
    from sqlalchemy import create_engine, event

    import getpass
    import socket

    # Shown to other editors in pg_stat_activity, and in the message of an import that waits for this one.
    who = f"factdb {getpass.getuser()}@{socket.gethostname()} pid {os.getpid()}"[:63]
    if readonly:
        return create_engine(location.url, isolation_level="REPEATABLE READ", execution_options={"postgresql_readonly": True},
                             connect_args={"application_name": who})
    engine = create_engine(location.url, connect_args={"application_name": who})
    event.listen(engine, "begin", functools.partial(_take_write_lock, shown=location.shown, wait=wait, on_wait=on_wait))
    return engine


@dataclass(frozen=True)
class LockHolder:
    """The connection holding factdb's write lock on PostgreSQL, as pg_stat_activity shows it."""

    application: str
    user: str
    since: str

    def __str__(self) -> str:
        return f"{self.application or 'a program'} (user {self.user}, since {self.since} UTC)"


def _take_write_lock(connection: Connection, *, shown: str, wait: float, on_wait: Callable[[str], None] | None) -> None:
    """Take factdb's transaction-scoped advisory lock, waiting up to ``wait`` seconds for its holder.

    One writer at a time: an import reads what the database holds (the next primary keys, the
    stored rows it compares with) and then writes, so a second import must begin after the first
    has committed or rolled back, and then sees its result. The lock ends with the transaction,
    also when the process is killed.
    """
    from sqlalchemy.exc import OperationalError

    def taken() -> bool:
        return bool(connection.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({WRITE_LOCK_KEY})").scalar())

    if taken():
        return
    holder = _write_lock_holder(connection)
    if on_wait is not None:
        # The holder may be an import, a review, an undo...: any write takes the same lock.
        on_wait(f"{shown}: waiting for the write by {holder or 'another editor'} to finish "
                f"(up to {wait:g} s; change with --wait)")
    def still_running() -> DatabaseError:
        return DatabaseError(f"{shown}: the write by {_write_lock_holder(connection) or holder or 'another editor'} was still "
                             f"running after {wait:g} s; nothing was changed. Run it again later, or wait longer with --wait SECONDS")

    if wait <= 0:
        raise still_running()
    # lock_timeout 0 would mean no limit at all.
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(wait * 1000))}")
    try:
        work = _WHILE_WAITING.get()
        if work is None:
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        else:
            _yielding_to_the_writer(work, connection)
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) != "55P03":
            raise
        raise still_running() from None
    connection.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")


# How much a writer's work while waiting yields the processor to the writer it waits for (Linux
# nice values added, up to 19, the lowest priority): all of it. The checks ahead then take only the
# processor time that the writer, and the server working for it, leave idle; whatever is left
# unchecked when the turn comes is checked holding the lock, as fast as an import alone checks.
# Four editors at once on two cores, six alternated pairs: 9.3 to 9.8 s at 19, 9.5 to 10.6 s at 5
# (at 5 the three waiting editors took a third of the cores from the first one, whom all wait for).
WAITING_NICENESS = 19
# How often work that failed while its writer waits cancels the wait, until the wait has ended
# (a cancel that reaches the server before the wait has begun cancels nothing).
CANCEL_SECONDS = 0.05


def _yielding_to_the_writer(work: Callable[[threading.Event], None], connection: Connection) -> None:
    """Run ``work`` in a thread of its own at a lower processor priority (Linux) while ``connection``
    waits for the write lock in the server (up to its lock_timeout); what ``work`` raises is raised.

    Every editor waiting for the write lock waits for the one that holds it, so that one should
    have the cores first: three editors checking their claims at full priority took most of the
    two cores from the first one, whose write they were all waiting for. The wait itself is the
    server's (it grants the lock as soon as it is free, in the order it was asked for), not a
    question asked again and again at full priority by each waiting editor and its server process.
    Once the lock is taken the work is told to stop (the event it is given is set), so that the
    lock is never left idle while an editor finishes work it can as well do holding it. If the
    work fails, it cancels the wait. Elsewhere (or when the priority cannot be set) the thread runs
    at the process's priority.
    """
    raised: list[BaseException] = []
    context = copy_context()
    stop = threading.Event()
    driver = connection.connection.driver_connection
    assert driver is not None, "a connection that began a transaction is open"

    def run() -> None:
        if sys.platform.startswith("linux"):
            try:
                thread_id = threading.get_native_id()
                os.setpriority(os.PRIO_PROCESS, thread_id, min(19, os.getpriority(os.PRIO_PROCESS, thread_id) + WAITING_NICENESS))
            except OSError:
                pass
        try:
            context.run(work, stop)
        except BaseException as error:  # noqa: BLE001 - handed to the waiting thread, which raises it
            raised.append(error)
            while not stop.is_set():
                driver.cancel()
                stop.wait(CANCEL_SECONDS)

    thread = threading.Thread(target=run, name="factdb-while-waiting", daemon=True)
    thread.start()
    try:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
    except BaseException:
        if not raised:
            raise
    finally:
        stop.set()
        thread.join()
    if raised:
        raise raised[0]


# What the write transaction begun in this thread does before it waits for another writer (see while_waiting).
_WHILE_WAITING: ContextVar[Callable[[threading.Event], None] | None] = ContextVar("factdb_while_waiting", default=None)


@contextmanager
def while_waiting(work: Callable[[threading.Event], None]) -> Iterator[None]:
    """Within this block, a write transaction on PostgreSQL that finds another writer holding
    factdb's write lock runs ``work`` while it waits (once it has said for whom it waits), so
    that a writer can do what needs no lock meanwhile. ``work`` is given an event that is set when
    the lock is taken (or the wait ends): it should then return soon, leaving the rest for later.
    Not run when the lock is free, or on SQLite."""
    token = _WHILE_WAITING.set(work)
    try:
        yield
    finally:
        _WHILE_WAITING.reset(token)


@contextmanager
def read_only_snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection to one read-only snapshot of what was last committed to ``engine``'s PostgreSQL
    database, taking no lock (for work done while waiting for the write lock: see while_waiting)."""
    from sqlalchemy import create_engine

    reader = create_engine(engine.url, isolation_level="REPEATABLE READ", execution_options={"postgresql_readonly": True})
    try:
        with reader.connect() as connection:
            yield connection
    finally:
        reader.dispose()


def _write_lock_holder(connection: Connection) -> LockHolder | None:
    # An advisory lock on one bigint key is listed with its low 32 bits as objid. Advisory locks
    # belong to one database, but pg_locks lists the whole server's: another factdb database's
    # writer on the same server holds a lock of the same key that is not this one.
    row = connection.exec_driver_sql(
        "SELECT a.application_name, a.usename, to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        f"WHERE l.locktype = 'advisory' AND l.granted AND l.objid = {WRITE_LOCK_KEY} AND l.classid = 0 "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1").first()
    return None if row is None else LockHolder(row[0], row[1], row[2])


def migrations_path() -> Path:
    """Where the Alembic scripts are: the ``migrations/`` folder ships as ``factdb.migrations``.

    Found through the package's own ``__path__`` rather than ``importlib.resources``, which loads
    tempfile, shutil, random and the compression modules into every process that opens a database."""
    return Path(next(iter(importlib.import_module("factdb.migrations").__path__)))


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    if engine is not None:
        # Alembic's configuration interpolates "%": a password or a file name holding one must be escaped.
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema; each migration runs in one transaction."""
    from alembic import command

    config = alembic_config(engine)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = alembic_config(engine)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=]*=\s*(?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE)


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration, read from the scripts' ``revision`` and ``down_revision`` lines rather
    than through Alembic, whose import (with Mako and Pygments) took longer than the rest of
    ``factdb compare``; tests/test_migrations.py checks that Alembic names the same head. Cached:
    the scripts cannot change while factdb runs."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (migrations_path() / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8")):
            if value:
                (revisions if name == "revision" else parents).add(value)
    heads = revisions - parents
    assert len(heads) == 1, f"the migrations have {len(heads)} heads: {sorted(heads)}"
    return heads.pop()


@dataclass(frozen=True)
class ExistingFile:
    """What an SQLite file holds, read without changing it."""

    tables: list[str]
    revision: str | None


def _existing_file(path: Path, *, operational_errors: bool = False, reader: sqlite3.Connection | None = None) -> ExistingFile | None:
    """The tables and factdb schema revision of the SQLite file at ``path``; None when there is none.
    ``operational_errors``: let SQLite's operational errors (a deleted write-ahead log, a lock)
    propagate, for the command to explain, rather than calling the file no factdb database.
    ``reader``: read through this connection (left open) instead of one of its own."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    keep = reader is not None
    if reader is None:
        reader = sqlite3.connect(read_only_uri(path), uri=True)
        cap_sqlite_limits(reader)
    try:
        tables = [row[0] for row in reader.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        revision = None
        if "alembic_version" in tables:
            row = reader.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    except sqlite3.DatabaseError as error:
        if operational_errors and isinstance(error, sqlite3.OperationalError):
            raise
        reason = "the file is not an SQLite database" if "file is not a database" in str(error) else str(error)
        raise DatabaseError(f"{path}: not a factdb database ({reason}). Check the path, or create a new "
                            "database with: factdb init --db NEW.sqlite") from None
    finally:
        if not keep:
            reader.close()
    return ExistingFile(tables, revision)


def _refuse_unknown_revision(shown: str, revision: str) -> None:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        from factdb import __version__

        raise DatabaseError(
            f"{shown}: schema revision {revision} was made by a newer factdb than this one ({__version__}, whose "
            f"newest revision is {head_revision()}). Upgrade factdb (pip install -U factdb) to use this database; "
            "nothing was changed."
        ) from None


def initialise(path_or_url: str | os.PathLike[str]) -> Engine:
    """Create the database, or upgrade a factdb database to the latest schema; return a write engine.

    Refuses, changing nothing (not even the journal mode), a database that factdb did not make (it
    has tables but no schema version) and one made by a newer factdb. A new database is built in a
    temporary file beside ``path`` and renamed into place once every migration has run, so a failed
    ``init`` leaves no file behind.
    """
    location = locate(path_or_url)
    if location.file is None:
        return _initialise_server(location)
    path, shown = location.file, location.shown
    existing = _existing_file(path)
    if existing is None:
        if not path.parent.is_dir():
            raise DatabaseError(f"{path.parent}: no such folder; create it first, or choose another --db path")
        from factdb.files import written_whole

        try:
            with written_whole(path) as partial:
                engine = make_engine(partial)
                try:
                    upgrade(engine)
                finally:
                    # Closing the last connection checkpoints the write-ahead log into the file.
                    engine.dispose()
        except (OSError, sqlite3.OperationalError, _sqlalchemy_operational_error()) as error:
            reason = getattr(error, "orig", None) or error
            raise DatabaseError(f"{shown}: the new database could not be written ({reason}); nothing was created. "
                                "Free some disk space, or choose a folder you can write to") from None
        return make_engine(path)
    if existing.tables and "alembic_version" not in existing.tables:
        tables = sorted(existing.tables)
        listed = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise DatabaseError(f"{shown}: this SQLite database belongs to another application (tables: {listed}) and has no "
                            "factdb schema version; factdb init changed nothing. Choose a new file: factdb init --db NEW.sqlite")
    if existing.revision is not None:
        _refuse_unknown_revision(shown, existing.revision)
    if not writable_location(path):
        if existing.revision == head_revision():
            return make_engine(path, readonly=True)
        raise DatabaseError(read_only_message(shown))
    engine = make_engine(path)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _unreachable(location: Location, error: Exception) -> DatabaseError:
    reason = location.redact(str(getattr(error, "orig", None) or error)).strip().splitlines()[0]
    return DatabaseError(f"{location.shown}: cannot connect to the database ({reason}). Check the URL, that the server runs, "
                         "and the password (in the URL, PGPASSWORD or ~/.pgpass)")


def _server_state(location: Location, engine: Engine) -> ExistingFile:
    """The tables and factdb schema revision of a PostgreSQL database (connecting, or a clear error)."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import OperationalError

    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            revision = (connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
                        if "alembic_version" in tables else None)
    except OperationalError as error:
        engine.dispose()
        raise _unreachable(location, error) from None
    return ExistingFile(tables, revision)


def _initialise_server(location: Location) -> Engine:
    engine = make_engine(location.url.render_as_string(hide_password=False))
    existing = _server_state(location, engine)
    try:
        if existing.tables and "alembic_version" not in existing.tables:
            listed = ", ".join(sorted(existing.tables)[:5]) + (", ..." if len(existing.tables) > 5 else "")
            raise DatabaseError(f"{location.shown}: this database belongs to another application (tables: {listed}) and has no "
                                "factdb schema version; factdb init changed nothing. Create a new database for factdb (createdb factdb)")
        if existing.revision is not None:
            _refuse_unknown_revision(location.shown, existing.revision)
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def read_only_message(shown: str) -> str:
    return (f"{shown}: the database or its folder is read-only (a read-only mount, or no write permission). "
            "import and init need to write the database and its folder; compare, export, schema, serve, backup "
            "and publish only read it. Copy it somewhere writable with: factdb backup --db "
            f"{shown} COPY.sqlite")


def _sqlalchemy_operational_error() -> type[Exception]:
    from sqlalchemy.exc import OperationalError

    return OperationalError


def check_database(path_or_url: str | os.PathLike[str], *, readonly: bool = False) -> Path:
    """The SQLite file of an existing database migrated to the latest revision, or a clear error
    (:class:`DatabaseError` also for a PostgreSQL URL: :func:`open_database` checks those).

    Read with the ``sqlite3`` module only, so that a command that just reads (``factdb compare``)
    need not load SQLAlchemy or Alembic to open the database."""
    return _check_database(path_or_url, readonly=readonly, reader=None)


def _check_database(path_or_url: str | os.PathLike[str], *, readonly: bool,
                    reader: Callable[[Path], sqlite3.Connection] | None) -> Path:
    """:func:`check_database`; ``reader``: open the connection the check reads through (left open)."""
    file = sqlite_file(path_or_url)
    path = _shown(path_or_url)
    if not file.is_file():
        raise DatabaseError(f"{path}: no such database. Create it with: factdb init --db {path}")
    if not readonly and not writable_location(file):
        raise DatabaseError(read_only_message(path))
    existing = _existing_file(file, operational_errors=True, reader=reader(file) if reader is not None else None)
    if existing is None or "alembic_version" not in existing.tables:
        raise DatabaseError(f"{path}: not a factdb database (no schema version). Create one with: factdb init --db {path}")
    current = existing.revision
    if current != head_revision():
        if current is not None:
            _refuse_unknown_revision(path, current)
        raise DatabaseError(
            f"{path}: schema is at revision {current}, this factdb needs {head_revision()}. "
            f"Upgrade it with: factdb init --db {path}"
        )
    return file


def open_database(path_or_url: str | os.PathLike[str], *, readonly: bool = False, **engine_options: Any) -> Engine:
    """An engine for an existing database migrated to the latest revision, or a clear error."""
    location = locate(path_or_url)
    if location.file is None:
        return _open_server(location, readonly=readonly, **engine_options)
    check_database(path_or_url, readonly=readonly)
    engine = make_engine(location.shown, readonly=readonly, **engine_options)
    if not readonly:
        # Opening for writing waits, as an import does, while another writer holds the lock.
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except BaseException:
            engine.dispose()
            raise
    return engine


def _open_server(location: Location, *, readonly: bool, **engine_options: Any) -> Engine:
    url = location.url.render_as_string(hide_password=False)
    engine = make_engine(url, readonly=readonly, **engine_options)
    # Read through a connection that takes no write lock: opening for writing does not wait for
    # another editor's write, so that an import can do what needs no lock first (factdb.importer).
    reader = engine if readonly else make_engine(url, readonly=True)
    try:
        state = _server_state(location, reader)
    finally:
        if reader is not engine:
            reader.dispose()
    shown = location.shown
    if "alembic_version" not in state.tables:
        engine.dispose()
        raise DatabaseError(f"{shown}: not a factdb database (no schema version). Create one with: factdb init --db {shown}")
    if state.revision != head_revision():
        engine.dispose()
        if state.revision is not None:
            _refuse_unknown_revision(shown, state.revision)
        raise DatabaseError(f"{shown}: schema is at revision {state.revision}, this factdb needs {head_revision()}. "
                            f"Upgrade it with: factdb init --db {shown}")
    return engine


def checked_read_connection(path_or_url: str | os.PathLike[str]) -> sqlite3.Connection:
    """:func:`check_database` (read-only) and :func:`read_connection` in one: the schema version is
    read through the connection returned, so SQLite reads the file's schema once, not once for the
    check and again for the first query. Closed again when the check fails."""
    opened: list[sqlite3.Connection] = []

    def connect(file: Path) -> sqlite3.Connection:
        opened.append(_unchecked_read_connection(file))
        return opened[0]

    try:
        _check_database(path_or_url, readonly=True, reader=connect)
        assert opened, "check_database reads through the connection"
        _size_cache_for_comparisons(opened[0])
    except BaseException:
        for connection in opened:
            connection.close()
        raise
    return opened[0]


# The pages a comparison reads again (the indexes' upper levels, the sources' names) fit in a
# small cache; the leaves it reads once, scattered over the file, are what a larger cache would
# keep, and another event rarely reads them. SQLite's default (2,000 KiB) would have a new
# process, such as `factdb compare`, take and first write fresh memory for every page it reads.
COMPARISON_CACHE_PAGES = 128


def read_connection(path: Path) -> sqlite3.Connection:
    """A plain ``sqlite3`` connection that reads the database at ``path`` (checked first with
    check_database) with the read engine's settings: it never waits for, or blocks, a writer. Its
    page cache is sized for comparisons (COMPARISON_CACHE_PAGES)."""
    connection = _unchecked_read_connection(path)
    try:
        _size_cache_for_comparisons(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _unchecked_read_connection(path: Path) -> sqlite3.Connection:
    # Nothing here reads the file, so that check_database can say what is wrong with one that is
    # not a database.
    if writable_location(path):
        connection = sqlite3.connect(path, check_same_thread=False)
    else:
        connection = sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)
    _on_connect_readonly(connection, None)
    return connection


def _size_cache_for_comparisons(connection: sqlite3.Connection) -> None:
    # SQLite reads the file's schema for this pragma.
    connection.execute(f"PRAGMA cache_size = {COMPARISON_CACHE_PAGES}")


@contextmanager
def opened(path_or_url: str | os.PathLike[str], *, readonly: bool = False) -> Iterator[Engine]:
    """:func:`open_database` for the length of a ``with`` block, its connections closed after."""
    engine = open_database(path_or_url, readonly=readonly)
    try:
        yield engine
    finally:
        engine.dispose()


def rewrite_table_definitions(connection: Connection, definitions: dict[str, str]) -> None:
    """Replace SQLite's stored CREATE TABLE text of each table, in place, inside the current transaction.

    For migrations that change only what SQLite does not check against stored rows (a CHECK
    that accepts the same values, a declared type of the same affinity): rebuilding the table
    instead would copy every row and drop the triggers and views that refer to it.
    """
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        for table, sql in definitions.items():
            connection.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, table))
        # Other connections (and this one) re-read the schema when its version changes.
        connection.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    finally:
        connection.exec_driver_sql("PRAGMA writable_schema = OFF")
    for table in definitions:  # the edited schema parses (a statement on the table makes SQLite read it again)
        connection.exec_driver_sql(f'SELECT * FROM "{table}" LIMIT 0')


def schema_sql(engine: Engine) -> str:
    """The full SQL schema (tables, indexes, views, FTS tables, triggers), as stored by SQLite; of a
    PostgreSQL database, its tables and indexes as SQLAlchemy reflects them, and its views."""
    if engine.dialect.name != "sqlite":
        return _server_schema_sql(engine)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, name"
        ).all()
    return "".join(f"{sql.strip()};\n" for _type, _name, sql in rows)


def _server_schema_sql(engine: Engine) -> str:
    from sqlalchemy import MetaData
    from sqlalchemy.schema import CreateIndex, CreateTable

    with engine.connect() as connection:
        metadata = MetaData()
        metadata.reflect(connection)
        views = connection.exec_driver_sql(
            "SELECT viewname, definition FROM pg_views WHERE schemaname = current_schema() ORDER BY viewname").all()
    statements = [str(CreateTable(table).compile(engine)).strip() for table in metadata.sorted_tables]
    statements += [str(CreateIndex(index).compile(engine)).strip() for table in metadata.sorted_tables
                   for index in sorted(table.indexes, key=lambda index: str(index.name))]
    statements += [f'CREATE VIEW "{name}" AS\n{definition.strip().rstrip(";")}' for name, definition in views]
    return "".join(f"{statement};\n" for statement in statements)
