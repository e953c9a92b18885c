"""documents by text hash: find a stored document from its text without reading every text

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

``factdb extract`` recognises an article that is already in the database (and then proposes only
the claims not stored yet) by the SHA-256 of its text; without an index that look-up reads every
archived text.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_documents_text_sha256"), "documents", ["text_sha256"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_documents_text_sha256"), table_name="documents")
