"""Import files or records into the database: check them, resolve references, locate quotes, write atomically.

One call of :func:`import_paths` or :func:`import_records` is one transaction. Every problem in the
input is collected (with file, line, field, what was expected and a hint) and, if there is any,
nothing is written. Importing the same files again changes nothing; a claim whose content changed is
refused unless ``update=True``, which keeps the previous version in ``claim_history``. A JSON Lines
claim line that is stored already, checked under the same rules and names, is recognised by its
digest and not checked again (factdb.checks.recognised).

Records are processed in two passes so files may refer to each other in any order: first
sources, events, metrics and documents from every file, then claims. The checks that need no
database are factdb.checks'; this module is the writer: what needs the database (duplicates,
stored versions, revisions, quotes) and the writing itself, through factdb.bulk.BulkWrite.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, Engine, RootTransaction, Table, delete, insert, select
from sqlalchemy import update as update_rows

from factdb import bulk, custody, editorial, import_workers, removals
from factdb.bulk import BulkWrite
from factdb.db import read_only_snapshot, while_waiting
from factdb.checks import (
    FIGURE_FIELDS,
    MAX_PROBLEMS,
    CheckedClaim,
    KnownClaim,
    LookupAnswers,
    LookupNames,
    Lookups,
    PreparedClaim,
    PreparedDocument,
    PreparedRemoval,
    PreparedSource,
    Problem,
    Problems,
    QuoteCheck,
    check_claim,
    check_claims,
    check_document,
    check_event,
    check_metric,
    check_removal,
    check_source,
    location_of,
    lookup_answers,
    lookup_names,
    look_alike,
    name_key,
    recognised,
    resolve,
    resolve_source,
)
from factdb.editorial import ChangeRecorder, Edit
from factdb.heap import LongLivedObjects
from factdb.figure_checks import is_count_unit
from factdb.import_workers import CheckedChunk, FileEnd, TextSpool
from factdb.models import (
    Claim,
    ClaimVersion,
    Document,
    DocumentVersion,
    Event,
    ImportBatch,
    ImportFile,
    Metric,
    Source,
    SourceAlias,
    SourceRelation,
)
from factdb.models import Figure as FigureRow
from factdb.quotes import NormalizedTexts, closest_passage, find_quote, normalize
from factdb.readers import ReadError, Record, count_claim_lines, file_format, read_records
from factdb.vocabulary import REMOVABLE_TABLES

CLAIM_CHUNK = 2000
# From this size of files holding claims, JSON Lines and CSV claims are checked in CLAIM_WORKERS
# other processes while this one writes (factdb.import_workers); below it, starting them costs
# more than they save.
WORKER_BYTES = 20_000_000
# The same on PostgreSQL, for an import that did not wait for the write lock (one that waited and
# checked only part of its claims meanwhile keeps WORKER_BYTES; one that checked all starts none).
# There the importer checking claims itself is what the server waits for between its copies, so the
# workers pay from a smaller size (measured in docs/team.md).
WORKER_BYTES_POSTGRES = 4_000_000
CLAIM_WORKERS = 2
# An import of files up to this size that finds another editor writing on PostgreSQL checks its
# claims while it waits (see _Prepared); larger ones would keep too many checked claims in memory.
PREPARE_BYTES = 64_000_000
ROW_BATCH = 500
# Revision links written per statement at the end of the claims pass: bounds the list of pairs.
LINK_BATCH = 50_000
COUNTED_KINDS = ("sources", "events", "metrics", "documents", "claims", "figures")

# A claim's columns: those PreparedClaim carries (under their names), then those the writer adds.
CLAIM_WRITER_COLUMNS = ("quote_start", "quote_end", "pk", "supersedes_pk", "batch_id")
CLAIM_FIELDS = tuple(c.name for c in Claim.__table__.columns if c.name in PreparedClaim.__dataclass_fields__)
CLAIM_COLUMNS = (*CLAIM_FIELDS, *CLAIM_WRITER_COLUMNS)
FIGURE_COLUMNS = (*FIGURE_FIELDS, "claim_pk", "position", "batch_id")
_claim_values = attrgetter(*CLAIM_FIELDS)
# The tables as Table (the models declare them as FromClause).
_CLAIMS, _FIGURES, _DOCUMENTS = (cast(Table, model.__table__) for model in (Claim, FigureRow, Document))


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
    # Claims checked while the import waited for another editor's write, and not checked again.
    checked_while_waiting: int = 0

    @property
    def changed(self) -> bool:
        return any(c["added"] or c["updated"] or c["reviewed"] for c in self.counts.values())

    def summary(self) -> str:
        parts = []
        for kind in (*COUNTED_KINDS, "removals"):
            c = self.counts.get(kind)
            if c is not None and (c["added"] or c["updated"] or c["unchanged"] or c["reviewed"]):
                reviewed = f", {c['reviewed']} reviewed" if c["reviewed"] else ""
                parts.append(f"{kind}: {c['added']} added, {c['updated']} updated, {c['unchanged']} unchanged{reviewed}")
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
    event_id: str | None = None


class PendingRevisions:
    """Revisions (``supersedes``) whose target was not stored when their claim was written: checked
    and linked at the end of the claims pass (_link_supersedes).

    Claims out of document order make most revisions such forward references: 230,000 of a
    shuffled million generated claims, which as objects with their strings held about 120 MB of the
    importer's memory until the end. Kept here, for each, are the revising claim's pk, file, line
    and place in claim order, and the target's id (UTF-8): about 50 bytes a revision. The revising
    claim's own id, source, date and event are read back from its stored row when it is checked,
    which holds them as the file gave them (the claim was written, or with --update replaced,
    before its revision was deferred).

    They are kept in pages of PAGE revisions made whole and never resized (as SeenClaims's): arrays
    grown one revision at a time leave their older copies behind in the heap.
    """

    PAGE = 4096
    _FIELDS = 5  # claim pk, file, line (-1: none), sequence, end of the target's id in the page's buffer

    def __init__(self) -> None:
        self._numbers: list[array[int]] = []
        self._targets: list[bytearray] = []
        self._count = 0

    def add(self, claim_pk: int, target: str, file: int, line: int | None, sequence: int) -> None:
        at = self._count % self.PAGE
        if at == 0:
            self._numbers.append(array("q", bytes(8 * self._FIELDS * self.PAGE)))
            self._targets.append(bytearray())
        numbers, targets = self._numbers[-1], self._targets[-1]
        targets += target.encode("utf-8", "surrogatepass")
        numbers[at * self._FIELDS : (at + 1) * self._FIELDS] = array("q", (claim_pk, file, -1 if line is None else line, sequence,
                                                                          len(targets)))
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def claim_pk(self, index: int) -> int:
        return self._numbers[index // self.PAGE][index % self.PAGE * self._FIELDS]

    def claim_pks(self) -> Iterator[int]:
        for index in range(self._count):
            yield self.claim_pk(index)

    def revisions(self, s: _Import, indexes: range) -> list[_PendingSupersedes]:
        """The revisions at ``indexes``, with what their stored rows say."""
        names = list(s.paths)  # by file index
        stored = {pk: rest for pk, *rest in s.bulk.rows_where_in(
            _CLAIMS, ("pk", "id", "source_id", "claimed_on", "event_id"), "pk", sorted({self.claim_pk(i) for i in indexes}))}
        revisions = []
        for i in indexes:
            numbers, targets, at = self._numbers[i // self.PAGE], self._targets[i // self.PAGE], i % self.PAGE
            claim_pk, file, line, sequence, target_end = numbers[at * self._FIELDS : (at + 1) * self._FIELDS]
            target_start = numbers[at * self._FIELDS - 1] if at else 0
            claim_id, source_id, claimed_on, event_id = stored[claim_pk]
            revisions.append(_PendingSupersedes(claim_pk, claim_id, targets[target_start:target_end].decode("utf-8", "surrogatepass"),
                                                source_id, claimed_on, names[file], None if line < 0 else line, sequence, event_id))
        return revisions

    def batches(self, s: _Import, size: int = ROW_BATCH) -> Iterator[list[_PendingSupersedes]]:
        """The revisions in claim order, ``size`` at a time, with what their stored rows say."""
        for start in range(0, len(self), size):
            yield self.revisions(s, range(start, min(start + size, len(self))))


class SeenClaims:
    """Where each claim id of this import was first seen (file index, line), for duplicate ids.

    A million ids with their locations would be most of a large import's memory. Every claim that
    is stored, before this import or by it, has a pk that the importer looks up anyway: its location
    goes in arrays indexed by pk (8 bytes a claim). Only claims refused before being written
    (a quote not found, say) are kept by id.

    The arrays are pages of PAGE pks, made as pks reach them and never resized: one array grown by
    half each time leaves its older copies behind in the heap.
    """

    PAGE = 1 << 16  # 512 KB

    def __init__(self) -> None:
        self.pages: list[array[int] | None] = []  # ((file + 1) << 32) | line; 0: not seen
        self.by_id: dict[str, tuple[int, int | None]] = {}

    def location(self, claim_id: str, pk: int | None) -> tuple[int, int | None] | None:
        if pk is None:
            return self.by_id.get(claim_id)
        page = self.pages[pk // self.PAGE] if pk // self.PAGE < len(self.pages) else None
        packed = page[pk % self.PAGE] if page is not None else 0
        return ((packed >> 32) - 1, (packed & 0xFFFFFFFF) or None) if packed else None

    def add(self, claim_id: str, pk: int | None, file: int, line: int | None) -> None:
        if pk is None or (line or 0) > 0xFFFFFFFF:
            self.by_id[claim_id] = (file, line)
            return
        number = pk // self.PAGE
        if number >= len(self.pages):
            self.pages.extend([None] * (number + 1 - len(self.pages)))
        page = self.pages[number]
        if page is None:
            page = self.pages[number] = array("q", bytes(8 * self.PAGE))
        page[pk % self.PAGE] = ((file + 1) << 32) | (line or 0)


@dataclass
class _Import:
    """The writer's state during one import: its transaction, what it knows, its problems and counts."""

    conn: Connection
    bulk: BulkWrite
    batch_id: int
    update: bool
    texts: NormalizedTexts
    changes: ChangeRecorder
    problems: Problems = field(default_factory=Problems)
    lookups: Lookups = field(default_factory=Lookups)
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in COUNTED_KINDS})
    event_parents: dict[str, str | None] = field(default_factory=dict)
    seen: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)
    claims_seen: SeenClaims = field(default_factory=SeenClaims)
    pending_relations: list[tuple[str, str, str, Record]] = field(default_factory=list)
    pending_parents: list[tuple[str, str, Record]] = field(default_factory=list)
    pending_publishers: list[tuple[str, str, Record, str | None]] = field(default_factory=list)
    pending_supersedes: PendingRevisions = field(default_factory=PendingRevisions)
    # --update: claims replaced, which stored revisions may supersede (see _check_revisions_of_replaced)
    replaced_claims: list[_PendingSupersedes] = field(default_factory=list)
    pending_rechecks: list[tuple[Record, int, str]] = field(default_factory=list)
    pending_custody: list[custody.PendingCustody] = field(default_factory=list)  # documents archived from an original
    supersedes_problems: list[tuple[int, Problem]] = field(default_factory=list)
    next_claim_pk: int = 1
    next_document_pk: int = 1
    new_rows: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)  # table -> rows not yet inserted
    claim_sequence: int = 0
    paths: dict[str, int] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    cached_claims: dict[str, list[Record]] = field(default_factory=dict)
    files_with_claims: set[str] = field(default_factory=set)  # JSON Lines files, as the first pass saw them
    # Texts of the documents this import writes, for workers that locate quotes (factdb.import_workers).
    spool: TextSpool | None = None
    # Whether the database held claims when the import began: only then can a line be one it holds
    # already (checks.recognised), so a first import does not look each line up.
    had_claims: bool = False
    had_documents: bool = False  # before the import
    removals: list[PreparedRemoval] = field(default_factory=list)  # the removed records the files name, checked
    prepared: _Prepared | None = None  # claims checked while waiting for the write lock, still valid
    # The stored rows (or None: not stored) of the ids of the claims checked while waiting, read in one
    # go once the lock is held, each answer used once (_stored_claims).
    stored_ahead: dict[str, _StoredClaim | None] = field(default_factory=dict)


