"""The comparison page, ``/-/compare/<event>/<metric>``, and its JSON twin.

The comparison runs on Datasette's own read connection (``db.execute_fn``) under Datasette's
own SQL time limit, in one read transaction, so every query of a page sees the same data.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from datasette import Response
from datasette.utils import tilde_decode
from datasette.utils.asgi import BadRequest, NotFound, Request
from markupsafe import Markup

from factdb.chart import history_chart_svg, range_chart_svg
from factdb.compare import (
    DEFAULT_TOLERANCE,
    CompareError,
    Comparison,
    band_words,
    compare,
    figure_standing,
    format_interval,
    format_number,
    render_csv,
)
from factdb.compare import spread_words as stated_spread_words
from factdb.datasette_plugin.reading import TooSlow, time_limited
from factdb.datasette_plugin.responses import database_for, json_response, page_response, read_only
from factdb.datasette_plugin.records import qualifier_words
from factdb.datasette_plugin.urls import compare_url, page_url

if TYPE_CHECKING:
    from datasette.app import Datasette

ROUTE = r"^/-/compare/(?P<event>[^/]+)/(?P<metric>[^/]+?)(?P<format>\.json|\.svg|\.csv)?$"

EVENT_COMPARISONS_SQL = """
select f.metric_id, m.name as metric_name, f.population, count(*) as figures,
       count(distinct c.source_id) as sources
