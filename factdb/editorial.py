"""The editorial workflow: who changed what and why, undo, removal, review and grade.

Every write is a *batch* (a row of ``import_batches``: an import, a review, a removal or an undo)
with its editor, command and reason, and writes the change log (``changes``) in the same
transaction: one row per changed record, with the record's state before and after as JSON.

A record's state is its row with the rows that belong to it (a claim's figures and earlier
versions, a source's aliases and relations, a document's earlier texts), column by column, so
that an undo puts back exactly what was there. A record a batch *added* gets a change row without
states: the row itself, marked with the batch's id, is its state (copying a million claims into
the log would double the database), and those rows are written by one INSERT ... SELECT once the
import's rows are in.

Review state and grade are the editors' assessment, kept apart from what the source says (a claim's
``status``) and from attribution: reviewing never touches a claim's figures, its content hash or its
record digest.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, cast

from sqlalchemy import Column, Connection, Engine, Table, delete, func, insert, literal, select, update

from factdb import __version__, custody, removals
from factdb.models import (
    Change,
    Claim,
    ClaimVersion,
    Document,
    DocumentVersion,
    Event,
    Figure,
    ImportBatch,
    ImportFile,
    Metric,
    Setting,
    Source,
    SourceAlias,
    SourceRelation,
)
from factdb.vocabulary import GRADES, REMOVABLE_TABLES, REVIEW_STATUSES

REQUIRE_SECOND_EDITOR = "review.require_second_editor"
SETTINGS = {REQUIRE_SECOND_EDITOR: ("true", "false")}
REMOVABLE = REMOVABLE_TABLES
KIND_OF_TABLE = {table: kind for kind, table in REMOVABLE.items()}
# Deleted in this order when a batch's added rows are undone: rows before the rows they refer to.
_TABLES = {name: cast(Table, model.__table__) for name, model in (
    ("claims", Claim), ("figures", Figure), ("claim_history", ClaimVersion), ("sources", Source),
    ("source_aliases", SourceAlias), ("source_relations", SourceRelation), ("events", Event), ("metrics", Metric),
    ("documents", Document), ("document_history", DocumentVersion))}
# A record's own rows: table -> (child table, its column naming the record, the record's column it names).
_CHILDREN: dict[str, tuple[tuple[str, str, str], ...]] = {
    "claims": (("figures", "claim_pk", "pk"), ("claim_history", "claim_pk", "pk")),
    "sources": (("source_aliases", "source_id", "id"), ("source_relations", "source_id", "id")),
    "documents": (("document_history", "document_pk", "pk"),),
    "events": (),
    "metrics": (),
}
# What may refer to a record: table -> (referring table, its column, the record's column it names, label).
_REFERENCES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "claims": (("claims", "supersedes_pk", "pk", "supersedes"),),
    "sources": (("claims", "source_id", "id", "source"), ("claims", "via_id", "id", "via"),
                ("documents", "publisher_id", "id", "publisher"), ("source_relations", "target_id", "id", "part_of/member_of")),
    "events": (("claims", "event_id", "id", "event"), ("events", "parent_id", "id", "parent")),
    "metrics": (("figures", "metric_id", "id", "metric"),),
    "documents": (("claims", "document_pk", "pk", "document"),),
}
MAX_LISTED = 20


class EditorialError(Exception):
    """A refused editorial command (its message says why and what to do); nothing was changed."""


def default_editor() -> str:
    """Who is editing: ``$FACTDB_EDITOR``, else the operating-system user."""
    named = os.environ.get("FACTDB_EDITOR", "").strip()
    if named:
        return named
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name (a container without /etc/passwd entry)
        return "unknown"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Edit:
    """Who writes, with which command and why: stored with the batch and each of its changes."""

    editor: str
    command: str = "import"
    reason: str | None = None

    @classmethod
    def of(cls, editor: str | None, command: str, reason: str | None = None) -> Edit:
        name = (editor or "").strip() or default_editor()
        if len(name) > 200:
            raise EditorialError(f"editor name is {len(name)} characters long; at most 200 are accepted")
        return cls(name, command, (reason or "").strip() or None)


def start_batch(conn: Connection, edit: Edit) -> int:
    key = conn.execute(insert(ImportBatch).values(started_at=now(), factdb_version=__version__, editor=edit.editor,
                                                  command=edit.command, reason=edit.reason)).inserted_primary_key
    assert key is not None
    return int(key[0])


def _finish_batch(conn: Connection, batch_id: int, summary: dict[str, Any]) -> None:
    conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(finished_at=now(),
                                                                            summary=json.dumps(summary, sort_keys=True)))


# -- records' states ------------------------------------------------------------------------------


def _plain(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


def record_state(conn: Connection, table: str, key: str) -> dict[str, Any] | None:
    """The record ``key`` of ``table`` (by its id) with its own rows, or None when there is none."""
    main = _TABLES[table]
    row = conn.execute(select(main).where(main.c.id == key)).first()
    if row is None:
        return None
    state: dict[str, Any] = {"row": _plain(row)}
    for child, column, own in _CHILDREN[table]:
        rows = _TABLES[child]
        state[child] = [_plain(r) for r in conn.execute(select(rows).where(rows.c[column] == row._mapping[own]).order_by(rows.c.id))]
    return state


def restore_state(conn: Connection, table: str, key: str, state: dict[str, Any] | None) -> None:
    """Make the record ``key`` of ``table`` what ``state`` says: its row and its own rows; None deletes it."""
    main = _TABLES[table]
    current = conn.execute(select(main).where(main.c.id == key)).first()
    if current is not None:
        for child, column, own in _CHILDREN[table]:
            conn.execute(delete(_TABLES[child]).where(_TABLES[child].c[column] == current._mapping[own]))
        if state is None:
            conn.execute(delete(main).where(main.c.id == key))
            return
        conn.execute(update(main).where(main.c.id == key).values(**state["row"]))
    elif state is None:
        return
    else:
        conn.execute(insert(main).values(**state["row"]))
    for child, _, _ in _CHILDREN[table]:
        if state[child]:
            conn.execute(insert(_TABLES[child]), state[child])


def _json(state: dict[str, Any] | None) -> str | None:
    return None if state is None else json.dumps(state, ensure_ascii=False, sort_keys=True)


def _log(conn: Connection, batch_id: int, edit: Edit, at: str, rows: Iterable[tuple[str, str, str, Any, Any]]) -> int:
    """Write change rows (table, key, kind, before, after); how many."""
    values = [{"batch_id": batch_id, "table_name": table, "row_key": key, "kind": kind, "editor": edit.editor,
               "changed_at": at, "reason": edit.reason, "before": _json(before), "after": _json(after)}
              for table, key, kind, before, after in rows]
    if values:
        conn.execute(insert(Change), values)
    return len(values)


class ChangeRecorder:
    """The change log of one import: call :meth:`before` before changing a stored record, and
    :meth:`finish` once every row is in. Records the import adds need no call."""

    def __init__(self, conn: Connection, batch_id: int, edit: Edit) -> None:
        self.conn = conn
        self.batch_id = batch_id
        self.edit = edit
        self.states: dict[tuple[str, str], dict[str, Any]] = {}
        self.reviews: dict[str, dict[str, Any]] = {}  # claims whose review alone the import changes: their states before
        self.removals_imported: list[tuple[str, str]] = []  # (table, id) of the removed records the import names

    def reviewed(self, table: str, key: str) -> None:
        """Keep the state of a stored claim whose review (only) this import is about to change."""
        state = record_state(self.conn, table, key)
        assert state is not None
        self.reviews[key] = state

    def before(self, table: str, key: str) -> None:
        """Keep the state of a stored record this import is about to change (once per record)."""
        if (table, key) in self.states:
            return
        state = record_state(self.conn, table, key)
        if state is not None and state["row"]["batch_id"] != self.batch_id:
            self.states[(table, key)] = state

    def finish(self) -> None:
        """Write the change rows: each changed record with its states, then every added one."""
        at = now()
        changed: list[tuple[str, str, str, Any, Any]] = []
        for (table, key), before in self.states.items():
            after = record_state(self.conn, table, key)
            if after != before:
                changed.append((table, key, "updated", before, after))
        changed.extend(("claims", key, "reviewed", before, record_state(self.conn, "claims", key)) for key, before in self.reviews.items())
        # A removed record the import brings has no state here: it was never in this database.
        changed.extend((table, key, "removed", None, None) for table, key in self.removals_imported)
        _log(self.conn, self.batch_id, self.edit, at, changed)
        self.log_added(at)
        removals.revive(self.conn, self.batch_id)

    def log_added(self, at: str) -> None:
        change = cast(Table, Change.__table__)
        for table in ("sources", "events", "metrics", "documents", "claims"):
            rows = _TABLES[table]
            added = select(literal(self.batch_id), literal(table), rows.c.id, literal("added"), literal(self.edit.editor),
                           literal(at), literal(self.edit.reason)).where(rows.c.batch_id == self.batch_id)
            self.conn.execute(insert(change).from_select(
                ["batch_id", "table_name", "row_key", "kind", "editor", "changed_at", "reason"], added))

    def second_editor_problems(self) -> list[str]:
        """Under the two-person rule, the claims this import marks reviewed by its own editor."""
        if not second_editor_required(self.conn):
            return []
        claims = select(Claim.id).where(
            (Claim.batch_id == self.batch_id) | (Claim.updated_batch_id == self.batch_id) | Claim.id.in_(list(self.reviews)),
            Claim.review_status == "reviewed",
            Claim.reviewed_by.is_(None) | (Claim.reviewed_by == self.edit.editor)).order_by(Claim.id)
        return [claim_id for (claim_id,) in self.conn.execute(claims)]


# -- settings -------------------------------------------------------------------------------------


def get_setting(conn: Connection, key: str) -> str | None:
    return conn.execute(select(Setting.value).where(Setting.key == key)).scalar()


def second_editor_required(conn: Connection) -> bool:
    return get_setting(conn, REQUIRE_SECOND_EDITOR) == "true"


def set_setting(engine: Engine, key: str, value: str, *, editor: str | None = None, reason: str | None = None) -> None:
    """Set a per-database option, recorded as a batch of its own (command ``config``, with the
    value before and after in its summary); raises EditorialError for an unknown option or value."""
    if key not in SETTINGS:
        raise EditorialError(f"unknown option '{key}' (hint: the options are {', '.join(SETTINGS)})")
    value = value.strip().lower()
    if value not in SETTINGS[key]:
        raise EditorialError(f"{key}: '{value}' is not allowed (hint: use one of {', '.join(SETTINGS[key])})")
    edit = Edit.of(editor, "config", reason)
    with engine.begin() as conn:
        before = get_setting(conn, key)
        batch_id = start_batch(conn, edit)
        if before is None:
            conn.execute(insert(Setting).values(key=key, value=value))
        else:
            conn.execute(update(Setting).where(Setting.key == key).values(value=value))
        _finish_batch(conn, batch_id, {"settings": {key: {"before": before, "after": value}}})


def settings(conn: Connection) -> dict[str, str]:
    stored = {key: value for key, value in conn.execute(select(Setting.key, Setting.value))}
    return {key: stored.get(key, "false") for key in SETTINGS}


# -- review ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewResult:
    batch_id: int
    claims: list[str]


def review(engine: Engine, claim_ids: Sequence[str], *, status: str, editor: str | None = None, grade: str | None = None,
           rationale: str | None = None, note: str | None = None, reason: str | None = None) -> ReviewResult:
    """Set the review state (and grade) of claims, one batch; refuses (changing nothing) on any problem."""
    if status not in REVIEW_STATUSES:
        raise EditorialError(f"review status '{status}' is not allowed (hint: use one of {', '.join(REVIEW_STATUSES)})")
    if grade is not None and grade not in GRADES:
        raise EditorialError(f"grade '{grade}' is not allowed (hint: use one of {', '.join(GRADES)})")
    rationale = (rationale or "").strip() or None
    if grade is not None and rationale is None:
        raise EditorialError(f"grade '{grade}' needs a rationale (hint: add --rationale \"why the claim is graded so\")")
    if rationale is not None and grade is None:
        raise EditorialError("a rationale goes with a grade (hint: add --grade, one of " + ", ".join(GRADES) + ")")
    if not claim_ids:
        raise EditorialError("no claim to review (hint: name claim ids)")
    edit = Edit.of(editor, "review", reason)
    ids = list(dict.fromkeys(claim_ids))
    with engine.begin() as conn:
        found = {row.id: row for row in conn.execute(select(Claim.id, Claim.batch_id, Claim.updated_batch_id).where(Claim.id.in_(ids)))}
        missing = [claim_id for claim_id in ids if claim_id not in found]
        if missing:
            raise EditorialError(f"no claim {_listed(missing)} in the database; nothing was reviewed (hint: check the ids with factdb log "
                                 "or the claims table)")
        if status == "reviewed" and second_editor_required(conn):
            own = [claim_id for claim_id in ids if edit.editor in _importers(conn, found[claim_id])]
            if own:
                raise EditorialError(f"{edit.editor} imported claim {_listed(own)}; under this database's two-person rule "
                                     f"({REQUIRE_SECOND_EDITOR}) another editor must review it. Nothing was reviewed.")
        batch_id = start_batch(conn, edit)
        at = now()
        changes = []
        for claim_id in ids:
            before = record_state(conn, "claims", claim_id)
            values: dict[str, Any] = {"review_status": status, "reviewed_by": edit.editor, "reviewed_at": at,
                                      "review_note": (note or "").strip() or None}
            if grade is not None:
                values.update(grade=grade, grade_rationale=rationale)
            conn.execute(update(Claim).where(Claim.id == claim_id).values(**values))
            changes.append(("claims", claim_id, "reviewed", before, record_state(conn, "claims", claim_id)))
        _log(conn, batch_id, edit, at, changes)
        _finish_batch(conn, batch_id, {"claims": {status: len(ids)}})
    return ReviewResult(batch_id, ids)


def _importers(conn: Connection, claim: Any) -> set[str | None]:
    batches = [b for b in (claim.batch_id, claim.updated_batch_id) if b is not None]
    return set(conn.execute(select(ImportBatch.editor).where(ImportBatch.id.in_(batches))).scalars())


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(f"'{item}'" for item in items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


# -- removal --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Referrer:
    """A record that refers to another: ``claim 'x' (its supersedes)``."""

    table: str
    key: str
    field: str
    batch_id: int

    def __str__(self) -> str:
        return f"{KIND_OF_TABLE.get(self.table, self.table.removesuffix('s'))} '{self.key}' (its {self.field})"


def _referrers(conn: Connection, table: str, targets: Any, exclude_batch: int | None = None) -> list[Referrer]:
    """The records outside batch ``exclude_batch`` that refer to the rows of ``table`` whose key is in ``targets``.

    ``targets`` is a selectable of the records' key column (pk for claims and documents, else id).
    """
    found: list[Referrer] = []
    for referring, column, _, label in _REFERENCES[table]:
        rows = _TABLES[referring]
        key: Column[Any]
        if referring == "figures":
            claims = _TABLES["claims"]
            query = (select(claims.c.id, rows.c.batch_id).join(claims, claims.c.pk == rows.c.claim_pk)
                     .where(rows.c[column].in_(targets)))
            referring_table = "claims"
        else:
            key = rows.c.source_id if referring == "source_relations" else rows.c.id
            batch = func.coalesce(rows.c.updated_batch_id, rows.c.batch_id) if referring == "claims" else rows.c.batch_id
            query = select(key, batch).where(rows.c[column].in_(targets))
            referring_table = "sources" if referring == "source_relations" else referring
        if exclude_batch is not None:
            query = query.where(query.selected_columns[1] != exclude_batch)
        found.extend(Referrer(referring_table, k, label, b) for k, b in conn.execute(query.distinct().order_by(query.selected_columns[0])))
    return found


@dataclass(frozen=True)
class RemoveResult:
    batch_id: int
    kind: str
    id: str


def remove(engine: Engine, kind: str, record_id: str, *, reason: str, editor: str | None = None) -> RemoveResult:
    """Remove a claim (with its figures), source, event, metric or document; its last state stays in the change log.

    Refused while anything refers to it (the message lists what does).
    """
    if kind not in REMOVABLE:
        raise EditorialError(f"cannot remove a '{kind}' (hint: remove one of {', '.join(REMOVABLE)})")
    if not (reason or "").strip():
        raise EditorialError("a removal needs a reason (hint: add --reason \"why it goes\")")
    table = REMOVABLE[kind]
    edit = Edit.of(editor, "remove", reason)
    with engine.begin() as conn:
        state = record_state(conn, table, record_id)
        if state is None:
            raise EditorialError(f"no {kind} '{record_id}' in the database; nothing was removed")
        own = next(own for _, _, own, _ in _REFERENCES[table])
        referrers = _referrers(conn, table, [state["row"][own]])
        if referrers:
            raise EditorialError(f"{kind} '{record_id}' cannot be removed: {len(referrers)} record"
                                 f"{'s refer' if len(referrers) != 1 else ' refers'} to it: "
                                 f"{', '.join(str(r) for r in referrers[:MAX_LISTED])}"
                                 f"{' and more' if len(referrers) > MAX_LISTED else ''}. Nothing was removed. "
                                 "(hint: remove or correct those first)")
        batch_id = start_batch(conn, edit)
        at = now()
        removals.record_removal(conn, kind, record_id, state, batch_id=batch_id, at=at, editor=edit.editor, reason=edit.reason)
        restore_state(conn, table, record_id, None)
        _log(conn, batch_id, edit, at, [(table, record_id, "removed", state, None)])
        _finish_batch(conn, batch_id, {table: {"removed": 1}})
    return RemoveResult(batch_id, kind, record_id)


# -- undo -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UndoResult:
    """The batches undone (newest first) and the batches that recorded each undo."""

    undone: list[int]
    batch_ids: list[int]


@dataclass(frozen=True)
class Dependent:
    batch_id: int
    why: str


def _batch(conn: Connection, batch_id: int) -> Any:
    row = conn.execute(select(ImportBatch.__table__).where(ImportBatch.id == batch_id)).first()
    if row is None:
        raise EditorialError(f"no batch {batch_id} (hint: list them with factdb batches)")
    return row


def _live(conn: Connection, batch_ids: Iterable[int]) -> set[int]:
    wanted = set(batch_ids)
    return set(conn.execute(select(ImportBatch.id).where(ImportBatch.id.in_(wanted), ImportBatch.undone_by_batch_id.is_(None))).scalars())


def dependents(conn: Connection, batch_id: int) -> list[Dependent]:
    """The later batches, not undone, that changed a record batch ``batch_id`` changed, or refer to a record it added."""
    found: list[Dependent] = []
    later = Change.__table__.alias("later")
    mine = Change.__table__.alias("mine")
    overlap = (select(later.c.batch_id, later.c.table_name, later.c.row_key)
               .join(mine, (mine.c.table_name == later.c.table_name) & (mine.c.row_key == later.c.row_key))
               .where(mine.c.batch_id == batch_id, later.c.batch_id > batch_id).distinct()
               .order_by(later.c.batch_id, later.c.table_name, later.c.row_key))
    rows = list(conn.execute(overlap))
    live = _live(conn, (r.batch_id for r in rows)) - _undos_of_later_batches(conn, batch_id)
    for row in rows:
        if row.batch_id in live:
            found.append(Dependent(row.batch_id, f"it changed {KIND_OF_TABLE[row.table_name]} '{row.row_key}'"))
    for table in _REFERENCES:
        rows_of = _TABLES[table]
        own = next(own for _, _, own, _ in _REFERENCES[table])
        added = select(rows_of.c[own]).where(rows_of.c.batch_id == batch_id)
        referrers = [r for r in _referrers(conn, table, added, exclude_batch=batch_id)]
        if not referrers:
            continue
        live = _live(conn, (r.batch_id for r in referrers))
        for referrer in referrers:
            by = referrer.batch_id if referrer.batch_id in live and referrer.batch_id > batch_id else None
            if by is None:
                by = _latest_change(conn, referrer, batch_id)
            if by is not None:
                found.append(Dependent(by, f"{referrer} refers to a {KIND_OF_TABLE[table]} batch {batch_id} added"))
    return found


def _undos_of_later_batches(conn: Connection, batch_id: int) -> set[int]:
    """The undo batches that undid only batches later than ``batch_id``: what they changed they put back as it
    was after those later batches' predecessors, so batch ``batch_id`` does not depend on them."""
    undone = conn.execute(select(ImportBatch.undone_by_batch_id, func.min(ImportBatch.id))
                          .where(ImportBatch.undone_by_batch_id.is_not(None), ImportBatch.undone_by_batch_id > batch_id)
                          .group_by(ImportBatch.undone_by_batch_id)).all()
    return {undo for undo, earliest in undone if undo is not None and earliest > batch_id}