@dataclass
class _Prepared:
    """The claims of an import checked while it waited for another editor's write (PostgreSQL): all
    of them, or those up to where the check stopped when the lock was taken (the rest are checked
    under the lock, as if nothing had been checked ahead).

    Checking a claim needs only its record and the lookups (checks.check_claim): these were made
    from the stored state the import could see then, plus what its own files define. Once the
    import holds the lock and has written its own sources, events, metrics and documents, a claim
    is taken as checked if the lookups still answer alike for it (checks.lookup_answers; a document
    may have another key by then, and the claim is given it); any other claim, and every refused
    one, is checked again. Whether a claim is stored already, a duplicate, a revision of a stored
    claim, and where its quote is, is always decided under the lock (_store_claims).
    """

    claims: dict[str, list[CheckedClaim]]  # by file, in file order
    read_errors: dict[str, ReadError]  # the error that ended a file's claims
    # The file whose checking stopped when the lock was taken: its records after the claims checked,
    # read on from where the check left off.
    rest: dict[str, Iterator[Record]] = field(default_factory=dict)
    used: int = 0
    complete: bool = True  # every claim of every file was checked before the lock was taken

    def claim_ids(self) -> list[str]:
        """The ids of the claims checked and accepted, in file order."""
        return [claim.checked.id for claims in self.claims.values() for claim in claims if type(claim.checked) is PreparedClaim]

    def replay(self, name: str, lookups: Lookups, progress: Callable[[int], None] | None,
               size: int) -> Iterator[CheckedClaim | Record]:
        """The claims of one file as the claims pass would read them: checked if the lookups answer
        alike for them, else as records to check; its read error raised at its place."""
        if progress:
            progress(size)
        answered: dict[LookupNames, LookupAnswers] = {}  # the lookups are complete by now: many claims name the same
        for claim in self.claims.pop(name):
            checked, names = claim.checked, claim.names
            if type(checked) is not PreparedClaim or names is None:
                yield claim.record
                continue
            answers = answered.get(names)
            if answers is None:
                answers = answered[names] = lookup_answers(names, lookups)
            if answers != claim.answers:
                yield claim.record
                continue
            document_pk = lookups.documents[checked.document_id][0]
            if document_pk != checked.document_pk:
                checked.take_document_key(document_pk, lookups, claim.record.text)
            self.used += 1
            yield claim
        error = self.read_errors.get(name)
        if error is not None:
            raise error
        yield from self.rest.pop(name, ())


def _prepare(conn: Connection, files: Sequence[Path], number_format: str, stop: threading.Event) -> _Prepared:
    """Check the claims of ``files`` against the stored state ``conn`` sees and the files' own entities,
    and find each quote in its document's text when the files give that text; until ``stop`` is set."""
    lookups = Lookups(number_format=number_format)
    _, next_document_pk = _stored_lookups(conn, lookups, {})
    texts = _expect_entities(lookups, files, next_document_pk)
    normalized = NormalizedTexts(texts.__getitem__)
    prepared = _Prepared({}, {})
    for path in files:
        name = str(path)
        if file_format(path) == "json" or name in prepared.claims:
            continue  # the first pass keeps a JSON file's claims; a file named twice is read once
        if stop.is_set():
            prepared.complete = False
            continue
        checked = prepared.claims[name] = []
        records = read_records(path, None, ("claim",))
        try:
            for record in records:
                if record.kind == "claim":
                    result = check_claim(record, lookups)
                    names, answers, location = None, None, None
                    if type(result) is PreparedClaim:
                        names = lookup_names(record)
                        answers = lookup_answers(names, lookups)
                        if result.document_pk in texts:
                            location = find_quote(normalized.normalized(result.document_pk), result.quote) or ()
                    checked.append(CheckedClaim(result, record, names, answers, location))
                if stop.is_set():
                    prepared.rest[name] = records
                    prepared.complete = False
                    break
        except ReadError as error:
            prepared.read_errors[name] = error
    return prepared


def _expect_entities(lookups: Lookups, files: Sequence[Path], next_document_pk: int) -> dict[int, str]:
    """Add to ``lookups`` what the first pass will add for the files' entities, as far as it can be
    told without the database; whatever differs is found out under the lock (_Prepared.replay).

    Returns the texts the files give their documents, by the key each document is expected to have
    (its key in ``lookups``, as the claims that name it are checked with): if the import succeeds, they
    are the documents' stored texts (a differing stored text is refused without --update, replaced
    with it), so a quote found in one is where the import will find it. A document given two texts
    is left out (the import refuses it).
    """
    texts: dict[int, str] = {}
    twice: set[int] = set()
    for path in files:
        try:
            for record in read_records(path, None, ("source", "event", "metric", "document")):
                if record.kind != "claim":
                    next_document_pk = _expect_entity(lookups, record, next_document_pk, texts, twice)
        except ReadError:
            continue  # the import reports it
    for document_pk in twice:
        texts.pop(document_pk, None)
    return texts


_ENTITY_CHECKS: dict[str, Callable[[Record, Lookups], Any]] = {
    "source": check_source, "event": check_event, "metric": check_metric, "document": check_document}


def _expect_entity(lookups: Lookups, record: Record, next_document_pk: int, texts: dict[int, str], twice: set[int]) -> int:
    """What the first pass adds to the lookups for one entity; the next document pk."""
    prepared = _ENTITY_CHECKS[record.kind](record, lookups)
    if isinstance(prepared, list) or not prepared.values.get("id"):
        return next_document_pk
    entity_id = prepared.values["id"]
    if type(prepared) is PreparedSource:
        lookups.source_keys[entity_id.lower()] = entity_id
        for alias in prepared.aliases:
            if lookups.source_keys.setdefault(alias.lower(), entity_id) == entity_id:
                lookups.aliases[alias.lower()] = alias
    elif record.kind == "event":
        lookups.events.add(entity_id)
    elif record.kind == "metric":
        lookups.metrics.add(entity_id)
        if is_count_unit(prepared.values["unit"]):
            lookups.count_units[entity_id] = prepared.values["unit"]
        else:
            lookups.count_units.pop(entity_id, None)
    elif type(prepared) is PreparedDocument:
        stored = lookups.documents.get(entity_id)
        if stored is None:
            stored = (next_document_pk, None)
            next_document_pk += 1
        lookups.documents[entity_id] = (stored[0], prepared.values["published"])
        text = prepared.values.get("text")
        if not isinstance(text, str) or texts.setdefault(stored[0], text) != text:
            twice.add(stored[0])
    return next_document_pk


def _first_seen(s: _Import, record: Record, kind: str, identifier: str) -> bool:
    """False (and a problem) when the same id was already defined in this import."""
    key = (kind, identifier.lower() if kind == "source" else identifier)
    if key in s.seen:
        path, line = s.seen[key]
        s.problems.at(record, "id", f"duplicate {kind} id '{identifier}' (first defined at {path}:{line})",
                      "give each record its own id, or delete the repeated one")
        return False
    s.seen[key] = (record.path, record.line)
    return True


