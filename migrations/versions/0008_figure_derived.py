"""figure derived: why a figure that no quote states was computed from quoted ones

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

An import checks each figure against its claim's quote (issue 15, part 4). A figure computed rather
than quoted (a sum of two quoted figures, a conversion) is accepted only with ``derived: "why"``,
stored here; quoted figures have NULL. Stored figures are not checked again: ``factdb check`` lists
those the new rules would refuse.

A nullable column added at the end: ``ALTER TABLE ... ADD COLUMN`` on SQLite, no table copy.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("figures", sa.Column("derived", sa.Text(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops an unindexed column in place; a batch rebuild would copy the table and
    # drop the views and triggers that refer to it.
    op.drop_column("figures", "derived")
