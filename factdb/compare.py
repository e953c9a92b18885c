"""Compare the sources' figures for one event: intervals, agreement, conflicts, spread, independence.

factdb never decides which figure is true. A comparison turns every source's figure into the
interval of numbers it allows ("at least 300" allows 300 and anything above), then reports the
largest groups of sources whose figures allow a common number (agreement) and who stands outside
them, which intervals cannot both hold (conflicts), what they all allow (the consensus band), the
numbers the sources stated (spread) and how many independent origins stand behind them.

The rules, in words, are in ``docs/compare.md``; ``figure_comparison.is_latest`` (migration
0002) applies the same "latest figure per source" rule in SQL.
"""

from __future__ import annotations

import io
import os
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, Protocol, TypeVar, cast, overload

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, TextClause

from factdb.csv_cells import spreadsheet_text
from factdb.vocabulary import GRADES

DEFAULT_TOLERANCE = 0.1
INFINITY = "∞"
# The table lists this many conflicting pairs; JSON and CSV list them all.
MAX_CONFLICT_LINES = 10
# A verdict names at most this many sources outside an agreement, tied groups, and sources in a
# group; beyond that it counts them, so one sentence stays readable (JSON lists them all).
MAX_NAMED_OUTLIERS = 3
MAX_NAMED_GROUPS = 3
MAX_NAMED_IN_GROUP = 6

Number = int | float


class CompareError(LookupError):
    """An unknown event, metric or population; the message lists the closest matches."""


@dataclass(frozen=True, slots=True)
class Interval:
    """The numbers a figure allows. ``high`` None means no upper limit.

    ``open_low`` / ``open_high``: the bound itself is excluded ("more than 300" excludes 300).
    """

    low: float
    high: float | None
    open_low: bool = False
    open_high: bool = False

    def lies_below(self, other: Interval) -> bool:
        """True when every number this interval allows is smaller than every number ``other`` allows."""
        if self.high is None:
            return False
        if self.high < other.low:
            return True
        return self.high == other.low and (self.open_high or other.open_low)

    def overlaps(self, other: Interval) -> bool:
        return not self.lies_below(other) and not other.lies_below(self)

    def allows(self, number: float, just_above: bool = False) -> bool:
        """True when ``number`` is in the interval; with ``just_above``, the numbers just above it are."""
        if number < self.low or (number == self.low and self.open_low and not just_above):
            return False
        if self.high is None or number < self.high:
            return True
        return number == self.high and not just_above and not self.open_high

    def gap_to(self, other: Interval) -> float:
        """Distance between the nearer bounds; 0 when the intervals overlap or touch."""
        if self.high is not None and self.high <= other.low:
            return other.low - self.high
        if other.high is not None and other.high <= self.low:
            return self.low - other.high
        return 0.0


def figure_interval(
    qualifier: str,
    value: float | None,
    low: float | None = None,
    high: float | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Interval:
    """The interval a figure allows, following the table in ``docs/compare.md``."""
    if qualifier in ("range", "vague") or (value is None and low is not None and high is not None):
        if low is None and high is None and value is not None:
            return Interval(value, value)
        return Interval(low if low is not None else 0.0, high)
    if value is None:
        value = low if low is not None else high
        assert value is not None, "a figure has at least one number"
    if qualifier == "approximately":
        return Interval(_clean(value * (1 - tolerance)), _clean(value * (1 + tolerance)))
    if qualifier == "nearly":
        return Interval(_clean(value * (1 - tolerance)), value)
    if qualifier == "at_least":
        return Interval(value, None)
    if qualifier == "more_than":
        return Interval(value, None, open_low=True)
    if qualifier == "at_most":
        return Interval(0.0, value)
    if qualifier == "less_than":
        return Interval(0.0, value, open_high=True)
    return Interval(value, value)


def intersection(intervals: Sequence[Interval]) -> Interval:
    """The numbers every one of ``intervals`` allows; the caller knows they share some."""
    low, open_low = max((i.low, i.open_low) for i in intervals)
    bounded = [(i.high, not i.open_high) for i in intervals if i.high is not None]
    if not bounded:
        return Interval(low, None, open_low=open_low)
    high, closed_high = min(bounded)
    return Interval(low, high, open_low=open_low, open_high=not closed_high)


def largest_agreements(intervals: Sequence[Interval]) -> list[tuple[int, ...]]:
    """The largest groups of ``intervals`` that share a number, as positions; on a tie every group.

    Interval stabbing: the numbers a group shares begin where its last member begins, so a sweep
    that stops at each interval's start (just above it when the start is excluded) meets every
    largest group. Groups come lowest first, each once, members in the order given; an empty
    interval belongs to none.
    """
    # A point is (number, just above it); an interval allows the points from its start key up to,
    # not including, its end key, so both kinds of key sort with the points.
    kept = [k for k, i in enumerate(intervals) if i.allows(i.low, i.open_low)]
    starts = sorted(((intervals[k].low, intervals[k].open_low), k) for k in kept)
    ends = sorted(((high, not intervals[k].open_high), k) for k in kept if (high := intervals[k].high) is not None)
    active: set[int] = set()
    best: list[tuple[int, ...]] = []
    ended = 0
    for position, (point, k) in enumerate(starts):
        active.add(k)
        if position + 1 < len(starts) and starts[position + 1][0] == point:
            continue  # every interval starting at this point first
        while ended < len(ends) and ends[ended][0] <= point:
            active.discard(ends[ended][1])
            ended += 1
        size = len(best[0]) if best else 0
        if len(active) > size:
            best = [tuple(sorted(active))]
        elif best and len(active) == size and (group := tuple(sorted(active))) != best[-1]:
            best.append(group)
    return best


def central_value(value: float | None, interval: Interval) -> float:
    """The value if stated, else the midpoint of a finite interval, else its finite bound.

    Only for ordering figures: a midpoint is a number nobody stated, so it is never shown as a
    source's number (JSON labels it ``central_estimate`` with ``derived: true``).
    """
    if value is not None:
        return value
    if interval.high is not None:
        return _clean((interval.low + interval.high) / 2)
    return interval.low


@dataclass(frozen=True, slots=True)
class ComparedFigure:
    """One source's figure as compared: what was stated, and the interval it allows."""

    source: str
    source_name: str
    qualifier: str
    value: float | None
    low: float | None
    high: float | None
    interval: tuple[float, float | None]
    open_low: bool
    open_high: bool
    central: float
    stated: str
    claimed_on: str
    claimed_on_precision: str
    claim_id: str
    document: str
    via: str | None
    via_name: str | None
    status: str
    superseded: bool
    origin: str | None = None
    shares_origin: bool = False
    derived: str | None = None  # how the figure was computed from quoted ones; None when its quote states it
    quote_page: int | None = None  # the page of the document's original (a PDF) its quote is on
    # The editors' review of the claim and their grade (factdb.editorial): never the source's status.
    review: str = "unreviewed"
    grade: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "source_name": self.source_name,
            "qualifier": self.qualifier,
            "value": _json_number(self.value),
            "low": _json_number(self.low),
            "high": _json_number(self.high),
            "interval": [_json_number(self.interval[0]), _json_number(self.interval[1])],
            "open_low": self.open_low,
            "open_high": self.open_high,
            "central_estimate": {"value": _json_number(self.central), "derived": self.central not in self.stated_numbers},
            "stated": self.stated,
            "derived": self.derived,
            "claimed_on": self.claimed_on,
            "claimed_on_precision": self.claimed_on_precision,
            "claim_id": self.claim_id,
            "document": self.document,
            "quote_page": self.quote_page,
            "via": self.via,
            "via_name": self.via_name,
            "status": self.status,
            "superseded": self.superseded,
            "origin": self.origin,
            "shares_origin": self.shares_origin,
            "review": self.review,
            "grade": self.grade,
        }

    @property
    def as_interval(self) -> Interval:
        return Interval(self.interval[0], self.interval[1], self.open_low, self.open_high)

    @property
    def stated_numbers(self) -> tuple[float, ...]:
        """The numbers the source gave: a value, a bound, a range's ends, or a vague word's bounds."""
        return tuple([n for n in (self.value, self.low, self.high) if n is not None])


