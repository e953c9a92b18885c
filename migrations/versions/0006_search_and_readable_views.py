"""search with stemming, and readable views: claims and documents re-indexed with porter, sources searchable by name and alias; claims_readable, sources_readable, documents_readable

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

``claims_fts`` and ``documents_fts`` are rebuilt with the ``porter unicode61`` tokenizer, so
``killing`` finds "killed" and ``arrests`` finds "arrested"; unicode61 still folds case and
diacritics as before. Their names, columns, ``content=`` and ``content_rowid=`` and the
``<table>_ai/_ad/_au`` triggers keep migration 0003's shape, which Datasette's ``?_search=`` and
the importer's bulk path (dropping ``<table>_ai``, refilling ``<table>_fts`` from the table's
own columns) rely on.

``sources_fts`` is new: one row per source, its name and all its aliases, kept in step by
triggers on ``sources`` and ``source_aliases``. It holds its own copy of the text (sources have
a text primary key, and their implicit rowids may change on VACUUM). The triggers find a
source's row through the index itself: ``key`` holds ``hex(source_id)``, one token no other
source shares, so replacing a row is one index lookup rather than a scan of every source (a
scan in each trigger made importing 10,000 sources six times slower). Its triggers are named ``sources_fts_*`` and ``source_aliases_fts_*``, not
``sources_ai``: the importer's bulk path leaves them alone.

``claims_readable``, ``sources_readable`` and ``documents_readable`` show each row the way a
reader asks for it: names instead of keys, a claim's figures as text, a claim superseded by a later
one marked ``superseded``. Datasette lists them before the tables (the plugin's database page).

FTS5 is SQLite's; on any other database the full-text part of this migration does nothing.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (its INTEGER PRIMARY KEY, the indexed columns), as in migration 0003
INDEXED = {
    "claims": ("pk", ("quote", "statement")),
    "documents": ("pk", ("title", "text")),
}
STEMMING = "porter unicode61"


def _columns(columns: tuple[str, ...], prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{column}"' for column in columns)


def _content_statements(table: str, rowid: str, columns: tuple[str, ...], tokenize: str | None) -> list[str]:
    """Migration 0003's external-content index and triggers, with ``tokenize`` when given."""
    fts = f"{table}_fts"
    tokenizer = f",\n    tokenize='{tokenize}'" if tokenize else ""
    return [
        f'CREATE VIRTUAL TABLE "{fts}" USING FTS5 (\n    {_columns(columns)},\n'
        f'    content="{table}", content_rowid="{rowid}"{tokenizer}\n)',
        f'CREATE TRIGGER "{table}_ai" AFTER INSERT ON "{table}" BEGIN\n'
        f'  INSERT INTO "{fts}" (rowid, {_columns(columns)}) VALUES (new."{rowid}", {_columns(columns, "new.")});\n'
        "END",
        f'CREATE TRIGGER "{table}_ad" AFTER DELETE ON "{table}" BEGIN\n'
        f'  INSERT INTO "{fts}" ("{fts}", rowid, {_columns(columns)}) '
        f"VALUES('delete', old.\"{rowid}\", {_columns(columns, 'old.')});\n"
        "END",
        f'CREATE TRIGGER "{table}_au" AFTER UPDATE ON "{table}" BEGIN\n'
        f'  INSERT INTO "{fts}" ("{fts}", rowid, {_columns(columns)}) '
        f"VALUES('delete', old.\"{rowid}\", {_columns(columns, 'old.')});\n"
        f'  INSERT INTO "{fts}" (rowid, {_columns(columns)}) VALUES (new."{rowid}", {_columns(columns, "new.")});\n'
        "END",
        f"INSERT INTO \"{fts}\" (\"{fts}\") VALUES('rebuild')",
    ]


def _drop_content_index(table: str) -> None:
    for trigger in ("au", "ad", "ai"):
        op.execute(f'DROP TRIGGER "{table}_{trigger}"')
    op.execute(f'DROP TABLE "{table}_fts"')


def _forget(source: str) -> str:
    return (
        f'  DELETE FROM "sources_fts" WHERE "sources_fts" MATCH \'key : "\' || hex({source}) || \'"\' '
        f'AND "source_id" = {source};\n'
    )


def _index(source: str) -> str:
    """Statements (inside a trigger) that index one source's name and aliases afresh."""
    return _forget(source) + (
        '  INSERT INTO "sources_fts" ("key", "source_id", "name", "aliases")\n'
        '    SELECT hex(s."id"), s."id", s."name", (SELECT group_concat(a."alias", \' \') FROM "source_aliases" a WHERE a."source_id" = s."id")\n'
        f'    FROM "sources" s WHERE s."id" = {source};\n'
    )


