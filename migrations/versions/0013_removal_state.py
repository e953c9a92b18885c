"""removal state: a tombstone for each removed record, so that exports carry removals

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

``removals`` holds, per record ``factdb remove`` took out, when, by whom, why and its last version
in the import format (factdb.removals). Databases that removed records before keep their removals
in the change log only: each removal whose batch was not undone becomes a tombstone, marked as
revived by the first later batch (not undone) that added the record again. Its text columns get
PostgreSQL's C collation, as migration 0012 gave every other one.
"""
from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND_OF_TABLE = {"claims": "claim", "sources": "source", "events": "event", "metrics": "metric", "documents": "document"}


def _text(length: int | None = None) -> sa.types.TypeEngine[str]:
    plain = sa.String(length) if length else sa.Text()
    ordered = sa.String(length, collation="C") if length else sa.Text(collation="C")
    return plain.with_variant(ordered, "postgresql")


def upgrade() -> None:
    op.create_table(
        "removals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _text(16), nullable=False, comment="claim, source, event, metric or document"),
        sa.Column("record_id", _text(200), nullable=False),
        sa.Column("removed_at", _text(32), nullable=False),
        sa.Column("editor", _text(200), nullable=True),
        sa.Column("reason", _text(), nullable=True),
        sa.Column("last", _text(), nullable=False, comment="JSON: the record's last version in the import format"),
        sa.Column("batch_id", sa.Integer(), nullable=False, comment="the removal, or the import that brought the tombstone"),
        sa.Column("revived_batch_id", sa.Integer(), nullable=True, comment="the import that brought the record back"),
        sa.CheckConstraint("kind = 'claim' OR kind = 'source' OR kind = 'event' OR kind = 'metric' OR kind = 'document'",
                           name=op.f("ck_removals_kind_allowed")),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"], name=op.f("fk_removals_batch_id_import_batches")),
        sa.ForeignKeyConstraint(["revived_batch_id"], ["import_batches.id"], name=op.f("fk_removals_revived_batch_id_import_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_removals")),
    )
    op.create_index(op.f("ix_removals_batch_id"), "removals", ["batch_id"], unique=False)
    op.create_index(op.f("ix_removals_revived_batch_id"), "removals", ["revived_batch_id"], unique=False)
    current = sa.text("revived_batch_id IS NULL")
    op.create_index("ix_removals_kind_record_id", "removals", ["kind", "record_id"], unique=True,
                    sqlite_where=current, postgresql_where=current)
    _fill_from_the_change_log()


def _fill_from_the_change_log() -> None:
    from factdb.export import record_form  # the last version as factdb.removals writes it

    connection = op.get_bind()
    undone = {row[0] for row in connection.execute(sa.text("SELECT id FROM import_batches WHERE undone_by_batch_id IS NOT NULL"))}
    changes = connection.execute(sa.text(
        "SELECT batch_id, table_name, row_key, kind, editor, changed_at, reason, before FROM changes "
        "WHERE kind IN ('removed', 'added') ORDER BY id")).all()
    tombstones: list[dict[str, object]] = []
    current: dict[tuple[str, str], dict[str, object]] = {}
    for change in changes:
        if change.batch_id in undone or change.table_name not in KIND_OF_TABLE:
            continue
        key = (KIND_OF_TABLE[change.table_name], change.row_key)
        if change.kind == "added":
            if key in current:
                current.pop(key)["revived_batch_id"] = change.batch_id
            continue
        if change.before is None:
            continue
        tombstone: dict[str, object] = {
            "kind": key[0], "record_id": key[1], "removed_at": change.changed_at, "editor": change.editor, "reason": change.reason,
            "last": json.dumps(record_form(connection, change.table_name, json.loads(change.before)), ensure_ascii=False),
            "batch_id": change.batch_id, "revived_batch_id": None}
        tombstones.append(tombstone)
        current[key] = tombstone
    if tombstones:
        table = sa.table("removals", *(sa.column(name) for name in tombstones[0]))
        op.bulk_insert(table, tombstones)  # type: ignore[arg-type]


def downgrade() -> None:
    op.drop_index("ix_removals_kind_record_id", table_name="removals")
    op.drop_index(op.f("ix_removals_revived_batch_id"), table_name="removals")
    op.drop_index(op.f("ix_removals_batch_id"), table_name="removals")
    op.drop_table("removals")
