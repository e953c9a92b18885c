"""How factdb's pages read: in Datasette's SQL threads, one read transaction, under its time limit."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from datasette.utils import sqlite_timelimit

if TYPE_CHECKING:
    from datasette.app import Datasette
    from datasette.database import Database

T = TypeVar("T")


class TooSlow(Exception):
    """A page's queries ran past Datasette's ``sql_time_limit_ms``."""


@contextmanager
def read_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """One read transaction, so that every query of a page sees the same committed data."""
    connection.execute("BEGIN")
    try:
        yield
    finally:
        connection.rollback()


async def time_limited(datasette: Datasette, db: Database, what: str, read: Callable[[sqlite3.Connection], T]) -> T:
    """``read(connection)`` in Datasette's SQL threads, interrupted after ``sql_time_limit_ms``.

    Raises :class:`TooSlow` (saying ``what`` took too long) when interrupted.
    """
    limit_ms = datasette.setting("sql_time_limit_ms")

    def limited(connection: sqlite3.Connection) -> T:
        # The transaction ends after the time limit is lifted: a late ROLLBACK would be interrupted too.
        with read_transaction(connection), sqlite_timelimit(connection, limit_ms):
            try:
                return read(connection)
            except sqlite3.OperationalError as error:
                if "interrupted" in str(error):
                    raise TooSlow(f"{what} took longer than the {limit_ms} ms time limit") from None
                raise

    result: T = await db.execute_fn(limited)
    return result
