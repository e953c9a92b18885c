"""editorial workflow: editors, the change log, review state and grade, per-database settings

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

``import_batches`` gains who wrote each batch (``editor``), with which command and why, and which
batch undid it; batches from before have no editor and are imports. ``changes`` is the change log,
one row per changed record. ``claims`` gains the editors' review state and grade; every stored claim
starts ``unreviewed``. ``settings`` holds options such as ``review.require_second_editor``.

Columns are added in place (ALTER TABLE ADD COLUMN), without CHECK constraints: a rebuild would
copy the claims table and drop the full-text triggers that refer to it. factdb.editorial checks
the values instead. No row is copied or changed.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REVIEW_COLUMNS = ("review_status", "reviewed_by", "reviewed_at", "review_note", "grade", "grade_rationale")
BATCH_COLUMNS = ("editor", "command", "reason", "undone_by_batch_id")


def upgrade() -> None:
    op.add_column("import_batches", sa.Column("editor", sa.String(length=200), nullable=True))
    op.add_column("import_batches", sa.Column("command", sa.String(length=16), server_default="import", nullable=False,
                                              comment="import, undo, remove, review or config"))
    op.add_column("import_batches", sa.Column("reason", sa.Text(), nullable=True))
    # No foreign key: SQLite adds one only by rebuilding the table that every other table refers to.
    op.add_column("import_batches", sa.Column("undone_by_batch_id", sa.Integer(), nullable=True))
    op.add_column("claims", sa.Column("review_status", sa.String(length=16), server_default="unreviewed", nullable=False,
                                      comment="unreviewed, reviewed or flagged"))
    op.add_column("claims", sa.Column("reviewed_by", sa.String(length=200), nullable=True))
    op.add_column("claims", sa.Column("reviewed_at", sa.String(length=32), nullable=True))
    op.add_column("claims", sa.Column("review_note", sa.Text(), nullable=True))
    op.add_column("claims", sa.Column("grade", sa.String(length=16), nullable=True,
                                      comment="confirmed, fair, weak, contested or discounted"))
    op.add_column("claims", sa.Column("grade_rationale", sa.Text(), nullable=True))
    op.create_index(op.f("ix_claims_review_status"), "claims", ["review_status"], unique=False)
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("row_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("editor", sa.String(length=200), nullable=True),
        sa.Column("changed_at", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("before", sa.Text(), nullable=True, comment="JSON: the record before the change"),
        sa.Column("after", sa.Text(), nullable=True, comment="JSON: the record after the change"),
        sa.CheckConstraint("kind = 'added' OR kind = 'updated' OR kind = 'removed' OR kind = 'reviewed' OR kind = 'undone'",
                           name=op.f("ck_changes_kind_allowed")),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"], name=op.f("fk_changes_batch_id_import_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    op.create_index(op.f("ix_changes_batch_id"), "changes", ["batch_id"], unique=False)
    op.create_index("ix_changes_table_name_row_key", "changes", ["table_name", "row_key"], unique=False)
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )


def downgrade() -> None:
    op.drop_table("settings")
    op.drop_index("ix_changes_table_name_row_key", table_name="changes")
    op.drop_index(op.f("ix_changes_batch_id"), table_name="changes")
    op.drop_table("changes")
    op.drop_index(op.f("ix_claims_review_status"), table_name="claims")
    # SQLite (3.35+) drops an unindexed column in place, as in migration 0005.
    for column in reversed(REVIEW_COLUMNS):
        op.drop_column("claims", column)
    for column in reversed(BATCH_COLUMNS):
        op.drop_column("import_batches", column)