# -- lookups loaded from the database ---------------------------------------------------------------


def _load_lookups(s: _Import) -> None:
    s.next_claim_pk, s.next_document_pk = _stored_lookups(s.conn, s.lookups, s.event_parents)
    s.had_claims = s.next_claim_pk > 1
    s.had_documents = s.next_document_pk > 1


def _stored_lookups(conn: Connection, lookups: Lookups, event_parents: dict[str, str | None]) -> tuple[int, int]:
    """Add the stored entities to ``lookups`` (and events' parents); the next claim and document pks."""
    for source_id, name in conn.execute(select(Source.id, Source.name)):
        lookups.source_keys[source_id.lower()] = source_id
        lookups.source_names.setdefault(name_key(name), (source_id, name))
    for alias_key, source_id, alias in conn.execute(select(SourceAlias.alias_key, SourceAlias.source_id, SourceAlias.alias)):
        lookups.source_keys[alias_key] = source_id
        lookups.aliases[alias_key] = alias
        lookups.source_names.setdefault(name_key(alias), (source_id, alias))
    for event_id, parent in conn.execute(select(Event.id, Event.parent_id)):
        lookups.events.add(event_id)
        event_parents[event_id] = parent
    for metric_id, unit in conn.execute(select(Metric.id, Metric.unit)):
        lookups.metrics.add(metric_id)
        if is_count_unit(unit):
            lookups.count_units[metric_id] = unit
    for pk, document_id, published in conn.execute(select(Document.pk, Document.id, Document.published)):
        # interned as in checks.check_document: every document's date, in the importer and in each worker
        lookups.documents[document_id] = (pk, sys.intern(published) if published is not None else None)
    max_pk = conn.execute(select(Claim.pk).order_by(Claim.pk.desc()).limit(1)).scalar()
    max_document_pk = conn.execute(select(Document.pk).order_by(Document.pk.desc()).limit(1)).scalar()
    return (max_pk or 0) + 1, (max_document_pk or 0) + 1


# -- entities -------------------------------------------------------------------------------------


def _refused_change(s: _Import, record: Record, key: str, stored: str, differs: str, noun: str, pronoun: str = "them") -> bool:
    """A record already stored differs from the file: a problem unless the import runs with --update."""
    if s.update:
        return False
    s.problems.at(record, key, f"{stored} already exists with {differs}",
                  f"use the stored {noun}, or run the import with --update to change {pronoun}")
    return True


def _row_differs(existing: Any, wanted: dict[str, Any]) -> list[str]:
    return [k for k, v in wanted.items() if getattr(existing, k) != v]


# Columns under the names the import format gives them: a user wrote `end:`, not `end_date`.
FIELD_OF_COLUMN = {"start_date": "start", "start_precision": "start", "end_date": "end", "end_precision": "end",
                   "published_precision": "published", "text_sha256": "text"}


def _upsert(s: _Import, record: Record, kind: str, table: Any, wanted: dict[str, Any], *, stored: bool = True,
            row: Any = None) -> str:
    """Insert, or compare with the stored row (by id); returns 'added', 'unchanged', 'updated' or 'refused'.

    ``stored=False``: the caller's lookups show no such row, so there is nothing to fetch;
    ``row``: the stored row, already fetched by the caller.
    """
    if not stored:
        _add_row(s, table, {**wanted, "batch_id": s.batch_id})
        return "added"
    existing = row if row is not None else s.bulk.row(table, "id", wanted["id"])
    if existing is None:
        s.conn.execute(insert(table).values(**wanted, batch_id=s.batch_id))
        return "added"
    differing = list(dict.fromkeys(FIELD_OF_COLUMN.get(c, c) for c in _row_differs(existing, wanted)))
    if not differing:
        return "unchanged"
    if _refused_change(s, record, differing[0], f"{kind} '{wanted['id']}'", f"different {', '.join(differing)}", "values"):
        return "refused"
    s.changes.before(table.name, wanted["id"])
    s.conn.execute(update_rows(table).where(table.c.id == wanted["id"]).values(**wanted))
    return "updated"


def _checked(s: _Import, record: Record, kind: str, prepared: Any) -> bool:
    """Report a prepared entity's problems in the order its fields were read; whether to go on with it."""
    if isinstance(prepared, list):
        s.problems.extend(prepared)
        return False
    s.problems.extend(prepared.problems)
    if not _first_seen(s, record, kind, prepared.values["id"]):
        return False
    s.problems.extend(prepared.late_problems)
    return not getattr(prepared, "refused_late", False)


def _import_source(s: _Import, record: Record) -> None:
    prepared = check_source(record, s.lookups)
    if not _checked(s, record, "source", prepared):
        return
    assert not isinstance(prepared, list)
    wanted, aliases, relations = prepared.values, prepared.aliases, prepared.relations
    source_id = wanted["id"]
    stored_aliases = {a for (a,) in s.conn.execute(select(SourceAlias.alias).where(SourceAlias.source_id == source_id))}
    stored_relations = set(s.conn.execute(select(SourceRelation.relation, SourceRelation.target_id).where(SourceRelation.source_id == source_id)))
    outcome = _upsert(s, record, "source", Source.__table__, wanted)
    if outcome == "refused":
        return
    s.lookups.source_keys[source_id.lower()] = source_id
    _forget_old_name(s, source_id, outcome, stored_aliases)
    if not _distinct_name(s, record, "name", wanted["name"], source_id):
        return
    is_new = outcome == "added"
    if not is_new and set(aliases) != stored_aliases:
        if _refused_change(s, record, "aliases", f"source '{source_id}'", f"aliases {sorted(stored_aliases)}", "aliases"):
            return
        s.changes.before("sources", source_id)
        s.conn.execute(delete(SourceAlias).where(SourceAlias.source_id == source_id))
        for alias in stored_aliases:
            s.lookups.source_keys.pop(alias.lower(), None)
            if s.lookups.source_names.get(name_key(alias), ("",))[0] == source_id:
                del s.lookups.source_names[name_key(alias)]  # free for another source, as in source_keys
        stored_aliases = set()
        outcome = "updated"
    _add_aliases(s, record, source_id, aliases, stored_aliases)
    if relations or stored_relations:
        s.pending_relations.extend((source_id, relation, target, record) for relation, target in relations)
        if not is_new and {(r, s.lookups.source_keys.get(t.lower(), t)) for r, t in relations} != {(r, t) for r, t in stored_relations}:
            # Targets are resolved later; a target known by now may be named by an alias (stored: its id).
            if _refused_change(s, record, "part_of", f"source '{source_id}'", f"relations {sorted(stored_relations)}", "relations"):
                return
            s.changes.before("sources", source_id)
            s.conn.execute(delete(SourceRelation).where(SourceRelation.source_id == source_id))
            outcome = "updated"
    s.counts["sources"][outcome] += 1


def _add_aliases(s: _Import, record: Record, source_id: str, aliases: list[str], stored_aliases: set[str]) -> None:
    for alias in aliases:
        if alias in stored_aliases:
            continue
        owner = s.lookups.source_keys.get(alias.lower())
        if owner is not None and owner != source_id:
            s.problems.at(record, "aliases", f"alias '{alias}' already names source '{owner}'",
                          "an alias must name one source only; remove it from one of them")
            continue
        if owner == source_id and alias.lower() != source_id.lower():
            continue  # the same alias twice in one list
        if not _distinct_name(s, record, "aliases", alias, source_id):
            continue
        s.conn.execute(insert(SourceAlias).values(source_id=source_id, alias=alias, alias_key=alias.lower(), batch_id=s.batch_id))
        s.lookups.source_keys[alias.lower()] = source_id
        s.lookups.aliases[alias.lower()] = alias


def _forget_old_name(s: _Import, source_id: str, outcome: str, stored_aliases: set[str]) -> None:
    """An updated source's name may have changed: its old name is then free for another source."""
    if outcome == "updated":
        for key in [k for k, (owner, written) in s.lookups.source_names.items() if owner == source_id and written not in stored_aliases]:
            del s.lookups.source_names[key]


def _distinct_name(s: _Import, record: Record, key: str, name: str, source_id: str) -> bool:
    """Whether ``name`` reads as no other source's name or alias; else a problem. Look-alikes
    (a zero-width space, fullwidth letters, another case) would count as independent origins."""
    owner = look_alike(s.lookups, name, source_id)
    if owner is None:
        return True
    other_id, written = owner
    s.problems.at(record, key, f"'{_shown(name)}' reads as '{_shown(written)}', a name of source '{other_id}' (compared without case, "
                               "invisible characters and compatibility forms such as fullwidth letters)",
                  f"use source '{other_id}', or give this source a name that tells them apart")
    return False


