"""what compare() reads of an event's claims and figures, side by side in two covering indexes

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

A comparison reads the claims of one event (about 100 in a large database) and their figures.
The claims of an event are spread over the whole claims table, one page each, and each claim's
figures cost a page of ``uq_figures_claim_pk_position`` and a page of the figures table: on first
touch, a few hundred scattered reads. ``ix_claims_compared_by_event`` holds every claim column
compare() reads, led by the event, so an event's claims are read from a few adjacent pages of
the index without the table; ``ix_figures_compared_by_claim`` holds every figure column it reads,
led by the claim, so each claim's figures are one page of the index without the table.

Both are plain indexes of existing columns: no new text column, so nothing for PostgreSQL's
``COLLATE "C"`` of migration 0012 to cover (an index takes its columns' collation). The figures'
index is SQLite's only: PostgreSQL refuses an index entry over about 2,700 bytes, and a figure's
``derived`` text may hold 10,000 characters (the claims' index holds ASCII ids and short codes,
well under it). A bulk import drops and rebuilds them after the rows with the other secondary
indexes of claims and figures (factdb.bulk.INDEXED_IN_BULK).
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in factdb.models at this revision (CLAIM_COLUMNS_COMPARED, FIGURE_COLUMNS_COMPARED), written
# out: a migration keeps what it created even when the models change later.
CLAIM_COLUMNS = ["event_id", "id", "source_id", "via_id", "document_pk", "claimed_on", "claimed_on_precision", "status",
                 "quote_page", "supersedes_pk", "review_status", "grade"]
FIGURE_COLUMNS = ["claim_pk", "position", "metric_id", "population", "qualifier", "value", "low", "high", "stated", "derived"]


def upgrade() -> None:
    op.create_index("ix_claims_compared_by_event", "claims", CLAIM_COLUMNS, unique=False)
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.create_index("ix_figures_compared_by_claim", "figures", FIGURE_COLUMNS, unique=False)
    if connection.dialect.name == "sqlite" and connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None:
        # A database analysed before (a published snapshot, or by hand) gets the new indexes'
        # statistics too, so the planner weighs them with the same knowledge as the others.
        op.execute("ANALYZE claims")
        op.execute("ANALYZE figures")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_figures_compared_by_claim", table_name="figures")
    op.drop_index("ix_claims_compared_by_event", table_name="claims")