def _latest_change(conn: Connection, referrer: Referrer, after: int) -> int | None:
    batches = conn.execute(select(Change.batch_id).where(Change.table_name == referrer.table, Change.row_key == referrer.key,
                                                         Change.batch_id > after).order_by(Change.batch_id.desc())).scalars()
    live = _live(conn, list(batches))
    return max(live) if live else referrer.batch_id


def undo(engine: Engine, batch_id: int, *, editor: str | None = None, reason: str | None = None, cascade: bool = False) -> UndoResult:
    """Revert batch ``batch_id`` exactly, in one transaction recorded as a batch of its own.

    Refused (listing them) when later batches depend on its records, unless ``cascade``: then those
    are undone too, newest first.
    """
    edit = Edit.of(editor, "undo", reason)
    with engine.begin() as conn:
        order = _undo_order(conn, batch_id, cascade)
        batches = []
        for target in order:
            batches.append(_undo_one(conn, target, edit))
    return UndoResult(order, batches)


def _undo_order(conn: Connection, batch_id: int, cascade: bool) -> list[int]:
    pending, seen = [batch_id], {batch_id}
    while pending:
        current = pending.pop()
        row = _batch(conn, current)
        if row.undone_by_batch_id is not None:
            raise EditorialError(f"batch {current} was undone already, by batch {row.undone_by_batch_id}")
        if row.command == "undo":
            raise EditorialError(f"batch {current} is an undo; to bring back what it removed, import the files again")
        if row.command == "config":
            raise EditorialError(f"batch {current} set an option; set it back with factdb config set")
        if row.finished_at is None or (row.editor is None and row.command == "import"):
            raise EditorialError(f"batch {current} was written before factdb kept a change log, so its earlier versions are "
                                 "unknown; correct its records with import --update or factdb remove instead")
        found = dependents(conn, current)
        if found and not cascade:
            listed = "; ".join(f"batch {number}: {reasons}" for number, reasons in _reasons_per_batch(found))
            raise EditorialError(f"batch {current} cannot be undone: later batches depend on it: {listed}. Nothing was undone. "
                                 "(hint: undo those first, or run with --cascade to undo them too, newest first)")
        for dependent in found:
            if dependent.batch_id not in seen:
                seen.add(dependent.batch_id)
                pending.append(dependent.batch_id)
    return sorted(seen, reverse=True)


