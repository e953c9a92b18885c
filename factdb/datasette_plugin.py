"""factdb's Datasette plugin: metadata, the comparison page, claims in context, event links.

Loaded by any Datasette in an environment where factdb is installed (the ``datasette``
entry point), so ``datasette factdb.sqlite`` gets the same pages as ``factdb serve``.
It only acts on databases that look like factdb's (they have claims, figures, sources and
a schema version); other databases in the same Datasette are left alone.

Every value reaches the page through Jinja's autoescaping or ``html.escape``; the one piece
of markup passed through as-is is the chart, which :mod:`factdb.chart` builds escaped.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import sqlite3
import sys
import threading
import time
import urllib.parse
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from importlib import resources
from typing import Any, TypeVar

import yaml
from datasette import Response, hookimpl
from datasette.database import Database
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import BadRequest, NotFound
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from factdb.chart import range_chart_svg
from factdb.compare import DEFAULT_TOLERANCE, Comparison, CompareError, compare, format_interval, format_number

FACTDB_TABLES = frozenset({"alembic_version", "claims", "figures", "sources", "events", "documents"})
METADATA_DATABASE = "factdb"  # the key metadata.yaml describes; re-keyed to each database's name
CONTEXT_CHARS = 400  # of document text shown either side of a claim's quote
TEMPLATES = resources.files("factdb") / "templates"

T = TypeVar("T")


# --- Metadata --------------------------------------------------------------------------------


@functools.cache
def packaged_metadata() -> dict[str, Any]:
    """``factdb/metadata.yaml`` as a dict (Datasette's metadata format, database ``factdb``)."""
    return yaml.safe_load((resources.files("factdb") / "metadata.yaml").read_text(encoding="utf-8"))


def metadata_for(database_names: Iterable[str]) -> dict[str, Any]:
    """Datasette metadata describing each named database as a factdb database."""
    metadata = dict(packaged_metadata())
    described = metadata.pop("databases")[METADATA_DATABASE]
    metadata["databases"] = {name: described for name in database_names}
    return json.loads(json.dumps(metadata))


@functools.lru_cache(maxsize=32)
def _metadata_json(database_names: tuple[str, ...]) -> str:
    return json.dumps(metadata_for(database_names))


_is_factdb: weakref.WeakKeyDictionary[Database, bool] = weakref.WeakKeyDictionary()


def is_factdb_database(db: Database) -> bool:
    """True when the database has factdb's tables (checked once per database, synchronously)."""
    if db not in _is_factdb:
        if db.is_memory or not db.path:
            _is_factdb[db] = False
        else:
            connection = db.connect()
            try:
                names = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
            except sqlite3.DatabaseError:
                names = set()
            finally:
                connection.close()
            _is_factdb[db] = FACTDB_TABLES <= names
    return _is_factdb[db]


def factdb_database_names(datasette: Any) -> list[str]:
    return [name for name, db in datasette.databases.items() if name != "_internal" and is_factdb_database(db)]


@hookimpl
def get_metadata(datasette, key, database, table):  # type: ignore[no-untyped-def]
    names = tuple(factdb_database_names(datasette))
    if not names:
        return {}
    # A fresh copy on every call: Datasette merges other metadata into what hooks return.
    return json.loads(_metadata_json(names))


# --- Templates, startup checks -------------------------------------------------------------


@hookimpl
def prepare_jinja2_environment(env, datasette):  # type: ignore[no-untyped-def]
    # Datasette looks for a plugin's templates inside the plugin's own package, and this plugin
    # is a module: add factdb/templates after any --template-dir (so a site can still override
    # them) and before Datasette's own templates.
    first = next(iter(getattr(env.loader, "loaders", [])), None)
    if isinstance(first, FileSystemLoader):
        if str(TEMPLATES) not in first.searchpath:
            first.searchpath.insert(len(first.searchpath) - 1, str(TEMPLATES))
    else:  # another plugin replaced Datasette's loader
        env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])


@hookimpl
def startup(datasette):  # type: ignore[no-untyped-def]
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


# --- Facets on big tables --------------------------------------------------------------------

# Datasette 0.65's facet query; <inner> is the table page's own query without ORDER BY or LIMIT.
_FACET_SQL = re.compile(
    r"^\s*select .+ as value, count\(\*\) as count from \(\s*(?P<inner>select .+?)\s*\)\s*"
    r"where .+ is not null\s*group by .+ order by count desc, value limit \d+\s*$",
    re.IGNORECASE | re.DOTALL,
)


