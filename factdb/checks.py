"""The checks of import records that need no database: fields, references to what the import knows,
figures, the content hash and the record digest.

Each ``check_*`` function takes a record as read (factdb.readers) and a :class:`Lookups` snapshot of
the ids the import knows, and returns either the record prepared for writing or its problems. The
importer (factdb.importer) writes what they prepare; its validation workers (factdb.import_workers)
run :func:`check_claim` in other processes. Nothing here imports SQLAlchemy or the models, which
would be a third of each worker's memory.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from factdb.figure_checks import stated_disagreement, unsupported_by_quote, whole_count_problem
from factdb.figures import Figure, FigureError, figure_from_parts, parse_figure
from factdb.readers import LineDict, Record, UnquotedNumber, closest_hint, decoded, type_name, yaml11_number
from factdb.vocabulary import CLAIM_STATUSES, GRADES, RELATIONS, REMOVABLE_KINDS, REVIEW_STATUSES, SOURCE_KINDS

# The version of the rules below: what a record digest stands for. A stored claim whose digest
# matches a line's is not checked again, so any change to what a check accepts, reports or
# prepares must bump it (tests/test_import_golden.py fails until someone does).
CHECK_RULES_VERSION = 8

MAX_PROBLEMS = 200
MAX_TEXT = 10_000  # names, titles, statements
MAX_QUOTE = 10_000
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)
URL_SCHEMES = ("http", "https")  # a url is shown as a link: javascript:, data:, file: would run or leak there
PRECISION_BY_LENGTH = {4: "year", 7: "month", 10: "day"}

FIELDS: dict[str, dict[str, bool]] = {  # field -> required
    "source": {"id": True, "name": True, "kind": True, "aliases": False, "url": False, "country": False,
               "description": False, "part_of": False, "member_of": False},
    "event": {"id": True, "name": True, "description": False, "start": False, "end": False, "parent": False},
    "metric": {"id": True, "name": True, "unit": True, "description": False},
    "document": {"id": True, "title": True, "author": False, "publisher": False, "published": False, "url": False,
                 "language": False, "text": False, "text_file": False,
                 # an archived original (factdb.evidence_records) instead of text_file
                 "original_file": False, "original": False, "custody": False},
    "claim": {"id": False, "document": True, "source": True, "via": False, "event": False, "claimed_on": False,
              "quote": True, "statement": False, "supersedes": False, "status": False, "figures": False,
              # review annotations written by `factdb extract`; accepted, not stored
              "confidence": False, "reason": False,
              # written by `factdb export`; computed again from the document's pages, not stored as given
              "quote_page": False, "review": False},
    # The editors' review and grade of a claim (factdb.editorial), as `factdb export` writes them.
    "review": {"status": True, "by": False, "at": False, "note": False, "grade": False, "rationale": False},
    "figure": {"metric": True, "population": False, "value": False, "qualifier": False, "low": False, "high": False,
               "stated": False, "derived": False},
    # A record removed with `factdb remove`, as `factdb export` writes it (factdb.removals): which, when, by whom,
    # why, and its last version in the import format.
    "removed": {"kind": True, "id": True, "at": True, "by": False, "reason": False, "last": True},
}
REQUIRED_FIELDS = {kind: tuple(name for name, required in fields.items() if required) for kind, fields in FIELDS.items()}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located precisely enough to fix it."""

    path: str
    line: int | None
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class Problems:
    """Problems in the order found. Past MAX_PROBLEMS they are only counted, unless ``keep_all``:
    the problems of one record, or of a worker's chunk, are merged into the importer's collector,
    which applies the cap to the whole import."""

    __slots__ = ("items", "keep_all", "truncated")

    def __init__(self, *, keep_all: bool = False) -> None:
        self.items: list[Problem] = []
        self.truncated = 0
        self.keep_all = keep_all

    def add(self, problem: Problem) -> None:
        if len(self.items) >= MAX_PROBLEMS and not self.keep_all:
            self.truncated += 1
            return
        self.items.append(problem)

    def add_always(self, problem: Problem) -> None:
        """Past the cap too: a file that cannot be read, the revisions checked at the end."""
        self.items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def at(self, record: Record | None, key: str, message: str, hint: str = "", *, path: str = "",
           line: int | None = None) -> None:
        """A problem with field ``key`` of ``record`` (the whole record when ``key`` is empty)."""
        if record is not None:
            path = record.path
            line = line if line is not None else record.line_of(key.split(".")[0].split("[")[0])
            key = f"{record.label}.{key}" if key else record.label
        self.add(Problem(path, line, key, message, hint))

    @property
    def found(self) -> int:
        """How many were found, kept or not."""
        return len(self.items) + self.truncated

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True, slots=True)
class Lookups:
    """What the import knows when it checks a record: the sources (by lower-cased id or alias), events,
    metrics, and documents with their pk and published date. The importer adds the entities of the
    first pass to these collections; claims are checked against them, by the importer and, copied,
    by each worker, and never change them."""

    source_keys: dict[str, str] = field(default_factory=dict)  # lower-cased id or alias -> source id
    aliases: dict[str, str] = field(default_factory=dict)  # lower-cased alias -> the alias as written
    events: set[str] = field(default_factory=set)
    metrics: set[str] = field(default_factory=set)
    documents: dict[str, tuple[int, str | None]] = field(default_factory=dict)  # id -> (pk, published)
    count_units: dict[str, str] = field(default_factory=dict)  # metric id -> unit, for units that count (is_count_unit)
    number_format: str = "en"  # how the import's figures write digits: "en" (1,500.5) or "eu" (1.500,5)
    # name_key() of every source's name and alias -> (source id, the name as written): see look_alike()
    source_names: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False, repr=False)
    # kind -> (how many ids it was built from, lower-cased id -> id): see lowered()
    lowered_ids: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict, compare=False, repr=False)

    def lowered(self, kind: str, known: set[str] | dict[str, Any]) -> dict[str, str]:
        """Lower-cased ids of ``kind`` -> ids, built again only when ids were added since."""
        cached = self.lowered_ids.get(kind)
        if cached is None or cached[0] != len(known):
            cached = self.lowered_ids[kind] = (len(known), {k.lower(): k for k in known})
        return cached[1]


# -- field readers --------------------------------------------------------------------------------


def check_fields(problems: Problems, record: Record, data: Any, kind: str, prefix: str = "") -> bool:
    """Whether ``data`` is a mapping of known fields with every required one."""
    if not isinstance(data, dict):
        problems.at(record, prefix.rstrip("."), f"expected a mapping of fields for a {kind}; found {type_name(data)}",
                    f"write the {kind} as key: value pairs")
        return False
    known = FIELDS[kind]
    ok = True
    if not known.keys() >= data.keys():  # one set operation for the usual case: every field known
        for key in data:
            if str(key) not in known:
                problems.at(record, f"{prefix}{key}", f"unknown field for a {kind}",
                            f"the fields are {', '.join(known)}{closest_hint(str(key), tuple(known))}")
                ok = False
    for key in REQUIRED_FIELDS[kind]:
        value = data.get(key)
        if value is None or (type(value) is str and is_blank(value)):
            if kind == "claim" and key == "quote" and value is not None:
                continue  # reported with a better message by the quote check
            problems.at(record, f"{prefix}{key}", "missing", f"every {kind} needs '{key}'")
            ok = False
    return ok