def _reasons_per_batch(found: list[Dependent], shown: int = 3) -> list[tuple[int, str]]:
    """Each dependent batch with (the first few of) its reasons."""
    reasons: dict[int, list[str]] = {}
    for dependent in found:
        listed = reasons.setdefault(dependent.batch_id, [])
        if dependent.why not in listed:
            listed.append(dependent.why)
    return [(number, ", ".join(reasons[number][:shown]) + (f" and {len(reasons[number]) - shown} more" if len(reasons[number]) > shown else ""))
            for number in sorted(reasons)]


def _undo_one(conn: Connection, batch_id: int, edit: Edit) -> int:
    undo_batch = start_batch(conn, edit)
    at = now()
    counts: dict[str, dict[str, int]] = {}
    # The records the batch changed (few), newest change first: each gets its earlier state back.
    changed = conn.execute(select(Change.table_name, Change.row_key, Change.kind, Change.before)
                           .where(Change.batch_id == batch_id, Change.kind != "added").order_by(Change.id.desc())).all()
    logged = []
    for table, key, kind, before in changed:
        current = record_state(conn, table, key)
        wanted = json.loads(before) if before is not None else None
        if not (kind == "removed" and before is None):  # a removal an import brought: only its tombstone goes
            restore_state(conn, table, key, wanted)
        logged.append((table, key, "undone", current, wanted))
    _log(conn, undo_batch, edit, at, logged)
    for table, _, _, _, _ in logged:
        counts.setdefault(table, {"undone": 0})["undone"] += 1
    # The records it added (maybe a million): their last states go to the log a page at a time,
    # then the rows are deleted table by table.
    for table in ("claims", "documents", "metrics", "events", "sources"):
        for page in _added_states(conn, table, batch_id):
            _log(conn, undo_batch, edit, at, ((table, key, "undone", state, None) for key, state in page))
            counts.setdefault(table, {"undone": 0})["undone"] += len(page)
    custody.forget_batch(conn, batch_id)
    removals.forget_batch(conn, batch_id)
    _delete_added(conn, batch_id)
    conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(undone_by_batch_id=undo_batch))
    _finish_batch(conn, undo_batch, counts)
    return undo_batch


