"""claim record digest: lets a re-import recognise the JSON Lines lines it already holds

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

``claims.record_digest`` fingerprints the exact JSON Lines line a claim was imported from, together
with the version of the importer's rules and the answers its lookups gave (the document, source,
event and metrics the line names resolve to). A re-import that meets a line with the same
fingerprint knows every check would pass again with the same result, and skips them
(factdb.import_checks._known_claim). Claims imported before this revision, or from YAML, JSON or CSV,
have none and are checked in full, as before.

A nullable column added at the end: ``ALTER TABLE ... ADD COLUMN`` on SQLite, no table copy.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMENT = "digest of the JSON Lines line this claim was imported from, the checks' rules and its lookups"


def upgrade() -> None:
    op.add_column("claims", sa.Column("record_digest", sa.String(length=32), nullable=True, comment=COMMENT))


def downgrade() -> None:
    # SQLite (3.35+) drops an unindexed column in place; a batch rebuild would copy the table and
    # drop the full-text triggers that refer to it.
    op.drop_column("claims", "record_digest")
