"""Read import files (YAML, JSON, JSON Lines, CSV) into located records.

Every record remembers its file and line so that an error can say exactly where to look.
JSON Lines and CSV are streamed (memory does not grow with the file); YAML and JSON files
are parsed whole, which is why large imports should use JSON Lines or CSV.
"""

from __future__ import annotations

import csv
import io
import json
import json.decoder
import json.scanner
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml

KINDS = ("source", "event", "metric", "document", "claim")
SECTIONS = {"sources": "source", "events": "event", "metrics": "metric", "documents": "document", "claims": "claim"}
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
CSV_COLUMNS = ("claim_id", "document", "source", "via", "event", "claimed_on", "quote", "metric", "population", "value")
CSV_REQUIRED = ("document", "source", "event", "quote", "metric", "value")
CSV_OPTIONAL_EXTRA = ("statement", "qualifier", "low", "high", "status", "supersedes")


class ReadError(Exception):
    """A file that cannot be read as records at all (syntax, encoding); carries its location."""

    def __init__(self, path: str, line: int | None, message: str, hint: str) -> None:
        super().__init__(message)
        self.path, self.line, self.message, self.hint = path, line, message, hint


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping from the input that knows the line it starts on and the line of each key."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        return getattr(self, "key_lines", {}).get(key, self.line)


@dataclass
class Record:
    kind: str
    data: dict[str, Any]
    path: str
    line: int | None
    label: str  # where it sits in the file, e.g. "claims[3]" or "row 12"
    csv_rows: list[int] = field(default_factory=list)

    def line_of(self, key: str) -> int | None:
        if isinstance(self.data, LineDict):
            return self.data.line_of(key)
        return self.line


def file_format(path: Path) -> str | None:
    return FORMATS.get(path.suffix.lower())


# -- YAML -------------------------------------------------------------------------------------


class _LocatingLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text (we validate them) and records line numbers.

    Anchors and aliases are refused: they are how "billion laughs" documents explode, and an
    import file has no need for them.
    """

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "YAML aliases (*name) are not accepted in import files; write the value out", event.start_mark
            )
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                None, None, "YAML anchors (&name) are not accepted in import files; write the value out", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {
            str(key_node.value): key_node.start_mark.line + 1 for key_node, _ in node.value if isinstance(key_node, yaml.ScalarNode)
        }
        return mapping


_LocatingLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LocatingLoader.add_constructor("tag:yaml.org,2002:map", _LocatingLoader.construct_mapping)


def _load_yaml(path: str, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_LocatingLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise ReadError(path, line, f"invalid YAML: {problem}", "check indentation, colons and quoting on that line") from None
    except yaml.YAMLError as error:
        raise ReadError(path, None, f"invalid YAML: {error}", "check the file's syntax") from None
    except RecursionError:
        raise ReadError(path, None, "structure is nested too deeply", "import files are lists of flat records") from None


# -- JSON -------------------------------------------------------------------------------------


class _LocatingDecoder(json.JSONDecoder):
    """A JSON decoder whose objects know their line (the C scanner cannot tell us positions)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        line_starts = [0]
        index = text.find("\n")
        while index >= 0:
            line_starts.append(index + 1)
            index = text.find("\n", index + 1)

        def parse_object(s_and_end, *args, **kwargs):  # type: ignore[no-untyped-def]
            start = s_and_end[1]
            obj, end = json.decoder.JSONObject(s_and_end, *args, **kwargs)
            located = LineDict(obj)
            located.line = bisect_right(line_starts, start - 1)
            return located, end

        self.parse_object = parse_object
        self.scan_once = json.scanner.py_make_scanner(self)


def _load_json(path: str, text: str) -> Any:
    try:
        return _LocatingDecoder(text).decode(text)
    except json.JSONDecodeError as error:
        raise ReadError(path, error.lineno, f"invalid JSON: {error.msg} (column {error.colno})", "check commas, brackets and quotes") from None
    except RecursionError:
        raise ReadError(path, None, "structure is nested too deeply", "import files are lists of flat records") from None


