"""What the database holds, read back as plain frozen values: the queries behind ``Database.claims()``,
``.sources()``, ``.events()``, ``.metrics()`` and ``.documents()``.

The fields use the import format's names (a claim's ``source``, ``document`` and ``event`` are
ids; an event's ``start`` and ``end`` are ISO date prefixes), so what a program reads back is what
it would write in an import file. Each function streams from the connection it is given and
orders by id, as ``factdb export`` does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, select

from factdb.models import Claim, Document, Event, Figure, Metric, Source, SourceAlias, SourceRelation

# Claims are read this many at a time, each page with one query for its figures: memory stays flat
# however many claims match, and a small ``limit`` does not make SQLite sort every figure first.
CLAIMS_PER_QUERY = 500


@dataclass(frozen=True, slots=True)
class StoredSource:
    """A source: who makes claims. ``part_of`` / ``member_of`` hold the ids of other sources."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    url: str | None
    country: str | None
    description: str | None
    part_of: tuple[str, ...]
    member_of: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event claims are about; ``start`` and ``end`` are ISO date prefixes (``2019-11``)."""

    id: str
    name: str
    description: str | None
    start: str | None
    end: str | None
    parent: str | None


@dataclass(frozen=True, slots=True)
class StoredMetric:
    """What figures count (``killed``) and in which unit."""

    id: str
    name: str
    unit: str
    description: str | None


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document with its archived text; ``publisher`` is a source id."""

    id: str
    title: str
    author: str | None
    publisher: str | None
    published: str | None
    url: str | None
    language: str | None
    text: str


@dataclass(frozen=True, slots=True)
class StoredFigure:
    """A number inside a claim: the phrase as stated and the bounds it was read as."""

    metric: str
    population: str | None
    qualifier: str
    value: float | None
    low: float | None
    high: float | None
    stated: str


@dataclass(frozen=True, slots=True)
class StoredClaim:
    """One claim with its figures, in the order the claim states them."""

    id: str
    document: str
    source: str
    via: str | None
    event: str | None
    claimed_on: str
    quote: str
    statement: str | None
    supersedes: str | None
    status: str
    figures: tuple[StoredFigure, ...]
    quote_page: int | None = None  # the page of the document's archived original (a PDF) the quote is on


def sources(connection: Connection) -> Iterator[StoredSource]:
    aliases: dict[str, list[str]] = {}
    for source_id, alias in connection.execute(select(SourceAlias.source_id, SourceAlias.alias).order_by(SourceAlias.alias)):
        aliases.setdefault(source_id, []).append(alias)
    related: dict[tuple[str, str], list[str]] = {}
    relations = select(SourceRelation.source_id, SourceRelation.relation, SourceRelation.target_id).order_by(SourceRelation.target_id)
    for source_id, relation, target in connection.execute(relations):
        related.setdefault((source_id, relation), []).append(target)
    for row in connection.execute(select(Source.__table__).order_by(Source.id)):
        yield StoredSource(
            row.id, row.name, row.kind, tuple(aliases.get(row.id, ())), row.url, row.country, row.description,
            tuple(related.get((row.id, "part_of"), ())), tuple(related.get((row.id, "member_of"), ())),
        )


def events(connection: Connection) -> Iterator[StoredEvent]:
    for row in connection.execute(select(Event.__table__).order_by(Event.id)):
        yield StoredEvent(row.id, row.name, row.description, row.start_date, row.end_date, row.parent_id)


def metrics(connection: Connection) -> Iterator[StoredMetric]:
    for row in connection.execute(select(Metric.__table__).order_by(Metric.id)):
        yield StoredMetric(row.id, row.name, row.unit, row.description)


def documents(connection: Connection, *, text_sha256: Sequence[str] | None = None) -> Iterator[StoredDocument]:
    query = select(Document.__table__).order_by(Document.id)
    if text_sha256 is not None:
        query = query.where(Document.text_sha256.in_(list(text_sha256)))
    for row in connection.execute(query):
        yield StoredDocument(row.id, row.title, row.author, row.publisher_id, row.published, row.url, row.language, row.text)


def claims(
    connection: Connection,
    *,
    event: str | None = None,
    source: str | None = None,
    document: str | None = None,
    limit: int | None = None,
) -> Iterator[StoredClaim]:
    """The claims about ``event``, by ``source``, in ``document`` (ids; None: any), at most ``limit``."""
    query = _claims_query(event, source, document)
    remaining = limit
    after: str | None = None
    while remaining is None or remaining > 0:
        size = CLAIMS_PER_QUERY if remaining is None else min(CLAIMS_PER_QUERY, remaining)
        # Keyset paging by id: each page starts where the last ended, without OFFSET's rescans.
        page = connection.execute((query if after is None else query.where(Claim.id > after)).limit(size)).all()
        figures = _figures(connection, [row.pk for row in page])
        for row in page:
            yield StoredClaim(
                row.id, row.document, row.source_id, row.via_id, row.event_id, row.claimed_on, row.quote, row.statement,
                row.supersedes, row.status, figures.get(row.pk, ()), row.quote_page,
            )
        if len(page) < size:
            return
        after = page[-1].id
        remaining = None if remaining is None else remaining - size


def _claims_query(event: str | None, source: str | None, document: str | None) -> Select[Any]:
    superseded = Claim.__table__.alias("superseded")
    query = (
        select(Claim.pk, Claim.id, Document.id.label("document"), Claim.source_id, Claim.via_id, Claim.event_id,
               Claim.claimed_on, Claim.quote, Claim.statement, superseded.c.id.label("supersedes"), Claim.status,
               Claim.quote_page)
        .join(Document, Document.pk == Claim.document_pk)
        .outerjoin(superseded, superseded.c.pk == Claim.supersedes_pk)
        .order_by(Claim.id)
    )
    for column, wanted in ((Claim.event_id, event), (Claim.source_id, source), (Document.id, document)):
        if wanted is not None:
            query = query.where(column == wanted)
    return query


def _figures(connection: Connection, claim_pks: Sequence[int]) -> dict[int, tuple[StoredFigure, ...]]:
    if not claim_pks:
        return {}
    found: dict[int, list[StoredFigure]] = {}
    query = (
        select(Figure.claim_pk, Figure.metric_id, Figure.population, Figure.qualifier, Figure.value, Figure.low, Figure.high,
               Figure.stated)
        .where(Figure.claim_pk.in_(claim_pks))
        .order_by(Figure.claim_pk, Figure.position)
    )
    for row in connection.execute(query):
        found.setdefault(row.claim_pk, []).append(StoredFigure(*row[1:]))
    return {pk: tuple(figures) for pk, figures in found.items()}
