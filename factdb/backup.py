"""A consistent copy of a live database, taken while imports and the web server keep running.

SQLite's online backup API copies the database in one step inside a read transaction: under WAL
the copy is the last committed state, whatever a writer is doing meanwhile (an import in
progress is either wholly in the copy or not at all), and the writer is never blocked. The copy
is written next to the target and renamed into place only once it is complete and passes
``PRAGMA integrity_check``, so a backup file that exists is a whole one.

Restoring is copying the file back while nothing uses the database; see docs/reliability.md.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from factdb.db import BUSY_TIMEOUT_MS, locate, read_only_uri
from factdb.files import written_whole
from factdb.sqlite_limits import cap


class BackupError(Exception):
    """The backup could not be made; the message says why and what to do."""


def backup(db_path: str | os.PathLike[str], target: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Copy the database at ``db_path`` to ``target`` (a single self-contained file) and return it.

    Refuses to replace an existing ``target`` unless ``force`` is true. A PostgreSQL database is
    written as an SQLite snapshot (:func:`factdb.copying.sqlite_snapshot`).
    """
    location = locate(db_path)
    if location.file is None:
        return _server_snapshot(db_path, Path(target), force=force)
    source, destination = location.file, Path(target)
    if not source.is_file():
        raise BackupError(f"{source}: no such database")
    if destination.exists() and not force:
        raise BackupError(f"{destination} already exists; choose another name, or pass --force to replace it")
    if destination.exists() and destination.resolve() == source.resolve():
        raise BackupError(f"{destination} is the database itself; back it up to another file")
    if destination.with_name(destination.name + "-wal").exists():
        # Replacing a database that a process has open (or left after a crash) under its write-ahead
        # log would let SQLite replay that log into the wrong file.
        raise BackupError(f"{destination} is a database in use (it has a -wal file); back up to a new file")
    if not destination.parent.is_dir():
        raise BackupError(f"{destination.parent}: no such folder")
    _check_readable(source)
    with written_whole(destination) as partial:
        _copy(source, partial, destination)
    return destination


def _server_snapshot(db: str | os.PathLike[str], destination: Path, *, force: bool) -> Path:
    from factdb.copying import sqlite_snapshot
    from factdb.db import open_database

    if destination.exists() and not force:
        raise BackupError(f"{destination} already exists; choose another name, or pass --force to replace it")
    if destination.with_name(destination.name + "-wal").exists():
        raise BackupError(f"{destination} is a database in use (it has a -wal file); back up to a new file")
    if not destination.parent.is_dir():
        raise BackupError(f"{destination.parent}: no such folder")
    reader = open_database(db, readonly=True)
    try:
        with written_whole(destination) as partial:
            sqlite_snapshot(reader, partial)
            _check_integrity(partial, locate(db).shown)
    except OSError as error:
        raise BackupError(f"{destination}: the copy could not be written ({error}); no partial copy was left. "
                          "Free some disk space, or back up to another folder") from None
    finally:
        reader.dispose()
    return destination


def _check_integrity(copy_path: Path, shown: str) -> None:
    copy = sqlite3.connect(copy_path)
    try:
        copy.execute("PRAGMA journal_mode = DELETE")
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
    if verdict != "ok":
        raise BackupError(f"the SQLite snapshot of {shown} failed its integrity check ({verdict})")


def _check_readable(source: Path) -> None:
    reader = sqlite3.connect(read_only_uri(source), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source}: cannot be copied ({error}); is it a factdb database?") from None
    finally:
        reader.close()


def _copy(source: Path, target: Path, shown: Path) -> None:
    reader = sqlite3.connect(read_only_uri(source), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    cap(reader)
    try:
        copy = sqlite3.connect(target)
        cap(copy)
        try:
            # The source was read a moment ago: a failure now is writing the copy (a full disk, a
            # file size limit, a read-only folder), not the database.
            try:
                reader.backup(copy)
                # The live database runs in WAL mode; the backup is one file that can be moved on its own.
                copy.execute("PRAGMA journal_mode = DELETE")
                verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            except sqlite3.DatabaseError as error:
                if getattr(error, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
                    raise BackupError(f"{source}: cannot be copied ({error}); is it a factdb database?") from None
                raise BackupError(f"{shown}: the copy could not be written ({error}); {source} is unchanged and no "
                                  "partial copy was left. Free some disk space, or back up to another folder") from None
        finally:
            copy.close()
    finally:
        reader.close()
    if verdict != "ok":
        raise BackupError(f"the copy of {source} failed its integrity check ({verdict}); the database itself may be damaged")
