"""Read import files (YAML, JSON, JSON Lines, CSV) into located records.

Every record remembers its file and line so that an error can say exactly where to look.
JSON Lines and CSV are streamed (memory does not grow with the file); YAML and JSON files
are parsed whole, which is why large imports should use JSON Lines or CSV.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import json.decoder
import json.scanner
import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

import yaml

KINDS = ("source", "event", "metric", "document", "claim", "removed")
SECTIONS = {"sources": "source", "events": "event", "metrics": "metric", "documents": "document", "claims": "claim",
            "removed": "removed"}
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
CSV_COLUMNS = ("claim_id", "document", "source", "via", "event", "claimed_on", "quote", "metric", "population", "value")
CSV_REQUIRED = ("document", "source", "event", "quote", "metric", "value")
CSV_OPTIONAL_EXTRA = ("statement", "qualifier", "low", "high", "status", "supersedes", "derived")
# Records are a few levels deep (file, section, record, figures, figure); anything much deeper is
# hostile or broken, and refusing it early keeps the parsers far from Python's recursion limit.
MAX_DEPTH = 50
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class ReadError(Exception):
    """A file that cannot be read as records at all (syntax, encoding); carries its location."""

    def __init__(self, path: str, line: int | None, message: str, hint: str) -> None:
        super().__init__(message)
        self.path, self.line, self.message, self.hint = path, line, message, hint


class LineDict(dict[Any, Any]):
    """A mapping from the input that knows the line it starts on and the line of each key."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        return getattr(self, "key_lines", {}).get(key, self.line)


