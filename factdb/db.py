"""Engine, connection pragmas, sessions and programmatic migrations.

SQLAlchemy and Alembic are imported only by the functions that need them: opening a database
read-only (``factdb compare``) checks its schema version with the ``sqlite3`` module alone.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from factdb.files import written_whole
from factdb.sqlite_limits import cap as cap_sqlite_limits

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

DEFAULT_DB = "factdb.sqlite"
BUSY_TIMEOUT_MS = 30_000


class DatabaseError(Exception):
    """The database is missing, not migrated, or otherwise unusable; the message says what to run."""


def default_db_path() -> str:
    return os.environ.get("FACTDB_DB") or DEFAULT_DB


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # pysqlite opens transactions lazily and not for DDL; turning its own handling off and
    # issuing BEGIN ourselves (below) gives real, transactional DDL and atomic imports.
    dbapi_connection.isolation_level = None
    cap_sqlite_limits(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() not in ("wal", "memory"):
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    # IMMEDIATE takes the write lock at the start, so two writers queue on busy_timeout
    # instead of failing half-way with "database is locked" when one upgrades its lock.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


# Readers map up to this much of the file instead of copying pages into SQLite's cache: a
# comparison reads a few hundred scattered rows (docs/performance.md has the measurement).
READ_MMAP_BYTES = 256 * 1024 * 1024


def _on_connect_readonly(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Readers never change the journal mode: that is a write, refused on a read-only file, and
    # not theirs to decide for a database factdb may not even own.
    dbapi_connection.isolation_level = None
    cap_sqlite_limits(dbapi_connection)
    dbapi_connection.execute("PRAGMA foreign_keys = ON")
    dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    dbapi_connection.execute(f"PRAGMA mmap_size = {READ_MMAP_BYTES}")


def _begin_deferred(connection: Connection) -> None:
    # Readers never take the write lock; under WAL they see the last committed state.
    connection.exec_driver_sql("BEGIN")


# A URL starts with a scheme and "://"; anything else is a file path.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def sqlite_file(path_or_url: str | os.PathLike[str]) -> Path:
    """The SQLite file that a path or an ``sqlite:///PATH`` URL names.

    Every engine is made from what this returns, so another kind of database (PostgreSQL) is
    added here; until then any other URL is refused with a :class:`DatabaseError`.
    """
    text = os.fspath(path_or_url)
    if not _URL.match(text):
        return Path(text)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text)
    except ArgumentError:
        raise DatabaseError(f"{text}: not a database URL. Give a file path, or sqlite:///PATH") from None
    shown = url.render_as_string(hide_password=True)
    if url.drivername not in ("sqlite", "sqlite+pysqlite"):
        raise DatabaseError(f"{shown}: factdb keeps its data in SQLite files; give a file path, or sqlite:///PATH")
    if not url.database or url.database == ":memory:" or url.query:
        # factdb sets its own connection options, and an in-memory database would vanish with
        # each connection the engine opens.
        raise DatabaseError(f"{shown}: give the database file as sqlite:///PATH, without options")
    return Path(url.database)


def _shown(path_or_url: str | os.PathLike[str]) -> str:
    """How messages name the database: as given when it is a path (so hints can be pasted back)."""
    text = os.fspath(path_or_url)
    return str(sqlite_file(text)) if _URL.match(text) else text


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


def make_engine(path: str | os.PathLike[str], *, readonly: bool = False) -> Engine:
    """An engine for the SQLite file at ``path`` (or an ``sqlite:///`` URL) with factdb's pragmas.

    Write engines begin every transaction with ``BEGIN IMMEDIATE``; ``readonly`` engines
    use deferred transactions so they never wait for, or block, a writer.
    """
    from sqlalchemy import create_engine, event

    file = sqlite_file(path)
    if readonly and not writable_location(file):
        uri = read_only_uri(file)
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
    else:
        engine = create_engine(f"sqlite:///{file}")
    event.listen(engine, "connect", _on_connect_readonly if readonly else _on_connect)
    event.listen(engine, "begin", _begin_deferred if readonly else _begin_immediate)
    return engine


def migrations_path() -> Path:
    """Where the Alembic scripts are: the ``migrations/`` folder ships as ``factdb.migrations``."""
    return Path(str(resources.files("factdb.migrations")))


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
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


def _existing_file(path: Path, *, operational_errors: bool = False) -> ExistingFile | None:
    """The tables and factdb schema revision of the SQLite file at ``path``; None when there is none.
    ``operational_errors``: let SQLite's operational errors (a deleted write-ahead log, a lock)
    propagate, for the command to explain, rather than calling the file no factdb database."""
    if not path.exists() or path.stat().st_size == 0:
        return None
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
    path, shown = sqlite_file(path_or_url), _shown(path_or_url)
    existing = _existing_file(path)
    if existing is None:
        if not path.parent.is_dir():
            raise DatabaseError(f"{path.parent}: no such folder; create it first, or choose another --db path")
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


def read_only_message(shown: str) -> str:
    return (f"{shown}: the database or its folder is read-only (a read-only mount, or no write permission). "
            "import and init need to write the database and its folder; compare, export, schema, serve, backup "
            "and publish only read it. Copy it somewhere writable with: factdb backup --db "
            f"{shown} COPY.sqlite")


def _sqlalchemy_operational_error() -> type[Exception]:
    from sqlalchemy.exc import OperationalError

    return OperationalError


def check_database(path_or_url: str | os.PathLike[str], *, readonly: bool = False) -> Path:
    """The SQLite file of an existing database migrated to the latest revision, or a clear error.

    Read with the ``sqlite3`` module only, so that a command that just reads (``factdb compare``)
    need not load SQLAlchemy or Alembic to open the database."""
    path = _shown(path_or_url)
    file = Path(path)
    if not file.is_file():
        raise DatabaseError(f"{path}: no such database. Create it with: factdb init --db {path}")
    if not readonly and not writable_location(file):
        raise DatabaseError(read_only_message(path))
    existing = _existing_file(file, operational_errors=True)
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


def open_database(path_or_url: str | os.PathLike[str], *, readonly: bool = False) -> Engine:
    """An engine for an existing database migrated to the latest revision, or a clear error."""
    check_database(path_or_url, readonly=readonly)
    engine = make_engine(_shown(path_or_url), readonly=readonly)
    if not readonly:
        # Opening for writing waits, as an import does, while another writer holds the lock.
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except BaseException:
            engine.dispose()
            raise
    return engine


def read_connection(path: Path) -> sqlite3.Connection:
    """A plain ``sqlite3`` connection that reads the database at ``path`` (checked first with
    check_database) with the read engine's settings: it never waits for, or blocks, a writer."""
    if writable_location(path):
        connection = sqlite3.connect(path, check_same_thread=False)
    else:
        connection = sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)
    _on_connect_readonly(connection, None)
    return connection


@contextmanager
def opened(path_or_url: str | os.PathLike[str], *, readonly: bool = False) -> Iterator[Engine]:
    """:func:`open_database` for the length of a ``with`` block, its connections closed after."""
    engine = open_database(path_or_url, readonly=readonly)
    try:
        yield engine
    finally:
        engine.dispose()


def schema_sql(engine: Engine) -> str:
    """The full SQL schema (tables, indexes, views, FTS tables, triggers), as stored by SQLite."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, name"
        ).all()
    return "".join(f"{sql.strip()};\n" for _type, _name, sql in rows)
