"""Facet counts over whole, unfiltered tables, kept until the database changes.

Datasette counts a facet on every page view. Over a million claims one count takes SQLite tens of
milliseconds even from an index, and the claims page shows two facets by default (three with
``?_facet=``), so recounting numbers that only an import can change would take the page past its
time budget (the measurements are in ``docs/performance.md``). Datasette 0.65 has no hook for facet
results, so :class:`WholeTableFacetCache` wraps the database's ``execute``; it is the only code that
does, and it leaves every other query alone.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datasette.database import Database


# Datasette 0.65's facet query; <inner> is the table page's own query without ORDER BY or LIMIT.
FACET_SQL = re.compile(
    r"^\s*select .+ as value, count\(\*\) as count from \(\s*(?P<inner>select .+?)\s*\)\s*"
    r"where .+ is not null\s*group by .+ order by count desc, value limit \d+\s*$",
    re.IGNORECASE | re.DOTALL,
)


def is_whole_table_facet(sql: str, params: Any) -> bool:
    """True for Datasette's facet query over a table page without filters or parameters."""
    match = FACET_SQL.match(sql)
    return not params and match is not None and " where " not in match["inner"].lower()


@dataclass(frozen=True, slots=True)
class _Cached:
    data_version: int
    results: Any


class WholeTableFacetCache:
    """Answers a database's whole-table facet queries from memory while its data is unchanged.

    ``PRAGMA data_version`` on a connection of the cache's own changes whenever another connection
    commits, so an import shows in the next page view. Immutable databases never change.
    """

    MAX_ENTRIES = 256  # ?_facet_size= makes every size a new query

    def __init__(self, db: Database) -> None:
        self.results: dict[str, _Cached] = {}
        self.watcher: sqlite3.Connection | None = db.connect() if db.is_mutable else None
        self.lock = threading.Lock()
        self.execute: Callable[..., Awaitable[Any]] = db.execute

    @classmethod
    def install(cls, db: Database) -> WholeTableFacetCache:
        """Route ``db.execute`` through a cache (once per database; later calls return the same one)."""
        current = getattr(db.execute, "__self__", None)
        if isinstance(current, cls):
            return current
        cache = cls(db)
        db.execute = cache.cached_execute
        return cache

    def data_version(self) -> int:
        if self.watcher is None:
            return 0
        with self.lock:  # the watcher is shared by Datasette's threads
            return int(self.watcher.execute("PRAGMA data_version").fetchone()[0])

    async def cached_execute(self, sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        if not is_whole_table_facet(sql, params):
            return await self.execute(sql, params, *args, **kwargs)
        version = self.data_version()
        cached = self.results.get(sql)
        if cached is not None and cached.data_version == version:
            return cached.results
        results = await self.execute(sql, params, *args, **kwargs)
        if len(self.results) >= self.MAX_ENTRIES:
            self.results.clear()
        self.results[sql] = _Cached(version, results)
        return results