def read_text(problems: Problems, record: Record, data: dict[str, Any], key: str, *, limit: int = MAX_TEXT,
              prefix: str = "") -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if type(value) is str:  # the usual case, checked first: this runs a dozen times per claim
        text = value.strip()
        if len(text) <= limit and text.isascii():
            return text or None  # stripped ASCII is blank only when empty (see is_blank)
    elif isinstance(value, bool):
        # YAML 1.1 reads an unquoted yes, no, on, off, y or n as a boolean: Norway's country code is NO.
        problems.at(record, f"{prefix}{key}", f"expected text; found {type_name(value)}",
                    f"YAML reads an unquoted yes, no, on, off, true or false as true or false: quote it, e.g. {key}: \"NO\"")
        return None
    elif not isinstance(value, (str, int, float)):
        problems.at(record, f"{prefix}{key}", f"expected text; found {type_name(value)}", f"write {key} as a single text value")
        return None
    else:
        text = str(value).strip()
    if len(text) > limit:
        problems.at(record, f"{prefix}{key}", f"is {len(text):,} characters long; at most {limit:,} are accepted",
                    "shorten it to the passage that matters")
        return None
    return None if is_blank(text) else text


def is_blank(text: str) -> bool:
    """Whether ``text`` shows nothing: empty, spaces, or only invisible characters (zero-width space,
    word joiner, byte order mark: Unicode's format characters) besides spaces."""
    if text.isascii():
        return not text.strip()
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


