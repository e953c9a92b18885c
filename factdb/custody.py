"""Storing archived originals and each document's chain of custody, and the page of each quote.

The importer (factdb.importer) calls :func:`store` once its documents are written and
:func:`assign_quote_pages` once its claims are; everything happens in the import's transaction, so a
refused import leaves no original behind. Originals are written a chunk at a time
(``original_chunks``): a 200 MB PDF is never held in memory whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from factdb.checks import Problems
from factdb.evidence import Evidence, page_of
from factdb.models import Claim, DocumentCustody, Original, OriginalChunk
from factdb.readers import Record


@dataclass(frozen=True, slots=True)
class PendingCustody:
    """A document written by this import whose text came from an archived original."""

    document_pk: int
    document_id: str
    evidence: Evidence
    record: Record
    outcome: str  # what the import counted for the document: added, updated or unchanged


@dataclass(frozen=True, slots=True)
class CustodyLink:
    """One link of a document's chain of custody, as stored."""

    document_id: str
    version: int
    original_sha256: str
    media_type: str
    size_bytes: int
    file_name: str
    record: str | None
    retrieved_at: str
    collector: str
    extractor: str
    extractor_version: str
    settings: dict[str, Any]
    text_sha256: str
    page_starts: tuple[int, ...] | None
    has_bytes: bool


def _link_values(evidence: Evidence) -> dict[str, Any]:
    extracted = evidence.extracted
    return {"original_sha256": evidence.original.sha256, "file_name": evidence.original.file_name, "record": extracted.record,
            "extractor": extracted.extractor, "extractor_version": extracted.extractor_version, "settings": extracted.settings_json,
            "text_sha256": extracted.text_sha256,
            "page_starts": json.dumps(list(extracted.page_starts)) if extracted.page_starts is not None else None}


def store(conn: Connection, batch_id: int, pending: Sequence[PendingCustody], problems: Problems, *, update_allowed: bool) -> set[int]:
    """Store each original (once per hash) and a new custody link where the evidence changed; return
    the keys of the documents given a new link. A different original without ``update_allowed`` is a problem."""
    changed: set[int] = set()
    for item in pending:
        wanted = _link_values(item.evidence)
        current = conn.execute(select(DocumentCustody).where(DocumentCustody.document_pk == item.document_pk)
                               .order_by(DocumentCustody.version.desc()).limit(1)).first()
        if current is not None:
            stored = {name: getattr(current, name) for name in wanted}
            if stored == wanted:
                continue
            if not update_allowed:
                problems.at(item.record, "original_file" if "original_file" in item.record.data else "original",
                            f"document '{item.document_id}' was archived from another original or extraction "
                            f"(SHA-256 {current.original_sha256[:12]}…, {current.extractor} {current.extractor_version})",
                            "use --update to replace it; the earlier link of its chain of custody is kept")
                continue
        store_original(conn, batch_id, item.evidence)
        conn.execute(insert(DocumentCustody).values(
            document_pk=item.document_pk, version=(current.version + 1) if current is not None else 1,
            retrieved_at=item.evidence.retrieved_at, collector=item.evidence.collector, batch_id=batch_id, **wanted))
        changed.add(item.document_pk)
    return changed


def store_original(conn: Connection, batch_id: int, evidence: Evidence) -> None:
    """The original's bytes, a chunk at a time, unless an original with its hash is stored already."""
    original = evidence.original
    if conn.execute(select(Original.sha256).where(Original.sha256 == original.sha256)).first() is not None:
        if conn.execute(select(OriginalChunk.position).where(OriginalChunk.original_sha256 == original.sha256).limit(1)).first() is not None \
                or original.size == 0:
            return
    else:
        conn.execute(insert(Original).values(sha256=original.sha256, media_type=original.media_type, size_bytes=original.size,
                                             batch_id=batch_id))
    for position, chunk in enumerate(original.chunks()):
        conn.execute(insert(OriginalChunk).values(original_sha256=original.sha256, position=position, data=chunk))


