"""The front page, ``/``: what this database is, its latest events compared, its latest claims.

Datasette lets a plugin's routes come before its own, so ``/`` is factdb's; Datasette's list
of databases stays at ``/.json`` and each database's tables at ``/<database>``. The page's
JSON twin is ``/-/front.json``.

What the page reads is bounded and indexed: the ``FRONT_EVENTS`` events with claims that
started last (``ix_events_start_date``, each checked through ``ix_claims_event_id_claimed_on``),
each compared as on its event page, and the ``FRONT_CLAIMS`` latest claims (``ix_claims_claimed_on``).
"""

from __future__ import annotations

import sqlite3
from urllib.parse import quote
from typing import TYPE_CHECKING, Any

from datasette import Response
from datasette.utils.asgi import BadRequest, Request
from markupsafe import Markup

from factdb.chart import range_chart_svg
from factdb.compare import Comparison, compare
from factdb.datasette_plugin.metadata import packaged_metadata
from factdb.datasette_plugin.reading import TooSlow, time_limited
from factdb.datasette_plugin.records import comparison_summary, date_words, figures_of, rows
from factdb.datasette_plugin.responses import database_for, json_response, page_response, read_only
from factdb.datasette_plugin.urls import compare_url, named_database, page_url

if TYPE_CHECKING:
    from datasette.app import Datasette

ROUTE = r"^/(?:-/front(?P<format>\.json))?$"
FRONT_EVENTS = 6
FRONT_CLAIMS = 10

LATEST_EVENTS_SQL = """
select e.id, e.name, e.start_date, e.start_precision from events e
where exists (select 1 from claims c where c.event_id = e.id)
order by e.start_date desc limit :limit
"""
LATEST_CLAIMS_SQL = """
select c.pk, c.id, c.claimed_on, c.claimed_on_precision, c.source_id, s.name as source_name,
       c.event_id, e.name as event_name
from claims c join sources s on s.id = c.source_id left join events e on e.id = c.event_id
order by c.claimed_on desc, c.pk desc limit :limit
"""


def front_page(connection: sqlite3.Connection) -> tuple[dict[str, Any], list[list[Comparison]]]:
    """The front page's data, and each event's comparisons (whose charts the HTML page draws)."""
    events = rows(connection, LATEST_EVENTS_SQL, {"limit": FRONT_EVENTS})
    charts: list[list[Comparison]] = []
    for event in events:
        comparisons = compare(connection, event["id"])
        event["when"] = date_words(event["start_date"], event["start_precision"]) if event["start_date"] else None
        event["comparisons"] = [comparison_summary(c) for c in comparisons]
        charts.append(comparisons)
    claims = rows(connection, LATEST_CLAIMS_SQL, {"limit": FRONT_CLAIMS})
    figures = figures_of(connection, [claim["pk"] for claim in claims])
    for claim in claims:
        claim["figures"] = figures[claim["pk"]]
        claim["date_words"] = date_words(claim["claimed_on"], claim.pop("claimed_on_precision"))
    return {"events": events, "claims": claims}, charts


async def front_view(datasette: Datasette, request: Request) -> Response:
    refused = read_only(request, "The front page and its data")
    if refused is not None:
        return refused
    db = database_for(datasette, request)
    try:
        data, comparisons = await time_limited(datasette, db, "The front page", front_page)
    except TooSlow as error:
        raise BadRequest(str(error)) from None
    # The site's own metadata (``--metadata``) wins over factdb's description of itself.
    described = {key: datasette.metadata(key) or packaged_metadata()[key] for key in ("title", "description")}
    data = {**described, **data}
    if request.url_vars.get("format"):
        return json_response(data)
    named = named_database(datasette, db.name)
    context = {
        "database": db.name,
        "page": data,
        "json_url": datasette.urls.path("/-/front.json") + (f"?database={quote(named)}" if named else ""),
        "named_database": named,
        "database_url": datasette.urls.database(db.name),
        "charts": [[Markup(range_chart_svg(c, chart_id=f"chart-{n}-{m}")) for m, c in enumerate(event)]
                   for n, event in enumerate(comparisons)],
        "event_url": lambda key: page_url(datasette, "event", key, database=db.name),
        "claim_url": lambda key: page_url(datasette, "claim", key, database=db.name),
        "source_url": lambda key: page_url(datasette, "source", key, database=db.name),
        "compare_url": lambda event, metric, population: compare_url(datasette, event, metric, population, database=db.name),
    }
    html = await datasette.render_template("factdb-front.html", context, request=request, view_name="factdb-front")
    return page_response(html)