def name_key(text: str) -> str:
    """The form in which two names of sources are the same name: without invisible characters
    (zero-width space, joiners, soft hyphen: Unicode's format characters), in NFKC (fullwidth,
    ligatures and other compatibility forms as their plain letters), case-folded, spaces collapsed.
    "Amnesty\u200b", "ＡＭＮＥＳＴＹ" and "amnesty" are one name."""
    visible = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return " ".join(unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", visible).casefold()).split())


def look_alike(lookups: Lookups, name: str, source_id: str) -> tuple[str, str] | None:
    """(source id, name as written) of another source with a name or alias that reads as ``name``;
    None if there is none, and then ``name`` is taken for ``source_id``."""
    key = name_key(name)
    owner = lookups.source_names.get(key)
    if owner is not None and owner[0] != source_id:
        return owner
    lookups.source_names[key] = (source_id, name)
    return None


def non_ascii_digits(text: str) -> str:
    """The digits of ``text`` that are not ASCII 0-9 (Persian, Arabic-Indic, fullwidth...), in order."""
    return "" if text.isascii() else "".join(char for char in text if char.isdigit() and not char.isascii())


def _digits_hint(text: str) -> str:
    scripts = dict.fromkeys(unicodedata.name(c, "other").split(" DIGIT")[0].lower() for c in non_ascii_digits(text))
    return f"write digits as ASCII 0-9 (this has {' and '.join(scripts)} digits)"


def read_url(problems: Problems, record: Record, data: dict[str, Any], key: str) -> str | None:
    """An http(s) address: anything else (javascript:, data:, file:, a bare path) is refused, since
    every page shows the url as a link."""
    value = read_text(problems, record, data, key, limit=2000)
    if value is None:
        return None
    try:
        parts = urlsplit(value)
    except ValueError as error:
        problems.at(record, key, f"'{value}' is not a valid address ({error})", "give the page's http:// or https:// address")
        return None
    if parts.scheme.lower() not in URL_SCHEMES or not parts.hostname or _unprintable_or_space(value):
        scheme = f"'{parts.scheme}:' addresses are not accepted" if parts.scheme and parts.scheme.lower() not in URL_SCHEMES \
            else "it is not an http(s) address with a host"
        problems.at(record, key, f"'{value}' is refused: {scheme}", "give the page's http:// or https:// address, e.g. https://example.org/report")
        return None
    return value


def _unprintable_or_space(value: str) -> bool:
    """Whether any character of ``value`` is whitespace or not printable. Every whitespace character but
    the plain space is unprintable (Unicode's separators and controls), so two scans in C do it."""
    return not value.isprintable() or " " in value


def read_identifier(problems: Problems, record: Record, data: dict[str, Any], key: str, *, prefix: str = "") -> str | None:
    value = read_text(problems, record, data, key, limit=200, prefix=prefix)
    if value is not None and not ID_PATTERN.match(value):
        if non_ascii_digits(value):
            problems.at(record, f"{prefix}{key}", f"'{value}' is not a valid id: ids take ASCII digits only", _digits_hint(value))
            return None
        problems.at(record, f"{prefix}{key}", f"'{value}' is not a valid id",
                    "use letters, digits, '-', '_', '.', ':' (no spaces), e.g. 'amnesty-2019-12-16'")
        return None
    return value


def read_date(problems: Problems, record: Record, data: dict[str, Any], key: str) -> tuple[str, str] | None:
    """(date, precision) of a YYYY, YYYY-MM or YYYY-MM-DD field."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        value = str(value)  # YAML reads `published: 2020` as a number; a bare year is fine
    if not isinstance(value, str):
        problems.at(record, key, f"expected a date as text (YYYY, YYYY-MM or YYYY-MM-DD); found {type_name(value)} {value!r}",
                    "write e.g. 2019-12-16, 2019-12 or 2019")
        return None
    value = value.strip()
    if non_ascii_digits(value):
        ascii_form = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in value)
        hijri = ascii_form[:4].isdigit() and 1200 <= int(ascii_form[:4]) <= 1500
        problems.at(record, key, f"'{value}' is written in digits other than ASCII 0-9; dates take ASCII digits only",
                    f"{_digits_hint(value)}; " + ("it reads as the Solar Hijri date " + ascii_form + ": convert it to the Gregorian "
                                                  "calendar (e.g. 1398-08-24 is 2019-11-15)" if hijri else f"e.g. {ascii_form}"))
        return None
    match = DATE_PATTERN.match(value)
    if not match:
        problems.at(record, key, f"'{value}' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD",
                    "write e.g. 2019-12-16, 2019-12 or 2019 (an unknown day is left out, not invented)")
        return None
    year, month, day = (int(g) if g else 0 for g in match.groups())
    try:
        date(year, month or 1, day or 1)
    except ValueError as error:
        problems.at(record, key, f"'{value}' is not a real date ({error})", "check the day and month")
        return None
    return value, PRECISION_BY_LENGTH[len(value)]


def read_choice(problems: Problems, record: Record, value: str | None, key: str, allowed: Sequence[str]) -> str | None:
    if value is not None and value not in allowed:
        problems.at(record, key, f"'{value}' is not allowed", f"use one of {', '.join(allowed)}{closest_hint(value, tuple(allowed))}")
        return None
    return value


def read_list_of_text(problems: Problems, record: Record, data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    result = []
    for index, item in enumerate(items):
        if isinstance(item, bool) or not isinstance(item, (str, int)) or not str(item).strip():
            found = "empty text" if isinstance(item, str) else type_name(item)
            problems.at(record, f"{key}[{index}]" if isinstance(value, list) else key,
                        f"expected text; found {found}", f"write {key} as text or a list of texts")
            continue
        result.append(str(item).strip())
    return result


def _closest(word: str, candidates: Iterable[str]) -> str:
    matches = difflib.get_close_matches(word.lower(), list(candidates), n=3, cutoff=0.5)
    return f"; closest known: {', '.join(matches)}" if matches else ""


def _closest_source(lookups: Lookups, value: str) -> str:
    """The closest ids and aliases; an alias is shown as written, with the source it names."""
    shown: list[str] = []
    for key in difflib.get_close_matches(value.lower(), list(lookups.source_keys), n=3, cutoff=0.5):
        source_id = lookups.source_keys[key]
        if key == source_id.lower():
            label = source_id
        else:
            label = f"{lookups.aliases.get(key, key)} (alias of {source_id})"
        if label not in shown:
            shown.append(label)
    return f"; closest known: {', '.join(shown)}" if shown else ""


def resolve_source(problems: Problems, lookups: Lookups, record: Record | None, key: str, value: str | None) -> str | None:
    """The id of the source ``value`` names (by id or alias, in any case); None, and a problem, if none."""
    if value is None:
        return None
    found = lookups.source_keys.get(value.lower())
    if found is None:
        problems.at(record, key, f"unknown source '{value}'{_closest_source(lookups, value)}",
                    "define the source under 'sources:' (in this or another file of the import), or use its id or an alias")
    return found


def resolve(problems: Problems, lookups: Lookups, record: Record | None, key: str, value: str | None,
            known: set[str] | dict[str, Any], kind: str, line: int | None = None) -> str | None:
    """The id of the event, metric (in any case) or document (exactly) ``value`` names; None, and a problem, if none."""
    if value is None:
        return None
    if value in known:
        return value
    if kind != "document":
        lowered = lookups.lowered(kind, known)
        if value.lower() in lowered:
            return lowered[value.lower()]
    problems.at(record, key, f"unknown {kind} '{value}'{_closest(value, known)}",
                f"define it under '{kind}s:' in this or another file of the import, or fix the id", line=line)
    return None


def location_of(record: Record) -> Record:
    """The record without its data, still able to say where each field was: kept for checks at the
    end of the pass without keeping every document's text in memory."""
    data = LineDict()
    if isinstance(record.data, LineDict):
        data.line = record.data.line
        data.key_lines = getattr(record.data, "key_lines", {})
    else:
        data.line = record.line
    return Record(record.kind, data, record.path, record.line, record.label)


# -- entities -------------------------------------------------------------------------------------
#
# An entity record is checked in two steps around what only the importer knows (whether this import
# defined the same id before): ``problems`` are reported first, then the importer's own, then
# ``late_problems`` if the record got that far. The order, and what is reported at all, is the
# order in which the fields are read.


@dataclass(frozen=True, slots=True)
class PreparedSource:
    values: dict[str, Any]  # the sources table's columns
    aliases: list[str]
    relations: list[tuple[str, str]]  # (relation, target as written)
    problems: list[Problem]
    late_problems: list[Problem]
    refused_late: bool  # late_problems refuse the record (its id names another source), besides the import


@dataclass(frozen=True, slots=True)
class PreparedEvent:
    values: dict[str, Any]  # the events table's columns, without the parent
    parent: str | None  # as written, or the known event it names in another case
    problems: list[Problem]
    late_problems: list[Problem]


@dataclass(frozen=True, slots=True)
class PreparedMetric:
    values: dict[str, Any]
    problems: list[Problem]
    late_problems: list[Problem]


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    values: dict[str, Any]  # the documents table's columns but pk and publisher_id
    publisher: str | None  # as written
    problems: list[Problem]
    late_problems: list[Problem]
    refused_late: bool  # late_problems refuse the record (an empty text), besides the import
    evidence: Any = None  # factdb.evidence.Evidence: the archived original the text was extracted from


def check_source(record: Record, lookups: Lookups) -> PreparedSource | list[Problem]:
    problems, data = Problems(keep_all=True), record.data
    if not check_fields(problems, record, data, "source"):
        return problems.items
    source_id = read_identifier(problems, record, data, "id")
    name = read_text(problems, record, data, "name")
    kind = read_choice(problems, record, read_text(problems, record, data, "kind"), "kind", SOURCE_KINDS)
    # alias_key is unique: an alias repeated in another case names the source once, as first written.
    aliases = list({alias.lower(): alias for alias in reversed(read_list_of_text(problems, record, data, "aliases"))}.values())[::-1]
    relations = [(r, target) for r in RELATIONS for target in read_list_of_text(problems, record, data, r)]
    if source_id is None or name is None or kind is None:
        return problems.items
    late = Problems(keep_all=True)
    owner = lookups.source_keys.get(source_id.lower())
    if owner is not None and owner != source_id:
        late.at(record, "id", f"'{source_id}' is already a name of source '{owner}'", "choose another id, or use that source")
        return PreparedSource({"id": source_id}, aliases, relations, problems.items, late.items, True)
    values = {"id": source_id, "name": name, "kind": kind, "url": read_url(late, record, data, "url"),
              "country": read_text(late, record, data, "country"), "description": read_text(late, record, data, "description")}
    return PreparedSource(values, aliases, relations, problems.items, late.items, False)


def check_event(record: Record, lookups: Lookups) -> PreparedEvent | list[Problem]:
    problems, data = Problems(keep_all=True), record.data
    if not check_fields(problems, record, data, "event"):
        return problems.items
    event_id = read_identifier(problems, record, data, "id")
    name = read_text(problems, record, data, "name")
    start = read_date(problems, record, data, "start")
    end = read_date(problems, record, data, "end")
    parent = read_identifier(problems, record, data, "parent")
    if parent is not None and parent not in lookups.events:
        # Compare with the stored parent by its id: the file may name it in another case.
        parent = next((known for known in lookups.events if known.lower() == parent.lower()), parent)
    if start and end and start[0][: len(end[0])] > end[0]:
        problems.at(record, "end", f"the event ends ({end[0]}) before it starts ({start[0]})", "swap or correct the dates")
        return problems.items
    if event_id is None or name is None:
        return problems.items
    late = Problems(keep_all=True)
    values = {"id": event_id, "name": name, "description": read_text(late, record, data, "description"),
              "start_date": start[0] if start else None, "start_precision": start[1] if start else None,
              "end_date": end[0] if end else None, "end_precision": end[1] if end else None}
    return PreparedEvent(values, parent, problems.items, late.items)


def check_metric(record: Record, lookups: Lookups) -> PreparedMetric | list[Problem]:
    problems, data = Problems(keep_all=True), record.data
    if not check_fields(problems, record, data, "metric"):
        return problems.items
    metric_id = read_identifier(problems, record, data, "id")
    name = read_text(problems, record, data, "name")
    unit = read_text(problems, record, data, "unit", limit=100)
    if metric_id is None or name is None or unit is None:
        return problems.items
    late = Problems(keep_all=True)
    values = {"id": metric_id, "name": name, "unit": unit, "description": read_text(late, record, data, "description")}
    return PreparedMetric(values, problems.items, late.items)


def _document_text(problems: Problems, record: Record, data: dict[str, Any]) -> str | None:
    has_text, has_file = data.get("text") is not None, data.get("text_file") is not None
    if has_text == has_file:
        problems.at(record, "text", "give exactly one of 'text' (inline) or 'text_file' (a path)",
                    "the archived full text is what quotes are checked against")
        return None
    if has_text:
        value = data["text"]
        if not isinstance(value, str):
            problems.at(record, "text", f"expected text; found {type_name(value)}", "write the document's full text")
            return None
        return value
    target = confined_path(problems, record, "text_file", "give the document's full text as 'text'", "documents/article.txt")
    return None if target is None else _read_text_file(problems, record, data["text_file"], target)


def confined_path(problems: Problems, record: Record, key: str, instead: str, example: str) -> Path | None:
    """The file that field ``key`` names, relative to the import file and inside its folder; None (and a problem) otherwise."""
    relative = record.data[key]
    if not record.from_file:
        problems.at(record, key, f"records given in Python have no folder for a {key} to be relative to", instead)
        return None
    if not isinstance(relative, str) or not relative.strip():
        problems.at(record, key, f"expected a relative path; found {type_name(relative)}", f"e.g. {example}")
        return None
    folder = Path(record.path).resolve().parent
    candidate = Path(relative)
    target = (folder / candidate).resolve()
    if candidate.is_absolute() or not target.is_relative_to(folder):
        what = "document texts" if key == "text_file" else "originals"
        problems.at(record, key, f"'{relative}' points outside the import file's folder ({folder})",
                    f"keep {what} in the same folder as the import file or below it, with a relative path")
        return None
    return target


def _read_text_file(problems: Problems, record: Record, relative: str, target: Path) -> str | None:
    if not target.exists():
        problems.at(record, "text_file", f"'{relative}' does not exist (looked for {target})", "check the file name and folder")
        return None
    if not target.is_file():
        problems.at(record, "text_file", f"'{relative}' is not a file", "point text_file at the document's text file")
        return None
    raw = target.read_bytes()
    if b"\x00" in raw:
        problems.at(record, "text_file", f"'{relative}' contains NUL bytes (first at offset {raw.index(0)}); is it a text file?",
                    "archive the document as plain UTF-8 text")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.at(record, "text_file", f"'{relative}' is not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})",
                    "save the document text as UTF-8")
        return None


def check_document(record: Record, lookups: Lookups) -> PreparedDocument | list[Problem]:
    problems, data = Problems(keep_all=True), record.data
    if not check_fields(problems, record, data, "document"):
        return problems.items
    document_id = read_identifier(problems, record, data, "id")
    title = read_text(problems, record, data, "title")
    published = read_date(problems, record, data, "published")
    publisher = read_text(problems, record, data, "publisher")
    evidence = _document_evidence(problems, record, data)
    if _has_original(data):
        text = evidence.extracted.text if evidence is not None else None
    else:
        text = _document_text(problems, record, data)
    if document_id is None or title is None or text is None:
        return problems.items
    late = Problems(keep_all=True)
    if not text.strip():
        late.at(record, "text", "the document text is empty", "archive the document's full text; quotes are checked against it")
        return PreparedDocument({"id": document_id}, publisher, problems.items, late.items, True)
    values = {"id": document_id, "title": title, "author": read_text(late, record, data, "author"),
              # interned: the lookups hold every document's date, in the importer and in each worker
              "published": sys.intern(published[0]) if published else None, "published_precision": published[1] if published else None,
              "url": read_url(late, record, data, "url"), "language": read_text(late, record, data, "language", limit=20),
              "text": text, "text_sha256": hashlib.sha256(text.encode()).hexdigest()}
    if evidence is not None and values["url"] is None:
        values["url"] = evidence.extracted.url
    return PreparedDocument(values, publisher, problems.items, late.items, False, evidence)


def _has_original(data: dict[str, Any]) -> bool:
    return data.get("original_file") is not None or data.get("original") is not None


def _document_evidence(problems: Problems, record: Record, data: dict[str, Any]) -> Any:
    """The archived original of a document record that gives one (factdb.evidence_records), else None."""
    if not _has_original(data):
        return None
    if data.get("original_file") is not None and data.get("text") is not None:
        problems.at(record, "text", "give 'text' or 'original_file', not both", "the text of an archived original is extracted from it")
        return None
    from factdb.evidence_records import read_evidence  # PDF and HTML libraries: only when a record archives an original

    return read_evidence(problems, record, data)


# -- claims ---------------------------------------------------------------------------------------


# A figure's values, in this order (the figures table's columns but claim_pk, position and batch_id).
FIGURE_FIELDS = ("metric_id", "population", "qualifier", "value", "low", "high", "stated", "derived")


# Not frozen: a frozen dataclass sets each of these 27 fields through object.__setattr__, 3.4 µs a
# claim where plain slots take 0.4, and each claim is built twice (checked in a worker, unpickled in
# the importer). Nothing changes one once built but its document's key (take_document_key).
@dataclass(slots=True)
class PreparedClaim:
    """A claim that passed every check that needs no database: its column values (the fields from
    ``id`` to ``record_digest`` are columns of the claims table, under their names), its figures'
    values (FIGURE_FIELDS) and where it is in its file."""

    id: str
    source_id: str
    document_pk: int
    event_id: str | None
    via_id: str | None
    claimed_on: str
    claimed_on_precision: str
    quote: str
    statement: str | None
    status: str
    content_sha256: str
    record_digest: str | None
    figures: list[tuple[Any, ...]]
    document_id: str
    supersedes: str | None
    path: str
    line: int | None
    label: str
    data_line: int | None
    key_lines: dict[str, int] | None
    # Columns too (migration 0010): the review the record gives, else unreviewed.
    review_status: str = "unreviewed"
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    review_note: str | None = None
    grade: str | None = None
    grade_rationale: str | None = None
    # The hash with the record's review in it, when it gives one: how claims imported with a review
    # before CHECK_RULES_VERSION 8 were hashed, so that they are still recognised as unchanged.
    reviewed_sha256: str | None = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Workers send these by the million: the class and a tuple of the values pickle as one
        # short opcode stream, where a slotted dataclass would by default pickle a dict of state.
        return (PreparedClaim, (self.id, self.source_id, self.document_pk, self.event_id, self.via_id, self.claimed_on,
                                self.claimed_on_precision, self.quote, self.statement, self.status, self.content_sha256,
                                self.record_digest, self.figures, self.document_id, self.supersedes, self.path, self.line,
                                self.label, self.data_line, self.key_lines, self.review_status, self.reviewed_by,
                                self.reviewed_at, self.review_note, self.grade, self.grade_rationale, self.reviewed_sha256))

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.data_line) if self.key_lines is not None else self.data_line

    def take_document_key(self, document_pk: int, lookups: Lookups, text: str | None) -> None:
        """Make the claim what check_claim prepares when its document's key is ``document_pk`` (the
        lookups otherwise alike): the key, and the record digest that covers it (``text``: the
        record's line, Record.text). In place, unlike any other change to a claim: a claim checked
        while its import waited is replayed once, and nothing else holds it (_Prepared.replay); a
        new one for each of 25,000 claims took a third of a second under the write lock."""
        self.record_digest = None if text is None else record_digest(
            text, (document_pk, lookups.documents[self.document_id][1]), self.source_id, self.via_id, self.event_id,
            [_counted(lookups, figure[0]) for figure in self.figures], number_format=lookups.number_format)
        self.document_pk = document_pk

    @property
    def record(self) -> Record:
        """The record, for messages: where it is, not what it holds."""
        data = LineDict()
        data.line = self.data_line
        if self.key_lines is not None:
            data.key_lines = self.key_lines
        return Record("claim", data, self.path, self.line, self.label)