SOURCES_STATEMENTS = [
    f'CREATE VIRTUAL TABLE "sources_fts" USING FTS5 (\n    "key", "source_id" UNINDEXED, "name", "aliases",\n    tokenize=\'{STEMMING}\'\n)',
    f'CREATE TRIGGER "sources_fts_ai" AFTER INSERT ON "sources" BEGIN\n{_index("new.id")}END',
    f'CREATE TRIGGER "sources_fts_au" AFTER UPDATE ON "sources" BEGIN\n{_forget("old.id")}{_index("new.id")}END',
    f'CREATE TRIGGER "sources_fts_ad" AFTER DELETE ON "sources" BEGIN\n{_forget("old.id")}END',
    f'CREATE TRIGGER "source_aliases_fts_ai" AFTER INSERT ON "source_aliases" BEGIN\n{_index("new.source_id")}END',
    f'CREATE TRIGGER "source_aliases_fts_au" AFTER UPDATE ON "source_aliases" BEGIN\n'
    f'{_index("old.source_id")}{_index("new.source_id")}END',
    f'CREATE TRIGGER "source_aliases_fts_ad" AFTER DELETE ON "source_aliases" BEGIN\n{_index("old.source_id")}END',
    # Index the sources that existed before this migration.
    'INSERT INTO "sources_fts" ("key", "source_id", "name", "aliases")\n'
    '  SELECT hex(s."id"), s."id", s."name", (SELECT group_concat(a."alias", \' \') FROM "source_aliases" a WHERE a."source_id" = s."id")\n'
    '  FROM "sources" s',
]
SOURCES_TRIGGERS = ("sources_fts_ai", "sources_fts_au", "sources_fts_ad",
                    "source_aliases_fts_ai", "source_aliases_fts_au", "source_aliases_fts_ad")


READABLE_VIEWS = {
    # Names are looked up in scalar subqueries, not joins, so that counting the view's rows (which
    # Datasette does on every page) counts the claims alone and never evaluates them.
    "claims_readable": """
SELECT c.pk AS claim_pk, c.id AS claim,
       (SELECT s.name FROM sources s WHERE s.id = c.source_id) AS source,
       (SELECT e.name FROM events e WHERE e.id = c.event_id) AS event,
       c.claimed_on,
       (SELECT group_concat(f.stated || ' (' || m.name || coalesce(', ' || f.population, '') || ')', '; ')
        FROM figures f JOIN metrics m ON m.id = f.metric_id WHERE f.claim_pk = c.pk) AS figures,
       c.quote,
       CASE WHEN EXISTS (SELECT 1 FROM claims x WHERE x.supersedes_pk = c.pk) THEN 'superseded' ELSE c.status END AS status,
       (SELECT v.name FROM sources v WHERE v.id = c.via_id) AS via,
       (SELECT d.title FROM documents d WHERE d.pk = c.document_pk) AS document,
       c.source_id, c.event_id, c.document_pk
FROM claims c""",
    "sources_readable": """
SELECT s.id, s.name, s.kind, s.country,
       (SELECT group_concat(a.alias, ', ') FROM source_aliases a WHERE a.source_id = s.id) AS aliases,
       (SELECT group_concat(replace(r.relation, '_', ' ') || ' ' || t.name, '; ') FROM source_relations r JOIN sources t ON t.id = r.target_id
        WHERE r.source_id = s.id) AS relations,
       (SELECT count(*) FROM claims c WHERE c.source_id = s.id) AS claims,
       s.url, s.description
FROM sources s""",
    "documents_readable": """
SELECT d.pk AS document_pk, d.id, d.title, (SELECT p.name FROM sources p WHERE p.id = d.publisher_id) AS publisher,
       d.author, d.published, d.language,
       (SELECT count(*) FROM claims c WHERE c.document_pk = d.pk) AS claims,
       length(d.text) AS characters, d.url
FROM documents d""",
}


def _for_dialect(sql: str) -> str:
    # PostgreSQL spells SQLite's group_concat(x, separator) string_agg; the views read the same on both.
    if op.get_bind().dialect.name == "postgresql":
        return sql.replace("group_concat(", "string_agg(")
    return sql


def upgrade() -> None:
    for name, sql in READABLE_VIEWS.items():
        op.execute(f'CREATE VIEW "{name}" AS{_for_dialect(sql)}')
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, (rowid, columns) in INDEXED.items():
        _drop_content_index(table)
        for statement in _content_statements(table, rowid, columns, STEMMING):
            op.execute(statement)
    for statement in SOURCES_STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for name in READABLE_VIEWS:
        op.execute(f'DROP VIEW "{name}"')
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in SOURCES_TRIGGERS:
        op.execute(f'DROP TRIGGER "{trigger}"')
    op.execute('DROP TABLE "sources_fts"')
    for table, (rowid, columns) in INDEXED.items():
        _drop_content_index(table)
        for statement in _content_statements(table, rowid, columns, None):
            op.execute(statement)