def _shown(name: str) -> str:
    """``name`` with its invisible characters as escapes, so a message shows what tells two apart."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) == "Cf" else c for c in name)


def _import_event(s: _Import, record: Record) -> None:
    prepared = check_event(record, s.lookups)
    if not _checked(s, record, "event", prepared):
        return
    assert not isinstance(prepared, list)
    wanted, parent = prepared.values, prepared.parent
    event_id = wanted["id"]
    existing_parent = s.event_parents.get(event_id) if event_id in s.lookups.events else None
    outcome = _upsert(s, record, "event", Event.__table__, wanted, stored=event_id in s.lookups.events)
    if outcome == "refused":
        return
    if outcome != "added" and parent != existing_parent:
        if _refused_change(s, record, "parent", f"event '{event_id}'", f"parent {existing_parent!r}", "parent", "it"):
            return
        outcome = "updated"
    s.lookups.events.add(event_id)
    s.event_parents[event_id] = None
    if parent is not None:
        s.pending_parents.append((event_id, parent, record))
    elif existing_parent is not None:
        s.changes.before("events", event_id)
        s.conn.execute(update_rows(Event).where(Event.id == event_id).values(parent_id=None))
    s.counts["events"][outcome] += 1


def _import_metric(s: _Import, record: Record) -> None:
    prepared = check_metric(record, s.lookups)
    if not _checked(s, record, "metric", prepared):
        return
    assert not isinstance(prepared, list)
    metric_id = prepared.values["id"]
    outcome = _upsert(s, record, "metric", Metric.__table__, prepared.values, stored=metric_id in s.lookups.metrics)
    if outcome != "refused":
        s.lookups.metrics.add(metric_id)
        unit = prepared.values["unit"]
        if is_count_unit(unit):
            s.lookups.count_units[metric_id] = unit
        else:
            s.lookups.count_units.pop(metric_id, None)
        s.counts["metrics"][outcome] += 1


def _import_document(s: _Import, record: Record) -> None:
    prepared = check_document(record, s.lookups)
    if not _checked(s, record, "document", prepared):
        return
    assert not isinstance(prepared, list)
    wanted, publisher = prepared.values, prepared.publisher
    document_id, text = wanted["id"], wanted["text"]
    if document_id not in s.lookups.documents:
        _add_document(s, record, wanted, publisher)
        _archived_from(s, record, prepared, s.lookups.documents[document_id][0], "added")
        return
    table = Document.__table__
    existing = s.bulk.row(_DOCUMENTS, "id", document_id)
    outcome = _upsert(s, record, "document", table, wanted, row=existing)
    if outcome == "refused":
        return
    if existing is not None and outcome == "unchanged" and (existing.publisher_id or None) != (
            s.lookups.source_keys.get(publisher.lower()) if publisher else None):
        if _refused_change(s, record, "publisher", f"document '{document_id}'", f"publisher {existing.publisher_id!r}",
                           "publisher", "it"):
            return
        outcome = "updated"
    pk = existing.pk if existing is not None else s.conn.execute(select(table.c.pk).where(table.c.id == document_id)).scalar_one()
    s.lookups.documents[document_id] = (pk, wanted["published"])
    _archived_from(s, record, prepared, pk, outcome)
    s.texts.forget(pk)
    if s.spool is not None and (existing is None or existing.text != text):  # workers read the others from the database
        s.spool.add(pk, text)
    _check_publisher_later(s, document_id, publisher, record, existing.publisher_id if existing is not None else None)
    if outcome == "updated" and existing is not None:
        s.pending_rechecks.append((record, pk, text))  # after the claims: this import may correct their quotes
        if existing.text != text:
            _keep_document_text(s, pk, document_id, existing.text, existing.text_sha256)
    s.counts["documents"][outcome] += 1


def _archived_from(s: _Import, record: Record, prepared: PreparedDocument, pk: int, outcome: str) -> None:
    """A document whose text came from an archived original: its custody is stored once the documents are written."""
    if prepared.evidence is not None:
        s.pending_custody.append(custody.PendingCustody(pk, prepared.values["id"], prepared.evidence, record, outcome))


def _store_custody(s: _Import) -> set[int]:
    changed = custody.store(s.conn, s.batch_id, s.pending_custody, s.problems, update_allowed=s.update)
    counts = s.counts["documents"]
    for item in s.pending_custody:  # the same text from another original (or extraction) is still a change
        if item.document_pk in changed and item.outcome == "unchanged":
            counts["unchanged"] -= 1
            counts["updated"] += 1
    return changed


def _keep_document_text(s: _Import, pk: int, document_id: str, text: str, text_sha256: str) -> None:
    """--update replaces a document's text: the earlier one goes to document_history first."""
    version = (s.conn.execute(select(DocumentVersion.version).where(DocumentVersion.document_pk == pk)
                              .order_by(DocumentVersion.version.desc()).limit(1)).scalar() or 0) + 1
    s.conn.execute(insert(DocumentVersion).values(document_pk=pk, document_id=document_id, version=version, text=text,
                                                  text_sha256=text_sha256, replaced_batch_id=s.batch_id))


def _add_document(s: _Import, record: Record, wanted: dict[str, Any], publisher: str | None) -> None:
    """A new document: inserted in batches with the next primary key (its claims need the key)."""
    pk = s.next_document_pk
    s.next_document_pk += 1
    # The publisher is usually known by now; if not, or if it changes, the pending check sets it.
    publisher_id = s.lookups.source_keys.get(publisher.lower()) if publisher else None
    _add_row(s, Document.__table__, {**wanted, "pk": pk, "publisher_id": publisher_id, "batch_id": s.batch_id})
    s.lookups.documents[wanted["id"]] = (pk, wanted["published"])
    if s.spool is not None:
        s.spool.add(pk, wanted["text"])
    _check_publisher_later(s, wanted["id"], publisher, record, publisher_id)
    s.counts["documents"]["added"] += 1


def _check_publisher_later(s: _Import, document_id: str, publisher: str | None, record: Record, stored: str | None) -> None:
    """Queue the publisher for the end of the pass unless it is already known and stored as it
    will stay (sources only lose names with --update): a million-claim import has 100,000 documents."""
    resolved = s.lookups.source_keys.get(publisher.lower()) if publisher else None
    if s.update or (publisher and resolved is None) or resolved != stored:
        s.pending_publishers.append((document_id, publisher or "", location_of(record), stored))


def _add_row(s: _Import, table: Any, row: dict[str, Any]) -> None:
    """Queue a new event, metric or document row: they are inserted many at a time."""
    rows = s.new_rows.setdefault(table, [])
    rows.append(row)
    if len(rows) >= ROW_BATCH:
        _flush_rows(s)


def _flush_rows(s: _Import) -> None:
    for table, rows in s.new_rows.items():
        if rows:
            columns = tuple(rows[0])
            s.bulk.insert_rows(table, columns, [tuple(row[c] for c in columns) for row in rows])
    s.new_rows.clear()


def _recheck_quotes(s: _Import, record: Record, document_pk: int, text: str) -> None:
    """A document's text changed: every stored quote must still be found in it."""
    normalized = normalize(text)
    rows = s.conn.execute(select(Claim.pk, Claim.id, Claim.quote).where(
        Claim.document_pk == document_pk, Claim.batch_id != s.batch_id,  # claims written now were located in the new text
        (Claim.updated_batch_id.is_(None)) | (Claim.updated_batch_id != s.batch_id))).all()
    for pk, claim_id, quote in rows:
        found = find_quote(normalized, quote)
        if found is None:
            s.problems.at(record, "text", f"the new text no longer contains the quote of claim '{claim_id}'",
                      "keep the archived text faithful to the original, or update that claim's quote too")
            continue
        s.changes.before("claims", claim_id)
        s.conn.execute(update_rows(Claim).where(Claim.pk == pk).values(quote_start=found[0], quote_end=found[1]))


def _resolve_pending_entities(s: _Import) -> None:
    for source_id, relation, target, record in s.pending_relations:
        target_id = resolve_source(s.problems, s.lookups, record, relation, target)
        if target_id is None:
            continue
        if target_id == source_id:
            s.problems.at(record, relation, f"source '{source_id}' cannot be {relation} itself", "name another source")
            continue
        exists = s.conn.execute(select(SourceRelation.id).where(
            SourceRelation.source_id == source_id, SourceRelation.relation == relation, SourceRelation.target_id == target_id)).first()
        if exists is None:
            s.conn.execute(insert(SourceRelation).values(source_id=source_id, relation=relation, target_id=target_id, batch_id=s.batch_id))
    _check_relation_cycles(s)
    for event_id, parent, record in s.pending_parents:
        parent_id = resolve(s.problems, s.lookups, record, "parent", parent, s.lookups.events, "event")
        if parent_id is None:
            continue
        if parent_id == event_id:
            s.problems.at(record, "parent", f"event '{event_id}' cannot be its own parent", "name the larger event it belongs to")
            continue
        s.changes.before("events", event_id)
        s.conn.execute(update_rows(Event).where(Event.id == event_id).values(parent_id=parent_id))
        s.event_parents[event_id] = parent_id
    _check_event_cycles(s)
    for document_id, publisher, record, stored_publisher in s.pending_publishers:
        publisher_id = resolve_source(s.problems, s.lookups, record, "publisher", publisher) if publisher else None
        if (publisher and publisher_id is None) or publisher_id == stored_publisher:
            continue
        s.changes.before("documents", document_id)
        s.conn.execute(update_rows(Document).where(Document.id == document_id).values(publisher_id=publisher_id))


def _check_relation_cycles(s: _Import) -> None:
    graph: dict[str, list[str]] = {}
    for source_id, target_id in s.conn.execute(select(SourceRelation.source_id, SourceRelation.target_id)):
        graph.setdefault(source_id, []).append(target_id)
    cycle = _find_cycle(graph)
    if cycle:
        record = next((r for src, _, _, r in s.pending_relations if src in cycle), None)
        s.problems.at(record, "part_of", f"sources form a cycle of part_of/member_of relations: {' -> '.join(cycle)}",
                  "a source cannot (indirectly) contain itself; remove one of these relations")


