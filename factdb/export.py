"""Write the database back out in the import format, self-contained and deterministic.

Export, import into an empty database, export again: the two exports are identical, byte for
byte. Records are ordered by id and written one at a time, so memory does not grow with the
database.
"""

from __future__ import annotations

import base64
import json
import re
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import fields
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TextIO

import yaml
from sqlalchemy import Connection, Engine, select

from factdb import custody, reading
from factdb.figures import FigureError, parse_figure
from factdb.models import Change, Claim, Document, Figure, Removal

FORMATS = ("yaml", "json", "jsonl")
SECTIONS = (("sources", "source"), ("events", "event"), ("metrics", "metric"), ("documents", "document"), ("claims", "claim"),
            ("removed", "removed"))


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None and v != []}


def _as_record(stored: Any) -> dict[str, Any]:
    """A value from factdb.reading in import form: its fields are named, and ordered, as the format's keys."""
    values = ((f.name, getattr(stored, f.name)) for f in fields(stored))
    return _compact({name: list(value) if isinstance(value, tuple) else value for name, value in values})


def figure_record(row: Any) -> dict[str, Any]:
    """A stored figure in import form: the stated phrase when it parses back to the same bounds."""
    stored = (row.qualifier, _number(row.value), _number(row.low), _number(row.high))
    try:
        parsed = parse_figure(row.stated)
        same = (parsed.qualifier, parsed.value, parsed.low, parsed.high) == stored
    except FigureError:
        same = False
    base = {"metric": row.metric_id, "population": row.population}
    derived = {"derived": row.derived}  # last, as in the import format's figure fields
    if same:
        return _compact({**base, "value": row.stated, **derived})
    return _compact({**base, "qualifier": row.qualifier, "value": stored[1], "low": stored[2], "high": stored[3],
                     "stated": row.stated, **derived})


def _claim_rows(conn: Connection, where: Any = None) -> Iterator[dict[str, Any]]:
    superseded = Claim.__table__.alias("superseded")
    claims = (
        select(Claim.__table__, Document.id.label("document_id"), superseded.c.id.label("supersedes_id"))
        .join(Document, Document.pk == Claim.document_pk)
        .outerjoin(superseded, superseded.c.pk == Claim.supersedes_pk)
        .order_by(Claim.id)
    )
    figures = select(Figure.__table__).join(Claim, Claim.pk == Figure.claim_pk).order_by(Claim.id, Figure.position)
    if where is not None:
        claims, figures = claims.where(where), figures.where(where)
    # Two streams sorted the same way, merged: one query each instead of one per claim.
    figure_rows = iter(conn.execute(figures))
    pending = next(figure_rows, None)
    for claim in conn.execute(claims):
        own = []
        while pending is not None and pending.claim_pk == claim.pk:
            own.append(figure_record(pending))
            pending = next(figure_rows, None)
        yield claim_form(claim, claim.document_id, claim.supersedes_id, own)


def claim_form(claim: Any, document_id: str, supersedes_id: str | None, figures: list[dict[str, Any]]) -> dict[str, Any]:
    """A stored claim (its columns as attributes) in import form, given its document's and superseded claim's ids."""
    return _compact({
        "id": claim.id, "document": document_id, "source": claim.source_id, "via": claim.via_id,
        "event": claim.event_id, "claimed_on": claim.claimed_on, "quote": claim.quote, "quote_page": claim.quote_page,
        "statement": claim.statement,
        "supersedes": supersedes_id, "status": None if claim.status == "active" else claim.status,
        "review": review_record(claim), "figures": figures,
    })


def review_record(claim: Any) -> dict[str, Any] | None:
    """A claim's review in import form, or None while it is unreviewed with nothing else said."""
    review = _compact({"status": claim.review_status, "by": claim.reviewed_by, "at": claim.reviewed_at, "note": claim.review_note,
                       "grade": claim.grade, "rationale": claim.grade_rationale})
    return None if review == {"status": "unreviewed"} else review