class WholeTableFacetCache:
    """Facet counts over a whole, unfiltered table, kept until the database changes.

    Counting a million claims by source takes SQLite about 60 ms even from an index, and the
    claims page shows two such facets, so every visit to it would cost most of its time budget
    recounting numbers that only an import can change. Datasette has no hook for facet
    results, so this wraps the database's ``execute``: only parameterless facet queries over a
    table without filters are cached, and ``PRAGMA data_version`` (which changes whenever any
    other connection commits) says when the counts are stale. Immutable databases never are.
    """

    MAX_ENTRIES = 256

    def __init__(self, db: Database) -> None:
        self.results: dict[str, tuple[int, Any]] = {}
        self.watcher = db.connect() if db.is_mutable else None
        self.lock = threading.Lock()
        self.execute = db.execute

    @classmethod
    def install(cls, db: Database) -> None:
        if not isinstance(getattr(db.execute, "__self__", None), cls):
            db.execute = cls(db).cached_execute  # type: ignore[method-assign]

    def data_version(self) -> int:
        if self.watcher is None:
            return 0
        with self.lock:
            return int(self.watcher.execute("PRAGMA data_version").fetchone()[0])

    async def cached_execute(self, sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        match = _FACET_SQL.match(sql)
        if params or match is None or " where " in match["inner"].lower():
            return await self.execute(sql, params, *args, **kwargs)
        version = self.data_version()
        cached = self.results.get(sql)
        if cached is not None and cached[0] == version:
            return cached[1]
        results = await self.execute(sql, params, *args, **kwargs)
        if len(self.results) >= self.MAX_ENTRIES:  # ?_facet_size= makes each size a new query
            self.results.clear()
        self.results[sql] = (version, results)
        return results


# --- Comparisons -----------------------------------------------------------------------------

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

CLAIM_PKS_SQL = "select id, pk from claims where id in ({})"


@dataclass(frozen=True)
class ComparisonPage:
    comparison: Comparison
    claim_pks: dict[str, int]
    others: list[dict[str, Any]]


_deadline = threading.local()
_engines: weakref.WeakKeyDictionary[Database, Engine] = weakref.WeakKeyDictionary()


def _interrupt_when_late() -> int:
    at = getattr(_deadline, "at", None)
    return 1 if at is not None and time.monotonic() > at else 0


def comparison_engine(db: Database) -> Engine:
    """A pooled SQLAlchemy engine over Datasette's own read-only (or immutable) connections."""
    if db not in _engines:
        engine = create_engine("sqlite://", creator=lambda: db.connect(), poolclass=QueuePool, pool_size=3)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None
            # Checked every 1000 SQLite instructions (about 0.1 ms), as Datasette does.
            dbapi_connection.set_progress_handler(_interrupt_when_late, 1000)

        @event.listens_for(engine, "begin")
        def _on_begin(connection):  # type: ignore[no-untyped-def]
            # One read transaction per comparison: every query sees the same committed state.
            connection.exec_driver_sql("BEGIN")

        _engines[db] = engine
    return _engines[db]


async def run_time_limited(datasette: Any, fn: Callable[[], T]) -> T:
    """Run ``fn`` in Datasette's SQL threads, interrupted after ``sql_time_limit_ms``."""
    limit_ms = datasette.setting("sql_time_limit_ms")

    def limited() -> T:
        _deadline.at = time.monotonic() + limit_ms / 1000
        try:
            return fn()
        finally:
            _deadline.at = None

    return await asyncio.get_running_loop().run_in_executor(datasette.executor, limited)


def _comparison_page(
    engine: Engine, event_key: str, metric_key: str, population: str | None, as_of: str | None, tolerance: float
) -> ComparisonPage:
    comparison = compare(engine, event_key, metric_key, population=population, as_of=as_of, tolerance=tolerance)
    claim_ids = sorted({f.claim_id for f in comparison.figures})
    with engine.connect() as connection:
        claim_pks: dict[str, int] = {}
        if claim_ids:
            placeholders = ", ".join(f":id{i}" for i in range(len(claim_ids)))
            rows = connection.execute(
                text(CLAIM_PKS_SQL.format(placeholders)), {f"id{i}": claim_id for i, claim_id in enumerate(claim_ids)}
            )
            claim_pks = {row.id: row.pk for row in rows}
        others = [dict(row._mapping) for row in connection.execute(text(EVENT_COMPARISONS_SQL), {"event": comparison.event})]
    return ComparisonPage(comparison, claim_pks, others)


def compare_url(datasette: Any, event: str, metric: str, population: str | None = None, *, json_format: bool = False) -> str:
    path = f"/-/compare/{_segment(event)}/{_segment(metric)}{'.json' if json_format else ''}"
    if population:
        path += "?" + urllib.parse.urlencode({"population": population})
    return datasette.urls.path(path)


def _segment(value: str) -> str:
    # Datasette redirects %-escapes in paths to its tilde encoding; produce that directly.
    return tilde_encode(value)


def _database_for(datasette: Any, request: Any) -> Database:
    names = factdb_database_names(datasette)
    wanted = request.args.get("database")
    if wanted is not None and wanted not in names:
        raise NotFound(f"No factdb database named {wanted}")
    if not names:
        raise NotFound("No factdb database is being served")
    return datasette.get_database(wanted or names[0])


async def compare_view(datasette: Any, request: Any) -> Response:
    if request.method not in ("GET", "HEAD"):
        return Response.text("Comparisons are read-only", status=405, headers={"Allow": "GET, HEAD"})
    db = _database_for(datasette, request)
    event_key = tilde_decode(request.url_vars["event"])
    metric_key = tilde_decode(request.url_vars["metric"])
    population = request.args.get("population") or None
    as_of = request.args.get("as_of") or None
    try:
        tolerance = float(request.args.get("tolerance") or DEFAULT_TOLERANCE)
    except ValueError:
        raise BadRequest("tolerance must be a number such as 0.1") from None
    engine = comparison_engine(db)
    try:
        page = await run_time_limited(
            datasette, lambda: _comparison_page(engine, event_key, metric_key, population, as_of, tolerance)
        )
    except CompareError as error:
        raise NotFound(str(error)) from None
    except ValueError as error:
        raise BadRequest(str(error)) from None
    except OperationalError as error:
        if "interrupted" in str(error):
            raise BadRequest(
                f"The comparison took longer than the {datasette.setting('sql_time_limit_ms')} ms time limit"
            ) from None
        raise
    comparison = page.comparison
    if request.url_vars.get("format"):
        return _json_response(comparison.to_dict())
    context = {
        "database": db.name,
        "comparison": comparison,
        "chart": Markup(range_chart_svg(comparison)),
        "rows": _figure_rows(datasette, db.name, comparison, page.claim_pks),
        "consensus": _consensus_words(comparison),
        "independence": _independence_words(comparison),
        "spread": _spread_words(comparison),
        "others": [
            dict(other, url=compare_url(datasette, comparison.event, other["metric_id"], other["population"]),
                 current=other["metric_id"] == comparison.metric and other["population"] == comparison.population)
            for other in page.others
        ],
        "event_url": datasette.urls.row(db.name, "events", _row_path(comparison.event)),
        "json_url": compare_url(datasette, comparison.event, comparison.metric, comparison.population, json_format=True),
        "format_number": format_number,
    }
    return Response.html(
        await datasette.render_template("factdb-compare.html", context, request=request, view_name="factdb-compare")
    )


def _json_response(data: Any) -> Response:
    # \u-escaping <, > and & keeps the JSON identical when parsed, and inert if a browser
    # is ever tricked into reading it as HTML.
    body = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Response(body, content_type="application/json; charset=utf-8")


def _row_path(value: str | int) -> str:
    return tilde_encode(str(value))


def _figure_rows(datasette: Any, database: str, comparison: Comparison, claim_pks: dict[str, int]) -> list[dict[str, Any]]:
    conflicts_with: dict[str, list[str]] = {}
    names = {f.source: f.source_name for f in comparison.figures}
    for conflict in comparison.conflicts:
        conflicts_with.setdefault(conflict.a, []).append(names[conflict.b])
        conflicts_with.setdefault(conflict.b, []).append(names[conflict.a])
    rows = []
    for figure in comparison.figures:
        pk = claim_pks.get(figure.claim_id)
        against = conflicts_with.get(figure.source, [])
        if len(comparison.figures) < 2:
            verdict = "The only figure"
        elif against:
            verdict = "Conflicts with " + ", ".join(sorted(against))
        else:
            verdict = "Overlaps every other figure"
        rows.append(
            {
                "figure": figure,
                "interval": format_interval(figure),
                "verdict": verdict,
                "conflicts": bool(against),
                "source_url": datasette.urls.row(database, "sources", _row_path(figure.source)),
                "via_url": datasette.urls.row(database, "sources", _row_path(figure.via)) if figure.via else None,
                "claim_url": datasette.urls.row(database, "claims", _row_path(pk)) if pk is not None else None,
            }
        )
    return rows


def _consensus_words(comparison: Comparison) -> str | None:
    if comparison.consensus is None:
        return None
    low, high = comparison.consensus
    if high is None:
        return f"{'above' if comparison.consensus_open_low else 'at least'} {format_number(low)} {comparison.unit}"
    if low == high:
        return f"exactly {format_number(low)} {comparison.unit}"
    return f"from {format_number(low)} to {format_number(high)} {comparison.unit}"


def _spread_words(comparison: Comparison) -> str | None:
    spread = comparison.spread
    if spread is None or len(comparison.figures) < 2:
        return None
    names = {f.source: f.source_name for f in comparison.figures}
    words = (
        f"from {format_number(spread.min)} ({names[spread.min_source]}) "
        f"to {format_number(spread.max)} ({names[spread.max_source]})"
    )
    if spread.ratio is not None:
        words += f": the largest is {spread.ratio:g}× the smallest"
    return words


def _independence_words(comparison: Comparison) -> str:
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


@hookimpl
def register_routes():  # type: ignore[no-untyped-def]
    return [
        (r"^/-/compare/(?P<event>[^/]+)/(?P<metric>[^/]+?)(?P<format>\.json)?$", compare_view),
    ]


# --- Row pages: claim in context, event comparisons ------------------------------------------

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


async def _claim_context(datasette: Any, db: Database, pk: str) -> dict[str, Any] | None:
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
            compare_url(datasette, row["event_id"], figure["metric_id"], figure["population"]) if row["event_id"] else None
        )
    return {
        "before": before,
        "quote": row["quote"],
        "after": after,
        "cut_before": cut_before,
        "cut_after": cut_after,
        "document_title": row["title"],
        "document_url": datasette.urls.row(db.name, "documents", _row_path(row["document_pk"])),
        "figures": figures,
    }


