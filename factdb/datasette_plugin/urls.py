"""The links factdb's pages make: comparison pages and rows, in Datasette's own path encoding."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING

from datasette.utils import tilde_encode

if TYPE_CHECKING:
    from datasette.app import Datasette


def compare_url(
    datasette: Datasette, event: str, metric: str, population: str | None = None, *, json_format: bool = False,
    extension: str = "",
) -> str:
    """The comparison page; ``json_format`` or an ``extension`` (``.svg``, ``.csv``) for its downloads."""
    # Datasette redirects %-escapes in paths to its tilde encoding; produce that directly.
    path = f"/-/compare/{tilde_encode(event)}/{tilde_encode(metric)}{'.json' if json_format else extension}"
    if population:
        path += "?" + urllib.parse.urlencode({"population": population})
    url: str = datasette.urls.path(path)
    return url


def row_url(datasette: Datasette, database: str, table: str, key: str | int) -> str:
    url: str = datasette.urls.row(database, table, tilde_encode(str(key)))
    return url


def comparison_link(datasette: Datasette, value: str) -> str:
    """The comparison URL a canned query built by concatenation, with its parts properly quoted."""
    path, _, query = value.partition("?")
    event, _, metric = path.removeprefix("/-/compare/").partition("/")
    population = dict(urllib.parse.parse_qsl(query)).get("population")
    return compare_url(datasette, event, metric, population)


def page_url(datasette: Datasette, kind: str, key: str, *, json_format: bool = False) -> str:
    """factdb's own page for an event, source, claim or document: ``/-/claim/<id>``."""
    url: str = datasette.urls.path(f"/-/{kind}/{tilde_encode(key)}{'.json' if json_format else ''}")
    return url