# The fields of PreparedClaim that are not columns of the claims table.
CLAIM_NON_COLUMN_FIELDS = ("figures", "document_id", "supersedes", "path", "line", "label", "data_line", "key_lines",
                           "reviewed_sha256")


class KnownClaim(NamedTuple):
    """A JSON Lines claim line that the database holds already, byte for byte, imported under the
    same rules with the same lookups (see recognised): nothing to check, nothing to write."""

    id: str
    pk: int
    figures: int
    path: str
    line: int

    @property
    def kind(self) -> str:
        return "claim"

    @property
    def record(self) -> Record:
        data = LineDict()
        data.line = self.line
        return Record("claim", data, self.path, self.line, f"line {self.line}")


class CheckedClaim(NamedTuple):
    """A claim record checked already: on PostgreSQL, an import that waits for another editor's
    write checks its claims meanwhile (factdb.importer) and hands them over as these, each with
    what the lookups answered for it (lookup_answers), so that it can be checked again if, once the
    import holds the lock, they answer otherwise."""

    checked: PreparedClaim | RefusedClaim
    record: Record
    names: LookupNames | None  # what it names, for the lookups (lookup_names); None for a refused claim
    answers: LookupAnswers | None  # lookup_answers when it was checked; None for a refused claim
    # The quote's offsets in its document's text, when the import's own files give that text (it is
    # then the text stored once the import holds the lock); () when the quote is not in it; None:
    # not looked for.
    location: tuple[int, ...] | None = None

    @property
    def kind(self) -> str:
        return "claim"

    @property
    def path(self) -> str:
        return self.record.path