def _document_records(path: str, document: Any) -> Iterator[Record]:
    if document is None:
        return
    if not isinstance(document, dict):
        raise ReadError(
            path, getattr(document, "line", 1), f"expected a mapping with lists {', '.join(SECTIONS)}; found {type_name(document)}",
            "start the file with e.g. 'claims:' followed by a list of claims",
        )
    for section, items in document.items():
        kind = SECTIONS.get(str(section))
        if kind is None:
            raise ReadError(
                path, document.line_of(str(section)) if isinstance(document, LineDict) else None,
                f"unknown section '{section}'", f"the sections are {', '.join(SECTIONS)}{closest_hint(str(section), SECTIONS)}",
            )
        if items is None:
            continue
        if not isinstance(items, list):
            raise ReadError(
                path, document.line_of(str(section)) if isinstance(document, LineDict) else None,
                f"section '{section}' must be a list; found {type_name(items)}", f"write each {kind} as an item starting with '- '",
            )
        for index, item in enumerate(items):
            line = item.line if isinstance(item, LineDict) else (document.line_of(str(section)) if isinstance(document, LineDict) else None)
            yield Record(kind, item, path, line, f"{section}[{index}]")


# -- JSON Lines and CSV: streamed ---------------------------------------------------------------


class _CountingReader(io.RawIOBase):
    """Counts bytes read so a progress bar can follow a streamed file."""

    def __init__(self, raw: BinaryIO, on_read: Callable[[int], None] | None) -> None:
        self._raw, self._on_read = raw, on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        if self._on_read:
            self._on_read(len(data))
        return len(data)


def _open_text(path: Path, on_read: Callable[[int], None] | None) -> io.TextIOWrapper:
    raw = _CountingReader(path.open("rb"), on_read)
    # utf-8-sig drops a byte order mark; newline="" lets csv and our line counting see CRLF as one end.
    return io.TextIOWrapper(io.BufferedReader(raw, 1 << 16), encoding="utf-8-sig", newline="")


def _jsonl_records(path: Path, on_read: Callable[[int], None] | None) -> Iterator[Record]:
    with _open_text(path, on_read) as handle:
        for number, line in _decoded_lines(handle, str(path)):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                raise ReadError(str(path), number, f"invalid JSON: {error.msg} (column {error.colno})", "each line must be one complete JSON object") from None
            except RecursionError:
                raise ReadError(str(path), number, "structure is nested too deeply", "each line is one flat record") from None
            if not isinstance(data, dict):
                raise ReadError(str(path), number, f"expected a JSON object; found {type_name(data)}", 'write one object per line, e.g. {"kind": "claim", ...}')
            kind = data.pop("kind", None)
            if kind == "source" and "source_kind" in data:
                # `kind` names the record type in JSON Lines, so a source's own kind travels as source_kind.
                data["kind"] = data.pop("source_kind")
            if kind not in KINDS:
                raise ReadError(
                    str(path), number, f"'kind' must be one of {', '.join(KINDS)}; found {kind!r}",
                    f"add \"kind\": \"claim\" (or another kind) to the object{closest_hint(str(kind), KINDS)}",
                )
            yield Record(kind, data, str(path), number, f"line {number}")


def _decoded_lines(handle: io.TextIOWrapper, path: str) -> Iterator[tuple[int, str]]:
    number = 0
    try:
        for number, line in enumerate(handle, start=1):  # noqa: B007 - number used after the loop on error
            yield number, line
    except UnicodeDecodeError as error:
        raise ReadError(path, number + 1, f"not valid UTF-8 ({error.reason} at byte {error.start} of a read block)", "save the file as UTF-8") from None


