"""What SQLite itself needs to store what ``factdb import`` stores: the true floor, and a contender.

    python bench/floor.py rows FACTDB_DB ROWS_DIR    # once: factdb's final rows, one JSON Lines file a table
    python bench/floor.py floor ROWS_DIR NEW_DB      # measured: those rows into a new database
    python bench/floor.py sqlite-utils NEW_DB FILE...  # measured: the import files through sqlite-utils

**floor**: factdb's own final rows (written by ``rows`` from a database ``factdb import`` made),
inserted with plain ``sqlite3`` ``executemany`` in one transaction into tables with the same
columns, primary keys and UNIQUE constraints; the secondary indexes are built after the rows are
in, and the full-text indexes are created then and filled by one ``rebuild`` each. Nothing is
computed: reading the rows (one ``json.loads`` a row) is all the Python there is, so no import can
be faster. ``floor --check FACTDB_DB`` compares every row with the database the rows came from.

**sqlite-utils**: what a user of sqlite-utils would write for the same files: each line decoded,
one row per figure (claim fields repeated), ``insert_all`` for each kind of record inside one
``atomic()`` transaction, then ``enable_fts`` on the quotes and the documents' texts. No checks,
no references resolved, no figures parsed.

Both print nothing but a one-line summary; bench/contenders.py runs them beside ``factdb import``.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Tables SQLite or an FTS5 index owns, and Alembic's: not factdb's rows.
_SKIPPED = ("sqlite_", "alembic_version")


def _fts_tables(connection: sqlite3.Connection) -> set[str]:
    virtual = [name for name, sql in connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
               if sql and sql.upper().startswith("CREATE VIRTUAL TABLE")]
    shadows = {f"{name}_{suffix}" for name in virtual for suffix in ("config", "content", "data", "docsize", "idx")}
    return set(virtual) | shadows


def _data_tables(connection: sqlite3.Connection) -> list[str]:
    skipped = _fts_tables(connection)
    return [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if name not in skipped and not name.startswith(_SKIPPED)]


def write_rows(database: Path, folder: Path) -> None:
    """Every row of factdb's tables, one JSON array a line, and the schema, for ``floor``."""
    folder.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(database)
    try:
        schema = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
        (folder / "schema.json").write_text(json.dumps({"statements": schema, "tables": _data_tables(connection),
                                                        "fts": sorted(_fts_tables(connection))}))
        # The data tables, and the search indexes that keep their own copy of what they index
        # (sources_fts: filled by triggers, not from a table that a rebuild could read).
        existing = {name for _kind, name, _table, _sql in schema}
        own_content = sorted(name[: -len("_content")] for name in _fts_tables(connection) & existing if name.endswith("_content"))
        for table in _data_tables(connection) + own_content:
            with open(folder / f"{table}.jsonl", "w", encoding="utf-8") as out:
                for row in connection.execute(f'SELECT rowid, * FROM "{table}" ORDER BY rowid'):
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        connection.close()


def _rows(path: Path) -> Iterator[list[Any]]:
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def _insert(connection: sqlite3.Connection, table: str, rows: Path) -> None:
    columns = [column[0] for column in connection.execute(f'SELECT * FROM "{table}" LIMIT 0').description]
    names = ", ".join(["rowid", *(f'"{c}"' for c in columns)])
    connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * (len(columns) + 1))})', _rows(rows))