@dataclass(frozen=True, slots=True)
class Agreement:
    """A largest group of sources whose figures all allow the numbers of ``band``."""

    sources: tuple[str, ...]
    band: Interval

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": list(self.sources),
            "low": _json_number(self.band.low),
            "high": _json_number(self.band.high),
            "open_low": self.band.open_low,
            "open_high": self.band.open_high,
        }


@dataclass(frozen=True, slots=True)
class Conflict:
    """Figures of sources ``a`` (the lower) and ``b`` that cannot both be right; ``gap`` separates them."""

    a: str
    b: str
    gap: float

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "gap": _json_number(self.gap)}


@dataclass(frozen=True, slots=True)
class Spread:
    """The smallest and largest numbers the sources stated, who stated them, and their ratio."""

    min: float
    max: float
    ratio: float | None
    min_source: str
    max_source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "min": _json_number(self.min),
            "max": _json_number(self.max),
            "ratio": self.ratio,
            "min_source": self.min_source,
            "max_source": self.max_source,
        }


_T = TypeVar("_T")
_NOT_YET: Any = object()


class _WorkedOut(Generic[_T]):
    """A dataclass field worked out from the instance when first read, unless given to the constructor.

    compare() builds a Comparison for every metric and population of an event, most of them with
    one or two figures; the agreements and the verdict are only needed for the comparisons shown,
    and working them out for every one is a large share of compare()'s own work. (A
    descriptor-typed field: the value given to the constructor reaches __set__.)
    """

    def __init__(self, work_out: Callable[[Any], _T]) -> None:
        self._work_out = work_out
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = f"_{name}_worked_out"

    def __get__(self, instance: object | None, owner: type | None = None) -> _T:
        if instance is None:
            return cast(_T, _NOT_YET)  # the field's default: work it out when read
        stored = instance.__dict__.get(self._name, _NOT_YET)
        if stored is _NOT_YET:
            stored = instance.__dict__[self._name] = self._work_out(instance)
        return cast(_T, stored)

    def __set__(self, instance: object, value: _T) -> None:
        # Only the dataclass's __init__ gets here: a frozen dataclass refuses assignment before.
        instance.__dict__[self._name] = value


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A source's figure that a team's policy (``reviewed_only``, ``exclude_grades``) kept out of a
    comparison: named, with the editors' review and grade, so that a reader knows the comparison
    shows fewer sources than the database holds. Its numbers are not repeated."""

    source: str
    source_name: str
    claim_id: str
    review: str
    grade: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "source_name": self.source_name, "claim_id": self.claim_id,
                "review": self.review, "grade": self.grade}


@dataclass(frozen=True)
class Comparison:
    """How the sources' figures for one event, metric and population compare.

    ``agreements``, ``outliers`` and ``verdict`` follow from the figures and are worked out when
    first read (see :class:`_WorkedOut`).
    """

    event: str
    event_name: str
    metric: str
    metric_name: str
    unit: str
    population: str | None
    tolerance: float
    as_of: str | None
    figures: list[ComparedFigure]
    spread: Spread | None
    consensus: tuple[float, float | None] | None
    conflicts: list[Conflict]
    independent_origins: int
    verdict: _WorkedOut[str] = _WorkedOut(lambda comparison: verdict_sentence(comparison))
    history: dict[str, list[ComparedFigure]] | None = None
    consensus_open_low: bool = False
    consensus_open_high: bool = False
    agreements: _WorkedOut[tuple[Agreement, ...]] = _WorkedOut(lambda comparison: _agreements(comparison.figures))
    outliers: _WorkedOut[tuple[str, ...]] = _WorkedOut(lambda comparison: _outliers(comparison))
    # The team's policy in words ("reviewed claims only", ...), and the figures it left out.
    policy: tuple[str, ...] = ()
    left_out: tuple[LeftOut, ...] = ()

    @property
    def sources_count(self) -> int:
        return len(self.figures)

    @property
    def consensus_band(self) -> Interval | None:
        """The numbers every figure allows, when there are two figures or more and they all overlap."""
        if self.consensus is None:
            return None
        return Interval(*self.consensus, open_low=self.consensus_open_low, open_high=self.consensus_open_high)

    @property
    def largest_agreement(self) -> Agreement | None:
        """The lowest of the largest groups that agree; None without figures."""
        return self.agreements[0] if self.agreements else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "event_name": self.event_name,
            "metric": self.metric,
            "metric_name": self.metric_name,
            "unit": self.unit,
            "population": self.population,
            "tolerance": self.tolerance,
            "as_of": self.as_of,
            "figures": [figure.to_dict() for figure in self.figures],
            "spread": self.spread.to_dict() if self.spread else None,
            "consensus": [_json_number(b) for b in self.consensus] if self.consensus else None,
            "consensus_open_low": self.consensus_open_low,
            "consensus_open_high": self.consensus_open_high,
            "largest_agreement": self.agreements[0].to_dict() if self.agreements else None,
            "largest_agreements": [agreement.to_dict() for agreement in self.agreements],
            "outliers": list(self.outliers),
            "conflicts": [conflict.to_dict() for conflict in self.conflicts],
            "independent_origins": self.independent_origins,
            "sources_count": self.sources_count,
            "verdict": self.verdict,
            "policy": list(self.policy),
            "left_out": [left.to_dict() for left in self.left_out],
            "history": (
                {source: [figure.to_dict() for figure in figures] for source, figures in self.history.items()}
                if self.history is not None
                else None
            ),
        }


# --- Public entry point ----------------------------------------------------------------------


@overload
def compare(
    db: str | os.PathLike[str] | Engine | sqlite3.Connection,
    event: str,
    metric: str,
    population: str | None = None,
    as_of: str | date | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    history: bool = False,
    reviewed_only: bool = False,
    exclude_grades: Sequence[str] = (),
) -> Comparison: ...


@overload
def compare(
    db: str | os.PathLike[str] | Engine | sqlite3.Connection,
    event: str,
    metric: None = None,
    population: str | None = None,
    as_of: str | date | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    history: bool = False,
    reviewed_only: bool = False,
    exclude_grades: Sequence[str] = (),
) -> list[Comparison]: ...


@overload
def compare(
    db: str | os.PathLike[str] | Engine | sqlite3.Connection,
    event: str,
    metric: str | None = None,
    population: str | None = None,
    as_of: str | date | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    history: bool = False,
    reviewed_only: bool = False,
    exclude_grades: Sequence[str] = (),
) -> Comparison | list[Comparison]: ...


def compare(
    db: str | os.PathLike[str] | Engine | sqlite3.Connection,
    event: str,
    metric: str | None = None,
    population: str | None = None,
    as_of: str | date | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    history: bool = False,
    reviewed_only: bool = False,
    exclude_grades: Sequence[str] = (),
) -> Comparison | list[Comparison]:
    """Compare the sources' figures for ``event`` (an id or a name, any case).

    With ``metric`` (id or name): one :class:`Comparison` of the figures with that ``population``
    (None: the figures without a population). Without: one comparison per metric and population
    of the event, narrowed to ``population`` when one is given.
    ``as_of`` (YYYY, YYYY-MM or YYYY-MM-DD) shows what was known on that date; ``history`` adds
    each source's earlier figures. ``reviewed_only`` leaves out claims the editors have not marked
    reviewed; ``exclude_grades`` leaves out claims they graded so (e.g. ``["discounted"]``).
    Raises :class:`CompareError` for an unknown event, metric or
    population, ``ValueError`` for a malformed date, tolerance or grade.

    ``db`` is a database path, an engine, or an open ``sqlite3`` connection (such as the one
    Datasette lends a plugin), whose queries then run as they are, in the caller's transaction
    and under the caller's time limit, if any.
    """
    known_on = parse_as_of(as_of)
    if not 0 <= tolerance < 1:
        raise ValueError(f"tolerance must be at least 0 and below 1, not {tolerance}")
    unknown = [grade for grade in exclude_grades if grade not in GRADES]
    if unknown:
        raise ValueError(f"unknown grade {unknown[0]!r}: the grades are {', '.join(GRADES)}")
    policy = _Policy(reviewed_only, frozenset(exclude_grades))
    if isinstance(db, sqlite3.Connection):
        return _compare(_DriverQueries(db), event, metric, population, known_on, tolerance, history, policy)
    if not isinstance(db, (str, os.PathLike)):  # an Engine: SQLAlchemy is loaded already
        with db.connect() as connection:
            return _compare(_EngineQueries(connection), event, metric, population, known_on, tolerance, history, policy)
    from factdb.db import opened

    with opened(db, readonly=True) as engine, engine.connect() as connection:
        return _compare(_EngineQueries(connection), event, metric, population, known_on, tolerance, history, policy)


@dataclass(frozen=True, slots=True)
class _Policy:
    """Which claims a team lets into its comparisons, by the editors' review and grade."""

    reviewed_only: bool = False
    exclude_grades: frozenset[str] = frozenset()

    def admits(self, row: _Row) -> bool:
        return (not self.reviewed_only or row.review == "reviewed") and row.grade not in self.exclude_grades

    @property
    def described(self) -> tuple[str, ...]:
        words: tuple[str, ...] = ("reviewed claims only",) if self.reviewed_only else ()
        if self.exclude_grades:
            words += ("claims graded " + " or ".join(sorted(self.exclude_grades)) + " excluded",)
        return words


