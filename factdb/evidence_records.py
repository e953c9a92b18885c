"""A document record's archived original, as the import format gives it: ``original_file`` (a file
next to the import file, archived as ``factdb archive`` would), ``original`` (an export's base64
bytes with the ``custody`` it was archived under), or an :class:`factdb.evidence.Evidence` given in
Python. Each problem is reported at the record's field, as every other import check is.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import json
import os
from datetime import datetime, timezone
from typing import Any

from factdb.checks import confined_path
from factdb.evidence import DEFAULT_MAX_SIZE, Evidence, EvidenceError, Extracted, extract, open_original, original_from_bytes
from factdb.readers import Record

CUSTODY_FIELDS = ("collector", "retrieved_at", "extractor", "extractor_version", "settings", "page_starts", "record")
ORIGINAL_FIELDS = ("file", "media_type", "sha256", "base64")


def default_editor() -> str:
    """Who is collecting: FACTDB_EDITOR, or the operating system's user name."""
    return os.environ.get("FACTDB_EDITOR") or getpass.getuser()


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def has_original(data: dict[str, Any]) -> bool:
    return data.get("original_file") is not None or data.get("original") is not None


def read_evidence(problems: Any, record: Record, data: dict[str, Any]) -> Evidence | None:
    """The record's original and extracted text, or None with the problems added."""
    if data.get("text_file") is not None or (data.get("original_file") is not None and data.get("original") is not None):
        problems.at(record, "original_file", "give an archived original ('original_file' or 'original') or a 'text_file', not several",
                    "an archived original's text is extracted from it")
        return None
    custody = data.get("custody") or {}
    if not isinstance(custody, dict) or not set(custody) <= set(CUSTODY_FIELDS):
        unknown = sorted(set(custody) - set(CUSTODY_FIELDS)) if isinstance(custody, dict) else []
        problems.at(record, "custody", f"expected a mapping of {', '.join(CUSTODY_FIELDS)}" + (f"; found {', '.join(map(str, unknown))}" if unknown else ""),
                    "e.g. custody: {collector: alice, retrieved_at: 2026-01-31T10:00:00Z}")
        return None
    given = data.get("original")
    if isinstance(given, Evidence):
        return given
    if data.get("original_file") is not None:
        return _from_file(problems, record, data, custody)
    return _from_export(problems, record, data, custody)


def _from_file(problems: Any, record: Record, data: dict[str, Any], custody: dict[str, Any]) -> Evidence | None:
    target = confined_path(problems, record, "original_file", "use Database.archive(path, id=...) instead", "originals/report.pdf")
    if target is None:
        return None
    relative = data["original_file"]
    try:
        original = open_original(target, max_size=DEFAULT_MAX_SIZE)
        documents = extract(original, record=custody.get("record"))
    except EvidenceError as error:
        problems.at(record, "original_file", error.message, error.hint)
        return None
    if len(documents) > 1:
        problems.at(record, "original_file", f"'{relative}' holds {len(documents)} documents (responses of a WARC capture)",
                    "pick one with custody: {record: URI}, or archive them all with factdb archive")
        return None
    extracted = documents[0]
    return Evidence(original, extracted, collector=_text(custody.get("collector")) or default_editor(),
                    retrieved_at=_text(custody.get("retrieved_at")) or extracted.retrieved_at or now())


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _from_export(problems: Any, record: Record, data: dict[str, Any], custody: dict[str, Any]) -> Evidence | None:
    given = data["original"]
    if not isinstance(given, dict) or set(given) != set(ORIGINAL_FIELDS):
        problems.at(record, "original", f"expected a mapping of {', '.join(ORIGINAL_FIELDS)}",
                    "as factdb export writes it; to archive a file, give original_file instead")
        return None
    if not isinstance(data.get("text"), str):
        problems.at(record, "text", "an original given as base64 needs the text extracted from it", "as factdb export writes it")
        return None
    try:
        raw = base64.b64decode(str(given["base64"]), validate=True)
    except (binascii.Error, ValueError):
        problems.at(record, "original.base64", "not valid base64", "copy the bytes as factdb export wrote them")
        return None
    try:
        original = original_from_bytes(str(given["file"]), raw, str(given["media_type"]))
    except EvidenceError as error:
        problems.at(record, "original", error.message, error.hint)
        return None
    if original.sha256 != given["sha256"]:
        problems.at(record, "original.sha256", f"the bytes hash to {original.sha256}, not {given['sha256']}",
                    "the original was changed after it was exported; export it again from the database")
        return None
    missing = [name for name in ("collector", "retrieved_at", "extractor", "extractor_version") if not _text(custody.get(name))]
    if missing:
        problems.at(record, "custody", f"missing {', '.join(missing)}", "as factdb export writes it")
        return None
    settings, pages = custody.get("settings") or {}, custody.get("page_starts")
    if not isinstance(settings, dict) or not (pages is None or (isinstance(pages, list) and all(type(p) is int for p in pages))):
        problems.at(record, "custody", "settings must be a mapping and page_starts a list of offsets", "as factdb export writes it")
        return None
    extracted = Extracted(data["text"], custody["extractor"], str(custody["extractor_version"]), json.loads(json.dumps(settings)),
                          page_starts=tuple(pages) if pages is not None else None, record=_text(custody.get("record")))
    return Evidence(original, extracted, collector=custody["collector"], retrieved_at=custody["retrieved_at"])