STATES_PER_PAGE = 500


def _added_states(conn: Connection, table: str, batch_id: int) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """The states (as record_state gives them) of the records of ``table`` that batch ``batch_id``
    added, a page at a time, each page read with one query per table of its own rows."""
    main = _TABLES[table]
    order = main.c.pk if "pk" in main.c else main.c.id
    last = None
    while True:
        query = select(main).where(main.c.batch_id == batch_id).order_by(order).limit(STATES_PER_PAGE)
        page = conn.execute(query if last is None else query.where(order > last)).all()
        if not page:
            return
        states: list[tuple[str, dict[str, Any]]] = [(row.id, {"row": _plain(row)}) for row in page]
        for child, column, own in _CHILDREN[table]:
            rows = _TABLES[child]
            found: dict[Any, list[dict[str, Any]]] = {}
            owners = [state["row"][own] for _, state in states]
            for row in conn.execute(select(rows).where(rows.c[column].in_(owners)).order_by(rows.c.id)):
                found.setdefault(row._mapping[column], []).append(_plain(row))
            for _, state in states:
                state[child] = found.get(state["row"][own], [])
        yield states
        last = page[-1]._mapping[order.name]


def _delete_added(conn: Connection, batch_id: int) -> None:
    """Delete every row batch ``batch_id`` added, rows that refer to others first."""
    claims, documents = _TABLES["claims"], _TABLES["documents"]
    added_claims = select(claims.c.pk).where(claims.c.batch_id == batch_id)
    added_documents = select(documents.c.pk).where(documents.c.batch_id == batch_id)
    conn.execute(delete(_TABLES["figures"]).where(_TABLES["figures"].c.claim_pk.in_(added_claims)))
    conn.execute(delete(_TABLES["claim_history"]).where(_TABLES["claim_history"].c.claim_pk.in_(added_claims)))
    conn.execute(delete(claims).where(claims.c.batch_id == batch_id))
    conn.execute(delete(_TABLES["document_history"]).where(_TABLES["document_history"].c.document_pk.in_(added_documents)))
    for table in ("documents", "source_relations", "source_aliases"):
        conn.execute(delete(_TABLES[table]).where(_TABLES[table].c.batch_id == batch_id))
    events = _TABLES["events"]
    conn.execute(update(events).where(events.c.batch_id == batch_id).values(parent_id=None))
    for table in ("events", "metrics", "sources"):
        conn.execute(delete(_TABLES[table]).where(_TABLES[table].c.batch_id == batch_id))


