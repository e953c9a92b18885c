"""The event, source, claim and document pages, ``/-/<kind>/<id>``, and their ``.json`` twins."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlencode
from typing import TYPE_CHECKING, Any

from datasette import Response
from datasette.utils import tilde_decode
from datasette.utils.asgi import BadRequest, NotFound, Request
from markupsafe import Markup

from factdb.chart import range_chart_svg
from factdb.compare import CompareError, Comparison
from factdb.datasette_plugin.reading import TooSlow, time_limited
from factdb.datasette_plugin.records import (
    CLAIMS_LIMIT,
    DOCUMENTS_LIMIT,
    QUOTES_LIMIT,
    STANDING_EVENTS,
    NotInDatabase,
    Page,
    claim_page,
    document_page,
    event_page,
    source_page,
)
from factdb.datasette_plugin.responses import database_for, json_response, page_response, read_only
from factdb.datasette_plugin.urls import compare_url, original_url, page_url, row_url

if TYPE_CHECKING:
    from datasette.app import Datasette

ROUTE = r"^/-/(?P<kind>event|source|claim|document)/(?P<key>[^/]+?)(?P<format>\.json)?$"


def _read(connection: sqlite3.Connection, kind: str, key: str) -> tuple[Page, list[Comparison]]:
    if kind == "event":
        return event_page(connection, key)
    reader = {"source": source_page, "claim": claim_page, "document": document_page}[kind]
    return reader(connection, key), []


async def record_view(datasette: Datasette, request: Request) -> Response:
    kind = request.url_vars["kind"]
    refused = read_only(request, f"{kind.capitalize()} pages")
    if refused is not None:
        return refused
    db = database_for(datasette, request)
    key = tilde_decode(request.url_vars["key"])
    try:
        page, comparisons = await time_limited(datasette, db, f"The {kind} page", lambda connection: _read(connection, kind, key))
    except (NotInDatabase, CompareError) as error:
        raise NotFound(str(error)) from None
    except TooSlow as error:
        raise BadRequest(str(error)) from None
    if request.url_vars.get("format"):
        return json_response(page.data)
    context = {
        "database": db.name,
        "page": page.data,
        "json_url": page_url(datasette, kind, key, json_format=True, database=db.name),
        "links": _Links(datasette, db.name),
        "charts": [Markup(range_chart_svg(c, chart_id=f"chart-{n}")) for n, c in enumerate(comparisons)],
        "limits": {"claims": CLAIMS_LIMIT, "documents": DOCUMENTS_LIMIT, "quotes": QUOTES_LIMIT, "standing_events": STANDING_EVENTS},
    }
    html = await datasette.render_template(f"factdb-{kind}.html", context, request=request, view_name=f"factdb-{kind}")
    return page_response(html)


class _Links:
    """The links a page template makes, named for what they lead to."""

    def __init__(self, datasette: Datasette, database: str) -> None:
        self.datasette = datasette
        self.database = database

    def page(self, kind: str, key: str) -> str:
        return page_url(self.datasette, kind, key, database=self.database)

    def compare(self, event: str, metric: str, population: str | None = None) -> str:
        return compare_url(self.datasette, event, metric, population, database=self.database)

    def row(self, table: str, key: str | int) -> str:
        return row_url(self.datasette, self.database, table, key)

    def original(self, document_id: str) -> str:
        """The download of a document's archived original (factdb.datasette_plugin.originals)."""
        return original_url(self.datasette, document_id, database=self.database)

    def table(self, table: str, **filters: Any) -> str:
        url: str = self.datasette.urls.table(self.database, table)
        if filters:
            url += "?" + urlencode(filters)
        return url
