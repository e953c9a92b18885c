"""One search box over claims, sources and documents: ``/-/search?q=``, and ``/-/search.json``.

The three full-text indexes stem with porter (migration 0006): ``killing`` finds "killed".
Each kind lists at most ``SEARCH_LIMIT`` matches, newest rowid first: ordering a common word's
million matches by relevance would read every one of them, while FTS5 walks rowids in order and
stops. The claims and documents tables' own ``?_search=`` pages list every match.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from datasette import Response
from datasette.utils.asgi import BadRequest, Request

from factdb.datasette_plugin.reading import TooSlow, time_limited
from factdb.datasette_plugin.records import rows
from factdb.datasette_plugin.responses import database_for, json_response, page_response, read_only
from factdb.datasette_plugin.urls import named_database, page_url

if TYPE_CHECKING:
    from datasette.app import Datasette

ROUTE = r"^/-/search(?P<format>\.json)?$"
SEARCH_LIMIT = 20

CLAIMS_SQL = """
select c.id, c.quote, c.claimed_on, c.source_id, s.name as source_name
from claims_fts f join claims c on c.pk = f.rowid join sources s on s.id = c.source_id
where claims_fts match :query order by f.rowid desc limit :limit
"""
# Only names and aliases: the index's "key" column is there for its triggers (migration 0006).
SOURCES_SQL = """
select source_id as id, name, aliases from sources_fts where sources_fts match '{name aliases} : (' || :query || ')'
order by rowid limit :limit
"""
DOCUMENTS_SQL = """
select d.id, d.title, d.published, snippet(documents_fts, 1, '', '', ' … ', 24) as excerpt
from documents_fts f join documents d on d.pk = f.rowid
where documents_fts match :query order by f.rowid desc limit :limit
"""


def match_query(words: str) -> str:
    """The user's words as an FTS5 query: every word must appear, each read as a plain term.

    Quoting each word keeps FTS5's operators (AND, NEAR, ``*``, ``:``) inert; the quoted
    term is still stemmed, so ``"arrests"`` matches "arrested".
    """
    return " ".join('"' + word.replace('"', '""') + '"' for word in words.split())


def search(connection: sqlite3.Connection, words: str) -> dict[str, Any]:
    query = match_query(words)
    found: dict[str, Any] = {"q": words, "limit": SEARCH_LIMIT}
    for kind, sql in (("claims", CLAIMS_SQL), ("sources", SOURCES_SQL), ("documents", DOCUMENTS_SQL)):
        found[kind] = rows(connection, sql, {"query": query, "limit": SEARCH_LIMIT}) if query else []
    return found


async def search_view(datasette: Datasette, request: Request) -> Response:
    refused = read_only(request, "Searches")
    if refused is not None:
        return refused
    db = database_for(datasette, request)
    words = (request.args.get("q") or "").strip()
    try:
        found = await time_limited(datasette, db, "The search", lambda connection: search(connection, words))
    except TooSlow as error:
        raise BadRequest(str(error)) from None
    if request.url_vars.get("format"):
        return json_response(found)
    context = {
        "database": db.name,
        "found": found,
        "json_url": datasette.urls.path("/-/search.json") + ("?" + request.query_string if request.query_string else ""),
        "claims_search_url": datasette.urls.table(db.name, "claims"),
        "documents_search_url": datasette.urls.table(db.name, "documents"),
        "named_database": named_database(datasette, db.name),
        "page_url": lambda kind, key: page_url(datasette, kind, key, database=db.name),
    }
    html = await datasette.render_template("factdb-search.html", context, request=request, view_name="factdb-search")
    return page_response(html)