def _check_event_cycles(s: _Import) -> None:
    graph = {event: [parent] for event, parent in s.event_parents.items() if parent}
    cycle = _find_cycle(graph)
    if cycle:
        record = next((r for e, _, r in s.pending_parents if e in cycle), None)
        s.problems.at(record, "parent", f"events form a cycle of parents: {' -> '.join(cycle)}", "remove one of these parent links")


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


def _supersedes_targets(s: _Import, prepared: list[PreparedClaim]) -> dict[str, tuple[int, str, str, str | None]]:
    """Claims already stored that this chunk's claims supersede: id -> (pk, source, claimed_on, event)."""
    targets = sorted({c.supersedes for c in prepared if c.supersedes is not None})
    if not targets or s.update:
        return {}  # --update may still change a target later in the import: check at the end
    rows = s.bulk.rows_where_in(_CLAIMS, ("id", "pk", "source_id", "claimed_on", "event_id"), "id", targets)
    return {claim_id: (pk, source_id, claimed_on, event_id) for claim_id, pk, source_id, claimed_on, event_id in rows}


def _quote_not_found(s: _Import, record: Record, document_id: str, text: str, quote: str) -> None:
    passage = closest_passage(text, quote)
    s.problems.at(record, "quote", f"not found in the text of document '{document_id}'"
                  + (f"; closest passage: \"{passage}\"" if passage else ""),
                  "copy the quote verbatim from the document (whitespace, quote marks and dashes may differ)")


def _check_refused_quote(s: _Import, check: QuoteCheck) -> None:
    """The quote of a claim with other problems: reported only if it is not in its document."""
    pk = s.lookups.documents[check.document_id][0]
    if find_quote(s.texts.normalized(pk), check.quote) is None:
        _quote_not_found(s, check.record, check.document_id, s.texts.text(pk), check.quote)


def _locate_quote(s: _Import, claim: PreparedClaim, location: tuple[int, ...] | None) -> tuple[int, ...] | None:
    """The quote's offsets in its document's text; None (and a problem) when it is not there.

    ``location``: what a worker found already (see import_workers.CheckedChunk), or None.
    """
    if location:
        return location
    found = find_quote(s.texts.normalized(claim.document_pk), claim.quote) if location is None else None
    if found is None:
        _quote_not_found(s, claim.record, claim.document_id, s.texts.text(claim.document_pk), claim.quote)
    return found


def _import_claim_chunk(s: _Import, chunk: list[Record | KnownClaim | CheckedClaim]) -> None:
    prepared, problems = check_claims(chunk, s.lookups)
    _take_problems(s, problems)
    # Quotes found while waiting for the lock (CheckedClaim.location), by the claim check_claims passed on.
    found = {id(c.checked): c.location for c in chunk if type(c) is CheckedClaim and c.location is not None}
    _store_claims(s, prepared, [found.get(id(claim)) for claim in prepared] if found else None)


def _take_problems(s: _Import, problems: Iterable[Problem | QuoteCheck]) -> None:
    """A chunk's problems, in order; a refused claim's quote is reported only if it is not in its document."""
    for problem in problems:
        if isinstance(problem, QuoteCheck):
            _check_refused_quote(s, problem)
        else:
            s.problems.add(problem)


REVIEW_COLUMNS = ("review_status", "reviewed_by", "reviewed_at", "review_note", "grade", "grade_rationale")
_review_values = attrgetter(*REVIEW_COLUMNS)


class _StoredClaim(NamedTuple):
    pk: int
    content_sha256: str
    review: tuple[Any, ...] = ()  # REVIEW_COLUMNS' values


def _stored_claims(s: _Import, prepared: list[PreparedClaim | KnownClaim], checked: list[PreparedClaim]) -> dict[str, _StoredClaim]:
    """The stored claims of the ids of a chunk, by id.

    An id read ahead (s.stored_ahead) is answered from there, once: until this import reaches a
    claim of that id nothing can store one (the lock is held, and the import writes a claim only
    here, after its lookup), and a second claim of the id is looked up in the database, which by
    then holds whatever the first one wrote.
    """
    ids = [c.id for c in checked]
    stored: dict[str, _StoredClaim] = {}
    ahead = s.stored_ahead
    if ahead:
        unknown = []
        for claim_id in ids:
            answer = ahead.pop(claim_id, _NOT_READ)
            if answer is _NOT_READ:
                unknown.append(claim_id)
            elif answer is not None:
                stored[claim_id] = answer
        ids = unknown
    stored.update(_stored_rows(s, ids))
    if len(checked) < len(prepared):
        for claim in prepared:
            if type(claim) is KnownClaim:  # its stored pk, for duplicates; a line of the same id decoded in full keeps its row
                stored.setdefault(claim.id, _StoredClaim(claim.pk, ""))
    return stored


_NOT_READ = _StoredClaim(0, "")


def _stored_rows(s: _Import, ids: Sequence[str]) -> dict[str, _StoredClaim]:
    """The stored claims of ``ids``, by id."""
    return {claim_id: _StoredClaim(pk, sha, tuple(review)) for pk, claim_id, sha, *review in s.bulk.rows_where_in(
        _CLAIMS, ("pk", "id", "content_sha256", *REVIEW_COLUMNS), "id", ids)}


def _read_stored_ahead(s: _Import, ids: list[str], size: int = 10_000) -> None:
    """Look up, in a few statements, whether the claims checked while waiting are stored: one lookup
    per chunk of claims would hold the connection between the chunks' copies (BulkWrite.insert_claims),
    which then wait for it under the write lock."""
    for start in range(0, len(ids), size):
        part = ids[start:start + size]
        stored = _stored_rows(s, part)
        for claim_id in part:
            s.stored_ahead.setdefault(claim_id, stored.get(claim_id))


def _duplicate(s: _Import, claim: PreparedClaim | KnownClaim, existing: _StoredClaim | None,
               seen: dict[str, tuple[int, int | None]]) -> bool:
    """Whether this import had a claim of the same id already (a problem); else note where this one is."""
    first = seen.get(claim.id) or s.claims_seen.location(claim.id, existing.pk if existing is not None else None)
    if first is not None:
        path = next(name for name, index in s.paths.items() if index == first[0])
        s.problems.at(claim.record, "id", f"duplicate claim id '{claim.id}' (first at {path}:{first[1]})",
                      "give each claim its own id; rows of one CSV claim must be consecutive")
        return True
    seen[claim.id] = (s.paths[claim.path], claim.line)
    return False


def _store_claims(s: _Import, prepared: list[PreparedClaim | KnownClaim], locations: list[tuple[int, ...] | None] | None = None) -> None:
    """Check what needs the database (duplicates, stored versions, revisions, quotes) and write.

    ``locations``: the quotes' offsets a worker found, by position in ``prepared``.
    """
    if not prepared:
        return
    s.bulk.settle()  # the previous chunk's claims, copied meanwhile (BulkWrite.insert_claims)
    checked = [c for c in prepared if type(c) is PreparedClaim]
    stored = _stored_claims(s, prepared, checked)
    targets = _supersedes_targets(s, checked)
    new_rows: list[tuple[Any, ...]] = []
    new_figures: list[tuple[Any, ...]] = []
    seen: dict[str, tuple[int, int | None]] = {}  # first seen in this chunk: id -> (file index, line)
    new_pks: dict[str, int] = {}
    for index, claim in enumerate(prepared):
        claim_id = claim.id
        s.claim_sequence += 1
        existing = stored.get(claim_id)
        if _duplicate(s, claim, existing, seen):
            continue
        if type(claim) is KnownClaim:
            s.counts["claims"]["unchanged"] += 1
            s.counts["figures"]["unchanged"] += claim.figures
            continue
        assert type(claim) is PreparedClaim
        if existing is not None and _same_content(s, claim, existing):
            continue
        location = _locate_quote(s, claim, locations[index] if locations is not None else None)
        if location is None:
            continue
        if existing is None:
            pk = new_pks[claim_id] = s.next_claim_pk
            s.next_claim_pk += 1
            supersedes_pk = _supersedes_new(s, claim, pk, targets)
            new_rows.append((*_claim_values(claim), *location, pk, supersedes_pk, s.batch_id))
            new_figures.extend((*f, pk, position, s.batch_id) for position, f in enumerate(claim.figures, start=1))
            s.counts["claims"]["added"] += 1
            s.counts["figures"]["added"] += len(claim.figures)
            # Later claims of this chunk may supersede this one: it is inserted before them.
            if not s.update:
                targets[claim_id] = (pk, claim.source_id, claim.claimed_on, claim.event_id)
        elif not s.update:
            s.problems.at(claim.record, "id", f"claim '{claim_id}' already exists with different content",
                          "import it under a new id (and `supersedes:` the old one) to record a revision, or run with --update to correct it")
            continue
        else:
            _replace_claim(s, existing.pk, claim, location)
            s.replaced_claims.append(_PendingSupersedes(existing.pk, claim_id, "", claim.source_id, claim.claimed_on, claim.path,
                                                        claim.line_of("source"), s.claim_sequence, claim.event_id))
            if claim.supersedes is not None:
                _defer_supersedes(s, existing.pk, claim_id, claim)
    for claim_id, (file, line) in seen.items():
        existing = stored.get(claim_id)
        s.claims_seen.add(claim_id, existing.pk if existing is not None else new_pks.get(claim_id), file, line)
    s.bulk.insert_claims(_CLAIMS, CLAIM_COLUMNS, new_rows, _FIGURES, FIGURE_COLUMNS, new_figures, s.next_claim_pk)


