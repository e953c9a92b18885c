"""cheaper row checks: vocabularies checked with OR instead of IN (...); two redundant indexes dropped

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

SQLite evaluates a CHECK ``column IN ('a', 'b', 'c')`` of three or more values by building a
temporary b-tree of the list for every row an ``executemany`` inserts (the list is built once
per execution of the statement, and each row is one execution). On the claims and figures of a
bulk import that was about a tenth of the importer's writing time. ``column = 'a' OR column =
'b' OR ...`` accepts and refuses exactly the same values (NULL included) with plain comparisons.

``ix_figures_claim_pk`` and ``ix_figures_metric_id`` are prefixes of ``uq_figures_claim_pk_position``
and ``ix_figures_metric_id_population``, which answer the same lookups: each only cost writes.

On SQLite the constraints are rewritten in place, by the procedure SQLite documents for schema
changes that do not change what is stored ("Making Other Kinds Of Table Schema Changes", the
writable_schema route, https://www.sqlite.org/lang_altertable.html): every stored row already
satisfies the new, equivalent check, so the table is not copied and a million-claim database
migrates at once. Elsewhere the constraints are dropped and created again.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from factdb.db import rewrite_table_definitions


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> constraint name (without the ck_<table>_ prefix) -> (column, allowed values), as in 0001.
CHECKS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "sources": {"kind_allowed": ("kind", ("ngo", "intergovernmental", "government", "official", "opposition", "media",
                                          "person", "other"))},
    "source_relations": {"relation_allowed": ("relation", ("part_of", "member_of"))},
    "claims": {"claimed_on_precision_allowed": ("claimed_on_precision", ("year", "month", "day")),
               "status_allowed": ("status", ("active", "retracted", "disputed"))},
    "figures": {"qualifier_allowed": ("qualifier", ("exact", "approximately", "nearly", "at_least", "more_than", "at_most",
                                                    "less_than", "range", "vague"))},
}
# (index, table, columns) made redundant by a longer index with the same leading column.
REDUNDANT_INDEXES = (("ix_figures_claim_pk", "figures", ["claim_pk"]), ("ix_figures_metric_id", "figures", ["metric_id"]))


def in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def or_chain(column: str, values: tuple[str, ...]) -> str:
    return " OR ".join(f"{column} = {v!r}" for v in values)


def _rewrite_sqlite_checks(old_form, new_form) -> None:  # type: ignore[no-untyped-def]
    connection = op.get_bind()
    tables = {}
    for table, checks in CHECKS.items():
        sql = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar_one()
        for name, (column, values) in checks.items():
            constraint = f"CONSTRAINT ck_{table}_{name} CHECK "
            old, new = f"{constraint}({old_form(column, values)})", f"{constraint}({new_form(column, values)})"
            if sql.count(old) != 1:
                raise RuntimeError(f"table {table}: expected the constraint {old!r} once in its schema; the schema is not "
                                   "the one this migration knows, so it changes nothing")
            sql = sql.replace(old, new)
        tables[table] = sql
    rewrite_table_definitions(connection, tables)


def _replace_checks(old_form, new_form) -> None:  # type: ignore[no-untyped-def]
    if op.get_bind().dialect.name == "sqlite":
        _rewrite_sqlite_checks(old_form, new_form)
        return
    for table, checks in CHECKS.items():
        for name, (column, values) in checks.items():
            # op.f(): the full name, as 0001 created it, whatever naming convention is in force.
            op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
            op.create_check_constraint(op.f(f"ck_{table}_{name}"), table, new_form(column, values))


def upgrade() -> None:
    _replace_checks(in_list, or_chain)
    for index, table, _ in REDUNDANT_INDEXES:
        op.drop_index(index, table_name=table)


def downgrade() -> None:
    for index, table, columns in REDUNDANT_INDEXES:
        op.create_index(index, table, columns, unique=False)
    _replace_checks(or_chain, in_list)
