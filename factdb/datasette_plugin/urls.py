"""The links factdb's pages make: comparison pages and rows, in Datasette's own path encoding.

factdb's own pages read the first factdb database served unless ``?database=`` names another;
their links name the database whenever it is not that first one.
"""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING

from datasette.utils import tilde_encode

from factdb.datasette_plugin.metadata import factdb_database_names

if TYPE_CHECKING:
    from datasette.app import Datasette


def compare_url(
    datasette: Datasette, event: str, metric: str, population: str | None = None, *, json_format: bool = False,
    extension: str = "", database: str | None = None,
) -> str:
    """The comparison page; ``json_format`` or an ``extension`` (``.svg``, ``.csv``) for its downloads."""
    # Datasette redirects %-escapes in paths to its tilde encoding; produce that directly.
    path = f"/-/compare/{tilde_encode(event)}/{tilde_encode(metric)}{'.json' if json_format else extension}"
    query = {"population": population} if population else {}
    url: str = datasette.urls.path(path + _query(datasette, query, database))
    return url


def named_database(datasette: Datasette, database: str | None) -> str | None:
    """``database`` when links must name it (it is not the first factdb database served), else None."""
    names = factdb_database_names(datasette)
    return database if database is not None and names and database != names[0] else None


def _query(datasette: Datasette, query: dict[str, str], database: str | None) -> str:
    named = named_database(datasette, database)
    if named is not None:
        query = {**query, "database": named}
    return "?" + urllib.parse.urlencode(query) if query else ""


def row_url(datasette: Datasette, database: str, table: str, key: str | int) -> str:
    url: str = datasette.urls.row(database, table, tilde_encode(str(key)))
    return url


def comparison_link(datasette: Datasette, value: str, database: str | None = None) -> str:
    """The comparison URL a canned query built by concatenation, with its parts properly quoted."""
    path, _, query = value.partition("?")
    event, _, metric = path.removeprefix("/-/compare/").partition("/")
    population = dict(urllib.parse.parse_qsl(query)).get("population")
    return compare_url(datasette, event, metric, population, database=database)


def page_url(datasette: Datasette, kind: str, key: str, *, json_format: bool = False, database: str | None = None) -> str:
    """factdb's own page for an event, source, claim or document: ``/-/claim/<id>``."""
    path = f"/-/{kind}/{tilde_encode(key)}{'.json' if json_format else ''}"
    url: str = datasette.urls.path(path + _query(datasette, {}, database))
    return url


def original_url(datasette: Datasette, document_id: str, *, database: str | None = None) -> str:
    """The download of a document's archived original: ``/-/document/<id>/original``."""
    url: str = datasette.urls.path(f"/-/document/{tilde_encode(document_id)}/original" + _query(datasette, {}, database))
    return url
