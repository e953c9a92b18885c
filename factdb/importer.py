"""Import files into the database: validate, resolve references, check quotes, write atomically.

One call of :func:`import_paths` is one transaction. Every problem in the input is collected
(with file, line, field, what was expected and a hint) and, if there is any, nothing is written.
Importing the same files again changes nothing; a claim whose content changed is refused unless
``update=True``, which keeps the previous version in ``claim_history``. A JSON Lines claim line that is
stored already, checked under the same rules and names, is recognised by its digest and not
checked again (_known_claim).

Records are processed in two passes so files may refer to each other in any order: first
sources, events, metrics and documents from every file, then claims.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import sys
import tempfile
from array import array
from bisect import bisect_left
from collections import Counter, OrderedDict, namedtuple
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy import update as update_rows

from factdb import __version__
from factdb.figures import Figure, FigureError, figure_from_parts, parse_figure
from factdb.models import (
    CLAIM_STATUSES,
    RELATIONS,
    SOURCE_KINDS,
    Claim,
    ClaimVersion,
    Document,
    Event,
    ImportBatch,
    ImportFile,
    Metric,
    Source,
    SourceAlias,
    SourceRelation,
)
from factdb.models import Figure as FigureRow
from factdb.quotes import NormalizedText, closest_passage, find_quote, normalize
from factdb.readers import LineDict, ReadError, Record, closest_hint, file_format, read_records, type_name

CLAIM_CHUNK = 2000
# Imports of at least this many bytes take the bulk path: full-text index entries are written for
# all new rows at once instead of by a trigger per row (SQLite's FTS5 flushes its pending terms at
# every statement a trigger runs in, which made the triggers most of an import's time).
BULK_BYTES = 1_000_000
# From this size of files holding claims, JSON Lines and CSV claims are checked in CLAIM_WORKERS
# other processes while this one writes (factdb.import_workers); below it, starting them costs
# more than they save.
WORKER_BYTES = 20_000_000
CLAIM_WORKERS = 2
# The import's page cache (on its connection only; bench/baseline.py uses the same settings, so the
# comparison stays fair). With the secondary indexes deferred, a million claims import as fast
# with 16 MB as with 64 MB, claim ids in order or random (bench, 2026-12-06), and the difference
# is most of the importer's memory: pages the operating system caches anyway.
BULK_PRAGMAS: tuple[str, ...] = ("PRAGMA cache_size = -16384",)
ROW_BATCH = 500
MAX_PROBLEMS = 200
MAX_TEXT = 10_000  # names, titles, statements
MAX_QUOTE = 10_000
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
PRECISION_BY_LENGTH = {4: "year", 7: "month", 10: "day"}

FIELDS: dict[str, dict[str, bool]] = {  # field -> required
    "source": {"id": True, "name": True, "kind": True, "aliases": False, "url": False, "country": False,
               "description": False, "part_of": False, "member_of": False},
    "event": {"id": True, "name": True, "description": False, "start": False, "end": False, "parent": False},
    "metric": {"id": True, "name": True, "unit": True, "description": False},
    "document": {"id": True, "title": True, "author": False, "publisher": False, "published": False, "url": False,
                 "language": False, "text": False, "text_file": False},
    "claim": {"id": False, "document": True, "source": True, "via": False, "event": False, "claimed_on": False,
              "quote": True, "statement": False, "supersedes": False, "status": False, "figures": False,
              # review annotations written by `factdb extract`; accepted, not stored
              "confidence": False, "reason": False},
    "figure": {"metric": True, "population": False, "value": False, "qualifier": False, "low": False, "high": False,
               "stated": False},
}
REQUIRED_FIELDS = {kind: tuple(name for name, required in fields.items() if required) for kind, fields in FIELDS.items()}
COUNTED_KINDS = ("sources", "events", "metrics", "documents", "claims", "figures")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located precisely enough to fix it."""

    path: str
    line: int | None
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class ImportFailed(Exception):
    """The input has problems; nothing was written."""

    def __init__(self, problems: list[Problem], truncated: int = 0) -> None:
        self.problems = problems
        self.truncated = truncated
        lines = [str(p) for p in problems]
        if truncated:
            lines.append(f"... and {truncated} more problems")
        super().__init__("\n".join(lines))


@dataclass
class ImportReport:
    files: list[str]
    counts: dict[str, Counter[str]]
    dry_run: bool
    batch_id: int | None
    records: int = 0

    @property
    def changed(self) -> bool:
        return any(c["added"] or c["updated"] for c in self.counts.values())

    def summary(self) -> str:
        parts = []
        for kind in COUNTED_KINDS:
            c = self.counts[kind]
            if c["added"] or c["updated"] or c["unchanged"]:
                parts.append(f"{kind}: {c['added']} added, {c['updated']} updated, {c['unchanged']} unchanged")
        if not parts:
            return f"Nothing to import: {', '.join(self.files) or 'no files'} held no records."
        head = "Dry run, nothing written. " if self.dry_run else ""
        tail = "" if self.changed else (" Nothing would change." if self.dry_run else " Nothing changed.")
        return head + "; ".join(parts) + "." + tail


@dataclass
class _PendingSupersedes:
    claim_pk: int
    claim_id: str
    target: str
    source_id: str
    claimed_on: str
    path: str
    line: int | None
    sequence: int = 0


@dataclass
class _Session:
    """State of one import: the open transaction, lookups, problems and counts."""

    conn: Connection
    batch_id: int
    update: bool
    problems: list[Problem] = field(default_factory=list)
    truncated: int = 0
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in COUNTED_KINDS})
    source_keys: dict[str, str] = field(default_factory=dict)  # lower-cased id or alias -> source id
    aliases: dict[str, str] = field(default_factory=dict)  # lower-cased alias -> the alias as written
    lowered: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)  # see _lowered
    events: set[str] = field(default_factory=set)
    event_parents: dict[str, str | None] = field(default_factory=dict)
    metrics: set[str] = field(default_factory=set)
    documents: dict[str, tuple[int, str | None]] = field(default_factory=dict)  # id -> (pk, published)
    seen: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)
    claims_seen: _SeenClaims = field(default_factory=lambda: _SeenClaims())
    pending_relations: list[tuple[str, str, str, Record]] = field(default_factory=list)
    pending_parents: list[tuple[str, str, Record]] = field(default_factory=list)
    pending_publishers: list[tuple[str, str, Record, str | None]] = field(default_factory=list)
    pending_supersedes: list[_PendingSupersedes] = field(default_factory=list)
    pending_rechecks: list[tuple[Record, int, str]] = field(default_factory=list)
    supersedes_problems: list[tuple[int, Problem]] = field(default_factory=list)
    texts: OrderedDict[int, tuple[str, NormalizedText]] = field(default_factory=OrderedDict)
    next_claim_pk: int = 1
    next_document_pk: int = 1
    new_rows: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)  # table -> rows not yet inserted
    claim_sequence: int = 0
    paths: dict[str, int] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    cached_claims: dict[str, list[Record]] = field(default_factory=dict)
    # In a validation worker (factdb.import_workers): no database; every problem is kept, the
    # importer merges them in order and applies MAX_PROBLEMS itself.
    in_worker: bool = False
    files_with_claims: set[str] = field(default_factory=set)  # JSON Lines files, as the first pass saw them
    # Texts of the documents this import writes, for workers that locate quotes (factdb.import_workers);
    # in a worker, how it reads a document's text.
    spool: TextSpool | None = None
    read_text: Callable[[int], str] | None = None
    # Bulk imports into a table smaller than themselves build its indexes once at the end (see
    # _defer_indexes): None until decided, then the statements that re-create them.
    may_defer_indexes: bool = False
    deferred_indexes: list[str] | None = None
    # Bulk imports with workers index each chunk's new claims for search as it is written, while the
    # workers keep the other core busy, instead of all of them at the end with one core idle: the
    # first claim pk not indexed yet, or None when the insert trigger indexes them (not deferred).
    claims_unindexed_from: int | None = None
    # Whether the database held claims when the import began: only then can a line be one it holds
    # already (_known_claim), so a first import does not look each line up.
    had_claims: bool = False

    def problem(self, record: Record | None, key: str, message: str, hint: str = "", *, path: str = "", line: int | None = None) -> None:
        if record is not None:
            path = record.path
            line = line if line is not None else record.line_of(key.split(".")[0].split("[")[0])
            key = f"{record.label}.{key}" if key else record.label
        self.add_problem(Problem(path, line, key, message, hint))

    def add_problem(self, problem: Problem) -> None:
        if len(self.problems) >= MAX_PROBLEMS and not self.in_worker:
            self.truncated += 1
            return
        self.problems.append(problem)


# -- field readers --------------------------------------------------------------------------------


def _check_fields(s: _Session, record: Record, data: Any, kind: str, prefix: str = "") -> bool:
    if not isinstance(data, dict):
        s.problem(record, prefix.rstrip("."), f"expected a mapping of fields for a {kind}; found {type_name(data)}",
                  f"write the {kind} as key: value pairs")
        return False
    known = FIELDS[kind]
    ok = True
    if not known.keys() >= data.keys():  # one set operation for the usual case: every field known
        for key in data:
            if str(key) not in known:
                s.problem(record, f"{prefix}{key}", f"unknown field for a {kind}",
                          f"the fields are {', '.join(known)}{closest_hint(str(key), tuple(known))}")
                ok = False
    for key in REQUIRED_FIELDS[kind]:
        value = data.get(key)
        if value is None or value == "":
            if kind == "claim" and key == "quote" and value == "":
                continue  # reported with a better message by the quote check
            s.problem(record, f"{prefix}{key}", "missing", f"every {kind} needs '{key}'")
            ok = False
    return ok


