"""``factdb verify``: does every archived document still stand on its original?

For each document with an archived original (its current custody link) it re-hashes the stored
bytes, hashes the stored text, re-extracts the text from the bytes with the recorded extractor, and
checks that every claim's quote is still at its offsets (and on its page). What fails is named:
a changed original, a changed text, an extractor whose output changed, a moved quote.

Re-extraction is the slow part (pdfminer reads about 20 pages a second). Extraction is
deterministic given the bytes (checked by their hash), the settings and the versions of the
libraries that decide the output (all recorded), so by default a document is re-extracted when any
of those versions differs from the installed ones, which is when an upgrade may have changed the
output. ``re_extract=True`` re-extracts every document regardless, in two processes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

from sqlalchemy import Connection, Engine, select

from factdb import custody
from factdb.custody import CustodyLink
from factdb.evidence import EvidenceError, OriginalFile, extract_again, extractor_version, kind_of_name, library_versions, page_of
from factdb.models import Claim, Document
from factdb.quotes import normalize_quote


@dataclass(frozen=True, slots=True)
class DocumentVerdict:
    """What ``verify`` found for one archived document; ``problems`` is empty when everything holds."""

    document_id: str
    original: str  # ok, changed, missing
    text: str  # ok, changed
    extraction: str  # same, not re-run, changed, failed
    quotes: int  # how many quotes were checked
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


def _installed(link: CustodyLink) -> bool:
    """Whether the recorded extractor and its libraries are the versions installed now."""
    try:
        recorded = link.settings.get("libraries", {})
        return extractor_version(link.extractor) == link.extractor_version and recorded == library_versions(link.extractor)
    except Exception:  # an extractor not installed (or not known) here
        return False


@dataclass(frozen=True, slots=True)
class _Work:
    """An original to extract again, as a worker process receives it."""

    file_name: str
    media_type: str
    data: bytes
    extractor: str
    settings: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Extraction:
    """The SHA-256 of a text extracted again, or why it could not be."""

    text_sha256: str | None
    error: str | None = None


def _reextract(work: _Work) -> _Extraction:
    """Extract ``work``'s text again; runs in a worker process too."""
    original = OriginalFile(work.file_name, kind_of_name(work.file_name) or "text", work.media_type, "", len(work.data), data=work.data)
    try:
        text = extract_again(original, work.extractor, work.settings).text
    except EvidenceError as error:
        return _Extraction(None, str(error))
    return _Extraction(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest())


def _quote_problems(conn: Connection, document_id: str, text: str, pages: tuple[int, ...] | None) -> tuple[int, list[str]]:
    rows = conn.execute(select(Claim.id, Claim.quote, Claim.quote_start, Claim.quote_end, Claim.quote_page)
                        .join(Document, Document.pk == Claim.document_pk).where(Document.id == document_id).order_by(Claim.id)).all()
    problems = []
    for claim_id, quote, start, end, page in rows:
        if normalize_quote(text[start:end]) != normalize_quote(quote):
            problems.append(f"the quote of claim '{claim_id}' is no longer at characters {start}-{end}")
        elif page != page_of(pages, start):
            problems.append(f"claim '{claim_id}' says page {page}, but its quote is on page {page_of(pages, start)}")
    return len(rows), problems


def _original_state(conn: Connection, link: CustodyLink) -> str:
    """ok, changed or missing: the stored bytes hashed as they stream from the database."""
    digest, size = hashlib.sha256(), 0
    for chunk in custody.read_original(conn, link.original_sha256):
        digest.update(chunk)
        size += len(chunk)
    if size == 0 and link.size_bytes > 0:
        return "missing"
    return "ok" if digest.hexdigest() == link.original_sha256 else "changed"


def verify(engine: Engine, document_id: str | None = None, *, re_extract: bool = False,
           progress: Callable[[int], None] | None = None) -> list[DocumentVerdict]:
    """Check every archived document (or only ``document_id``); see the module's docstring."""
    with engine.connect() as conn:
        links = list(custody.links(conn, document_id))
        if document_id is not None and not links:
            known = conn.execute(select(Document.id).where(Document.id == document_id)).first()
            raise LookupError(f"document '{document_id}' " + ("has no archived original (its text was imported as text)"
                                                            if known else "is not in the database"))
        states = {link.document_id: _original_state(conn, link) for link in links}
        again = [link for link in links if states[link.document_id] == "ok" and (re_extract or not _installed(link))]
        hashes = _extraction_hashes(conn, again)
        verdicts = []
        for link in links:
            verdicts.append(_verdict(conn, link, states[link.document_id], hashes.get(link.document_id)))
            if progress is not None:
                progress(1)
    return verdicts


def _work(conn: Connection, links: list[CustodyLink]) -> Iterator[_Work]:
    for link in links:
        yield _Work(link.file_name, link.media_type, b"".join(custody.read_original(conn, link.original_sha256)), link.extractor, link.settings)


def _extraction_hashes(conn: Connection, links: list[CustodyLink]) -> dict[str, _Extraction]:
    """Each document's text extracted again, as its hash (or the error); two processes share the work,
    each holding one original at a time."""
    if len(links) <= 2 or (os.cpu_count() or 1) < 2:
        return {link.document_id: _reextract(item) for link, item in zip(links, _work(conn, links), strict=True)}
    found: dict[str, _Extraction] = {}
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        running: dict[Future[_Extraction], str] = {}
        for link, item in zip(links, _work(conn, links), strict=True):
            running[pool.submit(_reextract, item)] = link.document_id
            if len(running) >= 4:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    found[running.pop(future)] = future.result()
        for future in running:
            found[running[future]] = future.result()
    return found


def _verdict(conn: Connection, link: CustodyLink, original: str, extracted: _Extraction | None) -> DocumentVerdict:
    problems = []
    if original == "missing":
        problems.append("the original's bytes are not in this database (published without originals?)")
    elif original == "changed":
        problems.append(f"the original changed: its bytes no longer hash to {link.original_sha256}")
    text = conn.execute(select(Document.text).where(Document.id == link.document_id)).scalar_one()
    text_ok = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() == link.text_sha256
    if not text_ok:
        problems.append("the stored text changed since it was extracted from the original")
    if extracted is None:
        extraction = "not re-run"
    elif extracted.error is not None:
        extraction = "failed"
        problems.append(f"extracting the text again failed: {extracted.error}")
    elif extracted.text_sha256 != link.text_sha256:
        extraction = "changed"
        problems.append(f"{link.extractor} now extracts another text (recorded {link.extractor} {link.extractor_version}, "
                        f"installed {_installed_version(link.extractor)}; libraries recorded {json.dumps(link.settings.get('libraries', {}))})")
    else:
        extraction = "same"
    count, quote_problems = _quote_problems(conn, link.document_id, text, link.page_starts)
    problems.extend(quote_problems)
    return DocumentVerdict(link.document_id, original, "ok" if text_ok else "changed", extraction, count, tuple(problems))


def _installed_version(extractor: str) -> str:
    try:
        return extractor_version(extractor)
    except Exception:
        return "not installed"


def render_table(verdicts: list[DocumentVerdict]) -> str:
    """The verdicts as a plain-text table, one document a line, then what failed."""
    header = ("document", "original", "text", "extraction", "quotes", "result")
    rows = [(v.document_id, v.original, v.text, v.extraction, str(v.quotes), "ok" if v.ok else "FAILED") for v in verdicts]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in [header, *rows]]
    for verdict in verdicts:
        lines.extend(f"{verdict.document_id}: {problem}" for problem in verdict.problems)
    return "\n".join(lines) + "\n"