async def _event_comparisons(datasette: Any, db: Database, event_id: str) -> list[dict[str, Any]]:
    rows = await db.execute(EVENT_COMPARISONS_SQL, {"event": event_id})
    return [dict(row, url=compare_url(datasette, event_id, row["metric_id"], row["population"])) for row in rows]


@hookimpl
def extra_template_vars(template, database, table, columns, view_name, request, datasette):  # type: ignore[no-untyped-def]
    if view_name not in ("table", "row") or request is None:
        return {}

    async def inner() -> dict[str, Any]:
        db = datasette.get_database(database)
        if not is_factdb_database(db):
            return {}
        if view_name == "table" or table not in ("claims", "events"):
            return {"factdb_database": True}
        key = tilde_decode(request.url_vars["pks"])
        if table == "claims":
            return {"factdb_claim_context": await _claim_context(datasette, db, key)}
        return {"factdb_event_comparisons": await _event_comparisons(datasette, db, key)}

    return inner


# --- Cells: link claims and comparisons ----------------------------------------------------


@hookimpl
def render_cell(row, value, column, table, database, datasette):  # type: ignore[no-untyped-def]
    if column == "comparison" and isinstance(value, str) and value.startswith("/-/compare/"):
        return Markup(f'<a href="{escape(_comparison_link(datasette, value))}">compare</a>')
    if column == "claim_id" and isinstance(value, str) and table != "claims" and "claim_pk" in _keys(row):
        url = datasette.urls.row(database, "claims", _row_path(row["claim_pk"]))
        return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
    return None


def _keys(row: Any) -> Iterable[str]:
    return row.keys() if hasattr(row, "keys") else ()


def _comparison_link(datasette: Any, value: str) -> str:
    """The comparison URL a canned query built by concatenation, with its parts properly quoted."""
    path, _, query = value.partition("?")
    event, _, metric = path.removeprefix("/-/compare/").partition("/")
    population = dict(urllib.parse.parse_qsl(query)).get("population")
    return compare_url(datasette, event, metric, population)
