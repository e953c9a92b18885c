"""Removal state: which records were removed, when, by whom, why, and what they last said.

``factdb remove`` deletes a record and keeps its last state in the change log; it also writes a
*tombstone* (a row of ``removals``) with the record's last version in the import format, so that
``factdb export`` lists the removal (a ``removed`` section) and a database imported from that export
has the same removals. An import never removes a live record: a removal it names for a record the
database (or the import itself) holds is refused. A removed record imported again comes back; its
tombstone stays as history, naming the batch that revived it, and an undo of that batch makes the
tombstone current again. An undo of the removal (or of the import that brought the tombstone)
deletes the tombstone with the rest of what the batch did.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, exists, insert, select, update

from factdb.checks import PreparedRemoval
from factdb.export import record_form
from factdb.models import Claim, Document, Event, Metric, Removal, Source
from factdb.vocabulary import REMOVABLE_TABLES

_MODELS: dict[str, Any] = {"claim": Claim, "source": Source, "event": Event, "metric": Metric, "document": Document}


def _last(value: dict[str, Any]) -> str:
    # Key order kept, not sorted: an export writes the last version as it was given, byte for byte.
    return json.dumps(value, ensure_ascii=False)


def record_removal(conn: Connection, kind: str, record_id: str, state: dict[str, Any], *, batch_id: int, at: str,
                   editor: str | None, reason: str | None) -> None:
    """The tombstone of a record ``factdb remove`` is deleting; ``state`` is its state (factdb.editorial.record_state)."""
    conn.execute(insert(Removal).values(kind=kind, record_id=record_id, removed_at=at, editor=editor, reason=reason,
                                        last=_last(record_form(conn, REMOVABLE_TABLES[kind], state)), batch_id=batch_id))


def is_live(conn: Connection, kind: str, record_id: str) -> bool:
    model = _MODELS[kind]
    return bool(conn.execute(select(exists().where(model.id == record_id))).scalar())


def current(conn: Connection, kind: str, record_id: str) -> Any:
    """The tombstone of the removed record ``kind`` ``record_id`` not brought back since, or None."""
    return conn.execute(select(Removal.__table__).where(Removal.kind == kind, Removal.record_id == record_id,
                                                        Removal.revived_batch_id.is_(None))).first()


def same(stored: Any, removal: PreparedRemoval) -> bool:
    """Whether a stored tombstone says what an import's removed record says."""
    return (stored.removed_at, stored.editor, stored.reason, stored.last) == (removal.at, removal.by, removal.reason,
                                                                              _last(removal.last))


def add_imported(conn: Connection, removals: Iterable[PreparedRemoval], batch_id: int) -> None:
    """Tombstones an import brings (each checked: its record is not live, no current tombstone names it)."""
    values = [{"kind": r.kind, "record_id": r.id, "removed_at": r.at, "editor": r.by, "reason": r.reason, "last": _last(r.last),
               "batch_id": batch_id} for r in removals]
    if values:
        conn.execute(insert(Removal), values)


def revive(conn: Connection, batch_id: int) -> list[tuple[str, str]]:
    """Mark as history the tombstones of the records batch ``batch_id`` added (brought back); which (kind, id)."""
    revived: list[tuple[str, str]] = []
    if not conn.execute(select(exists().where(Removal.revived_batch_id.is_(None)))).scalar():
        return revived  # the usual case: nothing removed, and a large import's rows are not looked at
    for kind, model in _MODELS.items():
        # From the tombstones' side (few), each looked up by the record's unique id.
        added = exists().where(model.id == Removal.record_id, model.batch_id == batch_id)
        found = conn.execute(select(Removal.id, Removal.record_id).where(
            Removal.kind == kind, Removal.revived_batch_id.is_(None), added)).all()
        if found:
            conn.execute(update(Removal).where(Removal.id.in_([row.id for row in found])).values(revived_batch_id=batch_id))
            revived.extend((kind, row.record_id) for row in found)
    return revived


def forget_batch(conn: Connection, batch_id: int) -> None:
    """Undo of batch ``batch_id``: the tombstones it wrote go, the ones it marked as revived are current again."""
    conn.execute(delete(Removal).where(Removal.batch_id == batch_id))
    conn.execute(update(Removal).where(Removal.revived_batch_id == batch_id).values(revived_batch_id=None))
