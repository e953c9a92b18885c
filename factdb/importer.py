"""Import files into the database: validate, resolve references, check quotes, write atomically.

One call of :func:`import_paths` is one transaction. Every problem in the input is collected
(with file, line, field, what was expected and a hint) and, if there is any, nothing is written.
Importing the same files again changes nothing; a claim whose content changed is refused unless
``update=True``, which keeps the previous version in ``claim_history``. A JSON Lines claim line that is
stored already, checked under the same rules and names, is recognised by its digest and not
checked again (factdb.import_checks._known_claim).

Records are processed in two passes so files may refer to each other in any order: first
sources, events, metrics and documents from every file, then claims.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import Counter, namedtuple
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy import update as update_rows

from factdb import __version__
from factdb.import_checks import (
    CLAIM_COLUMNS,
    COUNTED_KINDS,
    FIGURE_COLUMNS,
    _PREPARED_COLUMNS,
    Problem,
    TextSpool,
    _ClaimRow,
    _KnownClaim,
    _PendingSupersedes,
    _Session,
    _check_fields,
    _choice,
    _date,
    _identifier,
    _known_claims,
    _locate_quote,
    _location,
    _prepare_claim,
    _resolve,
    _resolve_source,
    _text,
    stored_digests,
)
from factdb.models import (
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
from factdb.quotes import find_quote, normalize
from factdb.readers import ReadError, Record, file_format, read_records, type_name
from factdb.vocabulary import RELATIONS, SOURCE_KINDS

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


# -- field readers only entities use (the others are in factdb.import_checks) -----------------------


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
        s.documents[document_id] = (pk, sys.intern(published) if published is not None else None)  # as in _import_document
    max_pk = conn.execute(select(Claim.pk).order_by(Claim.pk.desc()).limit(1)).scalar()
    s.next_claim_pk = (max_pk or 0) + 1
    s.had_claims = max_pk is not None
    max_document_pk = conn.execute(select(Document.pk).order_by(Document.pk.desc()).limit(1)).scalar()
    s.next_document_pk = (max_document_pk or 0) + 1


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


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


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
            s.seen = {}  # every entity is defined by now; claims only refer to them (a tenth of a large import's memory)
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