def claim_record(conn: Connection, claim_pk: int) -> dict[str, Any]:
    """One stored claim in import form (used for claim_history)."""
    return next(_claim_rows(conn, Claim.pk == claim_pk))


def record_form(conn: Connection, table: str, state: dict[str, Any]) -> dict[str, Any]:
    """A record's state as factdb.editorial keeps it (its row and its own rows, as column values) in
    import form, as an export would have written it then: a removed record's last version."""
    row = SimpleNamespace(**state["row"])
    if table == "claims":
        figures = [figure_record(SimpleNamespace(**f)) for f in sorted(state["figures"], key=lambda f: f["position"])]
        supersedes = _id_of(conn, "claims", row.supersedes_pk) if row.supersedes_pk is not None else None
        return claim_form(row, _id_of(conn, "documents", row.document_pk) or "", supersedes, figures)
    stored: Any
    if table == "sources":
        related = sorted(state["source_relations"], key=lambda r: r["target_id"])
        stored = reading.StoredSource(
            row.id, row.name, row.kind, tuple(sorted(a["alias"] for a in state["source_aliases"])), row.url, row.country,
            row.description, tuple(r["target_id"] for r in related if r["relation"] == "part_of"),
            tuple(r["target_id"] for r in related if r["relation"] == "member_of"))
    elif table == "events":
        stored = reading.StoredEvent(row.id, row.name, row.description, row.start_date, row.end_date, row.parent_id)
    elif table == "metrics":
        stored = reading.StoredMetric(row.id, row.name, row.unit, row.description)
    else:
        stored = reading.StoredDocument(row.id, row.title, row.author, row.publisher_id, row.published, row.url, row.language,
                                        row.text)
    return _as_record(stored)


def _id_of(conn: Connection, table: str, pk: int) -> str | None:
    """The id of the claim or document ``pk``; from the change log when it has been removed since (which
    only a database that removed records before it kept tombstones can need: migration 0013)."""
    model = Claim if table == "claims" else Document
    found = conn.execute(select(model.id).where(model.pk == pk)).scalar()
    if found is not None:
        return str(found)
    for before in conn.execute(select(Change.before).where(Change.table_name == table, Change.before.is_not(None))).scalars():
        row = json.loads(str(before))["row"]
        if row["pk"] == pk:
            return str(row["id"])
    return None


def removed_records(conn: Connection) -> Iterator[dict[str, Any]]:
    """The records removed from the database and not brought back, by kind and id, in import form."""
    query = select(Removal.__table__).where(Removal.revived_batch_id.is_(None)).order_by(Removal.kind, Removal.record_id)
    for row in conn.execute(query):
        yield _compact({"kind": row.kind, "id": row.record_id, "at": row.removed_at, "by": row.editor, "reason": row.reason,
                        "last": json.loads(row.last)})


def original_record(conn: Connection, link: custody.CustodyLink) -> dict[str, Any]:
    """An archived document's original (as base64) and custody, in import form: an export is self-contained,
    and one file, so that it can go to a stream."""
    data = b"".join(custody.read_original(conn, link.original_sha256))
    return {"original": {"file": link.file_name, "media_type": link.media_type, "sha256": link.original_sha256,
                         "base64": base64.b64encode(data).decode("ascii")},
            "custody": _compact({"collector": link.collector, "retrieved_at": link.retrieved_at, "extractor": link.extractor,
                                 "extractor_version": link.extractor_version, "settings": link.settings,
                                 "page_starts": list(link.page_starts) if link.page_starts is not None else None,
                                 "record": link.record})}


def _documents(conn: Connection) -> Iterator[dict[str, Any]]:
    # Documents and custody links both come ordered by document id: merged, one query each.
    links = custody.links(conn)
    pending = next(links, None)
    for stored in reading.documents(conn):
        record = _as_record(stored)
        while pending is not None and pending.document_id < stored.id:
            pending = next(links, None)
        if pending is not None and pending.document_id == stored.id:
            record.update(original_record(conn, pending))
        yield record