def _text(s: _Session, record: Record, data: dict[str, Any], key: str, *, limit: int = MAX_TEXT, prefix: str = "") -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if type(value) is str:  # the usual case, checked first: this runs a dozen times per claim
        text = value.strip()
    elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
        s.problem(record, f"{prefix}{key}", f"expected text; found {type_name(value)}", f"write {key} as a single text value")
        return None
    else:
        text = str(value).strip()
    if len(text) > limit:
        s.problem(record, f"{prefix}{key}", f"is {len(text):,} characters long; at most {limit:,} are accepted",
                  "shorten it to the passage that matters")
        return None
    return text or None


def _identifier(s: _Session, record: Record, data: dict[str, Any], key: str, *, prefix: str = "") -> str | None:
    value = _text(s, record, data, key, limit=200, prefix=prefix)
    if value is not None and not ID_PATTERN.match(value):
        s.problem(record, f"{prefix}{key}", f"'{value}' is not a valid id",
                  "use letters, digits, '-', '_', '.', ':' (no spaces), e.g. 'amnesty-2019-12-16'")
        return None
    return value


def _date(s: _Session, record: Record, data: dict[str, Any], key: str) -> tuple[str, str] | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        value = str(value)  # YAML reads `published: 2020` as a number; a bare year is fine
    if not isinstance(value, str):
        s.problem(record, key, f"expected a date as text (YYYY, YYYY-MM or YYYY-MM-DD); found {type_name(value)} {value!r}",
                  "write e.g. 2019-12-16, 2019-12 or 2019")
        return None
    value = value.strip()
    match = DATE_PATTERN.match(value)
    if not match:
        s.problem(record, key, f"'{value}' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD",
                  "write e.g. 2019-12-16, 2019-12 or 2019 (an unknown day is left out, not invented)")
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        date(year, month or 1, day or 1)  # type: ignore[arg-type]
    except ValueError as error:
        s.problem(record, key, f"'{value}' is not a real date ({error})", "check the day and month")
        return None
    return value, PRECISION_BY_LENGTH[len(value)]


