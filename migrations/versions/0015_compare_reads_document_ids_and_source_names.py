"""documents' public ids and sources' names for compare(), each from a small index (SQLite)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

A comparison names each claim's document (its public id) and source. SQLite reads a row by its
INTEGER PRIMARY KEY from the table even when an index holds the columns asked for, and a
document's row sits among the documents' texts: about one page of ``documents`` per claim, 140
to 150 pages for an event of 1,000,000 claims. ``ix_documents_id_by_pk`` holds the pk and the id
alone (550 pages for 100,000 documents, against 50,000 for the table); compare() asks SQLite
for it by name (``INDEXED BY``), as it would otherwise take the rowid. ``ix_sources_name_by_id``
does the same for the sources' names (10 pages instead of the table's 23 and its key's 5).
Both cut the pages a first comparison reads by about an eighth (docs/performance.md,
"Comparisons").

SQLite's only, as ``ix_figures_compared_by_claim`` (0014): PostgreSQL reads these rows by its
own plans, and refuses an index entry over about 2,700 bytes, which a source's name may exceed.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    op.create_index("ix_documents_id_by_pk", "documents", ["pk", "id"], unique=False)
    op.create_index("ix_sources_name_by_id", "sources", ["id", "name"], unique=False)
    if connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None:
        # As in 0014: a database analysed before gets the new indexes' statistics too.
        op.execute("ANALYZE documents")
        op.execute("ANALYZE sources")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_sources_name_by_id", table_name="sources")
        op.drop_index("ix_documents_id_by_pk", table_name="documents")