def floor(folder: Path, target: Path) -> None:
    schema = json.loads((folder / "schema.json").read_text())
    statements, tables, fts = schema["statements"], schema["tables"], set(schema["fts"])
    connection = sqlite3.connect(target, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("BEGIN")
    for kind, name, _table, sql in statements:
        if kind == "table" and name in tables:
            connection.execute(sql)
    for table in tables:
        _insert(connection, table, folder / f"{table}.jsonl")
    for kind, _name, _table, sql in statements:  # secondary indexes, then the full-text indexes, filled once
        if kind == "index":
            connection.execute(sql)
    for kind, name, _table, sql in statements:
        if kind == "table" and name in fts and sql.upper().startswith("CREATE VIRTUAL TABLE"):
            connection.execute(sql)
            if (folder / f"{name}.jsonl").exists():
                _insert(connection, name, folder / f"{name}.jsonl")
            else:
                connection.execute(f'INSERT INTO "{name}" ("{name}") VALUES (\'rebuild\')')
    for kind, _name, _table, sql in statements:
        if kind in ("view", "trigger"):
            connection.execute(sql)
    connection.execute("COMMIT")
    connection.close()


def same_rows(first: Path, second: Path) -> bool:
    """Whether two databases hold the same rows in factdb's tables and in their search indexes."""
    a, b = sqlite3.connect(first), sqlite3.connect(second)
    try:
        tables = _data_tables(a)
        if tables != _data_tables(b):
            return False
        for table in tables:
            if table == "import_batches":  # when each import ran: a row per import, its times its own
                continue
            # The change log's rows say when each change was made: the same rows at another time.
            columns = ", ".join(f'"{name}"' for _, name, *_ in a.execute(f'PRAGMA table_info("{table}")')
                                if not (table == "changes" and name == "changed_at"))
            query = f'SELECT rowid, {columns} FROM "{table}" ORDER BY rowid'
            if a.execute(query).fetchall() != b.execute(query).fetchall():
                return False
        for index in ("claims_fts", "documents_fts", "sources_fts"):
            query = f"SELECT rowid FROM {index} WHERE {index} MATCH 'people' ORDER BY rowid"
            if a.execute(query).fetchall() != b.execute(query).fetchall():
                return False
        return True
    finally:
        a.close()
        b.close()


def _records(paths: list[Path]) -> Iterator[dict[str, Any]]:
    for path in paths:
        if path.suffix == ".csv":
            import csv

            with open(path, encoding="utf-8", newline="") as rows:
                for row in csv.DictReader(rows):
                    yield {"kind": "claim-figure", **row}
        else:
            with open(path, encoding="utf-8") as lines:
                for line in lines:
                    yield json.loads(line)


def _figure_rows(claim: dict[str, Any]) -> Iterator[dict[str, Any]]:
    fields = {k: v for k, v in claim.items() if k not in ("kind", "figures")}
    for position, figure in enumerate(claim.get("figures") or [{}]):
        if isinstance(figure, dict):
            yield {**fields, "position": position, **{f"figure_{k}": v for k, v in figure.items()}}
        else:
            yield {**fields, "position": position, "figure_stated": str(figure)}


def sqlite_utils_import(target: Path, paths: list[Path]) -> None:
    import sqlite_utils

    db = sqlite_utils.Database(target)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")

    def rows(kind: str) -> Iterator[dict[str, Any]]:
        for record in _records(paths):
            if record.get("kind") == kind:
                yield {k: v for k, v in record.items() if k != "kind"}
            elif kind == "figure" and record.get("kind") == "claim":
                yield from _figure_rows(record)
            elif kind == "figure" and record.get("kind") == "claim-figure":
                yield {k: v for k, v in record.items() if k != "kind"}

    with db.atomic():
        for kind, table in (("source", "sources"), ("event", "events"), ("metric", "metrics"), ("document", "documents"),
                            ("figure", "claim_figures")):
            db[table].insert_all(rows(kind), batch_size=1000, alter=True)
        db["claim_figures"].enable_fts(["quote"])
        db["documents"].enable_fts(["text"])
    db.close()


def main(argv: list[str]) -> int:
    command, *args = argv
    if command == "rows":
        write_rows(Path(args[0]), Path(args[1]))
    elif command == "floor":
        floor(Path(args[0]), Path(args[1]))
        if len(args) == 4 and args[2] == "--check":
            if not same_rows(Path(args[1]), Path(args[3])):
                print("the floor's rows differ from factdb's", file=sys.stderr)
                return 1
            print("rows identical: True")
    elif command == "sqlite-utils":
        sqlite_utils_import(Path(args[0]), [Path(p) for p in args[1:]])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