def _same_content(s: _Import, claim: PreparedClaim, existing: _StoredClaim) -> bool:
    """Whether a stored claim says what the file says (counted as unchanged, or as reviewed when only
    the review the file gives differs, which is then applied)."""
    if existing.content_sha256 not in (claim.content_sha256, claim.reviewed_sha256):
        return False
    s.counts["figures"]["unchanged"] += len(claim.figures)
    if claim.reviewed_sha256 is not None and existing.review != _review_values(claim):
        _review_claim(s, existing.pk, claim)
    else:
        s.counts["claims"]["unchanged"] += 1
    return True


def _review_claim(s: _Import, pk: int, claim: PreparedClaim) -> None:
    """A stored claim whose content is the file's and whose review is not: the file's review is applied,
    as `factdb review` would, logged as a review by the importing editor (the claim's content is unchanged)."""
    s.changes.reviewed("claims", claim.id)
    s.conn.execute(update_rows(Claim).where(Claim.pk == pk).values(dict(zip(REVIEW_COLUMNS, _review_values(claim), strict=True))))
    s.counts["claims"]["reviewed"] += 1


def _supersedes_new(s: _Import, claim: PreparedClaim, pk: int, targets: dict[str, tuple[int, str, str, str | None]]) -> int | None:
    """The pk a new claim supersedes when its target is stored (checked now), else None (checked at the end)."""
    if claim.supersedes is not None and claim.supersedes in targets:
        return _check_supersedes(s, claim, pk, claim.id, targets[claim.supersedes])
    if claim.supersedes is not None:
        _defer_supersedes(s, pk, claim.id, claim)
    return None


def _defer_supersedes(s: _Import, pk: int, claim_id: str, claim: PreparedClaim) -> None:
    """Check and link a revision at the end: claim ``pk`` (written, as ``claim`` says) supersedes a claim not stored yet."""
    assert claim.supersedes is not None
    s.pending_supersedes.add(pk, claim.supersedes, s.paths[claim.path], claim.line_of("supersedes"), s.claim_sequence)


def _check_supersedes(s: _Import, claim: PreparedClaim, pk: int, claim_id: str, target: tuple[int, str, str, str | None]) -> int | None:
    """The target's pk if a new claim may supersede it (the rules of _link_supersedes), else None."""
    pending = _PendingSupersedes(pk, claim_id, claim.supersedes or "", claim.source_id, claim.claimed_on,
                                 claim.path, claim.line_of("supersedes"), s.claim_sequence, claim.event_id)
    return target[0] if _supersedes_problem(s, pending, *target) is None else None


def _supersedes_problem(s: _Import, pending: _PendingSupersedes, target_pk: int, source_id: str, claimed_on: str,
                        event_id: str | None) -> Problem | None:
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
    elif event_id is not None and pending.event_id is not None and event_id != pending.event_id:
        problem = Problem(pending.path, pending.line, where, f"claim '{pending.target}' is about event '{event_id}', "
                          f"not '{pending.event_id}'", "a claim can only supersede an earlier claim about the same event")
    if problem is not None:
        s.supersedes_problems.append((pending.sequence, problem))
    return problem


def _figure_rows(s: _Import, claim_pk: int, claim: PreparedClaim) -> list[dict[str, Any]]:
    return [dict(zip(FIGURE_COLUMNS, (*values, claim_pk, position, s.batch_id), strict=True))
            for position, values in enumerate(claim.figures, start=1)]


def _replace_claim(s: _Import, pk: int, claim: PreparedClaim, location: tuple[int, ...]) -> None:
    """--update: keep the stored version in claim_history, then overwrite the claim and its figures."""
    from factdb.export import claim_record

    old = s.conn.execute(select(Claim.__table__).where(Claim.pk == pk)).first()
    assert old is not None
    s.changes.before("claims", old.id)
    version = (s.conn.execute(select(ClaimVersion.version).where(ClaimVersion.claim_pk == pk)
                              .order_by(ClaimVersion.version.desc()).limit(1)).scalar() or 0) + 1
    s.conn.execute(insert(ClaimVersion).values(
        claim_pk=pk, claim_id=old.id, version=version,
        content=json.dumps(claim_record(s.conn, pk), ensure_ascii=False, sort_keys=True),
        content_sha256=old.content_sha256, created_batch_id=old.updated_batch_id or old.batch_id, replaced_batch_id=s.batch_id))
    s.conn.execute(delete(FigureRow).where(FigureRow.claim_pk == pk))
    row = dict(zip(CLAIM_FIELDS, _claim_values(claim), strict=True), quote_start=location[0], quote_end=location[1])
    s.conn.execute(update_rows(Claim).where(Claim.pk == pk).values(**row, supersedes_pk=None, updated_batch_id=s.batch_id))
    figures = _figure_rows(s, pk, claim)
    if figures:
        s.conn.execute(insert(FigureRow), figures)
    s.counts["claims"]["updated"] += 1
    s.counts["figures"]["updated"] += len(figures)


def _link_supersedes(s: _Import) -> None:
    """Link the revisions whose target was not stored when their chunk was written (forward
    references, --update); the others were checked and linked as they were inserted. Claims out of
    order (sorted by date or source) make most revisions forward references: targets are read, and
    links written, many at a time, before the secondary indexes are built. Their problems are
    reported by _report_supersedes, after the others of the claims pass."""
    links: list[tuple[int, int]] = []
    for batch in s.pending_supersedes.batches(s):
        targets = {claim_id: (pk, source_id, claimed_on, event_id) for claim_id, pk, source_id, claimed_on, event_id in s.bulk.rows_where_in(
            _CLAIMS, ("id", "pk", "source_id", "claimed_on", "event_id"), "id", sorted({pending.target for pending in batch}))}
        for pending in batch:
            target = targets.get(pending.target)
            if target is None:
                s.supersedes_problems.append((pending.sequence, Problem(
                    pending.path, pending.line, f"{pending.claim_id}.supersedes", f"unknown claim '{pending.target}'",
                    "name the id of an earlier claim by the same source")))
                continue
            if _supersedes_problem(s, pending, *target) is None:
                links.append((target[0], pending.claim_pk))
        if len(links) >= LINK_BATCH:
            s.bulk.update_unindexed(_CLAIMS, "supersedes_pk", "pk", links)
            links = []
    s.bulk.update_unindexed(_CLAIMS, "supersedes_pk", "pk", links)


def _check_revisions_of_replaced(s: _Import) -> None:
    """--update: a replaced claim must still be one that the stored claims revising it may supersede
    (same source, not later, same event). Those not in this import were never checked against its
    new values; those in it were (pending_supersedes) and are skipped here."""
    checked = set(s.pending_supersedes.claim_pks()) if s.replaced_claims else set()
    for replaced in s.replaced_claims:
        for pk, claim_id, source_id, claimed_on, event_id in s.conn.execute(
                select(Claim.pk, Claim.id, Claim.source_id, Claim.claimed_on, Claim.event_id).where(Claim.supersedes_pk == replaced.claim_pk)):
            if pk in checked:
                continue
            revision = _PendingSupersedes(pk, claim_id, replaced.claim_id, source_id, claimed_on, replaced.path, replaced.line,
                                          replaced.sequence, event_id)
            problem = _supersedes_problem(s, revision, replaced.claim_pk, replaced.source_id, replaced.claimed_on, replaced.event_id)
            if problem is not None:
                s.supersedes_problems[-1] = (replaced.sequence, Problem(
                    replaced.path, replaced.line, f"{replaced.claim_id}", f"stored claim '{claim_id}' supersedes this claim, "
                    f"and would no longer be allowed to: {problem.message}",
                    f"change '{claim_id}' in the same import, or leave this claim's source, date and event as they were"))


def _report_supersedes(s: _Import) -> None:
    """The problems of revisions, in claim order, then cycles of revisions."""
    for _, problem in sorted(s.supersedes_problems, key=lambda item: item[0]):
        s.problems.add_always(problem)  # past the cap too, as read errors
    _check_supersedes_cycles(s)


def _check_supersedes_cycles(s: _Import) -> None:
    """Report the first revision (in claim order) whose chain of revised claims runs into a cycle."""
    ends: set[int] = set()  # claims whose chain ends: walked before, no need to walk again
    pending = s.pending_supersedes
    for index, claim_pk in enumerate(pending.claim_pks()):
        seen = {claim_pk}
        current: int | None = claim_pk
        while current not in ends:
            current = s.bulk.value(_CLAIMS, "supersedes_pk", "pk", current)
            if current is None:
                ends.update(seen)
                break
            if current in seen:
                (revision,) = pending.revisions(s, range(index, index + 1))
                s.problems.add_always(Problem(revision.path, revision.line, f"{revision.claim_id}.supersedes",
                                              "claims supersede each other in a cycle", "each revision supersedes only earlier claims"))
                return
            seen.add(current)
        else:
            ends.update(seen)


# -- the whole import -----------------------------------------------------------------------------


def _claims_in_chunks(s: _Import, records: Iterable[Record | KnownClaim | CheckedClaim]) -> None:
    chunk: list[Record | KnownClaim | CheckedClaim] = []
    for record in records:
        if chunk and record.path != chunk[-1].path:  # chunks never span files, as in the workers
            _import_claim_chunk(s, chunk)
            chunk = []
        chunk.append(record)
        if len(chunk) >= CLAIM_CHUNK:
            _import_claim_chunk(s, chunk)
            chunk = []
    _import_claim_chunk(s, chunk)