def _list_of_text(s: _Session, record: Record, data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    result = []
    for index, item in enumerate(items):
        if isinstance(item, bool) or not isinstance(item, (str, int)) or not str(item).strip():
            found = "empty text" if isinstance(item, str) else type_name(item)
            s.problem(record, f"{key}[{index}]" if isinstance(value, list) else key,
                      f"expected text; found {found}", f"write {key} as text or a list of texts")
            continue
        result.append(str(item).strip())
    return result


def _choice(s: _Session, record: Record, value: str | None, key: str, allowed: Sequence[str]) -> str | None:
    if value is not None and value not in allowed:
        s.problem(record, key, f"'{value}' is not allowed", f"use one of {', '.join(allowed)}{closest_hint(value, tuple(allowed))}")
        return None
    return value


def _first_seen(s: _Session, record: Record, kind: str, identifier: str) -> bool:
    """False (and a problem) when the same id was already defined in this import."""
    key = (kind, identifier.lower() if kind == "source" else identifier)
    if key in s.seen:
        path, line = s.seen[key]
        s.problem(record, "id", f"duplicate {kind} id '{identifier}' (first defined at {path}:{line})",
                  "give each record its own id, or delete the repeated one")
        return False
    s.seen[key] = (record.path, record.line)
    return True


def _closest(word: str, candidates: Iterable[str]) -> str:
    matches = difflib.get_close_matches(word.lower(), list(candidates), n=3, cutoff=0.5)
    return f"; closest known: {', '.join(matches)}" if matches else ""


# -- lookups loaded from the database ---------------------------------------------------------------


def _load_lookups(s: _Session) -> None:
    conn = s.conn
    for (source_id,) in conn.execute(select(Source.id)):
        s.source_keys[source_id.lower()] = source_id
    for alias_key, source_id, alias in conn.execute(select(SourceAlias.alias_key, SourceAlias.source_id, SourceAlias.alias)):
        s.source_keys[alias_key] = source_id
        s.aliases[alias_key] = alias
    for event_id, parent in conn.execute(select(Event.id, Event.parent_id)):
        s.events.add(event_id)
        s.event_parents[event_id] = parent
    s.metrics.update(m for (m,) in conn.execute(select(Metric.id)))
    for pk, document_id, published in conn.execute(select(Document.pk, Document.id, Document.published)):
        s.documents[document_id] = (pk, published)
    max_pk = conn.execute(select(Claim.pk).order_by(Claim.pk.desc()).limit(1)).scalar()
    s.next_claim_pk = (max_pk or 0) + 1
    s.had_claims = max_pk is not None
    max_document_pk = conn.execute(select(Document.pk).order_by(Document.pk.desc()).limit(1)).scalar()
    s.next_document_pk = (max_document_pk or 0) + 1


def _closest_source(s: _Session, value: str) -> str:
    """The closest ids and aliases; an alias is shown as written, with the source it names."""
    shown: list[str] = []
    for key in difflib.get_close_matches(value.lower(), list(s.source_keys), n=3, cutoff=0.5):
        source_id = s.source_keys[key]
        if key == source_id.lower():
            label = source_id
        else:
            label = f"{s.aliases.get(key, key)} (alias of {source_id})"
        if label not in shown:
            shown.append(label)
    return f"; closest known: {', '.join(shown)}" if shown else ""


def _resolve_source(s: _Session, record: Record, key: str, value: str | None) -> str | None:
    if value is None:
        return None
    found = s.source_keys.get(value.lower())
    if found is None:
        s.problem(record, key, f"unknown source '{value}'{_closest_source(s, value)}",
                  "define the source under 'sources:' (in this or another file of the import), or use its id or an alias")
    return found


def _lowered(s: _Session, kind: str, known: Iterable[str]) -> dict[str, str]:
    """Lower-cased ids of ``kind`` -> ids, built again only when ids were added since."""
    size = len(known)  # type: ignore[arg-type]
    cached = s.lowered.get(kind)
    if cached is None or cached[0] != size:
        cached = s.lowered[kind] = (size, {k.lower(): k for k in known})
    return cached[1]


def _resolve(s: _Session, record: Record, key: str, value: str | None, known: Iterable[str], kind: str,
             line: int | None = None) -> str | None:
    if value is None:
        return None
    if value in known:
        return value
    if kind != "document":
        lowered = _lowered(s, kind, known)
        if value.lower() in lowered:
            return lowered[value.lower()]
    s.problem(record, key, f"unknown {kind} '{value}'{_closest(value, known)}",
              f"define it under '{kind}s:' in this or another file of the import, or fix the id", line=line)
    return None


# -- entities -------------------------------------------------------------------------------------


def _refused_change(s: _Session, record: Record, key: str, stored: str, differs: str, noun: str, pronoun: str = "them") -> bool:
    """A record already stored differs from the file: a problem unless the import runs with --update."""
    if s.update:
        return False
    s.problem(record, key, f"{stored} already exists with {differs}",
              f"use the stored {noun}, or run the import with --update to change {pronoun}")
    return True


def _row_differs(existing: Any, wanted: dict[str, Any]) -> list[str]:
    return [k for k, v in wanted.items() if getattr(existing, k) != v]


# Columns under the names the import format gives them: a user wrote `end:`, not `end_date`.
FIELD_OF_COLUMN = {"start_date": "start", "start_precision": "start", "end_date": "end", "end_precision": "end",
                   "published_precision": "published", "text_sha256": "text"}


def _stored_row(s: _Session, table: Any, key_column: Any, key: str) -> Any:
    """The stored row of ``table`` whose ``key_column`` is ``key``, or None. Straight to the driver:
    re-importing a large file looks up every source, event and document, and SQLAlchemy's result
    objects cost three times the query."""
    cursor = s.conn.connection.driver_connection.execute(f'SELECT * FROM "{table.name}" WHERE "{key_column.name}" = ?', (key,))
    found = cursor.fetchone()
    return None if found is None else _row_class(tuple(d[0] for d in cursor.description))._make(found)


@lru_cache(maxsize=32)
def _row_class(columns: tuple[str, ...]) -> Any:
    """A named tuple for rows of these columns: the fields read by name, as SQLAlchemy rows are."""
    return namedtuple("StoredRow", columns)  # type: ignore[misc]


def _upsert(s: _Session, record: Record, kind: str, table: Any, key_column: Any, wanted: dict[str, Any], *, stored: bool = True,
            row: Any = None) -> str:
    """Insert, or compare with the stored row; returns 'added', 'unchanged', 'updated' or 'refused'.

    ``stored=False``: the caller's lookups show no such row, so there is nothing to fetch;
    ``row``: the stored row, already fetched by the caller.
    """
    if not stored:
        _add_row(s, table, {**wanted, "batch_id": s.batch_id})
        return "added"
    existing = row if row is not None else _stored_row(s, table, key_column, wanted[key_column.key])
    if existing is None:
        s.conn.execute(insert(table).values(**wanted, batch_id=s.batch_id))
        return "added"
    differing = list(dict.fromkeys(FIELD_OF_COLUMN.get(c, c) for c in _row_differs(existing, wanted)))
    if not differing:
        return "unchanged"
    if _refused_change(s, record, differing[0], f"{kind} '{wanted[key_column.key]}'", f"different {', '.join(differing)}", "values"):
        return "refused"
    s.conn.execute(update_rows(table).where(key_column == wanted[key_column.key]).values(**wanted))
    return "updated"


def _import_source(s: _Session, record: Record) -> None:
    data = record.data
    if not _check_fields(s, record, data, "source"):
        return
    source_id = _identifier(s, record, data, "id")
    name = _text(s, record, data, "name")
    kind = _choice(s, record, _text(s, record, data, "kind"), "kind", SOURCE_KINDS)
    # alias_key is unique: an alias repeated in another case names the source once, as first written.
    aliases = list({alias.lower(): alias for alias in reversed(_list_of_text(s, record, data, "aliases"))}.values())[::-1]
    relations = [(r, target) for r in RELATIONS for target in _list_of_text(s, record, data, r)]
    if source_id is None or name is None or kind is None or not _first_seen(s, record, "source", source_id):
        return
    owner = s.source_keys.get(source_id.lower())
    if owner is not None and owner != source_id:
        s.problem(record, "id", f"'{source_id}' is already a name of source '{owner}'", "choose another id, or use that source")
        return
    wanted = {"id": source_id, "name": name, "kind": kind, "url": _text(s, record, data, "url"),
              "country": _text(s, record, data, "country"), "description": _text(s, record, data, "description")}
    stored_aliases = {a for (a,) in s.conn.execute(select(SourceAlias.alias).where(SourceAlias.source_id == source_id))}
    stored_relations = set(s.conn.execute(select(SourceRelation.relation, SourceRelation.target_id).where(SourceRelation.source_id == source_id)))
    outcome = _upsert(s, record, "source", Source.__table__, Source.__table__.c.id, wanted)
    if outcome == "refused":
        return
    s.source_keys[source_id.lower()] = source_id
    is_new = outcome == "added"
    if not is_new and set(aliases) != stored_aliases:
        if _refused_change(s, record, "aliases", f"source '{source_id}'", f"aliases {sorted(stored_aliases)}", "aliases"):
            return
        s.conn.execute(delete(SourceAlias).where(SourceAlias.source_id == source_id))
        for alias in stored_aliases:
            s.source_keys.pop(alias.lower(), None)
        stored_aliases = set()
        outcome = "updated"
    for alias in aliases:
        if alias in stored_aliases:
            continue
        owner = s.source_keys.get(alias.lower())
        if owner is not None and owner != source_id:
            s.problem(record, "aliases", f"alias '{alias}' already names source '{owner}'",
                      "an alias must name one source only; remove it from one of them")
            continue
        if owner == source_id and alias.lower() != source_id.lower():
            continue  # the same alias twice in one list
        s.conn.execute(insert(SourceAlias).values(source_id=source_id, alias=alias, alias_key=alias.lower(), batch_id=s.batch_id))
        s.source_keys[alias.lower()] = source_id
        s.aliases[alias.lower()] = alias
    if relations or stored_relations:
        s.pending_relations.extend((source_id, relation, target, record) for relation, target in relations)
        if not is_new and {(r, s.source_keys.get(t.lower(), t)) for r, t in relations} != {(r, t) for r, t in stored_relations}:
            # Targets are resolved later; a target known by now may be named by an alias (stored: its id).
            if _refused_change(s, record, "part_of", f"source '{source_id}'", f"relations {sorted(stored_relations)}", "relations"):
                return
            s.conn.execute(delete(SourceRelation).where(SourceRelation.source_id == source_id))
            outcome = "updated"
    s.counts["sources"][outcome] += 1


def _import_event(s: _Session, record: Record) -> None:
    data = record.data
    if not _check_fields(s, record, data, "event"):
        return
    event_id = _identifier(s, record, data, "id")
    name = _text(s, record, data, "name")
    start = _date(s, record, data, "start")
    end = _date(s, record, data, "end")
    parent = _identifier(s, record, data, "parent")
    if parent is not None and parent not in s.events:
        # Compare with the stored parent by its id: the file may name it in another case.
        parent = next((known for known in s.events if known.lower() == parent.lower()), parent)
    if start and end and start[0][: len(end[0])] > end[0]:
        s.problem(record, "end", f"the event ends ({end[0]}) before it starts ({start[0]})", "swap or correct the dates")
        return
    if event_id is None or name is None or not _first_seen(s, record, "event", event_id):
        return
    wanted = {"id": event_id, "name": name, "description": _text(s, record, data, "description"),
              "start_date": start[0] if start else None, "start_precision": start[1] if start else None,
              "end_date": end[0] if end else None, "end_precision": end[1] if end else None}
    existing_parent = s.event_parents.get(event_id) if event_id in s.events else None
    outcome = _upsert(s, record, "event", Event.__table__, Event.__table__.c.id, wanted, stored=event_id in s.events)
    if outcome == "refused":
        return
    if outcome != "added" and parent != existing_parent:
        if _refused_change(s, record, "parent", f"event '{event_id}'", f"parent {existing_parent!r}", "parent", "it"):
            return
        outcome = "updated"
    s.events.add(event_id)
    s.event_parents[event_id] = None
    if parent is not None:
        s.pending_parents.append((event_id, parent, record))
    elif existing_parent is not None:
        s.conn.execute(update_rows(Event).where(Event.id == event_id).values(parent_id=None))
    s.counts["events"][outcome] += 1


def _import_metric(s: _Session, record: Record) -> None:
    data = record.data
    if not _check_fields(s, record, data, "metric"):
        return
    metric_id = _identifier(s, record, data, "id")
    name = _text(s, record, data, "name")
    unit = _text(s, record, data, "unit", limit=100)
    if metric_id is None or name is None or unit is None or not _first_seen(s, record, "metric", metric_id):
        return
    wanted = {"id": metric_id, "name": name, "unit": unit, "description": _text(s, record, data, "description")}
    outcome = _upsert(s, record, "metric", Metric.__table__, Metric.__table__.c.id, wanted, stored=metric_id in s.metrics)
    if outcome != "refused":
        s.metrics.add(metric_id)
        s.counts["metrics"][outcome] += 1


def _document_text(s: _Session, record: Record, data: dict[str, Any]) -> str | None:
    has_text, has_file = data.get("text") is not None, data.get("text_file") is not None
    if has_text == has_file:
        s.problem(record, "text", "give exactly one of 'text' (inline) or 'text_file' (a path)",
                  "the archived full text is what quotes are checked against")
        return None
    if has_text:
        value = data["text"]
        if not isinstance(value, str):
            s.problem(record, "text", f"expected text; found {type_name(value)}", "write the document's full text")
            return None
        return value
    relative = data["text_file"]
    if not isinstance(relative, str) or not relative.strip():
        s.problem(record, "text_file", f"expected a relative path; found {type_name(relative)}", "e.g. documents/article.txt")
        return None
    folder = Path(record.path).resolve().parent
    candidate = Path(relative)
    target = (folder / candidate).resolve()
    if candidate.is_absolute() or not target.is_relative_to(folder):
        s.problem(record, "text_file", f"'{relative}' points outside the import file's folder ({folder})",
                  "keep document texts in the same folder as the import file or below it, with a relative path")
        return None
    if not target.exists():
        s.problem(record, "text_file", f"'{relative}' does not exist (looked for {target})", "check the file name and folder")
        return None
    if not target.is_file():
        s.problem(record, "text_file", f"'{relative}' is not a file", "point text_file at the document's text file")
        return None
    raw = target.read_bytes()
    if b"\x00" in raw:
        s.problem(record, "text_file", f"'{relative}' contains NUL bytes (first at offset {raw.index(0)}); is it a text file?",
                  "archive the document as plain UTF-8 text")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        s.problem(record, "text_file", f"'{relative}' is not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})",
                  "save the document text as UTF-8")
        return None


def _import_document(s: _Session, record: Record) -> None:
    data = record.data
    if not _check_fields(s, record, data, "document"):
        return
    document_id = _identifier(s, record, data, "id")
    title = _text(s, record, data, "title")
    published = _date(s, record, data, "published")
    publisher = _text(s, record, data, "publisher")
    text = _document_text(s, record, data)
    if document_id is None or title is None or text is None or not _first_seen(s, record, "document", document_id):
        return
    if not text.strip():
        s.problem(record, "text", "the document text is empty", "archive the document's full text; quotes are checked against it")
        return
    wanted = {"id": document_id, "title": title, "author": _text(s, record, data, "author"),
              # interned: s.documents holds every document's date, in the importer and in each worker
              "published": sys.intern(published[0]) if published else None, "published_precision": published[1] if published else None,
              "url": _text(s, record, data, "url"), "language": _text(s, record, data, "language", limit=20),
              "text": text, "text_sha256": hashlib.sha256(text.encode()).hexdigest()}
    if document_id not in s.documents:
        _add_document(s, record, wanted, publisher)
        return
    table = Document.__table__
    existing = _stored_row(s, table, table.c.id, document_id)
    outcome = _upsert(s, record, "document", table, table.c.id, wanted, row=existing)
    if outcome == "refused":
        return
    if existing is not None and outcome == "unchanged" and (existing.publisher_id or None) != (s.source_keys.get(publisher.lower()) if publisher else None):
        if _refused_change(s, record, "publisher", f"document '{document_id}'", f"publisher {existing.publisher_id!r}",
                           "publisher", "it"):
            return
        outcome = "updated"
    pk = existing.pk if existing is not None else s.conn.execute(select(table.c.pk).where(table.c.id == document_id)).scalar_one()
    s.documents[document_id] = (pk, wanted["published"])
    s.texts.pop(pk, None)
    if s.spool is not None and (existing is None or existing.text != text):  # workers read the others from the database
        s.spool.add(pk, text)
    _check_publisher_later(s, document_id, publisher, record, existing.publisher_id if existing is not None else None)
    if outcome == "updated" and existing is not None:
        s.pending_rechecks.append((record, pk, text))  # after the claims: this import may correct their quotes
    s.counts["documents"][outcome] += 1


def _add_document(s: _Session, record: Record, wanted: dict[str, Any], publisher: str | None) -> None:
    """A new document: inserted in batches with the next primary key (its claims need the key)."""
    pk = s.next_document_pk
    s.next_document_pk += 1
    # The publisher is usually known by now; if not, or if it changes, the pending check sets it.
    publisher_id = s.source_keys.get(publisher.lower()) if publisher else None
    _add_row(s, Document.__table__, {**wanted, "pk": pk, "publisher_id": publisher_id, "batch_id": s.batch_id})
    s.documents[wanted["id"]] = (pk, wanted["published"])
    if s.spool is not None:
        s.spool.add(pk, wanted["text"])
    _check_publisher_later(s, wanted["id"], publisher, record, publisher_id)
    s.counts["documents"]["added"] += 1


def _check_publisher_later(s: _Session, document_id: str, publisher: str | None, record: Record, stored: str | None) -> None:
    """Queue the publisher for the end of the pass unless it is already known and stored as it
    will stay (sources only lose names with --update): a million-claim import has 100,000 documents."""
    resolved = s.source_keys.get(publisher.lower()) if publisher else None
    if s.update or (publisher and resolved is None) or resolved != stored:
        s.pending_publishers.append((document_id, publisher or "", _location(record), stored))


def _location(record: Record) -> Record:
    """The record without its data, still able to say where each field was: kept for checks at the
    end of the pass without keeping every document's text in memory."""
    data = LineDict()
    if isinstance(record.data, LineDict):
        data.line = record.data.line
        data.key_lines = getattr(record.data, "key_lines", {})
    else:
        data.line = record.line
    return Record(record.kind, data, record.path, record.line, record.label)


def _add_row(s: _Session, table: Any, row: dict[str, Any]) -> None:
    """Queue a new event, metric or document row: they are inserted many at a time."""
    rows = s.new_rows.setdefault(table, [])
    rows.append(row)
    if len(rows) >= ROW_BATCH:
        _flush_rows(s)


def _flush_rows(s: _Session) -> None:
    for table, rows in s.new_rows.items():
        if rows:
            s.conn.execute(insert(table), rows)
    s.new_rows.clear()


def _recheck_quotes(s: _Session, record: Record, document_pk: int, text: str) -> None:
    """A document's text changed: every stored quote must still be found in it."""
    normalized = normalize(text)
    rows = s.conn.execute(select(Claim.pk, Claim.id, Claim.quote).where(
        Claim.document_pk == document_pk, Claim.batch_id != s.batch_id,  # claims written now were located in the new text
        (Claim.updated_batch_id.is_(None)) | (Claim.updated_batch_id != s.batch_id))).all()
    for pk, claim_id, quote in rows:
        found = find_quote(normalized, quote)
        if found is None:
            s.problem(record, "text", f"the new text no longer contains the quote of claim '{claim_id}'",
                      "keep the archived text faithful to the original, or update that claim's quote too")
            continue
        s.conn.execute(update_rows(Claim).where(Claim.pk == pk).values(quote_start=found[0], quote_end=found[1]))


def _resolve_pending_entities(s: _Session) -> None:
    for source_id, relation, target, record in s.pending_relations:
        target_id = _resolve_source(s, record, relation, target)
        if target_id is None:
            continue
        if target_id == source_id:
            s.problem(record, relation, f"source '{source_id}' cannot be {relation} itself", "name another source")
            continue
        exists = s.conn.execute(select(SourceRelation.id).where(
            SourceRelation.source_id == source_id, SourceRelation.relation == relation, SourceRelation.target_id == target_id)).first()
        if exists is None:
            s.conn.execute(insert(SourceRelation).values(source_id=source_id, relation=relation, target_id=target_id, batch_id=s.batch_id))
    _check_relation_cycles(s)
    for event_id, parent, record in s.pending_parents:
        parent_id = _resolve(s, record, "parent", parent, s.events, "event")
        if parent_id is None:
            continue
        if parent_id == event_id:
            s.problem(record, "parent", f"event '{event_id}' cannot be its own parent", "name the larger event it belongs to")
            continue
        s.conn.execute(update_rows(Event).where(Event.id == event_id).values(parent_id=parent_id))
        s.event_parents[event_id] = parent_id
    _check_event_cycles(s)
    for document_id, publisher, record, stored_publisher in s.pending_publishers:
        publisher_id = _resolve_source(s, record, "publisher", publisher) if publisher else None
        if (publisher and publisher_id is None) or publisher_id == stored_publisher:
            continue
        s.conn.execute(update_rows(Document).where(Document.id == document_id).values(publisher_id=publisher_id))


def _check_relation_cycles(s: _Session) -> None:
    graph: dict[str, list[str]] = {}
    for source_id, target_id in s.conn.execute(select(SourceRelation.source_id, SourceRelation.target_id)):
        graph.setdefault(source_id, []).append(target_id)
    cycle = _find_cycle(graph)
    if cycle:
        record = next((r for src, _, _, r in s.pending_relations if src in cycle), None)
        s.problem(record, "part_of", f"sources form a cycle of part_of/member_of relations: {' -> '.join(cycle)}",
                  "a source cannot (indirectly) contain itself; remove one of these relations")


def _check_event_cycles(s: _Session) -> None:
    graph = {event: [parent] for event, parent in s.event_parents.items() if parent}
    cycle = _find_cycle(graph)
    if cycle:
        record = next((r for e, _, r in s.pending_parents if e in cycle), None)
        s.problem(record, "parent", f"events form a cycle of parents: {' -> '.join(cycle)}", "remove one of these parent links")


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    for start in graph:
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(graph.get(start, ())))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                return path[path.index(child):] + [child]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(graph.get(child, ()))))
    return None