@dataclass(slots=True)
class Record:
    kind: str
    data: dict[str, Any]
    path: str
    line: int | None
    label: str  # where it sits in the file, e.g. "claims[3]" or "row 12"
    # A JSON Lines claim's line as read: what the importer fingerprints (checks.record_digest).
    text: str | None = None
    # False for records given in Python (factdb.importer.import_records): no folder for a text_file.
    from_file: bool = True
    # A JSON Lines claim line not decoded yet (read_records(raw_claims=True)): see decoded().
    raw: bool = False

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
                None, None, "YAML aliases (*name) are not accepted in import files", event.start_mark,
                "write the value out in full where it is used",
            )
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                None, None, "YAML anchors (&name) are not accepted in import files", event.start_mark,
                "write the value out in full where it is used",
            )
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(None, None, f"structure is nested more than {MAX_DEPTH} levels deep", event.start_mark,
                                           "import files are lists of flat records")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        # PyYAML keeps the last of two equal keys without a word; a hand-edited record that says
        # `name:` twice has lost one of them, so refuse it.
        first_lines: dict[str, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in first_lines:
                    raise yaml.MarkedYAMLError(
                        None, None, f"duplicate key '{key_node.value}' (first on line {first_lines[key_node.value]})",
                        key_node.start_mark, "give each field once; YAML would silently keep only the last",
                    )
                first_lines[key_node.value] = key_node.start_mark.line + 1
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        key_lines = {
            str(key_node.value): key_node.start_mark.line + 1 for key_node, _ in node.value
            if isinstance(key_node, yaml.ScalarNode) and key_node.start_mark.line + 1 != mapping.line
        }
        if key_lines:  # line_of falls back to the mapping's line, so a mapping on one line needs none
            mapping.key_lines = key_lines
        return mapping


class UnquotedNumber(str):
    """A plain YAML scalar that YAML 1.1 reads as a number and YAML 1.2 does not read as a decimal:
    ``010``, ``0x10``, ``0o17``, ``1:30``, ``1_000``. Kept as written, so an id or a name is the
    text typed (``id: 010`` is "010", never 8); a figure refuses it (see factdb.checks)."""

    __slots__ = ()


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
UNQUOTED_NUMBER = "tag:factdb,2026:unquoted-number"
# YAML 1.2's decimals (the core schema without its octal and hexadecimal forms, and without the
# leading zeros that YAML 1.1 reads as octal); .inf and .nan stay floats, for the figure check to refuse.
_DECIMAL_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_DECIMAL_FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_YAML11_NUMBER = re.compile("|".join(regexp.pattern for resolvers in yaml.SafeLoader.yaml_implicit_resolvers.values()
                                     for tag, regexp in resolvers if tag in (_INT, _FLOAT)), re.X)


def _resolvers(resolvers: list[tuple[str, re.Pattern[str]]]) -> list[tuple[str, re.Pattern[str]]]:
    kept = [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp", _INT, _FLOAT)]
    if any(tag in (_INT, _FLOAT) for tag, _ in resolvers):
        kept += [(_INT, _DECIMAL_INT), (_FLOAT, _DECIMAL_FLOAT), (UNQUOTED_NUMBER, _YAML11_NUMBER)]
    return kept


_LocatingLoader.yaml_implicit_resolvers = {
    first: _resolvers(resolvers) for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_int(loader: _LocatingLoader, node: yaml.ScalarNode) -> int:
    try:
        return int(node.value)
    except ValueError:  # Python refuses to read integers of more than 4,300 digits (sys.int_info)
        raise yaml.MarkedYAMLError(None, None, f"a number of {len(node.value):,} digits is too long to read", node.start_mark,
                                   TOO_MANY_DIGITS_HINT) from None


def _construct_unquoted_number(loader: _LocatingLoader, node: yaml.ScalarNode) -> UnquotedNumber:
    return UnquotedNumber(node.value)


def yaml11_number(text: str) -> Any:
    """The number YAML 1.1 (PyYAML's SafeLoader) reads from an UnquotedNumber, e.g. 15 for 017."""
    return yaml.safe_load(text)


TOO_MANY_DIGITS_HINT = "check for a typo: figures above 1,000,000,000,000,000 are refused anyway"
_LocatingLoader.add_constructor("tag:yaml.org,2002:map", _LocatingLoader.construct_mapping)
_LocatingLoader.add_constructor(_INT, _construct_int)
_LocatingLoader.add_constructor(UNQUOTED_NUMBER, _construct_unquoted_number)


@contextmanager
def _yaml_errors(path: str, text: str) -> Iterator[None]:
    """Turn PyYAML's exceptions into located ReadErrors."""
    try:
        yield
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        character = error.character if isinstance(error.character, str) else chr(error.character)
        raise ReadError(path, line, f"invalid YAML: character U+{ord(character):04X} is not allowed in YAML text",
                        "remove control characters such as NUL bytes; is this really a text file?") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        mark_line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "invalid YAML"
        hint = error.note or ("write plain values: YAML tags (!!...) are not accepted" if "for the tag" in problem
                              else "check indentation, colons and quoting on that line")
        raise ReadError(path, mark_line, f"invalid YAML: {problem}", hint) from None
    except yaml.YAMLError as error:
        raise ReadError(path, None, f"invalid YAML: {error}", "check the file's syntax") from None
    except RecursionError:
        raise ReadError(path, None, "structure is nested too deeply", "import files are lists of flat records") from None


def _yaml_records(path: str, raw: bytes) -> Iterator[Record]:
    """Records of a YAML import file: read by libyaml when it can, else by the pure-Python loader.

    libyaml reads about ten times faster, but it accepts a few things PyYAML refuses (tabs between
    tokens) and words its errors differently. So it reads only files it reads as PyYAML does, into
    plain values only (no tags, anchors or merge keys), and at anything else, any error included,
    hands over to the pure-Python loader: that carries on after the records already given, and
    reports what is wrong in the words users have always seen.
    """
    given = 0
    if _LibyamlLoader is not None and _libyaml_reads_as_pyyaml(raw):
        try:
            # A record is given once libyaml has read the next one: PyYAML reads a little past a
            # record before giving it, and had it stopped at an error there, the record must not
            # have been given.
            held = None
            for record in _libyaml_records(path, raw):
                if held is not None:
                    yield held
                    given += 1
                held = record
        except Exception:  # noqa: BLE001 - whatever it is, the pure-Python loader meets it again and reports it
            pass
        else:
            if held is not None:
                yield held
            return
    yield from islice(_pyyaml_records(path, raw.decode("utf-8-sig")), given, None)


def _pyyaml_records(path: str, text: str) -> Iterator[Record]:
    """Records of a YAML import file, composed one list item at a time.

    PyYAML's ``load`` builds a node for every scalar of the whole file before constructing
    anything (gigabytes for a large import); composing the top-level mapping by hand keeps
    only one record's nodes alive at a time.
    """
    with _yaml_errors(path, text):
        loader = _LocatingLoader(text)  # checks the text for unprintable characters
        loader.anchors = {}
        loader._depth = 2  # the file's mapping and the section's list, composed below by hand
        try:
            loader.get_event()  # stream start
            if loader.check_event(yaml.StreamEndEvent):
                return
            loader.get_event()  # document start
            if not loader.check_event(yaml.MappingStartEvent):
                root = loader.construct_document(loader.compose_node(None, None))
                if root is not None:
                    yield from _document_records(path, root)
                _expect_single_document(loader)
                return
            loader.get_event()
            first_lines: dict[str, int] = {}
            while not loader.check_event(yaml.MappingEndEvent):
                key_node = loader.compose_node(None, None)
                section = str(loader.construct_document(key_node))
                line = key_node.start_mark.line + 1
                if section in first_lines:
                    raise ReadError(path, line, f"invalid YAML: duplicate key '{section}' (first on line {first_lines[section]})",
                                    "give each section once; YAML would silently keep only the last")
                first_lines[section] = line
                yield from _yaml_section(path, loader, section, line)
            loader.get_event()  # mapping end
            _expect_single_document(loader)
        finally:
            loader.dispose()


def _yaml_section(path: str, loader: _LocatingLoader, section: str, line: int) -> Iterator[Record]:
    kind = SECTIONS.get(section)
    if kind is None:
        loader.compose_node(None, None)  # a hostile value (anchors, nesting) is the more useful report
        raise ReadError(path, line, f"unknown section '{section}'",
                        f"the sections are {', '.join(SECTIONS)}{closest_hint(section, SECTIONS)}")
    if not loader.check_event(yaml.SequenceStartEvent):
        items = loader.construct_document(loader.compose_node(None, None))
        if items is not None:
            raise ReadError(path, line, f"section '{section}' must be a list; found {type_name(items)}",
                            f"write each {kind} as an item starting with '- '")
        return
    loader.get_event()
    index = 0
    while not loader.check_event(yaml.SequenceEndEvent):
        node = loader.compose_node(None, None)
        item = loader.construct_document(node)
        item_line = item.line if isinstance(item, LineDict) else line
        _check_text(path, item_line, item)
        yield Record(kind, item, path, item_line, f"{section}[{index}]")
        index += 1
    loader.get_event()


def _expect_single_document(loader: _LocatingLoader) -> None:
    loader.get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        event = loader.get_event()
        raise yaml.MarkedYAMLError("expected a single document in the stream", None,
                                   "but found another document", event.start_mark)


class _NotPlain(Exception):
    """Something the libyaml reader leaves to the pure-Python loader: a tag, an anchor, a merge key,
    an error of any kind."""


# Where libyaml and PyYAML part ways (found by comparing them on many files): libyaml takes a tab
# as a separator where PyYAML refuses it, skips a byte order mark at the start of any line (PyYAML
# only at the start of the file) and takes `|#` as a block scalar header and a comment (PyYAML
# refuses it); and PyYAML refuses a file holding a character YAML does not allow before reading
# any record, libyaml only when it gets there. Files holding any of these bytes are left to PyYAML.
_C0_CONTROLS = bytes(range(0x20)).translate(None, b"\n\r") + b"\x7f"  # tab included
_LIBYAML_DIVERGES = (
    re.compile(rb"\xc2[\x80-\x84\x86-\x9f]"),  # C1 controls but NEL
    re.compile(rb"\xef\xbf[\xbe\xbf]"),  # U+FFFE, U+FFFF
    re.compile(rb"#(?:(?<=[|>]#)|(?<=[|>][-+0-9]#)|(?<=[|>][-+0-9]{2}#))"),
)
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
# What a plain scalar may resolve to and still be built here; merge (<<) and value (=) keys are not.
_PLAIN_SCALARS = {tag: _LocatingLoader.yaml_constructors[tag]
                  for tag in (_NULL, "tag:yaml.org,2002:bool", _INT, _FLOAT, UNQUOTED_NUMBER)}


def _libyaml_reads_as_pyyaml(raw: bytes) -> bool:
    return (len(raw.translate(None, _C0_CONTROLS)) == len(raw) and raw.find(codecs.BOM_UTF8, 1) == -1
            and not any(pattern.search(raw) for pattern in _LIBYAML_DIVERGES))


# libyaml's parser, where PyYAML was built with it (its stubs do not export it); else None.
_CParser: Any = vars(yaml.cyaml).get("CParser")
_LibyamlLoader: Any = None

if _CParser is not None and yaml.__with_libyaml__:
    class _Libyaml(_CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml's parser, building from its events the values _LocatingLoader would build.

        Nodes are never composed: each event becomes part of a value at once. Only plain YAML is
        built (untagged scalars, mappings and lists, no anchors, aliases or merge keys, each key
        once, text that a database can store, nesting within MAX_DEPTH); anything else raises
        _NotPlain.
        """

        yaml_implicit_resolvers = _LocatingLoader.yaml_implicit_resolvers

        def __init__(self, raw: bytes) -> None:
            _CParser.__init__(self, raw)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self.names: dict[str, str] = {}

        def value(self, event: Any, depth: int, flow: bool = False) -> Any:
            """The value of the node that ``event`` starts, at ``depth`` as _LocatingLoader counts it
            (``flow``: inside [...] or {...})."""
            kind = type(event)
            if depth > MAX_DEPTH or kind is yaml.AliasEvent or event.anchor is not None or event.tag is not None:
                raise _NotPlain
            if kind is yaml.ScalarEvent:
                return self.scalar(event, flow)
            flow = flow or bool(event.flow_style)
            if kind is yaml.MappingStartEvent:
                return self.mapping(event, depth, flow)
            if kind is yaml.SequenceStartEvent:
                items: list[Any] = []
                while True:
                    item = self.get_event()
                    if type(item) is yaml.SequenceEndEvent:
                        return items
                    items.append(self.value(item, depth + 1, flow))
            raise _NotPlain

        def mapping(self, event: Any, depth: int, flow: bool) -> LineDict:
            """The mapping that ``event`` starts (see value)."""
            mapping, line, key_lines, seen = LineDict(), event.start_mark.line + 1, {}, set()
            while True:
                key = self.get_event()
                if type(key) is not yaml.ScalarEvent:
                    if type(key) is yaml.MappingEndEvent:
                        break
                    raise _NotPlain  # a mapping or a list as a key
                written = key.value
                if depth + 1 > MAX_DEPTH or key.anchor is not None or key.tag is not None or written in seen:
                    raise _NotPlain
                seen.add(written)
                name = self.scalar(key, flow)
                if type(name) is str:  # one string per field name, however many records use it
                    written = name = self.names.setdefault(name, name)
                mark: Any = key.start_mark  # libyaml's events always have one
                if mark.line + 1 != line:
                    key_lines[written] = mark.line + 1
                mapping[name] = self.value(self.get_event(), depth + 1, flow)
            mapping.line = line
            if key_lines:
                mapping.key_lines = key_lines
            return mapping

        def scalar(self, event: Any, flow: bool) -> Any:
            value = event.value
            if event.implicit[0]:  # plain: resolved as PyYAML resolves it
                if flow and "?" in value:
                    raise _NotPlain  # `[a?b]`: PyYAML ends a plain scalar at "?" inside [...] and {...}
                tag = self.resolve(yaml.ScalarNode, value, event.implicit)
                if tag != _STR:
                    construct = _PLAIN_SCALARS.get(tag)
                    if construct is None:
                        raise _NotPlain
                    return construct(self, yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style))
            if _UNSTORABLE.search(value):
                raise _NotPlain  # _check_text says where
            return value
    _LibyamlLoader = _Libyaml


def _libyaml_records(path: str, raw: bytes) -> Iterator[Record]:
    """The records _pyyaml_records gives for a file of plain YAML; _NotPlain (or a YAML error) for
    anything else, including everything _pyyaml_records reports as a problem."""
    loader = _LibyamlLoader(raw)
    loader.get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        return
    loader.get_event()  # document start
    root = loader.get_event()
    if type(root) is not yaml.MappingStartEvent or root.anchor is not None or root.tag is not None:
        raise _NotPlain
    sections: set[str] = set()
    while not loader.check_event(yaml.MappingEndEvent):
        key = loader.get_event()
        if type(key) is not yaml.ScalarEvent or key.anchor is not None or key.tag is not None or key.value not in SECTIONS \
                or key.value in sections:
            raise _NotPlain
        mark: Any = key.start_mark  # libyaml's events always have one
        section, kind, line = key.value, SECTIONS[key.value], mark.line + 1
        sections.add(section)
        items = loader.get_event()
        if type(items) is yaml.ScalarEvent and items.anchor is None and items.tag is None and items.implicit[0] \
                and loader.resolve(yaml.ScalarNode, items.value, items.implicit) == _NULL:
            continue  # an empty section
        if type(items) is not yaml.SequenceStartEvent or items.anchor is not None or items.tag is not None:
            raise _NotPlain
        index = 0
        while True:
            event = loader.get_event()
            if type(event) is yaml.SequenceEndEvent:
                break
            item = loader.value(event, 3)  # after the file's mapping and the section's list
            yield Record(kind, item, path, item.line if isinstance(item, LineDict) else line, f"{section}[{index}]")
            index += 1
    loader.get_event()  # mapping end
    loader.get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        raise _NotPlain


# -- JSON -------------------------------------------------------------------------------------


# The pure-Python parts of the json module (not in its stubs): the C scanner cannot tell positions.
_json_decoder: Any = json.decoder
_json_scanner: Any = json.scanner


class _LocatingDecoder(json.JSONDecoder):
    """A JSON decoder whose objects know their line (the C scanner cannot tell us positions)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        line_starts = [0]
        index = text.find("\n")
        while index >= 0:
            line_starts.append(index + 1)
            index = text.find("\n", index + 1)

        depth = [0]

        def nested(parse):  # type: ignore[no-untyped-def]
            def parse_nested(s_and_end, *args):  # type: ignore[no-untyped-def]
                depth[0] += 1
                try:
                    if depth[0] > MAX_DEPTH:
                        raise json.JSONDecodeError(f"structure is nested more than {MAX_DEPTH} levels deep", text, s_and_end[1] - 1)
                    return parse(s_and_end, *args)
                finally:
                    depth[0] -= 1

            return parse_nested

        def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):  # type: ignore[no-untyped-def]
            start = s_and_end[1]
            pairs, end = _json_decoder.JSONObject(s_and_end, strict, scan_once, None, list, memo)
            located = LineDict(_unique_pairs(pairs, lambda key: json.JSONDecodeError(f"duplicate key {key!r}", text, start - 1)))
            located.line = bisect_right(line_starts, start - 1)
            return located, end

        self.parse_object = nested(parse_object)
        self.parse_array = nested(_json_decoder.JSONArray)
        self.scan_once = _json_scanner.py_make_scanner(self)


def _unique_pairs(pairs: list[tuple[str, Any]], error: Callable[[str], Exception]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a key given twice (json keeps the last one silently)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise error(key)
        result[key] = value
    return result


def _check_text(path: str, line: int | None, value: Any, key: str = "") -> None:
    """Refuse characters that escapes let in but text cannot hold: lone UTF-16 surrogates (\\ud800),
    which UTF-8 cannot encode, and NUL (\\u0000, "\\0"), where SQLite's text functions stop reading."""
    if isinstance(value, str):
        found = _UNSTORABLE.search(value)
        if found and found.group() == "\x00":
            raise ReadError(path, line, f"{key or 'text'}: invalid character U+0000 (NUL)", "remove it: text cannot contain NUL")
        if found:
            raise ReadError(path, line, f"{key or 'text'}: invalid character U+{ord(found.group()):04X} (a lone surrogate escape)",
                            "write the character itself in UTF-8, or escape it as a complete surrogate pair")
    elif isinstance(value, dict):
        for name, item in value.items():
            where = value.line_of(str(name)) if isinstance(value, LineDict) else line
            _check_text(path, where, name, str(name))
            _check_text(path, where, item, str(name))
    elif isinstance(value, list):
        for item in value:
            _check_text(path, getattr(item, "line", None) or line, item, key)


_LONG_NUMBER = re.compile(r"[0-9]{4301,}")


def _too_many_digits(path: str, line: int | None, text: str) -> ReadError:
    """The problem of a number Python refuses to read (more than 4,300 digits, sys.int_info)."""
    found = _LONG_NUMBER.search(text)
    if found is not None and line is None:
        line = text.count("\n", 0, found.start()) + 1
    digits = f"{found.end() - found.start():,} digits" if found else "too many digits"
    return ReadError(path, line, f"a number of {digits} is too long to read", TOO_MANY_DIGITS_HINT)


def _load_json(path: str, text: str) -> Any:
    try:
        return _LocatingDecoder(text).decode(text)
    except json.JSONDecodeError as error:
        raise ReadError(path, error.lineno, f"invalid JSON: {error.msg} (column {error.colno})", "check commas, brackets and quotes") from None
    except ValueError:
        raise _too_many_digits(path, None, text) from None
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
            _check_text(path, line, item)
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
    # utf-8-sig drops a byte order mark; newline="" lets csv and our line counting see CRLF as one end.
    if on_read is None:  # no progress to report: all in C, no Python call per block read
        return path.open(encoding="utf-8-sig", newline="", buffering=1 << 16)
    raw = _CountingReader(path.open("rb"), on_read)
    return io.TextIOWrapper(io.BufferedReader(raw, 1 << 16), encoding="utf-8-sig", newline="")


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):  # the cheap test first: this runs for every object of every line
        _unique_pairs(pairs, lambda key: json.JSONDecodeError(f"duplicate key {key!r}", "", 0))
    return result


_JSON_LINE = json.JSONDecoder(object_pairs_hook=_object_without_duplicate_keys)


# `{"kind": "claim", ...}`, as factdb export and most writers put it: the kind can be read without
# decoding the line, so each pass of the importer decodes only the lines it wants.
_LEADING_KIND = re.compile(r'\{\s*"kind"\s*:\s*"([a-z]+)"')


def _stated_kind(line: str) -> str | None:
    """The kind a line states first, when it states it unambiguously."""
    if line.startswith('{"kind": "claim",'):  # most lines of a large import, as factdb export writes them
        return "claim" if line.count('"kind"') == 1 else None
    match = _LEADING_KIND.match(line)
    if match is None or match.group(1) not in KINDS or line.count('"kind"') != 1:
        return None
    return match.group(1)


def _jsonl_records(path: Path, on_read: Callable[[int], None] | None, kinds: Collection[str] | None = None,
                   decode: Callable[[int], bool] | None = None, raw_claims: bool = False) -> Iterator[Record]:
    wanted = 0  # records of the wanted kinds so far: what ``decode`` is asked about
    name = str(path)
    with _open_text(path, on_read) as handle:
        for number, line in _decoded_lines(handle, name):
            if not line or line.isspace():  # blank: what strip() would empty, without copying the line
                continue
            stated = _stated_kind(line) if kinds is not None or decode is not None or raw_claims else None
            if stated is not None and kinds is not None and stated not in kinds:
                # Counted, not decoded: the pass that wants this kind decodes and checks the line.
                yield Record(stated, {}, name, number, f"line {number}")
                continue
            if stated is not None and decode is not None:
                wanted += 1
                if not decode(wanted - 1):
                    # Another worker's record (see factdb.import_workers): counted, not decoded.
                    yield Record(stated, {}, name, number, f"line {number}")
                    continue
            if raw_claims and stated == "claim":
                yield Record(stated, {}, name, number, f"line {number}", line, raw=True)
                continue
            record = _jsonl_record(name, number, line)
            if decode is not None and stated is None and (kinds is None or record.kind in kinds):
                wanted += 1  # a kind not stated first: known only now, decoded whoever wants it
            yield record


_CLAIM_PREFIX = b'{"kind": "claim",'
_CLAIM_LINE_START = b"\n" + _CLAIM_PREFIX
COUNTED_BLOCK = 1 << 22


def count_claim_lines(path: Path) -> int | None:
    """How many lines a JSON Lines file holds when each one is a claim stating its kind first and
    once, as ``factdb export`` writes it (``{"kind": "claim", ...``), every line ended by "\\n", the
    file UTF-8 without a byte order mark: what a pass that does not decode claims reads such a file
    for (_jsonl_records would yield each as a claim not decoded), counted in C a block of whole
    lines at a time instead of line by line. None for any other file, to be read line by line
    (which says where anything is wrong)."""
    lines = 0
    with path.open("rb") as handle:
        while True:
            block = handle.read(COUNTED_BLOCK)
            if not block:
                return lines
            if not block.endswith(b"\n"):
                block += handle.readline()  # whole lines: a newline byte is never part of a character's bytes
                if not block.endswith(b"\n"):
                    block += b"\n"  # the last line, unended
            if not _claim_lines(block):
                return None
            lines += block.count(b"\n")


def _claim_lines(lines: bytes) -> bool:
    """Whether each of these lines (each ended by "\\n") is a claim stating its kind first and once."""
    count = lines.count(b"\n")
    if b"\r" in lines or not lines.startswith(_CLAIM_PREFIX) or lines.count(_CLAIM_LINE_START) != count - 1:
        return False
    if lines.count(b'"kind"') != count:
        return False
    try:
        return lines.isascii() or bool(lines.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def decoded(record: Record) -> Record:
    """A record read ``raw`` (see read_records), decoded as it would have been; raises ReadError."""
    if not record.raw or record.text is None or record.line is None:
        return record
    return _jsonl_record(record.path, record.line, record.text)


def _jsonl_record(path: str, number: int, line: str) -> Record:
    """The record on line ``number`` of a JSON Lines file; raises ReadError."""
    try:
        # json.loads(line, object_pairs_hook=...) would build a decoder for every line; it
        # also names a byte order mark, which only it is left to see.
        data = _JSON_LINE.decode(line) if not line.startswith("\ufeff") else json.loads(
            line, object_pairs_hook=_object_without_duplicate_keys)
    except json.JSONDecodeError as error:
        raise ReadError(path, number, f"invalid JSON: {error.msg} (column {error.colno})", "each line must be one complete JSON object") from None
    except ValueError:
        raise _too_many_digits(path, number, line) from None
    except RecursionError:
        raise ReadError(path, number, "structure is nested too deeply", "each line is one flat record") from None
    if not isinstance(data, dict):
        raise ReadError(path, number, f"expected a JSON object; found {type_name(data)}", 'write one object per line, e.g. {"kind": "claim", ...}')
    if "\\u" in line:  # a lone surrogate can only come from an escape
        _check_text(path, number, data)
    kind = data.pop("kind", None)
    if kind == "source" and "source_kind" in data:
        # `kind` names the record type in JSON Lines, so a source's own kind travels as source_kind,
        # and a removed record's as removed_kind.
        data["kind"] = data.pop("source_kind")
    elif kind == "removed" and "removed_kind" in data:
        data["kind"] = data.pop("removed_kind")
    if kind not in KINDS:
        raise ReadError(
            path, number, f"'kind' must be one of {', '.join(KINDS)}; found {kind!r}",
            f"add \"kind\": \"claim\" (or another kind) to the object{closest_hint(str(kind), KINDS)}",
        )
    return Record(kind, data, path, number, f"line {number}", line if kind == "claim" else None)


def _decoded_lines(handle: io.TextIOWrapper, path: str) -> Iterator[tuple[int, str]]:
    number = 0
    try:
        for number, line in enumerate(handle, start=1):  # noqa: B007 - number used after the loop on error
            yield number, line
    except UnicodeDecodeError:
        raise _utf8_error(path) from None


def _utf8_error(path: str) -> ReadError:
    """Locate the first byte that is not UTF-8: the text reader decodes in blocks, ahead of the lines."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError as error:
                at = min(max(error.start, 0), len(line) - 1)
                return ReadError(path, number, f"not valid UTF-8 (byte 0x{line[at]:02x} at byte {at + 1} of the line)",
                                 "save the file as UTF-8")
    return ReadError(path, None, "not valid UTF-8 (the file ends in the middle of a character)", "save the file as UTF-8")


def _csv_records(path: Path, on_read: Callable[[int], None] | None, decode: Callable[[int], bool] | None = None) -> Iterator[Record]:
    """One claim per run of consecutive rows sharing a claim_id (or, without ids, all claim columns).

    Claims ``decode`` says no to are only delimited, not checked or built: yielded with empty data.
    """
    with _open_text(path, on_read) as handle:
        # The file's lines straight to the reader (no generator between them: a Python call per row).
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise ReadError(str(path), 1, f"invalid CSV: {error}", "check quoting in the header row") from None
        except UnicodeDecodeError:
            raise _utf8_error(str(path)) from None
        if header is None:
            return
        columns = [name.strip() for name in header]
        _check_csv_header(str(path), columns)
        current: Record | None = None
        current_key: str | tuple[str, ...] | None = None  # what rows of the current claim share
        current_start, claims = 0, 0
        for row_start, row_number, values in _csv_rows(str(path), reader, columns):
            claim_id = values.get("claim_id", "").strip()
            key = claim_id or tuple(values.get(c, "").strip() for c in _CLAIM_COLUMNS)
            same = key == current_key
            wanted = current is not None if same else decode is None or decode(claims)
            if wanted and _UNSTORABLE.search("".join(values.values())) is not None:
                # The header's names are known columns: only a cell can hold what text cannot, and
                # one search of them all spares most rows a call per cell (_check_text names the cell).
                _check_text(str(path), row_number, values)
            if same:
                if current is not None:
                    current.data["figures"].append(_located(_drop_empty(_figure_cells(values)), row_start))
                continue
            if current_key is not None:
                yield current or Record("claim", {}, str(path), current_start, f"row {current_start}")
            claims, current_key, current_start, current = claims + 1, key, row_start, None
            if wanted:
                figure = _figure_cells(values)
                data: dict[str, Any] = _drop_empty({("id" if k == "claim_id" else k): v for k, v in values.items()})
                data["figures"] = [_located(_drop_empty(figure), row_start)] if any(v.strip() for v in figure.values()) else []
                current = Record("claim", data, str(path), row_start, f"row {row_start}")
        if current_key is not None:
            yield current or Record("claim", {}, str(path), current_start, f"row {current_start}")


def _csv_rows(path: str, reader: Any, columns: list[str]) -> Iterator[tuple[int, int, dict[str, str]]]:
    """(line the row starts on, line it ends on, its cells by column) of each row that is not blank."""
    while True:
        # A quoted cell may span lines: a row is named by the line it starts on.
        row_start = reader.line_num + 1
        try:
            row = next(reader, None)
        except UnicodeDecodeError:
            raise _utf8_error(path) from None
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise ReadError(path, reader.line_num, f"a cell is longer than {csv.field_size_limit():,} characters",
                                "look for a quote (\") that is never closed; quotes are at most 10,000 characters") from None
            raise ReadError(path, reader.line_num, f"invalid CSV: {error}", "check the quotes on that row") from None
        if row is None:
            return
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise ReadError(
                path, reader.line_num, f"row has {len(row)} columns; the header has {len(columns)}",
                "quote values that contain commas, and give every row the header's columns",
            )
        yield row_start, reader.line_num, dict(zip(columns, row, strict=True))


def _figure_cells(values: dict[str, str]) -> dict[str, str]:
    """Take a row's figure cells out of ``values``."""
    return {k: values.pop(k) for k in ("metric", "population", "value", "qualifier", "low", "high", "derived") if k in values}


_CLAIM_COLUMNS = ("document", "source", "via", "event", "claimed_on", "quote", "statement", "status", "supersedes")


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


def _located(values: dict[str, str], line: int) -> LineDict:
    located = LineDict(values)
    located.line = line
    return located


def _drop_empty(values: dict[str, str]) -> dict[str, str]:
    return {k: stripped for k, v in values.items() if v is not None and (stripped := v.strip())}


# -- entry point ----------------------------------------------------------------------------------


def read_records(path: Path, on_read: Callable[[int], None] | None = None, kinds: Collection[str] | None = None,
                 decode: Callable[[int], bool] | None = None, raw_claims: bool = False) -> Iterator[Record]:
    """Yield the records of one import file in order; raise ReadError for unreadable input.

    With ``kinds``, JSON Lines records of other kinds may be yielded undecoded (kind and line only,
    empty data): enough to count them, never to import them. ``decode(n)`` is asked about the n-th
    record of the wanted kinds: when it says no, that record is yielded with empty data too (in
    JSON Lines, if its line states its kind first); workers that share a file use this.
    With ``raw_claims``, a JSON Lines claim to be decoded whose line states its kind first is yielded
    ``raw``: its line only, for whoever reads it to recognise it (a line stored already) or decode it
    (decoded()).
    """
    fmt = file_format(path)
    if fmt == "jsonl":
        yield from _jsonl_records(path, on_read, kinds, decode, raw_claims)
        return
    if fmt == "csv":
        yield from _csv_records(path, on_read, decode)
        return
    raw = path.read_bytes()
    if on_read:
        on_read(len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ReadError(str(path), line, f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})", "save the file as UTF-8") from None
    if not text.strip():
        return  # an empty file holds no records, in JSON as in YAML
    if fmt == "yaml":
        del text  # libyaml reads the bytes; the pure-Python loader decodes them again if it is needed
        yield from _yaml_records(str(path), raw)
        return
    yield from _document_records(str(path), _load_json(str(path), text))


def type_name(value: Any) -> str:
    return {dict: "a mapping", LineDict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}.get(
        type(value), "nothing" if value is None else type(value).__name__
    )


def closest_hint(word: str, choices: Collection[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""
