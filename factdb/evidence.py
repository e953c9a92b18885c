"""Reading archived evidence: what an original file is (its bytes sniffed, never its extension
trusted), its SHA-256, and its text extracted deterministically with a named, versioned extractor.

Web pages go through trafilatura (the main content, boilerplate removed; title, author and date
proposed from the page's metadata), PDFs through pdfminer.six (one page at a time, each page's start
offset kept), WARC captures through warcio (each HTTP 200 response of HTML or PDF is a document),
plain text is decoded as UTF-8. Nothing here touches the database or the network: the storing is
:mod:`factdb.custody`, the re-checking :mod:`factdb.verify`.

Every refusal is an :class:`EvidenceError` whose message names the file and says what to do.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version
from multiprocessing import get_context
from pathlib import Path
from typing import IO, Any

DEFAULT_MAX_SIZE = 200 * 1024 * 1024
CHUNK_SIZE = 1024 * 1024  # how originals are hashed, stored and read back
SNIFF_BYTES = 4096
# Fewer words than this is a menu or a cookie notice that trafilatura's fallbacks kept, not an article.
MIN_CONTENT_WORDS = 10
PAGE_SEPARATOR = "\n\n"  # between the texts of two PDF pages
# Pages a PDF needs before its pages are shared between two processes: below it, starting them costs more.
PARALLEL_PAGES = 24

MEDIA_TYPES = {"html": "text/html", "pdf": "application/pdf", "warc": "application/warc", "text": "text/plain"}
EXTENSIONS = {".html": "html", ".htm": "html", ".pdf": "pdf", ".warc": "warc", ".warc.gz": "warc", ".txt": "text"}
TRAFILATURA_SETTINGS: dict[str, Any] = {"output_format": "txt", "include_comments": False, "include_tables": True, "favor_precision": False,
                        "favor_recall": False, "deduplicate": False, "fast": False}
EXTRACTOR_LIBRARIES = {"trafilatura": ("trafilatura", "lxml", "jusText", "htmldate", "courlan", "charset-normalizer"),
                       "pdfminer.six": ("pdfminer.six",), "factdb-text": ()}


class EvidenceError(Exception):
    """An original that cannot be archived: its message names the file, what is wrong and what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message


@dataclass(frozen=True, slots=True)
class OriginalFile:
    """An original's bytes, on disk (``path``) or in memory (``data``), sniffed and hashed."""

    file_name: str
    kind: str  # html, pdf, warc or text
    media_type: str
    sha256: str
    size: int
    path: Path | None = None
    data: bytes | None = None

    def chunks(self) -> Iterator[bytes]:
        """The bytes a chunk at a time, never all at once for a file on disk."""
        if self.data is not None:
            for start in range(0, len(self.data), CHUNK_SIZE):
                yield self.data[start:start + CHUNK_SIZE]
            return
        assert self.path is not None
        with self.path.open("rb") as stream:
            while chunk := stream.read(CHUNK_SIZE):
                yield chunk

    def open(self) -> IO[bytes]:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return self.path.open("rb")


@dataclass(frozen=True, slots=True)
class Extracted:
    """A document's text as extracted from an original, with what the extraction proposes and how it was done."""

    text: str
    extractor: str
    extractor_version: str
    settings: dict[str, Any]
    page_starts: tuple[int, ...] | None = None  # each page's start offset in the text; None when unpaged
    title: str | None = None
    author: str | None = None
    published: str | None = None  # YYYY-MM-DD
    url: str | None = None  # a WARC record's target URI
    retrieved_at: str | None = None  # a WARC record's date
    record: str | None = None  # a WARC record's target URI, which --record picks

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def settings_json(self) -> str:
        return json.dumps(self.settings, sort_keys=True, ensure_ascii=False)

    def page_of(self, offset: int) -> int | None:
        return page_of(self.page_starts, offset)