# -- claims ---------------------------------------------------------------------------------------


# A prepared claim's values, in this order, followed when it is written by its quote's offsets and
# what writing adds; a figure's values likewise.
_PREPARED_COLUMNS = ("id", "source_id", "document_pk", "event_id", "via_id", "claimed_on", "claimed_on_precision", "quote",
                     "statement", "status", "content_sha256", "record_digest")
CLAIM_COLUMNS = (*_PREPARED_COLUMNS, "quote_start", "quote_end", "pk", "supersedes_pk", "batch_id")
_FIGURE_ROW_COLUMNS = ("metric_id", "population", "qualifier", "value", "low", "high", "stated")
FIGURE_COLUMNS = (*_FIGURE_ROW_COLUMNS, "claim_pk", "position", "batch_id")


class _ClaimRow(NamedTuple):
    """A claim that passed every check that needs no database: its values, its figures' values and
    where it is in its file. Plain tuples: validation workers send them by the million."""

    values: tuple[Any, ...]  # _PREPARED_COLUMNS
    figures: list[tuple[Any, ...]]  # _FIGURE_ROW_COLUMNS
    document_id: str
    supersedes: str | None
    path: str
    line: int | None
    label: str
    data_line: int | None
    key_lines: dict[str, int] | None
    # The quote's offsets when a worker located it already; () when it did not find it; None: not tried.
    location: tuple[int, ...] | None = None

    @property
    def id(self) -> str:
        return self.values[0]  # type: ignore[no-any-return]

    @property
    def source_id(self) -> str:
        return self.values[1]  # type: ignore[no-any-return]

    @property
    def document_pk(self) -> int:
        return self.values[2]  # type: ignore[no-any-return]

    @property
    def claimed_on(self) -> str:
        return self.values[5]  # type: ignore[no-any-return]

    @property
    def quote(self) -> str:
        return self.values[7]  # type: ignore[no-any-return]

    @property
    def content_sha256(self) -> str:
        return self.values[10]  # type: ignore[no-any-return]

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.data_line) if self.key_lines is not None else self.data_line

    @property
    def record(self) -> Record:
        """The record, for messages: where it is, not what it holds."""
        data = LineDict()
        data.line = self.data_line
        if self.key_lines is not None:
            data.key_lines = self.key_lines
        return Record("claim", data, self.path, self.line, self.label)


class _KnownClaim(NamedTuple):
    """A JSON Lines claim line that the database holds already, byte for byte, imported under the
    same rules with the same lookups (see _known_claim): nothing to check, nothing to write."""

    id: str
    pk: int
    figures: int
    path: str
    line: int

    @property
    def record(self) -> Record:
        data = LineDict()
        data.line = self.line
        return Record("claim", data, self.path, self.line, f"line {self.line}")


@lru_cache(maxsize=1)
def _rules_fingerprint() -> str | None:
    """What decides how a claim line is checked and stored: this code, and the Python that runs it
    (str.strip, str.lower and the figure grammar's regular expressions follow its Unicode tables).
    None, and no record digests, when the code cannot be read to fingerprint it."""
    import sys
    import unicodedata

    from factdb import figures, readers

    digest = hashlib.sha256(f"{__version__}\n{sys.version}\n{unicodedata.unidata_version}\n".encode())
    for module in (sys.modules[__name__], figures, readers):
        try:
            digest.update(Path(module.__file__ or "").read_bytes())
        except OSError:
            return None
    return digest.hexdigest()


def _lookup_key(value: Any) -> str | None:
    """A field as _text reads it, for lookups: text or a number, trimmed; None for anything else."""
    if isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return str(value).strip() or None
    return None


def _quietly_resolved(s: _Session, value: str | None, known: Any, kind: str) -> str | None:
    """What _resolve answers for ``value``, without reporting anything."""
    if value is None or value in known:
        return value
    return _lowered(s, kind, known).get(value.lower())


