"""``factdb archive``: an original file (a web page, a PDF, a WARC capture, a text) becomes one
document or more, with the original's bytes and the chain of custody stored beside the text.

The file is checked and hashed (:func:`factdb.evidence.open_original`), its text extracted
(:func:`factdb.evidence.extract`), and the documents written through the importer, in one
transaction: the same checks, ``--update`` keeping the earlier text in ``document_history`` and the
earlier custody link in ``document_custody``, and quotes re-checked against a new text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from factdb.checks import DATE_PATTERN, ID_PATTERN
from factdb.evidence import DEFAULT_MAX_SIZE, Evidence, EvidenceError, Extracted, extract, open_original
from factdb.evidence_records import default_editor, now


@dataclass(frozen=True, slots=True)
class ArchivedDocument:
    """A document written (or found unchanged) by ``archive``."""

    id: str
    title: str
    url: str | None
    characters: int
    pages: int | None
    text_sha256: str


@dataclass(frozen=True, slots=True)
class ArchiveReport:
    """What ``archive`` did: the original's hash and kind, the documents, and the import's counts."""

    file_name: str
    sha256: str
    media_type: str
    size: int
    documents: tuple[ArchivedDocument, ...]
    added: int
    updated: int
    unchanged: int

    def summary(self) -> str:
        what = f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"
        return f"{self.file_name}: {self.media_type}, {self.size:,} bytes, SHA-256 {self.sha256[:12]}…: {len(self.documents)} document(s) ({what})"


def _document_id(prefix: str, index: int, count: int) -> str:
    return prefix if count == 1 else f"{prefix}-{index + 1}"


def _record(extracted: Extracted, document_id: str, evidence: Evidence, given: dict[str, Any], file_name: str) -> dict[str, Any]:
    record = {"kind": "document", "id": document_id,
              "title": given.get("title") or extracted.title or extracted.url or file_name,
              "author": extracted.author, "published": given.get("published") or extracted.published,
              "publisher": given.get("publisher"), "url": given.get("url") or extracted.url, "original": evidence}
    return {k: v for k, v in record.items() if v is not None}


def archive(engine: Engine, path: str | os.PathLike[str], *, id: str, url: str | None = None, retrieved_at: str | None = None,
            title: str | None = None, published: str | None = None, publisher: str | None = None, editor: str | None = None,
            record: str | None = None, update: bool = False, max_size: int = DEFAULT_MAX_SIZE) -> ArchiveReport:
    """Archive the file at ``path`` as the document ``id`` (a prefix for the documents of a WARC capture)."""
    from factdb.importer import import_records

    if not ID_PATTERN.fullmatch(id):
        raise EvidenceError(f"--id {id!r}: use letters, digits, '.', '_', ':' or '-'", "e.g. --id amnesty-report-2020")
    if published is not None and not DATE_PATTERN.fullmatch(published):
        raise EvidenceError(f"--published {published!r}: write YYYY, YYYY-MM or YYYY-MM-DD")
    if retrieved_at is not None:
        try:
            datetime.fromisoformat(retrieved_at)
        except ValueError:
            raise EvidenceError(f"--retrieved-at {retrieved_at!r}: write an ISO 8601 date or time",
                                "e.g. 2026-01-31 or 2026-01-31T10:00:00Z") from None
    original = open_original(Path(path), max_size=max_size)
    documents = extract(original, record=record, max_size=max_size)
    if len(documents) > 1 and (url or title):
        raise EvidenceError(f"{original.file_name}: --url and --title name one document; this capture holds {len(documents)}",
                            "pick one with --record URI, or leave them out (each takes its record's URI and page title)")
    collector = editor or default_editor()
    given = {"title": title, "published": published, "publisher": publisher, "url": url}
    records, written = [], []
    for index, extracted in enumerate(documents):
        evidence = Evidence(original, extracted, collector=collector, retrieved_at=retrieved_at or extracted.retrieved_at or now())
        document_id = _document_id(id, index, len(documents))
        records.append(_record(extracted, document_id, evidence, given, original.file_name))
        written.append(ArchivedDocument(document_id, records[-1]["title"], records[-1].get("url"), len(extracted.text),
                                        len(extracted.page_starts) if extracted.page_starts else None, extracted.text_sha256))
    report = import_records(engine, records, update=update)
    counts = report.counts["documents"]
    return ArchiveReport(original.file_name, original.sha256, original.media_type, original.size, tuple(written),
                         counts["added"], counts["updated"], counts["unchanged"])
