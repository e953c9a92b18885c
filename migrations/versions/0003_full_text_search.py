"""full-text search over claims (quote, statement) and documents (title, text)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

External-content FTS5 tables kept in sync by triggers, written exactly in the form
``sqlite-utils enable_fts(create_triggers=True)`` produces: Datasette finds a table's
search index by looking for ``content="claims"`` in the virtual table's SQL, and offers a
search box (``?_search=``) on that table. ``content_rowid`` names the INTEGER PRIMARY KEY,
which VACUUM never renumbers, so the index keeps pointing at the right rows.

FTS5 is SQLite's; on any other database this migration does nothing.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (its INTEGER PRIMARY KEY, the indexed columns)
INDEXED = {
    "claims": ("pk", ("quote", "statement")),
    "documents": ("pk", ("title", "text")),
}


def _columns(columns: tuple[str, ...], prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{column}"' for column in columns)


def _create_statements(table: str, rowid: str, columns: tuple[str, ...]) -> list[str]:
    fts = f"{table}_fts"
    return [
        f'CREATE VIRTUAL TABLE "{fts}" USING FTS5 (\n    {_columns(columns)},\n'
        f'    content="{table}", content_rowid="{rowid}"\n)',
        f'CREATE TRIGGER "{table}_ai" AFTER INSERT ON "{table}" BEGIN\n'
        f'  INSERT INTO "{fts}" (rowid, {_columns(columns)}) VALUES (new."{rowid}", {_columns(columns, "new.")});\n'
        "END",
        f'CREATE TRIGGER "{table}_ad" AFTER DELETE ON "{table}" BEGIN\n'
        f'  INSERT INTO "{fts}" ("{fts}", rowid, {_columns(columns)}) '
        f"VALUES('delete', old.\"{rowid}\", {_columns(columns, 'old.')});\n"
        "END",
        f'CREATE TRIGGER "{table}_au" AFTER UPDATE ON "{table}" BEGIN\n'
        f'  INSERT INTO "{fts}" ("{fts}", rowid, {_columns(columns)}) '
        f"VALUES('delete', old.\"{rowid}\", {_columns(columns, 'old.')});\n"
        f'  INSERT INTO "{fts}" (rowid, {_columns(columns)}) VALUES (new."{rowid}", {_columns(columns, "new.")});\n'
        "END",
        # Index the rows that existed before this migration.
        f"INSERT INTO \"{fts}\" (\"{fts}\") VALUES('rebuild')",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, (rowid, columns) in INDEXED.items():
        for statement in _create_statements(table, rowid, columns):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in INDEXED:
        for trigger in ("au", "ad", "ai"):
            op.execute(f'DROP TRIGGER "{table}_{trigger}"')
        op.execute(f'DROP TABLE "{table}_fts"')
