"""types and sort order that PostgreSQL and SQLite share: BIGINT file sizes, the importer's limits, C order

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

The same migrations build factdb on SQLite and on PostgreSQL (a team's shared store, docs/team.md).
Three differences would make the two disagree:

- ``import_files.size_bytes`` was INTEGER: 32 bits on PostgreSQL, so a file of 2 GiB overflowed it
  (SQLite's INTEGER is 64 bits already). It is BIGINT now.
- ``sources.country`` was VARCHAR(100) while the importer accepts 10,000 characters (checks.MAX_TEXT):
  PostgreSQL enforces a VARCHAR's length, SQLite does not. Now VARCHAR(10000), as the importer allows.
- Text sorts by the database's collation: on PostgreSQL usually the language's (``en_US``), which
  orders ``B`` and ``a`` differently from SQLite's byte order, so an export listed ids in another
  order. Every text column of factdb's tables gets ``COLLATE "C"`` on PostgreSQL (code point order,
  SQLite's BINARY), so exports are byte-identical whichever database wrote them.

On SQLite the declared types are rewritten in the schema text (as migration 0004 did): the
affinities stay the same (INTEGER, TEXT), so no row changes and no table is copied; a copy would
drop the triggers of the full-text indexes.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from factdb.db import rewrite_table_definitions

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> [(old declaration, new declaration)] as SQLAlchemy wrote them in the CREATE TABLE.
SQLITE_DECLARATIONS = {
    "import_files": [("size_bytes INTEGER NOT NULL", "size_bytes BIGINT NOT NULL")],
    "sources": [("country VARCHAR(100)", "country VARCHAR(10000)")],
}


def _rewrite_sqlite(direction: int) -> None:
    connection = op.get_bind()
    tables = {}
    for table, changes in SQLITE_DECLARATIONS.items():
        sql = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar_one()
        for change in changes:
            old, new = change[::direction]
            if sql.count(old) != 1:
                raise RuntimeError(f"table {table}: expected {old!r} once in its schema; the schema is not the one this "
                                   "migration knows, so it changes nothing")
            sql = sql.replace(old, new)
        tables[table] = sql
    rewrite_table_definitions(connection, tables)


def _views() -> list[tuple[str, str]]:
    """factdb's views with their definitions: PostgreSQL changes no column type a view reads."""
    return [tuple(row) for row in op.get_bind().exec_driver_sql(  # type: ignore[misc]
        "SELECT viewname, definition FROM pg_views WHERE schemaname = current_schema() ORDER BY viewname")]


def _text_columns() -> list[tuple[str, str, str, int | None]]:
    return [tuple(row) for row in op.get_bind().exec_driver_sql(  # type: ignore[misc]
        "SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
        "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> 'alembic_version' "
        "AND c.data_type IN ('character varying', 'text') ORDER BY c.table_name, c.ordinal_position")]


def _set_collation(collation: str | None) -> None:
    views = _views()
    for name, _ in reversed(views):
        op.execute(f'DROP VIEW "{name}"')
    for table, column, data_type, length in _text_columns():
        declared = f"varchar({length})" if data_type == "character varying" and length else "text"
        collate = f' COLLATE "{collation}"' if collation else " COLLATE pg_catalog.\"default\""
        op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {declared}{collate}')
    for name, definition in views:
        op.execute(f'CREATE VIEW "{name}" AS {definition}')


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rewrite_sqlite(1)
        return
    views = _views()
    for name, _ in reversed(views):
        op.execute(f'DROP VIEW "{name}"')
    op.alter_column("import_files", "size_bytes", type_=sa.BigInteger(), existing_type=sa.Integer(), existing_nullable=False)
    op.alter_column("sources", "country", type_=sa.String(10000), existing_type=sa.String(100), existing_nullable=True)
    for name, definition in views:
        op.execute(f'CREATE VIEW "{name}" AS {definition}')
    _set_collation("C")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rewrite_sqlite(-1)
        return
    _set_collation(None)
    views = _views()
    for name, _ in reversed(views):
        op.execute(f'DROP VIEW "{name}"')
    op.alter_column("sources", "country", type_=sa.String(100), existing_type=sa.String(10000), existing_nullable=True)
    op.alter_column("import_files", "size_bytes", type_=sa.Integer(), existing_type=sa.BigInteger(), existing_nullable=False)
    for name, definition in views:
        op.execute(f'CREATE VIEW "{name}" AS {definition}')
