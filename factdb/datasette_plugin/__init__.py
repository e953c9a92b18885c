"""factdb's Datasette plugin: metadata, the comparison page, claims in context, event links.

Loaded by any Datasette in an environment where factdb is installed (the ``datasette``
entry point), so ``datasette factdb.sqlite`` gets the same pages as ``factdb serve``.
It only acts on databases that look like factdb's (they have claims, figures, sources and
a schema version); other databases in the same Datasette are left alone.

The plugin is a package so that Datasette finds ``templates/`` beside it, after any
``--template-dir`` (a site can override them) and before Datasette's own.

Every value reaches the page through Jinja's autoescaping or ``html.escape``; the one piece
of markup passed through as-is is the chart, which :mod:`factdb.chart` builds escaped.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Awaitable, Callable, Iterable
from html import escape
from typing import TYPE_CHECKING, Any

import pluggy
from datasette.utils import tilde_decode
from datasette.utils.asgi import Request
from markupsafe import Markup

from factdb.datasette_plugin import front_page, originals, record_pages, search_page
from factdb.datasette_plugin.comparison_page import ROUTE, compare_view
from factdb.datasette_plugin.facet_cache import WholeTableFacetCache
from factdb.datasette_plugin.headers import asgi_wrapper
from factdb.datasette_plugin.limits import prepare_connection
from factdb.datasette_plugin.metadata import (
    factdb_database_names,
    fresh_metadata,
    is_factdb_database,
    metadata_for,
    packaged_metadata,
)
from factdb.datasette_plugin.row_pages import READABLE_PAGES, claim_context, event_comparisons, readable_page
from factdb.datasette_plugin.urls import comparison_link, page_url, row_url

if TYPE_CHECKING:
    from datasette.app import Datasette

__all__ = ["asgi_wrapper", "metadata_for", "packaged_metadata", "prepare_connection"]

# datasette.hookimpl is this marker; made here so the hooks below keep their types.
hookimpl = pluggy.HookimplMarker("datasette")


@hookimpl
def get_metadata(datasette: Datasette, key: str, database: str | None, table: str | None) -> dict[str, Any]:
    names = tuple(factdb_database_names(datasette))
    return fresh_metadata(names) if names else {}


@hookimpl
def startup(datasette: Datasette) -> Callable[[], Awaitable[None]]:
    async def check() -> None:
        from factdb.db import head_revision

        head = head_revision()
        for name in factdb_database_names(datasette):
            db = datasette.get_database(name)
            WholeTableFacetCache.install(db)
            # execute_fn: not subject to the SQL time limit, which may be set very low.
            current = await db.execute_fn(_schema_revision)
            if current != head:
                print(
                    f"factdb: database '{name}' is at schema revision {current}, this factdb expects {head}; "
                    f"pages may fail. Upgrade it with: factdb init --db {db.path}",
                    file=sys.stderr,
                )

    return check


def _schema_revision(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("select version_num from alembic_version").fetchone()
    return row[0] if row else None


@hookimpl
def register_routes() -> list[tuple[str, Callable[..., Awaitable[Any]]]]:
    return [(ROUTE, compare_view), (record_pages.ROUTE, record_pages.record_view), (front_page.ROUTE, front_page.front_view),
            (search_page.ROUTE, search_page.search_view), (originals.ROUTE, originals.original_view)]


@hookimpl
def extra_template_vars(
    view_name: str, database: str | None, table: str | None, request: Request | None, datasette: Datasette
) -> Callable[[], Awaitable[dict[str, Any]]] | dict[str, Any]:
    if view_name == "database" and database is not None:
        return {"factdb_readable_views": readable_views(datasette, database)}
    if view_name not in ("table", "row") or request is None or database is None:
        return {}

    async def inner() -> dict[str, Any]:
        db = datasette.get_database(database)
        if not is_factdb_database(db):
            return {}
        if view_name == "table" or table not in READABLE_PAGES:
            return {"factdb_database": True}
        key = tilde_decode(request.url_vars["pks"])
        found = await readable_page(datasette, db, table, key)
        if table == "claims":
            return {"factdb_claim_context": await claim_context(datasette, db, key), "factdb_page": found}
        if table == "events":
            return {"factdb_event_comparisons": await event_comparisons(datasette, db, key), "factdb_page": found}
        return {"factdb_page": found}

    return inner


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Datasette) -> Markup | None:
    if column == "comparison" and isinstance(value, str) and value.startswith("/-/compare/"):
        return Markup(f'<a href="{escape(comparison_link(datasette, value, database))}">compare</a>')
    kind = READABLE_LINKS.get((table or "", column))
    if kind is not None and isinstance(value, str):
        return Markup(f'<a href="{escape(page_url(datasette, kind, value, database=database))}">{escape(value)}</a>')
    if column == "claim_id" and isinstance(value, str) and table != "claims" and "claim_pk" in _keys(row):
        url = row_url(datasette, database, "claims", row["claim_pk"])
        return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
    return None


READABLE_VIEWS = ("claims_readable", "sources_readable", "documents_readable")
# (view, column) -> the kind of readable page the column's value is the key of
READABLE_LINKS = {
    ("claims_readable", "claim"): "claim",
    ("claims_readable", "source_id"): "source",
    ("claims_readable", "event_id"): "event",
    ("sources_readable", "id"): "source",
    ("documents_readable", "id"): "document",
}


def readable_views(datasette: Datasette, database: str) -> list[dict[str, str]]:
    """The readable views a factdb database page lists first, titled and described by the metadata."""
    if not is_factdb_database(datasette.get_database(database)):
        return []
    tables = metadata_for([database])["databases"][database]["tables"]
    return [{"name": name, "title": tables[name]["title"], "description": tables[name]["description"]} for name in READABLE_VIEWS]


def _keys(row: Any) -> Iterable[str]:
    return row.keys() if hasattr(row, "keys") else ()