# --- Loading ---------------------------------------------------------------------------------

class _Sql(NamedTuple):
    """A comparison's query, with :named parameters; ``expanding``: the one parameter, if any, that
    takes a list (``IN :name``); ``sqlite``: SQLite's own text of it, if it has one. Plain SQL rather
    than SQLAlchemy's ``text()``, so that comparing on an ``sqlite3`` connection (``factdb compare``,
    Datasette) does not load SQLAlchemy."""

    sql: str
    expanding: str | None = None
    sqlite: str | None = None


_EVENT_BY_ID = _Sql("SELECT id, name FROM events WHERE id = :key")
_EVENT_BY_LOWER = _Sql("SELECT id, name FROM events WHERE lower(id) = :key OR lower(name) = :key ORDER BY id")
_ALL_EVENTS = _Sql("SELECT id, name FROM events")
_ALL_METRICS = _Sql("SELECT id, name, unit FROM metrics")

# The columns are _Row's fields but the last, in order (see _load_rows). Read by event, from the
# covering indexes of migrations 0014 and 0015, each claim's source and document before its
# figures: SQLite joins in the order written when tables are CROSS JOINed, which keeps it from
# starting at the figures of the metric instead (tens of thousands at 1M claims, against an
# event's hundred or so), as it does on a database without statistics, as an import leaves it.
# PostgreSQL plans it as any join. SQLite is told to read a document's id from
# ix_documents_id_by_pk (it would read the row, among the documents' texts, by its rowid) and a
# source's name from ix_sources_name_by_id.
_FIGURES_SELECT = """
    SELECT f.metric_id, f.population, f.position, f.qualifier, f.value, f.low, f.high, f.stated, f.derived,
           c.pk AS claim_pk, c.id AS claim_id, c.source_id, s.name AS source_name,
           c.via_id, v.name AS via_name, c.claimed_on, c.claimed_on_precision, c.status,
           d.id AS document_id, c.quote_page, c.supersedes_pk, c.review_status, c.grade,
           EXISTS (SELECT 1 FROM claims x WHERE x.supersedes_pk = c.pk) AS superseded
    FROM claims c
    CROSS JOIN sources s{sources}
    CROSS JOIN documents d{documents}
    CROSS JOIN figures f
    LEFT JOIN sources v{sources} ON v.id = c.via_id
    WHERE c.event_id = :event AND s.id = c.source_id AND d.pk = c.document_pk AND f.claim_pk = c.pk
"""
_PLAIN = _FIGURES_SELECT.format(sources="", documents="")
_SQLITE = _FIGURES_SELECT.format(sources=" INDEXED BY ix_sources_name_by_id", documents=" INDEXED BY ix_documents_id_by_pk")
_EVENT_FIGURES = _Sql(_PLAIN, sqlite=_SQLITE)
_EVENT_METRIC_FIGURES = _Sql(_PLAIN + " AND f.metric_id = :metric", sqlite=_SQLITE + " AND f.metric_id = :metric")
_EVENT_GROUPS = _Sql(
    "SELECT DISTINCT f.metric_id, f.population FROM claims c JOIN figures f ON f.claim_pk = c.pk "
    "WHERE c.event_id = :event"
)
# When the claims that supersede the event's claims were made, wherever they are filed.
_SUPERSEDERS = _Sql(
    "SELECT supersedes_pk, claimed_on FROM claims "
    "WHERE supersedes_pk IN (SELECT pk FROM claims WHERE event_id = :event)"
)
# The part_of / member_of links of the given sources: one level up; compare() climbs level by level.
# The sources are taken from the figures already loaded: seeding from the claims table would read
# every claim row a second time.
_RELATIONS = _Sql("SELECT source_id, target_id FROM source_relations WHERE source_id IN :sources", expanding="sources")
# SQLite before 3.32 allows 999 parameters in one statement.
_MAX_PARAMETERS = 900


