"""comparison views: claim_details and figure_comparison

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Both views are plain, portable SQL (a CTE and one window function, which SQLite >= 3.25
and PostgreSQL both understand), so Datasette users, SQL users and ``factdb compare``
see the same figures. ``figure_comparison.is_latest`` follows exactly the rule that
``factdb.compare`` applies by default; ``tests/test_comparison_views.py`` checks they agree.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


CLAIM_DETAILS = """
CREATE VIEW claim_details AS
SELECT
    c.pk AS claim_pk,
    c.id AS claim_id,
    c.source_id,
    s.name AS source_name,
    s.kind AS source_kind,
    c.via_id,
    v.name AS via_name,
    c.event_id,
    e.name AS event_name,
    e.start_date AS event_start_date,
    e.end_date AS event_end_date,
    c.document_pk,
    d.id AS document_id,
    d.title AS document_title,
    d.published AS document_published,
    d.url AS document_url,
    c.claimed_on,
    c.claimed_on_precision,
    c.quote,
    c.statement,
    c.status,
    c.supersedes_pk,
    old.id AS supersedes_id,
    CASE WHEN EXISTS (SELECT 1 FROM claims newer WHERE newer.supersedes_pk = c.pk)
         THEN 1 ELSE 0 END AS is_superseded
FROM claims c
JOIN sources s ON s.id = c.source_id
JOIN documents d ON d.pk = c.document_pk
LEFT JOIN sources v ON v.id = c.via_id
LEFT JOIN events e ON e.id = c.event_id
LEFT JOIN claims old ON old.pk = c.supersedes_pk
"""

# A figure is a candidate when its claim is neither retracted nor superseded by any claim;
# among a source's candidates for one event, metric and population the latest claimed_on
# wins, then the claim imported last (larger pk), then the first figure in the claim.
FIGURE_COMPARISON = """
CREATE VIEW figure_comparison AS
WITH figure_rows AS (
    SELECT
        f.id AS figure_id,
        c.event_id,
        e.name AS event_name,
        f.metric_id,
        m.name AS metric_name,
        m.unit,
        f.population,
        c.source_id,
        s.name AS source_name,
        c.via_id,
        f.qualifier,
        f.value,
        f.low,
        f.high,
        f.stated,
        c.claimed_on,
        c.claimed_on_precision,
        c.id AS claim_id,
        c.pk AS claim_pk,
        f.position,
        d.id AS document_id,
        c.status,
        CASE WHEN EXISTS (SELECT 1 FROM claims newer WHERE newer.supersedes_pk = c.pk)
             THEN 1 ELSE 0 END AS is_superseded
    FROM figures f
    JOIN claims c ON c.pk = f.claim_pk
    JOIN sources s ON s.id = c.source_id
    JOIN metrics m ON m.id = f.metric_id
    JOIN documents d ON d.pk = c.document_pk
    LEFT JOIN events e ON e.id = c.event_id
),
candidates AS (
    SELECT
        figure_rows.*,
        CASE WHEN status <> 'retracted' AND is_superseded = 0 THEN 1 ELSE 0 END AS is_candidate
    FROM figure_rows
)
SELECT
    figure_id, event_id, event_name, metric_id, metric_name, unit, population,
    source_id, source_name, via_id, qualifier, value, low, high, stated,
    claimed_on, claimed_on_precision, claim_id, claim_pk, position, document_id,
    status, is_superseded,
    CASE WHEN is_candidate = 1 AND ROW_NUMBER() OVER (
            PARTITION BY event_id, metric_id, population, source_id, is_candidate
            ORDER BY claimed_on DESC, claim_pk DESC, position
         ) = 1
         THEN 1 ELSE 0 END AS is_latest
FROM candidates
"""


def upgrade() -> None:
    op.execute(CLAIM_DETAILS)
    op.execute(FIGURE_COMPARISON)


def downgrade() -> None:
    op.execute("DROP VIEW figure_comparison")
    op.execute("DROP VIEW claim_details")
