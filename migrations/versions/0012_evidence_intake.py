"""evidence intake: archived originals, each document's chain of custody, the page of each quote

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-06

``originals`` holds each archived file once per SHA-256 (its bytes in ``original_chunks``, a chunk
at a time); ``document_custody`` records, per document and version, which original its text came
from, who collected it, when, and with which extractor and settings. ``claims.quote_page`` is the
page of a paged original a quote starts on; ``claim_details`` shows it. New tables and a new
nullable column: nothing is copied.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLAIM_DETAILS_WITHOUT_PAGE = """
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

# The same view with the quote's page last.
CLAIM_DETAILS_WITH_PAGE = CLAIM_DETAILS_WITHOUT_PAGE.replace(
    "THEN 1 ELSE 0 END AS is_superseded\nFROM", "THEN 1 ELSE 0 END AS is_superseded,\n    c.quote_page\nFROM")


def upgrade() -> None:
    op.create_table('originals',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_originals_sha256_hex')),
    sa.CheckConstraint('size_bytes >= 0', name=op.f('ck_originals_size_non_negative')),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_originals_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_originals'))
    )
    with op.batch_alter_table('originals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_originals_batch_id'), ['batch_id'], unique=False)
    op.create_table('original_chunks',
    sa.Column('original_sha256', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['original_sha256'], ['originals.sha256'], name=op.f('fk_original_chunks_original_sha256_originals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('original_sha256', 'position', name=op.f('pk_original_chunks'))
    )
    op.create_table('document_custody',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_pk', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('original_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('record', sa.Text(), nullable=True, comment="the WARC record's target URI, for a document extracted from a capture"),
    sa.Column('retrieved_at', sa.String(length=32), nullable=False),
    sa.Column('collector', sa.Text(), nullable=False),
    sa.Column('extractor', sa.String(length=64), nullable=False),
    sa.Column('extractor_version', sa.String(length=64), nullable=False),
    sa.Column('settings', sa.Text(), nullable=False, comment="JSON: the extractor's settings and the versions of the libraries it uses"),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('page_starts', sa.Text(), nullable=True, comment="JSON: each page's start offset in the text; NULL when unpaged"),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(text_sha256) = 64', name=op.f('ck_document_custody_text_sha256_hex')),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_document_custody_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['document_pk'], ['documents.pk'], name=op.f('fk_document_custody_document_pk_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['original_sha256'], ['originals.sha256'], name=op.f('fk_document_custody_original_sha256_originals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_custody')),
    sa.UniqueConstraint('document_pk', 'version', name=op.f('uq_document_custody_document_pk_version'))
    )
    with op.batch_alter_table('document_custody', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_custody_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_custody_document_pk'), ['document_pk'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_custody_original_sha256'), ['original_sha256'], unique=False)
    op.add_column('claims', sa.Column('quote_page', sa.Integer(), nullable=True))
    op.execute("DROP VIEW claim_details")
    op.execute(CLAIM_DETAILS_WITH_PAGE)


def downgrade() -> None:
    op.execute("DROP VIEW claim_details")
    # SQLite (3.35+) drops an unindexed column in place; a batch rebuild would copy the table and
    # drop the full-text triggers that refer to it.
    op.drop_column("claims", "quote_page")
    op.execute(CLAIM_DETAILS_WITHOUT_PAGE)
    with op.batch_alter_table('document_custody', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_custody_original_sha256'))
        batch_op.drop_index(batch_op.f('ix_document_custody_document_pk'))
        batch_op.drop_index(batch_op.f('ix_document_custody_batch_id'))
    op.drop_table('document_custody')
    op.drop_table('original_chunks')
    with op.batch_alter_table('originals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_originals_batch_id'))
    op.drop_table('originals')
