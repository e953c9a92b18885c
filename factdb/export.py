"""Write the database back out in the import format, self-contained and deterministic.

Export, import into an empty database, export again: the two exports are identical, byte for
byte. Records are ordered by id and written one at a time, so memory does not grow with the
database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

import yaml
from sqlalchemy import Connection, Engine, select

from factdb.figures import FigureError, parse_figure
from factdb.models import Claim, Document, Event, Figure, Metric, Source, SourceAlias, SourceRelation

FORMATS = ("yaml", "json", "jsonl")
SECTIONS = (("sources", "source"), ("events", "event"), ("metrics", "metric"), ("documents", "document"), ("claims", "claim"))


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None and v != []}


def _sources(conn: Connection) -> Iterator[dict[str, Any]]:
    aliases: dict[str, list[str]] = {}
    for source_id, alias in conn.execute(select(SourceAlias.source_id, SourceAlias.alias).order_by(SourceAlias.alias)):
        aliases.setdefault(source_id, []).append(alias)
    relations: dict[tuple[str, str], list[str]] = {}
    for source_id, relation, target in conn.execute(
        select(SourceRelation.source_id, SourceRelation.relation, SourceRelation.target_id).order_by(SourceRelation.target_id)
    ):
        relations.setdefault((source_id, relation), []).append(target)
    for row in conn.execute(select(Source.__table__).order_by(Source.id)):
        yield _compact({
            "id": row.id, "name": row.name, "kind": row.kind, "aliases": aliases.get(row.id, []), "url": row.url,
            "country": row.country, "description": row.description,
            "part_of": relations.get((row.id, "part_of"), []), "member_of": relations.get((row.id, "member_of"), []),
        })


def _events(conn: Connection) -> Iterator[dict[str, Any]]:
    for row in conn.execute(select(Event.__table__).order_by(Event.id)):
        yield _compact({"id": row.id, "name": row.name, "description": row.description, "start": row.start_date,
                        "end": row.end_date, "parent": row.parent_id})


def _metrics(conn: Connection) -> Iterator[dict[str, Any]]:
    for row in conn.execute(select(Metric.__table__).order_by(Metric.id)):
        yield _compact({"id": row.id, "name": row.name, "unit": row.unit, "description": row.description})


def _documents(conn: Connection) -> Iterator[dict[str, Any]]:
    for row in conn.execute(select(Document.__table__).order_by(Document.id)):
        yield _compact({"id": row.id, "title": row.title, "author": row.author, "publisher": row.publisher_id,
                        "published": row.published, "url": row.url, "language": row.language, "text": row.text})


def figure_record(row: Any) -> dict[str, Any]:
    """A stored figure in import form: the stated phrase when it parses back to the same bounds."""
    stored = (row.qualifier, _number(row.value), _number(row.low), _number(row.high))
    try:
        parsed = parse_figure(row.stated)
        same = (parsed.qualifier, parsed.value, parsed.low, parsed.high) == stored
    except FigureError:
        same = False
    base = {"metric": row.metric_id, "population": row.population}
    if same:
        return _compact({**base, "value": row.stated})
    return _compact({**base, "qualifier": row.qualifier, "value": stored[1], "low": stored[2], "high": stored[3],
                     "stated": row.stated})


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
        yield _compact({
            "id": claim.id, "document": claim.document_id, "source": claim.source_id, "via": claim.via_id,
            "event": claim.event_id, "claimed_on": claim.claimed_on, "quote": claim.quote, "statement": claim.statement,
            "supersedes": claim.supersedes_id, "status": None if claim.status == "active" else claim.status, "figures": own,
        })


def claim_record(conn: Connection, claim_pk: int) -> dict[str, Any]:
    """One stored claim in import form (used for claim_history)."""
    return next(_claim_rows(conn, Claim.pk == claim_pk))


def records(conn: Connection) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every record of the database as ``(section, record)``, in export order."""
    for section, producer in (("sources", _sources), ("events", _events), ("metrics", _metrics),
                              ("documents", _documents), ("claims", _claim_rows)):
        for record in producer(conn):
            yield section, record


class _Dumper(yaml.SafeDumper):
    pass


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line texts (archived documents) read best as literal blocks; PyYAML falls back to a
    # quoted style by itself when a block cannot represent the text exactly.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


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
        out.write(json.dumps({"kind": kinds[section], **record}, ensure_ascii=False) + "\n")


def export_database(engine: Engine, out: TextIO, fmt: str = "yaml") -> None:
    """Write every source, event, metric, document (text inline) and claim to ``out``."""
    writers = {"yaml": _write_yaml, "json": _write_json, "jsonl": _write_jsonl}
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    with engine.connect() as conn:
        writers[fmt](conn, out)
