"""document text history: every earlier archived text of a document, kept by import --update

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

``document_history`` keeps the text (and its SHA-256) that ``factdb import --update`` replaces, in
the same transaction as the update, numbered per document. A new table: nothing is copied.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('document_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_pk', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('replaced_batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_pk'], ['documents.pk'], name=op.f('fk_document_history_document_pk_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaced_batch_id'], ['import_batches.id'], name=op.f('fk_document_history_replaced_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_history')),
    sa.UniqueConstraint('document_pk', 'version', name=op.f('uq_document_history_document_pk_version'))
    )
    with op.batch_alter_table('document_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_history_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_history_document_pk'), ['document_pk'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_history_replaced_batch_id'), ['replaced_batch_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('document_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_history_replaced_batch_id'))
        batch_op.drop_index(batch_op.f('ix_document_history_document_pk'))
        batch_op.drop_index(batch_op.f('ix_document_history_document_id'))
    op.drop_table('document_history')