# In a record digest, what a lookup that found nothing gives: no id (see ID_PATTERN) or date can be it.
_NOTHING = "\x01"


def _record_digest(text: str, document: tuple[int, str | None] | None, source: str | None, via: str | None, event: str | None,
                   metrics: Iterable[str | None]) -> str | None:
    """The fingerprint of a JSON Lines claim line, checked with these lookup answers.

    Checking a claim line depends on three things only: its text, the rules (_rules_fingerprint),
    and what the import's lookups answer for the names it gives: its document's key and date, the
    sources of ``source`` and ``via``, its event, its figures' metrics. All three go in, so a line
    whose digest matches a stored claim's would pass every check again and store the same row.
    """
    rules = _rules_fingerprint()
    if rules is None:
        return None
    context = "\x00".join((rules, f"{document[0]}\x1f{document[1]}" if document else _NOTHING, source or _NOTHING,
                           via or _NOTHING, event or _NOTHING, "\x1f".join([m or _NOTHING for m in metrics]), text))
    return hashlib.sha256(context.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _line_digest(s: _Session, text: str, data: dict[str, Any]) -> str | None:
    """_record_digest of a decoded line, with what _prepare_claim's lookups would answer for it."""
    get = data.get
    source, via = _lookup_key(get("source")), _lookup_key(get("via"))
    figures = get("figures") or []  # as _prepare_claim reads it: missing, null or empty, no figures
    return _record_digest(
        text, s.documents.get(_lookup_key(get("document")) or ""),
        s.source_keys.get(source.lower()) if source else None, s.source_keys.get(via.lower()) if via else None,
        _quietly_resolved(s, _lookup_key(get("event")), s.events, "event"),
        [_quietly_resolved(s, _lookup_key(f.get("metric")), s.metrics, "metric") if type(f) is dict else None for f in figures]
        if type(figures) is list else (_NOTHING,))


# A claim line's id, found without decoding the line: most lines are not stored yet, and the
# digest (which needs the decoded line) is computed only for those that are. Whatever this finds
# is only looked up; the digest, which covers the whole line, decides.
_CLAIM_ID = re.compile(r'"id"\s*:\s*"([^"\\]*)"')


def _known_claim(s: _Session, text: str, path: str, line: int, stored: Callable[[str], Any]) -> _KnownClaim | None:
    """The claim on this JSON Lines line when the database holds it with the same digest, else None.

    ``stored(id)`` gives the stored claim's (pk, record_digest), or None. A line that does not even
    decode is left to the full reading, which reports it.
    """
    match = _CLAIM_ID.search(text)
    claim_id = match.group(1).strip() if match is not None else None
    found = stored(claim_id) if claim_id is not None else None
    if found is None or found[1] is None:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if type(data) is not dict or found[1] != _line_digest(s, text, data):
        return None
    return _KnownClaim(claim_id, found[0], len(data.get("figures") or ()), path, line)


def stored_digests(connection: Any) -> Callable[[str], Any]:
    """stored(id) for _known_claim, reading through a DB-API connection to the database."""
    def stored(claim_id: str) -> Any:
        return connection.execute("SELECT pk, record_digest FROM claims WHERE id = ?", (claim_id,)).fetchone()

    return stored


def _known_claims(s: _Session, path: str, stored: Callable[[str], Any]) -> Callable[[str, int], _KnownClaim | None]:
    """read_records(known=...) for the claims of the file at ``path``."""
    return lambda text, line: _known_claim(s, text, path, line, stored)


@dataclass
class _QuoteCheck:
    """A worker's request, in the order of its problems: is this quote of a claim with other problems
    in its document? Only the importer's connection can read documents written in this import."""

    record: Record
    document_id: str
    quote: str


# Large imports repeat the same phrases ("several", "at least 300") many times. Figures are immutable;
# typed=True keeps 300 and 300.0 apart, as the stored value and the content hash do.
_parse_figure = lru_cache(maxsize=16_384, typed=True)(parse_figure)


@lru_cache(maxsize=16_384, typed=True)
def _figure_from_parts(qualifier: str, value: Any, low: Any, high: Any, text: str | None) -> Figure:
    return figure_from_parts(qualifier, value=value, low=low, high=high, text=text)


def _figure(s: _Session, record: Record, data: Any, index: int) -> tuple[dict[str, Any], Figure] | None:
    prefix = f"figures[{index}]."
    line = data.line if isinstance(data, LineDict) else None
    if not _check_fields(s, record, data, "figure", prefix):
        return None
    metric = _resolve(s, record, f"{prefix}metric", _text(s, record, data, "metric", prefix=prefix), s.metrics, "metric",
                      line=data.line_of("metric") if isinstance(data, LineDict) else None)
    population = _text(s, record, data, "population", limit=200, prefix=prefix)
    qualifier = data.get("qualifier")
    value, low, high, stated = data.get("value"), data.get("low"), data.get("high"), data.get("stated")
    for key, item in (("value", value), ("low", low), ("high", high), ("qualifier", qualifier), ("stated", stated)):
        if item is not None and (isinstance(item, bool) or not isinstance(item, (str, int, float))):
            s.problem(record, f"{prefix}{key}", f"expected a number or a phrase; found {type_name(item)}",
                      "write e.g. value: at least 300", line=line)
            return None
    try:
        if qualifier is not None:
            figure = _figure_from_parts(str(qualifier).strip(), value, low, high,
                                        str(stated).strip() if stated is not None else None)
        elif low is not None or high is not None:
            s.problem(record, f"{prefix}qualifier", "low/high given without a qualifier",
                      "add e.g. qualifier: range, or write value: between 10 and 20", line=line)
            return None
        elif value is None or (isinstance(value, str) and not value.strip()):
            s.problem(record, f"{prefix}value", "missing", "every figure needs a value, e.g. value: at least 300", line=line)
            return None
        else:
            figure = _parse_figure(str(value))
            if stated is not None:
                figure = Figure(figure.qualifier, figure.value, figure.low, figure.high, str(stated).strip())
    except FigureError as error:
        # figure_from_parts names the part it rejects first ("low 1,500 is more than high 300").
        named = str(error).split(" ", 1)[0].rstrip(":")
        culprit = "value" if qualifier is None else named if named in ("value", "low", "high") else "qualifier"
        s.problem(record, f"{prefix}{culprit}", str(error),
                  "see `factdb parse-figure` and docs/figures.md for the phrases understood", line=line)
        return None
    if metric is None:
        return None
    row = {"metric_id": metric, "population": population.lower() if population else None, "qualifier": figure.qualifier,
           "value": figure.value, "low": figure.low, "high": figure.high, "stated": figure.text}
    return row, figure


def _derived_claim_id(document: str, source: str, quote: str) -> str:
    digest = hashlib.sha256(" ".join(quote.split()).encode()).hexdigest()[:12]
    return f"{document}.{source}.{digest}"[:200]


def _prepare_claim(s: _Session, record: Record) -> _ClaimRow | _KnownClaim | None:
    data = record.data
    if type(data) is _KnownClaim:
        return data
    if not _check_fields(s, record, data, "claim"):
        return None
    problems_before = len(s.problems) + s.truncated
    claim_id = _identifier(s, record, data, "id")
    document_id = _resolve(s, record, "document", _text(s, record, data, "document", limit=200), s.documents, "document")
    source_id = _resolve_source(s, record, "source", _text(s, record, data, "source", limit=200))
    via_id = _resolve_source(s, record, "via", _text(s, record, data, "via", limit=200))
    event_id = _resolve(s, record, "event", _text(s, record, data, "event", limit=200), s.events, "event")
    claimed_on = _date(s, record, data, "claimed_on")
    quote = data.get("quote")
    if not isinstance(quote, str) or not quote.strip():
        if quote is None or isinstance(quote, str):
            s.problem(record, "quote", "is empty", "copy the sentence or clause that carries the claim, verbatim from the document")
        else:
            s.problem(record, "quote", f"expected text; found {type_name(quote)}", "write the quote as one text value")
        quote = None
    elif len(quote) > MAX_QUOTE:
        s.problem(record, "quote", f"is {len(quote):,} characters long; at most {MAX_QUOTE:,} are accepted",
                  "quote only the sentence or clause that carries the claim")
        quote = None
    statement = _text(s, record, data, "statement")
    supersedes = _identifier(s, record, data, "supersedes")
    status = _choice(s, record, _text(s, record, data, "status"), "status", CLAIM_STATUSES) or "active"
    _text(s, record, data, "reason")
    raw_figures = data.get("figures") or []
    if not isinstance(raw_figures, list):
        s.problem(record, "figures", f"expected a list of figures; found {type_name(raw_figures)}",
                  "write figures as a list: - {metric: killed, value: at least 300}")
        raw_figures = []
    figures = [f for f in (_figure(s, record, item, i) for i, item in enumerate(raw_figures)) if f is not None]
    if via_id is not None and via_id == source_id:
        s.problem(record, "via", f"a claim cannot be relayed through its own source ('{source_id}')",
                  "leave 'via' out, or name the outlet that relayed it")
    if len(s.problems) + s.truncated > problems_before or None in (document_id, source_id, quote):
        if document_id is not None and isinstance(quote, str):
            _report_missing_quote(s, record, document_id, quote)  # so every problem of the claim shows at once
        return None
    assert document_id is not None and source_id is not None and isinstance(quote, str)
    if claimed_on is None:
        published = s.documents[document_id][1]
        if published is None:
            s.problem(record, "claimed_on", f"missing, and document '{document_id}' has no published date to default to",
                      "give claimed_on (YYYY, YYYY-MM or YYYY-MM-DD) or the document's published date")
            return None
        claimed_on = (published, PRECISION_BY_LENGTH[len(published)])
    claim_id = claim_id or _derived_claim_id(document_id, source_id, quote)
    canonical = {"id": claim_id, "document": document_id, "source": source_id, "via": via_id, "event": event_id,
                 "claimed_on": claimed_on[0], "quote": quote, "statement": statement, "supersedes": supersedes,
                 "status": status, "figures": [row for row, _ in figures]}
    content = hashlib.sha256(_CANONICAL_JSON.encode(canonical).encode()).hexdigest()
    values = (claim_id, source_id, s.documents[document_id][0], event_id, via_id, claimed_on[0], claimed_on[1], quote,
              statement, status, content, None if record.text is None else _record_digest(
                  record.text, s.documents[document_id], source_id, via_id, event_id, [row["metric_id"] for row in canonical["figures"]]))
    data = record.data
    data_line = data.line if isinstance(data, LineDict) else record.line
    key_lines = getattr(data, "key_lines", None) if isinstance(data, LineDict) else None
    return _ClaimRow(values, [_figure_values(f) for f in canonical["figures"]], document_id, supersedes,
                     record.path, record.line, record.label, data_line, key_lines)


_figure_values = itemgetter(*_FIGURE_ROW_COLUMNS)
# The content hash's form; one encoder for every claim (json.dumps with options builds one per call).
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def _document_normalized(s: _Session, document_pk: int) -> tuple[str, NormalizedText]:
    cached = s.texts.get(document_pk)
    if cached is not None:
        s.texts.move_to_end(document_pk)
        return cached
    if s.read_text is not None:
        text = s.read_text(document_pk)
    else:
        # Once per document and import (a hundred thousand times in a large one): straight to the
        # driver, in the same transaction, which costs a fifth of going through SQLAlchemy.
        text = s.conn.connection.driver_connection.execute("SELECT text FROM documents WHERE pk = ?", (document_pk,)).fetchone()[0]
    entry = (text, normalize(text))
    s.texts[document_pk] = entry
    if len(s.texts) > 64:
        s.texts.popitem(last=False)
    return entry


def _quote_not_found(s: _Session, record: Record, document_id: str, text: str, quote: str) -> None:
    passage = closest_passage(text, quote)
    s.problem(record, "quote", f"not found in the text of document '{document_id}'"
              + (f"; closest passage: \"{passage}\"" if passage else ""),
              "copy the quote verbatim from the document (whitespace, quote marks and dashes may differ)")


def _report_missing_quote(s: _Session, record: Record, document_id: str, quote: str) -> None:
    """Check the quote of a claim that already has other problems, reporting only a miss."""
    if s.in_worker:
        s.problems.append(_QuoteCheck(_location(record), document_id, quote))  # type: ignore[arg-type]
        return
    text, normalized = _document_normalized(s, s.documents[document_id][0])
    if find_quote(normalized, quote) is None:
        _quote_not_found(s, record, document_id, text, quote)


def _locate_quote(s: _Session, claim: _ClaimRow) -> tuple[int, int] | None:
    """The quote's offsets in its document's text; None (and a problem) when it is not there."""
    if claim.location:
        return claim.location  # type: ignore[return-value]
    text, normalized = _document_normalized(s, claim.document_pk)
    found = find_quote(normalized, claim.quote) if claim.location is None else None
    if found is None:
        _quote_not_found(s, claim.record, claim.document_id, text, claim.quote)
    return found


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


class TextSpool:
    """The texts of the documents an import writes, in a temporary file that worker processes read
    (they cannot see the import's transaction). Where each text is, is kept in arrays rather than a
    dict of tuples: a hundred thousand documents cost 2.4 MB instead of 25, in the importer and in
    each worker (see SpoolIndex)."""

    def __init__(self) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="factdb-import-")
        self.path = str(Path(self.folder.name) / "texts")
        self._file = open(self.path, "wb")  # noqa: SIM115 - closed by close()
        self._pks = array("q")
        self._starts = array("q")

    def add(self, pk: int, text: str) -> None:
        self._pks.append(pk)
        self._starts.append(self._file.tell())
        self._file.write(text.encode("utf-8", "surrogatepass"))

    def flush(self) -> None:
        self._file.flush()

    def index(self) -> SpoolIndex:
        """Where each text is, by pk (flush() first)."""
        ends = self._starts[1:] + array("q", [self._file.tell()])
        order = sorted(range(len(self._pks)), key=self._pks.__getitem__)  # updated documents keep their older pks
        return SpoolIndex(array("q", (self._pks[i] for i in order)), array("q", (self._starts[i] for i in order)),
                          array("q", (ends[i] for i in order)))

    def close(self) -> None:
        self._file.close()
        self.folder.cleanup()