@dataclass(frozen=True, slots=True)
class QuoteCheck:
    """Is the quote of a refused claim in its document? Asked of whoever can read the document's
    text, so that every problem of the claim shows at once; only a miss is reported."""

    record: Record  # where it is (location_of), not what it holds
    document_id: str
    quote: str


@dataclass(frozen=True, slots=True)
class RefusedClaim:
    """A claim with problems: they come first, then the quote check's, if any."""

    problems: list[Problem]
    quote_check: QuoteCheck | None


# Large imports repeat the same phrases ("several", "at least 300") many times. Figures are immutable;
# typed=True keeps 300 and 300.0 apart, as the stored value and the content hash do. The caches live in
# the importer and in each worker (docs/performance.md says how their size was chosen).
FIGURE_CACHE = 4_096
_parse_figure = lru_cache(maxsize=FIGURE_CACHE, typed=True)(parse_figure)


@lru_cache(maxsize=FIGURE_CACHE, typed=True)
def _figure_from_parts(qualifier: str, value: Any, low: Any, high: Any, text: str | None, number_format: str) -> Figure:
    return figure_from_parts(qualifier, value=value, low=low, high=high, text=text, number_format=number_format)


def _figure(problems: Problems, lookups: Lookups, record: Record, data: Any, index: int, quote: str | None) -> dict[str, Any] | None:
    """A figure's values (FIGURE_FIELDS), by name."""
    prefix = f"figures[{index}]."
    line = data.line if isinstance(data, LineDict) else None
    if not check_fields(problems, record, data, "figure", prefix):
        return None
    metric = resolve(problems, lookups, record, f"{prefix}metric", read_text(problems, record, data, "metric", prefix=prefix),
                     lookups.metrics, "metric", line=data.line_of("metric") if isinstance(data, LineDict) else None)
    population = read_text(problems, record, data, "population", limit=200, prefix=prefix)
    derived = read_text(problems, record, data, "derived", prefix=prefix) if "derived" in data else None
    qualifier = data.get("qualifier")
    value, low, high, stated = data.get("value"), data.get("low"), data.get("high"), data.get("stated")
    for key, item in (("value", value), ("low", low), ("high", high), ("qualifier", qualifier), ("stated", stated)):
        if item is None or type(item) in _FIGURE_PART_TYPES:
            continue  # the usual case, checked first: these run for every part of every figure
        if type(item) is UnquotedNumber and key != "stated":
            problems.at(record, f"{prefix}{key}", f"{item} is not a decimal number (YAML 1.1 would read it as {_yaml11_reading(item)})",
                        f"write a decimal number, or quote it to give it as a phrase: {key}: \"{item}\"",
                        line=data.line_of(key) if isinstance(data, LineDict) else line)
            return None
        if item is not None and (isinstance(item, bool) or not isinstance(item, (str, int, float))):
            problems.at(record, f"{prefix}{key}", f"expected a number or a phrase; found {type_name(item)}",
                        "write e.g. value: at least 300", line=line)
            return None
    figure = _figure_of(problems, lookups, record, prefix, line, qualifier, value, low, high, stated)
    if metric is None or figure is None:
        return None
    # A value that is only a number ("1500", or a YAML or JSON number) has no words of its own for the
    # quote to repeat: its number, in whatever grouping the quote writes it, is checked all the same.
    phrase = qualifier is None and not (isinstance(value, (int, float)) or _BARE_NUMBER.fullmatch(str(value).strip()))
    if not _figure_is_sound(problems, lookups, record, data, prefix, figure, metric, quote, derived,
                            given_as_phrase=phrase or stated is not None):
        return None
    return {"metric_id": metric, "population": population.lower() if population else None, "qualifier": figure.qualifier,
            "value": figure.value, "low": figure.low, "high": figure.high, "stated": figure.text, "derived": derived}


_BARE_NUMBER = re.compile(r"[0-9][0-9,.]*")
# What a figure's part may be, exactly (bool is an int, and an UnquotedNumber a str, both refused).
_FIGURE_PART_TYPES = (str, int, float)


def _figure_is_sound(problems: Problems, lookups: Lookups, record: Record, data: Any, prefix: str, figure: Figure, metric: str,
                     quote: str | None, derived: str | None, *, given_as_phrase: bool) -> bool:
    """Whether a figure that reads well is a whole count of a counting metric and is what its quote says."""
    def line_of(key: str) -> int | None:
        return data.line_of(key) if isinstance(data, LineDict) else None

    ok = True
    unit = lookups.count_units.get(metric)
    count_problem = whole_count_problem(figure, unit) if unit is not None else None
    if count_problem is not None:
        key = "value" if "value" in data else "low"
        problems.at(record, f"{prefix}{key}", count_problem,
                    "write 1,500 or 1500 (or 1.5 if you mean one and a half); a file written as 1.500 for fifteen hundred is "
                    "imported with --number-format eu, and a number written bare in YAML or JSON is read as a decimal: "
                    "quote it ('1.500')", line=line_of(key))
        ok = False
    if not ok or derived is not None or quote is None:
        return ok
    missing = unsupported_by_quote(figure, quote, given_as_phrase=given_as_phrase, number_format=lookups.number_format)
    if missing is not None:
        key = "stated" if data.get("stated") is not None else "value" if "value" in data else "low"
        closest = f"the quote's closest number is {missing.closest!r}" if missing.closest else "the quote has no number"
        problems.at(record, f"{prefix}{key}", f"the quote does not contain {missing.missing}",
                    f"{closest}; give the figure as the quote states it, or quote the passage that states it; a figure computed "
                    "from quoted ones (a sum, a conversion) is recorded with derived: \"how it was derived\"", line=line_of(key))
        return False
    return True