@dataclass(frozen=True, slots=True)
class Evidence:
    """An original and one document's text extracted from it: what a document record archives."""

    original: OriginalFile
    extracted: Extracted
    collector: str | None = None
    retrieved_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def page_of(page_starts: tuple[int, ...] | list[int] | None, offset: int) -> int | None:
    """The 1-based page holding ``offset``; None for an unpaged text."""
    if not page_starts:
        return None
    from bisect import bisect_right

    return max(1, bisect_right(page_starts, offset))


# -- the original: size, kind and hash -------------------------------------------------------------


def kind_of_name(name: str) -> str | None:
    lowered = name.lower()
    for extension in sorted(EXTENSIONS, key=len, reverse=True):
        if lowered.endswith(extension):
            return EXTENSIONS[extension]
    return None


def sniff(head: bytes) -> str | None:
    """What the first bytes of a file say it is: html, pdf, warc, gzip or text (None: something else)."""
    if head[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"WARC/"):
        return "warc"
    if b"\x00" in head:
        return None
    text = head.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n").lower()
    if text.startswith(("<!doctype html", "<html", "<head", "<body", "<?xml", "<meta", "<title", "<!--")) or re.search(r"<(html|body|head)[\s>]", text[:SNIFF_BYTES]):
        return "html"
    if text.startswith(("%pdf", "pk\x03\x04")) or head.startswith((b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return None
    return "text"


def _gunzip_head(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(wbits=47).decompress(head, 64)
    except zlib.error:
        return b""


def open_original(path: str | os.PathLike[str], *, max_size: int = DEFAULT_MAX_SIZE) -> OriginalFile:
    """Check the file at ``path`` (it exists, is within ``max_size``, is what its extension says) and hash it, streaming."""
    path = Path(path)
    if not path.is_file():
        raise EvidenceError(f"{path}: no such file" if not path.exists() else f"{path}: not a file", "give the path of the file to archive")
    kind = kind_of_name(path.name)
    if kind is None:
        raise EvidenceError(f"{path}: cannot archive a file named like this",
                            "archive .html, .htm, .pdf, .warc, .warc.gz or .txt files")
    size = path.stat().st_size
    if size > max_size:
        raise EvidenceError(f"{path}: {size:,} bytes is over the size limit of {max_size:,} bytes",
                            "raise the limit with --max-size BYTES if the file is really evidence")
    digest = hashlib.sha256()
    read = 0
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
        digest.update(head)
        read += len(head)
        while chunk := stream.read(CHUNK_SIZE):
            digest.update(chunk)
            read += len(chunk)
            if read > max_size:  # grown since stat
                raise EvidenceError(f"{path}: over the size limit of {max_size:,} bytes", "raise the limit with --max-size BYTES")
    _check_sniffed(str(path), kind, head)
    return OriginalFile(path.name, kind, MEDIA_TYPES[kind], digest.hexdigest(), read, path=path)


def original_from_bytes(file_name: str, data: bytes, media_type: str | None = None) -> OriginalFile:
    """An original held in memory (an export's base64), checked as a file of that name would be."""
    kind = kind_of_name(file_name)
    if kind is None:
        kind = next((k for k, t in MEDIA_TYPES.items() if t == media_type), None)
    if kind is None:
        raise EvidenceError(f"{file_name}: cannot tell what kind of file this is", "name it .html, .pdf, .warc, .warc.gz or .txt")
    _check_sniffed(file_name, kind, data[:SNIFF_BYTES])
    return OriginalFile(file_name, kind, MEDIA_TYPES[kind], hashlib.sha256(data).hexdigest(), len(data), data=data)


def _check_sniffed(name: str, kind: str, head: bytes) -> None:
    found = sniff(head)
    if found == "gzip" and kind == "warc" and name.lower().endswith(".gz"):
        found = "warc" if _gunzip_head(head).startswith(b"WARC/") else "gzip"
    if kind == "text" and found in ("html", "text"):
        return  # a page saved as .txt is still text to archive as written
    if found != kind:
        said = {"html": "a web page", "pdf": "a PDF", "warc": "a WARC capture", "text": "plain text"}[kind]
        actually = {"html": "a web page", "pdf": "a PDF", "warc": "a WARC capture", "text": "plain text", "gzip": "gzip data",
                    None: "binary data of another kind"}[found]
        raise EvidenceError(f"{name}: named as {said}, but its bytes are {actually}",
                            "rename the file to what it is, or archive the right file")


# -- extraction -------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def library_versions(extractor: str) -> dict[str, str]:
    """The versions of the libraries whose code decides an extractor's output."""
    return {name: version(name) for name in EXTRACTOR_LIBRARIES[extractor]}


def extractor_version(extractor: str) -> str:
    if extractor == "factdb-text":
        return "1"
    return version(extractor)


def extract(original: OriginalFile, *, record: str | None = None, max_size: int = DEFAULT_MAX_SIZE) -> list[Extracted]:
    """The documents in ``original``: one for a page, PDF or text; one per HTML/PDF response of a WARC
    (only the one whose target URI is ``record``, when given)."""
    if original.kind == "warc":
        return extract_warc(original, record=record, max_size=max_size)
    if record is not None:
        raise EvidenceError(f"{original.file_name}: --record picks a record of a WARC capture; this is not one",
                            "leave out --record")
    with original.open() as stream:
        if original.kind == "pdf":
            return [extract_pdf(original.file_name, stream, path=original.path)]
        data = stream.read()
    if original.kind == "html":
        return [extract_html(original.file_name, data)]
    return [extract_text(original.file_name, data)]


def extract_again(original: OriginalFile, extractor: str, settings: dict[str, Any]) -> Extracted:
    """The text extracted again as recorded in a custody record's ``extractor`` and ``settings``."""
    if original.kind == "warc":
        found = extract_warc(original, record_id=settings.get("warc_record_id"))
        return found[0]
    return extract(original)[0]


def extract_text(name: str, data: bytes) -> Extracted:
    if b"\x00" in data:
        raise EvidenceError(f"{name}: contains NUL bytes (first at offset {data.index(0)}); is it a text file?",
                            "archive the document as plain UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise EvidenceError(f"{name}: is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
                            "save the text as UTF-8") from None
    if not text.strip():
        raise EvidenceError(f"{name}: the text is empty", "archive the document's full text")
    return Extracted(text, "factdb-text", "1", {"encoding": "utf-8-sig"})


def extract_html(name: str, data: bytes, *, url: str | None = None) -> Extracted:
    import trafilatura

    text = trafilatura.extract(data, **TRAFILATURA_SETTINGS)
    if text is None or len(re.findall(r"\w+", text)) < MIN_CONTENT_WORDS:
        raise EvidenceError(f"{name}: no main content found in the page (only navigation, boilerplate or nothing)",
                            "archive the page of the article itself, or save its text as .txt and archive that")
    metadata = trafilatura.extract_metadata(data.decode("utf-8", "replace") if isinstance(data, bytes) else data)
    title = author = published = None
    if metadata is not None:
        title, author = metadata.title or None, metadata.author or None
        published = metadata.date if metadata.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", metadata.date) else None
    settings = {**TRAFILATURA_SETTINGS, "libraries": library_versions("trafilatura")}
    return Extracted(text, "trafilatura", extractor_version("trafilatura"), settings, title=title, author=author,
                     published=published, url=url)


def _pdf_pages(path: str, first: int, last: int) -> list[str]:
    """The texts of pages ``first`` to ``last`` (0-based, inclusive) of the PDF at ``path``."""
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    texts = []
    with open(path, "rb") as stream:
        manager = PDFResourceManager()
        for page in PDFPage.get_pages(stream, pagenos=range(first, last + 1)):
            out = io.StringIO()
            device = TextConverter(manager, out, laparams=LAParams())
            PDFPageInterpreter(manager, device).process_page(page)
            device.close()
            texts.append(_page_text(out.getvalue()))
    return texts


def _page_text(raw: str) -> str:
    # pdfminer ends every page with a form feed, and its text boxes with blank lines.
    return raw.replace("\x0c", "").strip()


def _pdf_page_count(name: str, stream: IO[bytes]) -> int:
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.psexceptions import PSException

    try:
        document = PDFDocument(PDFParser(stream))  # type: ignore[arg-type]
        if document.encryption is not None:
            raise PDFEncryptionError("encrypted")
        return sum(1 for _ in PDFPage.create_pages(document))
    except (PDFEncryptionError, PDFPasswordIncorrect):
        raise EvidenceError(f"{name}: the PDF is encrypted",
                            "archive a decrypted copy (e.g. qpdf --decrypt in.pdf out.pdf), and keep the encrypted file too") from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError) as error:
        raise EvidenceError(f"{name}: the PDF is corrupt or truncated ({type(error).__name__}: {error})",
                            "archive a complete copy of the file (download it again)") from None


def extract_pdf(name: str, stream: IO[bytes], *, path: Path | None = None) -> Extracted:
    """The PDF's text, page by page; two processes share the pages of a long PDF."""
    count = _pdf_page_count(name, stream)
    if count == 0:
        raise EvidenceError(f"{name}: the PDF has no pages", "archive a complete copy of the file")
    temporary = None
    if path is None:  # the pages are read by file name, in this process or another
        stream.seek(0)
        temporary = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False)
        with temporary:
            shutil.copyfileobj(stream, temporary)
        path = Path(temporary.name)
    try:
        pages = _read_pages(name, str(path), count)
    finally:
        if temporary is not None:
            os.unlink(temporary.name)
    if not any(page.strip() for page in pages):
        raise EvidenceError(f"{name}: no text layer; run OCR first, e.g. ocrmypdf, and archive the result",
                            "ocrmypdf scanned.pdf searchable.pdf, then factdb archive searchable.pdf")
    starts, text = [], io.StringIO()
    for number, page in enumerate(pages):
        if number:
            text.write(PAGE_SEPARATOR)
        starts.append(text.tell())
        text.write(page)
    settings = {"laparams": "defaults", "page_separator": PAGE_SEPARATOR, "libraries": library_versions("pdfminer.six")}
    return Extracted(text.getvalue(), "pdfminer.six", extractor_version("pdfminer.six"), settings, page_starts=tuple(starts))


def _read_pages(name: str, path: str, count: int) -> list[str]:
    try:
        if count < PARALLEL_PAGES or (os.cpu_count() or 1) < 2:
            return _pdf_pages(path, 0, count - 1)
        middle = count // 2
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            second = pool.submit(_pdf_pages, path, middle, count - 1)
            first = _pdf_pages(path, 0, middle - 1)
            return first + second.result()
    except EvidenceError:
        raise
    except Exception as error:  # pdfminer raises many kinds on a damaged page
        raise EvidenceError(f"{name}: a page of the PDF cannot be read ({type(error).__name__}: {error})",
                            "archive a complete copy of the file (download it again)") from None


# -- WARC -------------------------------------------------------------------------------------------


class _Bounded(io.RawIOBase):
    """A gzip stream decompressed with a bound on the bytes it may produce: a zip bomb stops early."""

    def __init__(self, name: str, raw: IO[bytes], limit: int) -> None:
        self.name, self.raw, self.limit, self.produced = name, raw, limit, 0
        self.inflater = zlib.decompressobj(wbits=47)
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            if self.inflater.eof:
                rest = self.inflater.unused_data
                self.inflater = zlib.decompressobj(wbits=47)  # the next gzip member: a .warc.gz has one per record
                self.pending = self.inflater.decompress(rest, CHUNK_SIZE) if rest else b""
                if not rest and not self._feed():
                    return 0
                continue
            if self.inflater.unconsumed_tail:
                self.pending = self.inflater.decompress(self.inflater.unconsumed_tail, CHUNK_SIZE)
            elif not self._feed():
                return 0
        self.produced += len(self.pending)
        if self.produced > self.limit:
            raise EvidenceError(f"{self.name}: decompresses to more than {self.limit:,} bytes (a zip bomb?)",
                                "archive the capture uncompressed, or raise --max-size if it is really this large")
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size

    def _feed(self) -> bool:
        compressed = self.raw.read(64 * 1024)
        if not compressed:
            return False
        try:
            self.pending = self.inflater.decompress(compressed, CHUNK_SIZE)
        except zlib.error as error:
            raise EvidenceError(f"{self.name}: the gzip data is corrupt ({error})", "archive a complete copy of the capture") from None
        return True


def _warc_stream(original: OriginalFile, raw: IO[bytes], max_size: int) -> IO[bytes]:
    if original.file_name.lower().endswith(".gz"):
        return io.BufferedReader(_Bounded(original.file_name, raw, max_size), buffer_size=CHUNK_SIZE)
    return raw


def extract_warc(original: OriginalFile, *, record: str | None = None, record_id: str | None = None,
                 max_size: int = DEFAULT_MAX_SIZE) -> list[Extracted]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    found: list[Extracted] = []
    seen_responses = 0
    with original.open() as raw:
        try:
            for entry in ArchiveIterator(_warc_stream(original, raw, max_size), no_record_parse=False, arc2warc=False):
                if entry.rec_type != "response" or entry.http_headers is None:
                    continue
                seen_responses += 1
                extracted = _warc_response(original, entry, record, record_id, max_size)
                if extracted is not None:
                    found.append(extracted)
        except ArchiveLoadFailed as error:
            raise EvidenceError(f"{original.file_name}: not a readable WARC capture ({error})", "archive a complete .warc or .warc.gz file") from None
    if not found:
        if record is not None:
            raise EvidenceError(f"{original.file_name}: no HTTP 200 HTML or PDF response for {record}", "check the URI with --record, or leave it out")
        what = "no response records" if seen_responses == 0 else "no HTTP 200 response of HTML or PDF"
        raise EvidenceError(f"{original.file_name}: {what}", "archive a capture of the page or PDF itself")
    return found


def _warc_response(original: OriginalFile, entry: Any, record: str | None, record_id: str | None, max_size: int) -> Extracted | None:
    uri = entry.rec_headers.get_header("WARC-Target-URI")
    identifier = entry.rec_headers.get_header("WARC-Record-ID")
    if (record is not None and uri != record) or (record_id is not None and identifier != record_id):
        return None
    if entry.http_headers.get_statuscode() != "200":
        return None
    media_type = (entry.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if media_type not in ("text/html", "application/xhtml+xml", "application/pdf"):
        return None
    payload = entry.content_stream().read(max_size + 1)
    if len(payload) > max_size:
        raise EvidenceError(f"{original.file_name}: the response for {uri} is over the size limit of {max_size:,} bytes",
                            "raise the limit with --max-size BYTES")
    name = f"{original.file_name} ({uri})"
    if media_type == "application/pdf":
        _check_sniffed(name, "pdf", payload[:SNIFF_BYTES])
        inner = extract_pdf(name, io.BytesIO(payload))
    else:
        inner = extract_html(name, payload)
    date = entry.rec_headers.get_header("WARC-Date")
    settings = {**inner.settings, "warc_record_id": identifier, "warcio": version("warcio")}
    return Extracted(inner.text, inner.extractor, inner.extractor_version, settings, page_starts=inner.page_starts, title=inner.title,
                     author=inner.author, published=inner.published, url=uri, retrieved_at=date, record=uri)
