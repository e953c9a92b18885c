"""What every factdb page answers with: the database it reads, JSON made safe, a read-only reply."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from datasette import Response
from datasette.utils.asgi import NotFound, Request

from factdb.datasette_plugin.metadata import factdb_database_names

if TYPE_CHECKING:
    from datasette.app import Datasette
    from datasette.database import Database


def database_for(datasette: Datasette, request: Request) -> Database:
    """The factdb database named by ``?database=``, or the first one served."""
    names = factdb_database_names(datasette)
    wanted = request.args.get("database")
    if wanted is not None and wanted not in names:
        raise NotFound(f"No factdb database named {wanted}")
    if not names:
        raise NotFound("No factdb database is being served")
    db: Database = datasette.get_database(wanted or names[0])
    return db


def json_response(data: Any) -> Response:
    # \u-escaping <, > and & keeps the JSON identical when parsed, and inert if a browser
    # is ever tricked into reading it as HTML.
    body = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Response(body, content_type="application/json; charset=utf-8")


def read_only(request: Request, what: str) -> Response | None:
    """A 405 for anything but GET and HEAD; None when the request may go on."""
    if request.method in ("GET", "HEAD"):
        return None
    return Response.text(f"{what} are read-only", status=405, headers={"Allow": "GET, HEAD"})


def page_response(html: str) -> Response:
    """One of factdb's pages: Datasette's base template names no language; these pages are in English."""
    return Response.html(html.replace("<html>", '<html lang="en">', 1))
