"""What factdb adds to Datasette's row pages: a claim's quote in its document, an event's comparisons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factdb.datasette_plugin.comparison_page import EVENT_COMPARISONS_SQL
from factdb.datasette_plugin.urls import compare_url, page_url, row_url

if TYPE_CHECKING:
    from datasette.app import Datasette
    from datasette.database import Database

CONTEXT_CHARS = 400  # of document text shown either side of a claim's quote

CLAIM_CONTEXT_SQL = """
select c.quote_start, c.quote_end, c.event_id, d.pk as document_pk, d.id as document_id, d.title,
       substr(d.text, max(1, c.quote_start + 1 - :chars), c.quote_start - max(0, c.quote_start - :chars)) as before,
       substr(d.text, c.quote_start + 1, c.quote_end - c.quote_start) as quote,
       substr(d.text, c.quote_end + 1, :chars) as after,
       length(d.text) as text_length
from claims c join documents d on d.pk = c.document_pk
where c.pk = :pk
"""

CLAIM_FIGURES_SQL = """
select f.metric_id, m.name as metric_name, f.population, f.stated
from figures f join metrics m on m.id = f.metric_id
where f.claim_pk = :pk order by f.position
"""


async def claim_context(datasette: Datasette, db: Database, pk: str) -> dict[str, Any] | None:
    """The claim's quote with about ``CONTEXT_CHARS`` of its document either side, and its figures."""
    row = (await db.execute(CLAIM_CONTEXT_SQL, {"pk": pk, "chars": CONTEXT_CHARS})).first()
    if row is None:
        return None
    before, after = row["before"], row["after"]
    cut_before = row["quote_start"] > len(before)
    cut_after = row["quote_end"] + len(after) < row["text_length"]
    # Start and end the excerpt on whole words.
    if cut_before and " " in before:
        before = before[before.index(" ") + 1 :]
    if cut_after and " " in after:
        after = after[: after.rindex(" ")]
    figures = [dict(f) for f in await db.execute(CLAIM_FIGURES_SQL, {"pk": pk})]
    for figure in figures:
        figure["compare_url"] = (
            compare_url(datasette, row["event_id"], figure["metric_id"], figure["population"], database=db.name) if row["event_id"] else None
        )
    return {
        "before": before,
        "quote": row["quote"],
        "after": after,
        "cut_before": cut_before,
        "cut_after": cut_after,
        "document_title": row["title"],
        "document_url": row_url(datasette, db.name, "documents", row["document_pk"]),
        "figures": figures,
    }


async def event_comparisons(datasette: Datasette, db: Database, event_id: str) -> list[dict[str, Any]]:
    """One link per metric and population the event's claims have figures for."""
    rows = await db.execute(EVENT_COMPARISONS_SQL, {"event": event_id})
    return [dict(row, url=compare_url(datasette, event_id, row["metric_id"], row["population"], database=db.name)) for row in rows]


# table -> (the page's kind, the SQL that finds the page's key from the row's primary key)
READABLE_PAGES = {
    "claims": ("claim", "select id from claims where pk = :key"),
    "documents": ("document", "select id from documents where pk = :key"),
    "events": ("event", "select id from events where id = :key"),
    "sources": ("source", "select id from sources where id = :key"),
}


async def readable_page(datasette: Datasette, db: Database, table: str, key: str) -> str | None:
    """The URL of factdb's readable page for a row of ``table`` (None when there is no such row)."""
    kind, sql = READABLE_PAGES[table]
    row = (await db.execute(sql, {"key": key})).first()
    return None if row is None else page_url(datasette, kind, row[0], database=db.name)
