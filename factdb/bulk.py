"""How an import writes in bulk: every database-specific trick behind one context manager.

On SQLite, :class:`BulkWrite` tunes the connection's page cache, fills the full-text indexes of
a large import's new rows in one statement instead of by a trigger per row, builds the secondary
indexes of mostly new tables once at the end, and reads and inserts rows through the driver's
connection, which costs a fraction of going through SQLAlchemy. It is the only code that touches
the driver's connection.

On PostgreSQL new rows are written with COPY (psycopg's ``cursor.copy``), and a table's sequence
is moved past the primary keys the import gave its rows itself, so a row inserted later without
one never collides. New claims are copied in a thread of their own while the import reads and
checks the next ones (see insert_claims). Everything else is plain SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import namedtuple
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Integer, Table, bindparam, insert, select

if TYPE_CHECKING:
    from factdb.checks import StoredDigests

# Imports of at least this many bytes take the bulk path: full-text index entries are written for
# all new rows at once instead of by a trigger per row (SQLite's FTS5 flushes its pending terms at
# every statement a trigger runs in, which made the triggers most of an import's time).
BULK_BYTES = 1_000_000
# The import's page cache (on its connection only; bench/reference.py uses the same settings, so the
# comparison stays fair). With the secondary indexes deferred, a larger cache buys no speed and
# costs memory the operating system spends caching the same pages anyway (docs/performance.md).
BULK_PRAGMAS: tuple[str, ...] = ("PRAGMA cache_size = -16384",)
# The full-text indexes of migration 0003: table -> its "<table>_fts" index, fed by "<table>_ai".
FULL_TEXT_TABLES = ("documents", "claims")
# Tables whose secondary indexes a bulk import may build at the end instead of row by row.
INDEXED_IN_BULK = ("claims", "figures")
# A bulk import defers them when the table holds fewer claims than the files' bytes / this: building
# an index once, sorted, beats inserting each row into it only when most rows are new.
BYTES_PER_CLAIM_FOR_INDEXES = 1_000
# Tables whose statistics a bulk import on PostgreSQL refreshes before it commits.
STATISTICS_AFTER_BULK = ("sources", "source_aliases", "source_relations", "events", "metrics", "documents", "claims", "figures")
# Building an index sorts in memory up to the page cache's size, on top of the cache itself: a
# smaller cache for that step keeps a large import's peak memory where the inserts left it.
INDEX_BUILD_CACHE_KIB = 16_384


class BulkWrite:
    """The write side of one import on ``conn``, sized by the bytes it expects to read.

    Entered before the import's transaction begins (the pragmas must not begin one) and left after
    it ends (restoring them). Schema changes made inside the transaction (dropped triggers and
    indexes) are transactional in SQLite: a failed import gets them back with its rollback.
    """

    def __init__(self, conn: Connection, expected_bytes: int) -> None:
        self.conn = conn
        self.expected_bytes = expected_bytes
        self.bulk = expected_bytes >= BULK_BYTES
        self.sqlite = conn.dialect.name == "sqlite"
        self.postgres = conn.dialect.name == "postgresql"
        # Look-ups by key go straight to the driver on both (psycopg prepares a statement run five times).
        self.direct = self.sqlite or self.postgres
        self._mark = "?" if self.sqlite else "%s"
        self._restore: list[str] = []
        self._triggers: dict[str, str] = {}  # table -> the SQL of its dropped full-text insert trigger
        self._may_defer_indexes = False
        self._deferred_indexes: list[str] | None = None  # None until decided, then the statements that re-create them
        # With workers, new claims are indexed for search chunk by chunk while the workers keep the
        # other core busy: the first claim pk not indexed yet, or None.
        self._claims_unindexed_from: int | None = None
        # PostgreSQL: the thread copying the last chunk of new claims, and what it raised.
        self._copying: threading.Thread | None = None
        self._copy_failed: BaseException | None = None

    def __enter__(self) -> BulkWrite:
        if self.sqlite:
            driver = self._driver()
            for pragma in BULK_PRAGMAS:
                name = pragma.split()[1]
                self._restore.append(f"PRAGMA {name} = {driver.execute(f'PRAGMA {name}').fetchone()[0]}")
                driver.execute(pragma)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        for statement in self._restore:
            self._driver().execute(statement)

    def _driver(self) -> Any:
        """Straight to the driver, in the same transaction: no transaction is begun (SQLAlchemy would
        autobegin one), and no result objects are built. Waits for the claims being copied (settle)."""
        self.settle()
        return self.conn.connection.driver_connection

    def settle(self) -> None:
        """Wait until the claims handed to insert_claims are in the database; raise what their COPY raised.

        The import calls it before it uses its connection other than through this object, and before
        it commits or rolls back; every method here that uses the connection calls it first.
        """
        thread = self._copying
        if thread is None:
            return
        thread.join()  # interrupted (Ctrl-C), the thread is still waited for by the settle before the rollback
        self._copying = None
        failed, self._copy_failed = self._copy_failed, None
        if failed is not None:
            raise failed

    def defer_foreign_keys(self) -> None:
        """Check foreign keys at commit (SQLite): a copied row may refer to one copied after it (a
        claim superseding a later one). PostgreSQL checks them at the end of each COPY already."""
        if self.sqlite:
            self.conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")

    # -- full-text indexes ------------------------------------------------------------------------

    def defer_full_text(self) -> None:
        """A bulk import: drop the triggers that index each inserted row, to index the new rows at once.

        Only the insert triggers: updates and deletes of stored rows keep their index up to date.
        """
        if not (self.bulk and self.sqlite):
            return
        names = tuple(f"{table}_ai" for table in FULL_TEXT_TABLES)
        self._triggers = dict(self.conn.exec_driver_sql(
            f"SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({', '.join('?' for _ in names)})",
            names).all())
        for table in self._triggers:
            self.conn.exec_driver_sql(f'DROP TRIGGER "{table}_ai"')

    def index_claims_as_written(self, first_pk: int) -> None:
        """Index new claims for search after each insert of them, from ``first_pk`` on (see __init__)."""
        if "claims" in self._triggers:
            self._claims_unindexed_from = first_pk

    def catch_up_full_text(self, table: str, first_pk: int) -> None:
        """Index the rows of ``table`` inserted since ``first_pk`` in one statement, then restore its trigger.

        Must run before any UPDATE of those rows: the update trigger removes a row's old terms from
        the index, which requires them to be there.
        """
        trigger = self._triggers.pop(table, None)
        if trigger is None:
            return
        if table == "claims" and self._claims_unindexed_from is not None:
            first_pk = self._claims_unindexed_from
        self._index_full_text(table, first_pk)
        self.conn.exec_driver_sql(trigger)

    @property
    def caught_up(self) -> bool:
        """Whether every full-text index deferred was caught up."""
        return not self._triggers

    def _index_full_text(self, table: str, first_pk: int) -> None:
        columns = ", ".join(f'"{row[1]}"' for row in self.conn.exec_driver_sql(f'PRAGMA table_info("{table}_fts")'))
        self.conn.exec_driver_sql(
            f'INSERT INTO "{table}_fts" (rowid, {columns}) SELECT rowid, {columns} FROM "{table}" WHERE rowid >= ?', (first_pk,))

    # -- secondary indexes ------------------------------------------------------------------------

    def allow_deferred_indexes(self, stored_claims: int) -> None:
        """Build the claims' and figures' secondary indexes at the end if most claims will be new."""
        self._may_defer_indexes = self.bulk and stored_claims <= self.expected_bytes // BYTES_PER_CLAIM_FOR_INDEXES

    def _defer_indexes(self) -> None:
        """Drop the secondary indexes of INDEXED_IN_BULK; unique constraints stay (claims are looked up by id)."""
        self._deferred_indexes = []
        if not self.sqlite:
            return
        indexes = self.conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join('?' for _ in INDEXED_IN_BULK)})", INDEXED_IN_BULK).all()
        for name, _ in indexes:
            self.conn.exec_driver_sql(f'DROP INDEX "{name}"')
        self._deferred_indexes = [sql for _, sql in indexes]

    def restore_indexes(self) -> None:
        """Build the indexes deferred."""
        if self._deferred_indexes and self.sqlite:
            self.conn.exec_driver_sql(f"PRAGMA cache_size = -{INDEX_BUILD_CACHE_KIB}")
        for statement in self._deferred_indexes or ():
            self.conn.exec_driver_sql(statement)
        self._deferred_indexes = None

    def committed(self, *, grew: bool = True) -> None:
        """After a bulk import on PostgreSQL has committed, refresh the planner's statistics, if it
        ``grew`` the tables it wrote to at least twofold.

        PostgreSQL's autovacuum analyses a table some time after it grew, so a comparison right
        after a first large import would be planned as for empty tables (scanning every figure).
        A table that grew by less keeps statistics the planner scales to its current size (it reads
        the number of pages each time), until autovacuum refreshes them: analysing it again would
        only compete with the next editor's import for the processor (and lengthen this one's).
        Done after the commit, in a transaction of its own, so that another editor's import waiting
        for the write lock need not wait for it too; the statistics are the planner's estimates, not
        data: if they cannot be refreshed now, autovacuum refreshes them later.
        """
        if not (self.postgres and self.bulk and grew):
            return
        driver = self._driver()
        try:
            driver.execute(f"ANALYZE {', '.join(STATISTICS_AFTER_BULK)}")
            driver.commit()
        except Exception:  # noqa: BLE001 - see above: the import stands whatever happens here
            with suppress(Exception):
                driver.rollback()

    # -- rows -------------------------------------------------------------------------------------

    def insert_claims(self, claims: Table, claim_columns: Sequence[str], claim_rows: list[tuple[Any, ...]],
                      figures: Table, figure_columns: Sequence[str], figure_rows: list[tuple[Any, ...]], next_claim_pk: int) -> None:
        """Insert new claims and their figures (rows in the order of the columns named).

        On PostgreSQL they are copied in a thread while this one goes on: most of a COPY's time is
        the server's (each row's indexes and foreign keys), during which the import can read and
        check its next claims instead of waiting. An editor's import holding the write lock is what
        every other editor waits for, so the time it holds it is what this saves. The next use of
        the connection waits for the copy (settle).
        """
        if self.postgres:
            if claim_rows:
                # _driver() first waits for the previous chunk's copy: one at a time on the connection.
                self._copying = threading.Thread(target=self._copy_claims, name="factdb-copy", daemon=True,
                                                 args=(self._driver(), claims, claim_columns, claim_rows, figures, figure_columns, figure_rows))
                self._copying.start()
            return
        if claim_rows and self._may_defer_indexes and self._deferred_indexes is None:
            self._defer_indexes()
        self.insert_rows(claims, claim_columns, claim_rows)
        self.insert_rows(figures, figure_columns, figure_rows)
        if claim_rows and self._claims_unindexed_from is not None:
            self._index_full_text("claims", self._claims_unindexed_from)
            self._claims_unindexed_from = next_claim_pk

    def _copy_claims(self, driver: Any, claims: Table, claim_columns: Sequence[str], claim_rows: list[tuple[Any, ...]],
                     figures: Table, figure_columns: Sequence[str], figure_rows: list[tuple[Any, ...]]) -> None:
        try:
            _copy_into(driver, claims, claim_columns, claim_rows)
            if figure_rows:
                _copy_into(driver, figures, figure_columns, figure_rows)
        except BaseException as error:  # noqa: BLE001 - raised by settle, in the import's thread
            self._copy_failed = error

    def insert_rows(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.sqlite:
            self.conn.exec_driver_sql(
                f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})", rows)
        elif self.postgres:
            self._copy_rows(table, columns, rows)
        else:
            self.conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])

    def _copy_rows(self, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        _copy_into(self._driver(), table, columns, rows)

    def copy_rows(self, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        """Insert a stream of rows, primary keys included (a whole table copied from another database)."""
        if self.postgres:
            self._copy_rows(table, columns, rows)
            return
        for chunk in _chunks(rows, 10_000):
            self.insert_rows(table, columns, chunk)

    def rows_where_in(self, table: Table, columns: Sequence[str], key: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
        """``columns`` of the rows of ``table`` whose ``key`` is one of ``values``."""
        if not values:
            return []
        if self.sqlite:
            wanted = _padded(list(values))
            rows: list[tuple[Any, ...]] = self._driver().execute(
                f"SELECT {', '.join(columns)} FROM {table.name} WHERE {key} IN ({', '.join('?' for _ in wanted)})",
                wanted).fetchall()
            return rows
        if self.postgres:
            found: list[tuple[Any, ...]] = self._driver().execute(
                f'SELECT {", ".join(columns)} FROM "{table.name}" WHERE "{key}" = ANY(%s)', (list(values),)).fetchall()
            return found
        query = select(*(table.c[c] for c in columns)).where(table.c[key].in_(bindparam("values", expanding=True)))
        return [tuple(row) for row in self.conn.execute(query, {"values": list(values)})]

    def update_unindexed(self, table: Table, column: str, key: str, rows: list[tuple[Any, Any]]) -> None:
        """Set ``column`` to the first of each pair in the row whose ``key`` is the second.

        ``column`` must be one no full-text index covers: the rows are updated without the update
        trigger, which would take each row's terms out of the index and put the same ones back, and
        so may be rows not indexed yet (see defer_full_text) whose terms it could not take out.
        """
        if not rows:
            return
        trigger = None
        if self.sqlite and table.name in FULL_TEXT_TABLES:
            trigger = self.conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (f"{table.name}_au",)).scalar()
            if trigger is not None:
                self.conn.exec_driver_sql(f'DROP TRIGGER "{table.name}_au"')
        statement = f'UPDATE "{table.name}" SET "{column}" = {self._mark} WHERE "{key}" = {self._mark}'
        if self.sqlite:
            self._driver().executemany(statement, rows)
        elif self.postgres:
            with self._driver().cursor() as cursor:
                cursor.executemany(statement, rows)
        else:
            self.conn.execute(table.update().where(table.c[key] == bindparam("key_")).values({column: bindparam("value_")}),
                              [{"value_": value, "key_": row_key} for value, row_key in rows])
        if trigger is not None:
            self.conn.exec_driver_sql(trigger)

    def row(self, table: Table, key: str, value: Any) -> Any:
        """The row of ``table`` whose ``key`` is ``value`` (columns read by name), or None. Re-importing
        a large file looks up every source, event and document stored already."""
        if not self.direct:
            return self.conn.execute(select(table).where(table.c[key] == value)).first()
        cursor = self._driver().execute(f'SELECT * FROM "{table.name}" WHERE "{key}" = {self._mark}', (value,))
        found = cursor.fetchone()
        return None if found is None else _row_class(tuple(d[0] for d in cursor.description))._make(found)

    def value(self, table: Table, column: str, key: str, value: Any) -> Any:
        """One column of the row of ``table`` whose ``key`` is ``value``: once per document and
        import, a hundred thousand times in a large one."""
        if not self.direct:
            return self.conn.execute(select(table.c[column]).where(table.c[key] == value)).scalar_one()
        return self._driver().execute(f'SELECT "{column}" FROM "{table.name}" WHERE "{key}" = {self._mark}', (value,)).fetchone()[0]

    def stored_claim_digests(self, claims: Table) -> StoredDigests:
        """stored(ids) -> {id: (pk, record_digest)} of the stored claims among ``ids``, for checks.recognised."""
        def stored(ids: Sequence[str]) -> dict[str, tuple[int, str | None]]:
            rows = self.rows_where_in(claims, ("id", "pk", "record_digest"), "id", ids)
            return {row[0]: (row[1], row[2]) for row in rows}
        return stored


def _copy_into(driver: Any, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """COPY the rows into ``table`` on PostgreSQL (at 50,000 claims a fifth of the time executemany
    takes), then move its sequence past the keys they were given."""
    quoted = ", ".join(f'"{column}"' for column in columns)
    with driver.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        keys = [column.name for column in table.primary_key.columns]
        if len(keys) == 1 and keys[0] in columns and isinstance(table.c[keys[0]].type, Integer):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{keys[0]}'), "
                           f'(SELECT max("{keys[0]}") FROM "{table.name}"))')


# -- whole tables, from one database into a new SQLite file (publish, backup and copy) -------------

# Rows read from the source per round trip when a whole table is copied.
READ_ROWS = 10_000


def table_rows(conn: Connection, table: Table) -> Iterator[list[tuple[Any, ...]]]:
    """Every row of ``table`` (its columns in order), by primary key, READ_ROWS at a time, read in
    ``conn``'s transaction straight from the driver: SQLAlchemy's rows cost more than the read."""
    columns = ", ".join(f'"{column.name}"' for column in table.columns)
    order = ", ".join(f'"{column.name}"' for column in table.primary_key.columns)
    query = f'SELECT {columns} FROM "{table.name}" ORDER BY {order}'
    if conn.dialect.name not in ("sqlite", "postgresql"):
        yield from _chunks((tuple(row) for row in conn.exec_driver_sql(query)), READ_ROWS)
        return
    driver: Any = conn.connection.driver_connection
    # On PostgreSQL a named (server-side) cursor: the rows come READ_ROWS at a time, not all at once.
    cursor = driver.cursor(name=f"factdb_copy_{table.name}") if conn.dialect.name == "postgresql" else driver.cursor()
    try:
        cursor.execute(query)
        while rows := cursor.fetchmany(READ_ROWS):
            yield rows
    finally:
        cursor.close()


def fill_new_sqlite(path: Path, tables: Iterable[tuple[Table, Iterable[list[tuple[Any, ...]]]]], *, full_text: bool = True) -> dict[str, int]:
    """Insert whole tables into the new SQLite database at ``path`` (factdb's schema, no rows yet).

    ``path`` must be a file being built that nobody else has open and that a failure throws away
    (files.written_whole): it is written without a rollback journal and without syncing. The
    secondary indexes are dropped and built once the rows are in, the full-text insert triggers
    dropped and the indexes filled by one ``rebuild`` each (or left empty with ``full_text=False``,
    for a caller that rebuilds them). Rows must come in an order where foreign keys point backwards
    or to rows that come later in the same copy. Returns the rows written per table.
    """
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        journal = connection.execute("PRAGMA journal_mode").fetchone()[0]
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute(f"PRAGMA cache_size = -{INDEX_BUILD_CACHE_KIB}")
        connection.execute("BEGIN")
        indexes = connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall()
        names = tuple(f"{table}_ai" for table in FULL_TEXT_TABLES)
        triggers = connection.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({', '.join('?' for _ in names)})", names).fetchall()
        for name, _ in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        for name, _ in triggers:
            connection.execute(f'DROP TRIGGER "{name}"')
        counts: dict[str, int] = {}
        for table, chunks in tables:
            columns = ", ".join(f'"{column.name}"' for column in table.columns)
            statement = f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join("?" for _ in table.columns)})'
            counts[table.name] = 0
            for rows in chunks:
                connection.executemany(statement, rows)
                counts[table.name] += len(rows)
        for _, sql in indexes:
            connection.execute(sql)
        for _, sql in triggers:
            connection.execute(sql)
        if full_text:
            for name in FULL_TEXT_TABLES:
                connection.execute(f'INSERT INTO "{name}_fts"("{name}_fts") VALUES (\'rebuild\')')
        connection.execute("COMMIT")
        connection.execute(f"PRAGMA journal_mode = {journal}")
        return counts
    finally:
        connection.close()


# Up to this many values, a list is padded to the next power of two (see _padded).
PADDED_VALUES = 4096


def _padded(values: list[Any]) -> list[Any]:
    """``values``, the last repeated up to the next power of two (a value named twice in ``IN`` is
    found once). The sqlite3 module keeps the last 128 statements prepared, and a statement with
    hundreds of parameters takes about 100 KB: lists of every length from 1 to 2,000 (a chunk's
    revisions, say) kept 128 of them, tens of megabytes, where a dozen lengths keep a dozen."""
    size = 1 << (len(values) - 1).bit_length()
    return values + [values[-1]] * (size - len(values)) if size <= PADDED_VALUES else values


def _chunks(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@lru_cache(maxsize=32)
def _row_class(columns: tuple[str, ...]) -> Any:
    """A named tuple for rows of these columns: the fields read by name, as SQLAlchemy rows are."""
    return namedtuple("StoredRow", columns)