def _claims_from_workers(s: _Import, files: Sequence[Path], workers: int, progress: Callable[[int], None] | None,
                         counts: Counter[str], pool: Any) -> None:
    """The claims of ``files``, checked by ``workers`` processes, written here chunk by chunk in file order."""
    # A JSON Lines file in which the first pass saw no claim (the entities) is not read again: each
    # worker would read all of it to find none.
    names = []
    for path in files:
        if str(path) in s.unreadable:
            continue
        if file_format(path) == "csv" or str(path) in s.files_with_claims:
            names.append(str(path))
        elif progress:
            progress(path.stat().st_size)
    spool = s.spool
    if spool is not None:
        spool.flush()
    # Workers read texts and stored claims from the database only when it held some before.
    database = s.conn.engine.url.database if spool is not None and (s.had_claims or s.had_documents) else None
    for checked in import_workers.checked_chunks(pool, names, s.lookups, workers, CLAIM_CHUNK, progress, database, spool, s.had_claims):
        if type(checked) is FileEnd:
            if file_format(Path(checked.path)) == "csv":
                counts[checked.path] += checked.claims
            continue
        assert type(checked) is CheckedChunk
        if checked.read_error is not None:
            s.unreadable.add(checked.path)
            s.problems.add_always(checked.read_error)
        _take_problems(s, checked.problems)
        _store_claims(s, checked.prepared, checked.locations)
        # Not kept while the next chunk is read and unpickled: two chunks of large claims at once
        # made the importer's peak memory grow with the file.
        del checked


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


def _records(s: _Import, paths: Sequence[Path], claims_pass: bool,
             progress: Callable[[int], None] | None, counts: Counter[str]) -> Iterator[Record | KnownClaim | CheckedClaim]:
    """The claims (``claims_pass``) or every other record of the files, counting records per file.

    Each line of a JSON Lines file is decoded by the one pass that wants it; CSV files hold only
    claims and are read by the claims pass alone; YAML files are read by both passes (with libyaml,
    reading again costs less than keeping a large file's claims in memory); JSON files are parsed
    once, their claims kept for the claims pass.
    """
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
        yield from _file_records(s, path, claims_pass, progress, counts)


def _entity_records(s: _Import, paths: Sequence[Path], progress: Callable[[int], None] | None, counts: Counter[str]) -> Iterator[Record]:
    """The first pass: every record but claims."""
    for record in _records(s, paths, False, progress, counts):
        if type(record) is Record:
            yield record


def _counted_claims_alone(s: _Import, path: Path, progress: Callable[[int], None] | None, counts: Counter[str]) -> bool:
    """The first pass over a JSON Lines file of claims alone, as factdb export writes them: their lines
    counted in blocks (readers.count_claim_lines), none to decode. False for any other file."""
    claims = count_claim_lines(path)
    if claims is None:
        return False
    if progress:
        progress(path.stat().st_size)
    if claims:
        counts[str(path)] += claims
        s.files_with_claims.add(str(path))
    return True


def _file_records(s: _Import, path: Path, claims_pass: bool, progress: Callable[[int], None] | None,
                  counts: Counter[str]) -> Iterator[Record | KnownClaim | CheckedClaim]:
    """The records of one file for one pass (see _records)."""
    name, fmt = str(path), file_format(path)
    kinds = ("claim",) if claims_pass else ("source", "event", "metric", "document", "removed")
    counting = not claims_pass or fmt == "csv"
    kept: list[Record] | None = [] if not claims_pass and fmt == "json" else None
    raw = claims_pass and s.had_claims  # a re-import: claim lines the database holds already are recognised, not decoded
    if not claims_pass and fmt == "jsonl" and _counted_claims_alone(s, path, progress, counts):
        return
    records: Iterator[Record | KnownClaim | CheckedClaim]
    if claims_pass and s.prepared is not None and name in s.prepared.claims:
        records = s.prepared.replay(name, s.lookups, progress, path.stat().st_size)
    else:
        read = read_records(path, progress, kinds, raw_claims=raw)
        records = recognised(read, s.lookups, s.bulk.stored_claim_digests(_CLAIMS)) if raw else read
    try:
        for record in records:
            if counting:
                counts[name] += 1
            if (record.kind == "claim") == claims_pass:
                yield record
            elif kept is not None and type(record) is Record:
                kept.append(record)
            elif record.kind == "claim":
                s.files_with_claims.add(name)  # seen, not decoded, by the first pass
    except ReadError as error:
        s.unreadable.add(name)
        s.problems.add_always(Problem(error.path, error.line, "", error.message, error.hint))
        return
    if kept is not None:
        s.cached_claims[name] = kept


def _claim_workers(files: Sequence[Path], is_bulk: bool, workers: int | None, claim_bytes: int, *, server: bool = False,
                   prepared: _Prepared | None = None) -> int:
    """How many processes check claims besides the importer (0: it checks them itself), given the
    size of the files holding claims, whether the database is a server's (PostgreSQL), and what was
    checked while the import waited for the write lock: claims all checked then are taken as
    checked, by the importer (workers would check them again)."""
    if workers is not None:
        return workers if import_workers.streamable(files) else 0
    if not (is_bulk and import_workers.streamable(files) and (os.cpu_count() or 1) > 1):
        return 0
    if prepared is not None and prepared.complete:
        return 0
    threshold = WORKER_BYTES_POSTGRES if server and prepared is None else WORKER_BYTES
    return CLAIM_WORKERS if claim_bytes >= threshold else 0


def _spool_and_workers(engine: Engine, files: Sequence[Path], is_bulk: bool, workers: int | None) -> tuple[TextSpool | None, Any]:
    """A spool for document texts, and the workers started at once, when workers may check claims:
    decided before the first pass, so on every file's size (the files holding claims are known only
    after it). The workers start while the first pass runs; unused, they are stopped."""
    on_file = engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")
    count = _claim_workers(files, is_bulk, workers, sum(p.stat().st_size for p in files))
    if not (is_bulk and on_file and count):
        return None, None
    return TextSpool(), import_workers.start(count)


@dataclass
class _Input:
    """What one import reads, whatever it reads it from: two passes over its records."""

    names: list[str]
    expected_bytes: int
    entities: Callable[[_Import], Iterable[Record]]
    claims: Callable[[_Import], None]
    counts: Counter[str]  # records per file
    files: list[Path] = field(default_factory=list)
    spool: TextSpool | None = None
    # Checks the claims before the write lock, given a connection to what is stored (see _Prepared).
    prepare: Callable[[Connection, str, threading.Event], _Prepared] | None = None


def _run(engine: Engine, read: _Input, *, update: bool, dry_run: bool, number_format: str, edit: Edit) -> ImportReport:
    """One import in one transaction; raise ImportFailed (writing nothing) on bad data."""
    checked: list[_Prepared] = []

    def check_while_waiting(stop: threading.Event) -> None:
        if read.prepare is not None:
            with read_only_snapshot(engine) as snapshot:
                checked.append(read.prepare(snapshot, number_format, stop))

    with engine.connect() as conn, BulkWrite(conn, read.expected_bytes) as writer, LongLivedObjects() as heap:
        with while_waiting(check_while_waiting):
            transaction = conn.begin()
        prepared = checked[0] if checked else None
        try:
            batch_id = editorial.start_batch(conn, edit)
            s = _Import(conn, writer, batch_id, update, NormalizedTexts(lambda pk: writer.value(_DOCUMENTS, "text", "pk", pk)),
                        ChangeRecorder(conn, batch_id, edit),
                        paths={name: index for index, name in enumerate(dict.fromkeys(read.names))}, spool=read.spool,
                        lookups=Lookups(number_format=number_format))
            _load_lookups(s)
            writer.defer_full_text()
            first_document_pk, first_claim_pk = s.next_document_pk, s.next_claim_pk
            entity_importers = {"source": _import_source, "event": _import_event, "metric": _import_metric, "document": _import_document,
                                "removed": _note_removal}
            for record in read.entities(s):
                entity_importers[record.kind](s, record)
            _flush_rows(s)
            writer.catch_up_full_text("documents", first_document_pk)
            _resolve_pending_entities(s)
            archived = _store_custody(s)
            s.seen = {}  # every entity is defined by now; claims only refer to them (a tenth of a large import's memory)
            s.prepared = prepared
            if prepared is not None:
                _read_stored_ahead(s, prepared.claim_ids())
            if writer.bulk and prepared is None:
                # The lookups, for the rest of the import (factdb.heap). Not when the claims were
                # checked while waiting: what is left holds the lock, and the collection freezing
                # starts with would walk every checked claim for little gain.
                heap.freeze(bulk=True)
            writer.allow_deferred_indexes(s.next_claim_pk - 1)
            read.claims(s)
            writer.settle()
            _link_supersedes(s)
            _check_revisions_of_replaced(s)
            writer.restore_indexes()
            for record, document_pk, text in s.pending_rechecks:
                _recheck_quotes(s, record, document_pk, text)
            writer.catch_up_full_text("claims", first_claim_pk)
            custody.assign_quote_pages(conn, batch_id, archived)
            _report_supersedes(s)
            _import_removals(s)
            report = ImportReport(list(read.names), s.counts, dry_run, None if dry_run else batch_id, sum(read.counts.values()),
                                  s.prepared.used if s.prepared is not None else 0)
            if s.problems:
                raise ImportFailed(s.problems.items, s.problems.truncated)
            if dry_run or not report.changed:
                transaction.rollback()
                report.batch_id = None
                return report
            _record_changes(s)
            for path in read.files:
                sha, size = _file_digest(path)
                conn.execute(insert(ImportFile).values(batch_id=batch_id, path=str(path), sha256=sha, size_bytes=size,
                                                       records=read.counts[str(path)]))
            conn.execute(update_rows(ImportBatch).where(ImportBatch.id == batch_id).values(
                finished_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                summary=json.dumps({k: dict(v) for k, v in s.counts.items()}, sort_keys=True)))
            assert writer.caught_up, "every deferred full-text index was caught up"
            transaction.commit()
            writer.committed(grew=s.counts["claims"]["added"] >= first_claim_pk - 1
                             or s.counts["documents"]["added"] >= first_document_pk - 1)
            return report
        except BaseException as error:
            _abandon(conn, transaction, writer, interrupted=not isinstance(error, Exception))
            raise