def _csv_records(path: Path, on_read: Callable[[int], None] | None) -> Iterator[Record]:
    """One claim per run of consecutive rows sharing a claim_id (or, without ids, one per row)."""
    with _open_text(path, on_read) as handle:
        reader = csv.reader(line for _, line in _decoded_lines(handle, str(path)))
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise ReadError(str(path), 1, f"invalid CSV: {error}", "check quoting in the header row") from None
        if header is None:
            return
        columns = [name.strip() for name in header]
        _check_csv_header(str(path), columns)
        current: Record | None = None
        while True:
            try:
                row = next(reader, None)
            except csv.Error as error:
                raise ReadError(str(path), reader.line_num, f"invalid CSV: {error}", "check the quotes on that row") from None
            if row is None:
                break
            if not any(cell.strip() for cell in row):
                continue
            row_number = reader.line_num
            if len(row) != len(columns):
                raise ReadError(
                    str(path), row_number, f"row has {len(row)} columns; the header has {len(columns)}",
                    "quote values that contain commas, and give every row the header's columns",
                )
            values = {name: cell for name, cell in zip(columns, row)}
            figure = {k: values.pop(k) for k in ("metric", "population", "value", "qualifier", "low", "high") if k in values}
            claim_id = values.get("claim_id", "").strip()
            if current is not None and _same_claim(current, claim_id, values):
                current.data["figures"].append(_drop_empty(figure))
                current.csv_rows.append(row_number)
                continue
            if current is not None:
                yield current
            data = _drop_empty({("id" if k == "claim_id" else k): v for k, v in values.items()})
            data["figures"] = [_drop_empty(figure)] if any(v.strip() for v in figure.values()) else []
            current = Record("claim", data, str(path), row_number, f"row {row_number}", [row_number])
        if current is not None:
            yield current


_CLAIM_COLUMNS = ("document", "source", "via", "event", "claimed_on", "quote", "statement", "status", "supersedes")


def _same_claim(current: Record, claim_id: str, values: dict[str, str]) -> bool:
    """Rows continue a claim when they share its claim_id, or, without ids, all of its claim columns."""
    if claim_id:
        return current.data.get("id") == claim_id
    if "id" in current.data:
        return False
    return all(current.data.get(c, "") == values.get(c, "").strip() for c in _CLAIM_COLUMNS)


def _check_csv_header(path: str, columns: list[str]) -> None:
    known = set(CSV_COLUMNS) | set(CSV_OPTIONAL_EXTRA)
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise ReadError(
            path, 1, f"unknown column(s) {', '.join(repr(c) for c in unknown)}",
            f"the columns are {', '.join(CSV_COLUMNS)} (optional: {', '.join(CSV_OPTIONAL_EXTRA)}){closest_hint(unknown[0], tuple(known))}",
        )
    missing = [c for c in CSV_REQUIRED if c not in columns]
    if missing:
        raise ReadError(path, 1, f"missing column(s) {', '.join(missing)}", f"the header needs at least: {', '.join(CSV_REQUIRED)}")
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise ReadError(path, 1, f"column(s) {', '.join(duplicated)} appear more than once", "give each column once")


def _drop_empty(values: dict[str, str]) -> dict[str, str]:
    return {k: v.strip() for k, v in values.items() if v is not None and v.strip() != ""}


# -- entry point ----------------------------------------------------------------------------------


def read_records(path: Path, on_read: Callable[[int], None] | None = None) -> Iterator[Record]:
    """Yield the records of one import file in order; raise ReadError for unreadable input."""
    fmt = file_format(path)
    if fmt == "jsonl":
        yield from _jsonl_records(path, on_read)
        return
    if fmt == "csv":
        yield from _csv_records(path, on_read)
        return
    raw = path.read_bytes()
    if on_read:
        on_read(len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ReadError(str(path), line, f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})", "save the file as UTF-8") from None
    document = _load_yaml(str(path), text) if fmt == "yaml" else _load_json(str(path), text)
    yield from _document_records(str(path), document)


def type_name(value: Any) -> str:
    return {dict: "a mapping", LineDict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}.get(
        type(value), "nothing" if value is None else type(value).__name__
    )


def closest_hint(word: str, choices: tuple[str, ...] | list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""