# -- reading the log ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    """One change: which record, what happened to it, in which batch, by whom, when and why."""

    id: int
    batch_id: int
    changed_at: str
    editor: str | None
    kind: str
    table: str
    key: str
    reason: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "batch": self.batch_id, "at": self.changed_at, "editor": self.editor, "kind": self.kind,
                "record": KIND_OF_TABLE[self.table], "key": self.key, "reason": self.reason, "before": self.before, "after": self.after}


def log(conn: Connection, *, claim: str | None = None, source: str | None = None, document: str | None = None,
        event: str | None = None, metric: str | None = None, batch: int | None = None,
        limit: int | None = None) -> Iterator[LogEntry]:
    """The change log, oldest first, for one record (by id) or one batch; everything when no filter is given."""
    query = select(Change.__table__).order_by(Change.id)
    for table, key in (("claims", claim), ("sources", source), ("documents", document), ("events", event), ("metrics", metric)):
        if key is not None:
            query = query.where(Change.table_name == table, Change.row_key == key)
    if batch is not None:
        query = query.where(Change.batch_id == batch)
    if limit is not None:
        query = query.limit(limit)
    for change in conn.execute(query):
        yield LogEntry(change.id, change.batch_id, change.changed_at, change.editor, change.kind, change.table_name,
                       change.row_key, change.reason, json.loads(change.before) if change.before else None,
                       json.loads(change.after) if change.after else None)