def _figure_of(problems: Problems, lookups: Lookups, record: Record, prefix: str, line: int | None, qualifier: Any, value: Any,
               low: Any, high: Any, stated: Any) -> Figure | None:
    number_format = lookups.number_format
    stated_text = str(stated).strip() if stated is not None else None
    try:
        if qualifier is not None:
            figure = _figure_from_parts(str(qualifier).strip(), value, low, high, stated_text, number_format)
        else:
            if low is not None or high is not None:
                problems.at(record, f"{prefix}qualifier", "low/high given without a qualifier",
                            "add e.g. qualifier: range, or write value: between 10 and 20", line=line)
                return None
            if value is None or (isinstance(value, str) and not value.strip()):
                problems.at(record, f"{prefix}value", "missing", "every figure needs a value, e.g. value: at least 300", line=line)
                return None
            figure = _parse_figure(str(value), number_format=number_format)
    except FigureError as error:
        # figure_from_parts names the part it rejects first ("low 1,500 is more than high 300").
        named = str(error).split(" ", 1)[0].rstrip(":")
        culprit = "value" if qualifier is None else named if named in ("value", "low", "high") else "qualifier"
        problems.at(record, f"{prefix}{culprit}", str(error),
                    "see `factdb parse-figure` and docs/figures.md for the phrases understood", line=line)
        return None
    if stated_text:
        disagreement = stated_disagreement(figure, stated_text, number_format=number_format)
        if disagreement is not None:
            problems.at(record, f"{prefix}stated", disagreement,
                        "stated is the source's own phrase; qualifier and value (or the value phrase) say what it means",
                        line=line)
            return None
        if qualifier is None:
            figure = Figure(figure.qualifier, figure.value, figure.low, figure.high, stated_text)
    return figure


def _yaml11_reading(text: str) -> str:
    """What YAML 1.1 (PyYAML's default) makes of an UnquotedNumber, to show why it is refused."""
    try:
        return repr(yaml11_number(text))
    except ValueError:
        return "a number"


def _derived_claim_id(document: str, source: str, quote: str) -> str:
    digest = hashlib.sha256(" ".join(quote.split()).encode()).hexdigest()[:12]
    return f"{document}.{source}.{digest}"[:200]


def _read_quote(problems: Problems, record: Record, quote: Any) -> str | None:
    if not isinstance(quote, str) or not quote.strip():
        if quote is None or isinstance(quote, str):
            problems.at(record, "quote", "is empty", "copy the sentence or clause that carries the claim, verbatim from the document")
        else:
            problems.at(record, "quote", f"expected text; found {type_name(quote)}", "write the quote as one text value")
        return None
    if len(quote) > MAX_QUOTE:
        problems.at(record, "quote", f"is {len(quote):,} characters long; at most {MAX_QUOTE:,} are accepted",
                    "quote only the sentence or clause that carries the claim")
        return None
    return quote


def _read_figures(problems: Problems, lookups: Lookups, record: Record, raw: Any, quote: str | None) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        problems.at(record, "figures", f"expected a list of figures; found {type_name(raw)}",
                    "write figures as a list: - {metric: killed, value: at least 300}")
        raw = []
    return [f for f in (_figure(problems, lookups, record, item, i, quote) for i, item in enumerate(raw)) if f is not None]


def check_claim(record: Record, lookups: Lookups) -> PreparedClaim | RefusedClaim:
    """The claim of ``record`` prepared for writing, or its problems. Whether its id is a duplicate,
    whether it is stored already and whether its quote is in its document is for the writer to say."""
    problems, data = Problems(keep_all=True), record.data
    if not check_fields(problems, record, data, "claim"):
        return RefusedClaim(problems.items, None)
    claim_id = read_identifier(problems, record, data, "id")
    document_id = resolve(problems, lookups, record, "document", read_text(problems, record, data, "document", limit=200),
                          lookups.documents, "document")
    source_id = resolve_source(problems, lookups, record, "source", read_text(problems, record, data, "source", limit=200))
    via_id = resolve_source(problems, lookups, record, "via", read_text(problems, record, data, "via", limit=200))
    event_id = resolve(problems, lookups, record, "event", read_text(problems, record, data, "event", limit=200), lookups.events, "event")
    claimed_on = read_date(problems, record, data, "claimed_on")
    quote = _read_quote(problems, record, data.get("quote"))
    statement = read_text(problems, record, data, "statement")
    supersedes = read_identifier(problems, record, data, "supersedes")
    status = read_choice(problems, record, read_text(problems, record, data, "status"), "status", CLAIM_STATUSES) or "active"
    read_text(problems, record, data, "reason")
    if data.get("quote_page") is not None and type(data["quote_page"]) is not int:
        problems.at(record, "quote_page", f"expected a page number; found {type_name(data['quote_page'])}",
                    "leave it out: it is read from the document's pages")
    review = _read_review(problems, record, data["review"]) if "review" in data else None
    figures = _read_figures(problems, lookups, record, data.get("figures") or [], quote)
    if via_id is not None and via_id == source_id:
        problems.at(record, "via", f"a claim cannot be relayed through its own source ('{source_id}')",
                    "leave 'via' out, or name the outlet that relayed it")
    if problems or document_id is None or source_id is None or quote is None:
        # So that every problem of the claim shows at once, its quote is looked for too.
        check = QuoteCheck(location_of(record), document_id, quote) if document_id is not None and quote is not None else None
        return RefusedClaim(problems.items, check)
    document_pk, published = lookups.documents[document_id]
    if claimed_on is None:
        if published is None:
            problems.at(record, "claimed_on", f"missing, and document '{document_id}' has no published date to default to",
                        "give claimed_on (YYYY, YYYY-MM or YYYY-MM-DD) or the document's published date")
            return RefusedClaim(problems.items, None)
        claimed_on = (published, PRECISION_BY_LENGTH[len(published)])
    claim_id = claim_id or _derived_claim_id(document_id, source_id, quote)
    canonical: dict[str, Any] = {"id": claim_id, "document": document_id, "source": source_id, "via": via_id, "event": event_id,
                                 "claimed_on": claimed_on[0], "quote": quote, "statement": statement, "supersedes": supersedes,
                                 "status": status, "figures": [_hashed(f) for f in figures]}
    # The review is not content: the importer compares it with the stored one by itself, so that a
    # database's own export imports as unchanged whatever `factdb review` did since.
    content = hashlib.sha256(canonical_json(canonical).encode()).hexdigest()
    reviewed_sha256 = None
    if review is not None:
        reviewed_sha256 = hashlib.sha256(_CANONICAL_JSON.encode({**canonical, "review": review}).encode()).hexdigest()
    digest = None if record.text is None else record_digest(
        record.text, lookups.documents[document_id], source_id, via_id, event_id,
        [_counted(lookups, row["metric_id"]) for row in figures], number_format=lookups.number_format)
    data_line = data.line if isinstance(data, LineDict) else record.line
    key_lines = getattr(data, "key_lines", None) if isinstance(data, LineDict) else None
    return PreparedClaim(claim_id, source_id, document_pk, event_id, via_id, claimed_on[0], claimed_on[1], quote, statement,
                         status, content, digest, [_figure_values(f) for f in figures], document_id, supersedes,
                         record.path, record.line, record.label, data_line, key_lines,
                         **(_review_fields(review) if review is not None else {}), reviewed_sha256=reviewed_sha256)