def records(conn: Connection) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every record of the database as ``(section, record)``, in export order."""
    entities: tuple[tuple[str, Callable[[Connection], Iterator[Any]]], ...] = (
        ("sources", reading.sources), ("events", reading.events), ("metrics", reading.metrics), ("documents", _documents))
    for section, read in entities:
        for stored in read(conn):
            yield section, stored if isinstance(stored, dict) else _as_record(stored)
    for record in _claim_rows(conn):
        yield "claims", record
    for record in removed_records(conn):
        yield "removed", record


class _Dumper(yaml.SafeDumper):
    pass


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line texts (archived documents) read best as literal blocks; PyYAML falls back to a
    # quoted style by itself when a block cannot represent the text exactly.
    style = "|" if "\n" in value else None
    if _YAML_BREAKS.search(value):
        # PyYAML writes NEL (U+0085) as it is, in any style but double quotes, and reads it back as
        # a line break (YAML 1.1 counts it as one): only its escape, \N, survives the round trip.
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_YAML_BREAKS = re.compile("[\x85\u2028\u2029]")


_Dumper.add_representer(str, _represent_text)


def _write_yaml(conn: Connection, out: TextIO) -> None:
    current = None
    for section, record in records(conn):
        if section != current:
            out.write(f"{section}:\n")
            current = section
        text = yaml.dump([record], Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
        # After a text ending in blank lines (a `|+` block) PyYAML ends its document with "...";
        # in the middle of our stream that would end the file. The next line ends the block as well.
        out.write(text.removesuffix("...\n") if text.endswith("\n...\n") else text)


def _write_json(conn: Connection, out: TextIO) -> None:
    out.write("{")
    current = None
    first_record = True
    for section, record in records(conn):
        if section != current:
            out.write("\n  ]," if current else "")
            out.write(f'\n  "{section}": [')
            current, first_record = section, True
        out.write("" if first_record else ",")
        out.write("\n    " + json.dumps(record, ensure_ascii=False))
        first_record = False
    out.write("\n  ]\n}\n" if current else "}\n")


def _write_jsonl(conn: Connection, out: TextIO) -> None:
    kinds = dict(SECTIONS)
    for section, record in records(conn):
        if section == "sources":
            record = {("source_kind" if k == "kind" else k): v for k, v in record.items()}
        elif section == "removed":
            record = {("removed_kind" if k == "kind" else k): v for k, v in record.items()}
        out.write(json.dumps({"kind": kinds[section], **record}, ensure_ascii=False) + "\n")


def export_database(engine: Engine, out: TextIO, fmt: str = "yaml") -> None:
    """Write every source, event, metric, document (text inline) and claim to ``out``, and the records removed."""
    writers = {"yaml": _write_yaml, "json": _write_json, "jsonl": _write_jsonl}
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    with engine.connect() as conn:
        writers[fmt](conn, out)


def export_file(engine: Engine, path: str | os.PathLike[str], fmt: str = "yaml") -> Path:
    """Write the export to the file at ``path`` whole or not at all, and return its path.

    The export is written next to ``path`` and renamed over it once complete, so a failed export
    leaves any earlier file as it was. A path that is not a regular file (``/dev/stdout``, a named
    pipe) cannot be replaced by a rename and is written directly.
    """
    # Through a link to the file it points at: renaming onto the link would replace the link itself.
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if target.exists() and not target.is_file():
        with target.open("w", encoding="utf-8", newline="\n") as out:
            export_database(engine, out, fmt)
        return target
    # A name of our own (not mkstemp's): the file gets the permissions a plain open would give it.
    partial = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")
    try:
        with partial.open("x", encoding="utf-8", newline="\n") as out:
            export_database(engine, out, fmt)
        if target.exists():
            shutil.copymode(target, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target