def assign_quote_pages(conn: Connection, batch_id: int, documents: set[int]) -> None:
    """Set quote_page on the claims this import wrote or moved, and on every claim of ``documents``."""
    latest = (select(DocumentCustody.document_pk, func.max(DocumentCustody.version).label("version"))
              .group_by(DocumentCustody.document_pk).subquery())
    query = (select(Claim.pk, Claim.quote_start, Claim.quote_page, DocumentCustody.page_starts)
             .join(latest, latest.c.document_pk == Claim.document_pk)
             .join(DocumentCustody, (DocumentCustody.document_pk == latest.c.document_pk) & (DocumentCustody.version == latest.c.version))
             .where((Claim.batch_id == batch_id) | (Claim.updated_batch_id == batch_id) | Claim.document_pk.in_(sorted(documents))))
    for pk, start, stored, pages in conn.execute(query).all():
        page = page_of(json.loads(pages) if pages else None, start)
        if page != stored:
            conn.execute(update(Claim).where(Claim.pk == pk).values(quote_page=page))


def forget_batch(conn: Connection, batch_id: int) -> None:
    """Undo what batch ``batch_id`` added to the chains of custody (factdb.editorial's undo): its
    custody links (a document it archived, or a new version of one it updated) and the originals it
    stored that no remaining link refers to. Earlier links stay, so an updated document is again
    backed by the original it had before."""
    conn.execute(delete(DocumentCustody).where(DocumentCustody.batch_id == batch_id))
    orphans = list(conn.execute(
        select(Original.sha256).where(Original.batch_id == batch_id)
        .where(~select(DocumentCustody.id).where(DocumentCustody.original_sha256 == Original.sha256).exists())).scalars())
    conn.execute(delete(OriginalChunk).where(OriginalChunk.original_sha256.in_(orphans)))
    conn.execute(delete(Original).where(Original.sha256.in_(orphans)))


def read_original(conn: Connection, sha256: str) -> Iterator[bytes]:
    """An original's bytes, a chunk at a time, in order."""
    position = 0
    while True:
        chunk = conn.execute(select(OriginalChunk.data).where(OriginalChunk.original_sha256 == sha256,
                                                              OriginalChunk.position == position)).scalar()
        if chunk is None:
            return
        # A value another program stored as text (SQLite keeps what it is given) is still bytes to hash.
        yield chunk.encode("utf-8", "surrogateescape") if isinstance(chunk, str) else bytes(chunk)
        position += 1


def drop_original_bytes(conn: Connection) -> int:
    """Remove every original's bytes (``publish --without-originals``), keeping their hashes and custody; return how many chunks."""
    return conn.execute(delete(OriginalChunk)).rowcount or 0


def links(conn: Connection, document_id: str | None = None, *, history: bool = False) -> Iterator[CustodyLink]:
    """The current custody link of each archived document (every link with ``history``), by document id."""
    from factdb.models import Document

    has_bytes = select(OriginalChunk.position).where(OriginalChunk.original_sha256 == DocumentCustody.original_sha256).limit(1).exists()
    columns = [c for c in DocumentCustody.__table__.c if c.name != "id"]
    query = (select(Document.id.label("document_id"), *columns, Original.media_type, Original.size_bytes, has_bytes.label("has_bytes"))
             .join(Document, Document.pk == DocumentCustody.document_pk)
             .join(Original, Original.sha256 == DocumentCustody.original_sha256)
             .order_by(Document.id, DocumentCustody.version))
    if document_id is not None:
        query = query.where(Document.id == document_id)
    if not history:
        later = DocumentCustody.__table__.alias("later")
        newest = select(func.max(later.c.version)).where(later.c.document_pk == DocumentCustody.document_pk).scalar_subquery()
        query = query.where(DocumentCustody.version == newest)
    for link in conn.execute(query):
        yield CustodyLink(link.document_id, link.version, link.original_sha256, link.media_type, link.size_bytes, link.file_name, link.record,
                          link.retrieved_at, link.collector, link.extractor, link.extractor_version, json.loads(link.settings),
                          link.text_sha256, tuple(json.loads(link.page_starts)) if link.page_starts else None, bool(link.has_bytes))