@dataclass(frozen=True)
class BatchInfo:
    """One batch: an import, review, removal or undo."""

    id: int
    started_at: str
    editor: str | None
    command: str
    reason: str | None
    files: list[str]
    counts: dict[str, dict[str, Any]]
    undone_by: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.started_at, "editor": self.editor, "command": self.command, "reason": self.reason,
                "files": self.files, "counts": self.counts, "undone_by": self.undone_by}

    def counts_text(self) -> str:
        parts: list[str] = []
        for table, counts in sorted(self.counts.items()):
            if table == "settings":
                parts.extend(f"{key} = {values['after']}" for key, values in sorted(counts.items()))
                continue
            shown = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()) if n)
            if shown:
                parts.append(f"{table}: {shown}")
        return "; ".join(parts)


def batches(conn: Connection) -> list[BatchInfo]:
    """Every batch that wrote something, oldest first (an import that changed nothing leaves none)."""
    files: dict[int, list[str]] = {}
    for batch_id, path in conn.execute(select(ImportFile.batch_id, ImportFile.path).order_by(ImportFile.id)):
        files.setdefault(batch_id, []).append(path)
    found = []
    for row in conn.execute(select(ImportBatch.__table__).where(ImportBatch.finished_at.is_not(None)).order_by(ImportBatch.id)):
        counts = json.loads(row.summary) if row.summary else {}
        counts = {table: {k: v for k, v in c.items() if k != "unchanged"} for table, c in counts.items()}
        found.append(BatchInfo(row.id, row.started_at, row.editor, row.command, row.reason, files.get(row.id, []), counts,
                               row.undone_by_batch_id))
    return found


def render_log(entries: Sequence[LogEntry]) -> str:
    """The change log as a table: one line per change."""
    rows = [("#", "batch", "time", "editor", "change", "record", "reason")]
    rows.extend((str(e.id), str(e.batch_id), e.changed_at, e.editor or "-", e.kind, f"{KIND_OF_TABLE[e.table]} {e.key}",
                 e.reason or "") for e in entries)
    return _table(rows)


def render_batches(found: Sequence[BatchInfo]) -> str:
    rows = [("batch", "time", "editor", "command", "changes", "files", "undone", "reason")]
    rows.extend((str(b.id), b.started_at, b.editor or "-", b.command, b.counts_text(), ", ".join(b.files),
                 f"by batch {b.undone_by}" if b.undone_by else "", b.reason or "") for b in found)
    return _table(rows)


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows)