class _Result(Protocol):
    def all(self) -> Sequence[Any]: ...

    def first(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


class _Queries(Protocol):
    """What a comparison needs of a connection: :class:`_EngineQueries` or :class:`_DriverQueries`."""

    def execute(self, statement: _Sql, parameters: dict[str, Any] | None = None, /) -> _Result: ...


@dataclass(frozen=True, slots=True)
class _Rows:
    rows: list[tuple[Any, ...]]

    def all(self) -> list[tuple[Any, ...]]:
        return self.rows

    def first(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.rows)


@dataclass(frozen=True, slots=True)
class _DriverQueries:
    """The comparison's queries on a plain ``sqlite3`` connection, without an engine: SQLAlchemy's
    engine would register its own SQL functions on the connection and roll back its transaction
    when it first connects, and the connection may belong to someone else (Datasette)."""

    connection: sqlite3.Connection

    def execute(self, statement: _Sql, parameters: dict[str, Any] | None = None, /) -> _Rows:
        if statement.sqlite is not None:
            try:
                return self._run(statement.sqlite, statement.expanding, parameters)
            except sqlite3.OperationalError as error:
                if not _missing_index(error):
                    raise
        return self._run(statement.sql, statement.expanding, parameters)

    def _run(self, sql: str, expanding: str | None, parameters: dict[str, Any] | None) -> _Rows:
        values = dict(parameters or {})
        if expanding is not None:
            # One :name_N per value of the list, as SQLAlchemy's expanding parameters do.
            name = expanding
            items = list(values.pop(name))
            values.update((f"{name}_{n}", item) for n, item in enumerate(items))
            sql = sql.replace(f":{name}", "(" + ", ".join(f":{name}_{n}" for n in range(len(items))) + ")")
        cursor = self.connection.cursor()
        cursor.row_factory = None  # plain tuples, whatever the connection's row factory
        return _Rows(cursor.execute(sql, values).fetchall())


@dataclass(frozen=True, slots=True)
class _EngineQueries:
    """The comparison's queries on a SQLAlchemy connection (any database SQLAlchemy speaks)."""

    connection: Connection

    def execute(self, statement: _Sql, parameters: dict[str, Any] | None = None, /) -> _Result:
        if statement.sqlite is not None and self.connection.dialect.name == "sqlite":
            from sqlalchemy.exc import OperationalError

            try:
                return self.connection.execute(_text(statement.sqlite, statement.expanding), parameters or {})
            except OperationalError as error:
                if not _missing_index(error.orig):
                    raise
        return self.connection.execute(_text(statement.sql, statement.expanding), parameters or {})


def _missing_index(error: BaseException | None) -> bool:
    """True when SQLite refused a query for an index it names (``INDEXED BY``) that the file lacks:
    a connection lent by someone else may hold a database of an earlier schema."""
    return isinstance(error, sqlite3.OperationalError) and str(error).startswith("no such index")


_TEXTS: dict[tuple[str, str | None], TextClause] = {}


def _text(sql: str, expanding: str | None) -> TextClause:
    """SQLAlchemy's form of a query, made once."""
    clause = _TEXTS.get((sql, expanding))
    if clause is None:
        from sqlalchemy import bindparam, text

        clause = text(sql)
        if expanding is not None:
            clause = clause.bindparams(bindparam(expanding, expanding=True))
        _TEXTS[(sql, expanding)] = clause
    return clause


class _Row(NamedTuple):
    """One figure of one claim, as loaded."""

    metric: str
    population: str | None
    position: int
    qualifier: str
    value: float | None
    low: float | None
    high: float | None
    stated: str
    derived: str | None  # how a figure no quote states was computed (figures.derived)
    claim_pk: int
    claim_id: str
    source: str
    source_name: str
    via: str | None
    via_name: str | None
    claimed_on: str
    claimed_on_precision: str
    status: str
    document: str
    quote_page: int | None  # the page of a paged original the quote is on
    supersedes_pk: int | None
    review: str
    grade: str | None
    superseded: bool  # a later claim replaces this one (SQLite says 0 or 1); last: _load_rows reads it as r[-1]
    superseded_on: tuple[str, ...]  # when the later claims were made; loaded for as_of only

    @property
    def recency(self) -> tuple[str, int, int]:
        # Latest claimed_on wins, then the claim imported last, then the claim's first figure.
        return (self.claimed_on, self.claim_pk, -self.position)


_CLAIM_PK = _Row._fields.index("claim_pk")


def _compare(
    connection: _Queries,
    event_key: str,
    metric_key: str | None,
    population: str | None,
    as_of: str | None,
    tolerance: float,
    history: bool,
    policy: _Policy = _Policy(),
) -> Comparison | list[Comparison]:
    event_id, event_name = _resolve_event(connection, event_key)
    metrics = {metric_id: (name, unit) for metric_id, name, unit in connection.execute(_ALL_METRICS)}
    metric_id = _resolve_metric(metric_key, metrics) if metric_key is not None else None
    rows = _load_rows(connection, event_id, metric_id, as_of)
    groups: dict[tuple[str, str | None], list[_Row]] = defaultdict(list)
    for row in rows:
        groups[(row.metric, row.population)].append(row)
    if metric_id is not None:
        keys = [_find_population(connection, event_id, metric_id, population, groups)]
    else:
        keys = _population_keys(connection, event_id, population, groups)
    lineage = _Lineage(_parents(connection, rows))
    comparisons = [
        _build_comparison(
            event_id, event_name, metric, *metrics[metric], group_population,
            groups[(metric, group_population)], lineage, as_of, tolerance, history, policy,
        )
        for metric, group_population in keys
    ]
    return comparisons[0] if metric_id is not None else comparisons


def _load_rows(connection: _Queries, event_id: str, metric_id: str | None, as_of: str | None) -> list[_Row]:
    if metric_id is None:
        raw = connection.execute(_EVENT_FIGURES, {"event": event_id}).all()
    else:
        raw = connection.execute(_EVENT_METRIC_FIGURES, {"event": event_id, "metric": metric_id}).all()
    superseders: dict[int, tuple[str, ...]] = {}
    # Only as_of asks when a claim was superseded; otherwise that it was (the last column) is enough.
    if as_of is not None and any(r[-1] for r in raw):
        for superseded_pk, claimed_on in connection.execute(_SUPERSEDERS, {"event": event_id}):
            superseders[superseded_pk] = (*superseders.get(superseded_pk, ()), claimed_on)
    # The SELECT lists _Row's fields but the last, in order: a row is made from the tuple as it
    # comes, without reading each column of a result row by name (the comparison's hot loop).
    return [_Row._make((*r, superseders.get(r[_CLAIM_PK], ()))) for r in raw]


def _parents(connection: _Queries, rows: Sequence[_Row]) -> dict[str, set[str]]:
    """The part_of / member_of links above the sources and relayers of ``rows``, however deep.

    One plain query per level rather than one recursive query: hierarchies of sources are a few
    levels deep, and SQLite's recursive query builds temporary tables, which cost a new process
    (``factdb compare``) more than the two or three small queries do.
    """
    level = {row.source for row in rows} | {row.via for row in rows if row.via is not None}
    reached = set(level)
    parents: dict[str, set[str]] = defaultdict(set)
    while level:
        sources = list(level)
        level = set()
        for start in range(0, len(sources), _MAX_PARAMETERS):
            chunk = sources[start : start + _MAX_PARAMETERS]
            for source_id, target_id in connection.execute(_RELATIONS, {"sources": chunk}):
                parents[source_id].add(target_id)
                if target_id not in reached:
                    reached.add(target_id)
                    level.add(target_id)
    return parents


# --- Lookup with helpful errors --------------------------------------------------------------


def _resolve_event(connection: _Queries, key: str) -> tuple[str, str]:
    row = connection.execute(_EVENT_BY_ID, {"key": key}).first()
    if row is None:
        row = connection.execute(_EVENT_BY_LOWER, {"key": key.lower()}).first()
    if row is not None:
        return row[0], row[1]
    # SQL lower() folds ASCII only; names with accents are matched here, and suggestions made.
    events = {event_id: name for event_id, name in connection.execute(_ALL_EVENTS)}
    for event_id, name in events.items():
        if key.casefold() in (event_id.casefold(), name.casefold()):
            return event_id, name
    raise CompareError(f"No event '{key}'. {_suggest(key, events)}")


def _resolve_metric(key: str, metrics: Mapping[str, tuple[str, str]]) -> str:
    folded = key.casefold()
    for metric_id, (name, _unit) in metrics.items():
        if folded in (metric_id.casefold(), name.casefold()):
            return metric_id
    raise CompareError(f"No metric '{key}'. {_suggest(key, {m: name for m, (name, _) in metrics.items()})}")


def _find_population(
    connection: _Queries,
    event_id: str,
    metric_id: str,
    population: str | None,
    groups: Mapping[tuple[str, str | None], list[_Row]],
) -> tuple[str, str | None]:
    wanted = population.casefold() if population is not None else None
    for metric, group_population in groups:
        if (group_population.casefold() if group_population is not None else None) == wanted:
            return metric, group_population
    described = f"population '{population}'" if population is not None else "no population"
    if not groups:
        described = "any population" if population is None else described
    raise CompareError(
        f"No figures for metric '{metric_id}' with {described} about event '{event_id}'. "
        f"{_available(connection, event_id)}"
    )


def _population_keys(
    connection: _Queries,
    event_id: str,
    population: str | None,
    groups: Mapping[tuple[str, str | None], list[_Row]],
) -> list[tuple[str, str | None]]:
    wanted = population.casefold() if population is not None else None
    keys = [k for k in groups if wanted is None or (k[1] or "").casefold() == wanted]
    if wanted is not None and not keys:
        raise CompareError(
            f"No figures for population '{population}' about event '{event_id}'. {_available(connection, event_id)}"
        )
    return sorted(keys, key=lambda k: (k[0], k[1] or ""))


def _available(connection: _Queries, event_id: str) -> str:
    groups = connection.execute(_EVENT_GROUPS, {"event": event_id}).all()
    labels = sorted(_label(metric, population) for metric, population in groups)
    if not labels:
        return "This event has no figures."
    return "This event has figures for: " + ", ".join(labels) + "."


def _label(metric: str, population: str | None) -> str:
    return f"{metric} ({population})" if population else metric


def _suggest(key: str, names: Mapping[str, str]) -> str:
    """Closest ids or names to ``key``: substrings first, then difflib's nearest."""
    import difflib  # for an error's suggestions: not loaded for every comparison

    folded = key.casefold()
    by_text: dict[str, str] = {}
    for identifier, name in names.items():
        by_text.setdefault(identifier.casefold(), identifier)
        by_text.setdefault(name.casefold(), identifier)
    matches = [by_text[t] for t in sorted(by_text) if folded and folded in t]
    matches += [by_text[t] for t in difflib.get_close_matches(folded, list(by_text), n=5)]
    unique = list(dict.fromkeys(matches))[:5]
    if not unique:
        return "No similar ids or names."
    return "Closest matches: " + ", ".join(f"{i} ({names[i]})" for i in unique) + "."


_AS_OF = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def parse_as_of(as_of: str | date | None) -> str | None:
    if as_of is None:
        return None
    if isinstance(as_of, date):
        return as_of.isoformat()
    if _AS_OF.fullmatch(as_of):
        year, month, day = (as_of.split("-") + ["01", "01"])[:3]
        try:
            date(int(year), int(month), int(day))
            return as_of
        except ValueError:
            pass
    raise ValueError(f"as_of must be a date written YYYY, YYYY-MM or YYYY-MM-DD, not '{as_of}'")


# --- Selection: which figure represents each source ------------------------------------------


def _known(claimed_on: str, as_of: str | None) -> bool:
    """A claim is known on ``as_of`` when its claimed_on period has started by the end of ``as_of``.

    Comparing the claim's date cut to the length of ``as_of`` does exactly that: a claim of
    "2019-12" is known on 2019-12-01, one of "2019-12-16" is not; "as of 2019-12" includes both.
    """
    return as_of is None or claimed_on[: len(as_of)] <= as_of


def _is_superseded(row: _Row, as_of: str | None) -> bool:
    if not row.superseded:
        return False
    return as_of is None or any(_known(on, as_of) for on in row.superseded_on)


def _select_latest(rows: Sequence[_Row], as_of: str | None) -> dict[str, _Row]:
    latest: dict[str, _Row] = {}
    for row in rows:
        if row.status == "retracted" or not _known(row.claimed_on, as_of) or _is_superseded(row, as_of):
            continue
        current = latest.get(row.source)
        if current is None or row.recency > current.recency:
            latest[row.source] = row
    return latest


def _history(rows: Sequence[_Row], as_of: str | None, tolerance: float) -> dict[str, list[ComparedFigure]]:
    """Each source's known figures, oldest first; a revision always comes after what it revises."""
    known = [r for r in rows if r.status != "retracted" and _known(r.claimed_on, as_of)]
    by_pk = {r.claim_pk: r for r in known}

    def order(row: _Row, depth: int = 0) -> tuple[tuple[str, int, int], int]:
        # A month-dated revision ("2019-12") of a claim of 2019-12-20 sorts after that claim.
        revised = by_pk.get(row.supersedes_pk) if row.supersedes_pk is not None else None
        if revised is None or depth > len(known):
            return (row.recency, 0)
        earlier, steps = order(revised, depth + 1)
        return (max(row.recency, earlier), steps + 1)

    trajectories: dict[str, list[ComparedFigure]] = {}
    for row in sorted(known, key=lambda r: (r.source, order(r))):
        trajectories.setdefault(row.source, []).append(_compared(row, tolerance, _is_superseded(row, as_of)))
    return trajectories


def _compared(
    row: _Row,
    tolerance: float,
    superseded: bool = False,
    origin: str | None = None,
    shares_origin: bool = False,
) -> ComparedFigure:
    interval = figure_interval(row.qualifier, row.value, row.low, row.high, tolerance)
    # ComparedFigure's fields in order: a frozen dataclass takes positional arguments faster, and
    # a comparison makes one per source and metric.
    return ComparedFigure(
        row.source, row.source_name, row.qualifier, row.value, row.low, row.high, (interval.low, interval.high),
        interval.open_low, interval.open_high, central_value(row.value, interval), row.stated, row.claimed_on,
        row.claimed_on_precision, row.claim_id, row.document, row.via, row.via_name, row.status, superseded, origin,
        shares_origin, row.derived, row.quote_page, row.review, row.grade,
    )


# --- Independence ----------------------------------------------------------------------------


class _Lineage:
    """The part_of / member_of links above an event's sources, and what follows from them.

    Every metric and population of an event meets the same sources again, so what a source
    reaches, and the origin above it, is worked out once per call.
    """

    def __init__(self, parents: Mapping[str, set[str]]) -> None:
        self.parents = parents
        self._ancestors: dict[str, frozenset[str]] = {}
        self._reach: dict[tuple[str, str | None], frozenset[str]] = {}
        self._top: dict[str, str] = {}

    def ancestors(self, source: str) -> frozenset[str]:
        """``source`` and every source above it through part_of / member_of."""
        found = self._ancestors.get(source)
        if found is None:
            found = self._ancestors[source] = frozenset(_ancestors(source, self.parents))
        return found

    def reach(self, source: str, via: str | None) -> frozenset[str]:
        """The sources a figure links: its source, the source it was relayed through, all above them."""
        if not via:
            return self.ancestors(source)
        found = self._reach.get((source, via))
        if found is None:
            found = self._reach[(source, via)] = self.ancestors(source) | self.ancestors(via)
        return found

    def top(self, source: str) -> str:
        """The topmost source above ``source`` (alphabetically first of several), else ``source``."""
        found = self._top.get(source)
        if found is None:
            tops = [a for a in self.ancestors(source) if not self.parents.get(a)]
            found = self._top[source] = min(tops) if tops else source
        return found


def _origins(figures: Sequence[_Row], lineage: _Lineage) -> dict[str, str]:
    """Each figure source's origin: sources linked by part_of/member_of or by a ``via`` share one.

    The origin named is the topmost source above the figure sources of the group
    (alphabetically first when there are several), so the MEK's figures trace back to the NCRI.
    Two figures are linked when what they reach overlaps (see :meth:`_Lineage.reach`).
    """
    if len(figures) < 2:
        return {figure.source: lineage.top(figure.source) for figure in figures}
    leader = {figure.source: figure.source for figure in figures}

    def find(source: str) -> str:
        while leader[source] != source:
            leader[source] = leader[leader[source]]
            source = leader[source]
        return source

    reached_first_by: dict[str, str] = {}
    for figure in figures:
        for node in lineage.reach(figure.source, figure.via):
            other = reached_first_by.setdefault(node, figure.source)
            if other != figure.source:
                leader[find(other)] = find(figure.source)
    origin_of_root: dict[str, str] = {}
    for source in leader:
        root, top = find(source), lineage.top(source)
        if root not in origin_of_root or top < origin_of_root[root]:
            origin_of_root[root] = top
    return {source: origin_of_root[find(source)] for source in leader}


def _ancestors(source: str, parents: Mapping[str, set[str]]) -> set[str]:
    """``source`` and every source above it through part_of / member_of."""
    found = {source}
    stack = [source]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in found:
                found.add(parent)
                stack.append(parent)
    return found


# --- Verdicts --------------------------------------------------------------------------------


def _build_comparison(
    event_id: str,
    event_name: str,
    metric_id: str,
    metric_name: str,
    unit: str,
    population: str | None,
    rows: Sequence[_Row],
    lineage: _Lineage,
    as_of: str | None,
    tolerance: float,
    history: bool,
    policy: _Policy = _Policy(),
) -> Comparison:
    left_out: tuple[LeftOut, ...] = ()
    described = policy.described
    if described:
        everything = rows
        rows = [row for row in rows if policy.admits(row)]
    chosen = list(_select_latest(rows, as_of).values())
    if described:
        shown = {row.claim_id for row in chosen}
        left_out = tuple(sorted(
            (LeftOut(row.source, row.source_name, row.claim_id, row.review, row.grade)
             for row in _select_latest(everything, as_of).values() if row.claim_id not in shown),
            key=lambda left: (left.source_name, left.claim_id)))
    origins = _origins(chosen, lineage)
    per_origin: dict[str, int] = defaultdict(int)
    for origin in origins.values():
        per_origin[origin] += 1
    figures = sorted(
        (
            _compared(row, tolerance, origin=origins[row.source], shares_origin=per_origin[origins[row.source]] > 1)
            for row in chosen
        ),
        key=lambda f: (f.central, f.source),
    )
    conflicts = _conflicts(figures)
    # Intervals that overlap pairwise share a number (Helly, on a line).
    consensus = intersection([f.as_interval for f in figures]) if len(figures) > 1 and not conflicts else None
    return Comparison(
        event=event_id,
        event_name=event_name,
        metric=metric_id,
        metric_name=metric_name,
        unit=unit,
        population=population,
        tolerance=tolerance,
        as_of=as_of,
        figures=figures,
        spread=_spread(figures),
        consensus=(consensus.low, consensus.high) if consensus else None,
        consensus_open_low=consensus.open_low if consensus else False,
        consensus_open_high=consensus.open_high if consensus else False,
        conflicts=conflicts,
        independent_origins=len(per_origin),
        history=_history(rows, as_of, tolerance) if history else None,
        policy=described,
        left_out=left_out,
    )


def _conflicts(figures: Sequence[ComparedFigure]) -> list[Conflict]:
    if len(figures) < 2:
        return []
    intervals = [f.as_interval for f in figures]
    return [
        Conflict(figures[i].source, figures[j].source, _clean(intervals[i].gap_to(intervals[j])))
        for i in range(len(figures))
        for j in range(i + 1, len(figures))
        if not intervals[i].overlaps(intervals[j])
    ]


def _agreements(figures: Sequence[ComparedFigure]) -> tuple[Agreement, ...]:
    intervals = [f.as_interval for f in figures]
    return tuple(
        Agreement(tuple(figures[k].source for k in group), intersection([intervals[k] for k in group]))
        for group in largest_agreements(intervals)
    )


def _outliers(comparison: Comparison) -> tuple[str, ...]:
    agreeing = {source for agreement in comparison.agreements for source in agreement.sources}
    return tuple(f.source for f in comparison.figures if f.source not in agreeing)


def _spread(figures: Sequence[ComparedFigure]) -> Spread | None:
    """The smallest and largest stated numbers; on a tie the first figure (figures are in order)."""
    if not figures:
        return None
    smallest = largest = figures[0]
    numbers = smallest.stated_numbers
    low, high = (numbers[0], numbers[0]) if len(numbers) == 1 else (min(numbers), max(numbers))
    for figure in figures[1:]:
        numbers = figure.stated_numbers
        if min(numbers) < low:
            smallest, low = figure, min(numbers)
        if max(numbers) > high:
            largest, high = figure, max(numbers)
    ratio = round(high / low, 2) if low > 0 else None
    return Spread(low, high, ratio, smallest.source, largest.source)


# --- Wording: one sentence for the table, JSON, CSV and the Datasette page ----------------------


def verdict_sentence(comparison: Comparison) -> str:
    """The comparison in one sentence, built from who agrees on what (the cases in docs/compare.md).

    Every figure is attributed to its source in the source's own words; the only other numbers are
    the bands the sources' figures share and the least distance to a band. When a team's policy
    left figures out, the sentence says it speaks of the figures shown only.
    """
    sentence = _verdict_of_figures(comparison)
    return sentence + " among the figures the policy admits" if comparison.left_out else sentence


def _verdict_of_figures(comparison: Comparison) -> str:
    figures = comparison.figures
    if not figures:
        return f"No source had given a figure by {comparison.as_of}" if comparison.as_of else "No source gives a figure"
    if len(figures) == 1:
        return f"Only one source ({figures[0].source_name}) gives a figure"
    agreements = comparison.agreements
    size = len(agreements[0].sources) if agreements else 0
    if size < 2:
        return _apart_words(figures)
    if size == len(figures):
        who = "Both sources'" if size == 2 else f"All {size} sources'"
        return f"{who} figures are consistent with {band_words(agreements[0].band)}"
    if len(agreements) == 1:
        return _one_group_words(comparison, agreements[0])
    return _groups_words(comparison)


def figure_words(figure: ComparedFigure) -> str:
    """What the source said; vague words with the numbers factdb reads them as: "dozens (24–99)"."""
    if figure.qualifier == "vague":
        return f"{figure.stated} ({band_words(figure.as_interval)})"
    return figure.stated


def band_words(band: Interval) -> str:
    """A band of numbers in words: "500–520", "500", "300 or more", "1,500–1,650, excluding 1,500"."""
    low, high = format_number(band.low), format_number(band.high)
    if band.high is None:
        return f"more than {low}" if band.open_low else f"{low} or more"
    if band.low == 0 and not band.open_low:
        return f"fewer than {high}" if band.open_high else f"{high} or fewer"
    if band.low == band.high:
        return low
    excluded = [bound for bound, open_ in ((low, band.open_low), (high, band.open_high)) if open_]
    if len(excluded) == 2:
        return f"{low}–{high}, excluding both ends"
    return f"{low}–{high}" + "".join(f", excluding {bound}" for bound in excluded)


def spread_words(comparison: Comparison) -> str | None:
    """The smallest and largest numbers stated, each with its source: "180 (Provincial Governor) to 1,500 (…)".

    A vague word's bound is shown with the word ("dozens: 24–99"); None for fewer than two figures.
    """
    spread = comparison.spread
    if spread is None or len(comparison.figures) < 2:
        return None
    by_source = {f.source: f for f in comparison.figures}
    return (
        f"{_spread_end(spread.min, by_source[spread.min_source])} to "
        f"{_spread_end(spread.max, by_source[spread.max_source])}"
    )


def figure_standing(comparison: Comparison, figure: ComparedFigure) -> str:
    """Where one figure stands, for its row on the Datasette page: "In the largest agreement (500–520)"."""
    agreements = comparison.agreements
    if len(comparison.figures) < 2:
        return "The only figure"
    if not agreements or len(agreements[0].sources) < 2:
        return "Overlaps no other figure"
    if len(agreements[0].sources) == len(comparison.figures):
        return "Consistent with every other figure"
    bands = [band_words(a.band) for a in agreements if figure.source in a.sources]
    if bands:
        article = "the" if len(agreements) == 1 else "a"
        return f"In {article} largest agreement ({'; '.join(bands)})"
    if len(agreements) > 1:
        return "In none of the largest agreements"
    side, distance = _beside(figure, agreements[0].band)
    return f"{side.capitalize()} the largest agreement ({band_words(agreements[0].band)}){distance}"


def _spread_end(number: float, figure: ComparedFigure) -> str:
    shown = f"{figure.stated}: {band_words(figure.as_interval)}" if figure.qualifier == "vague" else format_number(number)
    return f"{shown} ({figure.source_name})"


def _apart_words(figures: Sequence[ComparedFigure]) -> str:
    """No two figures overlap, so ordering them by where they begin orders them fully.

    Not by central estimate: "less than 300" and "300" have the same one.
    """
    ordered = sorted(figures, key=lambda f: (f.interval[0], f.open_low))
    lowest, highest = ordered[0], ordered[-1]
    if len(figures) == 2:
        return f"The two figures do not overlap: {_outside_words(lowest, highest.as_interval, _said(highest))}"
    return (
        f"No two of the {len(figures)} sources' figures overlap; "
        f"they run from {_said(lowest)} to {_said(highest)}"
    )


def _one_group_words(comparison: Comparison, group: Agreement) -> str:
    sentence = (
        f"{len(group.sources)} of {len(comparison.figures)} sources' figures ({_names(comparison, group.sources)}) "
        f"are consistent with {band_words(group.band)}"
    )
    outside = [f for f in comparison.figures if f.source in comparison.outliers]
    if len(outside) > MAX_NAMED_OUTLIERS:
        below = sum(f.as_interval.lies_below(group.band) for f in outside)
        return sentence + f"; the other {len(outside)} lie outside that band ({below} below it, {len(outside) - below} above)"
    return "; ".join([sentence, *(_outside_words(f, group.band, "that") for f in outside)])


def _groups_words(comparison: Comparison) -> str:
    """Several groups of the same largest size: name each, then who belongs to none."""
    groups = comparison.agreements
    size = len(groups[0].sources)
    first, *others = groups[:MAX_NAMED_GROUPS]
    clauses = [
        f"{size} of {len(comparison.figures)} sources' figures ({_names(comparison, first.sources)}) "
        f"are consistent with {band_words(first.band)}",
        *(f"{size} ({_names(comparison, g.sources)}) with {band_words(g.band)}" for g in others),
    ]
    more = len(groups) - MAX_NAMED_GROUPS
    if more > 0:
        clauses.append(f"{more} more {'group' if more == 1 else 'groups'} of {size}")
    # A band can hold a comma ("500–550, excluding 500"), so the last clause always gets ", and".
    sentence = ", ".join(clauses[:-1]) + ", and " + clauses[-1]
    outside = [f for f in comparison.figures if f.source in comparison.outliers]
    where = "in neither group" if len(groups) == 2 else "in none of these groups"
    if not outside:
        return sentence
    if len(outside) > MAX_NAMED_OUTLIERS:
        return sentence + f"; the other {len(outside)} are {where}"
    verb = "is" if len(outside) == 1 else "are"
    return sentence + f"; {_listed([_said(f) for f in outside])} {verb} {where}"


def _listed(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b, and c"."""
    if len(items) < 3:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _outside_words(figure: ComparedFigure, band: Interval, band_name: str) -> str:
    """"X's about 200 is below that by at least 280"."""
    side, distance = _beside(figure, band)
    return f"{_said(figure)} is {side} {band_name}{distance}"


def _beside(figure: ComparedFigure, band: Interval) -> tuple[str, str]:
    """("below" or "above", " by at least 280"): the least distance, never more than the figures allow."""
    interval = figure.as_interval
    gap = _clean(interval.gap_to(band))
    distance = f" by at least {format_number(gap)}" if gap > 0 else ", without overlapping"
    return ("below" if interval.lies_below(band) else "above"), distance


def _said(figure: ComparedFigure) -> str:
    return f"{_possessive(figure.source_name)} {figure_words(figure)}"


def _names(comparison: Comparison, sources: Sequence[str]) -> str:
    names = {f.source: f.source_name for f in comparison.figures}
    shown = ", ".join(names[source] for source in sources[:MAX_NAMED_IN_GROUP])
    more = len(sources) - MAX_NAMED_IN_GROUP
    return shown + (f" and {more} more" if more > 0 else "")


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


# --- Numbers ---------------------------------------------------------------------------------


def _clean(number: float) -> float:
    """Drop floating-point noise (1500 × 1.1 = 1650.0000000000002)."""
    return round(number, 6)


def _json_number(number: float | None) -> Number | None:
    if number is None:
        return None
    number = _clean(number)
    return int(number) if float(number).is_integer() else number


def format_number(number: float | None) -> str:
    """1,500 / 334.4 / ∞, for people rather than programs."""
    if number is None:
        return INFINITY
    number = _clean(number)
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def format_interval(figure: ComparedFigure) -> str:
    low, high = figure.interval
    left = "(" if figure.open_low else "["
    right = ")" if figure.open_high or high is None else "]"
    return f"{left}{format_number(low)} – {format_number(high)}{right}"


# --- Output formats --------------------------------------------------------------------------


def render_table(comparisons: Sequence[Comparison]) -> str:
    """Aligned, human-readable comparisons with their verdicts (``factdb compare`` default)."""
    return "\n\n".join(_table(comparison) for comparison in comparisons)


def _review_words(left: LeftOut) -> str:
    return left.review + (f", graded {left.grade}" if left.grade else "")


def _table(c: Comparison) -> str:
    subject = _label(c.metric_name, c.population) + f" [{c.metric}]"
    lines = [f"{c.event_name} [{c.event}]: {subject}"]
    settings = f"Tolerance for 'approximately' and 'nearly': ±{format_number(c.tolerance * 100)}%"
    lines.append(settings + (f". As known on {c.as_of}." if c.as_of else "."))
    lines.append("")
    if c.figures:
        header = ("source", "stated", "qualifier", "interval", "claimed on", "origin")
        rows = [_table_row(f) for f in c.figures]
        lines += _aligned([header, *rows])
        if any(f.shares_origin for f in c.figures):
            lines.append("* shares an origin with another figure above: not independent")
        lines.append("")
        lines += _summary_lines(c)
    if c.policy:
        lines.append(f"Shown: {'; '.join(c.policy)}.")
    if c.left_out:
        named = "; ".join(f"{left.source_name} ({_review_words(left)})" for left in c.left_out)
        lines.append(f"Left out by that policy, the figure{'s' if len(c.left_out) > 1 else ''} of: {named}.")
    lines.append(f"Verdict: {c.verdict}.")
    if c.history:
        lines += ["", "History (oldest first):"]
        rows = [
            (f.source_name if i == 0 else "", f.claimed_on, _stated(f), format_interval(f), "superseded" if f.superseded else "")
            for figures in c.history.values()
            for i, f in enumerate(figures)
        ]
        lines += ["  " + line for line in _aligned(rows)]
    return "\n".join(lines)


def _stated(f: ComparedFigure) -> str:
    return f.stated + (" (derived)" if f.derived is not None else "") + (f" ({f.status})" if f.status != "active" else "")


def _table_row(f: ComparedFigure) -> tuple[str, ...]:
    source = f.source_name + (f" (via {f.via_name or f.via})" if f.via else "")
    origin = (f.origin or "") + (" *" if f.shares_origin else "")
    return (source, _stated(f), f.qualifier, format_interval(f), f.claimed_on, origin)


def _aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def _summary_lines(c: Comparison) -> list[str]:
    names = {f.source: f.source_name for f in c.figures}
    lines = []
    spread = spread_words(c)
    if spread is not None and c.spread is not None:
        ratio = f", ratio {c.spread.ratio:.2f}" if c.spread.ratio is not None else ""
        lines.append(f"Spread of the numbers stated: {spread}{ratio}")
    if c.consensus is not None:
        low, high = c.consensus
        band = f"{'(' if c.consensus_open_low else '['}{format_number(low)} – {format_number(high)}"
        lines.append(f"Consensus band: {band}{')' if c.consensus_open_high or high is None else ']'}")
    for conflict in c.conflicts[:MAX_CONFLICT_LINES]:
        lines.append(
            f"Conflict: {names[conflict.a]} and {names[conflict.b]} do not overlap "
            f"(gap {format_number(conflict.gap)})"
        )
    if len(c.conflicts) > MAX_CONFLICT_LINES:
        lines.append(f"... and {len(c.conflicts) - MAX_CONFLICT_LINES} more conflicting pairs (see --format json)")
    lines.append(f"Independent origins: {c.independent_origins} for {_count(len(c.figures), 'source')}")
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


CSV_COLUMNS = (
    "event", "metric", "population", "source", "source_name", "qualifier", "stated", "value", "low",
    "high", "interval_low", "interval_high", "open_low", "open_high", "claimed_on", "claim_id",
    "document", "via", "origin", "shares_origin", "latest", "superseded", "in_largest_agreement", "verdict", "derived",
)


def render_csv(comparisons: Sequence[Comparison]) -> str:
    """One row per figure; with history, earlier figures too (``latest`` = 0).

    Text that a spreadsheet would run as a formula gets a leading ``'`` (:mod:`factdb.csv_cells`).
    """
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in comparisons:
        chosen = {f.claim_id for f in c.figures}
        agreeing = {source for agreement in c.agreements for source in agreement.sources}
        origins = {f.source: (f.origin, f.shares_origin) for f in c.figures}
        figures = [f for fs in c.history.values() for f in fs] if c.history is not None else c.figures
        for f in figures:
            origin, shared = origins.get(f.source, (None, False))
            text = spreadsheet_text
            writer.writerow(
                [
                    text(c.event), text(c.metric), text(c.population or ""), text(f.source), text(f.source_name),
                    f.qualifier, text(f.stated),
                    *(_csv_number(n) for n in (f.value, f.low, f.high, f.interval[0], f.interval[1])),
                    int(f.open_low), int(f.open_high), f.claimed_on, text(f.claim_id), text(f.document),
                    text(f.via or ""), text(origin or ""), int(shared), int(f.claim_id in chosen), int(f.superseded),
                    int(f.claim_id in chosen and f.source in agreeing), c.verdict, text(f.derived or ""),
                ]
            )
    return out.getvalue()


def _csv_number(number: float | None) -> str:
    value = _json_number(number)
    return "" if value is None else str(value)