from claims c
join figures f on f.claim_pk = c.pk
join metrics m on m.id = f.metric_id
where c.event_id = :event
group by f.metric_id, m.name, f.population
order by f.metric_id, f.population
"""

SOURCE_NAMES_SQL = "select id, name from sources where id in ({})"


@dataclass(frozen=True, slots=True)
class ComparisonRequest:
    event: str
    metric: str
    population: str | None
    as_of: str | None
    tolerance: float
    history: bool = False  # each source's earlier figures too: the HTML page draws them over time


@dataclass(frozen=True, slots=True)
class ComparisonPage:
    comparison: Comparison
    others: list[dict[str, Any]]
    origin_names: dict[str, str]


def comparison_page(connection: sqlite3.Connection, wanted: ComparisonRequest) -> ComparisonPage:
    """The comparison and what its page links to."""
    comparison = compare(
        connection, wanted.event, wanted.metric, population=wanted.population, as_of=wanted.as_of, tolerance=wanted.tolerance,
        history=wanted.history,
    )
    cursor = connection.cursor()
    cursor.row_factory = None  # plain tuples, whatever the connection's row factory
    origins = sorted({f.origin for f in comparison.figures if f.origin})
    origin_names: dict[str, str] = {}
    if origins:
        placeholders = ", ".join("?" for _ in origins)
        origin_names = dict(cursor.execute(SOURCE_NAMES_SQL.format(placeholders), origins).fetchall())
    cursor.execute(EVENT_COMPARISONS_SQL, {"event": comparison.event})
    names = [column[0] for column in cursor.description]
    others = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return ComparisonPage(comparison, others, origin_names)


def _comparison_request(request: Request, history: bool) -> ComparisonRequest:
    try:
        tolerance = float(request.args.get("tolerance") or DEFAULT_TOLERANCE)
    except ValueError:
        raise BadRequest("tolerance must be a number such as 0.1") from None
    return ComparisonRequest(
        event=tilde_decode(request.url_vars["event"]),
        metric=tilde_decode(request.url_vars["metric"]),
        population=request.args.get("population") or None,
        as_of=request.args.get("as_of") or None,
        tolerance=tolerance,
        history=history,
    )


async def compare_view(datasette: Datasette, request: Request) -> Response:
    refused = read_only(request, "Comparisons")
    if refused is not None:
        return refused
    db = database_for(datasette, request)
    try:
        # The downloads are the comparison as 'factdb compare' gives it, without the earlier figures.
        wanted = _comparison_request(request, history=not request.url_vars.get("format"))
        page = await time_limited(datasette, db, "The comparison", lambda connection: comparison_page(connection, wanted))
    except CompareError as error:
        raise NotFound(str(error)) from None
    except (ValueError, TooSlow) as error:
        raise BadRequest(str(error)) from None
    download = request.url_vars.get("format")
    if download == ".json":
        return json_response(page.comparison.to_dict())
    if download == ".svg":
        return Response(range_chart_svg(page.comparison), content_type="image/svg+xml; charset=utf-8",
                        headers=_attachment(page.comparison, "svg"))
    if download == ".csv":
        return Response(render_csv([page.comparison]), content_type="text/csv; charset=utf-8",
                        headers=_attachment(page.comparison, "csv"))
    html = await datasette.render_template(
        "factdb-compare.html", _page_context(datasette, db.name, page), request=request, view_name="factdb-compare"
    )
    return page_response(html)


def download_name(comparison: Comparison, extension: str) -> str:
    """The file name every download of this comparison gets: ``<event>-<metric>[-<population>].<extension>``."""
    name = "-".join(part for part in (comparison.event, comparison.metric, comparison.population) if part)
    return f'{re.sub(r"[^A-Za-z0-9._-]+", "_", name)}.{extension}'


def _attachment(comparison: Comparison, extension: str) -> dict[str, str]:
    return {"content-disposition": f'attachment; filename="{download_name(comparison, extension)}"'}


def _page_context(datasette: Datasette, database: str, page: ComparisonPage) -> dict[str, Any]:
    comparison = page.comparison
    return {
        "database": database,
        "comparison": comparison,
        "chart": Markup(range_chart_svg(comparison)),
        "history_chart": Markup(history_chart_svg(comparison))
        if comparison.history and any(len(figures) > 1 for figures in comparison.history.values()) else None,
        "rows": _figure_rows(datasette, database, comparison, page.origin_names),
        "consensus": consensus_words(comparison),
        "independence": independence_words(comparison),
        "spread": spread_words(comparison),
        "others": [
            dict(other, url=compare_url(datasette, comparison.event, other["metric_id"], other["population"], database=database),
                 current=other["metric_id"] == comparison.metric and other["population"] == comparison.population)
            for other in page.others
        ],
        "event_url": page_url(datasette, "event", comparison.event, database=database),
        "json_url": compare_url(datasette, comparison.event, comparison.metric, comparison.population, json_format=True,
                                database=database),
        "svg_url": compare_url(datasette, comparison.event, comparison.metric, comparison.population, extension=".svg",
                               database=database),
        # The PNG is drawn in the browser from the page's chart (static/chart-png.js), under the same name.
        "png_filename": download_name(comparison, "png"),
        "csv_url": compare_url(datasette, comparison.event, comparison.metric, comparison.population, extension=".csv",
                               database=database),
        "largest_agreements": [band_words(a.band) for a in comparison.agreements]
        if comparison.consensus is None and comparison.agreements and len(comparison.agreements[0].sources) > 1 else [],
        "format_number": format_number,
    }


def _figure_rows(datasette: Datasette, database: str, comparison: Comparison, origin_names: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for figure in comparison.figures:
        rows.append(
            {
                "figure": figure,
                "interval": format_interval(figure),
                "qualifier": qualifier_words(figure.qualifier),
                "origin_name": origin_names.get(figure.origin, figure.origin) if figure.origin else None,
                "origin_url": page_url(datasette, "source", figure.origin, database=database) if figure.origin else None,
                "verdict": figure_standing(comparison, figure),
                "conflicts": figure.source in comparison.outliers,
                "source_page_url": page_url(datasette, "source", figure.source, database=database),
                "via_url": page_url(datasette, "source", figure.via, database=database) if figure.via else None,
                "claim_page_url": page_url(datasette, "claim", figure.claim_id, database=database),
            }
        )
    return rows


def consensus_words(comparison: Comparison) -> str | None:
    """What every source's figure allows, in compare's words (None when they share no number)."""
    band = comparison.consensus_band
    return None if band is None else f"{band_words(band)} {comparison.unit}"


def spread_words(comparison: Comparison) -> str | None:
    """The smallest and largest numbers the sources stated, in compare's words."""
    words = stated_spread_words(comparison)
    if words is None:
        return None
    spread = comparison.spread
    if spread is not None and spread.ratio is not None:
        words += f": the largest is {spread.ratio:g}× the smallest"
    return "from " + words


def independence_words(comparison: Comparison) -> str:
    sources = comparison.sources_count
    origins = comparison.independent_origins
    words = f"{sources} source{'s' if sources != 1 else ''}, {origins} independent origin{'s' if origins != 1 else ''}"
    shared: dict[str, list[str]] = {}
    for figure in comparison.figures:
        if figure.shares_origin and figure.origin:
            shared.setdefault(figure.origin, []).append(figure.source_name)
    notes = [f"{' and '.join(group)} trace back to {origin}" for origin, group in sorted(shared.items())]
    if notes:
        words += ": " + "; ".join(notes) + " (linked by part_of, member_of or via), so they count once"
    return words