def check_claims(records: Sequence[Record | KnownClaim | CheckedClaim],
                 lookups: Lookups) -> tuple[list[PreparedClaim | KnownClaim], list[Problem | QuoteCheck]]:
    """check_claim over a chunk, as a worker and the importer's own process both run it: the claims
    to store (known ones as they are) and the problems in order, each refused claim's quote still to
    look for (a QuoteCheck) after its other problems. A CheckedClaim brings its answer along."""
    prepared: list[PreparedClaim | KnownClaim] = []
    problems: list[Problem | QuoteCheck] = []
    for record in records:
        if type(record) is KnownClaim:
            prepared.append(record)
            continue
        if type(record) is CheckedClaim:
            checked = record.checked
        else:
            assert type(record) is Record
            checked = check_claim(record, lookups)
        if isinstance(checked, RefusedClaim):
            problems.extend(checked.problems)
            if checked.quote_check is not None:
                problems.append(checked.quote_check)
        else:
            prepared.append(checked)
    return prepared, problems


@dataclass(frozen=True, slots=True)
class PreparedRemoval:
    """A removed record as an import names it (see factdb.removals), checked: its kind and id, when,
    by whom and why it was removed, and its last version in the import format."""

    kind: str
    id: str
    at: str
    by: str | None
    reason: str | None
    last: dict[str, Any]
    record: Record


def check_removal(record: Record) -> PreparedRemoval | list[Problem]:
    """The removal ``record`` gives, or its problems."""
    problems, data = Problems(keep_all=True), record.data
    if not check_fields(problems, record, data, "removed"):
        return problems.items
    kind = read_choice(problems, record, read_text(problems, record, data, "kind"), "kind", REMOVABLE_KINDS)
    record_id = read_identifier(problems, record, data, "id")
    at = read_text(problems, record, data, "at", limit=32)
    by = read_text(problems, record, data, "by", limit=200)
    reason = read_text(problems, record, data, "reason")
    last = data.get("last")
    if not isinstance(last, dict):
        problems.at(record, "last", f"expected the record's last version as a mapping of its fields; found {type_name(last)}",
                    "copy it from the export that listed the removal")
    elif record_id is not None and last.get("id") != record_id:
        problems.at(record, "last.id", f"{last.get('id')!r} is not the removed record's id '{record_id}'",
                    "the last version is the removed record's own: give it the same id")
    if problems.items or kind is None or record_id is None or at is None or not isinstance(last, dict):
        return problems.items
    return PreparedRemoval(kind, record_id, at, by, reason, dict(last), record)


def _read_review(problems: Problems, record: Record, data: Any) -> dict[str, Any] | None:
    """A claim's ``review: {status, by, at, note, grade, rationale}``, as given (None values dropped)."""
    if not check_fields(problems, record, data, "review", "review."):
        return None
    status = read_choice(problems, record, read_text(problems, record, data, "status"), "review.status", REVIEW_STATUSES)
    grade = read_choice(problems, record, read_text(problems, record, data, "grade"), "review.grade", GRADES)
    rationale = read_text(problems, record, data, "rationale", prefix="review.")
    if grade is not None and not rationale:
        problems.at(record, "review.rationale", f"grade '{grade}' needs a rationale",
                    "say why the claim is graded so, e.g. rationale: two independent sources agree")
    given = {"status": status, "by": read_text(problems, record, data, "by", limit=200, prefix="review."),
             "at": read_text(problems, record, data, "at", limit=32, prefix="review."),
             "note": read_text(problems, record, data, "note", prefix="review."), "grade": grade, "rationale": rationale}
    return {key: value for key, value in given.items() if value is not None}


def _review_fields(review: dict[str, Any]) -> dict[str, Any]:
    """PreparedClaim's review fields, from review_status to grade_rationale."""
    return {"review_status": review.get("status", "unreviewed"), "reviewed_by": review.get("by"), "reviewed_at": review.get("at"),
            "review_note": review.get("note"), "grade": review.get("grade"), "grade_rationale": review.get("rationale")}


_figure_values = itemgetter(*FIGURE_FIELDS)


def _hashed(figure: dict[str, Any]) -> dict[str, Any]:
    """A figure as the content hash has it: without ``derived`` unless given, so that claims stored before
    figures could be derived keep their hash."""
    if figure["derived"] is not None:
        return figure
    return {key: value for key, value in figure.items() if key != "derived"}
# The content hash's form; one encoder for every claim (json.dumps with options builds one per call).
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def _canonical_json_of_plain_values() -> Callable[[dict[str, Any]], str]:
    """_CANONICAL_JSON.encode for values that hold no container twice (a claim's canonical form: its
    texts, numbers and figures). JSONEncoder.encode builds the C encoder again for every value, a
    fifth of the 6 µs a claim's form takes; this builds it once, without the check for cycles that
    such values cannot have."""
    make_encoder = getattr(json.encoder, "c_make_encoder", None)
    if make_encoder is None:  # a Python without the C accelerator
        return _CANONICAL_JSON.encode
    encoder = make_encoder(None, _CANONICAL_JSON.default, json.encoder.encode_basestring, None,
                           _CANONICAL_JSON.key_separator, _CANONICAL_JSON.item_separator, True, False, True)
    return lambda value: "".join(encoder(value, 0))


canonical_json = _canonical_json_of_plain_values()


# -- claims stored already ------------------------------------------------------------------------


def rules_key() -> str:
    """What decides how a claim line is checked and stored: CHECK_RULES_VERSION, and the Python that
    runs the checks (str.strip, str.lower and the figure grammar's regular expressions follow its
    Unicode tables)."""
    return f"{CHECK_RULES_VERSION}\n{sys.version}\n{unicodedata.unidata_version}"


def _lookup_key(value: Any) -> str | None:
    """A field as read_text reads it, for lookups: text or a number, trimmed; None for anything else."""
    if isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return str(value).strip() or None
    return None


def _quietly_resolved(lookups: Lookups, value: str | None, known: set[str], kind: str) -> str | None:
    """What resolve answers for ``value``, without reporting anything."""
    if value is None or value in known:
        return value
    return lookups.lowered(kind, known).get(value.lower())


# In a record digest, what a lookup that found nothing gives: no id (see ID_PATTERN) or date can be it.
_NOTHING = "\x01"