def _abandon(conn: Connection, transaction: RootTransaction, writer: BulkWrite, *, interrupted: bool) -> None:
    """Undo a failed or interrupted import's transaction."""
    with suppress(BaseException):
        writer.settle()  # what the failed COPY raised, if it did, is not the error to report
    if interrupted and writer.postgres:
        # Interrupted (Ctrl-C, SIGTERM), perhaps in the middle of a statement: the connection may still be busy
        # with it, so that a rollback would fail, and the pool would print the failure's traceback as it reset
        # the connection. Closed instead: the server rolls the transaction back and releases the write lock.
        with suppress(BaseException):
            conn.invalidate()
        return
    if transaction.is_active:
        transaction.rollback()


def _note_removal(s: _Import, record: Record) -> None:
    checked = check_removal(record)
    if isinstance(checked, list):
        s.problems.extend(checked)
    else:
        s.removals.append(checked)


def _import_removals(s: _Import) -> None:
    """The removed records the files name, once every other record is in: an import never removes a live
    record (that is `factdb remove`'s, with its reason and its check of what refers to the record), and the
    database's own removals are its history, which an import does not rewrite."""
    if not s.removals:
        return
    counts = s.counts.setdefault("removals", Counter())
    seen: set[tuple[str, str]] = set()
    new = []
    for removal in s.removals:
        key, record = (removal.kind, removal.id), removal.record
        if key in seen:
            s.problems.at(record, "id", f"removed {removal.kind} '{removal.id}' is named twice in this import",
                          "list each removed record once")
            continue
        seen.add(key)
        if removals.is_live(s.conn, removal.kind, removal.id):
            s.problems.at(record, "id", f"{removal.kind} '{removal.id}' is in the database (or in this import), "
                          "and this file lists it as removed; an import never removes a record",
                          f"remove it with: factdb remove {removal.kind} {removal.id} --reason \"...\"; "
                          "or leave the removed entry out")
            continue
        stored = removals.current(s.conn, removal.kind, removal.id)
        if stored is None:
            new.append(removal)
            counts["added"] += 1
        elif removals.same(stored, removal):
            counts["unchanged"] += 1
        else:
            s.problems.at(record, "id", f"{removal.kind} '{removal.id}' is recorded as removed already "
                          f"(at {stored.removed_at} by {stored.editor or 'nobody named'}), differently",
                          "the database keeps its own record of a removal: leave this entry out")
    if not s.problems:
        removals.add_imported(s.conn, new, s.batch_id)
        s.changes.removals_imported = [(REMOVABLE_TABLES[r.kind], r.id) for r in new]


def _record_changes(s: _Import) -> None:
    """The change log of the import, and the two-person rule for the claims it marks reviewed."""
    own = s.changes.second_editor_problems()
    if own:
        raise ImportFailed([Problem(", ".join(s.paths), None, "review", f"{s.changes.edit.editor} imports claim{'s' if len(own) > 1 else ''} "
                                    f"{', '.join(own[:20])} as reviewed, with no other reviewer named; this database requires "
                                    "a second editor to review (review.require_second_editor)",
                                    "leave review out, or name the other editor who reviewed them in review.by")])
    s.changes.finish()


def import_paths(engine: Engine, paths: Sequence[str | Path], *, update: bool = False, dry_run: bool = False,
                 progress: Callable[[int], None] | None = None, workers: int | None = None,
                 number_format: str = "en", editor: str | None = None, reason: str | None = None) -> ImportReport:
    """Import the files at ``paths`` in one transaction; raise ImportFailed (writing nothing) on bad data.

    ``progress`` is called with the number of bytes read as the files are read (twice: once per pass).
    ``workers``: processes that check claims while this one writes (JSON Lines and CSV files only);
    by default CLAIM_WORKERS for imports of WORKER_BYTES or more (WORKER_BYTES_POSTGRES on PostgreSQL,
    unless every claim was checked while the import waited for the write lock), else none. The result is the same.
    ``number_format``: how the files write figures' digits, "en" (1,500.5) or "eu" (1.500,5).
    ``editor`` (default: $FACTDB_EDITOR, else the operating-system user) and ``reason`` are recorded
    with the batch and each change.
    """
    _check_number_format(number_format)
    edit = Edit.of(editor, "import", reason)
    files = [Path(p) for p in paths]
    problems = _check_paths(files)
    if problems:
        raise ImportFailed(problems)
    size = sum(p.stat().st_size for p in files)
    is_bulk = size >= bulk.BULK_BYTES
    spool, pool = _spool_and_workers(engine, files, is_bulk, workers)
    counts: Counter[str] = Counter()

    def claims(s: _Import) -> None:
        claim_bytes = sum(p.stat().st_size for p in files if file_format(p) == "csv" or str(p) in s.files_with_claims)
        claim_workers = _claim_workers(files, is_bulk, workers, claim_bytes, server=s.bulk.postgres, prepared=s.prepared)
        if claim_workers:
            s.bulk.index_claims_as_written(s.next_claim_pk)
            _claims_from_workers(s, files, claim_workers, progress, counts, pool)
        else:
            _claims_in_chunks(s, _records(s, files, True, progress, counts))

    def prepare(conn: Connection, number_format: str, stop: threading.Event) -> _Prepared:
        return _prepare(conn, files, number_format, stop)

    try:
        return _run(engine, _Input([str(p) for p in files], size, lambda s: _entity_records(s, files, progress, counts), claims,
                                   counts, files, spool, prepare if size <= PREPARE_BYTES else None),
                    update=update, dry_run=dry_run, number_format=number_format, edit=edit)
    finally:
        if spool is not None:
            spool.close()
        if pool is not None:
            pool.close()


NUMBER_FORMATS = ("en", "eu")


def _check_number_format(number_format: str) -> None:
    if number_format not in NUMBER_FORMATS:
        raise ValueError(f"unknown number format {number_format!r}: use 'en' (1,500.5) or 'eu' (1.500,5)")


# Records given in Python (import_records) are located as lines of a file named "records", counted
# from 1 as lines are: "records:3: record 3.quote: is empty" is the third record given.
RECORDS_PATH = "records"
KINDS = ("source", "event", "metric", "document", "claim", "removed")


def _as_record(index: int, item: Any) -> Record | Problem:
    """A record given in Python, shaped like a JSON Lines line, as the readers would yield it."""
    number = index + 1
    label = f"record {number}"
    if not isinstance(item, dict):
        return Problem(RECORDS_PATH, number, label, f"expected a mapping of fields with a 'kind'; found {type(item).__name__}",
                       'give each record as a dict, e.g. {"kind": "claim", ...}')
    data = dict(item)
    kind = data.pop("kind", None)
    if kind == "source" and "source_kind" in data:
        # `kind` names the record type, as in JSON Lines, so a source's own kind travels as source_kind
        # (and a removed record's as removed_kind).
        data["kind"] = data.pop("source_kind")
    elif kind == "removed" and "removed_kind" in data:
        data["kind"] = data.pop("removed_kind")
    if kind not in KINDS:
        return Problem(RECORDS_PATH, number, f"{label}.kind", f"'kind' must be one of {', '.join(KINDS)}; found {kind!r}",
                       'add "kind": "claim" (or another kind) to the record')
    return Record(kind, data, RECORDS_PATH, number, label, from_file=False)


def import_records(engine: Engine, records: Iterable[dict[str, Any]], *, update: bool = False, dry_run: bool = False,
                   progress: Callable[[int], None] | None = None, number_format: str = "en", editor: str | None = None,
                   reason: str | None = None, command: str = "import") -> ImportReport:
    """Import records given in Python, in one transaction, as import_paths imports files.

    Each record is a dict shaped like a line of a JSON Lines import file, with its ``kind`` (source,
    event, metric, document or claim; a source's own kind as ``source_kind``). The records are checked
    as files are; a problem names the record by its number, counted from 1 (``records:3: record 3.quote:
    is empty`` is about ``records[2]``). A document's
    text is given as ``text``: there is no folder for a ``text_file`` to be relative to.
    ``progress`` is called with the number of records checked, per pass. ``number_format``, ``editor``
    and ``reason`` as for import_paths; ``command`` names what wrote the batch (``archive`` for
    ``factdb archive``, whose documents come in as records).
    """
    _check_number_format(number_format)
    edit = Edit.of(editor, command, reason)
    entities: list[Record] = []
    claims: list[Record] = []
    problems: list[Problem] = []
    for index, item in enumerate(records):
        record = _as_record(index, item)
        if isinstance(record, Problem):
            problems.append(record)
        else:
            (claims if record.kind == "claim" else entities).append(record)
    if problems:
        raise ImportFailed(problems[:MAX_PROBLEMS], max(0, len(problems) - MAX_PROBLEMS))
    counts = Counter({RECORDS_PATH: len(entities) + len(claims)})

    def counted(records: list[Record]) -> Iterator[Record]:
        for record in records:
            yield record
            if progress:
                progress(1)

    return _run(engine, _Input([RECORDS_PATH], 0, lambda s: counted(entities), lambda s: _claims_in_chunks(s, counted(claims)), counts),
                update=update, dry_run=dry_run, number_format=number_format, edit=edit)
