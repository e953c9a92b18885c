"""``/-/document/<id>/original``: the archived original of a document, as a download.

An archived web page is hostile content: served inline from this site it could run script with
the site's origin. It is sent as an attachment (never rendered), with its stored media type and
``X-Content-Type-Options: nosniff``, a chunk at a time from ``original_chunks``.
"""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from datasette.utils import tilde_decode
from datasette.utils.asgi import AsgiStream, NotFound, Request

from factdb.datasette_plugin.reading import time_limited
from factdb.datasette_plugin.responses import database_for, read_only

if TYPE_CHECKING:
    from datasette.app import Datasette
    from datasette.utils.asgi import Response

ROUTE = r"^/-/document/(?P<key>[^/]+?)/original$"
ORIGINAL_SQL = """
select k.original_sha256, k.file_name, o.media_type, o.size_bytes
from document_custody k join documents d on d.pk = k.document_pk join originals o on o.sha256 = k.original_sha256
where d.id = :key order by k.version desc limit 1
"""
CHUNK_SQL = "select data from original_chunks where original_sha256 = :sha256 and position = :position"
CHUNK_COUNT_SQL = "select count(*) from original_chunks where original_sha256 = :sha256"


def content_disposition(file_name: str) -> str:
    """``attachment`` with an ASCII file name (anything else replaced) and the exact one for browsers that read RFC 6266's."""
    plain = re.sub(r'[^A-Za-z0-9._-]', "_", file_name) or "original"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(file_name, safe='')}"


async def original_view(datasette: Datasette, request: Request) -> Response | AsgiStream:
    refused = read_only(request, "Originals")
    if refused is not None:
        return refused
    db = database_for(datasette, request)
    key = tilde_decode(request.url_vars["key"])

    def read(connection: sqlite3.Connection) -> tuple[dict[str, Any], int] | None:
        found = connection.execute(ORIGINAL_SQL, {"key": key}).fetchone()
        if found is None:
            return None
        sha256, file_name, media_type, size = found
        chunks = connection.execute(CHUNK_COUNT_SQL, {"sha256": sha256}).fetchone()[0]
        return {"sha256": sha256, "file_name": file_name, "media_type": media_type, "size": size}, chunks

    found = await time_limited(datasette, db, "The original", read)
    if found is None:
        raise NotFound(f"Document {key!r} has no archived original")
    original, chunks = found
    if chunks == 0 and original["size"]:
        raise NotFound(f"The original of document {key!r} is not included in this copy of the database (published without originals)")

    async def stream(writer: Any) -> None:
        for position in range(chunks):
            result = await db.execute(CHUNK_SQL, {"sha256": original["sha256"], "position": position})
            # AsgiWriter.write encodes text; the bytes go to its ASGI send as they are.
            await writer.send({"type": "http.response.body", "body": bytes(result.first()[0]), "more_body": True})

    headers = {"Content-Disposition": content_disposition(original["file_name"]), "X-Content-Type-Options": "nosniff",
               "Content-Length": str(original["size"]), "Cache-Control": "private, no-transform"}
    return AsgiStream(stream, headers=headers, content_type=original["media_type"])