def record_digest(text: str, document: tuple[int, str | None] | None, source: str | None, via: str | None, event: str | None,
                  metrics: Iterable[str | None], *, number_format: str = "en") -> str | None:
    """The fingerprint of a JSON Lines claim line, checked with these lookup answers.

    Checking a claim line depends on three things only: its text, the rules (rules_key), and what the
    import's lookups answer for the names it gives: its document's key and date, the sources of
    ``source`` and ``via``, its event, its figures' metrics (with whether they count whole things),
    and the import's number format. All three go in, so a line whose digest
    matches a stored claim's would pass every check again and store the same row. None: no digest.
    """
    rules = rules_key()
    if not rules:
        return None
    context = "\x00".join((rules, number_format, f"{document[0]}\x1f{document[1]}" if document else _NOTHING, source or _NOTHING,
                           via or _NOTHING, event or _NOTHING, "\x1f".join([m or _NOTHING for m in metrics]), text))
    return hashlib.sha256(context.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _line_digest(lookups: Lookups, text: str, data: dict[str, Any]) -> str | None:
    """record_digest of a decoded line, with what check_claim's lookups would answer for it."""
    get = data.get
    source, via = _lookup_key(get("source")), _lookup_key(get("via"))
    figures = get("figures") or []  # as check_claim reads it: missing, null or empty, no figures
    keys = lookups.source_keys
    return record_digest(
        text, lookups.documents.get(_lookup_key(get("document")) or ""),
        keys.get(source.lower()) if source else None, keys.get(via.lower()) if via else None,
        _quietly_resolved(lookups, _lookup_key(get("event")), lookups.events, "event"),
        [_counted(lookups, _quietly_resolved(lookups, _lookup_key(f.get("metric")), lookups.metrics, "metric"))
         if type(f) is dict else None for f in figures] if type(figures) is list else (_NOTHING,),
        number_format=lookups.number_format)


@dataclass(frozen=True, slots=True)
class LookupAnswers:
    """What check_claim learns from the lookups about a claim it accepts (see lookup_answers)."""

    document_known: bool
    published: str | None  # the document's date; not its key, which may change (PreparedClaim.take_document_key)
    source: str | None
    via: str | None
    event: str | None
    metrics: tuple[tuple[str | None, str | None], ...]  # each figure's metric, and its unit if it counts whole things


class LookupNames(NamedTuple):
    """The names a claim record gives for check_claim to look up, read as read_text reads them: its
    document, source, via and event, and each figure's metric (None for a figure that is not a mapping)."""

    document: str
    source: str | None
    via: str | None
    event: str | None
    metrics: tuple[str | None, ...]


def lookup_names(record: Record) -> LookupNames:
    get = record.data.get
    figures = get("figures") or []
    return LookupNames(_lookup_key(get("document")) or "", _lookup_key(get("source")), _lookup_key(get("via")), _lookup_key(get("event")),
                       tuple(_lookup_key(figure.get("metric")) if isinstance(figure, dict) else None for figure in figures)
                       if isinstance(figures, list) else ())


def lookup_answers(names: LookupNames, lookups: Lookups) -> LookupAnswers:
    """What the lookups answer about a claim that gives these names: whether its document is known
    and its date, the ids its source, via and event name, and its figures' metrics with their units.
    Lookups that give a claim check_claim accepts the same answers check it the same, but for its
    document's key. A refused claim's messages may name the closest of all ids: it is checked again
    in any case."""
    keys = lookups.source_keys
    source, via = names.source, names.via
    document = lookups.documents.get(names.document)
    metrics = [_quietly_resolved(lookups, metric, lookups.metrics, "metric") for metric in names.metrics]
    return LookupAnswers(document is not None, document[1] if document is not None else None,
                         keys.get(source.lower()) if source else None, keys.get(via.lower()) if via else None,
                         _quietly_resolved(lookups, names.event, lookups.events, "event"),
                         tuple((metric, lookups.count_units.get(metric) if metric is not None else None) for metric in metrics))


def _counted(lookups: Lookups, metric: str | None) -> str | None:
    """A metric as a record digest knows it: whether it counts whole things decides what its figures may be."""
    if metric is None:
        return None
    return f"{metric}\x1e#" if metric in lookups.count_units else metric


# A claim line's id, found without decoding the line: most lines are not stored yet, and the
# digest (which needs the decoded line) is computed only for those that are. Whatever this finds
# is only looked up; the digest, which covers the whole line, decides.
_CLAIM_ID = re.compile(r'"id"\s*:\s*"([^"\\]*)"')


def _claim_id(record: Record) -> str | None:
    match = _CLAIM_ID.search(record.text or "")
    return match.group(1).strip() if match is not None else None


def _known(lookups: Lookups, record: Record, claim_id: str | None, found: tuple[int, str | None] | None) -> KnownClaim | None:
    """The claim on a raw JSON Lines line when the database holds it with the same digest, else None.

    ``found`` is the stored (pk, record_digest) of the claim whose id the line names, or None.
    """
    text, line = record.text or "", record.line or 0
    if found is None or found[1] is None:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None  # left to decoded(), which reports it
    if type(data) is not dict or "review" in data or found[1] != _line_digest(lookups, text, data):
        # A line that gives a review is checked whatever its digest: its review is compared with the
        # stored one, which `factdb review` may have changed since the line was imported.
        return None
    return KnownClaim(claim_id or "", found[0], len(data.get("figures") or ()), record.path, line)


# stored(ids) -> {id: (pk, record_digest)} of the stored claims among ``ids`` (see recognised).
StoredDigests = Callable[[Sequence[str]], Mapping[str, tuple[int, str | None]]]

# Claim lines looked up together: one round trip to the database for this many (on PostgreSQL each
# lookup alone was a round trip, most of a re-import's time), few enough for SQLite's bound variables.
RECOGNISED_BATCH = 500


def recognised(records: Iterable[Record], lookups: Lookups,
               stored: StoredDigests) -> Iterator[Record | KnownClaim]:
    """The records of a re-import's claims pass, read with read_records(raw_claims=True): a raw
    JSON Lines claim line the database holds already, under the same digest, becomes a KnownClaim
    (nothing to check, nothing to write); any other is decoded, raising ReadError as the reader would.

    ``stored(ids)`` gives the stored claims among ``ids`` as {id: (pk, record_digest)}; lines are
    looked up RECOGNISED_BATCH at a time. Missing a claim written since its batch was looked up only
    costs checking it: whether a claim is stored is decided again when it is written.
    """
    iterator = iter(records)
    while True:
        batch: list[Record] = []
        error: Exception | None = None
        try:
            for record in iterator:
                batch.append(record)
                if len(batch) == RECOGNISED_BATCH:
                    break
        except Exception as raised:  # the records before it are the reader's too, and come first
            error = raised
        ids = [_claim_id(record) if record.raw else None for record in batch]
        wanted = sorted({claim_id for claim_id in ids if claim_id is not None})
        found = stored(wanted) if wanted else {}
        for record, claim_id in zip(batch, ids, strict=True):
            if record.raw:
                known = _known(lookups, record, claim_id, found.get(claim_id) if claim_id is not None else None)
                yield known if known is not None else decoded(record)
            else:
                yield record
        if error is not None:
            raise error
        if len(batch) < RECOGNISED_BATCH:
            return