class SpoolIndex(NamedTuple):
    """A TextSpool's texts by document pk: sorted pks, and the byte range of each one's text."""

    pks: array[int]
    starts: array[int]
    ends: array[int]

    def find(self, pk: int) -> tuple[int, int] | None:
        """(offset, length) in bytes of the text of document ``pk``; None when it is not spooled."""
        i = bisect_left(self.pks, pk)
        if i == len(self.pks) or self.pks[i] != pk:
            return None
        return self.starts[i], self.ends[i] - self.starts[i]


class _SeenClaims:
    """Where each claim id of this import was first seen (file index, line), for duplicate ids.

    A million ids with their locations would be most of a large import's memory. Every claim that
    is stored, before this import or by it, has a pk that the importer looks up anyway: its location
    goes in an array indexed by pk (8 bytes a claim). Only claims refused before being written
    (a quote not found, say) are kept by id.
    """

    def __init__(self) -> None:
        self.by_pk = array("q")  # ((file + 1) << 32) | line; 0: not seen
        self.by_id: dict[str, tuple[int, int | None]] = {}

    def location(self, claim_id: str, pk: int | None) -> tuple[int, int | None] | None:
        if pk is None:
            return self.by_id.get(claim_id)
        packed = self.by_pk[pk] if pk < len(self.by_pk) else 0
        return ((packed >> 32) - 1, (packed & 0xFFFFFFFF) or None) if packed else None

    def add(self, claim_id: str, pk: int | None, file: int, line: int | None) -> None:
        if pk is None or (line or 0) > 0xFFFFFFFF:
            self.by_id[claim_id] = (file, line)
            return
        if pk >= len(self.by_pk):
            self.by_pk.frombytes(bytes(8 * max(pk + 1 - len(self.by_pk), len(self.by_pk) // 2)))
        self.by_pk[pk] = ((file + 1) << 32) | (line or 0)


def _supersedes_targets(s: _Session, prepared: list[_ClaimRow]) -> dict[str, tuple[int, str, str]]:
    """Claims already stored that this chunk's claims supersede: id -> (pk, source, claimed_on)."""
    targets = sorted({c.supersedes for c in prepared if c.supersedes is not None})
    if not targets or s.update:
        return {}  # --update may still change a target later in the import: check at the end
    rows = s.conn.connection.driver_connection.execute(
        f"SELECT id, pk, source_id, claimed_on FROM claims WHERE id IN ({', '.join('?' for _ in targets)})", targets)
    return {claim_id: (pk, source_id, claimed_on) for claim_id, pk, source_id, claimed_on in rows}


def _import_claim_chunk(s: _Session, chunk: list[Record]) -> None:
    _store_claims(s, [c for c in (_prepare_claim(s, r) for r in chunk) if c is not None])


class _StoredClaim(NamedTuple):
    pk: int
    content_sha256: str


def _store_claims(s: _Session, prepared: list[_ClaimRow | _KnownClaim]) -> None:
    """Check what needs the database (duplicates, stored versions, revisions, quotes) and write."""
    if not prepared:
        return
    checked = [c for c in prepared if type(c) is not _KnownClaim]
    ids = [c.id for c in checked]
    stored = {claim_id: _StoredClaim(pk, sha) for pk, claim_id, sha in s.conn.connection.driver_connection.execute(
        f"SELECT pk, id, content_sha256 FROM claims WHERE id IN ({', '.join('?' for _ in ids)})", ids)} if ids else {}
    if len(checked) < len(prepared):
        for claim in prepared:
            if type(claim) is _KnownClaim:  # its stored pk, for duplicates; a line of the same id decoded in full keeps its row
                stored.setdefault(claim.id, _StoredClaim(claim.pk, ""))
    targets = _supersedes_targets(s, checked)
    new_rows: list[tuple[Any, ...]] = []
    new_figures: list[tuple[Any, ...]] = []
    seen: dict[str, tuple[int, int | None]] = {}  # first seen in this chunk: id -> (file index, line)
    new_pks: dict[str, int] = {}
    for claim in prepared:
        claim_id = claim.id
        s.claim_sequence += 1
        existing = stored.get(claim_id)
        first = seen.get(claim_id) or s.claims_seen.location(claim_id, existing.pk if existing is not None else None)
        if first is not None:
            path = next(name for name, index in s.paths.items() if index == first[0])
            s.problem(claim.record, "id", f"duplicate claim id '{claim_id}' (first at {path}:{first[1]})",
                      "give each claim its own id; rows of one CSV claim must be consecutive")
            continue
        seen[claim_id] = (s.paths[claim.path], claim.line)
        if type(claim) is _KnownClaim:
            s.counts["claims"]["unchanged"] += 1
            s.counts["figures"]["unchanged"] += claim.figures
            continue
        if existing is not None and existing.content_sha256 == claim.content_sha256:
            s.counts["claims"]["unchanged"] += 1
            s.counts["figures"]["unchanged"] += len(claim.figures)
            continue
        location = _locate_quote(s, claim)
        if location is None:
            continue
        supersedes_pk = None
        if existing is None:
            pk = new_pks[claim_id] = s.next_claim_pk
            s.next_claim_pk += 1
            if claim.supersedes is not None and claim.supersedes in targets:
                supersedes_pk = _check_supersedes(s, claim, pk, claim_id, targets[claim.supersedes])
            elif claim.supersedes is not None:
                _defer_supersedes(s, pk, claim_id, claim)
            new_rows.append((*claim.values, *location, pk, supersedes_pk, s.batch_id))
            new_figures.extend((*f, pk, position, s.batch_id) for position, f in enumerate(claim.figures, start=1))
            s.counts["claims"]["added"] += 1
            s.counts["figures"]["added"] += len(claim.figures)
            # Later claims of this chunk may supersede this one: it is inserted before them.
            if not s.update:
                targets[claim_id] = (pk, claim.source_id, claim.claimed_on)
        elif not s.update:
            s.problem(claim.record, "id", f"claim '{claim_id}' already exists with different content",
                      "import it under a new id (and `supersedes:` the old one) to record a revision, or run with --update to correct it")
            continue
        else:
            _replace_claim(s, existing.pk, claim, location)
            if claim.supersedes is not None:
                _defer_supersedes(s, existing.pk, claim_id, claim)
    for claim_id, (file, line) in seen.items():
        existing = stored.get(claim_id)
        s.claims_seen.add(claim_id, existing.pk if existing is not None else new_pks.get(claim_id), file, line)
    if new_rows and s.may_defer_indexes and s.deferred_indexes is None:
        s.deferred_indexes = _defer_indexes(s.conn, INDEXED_IN_BULK)
    if new_rows:
        s.conn.exec_driver_sql(_insert_sql("claims", CLAIM_COLUMNS), new_rows)
    if new_figures:
        s.conn.exec_driver_sql(_insert_sql("figures", FIGURE_COLUMNS), new_figures)
    if new_rows and s.claims_unindexed_from is not None:
        _index_full_text(s.conn, "claims", s.claims_unindexed_from)
        s.claims_unindexed_from = s.next_claim_pk


def _defer_supersedes(s: _Session, pk: int, claim_id: str, claim: _ClaimRow) -> None:
    assert claim.supersedes is not None
    s.pending_supersedes.append(_PendingSupersedes(pk, claim_id, claim.supersedes, claim.source_id, claim.claimed_on,
                                                   claim.path, claim.line_of("supersedes"), s.claim_sequence))


def _check_supersedes(s: _Session, claim: _ClaimRow, pk: int, claim_id: str, target: tuple[int, str, str]) -> int | None:
    """The target's pk if a new claim may supersede it (the rules of _resolve_supersedes), else None."""
    pending = _PendingSupersedes(pk, claim_id, claim.supersedes or "", claim.source_id, claim.claimed_on,
                                 claim.path, claim.line_of("supersedes"), s.claim_sequence)
    return target[0] if _supersedes_problem(s, pending, *target) is None else None


def _supersedes_problem(s: _Session, pending: _PendingSupersedes, target_pk: int, source_id: str, claimed_on: str) -> Problem | None:
    """Record (for the end of the import, in claim order) why a claim may not supersede its target."""
    where = f"{pending.claim_id}.supersedes"
    problem = None
    if target_pk == pending.claim_pk:
        problem = Problem(pending.path, pending.line, where, "a claim cannot supersede itself", "name the earlier claim it revises")
    elif source_id != pending.source_id:
        problem = Problem(pending.path, pending.line, where, f"claim '{pending.target}' is by '{source_id}', not '{pending.source_id}'",
                          "a claim can only supersede an earlier claim of the same source")
    elif claimed_on[: len(pending.claimed_on)] > pending.claimed_on:
        problem = Problem(pending.path, pending.line, where,
                          f"claim '{pending.target}' ({claimed_on}) is later than this one ({pending.claimed_on})",
                          "a claim supersedes an earlier one; check the dates or swap the claims")
    if problem is not None:
        s.supersedes_problems.append((pending.sequence, problem))
    return problem


def _figure_rows(s: _Session, claim_pk: int, claim: _ClaimRow) -> list[dict[str, Any]]:
    return [dict(zip(FIGURE_COLUMNS, (*values, claim_pk, position, s.batch_id), strict=True))
            for position, values in enumerate(claim.figures, start=1)]


def _replace_claim(s: _Session, pk: int, claim: _ClaimRow, location: tuple[int, int]) -> None:
    """--update: keep the stored version in claim_history, then overwrite the claim and its figures."""
    from factdb.export import claim_record

    old = s.conn.execute(select(Claim.__table__).where(Claim.pk == pk)).first()
    assert old is not None
    version = (s.conn.execute(select(ClaimVersion.version).where(ClaimVersion.claim_pk == pk)
                              .order_by(ClaimVersion.version.desc()).limit(1)).scalar() or 0) + 1
    s.conn.execute(insert(ClaimVersion).values(
        claim_pk=pk, claim_id=old.id, version=version,
        content=json.dumps(claim_record(s.conn, pk), ensure_ascii=False, sort_keys=True),
        content_sha256=old.content_sha256, created_batch_id=old.updated_batch_id or old.batch_id, replaced_batch_id=s.batch_id))
    s.conn.execute(delete(FigureRow).where(FigureRow.claim_pk == pk))
    row = dict(zip(_PREPARED_COLUMNS, claim.values, strict=True), quote_start=location[0], quote_end=location[1])
    s.conn.execute(update_rows(Claim).where(Claim.pk == pk).values(**row, supersedes_pk=None, updated_batch_id=s.batch_id))
    figures = _figure_rows(s, pk, claim)
    if figures:
        s.conn.execute(insert(FigureRow), figures)
    s.counts["claims"]["updated"] += 1
    s.counts["figures"]["updated"] += len(figures)


def _resolve_supersedes(s: _Session) -> None:
    """The revisions whose target was not stored when their chunk was written (forward references,
    --update); the others were checked and linked as they were inserted."""
    for pending in s.pending_supersedes:
        target = s.conn.execute(select(Claim.pk, Claim.source_id, Claim.claimed_on).where(Claim.id == pending.target)).first()
        if target is None:
            s.supersedes_problems.append((pending.sequence, Problem(
                pending.path, pending.line, f"{pending.claim_id}.supersedes", f"unknown claim '{pending.target}'",
                "name the id of an earlier claim by the same source")))
            continue
        if _supersedes_problem(s, pending, target.pk, target.source_id, target.claimed_on) is None:
            s.conn.execute(update_rows(Claim).where(Claim.pk == pending.claim_pk).values(supersedes_pk=target.pk))
    s.problems.extend(problem for _, problem in sorted(s.supersedes_problems, key=lambda item: item[0]))
    _check_supersedes_cycles(s)


def _check_supersedes_cycles(s: _Session) -> None:
    for pending in s.pending_supersedes:
        seen = {pending.claim_pk}
        current = pending.claim_pk
        while True:
            current = s.conn.execute(select(Claim.supersedes_pk).where(Claim.pk == current)).scalar()
            if current is None:
                break
            if current in seen:
                s.problems.append(Problem(pending.path, pending.line, f"{pending.claim_id}.supersedes",
                                          "claims supersede each other in a cycle", "each revision supersedes only earlier claims"))
                return
            seen.add(current)


# -- the whole import -----------------------------------------------------------------------------


def _import_claims(s: _Session, files: Sequence[Path], workers: int, progress: Callable[[int], None] | None,
                   counts: Counter[str], pool: Any = None) -> None:
    if workers:
        from factdb.import_workers import checked_chunks

        for prepared in checked_chunks(s, files, workers, CLAIM_CHUNK, progress, counts, pool):
            _store_claims(s, prepared)
        return
    chunk: list[Record] = []
    for record in _records(s, files, True, progress, counts):
        if chunk and record.path != chunk[-1].path:  # chunks never span files, as in the workers
            _import_claim_chunk(s, chunk)
            chunk = []
        chunk.append(record)
        if len(chunk) >= CLAIM_CHUNK:
            _import_claim_chunk(s, chunk)
            chunk = []
    _import_claim_chunk(s, chunk)


def _file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _check_paths(paths: Sequence[Path]) -> list[Problem]:
    problems = []
    for path in paths:
        if not path.exists():
            problems.append(Problem(str(path), None, "", "no such file", "check the path"))
        elif not path.is_file():
            problems.append(Problem(str(path), None, "", "is not a file", "name import files, not folders"))
        elif file_format(path) is None:
            problems.append(Problem(str(path), None, "", f"unknown file type '{path.suffix}'",
                                    "use .yaml/.yml, .json, .jsonl or .csv"))
    return problems


def _records(s: _Session, paths: Sequence[Path], claims_pass: bool,
             progress: Callable[[int], None] | None, counts: Counter[str]) -> Iterator[Record]:
    """The claims (``claims_pass``) or every other record of the files, counting records per file.

    Each line of a JSON Lines file is decoded by the one pass that wants it; CSV files hold only
    claims and are read by the claims pass alone; YAML files are read by both passes (with libyaml,
    reading again costs less than keeping a large file's claims in memory); JSON files are parsed
    once, their claims kept for the claims pass.
    """
    kinds = ("claim",) if claims_pass else ("source", "event", "metric", "document")
    for path in paths:
        name, fmt = str(path), file_format(path)
        if name in s.unreadable:
            continue  # already reported by the first pass
        if claims_pass and name in s.cached_claims:
            if progress:
                progress(path.stat().st_size)
            yield from s.cached_claims.pop(name)
            continue
        if not claims_pass and fmt == "csv":
            if progress:
                progress(path.stat().st_size)
            continue
        counting = not claims_pass or fmt == "csv"
        kept: list[Record] | None = [] if not claims_pass and fmt == "json" else None
        known = _known_claims(s, name, stored_digests(s.conn.connection.driver_connection)) if claims_pass and s.had_claims else None
        try:
            for record in read_records(path, progress, kinds, known=known):
                if counting:
                    counts[name] += 1
                if (record.kind == "claim") == claims_pass:
                    yield record
                elif kept is not None:
                    kept.append(record)
                elif record.kind == "claim":
                    s.files_with_claims.add(name)  # seen, not decoded, by the first pass
        except ReadError as error:
            s.unreadable.add(name)
            s.problems.append(Problem(error.path, error.line, "", error.message, error.hint))
            continue
        if kept is not None:
            s.cached_claims[name] = kept


# The full-text indexes of migration 0003: table -> its "<table>_fts" index, fed by "<table>_ai".
FULL_TEXT_TABLES = ("documents", "claims")


def _defer_full_text(conn: Connection) -> dict[str, str]:
    """Drop the triggers that index each inserted row; return their SQL to restore them.

    Only the insert triggers: updates and deletes of stored rows keep their index up to date.
    Schema changes are transactional in SQLite, so a failed import gets the triggers back too.
    """
    if conn.dialect.name != "sqlite":
        return {}
    names = tuple(f"{table}_ai" for table in FULL_TEXT_TABLES)
    triggers = dict(conn.exec_driver_sql(
        f"SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({', '.join('?' for _ in names)})", names).all())
    for table in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{table}_ai"')
    return triggers


def _catch_up_full_text(conn: Connection, deferred: dict[str, str], table: str, first_pk: int) -> None:
    """Index the rows inserted since ``first_pk`` in one statement, then restore the trigger.

    Must run before any UPDATE of those rows: the update trigger removes a row's old terms from
    the index, which requires them to be there.
    """
    trigger = deferred.pop(table, None)
    if trigger is None:
        return
    _index_full_text(conn, table, first_pk)
    conn.exec_driver_sql(trigger)


def _index_full_text(conn: Connection, table: str, first_pk: int) -> None:
    """Add the rows of ``table`` from ``first_pk`` on to its full-text index, in one statement."""
    columns = ", ".join(f'"{row[1]}"' for row in conn.exec_driver_sql(f'PRAGMA table_info("{table}_fts")'))
    conn.exec_driver_sql(f'INSERT INTO "{table}_fts" (rowid, {columns}) SELECT rowid, {columns} FROM "{table}" WHERE rowid >= ?',
                         (first_pk,))


# Tables whose secondary indexes a bulk import may build at the end instead of row by row.
INDEXED_IN_BULK = ("claims", "figures")
# A bulk import defers them when the table holds fewer claims than the files' bytes / this: building
# an index once, sorted, beats inserting each row into it only when most rows are new.
BYTES_PER_CLAIM_FOR_INDEXES = 1_000


def _defer_indexes(conn: Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the secondary indexes of ``tables``; return the statements that re-create them.

    Unique constraints stay (the importer looks claims up by id); like the full-text triggers,
    the drop is part of the import's transaction, so a failed import gets the indexes back.
    """
    if conn.dialect.name != "sqlite":
        return []
    indexes = conn.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({', '.join('?' for _ in tables)})",
        tables).all()
    for name, _ in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _, sql in indexes]


# Building an index sorts in memory up to the page cache's size, on top of the cache itself: a
# smaller cache for that step keeps a large import's peak memory where the inserts left it.
INDEX_BUILD_CACHE_KIB = 16_384


def _restore_indexes(s: _Session) -> None:
    if s.deferred_indexes and s.conn.dialect.name == "sqlite":
        s.conn.exec_driver_sql(f"PRAGMA cache_size = -{INDEX_BUILD_CACHE_KIB}")
    for statement in s.deferred_indexes or ():
        s.conn.exec_driver_sql(statement)
    s.deferred_indexes = None


def _claim_workers(files: Sequence[Path], bulk: bool, workers: int | None, claim_bytes: int) -> int:
    """How many processes check claims besides the importer (0: it checks them itself), given the
    size of the files holding claims."""
    from factdb.import_workers import streamable

    if workers is not None:
        return workers if streamable(files) else 0
    return CLAIM_WORKERS if bulk and claim_bytes >= WORKER_BYTES and streamable(files) and (os.cpu_count() or 1) > 1 else 0


def _spool_and_workers(engine: Engine, files: Sequence[Path], bulk: bool, workers: int | None) -> tuple[TextSpool | None, Any]:
    """A spool for document texts, and the workers started at once, when workers may check claims:
    decided before the first pass, so on every file's size (the files holding claims are known only
    after it). The workers start while the first pass runs; unused, they are stopped."""
    on_file = engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")
    count = _claim_workers(files, bulk, workers, sum(p.stat().st_size for p in files))
    if not (bulk and on_file and count):
        return None, None
    from factdb.import_workers import start

    return TextSpool(), start(count)


def _bulk_settings(conn: Connection) -> list[str]:
    """Apply BULK_PRAGMAS to this connection; return the statements that restore the previous values.

    Through the driver's connection, so that no transaction is begun (SQLAlchemy would autobegin one).
    """
    if conn.dialect.name != "sqlite":
        return []
    driver = conn.connection.driver_connection
    restore = []
    for pragma in BULK_PRAGMAS:
        name = pragma.split()[1]
        restore.append(f"PRAGMA {name} = {driver.execute(f'PRAGMA {name}').fetchone()[0]}")
        driver.execute(pragma)
    return restore


def import_paths(engine: Engine, paths: Sequence[str | Path], *, update: bool = False, dry_run: bool = False,
                 progress: Callable[[int], None] | None = None, workers: int | None = None) -> ImportReport:
    """Import the files at ``paths`` in one transaction; raise ImportFailed (writing nothing) on bad data.

    ``progress`` is called with the number of bytes read as the files are read (twice: once per pass).
    ``workers``: processes that check claims while this one writes (JSON Lines and CSV files only);
    by default CLAIM_WORKERS for imports of WORKER_BYTES or more, else none. The result is the same.
    """
    files = [Path(p) for p in paths]
    problems = _check_paths(files)
    if problems:
        raise ImportFailed(problems)
    names = [str(p) for p in files]
    bulk = sum(p.stat().st_size for p in files) >= BULK_BYTES
    spool, pool = _spool_and_workers(engine, files, bulk, workers)
    with engine.connect() as conn:
        restore = _bulk_settings(conn)
        transaction = conn.begin()
        try:
            batch_id = conn.execute(insert(ImportBatch).values(
                started_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), factdb_version=__version__)).inserted_primary_key[0]
            s = _Session(conn, batch_id, update, paths={name: index for index, name in enumerate(dict.fromkeys(names))}, spool=spool)
            _load_lookups(s)
            deferred = _defer_full_text(conn) if bulk else {}
            first_document_pk, first_claim_pk = s.next_document_pk, s.next_claim_pk
            records_per_file: Counter[str] = Counter()
            entity_importers = {"source": _import_source, "event": _import_event, "metric": _import_metric, "document": _import_document}
            for record in _records(s, files, False, progress, records_per_file):
                entity_importers[record.kind](s, record)
            _flush_rows(s)
            _catch_up_full_text(conn, deferred, "documents", first_document_pk)
            _resolve_pending_entities(s)
            s.may_defer_indexes = bulk and s.next_claim_pk - 1 <= sum(p.stat().st_size for p in files) // BYTES_PER_CLAIM_FOR_INDEXES
            claim_bytes = sum(p.stat().st_size for p in files if file_format(p) == "csv" or str(p) in s.files_with_claims)
            claim_workers = _claim_workers(files, bulk, workers, claim_bytes)
            if claim_workers and "claims" in deferred:
                s.claims_unindexed_from = first_claim_pk
            _import_claims(s, files, claim_workers, progress, records_per_file, pool)
            _restore_indexes(s)
            for record, document_pk, text in s.pending_rechecks:
                _recheck_quotes(s, record, document_pk, text)
            _catch_up_full_text(conn, deferred, "claims", s.claims_unindexed_from or first_claim_pk)
            _resolve_supersedes(s)
            report = ImportReport(names, s.counts, dry_run, None if dry_run else batch_id, sum(records_per_file.values()))
            if s.problems:
                raise ImportFailed(s.problems, s.truncated)
            if dry_run or not report.changed:
                transaction.rollback()
                report.batch_id = None
                return report
            for path in files:
                sha, size = _file_digest(path)
                conn.execute(insert(ImportFile).values(batch_id=batch_id, path=str(path), sha256=sha, size_bytes=size,
                                                       records=records_per_file[str(path)]))
            conn.execute(update_rows(ImportBatch).where(ImportBatch.id == batch_id).values(
                finished_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                summary=json.dumps({k: dict(v) for k, v in s.counts.items()}, sort_keys=True)))
            assert not deferred, "every deferred full-text index was caught up"
            transaction.commit()
            return report
        except BaseException:
            if transaction.is_active:
                transaction.rollback()
            raise
        finally:
            for statement in restore:
                conn.connection.driver_connection.execute(statement)
            if spool is not None:
                spool.close()
            if pool is not None:
                pool.close()
