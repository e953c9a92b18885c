"""What the event, source, claim and document pages show, read in bounded queries.

Each function takes the ``sqlite3`` connection Datasette lends a plugin and returns plain
JSON-ready data: the page's ``.json`` twin is exactly this, and the HTML page renders it.
Every list a page shows is limited (the ``*_LIMIT`` constants, documented in docs/datasette.md)
and read through an index, so a page costs the same on a database of a hundred claims or a
million; a page that stops at its limit says how many more there are and links to the table.
"""

from __future__ import annotations

import json

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from factdb.compare import Comparison, compare, figure_standing, format_interval

CLAIMS_LIMIT = 100  # claims listed on an event's or a source's page
DOCUMENTS_LIMIT = 50  # documents listed on an event's page
SUB_EVENTS_LIMIT = 50
QUOTES_LIMIT = 200  # quoted passages highlighted in one document
STANDING_EVENTS = 8  # events whose comparisons a source's page places its figures in

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


class NotInDatabase(LookupError):
    """No row with the key a page was asked for."""


@dataclass(frozen=True, slots=True)
class Page:
    """One record page: what it shows, keyed as its ``.json`` twin shows it."""

    kind: str
    data: dict[str, Any]


def rows(connection: sqlite3.Connection, sql: str, parameters: dict[str, Any] | Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = connection.cursor()
    cursor.row_factory = None  # plain tuples, whatever the connection's row factory
    cursor.execute(sql, parameters)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _one(connection: sqlite3.Connection, sql: str, parameters: dict[str, Any], what: str) -> dict[str, Any]:
    found = rows(connection, sql, parameters)
    if not found:
        raise NotInDatabase(f"No {what} {parameters['key']!r}")
    return found[0]


def _count(connection: sqlite3.Connection, sql: str, parameters: dict[str, Any]) -> int:
    count: int = connection.execute(sql, parameters).fetchone()[0]
    return count


def date_words(date: str | None, precision: str | None) -> str:
    """``2020-11`` at month precision reads "in November 2020"; a day "on 18 November 2020"."""
    if not date:
        return "on an unknown date"
    if precision == "day" and len(date) == 10:
        return f"on {int(date[8:])} {MONTHS[int(date[5:7]) - 1]} {date[:4]}"
    if precision == "month" and len(date) >= 7:
        return f"in {MONTHS[int(date[5:7]) - 1]} {date[:4]}"
    return f"in {date[:4]}"


def figures_of(connection: sqlite3.Connection, claim_pks: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    pks = sorted(set(claim_pks))
    by_claim: dict[int, list[dict[str, Any]]] = {pk: [] for pk in pks}
    # SQLite before 3.32 allows 999 parameters in one statement; the lists here are bounded well below.
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        sql = (
            "select f.claim_pk, f.metric_id, m.name as metric_name, m.unit, f.population, f.qualifier, f.stated "
            f"from figures f join metrics m on m.id = f.metric_id where f.claim_pk in ({', '.join('?' for _ in chunk)}) "
            "order by f.claim_pk, f.position"
        )
        for figure in rows(connection, sql, chunk):
            by_claim[figure.pop("claim_pk")].append(figure)
    return by_claim


QUALIFIER_WORDS = {"at_least": "at least", "at_most": "at most", "more_than": "more than", "fewer_than": "fewer than"}


def qualifier_words(qualifier: str) -> str:
    """``at_least`` reads "at least"; the other qualifiers are words already."""
    return QUALIFIER_WORDS.get(qualifier, qualifier.replace("_", " "))


# --- Claim -----------------------------------------------------------------------------------

CLAIM_SQL = """
select c.pk, c.id, c.source_id, s.name as source_name, c.via_id, v.name as via_name,
       c.event_id, e.name as event_name, c.claimed_on, c.claimed_on_precision, c.quote, c.statement, c.status,
       d.id as document_id, d.title as document_title, d.published as document_published,
       d.published_precision as document_published_precision, d.url as document_url,
       c.quote_start, c.quote_end, c.quote_page, length(d.text) as document_length,
       substr(d.text, max(1, c.quote_start + 1 - :chars), c.quote_start - max(0, c.quote_start - :chars)) as before,
       substr(d.text, c.quote_end + 1, :chars) as after,
       sup.id as supersedes_id, sup.claimed_on as supersedes_claimed_on,
       sup.claimed_on_precision as supersedes_claimed_on_precision
from claims c
join sources s on s.id = c.source_id
join documents d on d.pk = c.document_pk
left join sources v on v.id = c.via_id
left join events e on e.id = c.event_id
left join claims sup on sup.pk = c.supersedes_pk
where c.id = :key
"""
SUPERSEDED_BY_SQL = """
select id, claimed_on, claimed_on_precision from claims where supersedes_pk = :pk and supersedes_pk is not null
order by claimed_on, pk
"""
CONTEXT_CHARS = 400  # of document text shown either side of a claim's quote


def claim_sentence(claim: dict[str, Any]) -> str:
    """The claim in one sentence, attributed to its source in the source's own words (the quote).

    No number appears that is not in the quote: the figures are listed as stated, after it.
    """
    who = claim["source_name"]
    if claim["via_name"]:
        who += f" (as reported by {claim['via_name']})"
    about = f", about {claim['event_name']}" if claim["event_name"] else ""
    return f"{who} said {date_words(claim['claimed_on'], claim['claimed_on_precision'])}{about}: “{claim['quote']}”"


def claim_page(connection: sqlite3.Connection, key: str) -> Page:
    claim = _one(connection, CLAIM_SQL, {"key": key, "chars": CONTEXT_CHARS}, "claim")
    before, after = claim.pop("before"), claim.pop("after")
    cut_before = claim["quote_start"] > len(before)
    cut_after = claim["quote_end"] + len(after) < claim.pop("document_length")
    # Start and end the excerpt on whole words.
    if cut_before and " " in before:
        before = before[before.index(" ") + 1 :]
    if cut_after and " " in after:
        after = after[: after.rindex(" ")]
    superseded_by = rows(connection, SUPERSEDED_BY_SQL, {"pk": claim["pk"]})
    for later in superseded_by:
        later["date_words"] = date_words(later["claimed_on"], later.pop("claimed_on_precision"))
    supersedes = None
    if claim["supersedes_id"] is not None:
        supersedes = {
            "id": claim["supersedes_id"],
            "claimed_on": claim["supersedes_claimed_on"],
            "date_words": date_words(claim["supersedes_claimed_on"], claim["supersedes_claimed_on_precision"]),
        }
    for name in ("supersedes_id", "supersedes_claimed_on", "supersedes_claimed_on_precision"):
        claim.pop(name)
    figures = figures_of(connection, [claim["pk"]])[claim["pk"]]
    for figure in figures:
        figure["qualifier_words"] = qualifier_words(figure["qualifier"])
    return Page("claim", {
        **claim,
        "sentence": claim_sentence(claim),
        "date_words": date_words(claim["claimed_on"], claim["claimed_on_precision"]),
        "standing": "superseded" if superseded_by else claim["status"],
        "context": {"before": before, "quote": claim["quote"], "after": after, "cut_before": cut_before, "cut_after": cut_after},
        "figures": figures,
        "supersedes": supersedes,
        "superseded_by": superseded_by,
    })


# --- Document --------------------------------------------------------------------------------

DOCUMENT_SQL = """
select d.pk, d.id, d.title, d.author, d.publisher_id, p.name as publisher_name, d.published, d.published_precision,
       d.url, d.language, d.text, d.text_sha256
from documents d left join sources p on p.id = d.publisher_id
where d.id = :key
"""
DOCUMENT_CLAIMS_SQL = """
select c.id, c.quote_start, c.quote_end, c.quote_page, c.source_id, s.name as source_name, c.claimed_on, c.status
from claims c join sources s on s.id = c.source_id
where c.document_pk = :pk order by c.quote_start, c.pk limit :limit
"""
DOCUMENT_CLAIM_COUNT_SQL = "select count(*) from claims where document_pk = :pk"
# The current link of the document's chain of custody, with its original's size and whether its bytes are here.
DOCUMENT_CUSTODY_SQL = """
select k.version, k.original_sha256, k.file_name, k.record, k.retrieved_at, k.collector, k.extractor, k.extractor_version,
       k.settings, k.text_sha256, k.page_starts, o.media_type, o.size_bytes,
       exists (select 1 from original_chunks x where x.original_sha256 = k.original_sha256) as has_bytes
from document_custody k join originals o on o.sha256 = k.original_sha256
where k.document_pk = :pk order by k.version desc limit 1
"""


def passages(text: str, quotes: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text cut into passages, each quoted one naming its claim; overlapping quotes join the first."""
    cut: list[dict[str, Any]] = []
    position = 0
    for quote in quotes:
        start, end = quote["quote_start"], min(quote["quote_end"], len(text))
        if start < position:
            if end > position and cut and cut[-1]["claim"] is not None:
                cut[-1]["text"] += text[position:end]
                cut[-1]["also"].append(quote["id"])
                position = end
            elif cut and cut[-1]["claim"] is not None:
                cut[-1]["also"].append(quote["id"])
            continue
        if start > position:
            cut.append({"text": text[position:start], "claim": None, "also": []})
        cut.append({"text": text[start:end], "claim": quote["id"], "also": []})
        position = end
    if position < len(text):
        cut.append({"text": text[position:], "claim": None, "also": []})
    return cut


def document_page(connection: sqlite3.Connection, key: str) -> Page:
    document = _one(connection, DOCUMENT_SQL, {"key": key}, "document")
    claims = rows(connection, DOCUMENT_CLAIMS_SQL, {"pk": document["pk"], "limit": QUOTES_LIMIT})
    total = _count(connection, DOCUMENT_CLAIM_COUNT_SQL, {"pk": document["pk"]}) if len(claims) == QUOTES_LIMIT else len(claims)
    custody = rows(connection, DOCUMENT_CUSTODY_SQL, {"pk": document["pk"]})
    if custody:
        link = custody[0]
        link["settings"] = json.loads(link["settings"])
        link["page_starts"] = json.loads(link["page_starts"]) if link["page_starts"] else None
        link["pages"] = len(link["page_starts"]) if link["page_starts"] else None
        link["has_bytes"] = bool(link["has_bytes"])
    return Page("document", {
        **document,
        "published_words": date_words(document["published"], document["published_precision"]) if document["published"] else None,
        "custody": custody[0] if custody else None,
        "claims": claims,
        "claims_total": total,
        "passages": passages(document["text"], claims),
    })


# --- Event -----------------------------------------------------------------------------------

EVENT_SQL = """
select e.id, e.name, e.description, e.start_date, e.start_precision, e.end_date, e.end_precision,
       e.parent_id, p.name as parent_name
from events e left join events p on p.id = e.parent_id
where e.id = :key
"""
SUB_EVENTS_SQL = "select id, name, start_date from events where parent_id = :key order by start_date, id limit :limit"
EVENT_CLAIMS_SQL = """
select c.pk, c.id, c.claimed_on, c.claimed_on_precision, c.source_id, s.name as source_name, c.status,
       d.id as document_id, d.title as document_title
from claims c join sources s on s.id = c.source_id join documents d on d.pk = c.document_pk
where c.event_id = :key order by c.claimed_on, c.pk limit :limit
"""
EVENT_CLAIM_COUNT_SQL = "select count(*) from claims where event_id = :key"


def comparison_summary(comparison: Comparison) -> dict[str, Any]:
    """What a list of comparisons shows of one: metric, population, how many sources, the verdict."""
    return {
        "metric": comparison.metric,
        "metric_name": comparison.metric_name,
        "unit": comparison.unit,
        "population": comparison.population,
        "sources_count": comparison.sources_count,
        "verdict": comparison.verdict,
    }


def event_page(connection: sqlite3.Connection, key: str) -> tuple[Page, list[Comparison]]:
    """The event's page and its comparisons (whose charts the HTML page draws)."""
    event = _one(connection, EVENT_SQL, {"key": key}, "event")
    sub_events = rows(connection, SUB_EVENTS_SQL, {"key": key, "limit": SUB_EVENTS_LIMIT})
    claims = rows(connection, EVENT_CLAIMS_SQL, {"key": key, "limit": CLAIMS_LIMIT})
    total = _count(connection, EVENT_CLAIM_COUNT_SQL, {"key": key}) if len(claims) == CLAIMS_LIMIT else len(claims)
    figures = figures_of(connection, [claim["pk"] for claim in claims])
    documents: dict[str, dict[str, Any]] = {}
    for claim in claims:
        claim["figures"] = figures[claim["pk"]]
        claim["date_words"] = date_words(claim["claimed_on"], claim["claimed_on_precision"])
        documents.setdefault(claim["document_id"], {"id": claim["document_id"], "title": claim["document_title"]})
    comparisons = compare(connection, key)
    return Page("event", {
        **event,
        "start_words": date_words(event["start_date"], event["start_precision"]) if event["start_date"] else None,
        "sub_events": sub_events,
        "comparisons": [comparison_summary(c) for c in comparisons],
        "claims": claims,
        "claims_total": total,
        "documents": list(documents.values())[:DOCUMENTS_LIMIT],
    }), comparisons


# --- Source ----------------------------------------------------------------------------------

SOURCE_SQL = "select id, name, kind, url, country, description from sources where id = :key"
ALIASES_SQL = "select alias from source_aliases where source_id = :key order by alias"
RELATIONS_OUT_SQL = """
select r.relation, r.target_id as id, t.name from source_relations r join sources t on t.id = r.target_id
where r.source_id = :key order by r.relation, t.name
"""
RELATIONS_IN_SQL = """
select r.relation, r.source_id as id, t.name from source_relations r join sources t on t.id = r.source_id
where r.target_id = :key order by r.relation, t.name
"""
SOURCE_CLAIMS_SQL = """
select c.pk, c.id, c.event_id, e.name as event_name, c.claimed_on, c.claimed_on_precision, c.status,
       exists (select 1 from claims x where x.supersedes_pk = c.pk) as superseded
from claims c left join events e on e.id = c.event_id
where c.source_id = :key order by c.claimed_on desc, c.pk desc limit :limit
"""
SOURCE_CLAIM_COUNT_SQL = "select count(*) from claims where source_id = :key"


def revisions(claims: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each figure the source restated, oldest first: the killed figure 208 → 304 → 321."""
    series: dict[tuple[str | None, str, str | None], dict[str, Any]] = {}
    for claim in sorted(claims, key=lambda c: (c["claimed_on"], c["pk"])):
        for figure in claim["figures"]:
            entry = series.setdefault((claim["event_id"], figure["metric_id"], figure["population"]), {
                "event_id": claim["event_id"], "event_name": claim["event_name"], "metric": figure["metric_id"],
                "metric_name": figure["metric_name"], "population": figure["population"], "steps": [],
            })
            entry["steps"].append({"stated": figure["stated"], "claimed_on": claim["claimed_on"], "claim": claim["id"]})
    return [entry for entry in series.values() if len(entry["steps"]) > 1]


def standings(connection: sqlite3.Connection, source: str, events: Sequence[str]) -> list[dict[str, Any]]:
    """Where the source's latest figure sits in each comparison of the given events, in compare's words."""
    placed = []
    for event in events:
        for comparison in compare(connection, event):
            for figure in comparison.figures:
                if figure.source == source:
                    placed.append({
                        **comparison_summary(comparison),
                        "event": comparison.event,
                        "event_name": comparison.event_name,
                        "stated": figure.stated,
                        "allows": format_interval(figure),
                        "standing": figure_standing(comparison, figure),
                        "outlier": figure.source in comparison.outliers,
                    })
    return placed


def source_page(connection: sqlite3.Connection, key: str) -> Page:
    source = _one(connection, SOURCE_SQL, {"key": key}, "source")
    claims = rows(connection, SOURCE_CLAIMS_SQL, {"key": key, "limit": CLAIMS_LIMIT})
    total = _count(connection, SOURCE_CLAIM_COUNT_SQL, {"key": key}) if len(claims) == CLAIMS_LIMIT else len(claims)
    figures = figures_of(connection, [claim["pk"] for claim in claims])
    by_event: dict[str | None, dict[str, Any]] = {}
    for claim in claims:
        claim["figures"] = figures[claim["pk"]]
        claim["superseded"] = bool(claim["superseded"])
        claim["date_words"] = date_words(claim["claimed_on"], claim["claimed_on_precision"])
        group = by_event.setdefault(claim["event_id"], {"event_id": claim["event_id"], "event_name": claim["event_name"], "claims": []})
        group["claims"].append(claim)
    events = [event for event in by_event if event is not None][:STANDING_EVENTS]
    return Page("source", {
        **source,
        "aliases": [row["alias"] for row in rows(connection, ALIASES_SQL, {"key": key})],
        "relations": rows(connection, RELATIONS_OUT_SQL, {"key": key}),
        "related_from": rows(connection, RELATIONS_IN_SQL, {"key": key}),
        "events": list(by_event.values()),
        "claims_total": total,
        "claims_shown": len(claims),
        "revisions": revisions(claims),
        "standings": standings(connection, key, events),
    })
