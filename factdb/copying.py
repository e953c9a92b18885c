"""Copy a whole factdb database into another one: SQLite to PostgreSQL, back, or SQLite to SQLite.

Every table of the models is copied (so a table added by a later migration is copied too), in an
order where each row's foreign keys point at rows copied before it, from one read transaction of
the source: on PostgreSQL one ``REPEATABLE READ READ ONLY`` snapshot, on SQLite one read of the
write-ahead log. The target has factdb's own schema, built by its migrations (views, full-text
indexes, constraints), and must hold no data yet. A copy is verified by exporting both databases
and comparing the bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, cast

from sqlalchemy import Connection, Engine, Table, func, select

from factdb.bulk import FULL_TEXT_TABLES, BulkWrite, fill_new_sqlite, table_rows
from factdb.db import initialise, locate, open_database
from factdb.files import written_whole
from factdb.models import Base


class CopyError(Exception):
    """The copy could not be made or did not verify; the message says why and what to do."""


@dataclass(frozen=True)
class CopyResult:
    """What a copy wrote: rows per table, and the SHA-256 of the export both databases give."""

    rows: dict[str, int]
    export_sha256: str

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[Table]:
    """factdb's tables, each after the tables its foreign keys refer to."""
    return list(Base.metadata.sorted_tables)


def copy_rows(source: Connection, target: Connection) -> dict[str, int]:
    """Copy every row of every factdb table from ``source`` into ``target`` (both inside a transaction).

    On an SQLite target the full-text indexes of claims and documents are filled once at the end
    instead of by a trigger per row. (A new SQLite file is filled by :func:`fill_sqlite` instead.)
    """
    counts: dict[str, int] = {}
    with BulkWrite(target, expected_bytes=10**12) as writer:
        writer.defer_full_text()
        writer.defer_foreign_keys()
        for table in tables():
            columns = [column.name for column in table.columns]
            writer.copy_rows(table, columns, (row for rows in table_rows(source, table) for row in rows))
            counts[table.name] = target.execute(select(func.count()).select_from(table)).scalar_one()
        for table_name in FULL_TEXT_TABLES:
            writer.catch_up_full_text(table_name, 0)
    return counts


def fill_sqlite(source: Connection, target: Path, *, full_text: bool = True) -> dict[str, int]:
    """Copy every row of every factdb table from ``source`` (inside a transaction) into the new
    SQLite file ``target``, which has factdb's schema and no rows (see bulk.fill_new_sqlite)."""
    return fill_new_sqlite(target, ((table, table_rows(source, table)) for table in tables()), full_text=full_text)


def _holds_data(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [table.name for table in tables()
                if connection.execute(select(func.count()).select_from(table)).scalar_one() > 0]


def export_digest(engine: Engine) -> str:
    """The SHA-256 of the database's YAML export, written without keeping it in memory."""
    from factdb.export import export_database

    class Digest(io.TextIOBase):
        def __init__(self) -> None:
            self.sha = hashlib.sha256()

        def write(self, text: str) -> int:
            self.sha.update(text.encode("utf-8", "surrogatepass"))
            return len(text)

    digest = Digest()
    export_database(engine, cast(TextIO, digest), "yaml")
    return digest.sha.hexdigest()


def copy_database(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> CopyResult:
    """Copy the factdb database ``source`` into ``target`` (paths or URLs), then verify the copy.

    An SQLite ``target`` must not exist yet: it is built beside its final name and renamed into
    place once verified. A PostgreSQL ``target`` must exist (createdb) and hold no factdb data:
    its schema is created or upgraded, and the rows are written in one transaction.
    """
    source_location, target_location = locate(source), locate(target)
    if source_location.url == target_location.url:
        raise CopyError(f"{target_location.shown} is the source itself; copy to another database")
    reader = open_database(source, readonly=True)
    try:
        if target_location.file is not None:
            if target_location.file.exists():
                raise CopyError(f"{target_location.shown} already exists; copy to a new file")
            with written_whole(target_location.file) as partial:
                return _copy(reader, partial, source_location.shown, target_location.shown)
        return _copy(reader, target, source_location.shown, target_location.shown)
    finally:
        reader.dispose()


def _copy(reader: Engine, target: str | os.PathLike[str], source_shown: str, target_shown: str) -> CopyResult:
    writer = initialise(target)
    try:
        filled = _holds_data(writer)
        if filled:
            raise CopyError(f"{target_shown} already holds data (in {', '.join(filled)}); copy into an empty database")
        target_file = locate(target).file
        if target_file is not None:
            writer.dispose()  # the new file is filled by one plain connection of its own
            with reader.connect() as source_connection, source_connection.begin():
                rows = fill_sqlite(source_connection, target_file)
        else:
            with reader.connect() as source_connection, writer.connect() as target_connection:
                with source_connection.begin(), target_connection.begin():
                    rows = copy_rows(source_connection, target_connection)
        expected, written = export_digest(reader), export_digest(writer)
    finally:
        writer.dispose()
    if expected != written:
        raise CopyError(f"the copy in {target_shown} exports differently from {source_shown}; it is not a faithful copy. "
                        "Report this as a bug, with both databases")
    return CopyResult(rows, written)


def sqlite_snapshot(source: Engine, target: Path, *, full_text: bool = True) -> dict[str, int]:
    """Write a new SQLite database at ``target`` with factdb's schema and every row of ``source``,
    read in one snapshot transaction (publish and backup of a PostgreSQL database).

    ``full_text=False``: the claims' and documents' search indexes are left for the caller to rebuild.
    """
    initialise(target).dispose()
    with source.connect() as source_connection, source_connection.begin():
        return fill_sqlite(source_connection, target, full_text=full_text)
