"""Check import records without a database: the state of one import, fields and references,
claims prepared for writing (figures, content hash, record digest), and finding quotes in texts.

The importer (factdb.importer) reads the database and writes; its validation workers
(factdb.import_workers) run only what is here, so they need neither SQLAlchemy nor the models,
which would be a third of each worker's memory.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import sys
import tempfile
from array import array
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from factdb import __version__
from factdb.figures import Figure, FigureError, figure_from_parts, parse_figure
from factdb.quotes import NormalizedText, closest_passage, find_quote, normalize
from factdb.readers import LineDict, Record, closest_hint, type_name
from factdb.vocabulary import CLAIM_STATUSES

if TYPE_CHECKING:
    from sqlalchemy import Connection

MAX_PROBLEMS = 200
MAX_TEXT = 10_000  # names, titles, statements
MAX_QUOTE = 10_000
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
PRECISION_BY_LENGTH = {4: "year", 7: "month", 10: "day"}

FIELDS: dict[str, dict[str, bool]] = {  # field -> required
    "source": {"id": True, "name": True, "kind": True, "aliases": False, "url": False, "country": False,
               "description": False, "part_of": False, "member_of": False},
    "event": {"id": True, "name": True, "description": False, "start": False, "end": False, "parent": False},
    "metric": {"id": True, "name": True, "unit": True, "description": False},
    "document": {"id": True, "title": True, "author": False, "publisher": False, "published": False, "url": False,
                 "language": False, "text": False, "text_file": False},
    "claim": {"id": False, "document": True, "source": True, "via": False, "event": False, "claimed_on": False,
              "quote": True, "statement": False, "supersedes": False, "status": False, "figures": False,
              # review annotations written by `factdb extract`; accepted, not stored
              "confidence": False, "reason": False},
    "figure": {"metric": True, "population": False, "value": False, "qualifier": False, "low": False, "high": False,
               "stated": False},
}
REQUIRED_FIELDS = {kind: tuple(name for name, required in fields.items() if required) for kind, fields in FIELDS.items()}
COUNTED_KINDS = ("sources", "events", "metrics", "documents", "claims", "figures")


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


@dataclass
class _PendingSupersedes:
    claim_pk: int
    claim_id: str
    target: str
    source_id: str
    claimed_on: str
    path: str
    line: int | None
    sequence: int = 0


@dataclass
class _Session:
    """State of one import: the open transaction, lookups, problems and counts."""

    conn: Connection
    batch_id: int
    update: bool
    problems: list[Problem] = field(default_factory=list)
    truncated: int = 0
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in COUNTED_KINDS})
    source_keys: dict[str, str] = field(default_factory=dict)  # lower-cased id or alias -> source id
    aliases: dict[str, str] = field(default_factory=dict)  # lower-cased alias -> the alias as written
    lowered: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)  # see _lowered
    events: set[str] = field(default_factory=set)
    event_parents: dict[str, str | None] = field(default_factory=dict)
    metrics: set[str] = field(default_factory=set)
    documents: dict[str, tuple[int, str | None]] = field(default_factory=dict)  # id -> (pk, published)
    seen: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)
    claims_seen: _SeenClaims = field(default_factory=lambda: _SeenClaims())
    pending_relations: list[tuple[str, str, str, Record]] = field(default_factory=list)
    pending_parents: list[tuple[str, str, Record]] = field(default_factory=list)
    pending_publishers: list[tuple[str, str, Record, str | None]] = field(default_factory=list)
    pending_supersedes: list[_PendingSupersedes] = field(default_factory=list)
    pending_rechecks: list[tuple[Record, int, str]] = field(default_factory=list)
    supersedes_problems: list[tuple[int, Problem]] = field(default_factory=list)
    texts: OrderedDict[int, tuple[str, NormalizedText]] = field(default_factory=OrderedDict)
    next_claim_pk: int = 1
    next_document_pk: int = 1
    new_rows: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)  # table -> rows not yet inserted
    claim_sequence: int = 0
    paths: dict[str, int] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    cached_claims: dict[str, list[Record]] = field(default_factory=dict)
    # In a validation worker (factdb.import_workers): no database; every problem is kept, the
    # importer merges them in order and applies MAX_PROBLEMS itself.
    in_worker: bool = False
    files_with_claims: set[str] = field(default_factory=set)  # JSON Lines files, as the first pass saw them
    # Texts of the documents this import writes, for workers that locate quotes (factdb.import_workers);
    # in a worker, how it reads a document's text.
    spool: TextSpool | None = None
    read_text: Callable[[int], str] | None = None
    # Bulk imports into a table smaller than themselves build its indexes once at the end (see
    # _defer_indexes): None until decided, then the statements that re-create them.
    may_defer_indexes: bool = False
    deferred_indexes: list[str] | None = None
    # Bulk imports with workers index each chunk's new claims for search as it is written, while the
    # workers keep the other core busy, instead of all of them at the end with one core idle: the
    # first claim pk not indexed yet, or None when the insert trigger indexes them (not deferred).
    claims_unindexed_from: int | None = None
    # Whether the database held claims when the import began: only then can a line be one it holds
    # already (_known_claim), so a first import does not look each line up.
    had_claims: bool = False

    def problem(self, record: Record | None, key: str, message: str, hint: str = "", *, path: str = "", line: int | None = None) -> None:
        if record is not None:
            path = record.path
            line = line if line is not None else record.line_of(key.split(".")[0].split("[")[0])
            key = f"{record.label}.{key}" if key else record.label
        self.add_problem(Problem(path, line, key, message, hint))

    def add_problem(self, problem: Problem) -> None:
        if len(self.problems) >= MAX_PROBLEMS and not self.in_worker:
            self.truncated += 1
            return
        self.problems.append(problem)


# -- field readers --------------------------------------------------------------------------------


def _check_fields(s: _Session, record: Record, data: Any, kind: str, prefix: str = "") -> bool:
    if not isinstance(data, dict):
        s.problem(record, prefix.rstrip("."), f"expected a mapping of fields for a {kind}; found {type_name(data)}",
                  f"write the {kind} as key: value pairs")
        return False
    known = FIELDS[kind]
    ok = True
    if not known.keys() >= data.keys():  # one set operation for the usual case: every field known
        for key in data:
            if str(key) not in known:
                s.problem(record, f"{prefix}{key}", f"unknown field for a {kind}",
                          f"the fields are {', '.join(known)}{closest_hint(str(key), tuple(known))}")
                ok = False
    for key in REQUIRED_FIELDS[kind]:
        value = data.get(key)
        if value is None or value == "":
            if kind == "claim" and key == "quote" and value == "":
                continue  # reported with a better message by the quote check
            s.problem(record, f"{prefix}{key}", "missing", f"every {kind} needs '{key}'")
            ok = False
    return ok


def _text(s: _Session, record: Record, data: dict[str, Any], key: str, *, limit: int = MAX_TEXT, prefix: str = "") -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if type(value) is str:  # the usual case, checked first: this runs a dozen times per claim
        text = value.strip()
    elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
        s.problem(record, f"{prefix}{key}", f"expected text; found {type_name(value)}", f"write {key} as a single text value")
        return None
    else:
        text = str(value).strip()
    if len(text) > limit:
        s.problem(record, f"{prefix}{key}", f"is {len(text):,} characters long; at most {limit:,} are accepted",
                  "shorten it to the passage that matters")
        return None
    return text or None


def _identifier(s: _Session, record: Record, data: dict[str, Any], key: str, *, prefix: str = "") -> str | None:
    value = _text(s, record, data, key, limit=200, prefix=prefix)
    if value is not None and not ID_PATTERN.match(value):
        s.problem(record, f"{prefix}{key}", f"'{value}' is not a valid id",
                  "use letters, digits, '-', '_', '.', ':' (no spaces), e.g. 'amnesty-2019-12-16'")
        return None
    return value


def _date(s: _Session, record: Record, data: dict[str, Any], key: str) -> tuple[str, str] | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        value = str(value)  # YAML reads `published: 2020` as a number; a bare year is fine
    if not isinstance(value, str):
        s.problem(record, key, f"expected a date as text (YYYY, YYYY-MM or YYYY-MM-DD); found {type_name(value)} {value!r}",
                  "write e.g. 2019-12-16, 2019-12 or 2019")
        return None
    value = value.strip()
    match = DATE_PATTERN.match(value)
    if not match:
        s.problem(record, key, f"'{value}' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD",
                  "write e.g. 2019-12-16, 2019-12 or 2019 (an unknown day is left out, not invented)")
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        date(year, month or 1, day or 1)  # type: ignore[arg-type]
    except ValueError as error:
        s.problem(record, key, f"'{value}' is not a real date ({error})", "check the day and month")
        return None
    return value, PRECISION_BY_LENGTH[len(value)]


def _choice(s: _Session, record: Record, value: str | None, key: str, allowed: Sequence[str]) -> str | None:
    if value is not None and value not in allowed:
        s.problem(record, key, f"'{value}' is not allowed", f"use one of {', '.join(allowed)}{closest_hint(value, tuple(allowed))}")
        return None
    return value


def _closest(word: str, candidates: Iterable[str]) -> str:
    matches = difflib.get_close_matches(word.lower(), list(candidates), n=3, cutoff=0.5)
    return f"; closest known: {', '.join(matches)}" if matches else ""


def _closest_source(s: _Session, value: str) -> str:
    """The closest ids and aliases; an alias is shown as written, with the source it names."""
    shown: list[str] = []
    for key in difflib.get_close_matches(value.lower(), list(s.source_keys), n=3, cutoff=0.5):
        source_id = s.source_keys[key]
        if key == source_id.lower():
            label = source_id
        else:
            label = f"{s.aliases.get(key, key)} (alias of {source_id})"
        if label not in shown:
            shown.append(label)
    return f"; closest known: {', '.join(shown)}" if shown else ""


def _resolve_source(s: _Session, record: Record, key: str, value: str | None) -> str | None:
    if value is None:
        return None
    found = s.source_keys.get(value.lower())
    if found is None:
        s.problem(record, key, f"unknown source '{value}'{_closest_source(s, value)}",
                  "define the source under 'sources:' (in this or another file of the import), or use its id or an alias")
    return found


def _lowered(s: _Session, kind: str, known: Iterable[str]) -> dict[str, str]:
    """Lower-cased ids of ``kind`` -> ids, built again only when ids were added since."""
    size = len(known)  # type: ignore[arg-type]
    cached = s.lowered.get(kind)
    if cached is None or cached[0] != size:
        cached = s.lowered[kind] = (size, {k.lower(): k for k in known})
    return cached[1]


def _resolve(s: _Session, record: Record, key: str, value: str | None, known: Iterable[str], kind: str,
             line: int | None = None) -> str | None:
    if value is None:
        return None
    if value in known:
        return value
    if kind != "document":
        lowered = _lowered(s, kind, known)
        if value.lower() in lowered:
            return lowered[value.lower()]
    s.problem(record, key, f"unknown {kind} '{value}'{_closest(value, known)}",
              f"define it under '{kind}s:' in this or another file of the import, or fix the id", line=line)
    return None


def _location(record: Record) -> Record:
    """The record without its data, still able to say where each field was: kept for checks at the
    end of the pass without keeping every document's text in memory."""
    data = LineDict()
    if isinstance(record.data, LineDict):
        data.line = record.data.line
        data.key_lines = getattr(record.data, "key_lines", {})
    else:
        data.line = record.line
    return Record(record.kind, data, record.path, record.line, record.label)


# -- claims ---------------------------------------------------------------------------------------


# A prepared claim's values, in this order, followed when it is written by its quote's offsets and
# what writing adds; a figure's values likewise.
_PREPARED_COLUMNS = ("id", "source_id", "document_pk", "event_id", "via_id", "claimed_on", "claimed_on_precision", "quote",
                     "statement", "status", "content_sha256", "record_digest")
CLAIM_COLUMNS = (*_PREPARED_COLUMNS, "quote_start", "quote_end", "pk", "supersedes_pk", "batch_id")
_FIGURE_ROW_COLUMNS = ("metric_id", "population", "qualifier", "value", "low", "high", "stated")
FIGURE_COLUMNS = (*_FIGURE_ROW_COLUMNS, "claim_pk", "position", "batch_id")


class _ClaimRow(NamedTuple):
    """A claim that passed every check that needs no database: its values, its figures' values and
    where it is in its file. Plain tuples: validation workers send them by the million."""

    values: tuple[Any, ...]  # _PREPARED_COLUMNS
    figures: list[tuple[Any, ...]]  # _FIGURE_ROW_COLUMNS
    document_id: str
    supersedes: str | None
    path: str
    line: int | None
    label: str
    data_line: int | None
    key_lines: dict[str, int] | None
    # The quote's offsets when a worker located it already; () when it did not find it; None: not tried.
    location: tuple[int, ...] | None = None

    @property
    def id(self) -> str:
        return self.values[0]  # type: ignore[no-any-return]

    @property
    def source_id(self) -> str:
        return self.values[1]  # type: ignore[no-any-return]

    @property
    def document_pk(self) -> int:
        return self.values[2]  # type: ignore[no-any-return]

    @property
    def claimed_on(self) -> str:
        return self.values[5]  # type: ignore[no-any-return]

    @property
    def quote(self) -> str:
        return self.values[7]  # type: ignore[no-any-return]

    @property
    def content_sha256(self) -> str:
        return self.values[10]  # type: ignore[no-any-return]

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.data_line) if self.key_lines is not None else self.data_line

    @property
    def record(self) -> Record:
        """The record, for messages: where it is, not what it holds."""
        data = LineDict()
        data.line = self.data_line
        if self.key_lines is not None:
            data.key_lines = self.key_lines
        return Record("claim", data, self.path, self.line, self.label)


class _KnownClaim(NamedTuple):
    """A JSON Lines claim line that the database holds already, byte for byte, imported under the
    same rules with the same lookups (see _known_claim): nothing to check, nothing to write."""

    id: str
    pk: int
    figures: int
    path: str
    line: int

    @property
    def record(self) -> Record:
        data = LineDict()
        data.line = self.line
        return Record("claim", data, self.path, self.line, f"line {self.line}")


@lru_cache(maxsize=1)
def _rules_fingerprint() -> str | None:
    """What decides how a claim line is checked and stored: the import's code, and the Python that runs it
    (str.strip, str.lower and the figure grammar's regular expressions follow its Unicode tables).
    None, and no record digests, when the code cannot be read to fingerprint it."""
    import unicodedata

    digest = hashlib.sha256(f"{__version__}\n{sys.version}\n{unicodedata.unidata_version}\n".encode())
    # By file name: a worker does not import the importer, whose code decides what a prepared claim becomes.
    for name in ("import_checks.py", "importer.py", "figures.py", "readers.py", "quotes.py", "vocabulary.py"):
        try:
            digest.update(Path(__file__).with_name(name).read_bytes())
        except OSError:
            return None
    return digest.hexdigest()


def _lookup_key(value: Any) -> str | None:
    """A field as _text reads it, for lookups: text or a number, trimmed; None for anything else."""
    if isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return str(value).strip() or None
    return None


def _quietly_resolved(s: _Session, value: str | None, known: Any, kind: str) -> str | None:
    """What _resolve answers for ``value``, without reporting anything."""
    if value is None or value in known:
        return value
    return _lowered(s, kind, known).get(value.lower())


# In a record digest, what a lookup that found nothing gives: no id (see ID_PATTERN) or date can be it.
_NOTHING = "\x01"


def _record_digest(text: str, document: tuple[int, str | None] | None, source: str | None, via: str | None, event: str | None,
                   metrics: Iterable[str | None]) -> str | None:
    """The fingerprint of a JSON Lines claim line, checked with these lookup answers.

    Checking a claim line depends on three things only: its text, the rules (_rules_fingerprint),
    and what the import's lookups answer for the names it gives: its document's key and date, the
    sources of ``source`` and ``via``, its event, its figures' metrics. All three go in, so a line
    whose digest matches a stored claim's would pass every check again and store the same row.
    """
    rules = _rules_fingerprint()
    if rules is None:
        return None
    context = "\x00".join((rules, f"{document[0]}\x1f{document[1]}" if document else _NOTHING, source or _NOTHING,
                           via or _NOTHING, event or _NOTHING, "\x1f".join([m or _NOTHING for m in metrics]), text))
    return hashlib.sha256(context.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _line_digest(s: _Session, text: str, data: dict[str, Any]) -> str | None:
    """_record_digest of a decoded line, with what _prepare_claim's lookups would answer for it."""
    get = data.get
    source, via = _lookup_key(get("source")), _lookup_key(get("via"))
    figures = get("figures") or []  # as _prepare_claim reads it: missing, null or empty, no figures
    return _record_digest(
        text, s.documents.get(_lookup_key(get("document")) or ""),
        s.source_keys.get(source.lower()) if source else None, s.source_keys.get(via.lower()) if via else None,
        _quietly_resolved(s, _lookup_key(get("event")), s.events, "event"),
        [_quietly_resolved(s, _lookup_key(f.get("metric")), s.metrics, "metric") if type(f) is dict else None for f in figures]
        if type(figures) is list else (_NOTHING,))


# A claim line's id, found without decoding the line: most lines are not stored yet, and the
# digest (which needs the decoded line) is computed only for those that are. Whatever this finds
# is only looked up; the digest, which covers the whole line, decides.
_CLAIM_ID = re.compile(r'"id"\s*:\s*"([^"\\]*)"')


def _known_claim(s: _Session, text: str, path: str, line: int, stored: Callable[[str], Any]) -> _KnownClaim | None:
    """The claim on this JSON Lines line when the database holds it with the same digest, else None.

    ``stored(id)`` gives the stored claim's (pk, record_digest), or None. A line that does not even
    decode is left to the full reading, which reports it.
    """
    match = _CLAIM_ID.search(text)
    claim_id = match.group(1).strip() if match is not None else None
    found = stored(claim_id) if claim_id is not None else None
    if found is None or found[1] is None:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if type(data) is not dict or found[1] != _line_digest(s, text, data):
        return None
    return _KnownClaim(claim_id, found[0], len(data.get("figures") or ()), path, line)


def stored_digests(connection: Any) -> Callable[[str], Any]:
    """stored(id) for _known_claim, reading through a DB-API connection to the database."""
    def stored(claim_id: str) -> Any:
        return connection.execute("SELECT pk, record_digest FROM claims WHERE id = ?", (claim_id,)).fetchone()

    return stored


def _known_claims(s: _Session, path: str, stored: Callable[[str], Any]) -> Callable[[str, int], _KnownClaim | None]:
    """read_records(known=...) for the claims of the file at ``path``."""
    return lambda text, line: _known_claim(s, text, path, line, stored)


@dataclass
class _QuoteCheck:
    """A worker's request, in the order of its problems: is this quote of a claim with other problems
    in its document? Only the importer's connection can read documents written in this import."""

    record: Record
    document_id: str
    quote: str


# Large imports repeat the same phrases ("several", "at least 300") many times. Figures are immutable;
# typed=True keeps 300 and 300.0 apart, as the stored value and the content hash do. The caches live in
# the importer and in each worker: 4,096 phrases cost 3 MB a process where 16,384 cost 12 MB, and the
# benchmark's claims lose a third of their hits (0.7 s of CPU in a million claims).
FIGURE_CACHE = 4_096
_parse_figure = lru_cache(maxsize=FIGURE_CACHE, typed=True)(parse_figure)


@lru_cache(maxsize=FIGURE_CACHE, typed=True)
def _figure_from_parts(qualifier: str, value: Any, low: Any, high: Any, text: str | None) -> Figure:
    return figure_from_parts(qualifier, value=value, low=low, high=high, text=text)


def _figure(s: _Session, record: Record, data: Any, index: int) -> tuple[dict[str, Any], Figure] | None:
    prefix = f"figures[{index}]."
    line = data.line if isinstance(data, LineDict) else None
    if not _check_fields(s, record, data, "figure", prefix):
        return None
    metric = _resolve(s, record, f"{prefix}metric", _text(s, record, data, "metric", prefix=prefix), s.metrics, "metric",
                      line=data.line_of("metric") if isinstance(data, LineDict) else None)
    population = _text(s, record, data, "population", limit=200, prefix=prefix)
    qualifier = data.get("qualifier")
    value, low, high, stated = data.get("value"), data.get("low"), data.get("high"), data.get("stated")
    for key, item in (("value", value), ("low", low), ("high", high), ("qualifier", qualifier), ("stated", stated)):
        if item is not None and (isinstance(item, bool) or not isinstance(item, (str, int, float))):
            s.problem(record, f"{prefix}{key}", f"expected a number or a phrase; found {type_name(item)}",
                      "write e.g. value: at least 300", line=line)
            return None
    try:
        if qualifier is not None:
            figure = _figure_from_parts(str(qualifier).strip(), value, low, high,
                                        str(stated).strip() if stated is not None else None)
        elif low is not None or high is not None:
            s.problem(record, f"{prefix}qualifier", "low/high given without a qualifier",
                      "add e.g. qualifier: range, or write value: between 10 and 20", line=line)
            return None
        elif value is None or (isinstance(value, str) and not value.strip()):
            s.problem(record, f"{prefix}value", "missing", "every figure needs a value, e.g. value: at least 300", line=line)
            return None
        else:
            figure = _parse_figure(str(value))
            if stated is not None:
                figure = Figure(figure.qualifier, figure.value, figure.low, figure.high, str(stated).strip())
    except FigureError as error:
        # figure_from_parts names the part it rejects first ("low 1,500 is more than high 300").
        named = str(error).split(" ", 1)[0].rstrip(":")
        culprit = "value" if qualifier is None else named if named in ("value", "low", "high") else "qualifier"
        s.problem(record, f"{prefix}{culprit}", str(error),
                  "see `factdb parse-figure` and docs/figures.md for the phrases understood", line=line)
        return None
    if metric is None:
        return None
    row = {"metric_id": metric, "population": population.lower() if population else None, "qualifier": figure.qualifier,
           "value": figure.value, "low": figure.low, "high": figure.high, "stated": figure.text}
    return row, figure


def _derived_claim_id(document: str, source: str, quote: str) -> str:
    digest = hashlib.sha256(" ".join(quote.split()).encode()).hexdigest()[:12]
    return f"{document}.{source}.{digest}"[:200]


def _prepare_claim(s: _Session, record: Record) -> _ClaimRow | _KnownClaim | None:
    data = record.data
    if type(data) is _KnownClaim:
        return data
    if not _check_fields(s, record, data, "claim"):
        return None
    problems_before = len(s.problems) + s.truncated
    claim_id = _identifier(s, record, data, "id")
    document_id = _resolve(s, record, "document", _text(s, record, data, "document", limit=200), s.documents, "document")
    source_id = _resolve_source(s, record, "source", _text(s, record, data, "source", limit=200))
    via_id = _resolve_source(s, record, "via", _text(s, record, data, "via", limit=200))
    event_id = _resolve(s, record, "event", _text(s, record, data, "event", limit=200), s.events, "event")
    claimed_on = _date(s, record, data, "claimed_on")
    quote = data.get("quote")
    if not isinstance(quote, str) or not quote.strip():
        if quote is None or isinstance(quote, str):
            s.problem(record, "quote", "is empty", "copy the sentence or clause that carries the claim, verbatim from the document")
        else:
            s.problem(record, "quote", f"expected text; found {type_name(quote)}", "write the quote as one text value")
        quote = None
    elif len(quote) > MAX_QUOTE:
        s.problem(record, "quote", f"is {len(quote):,} characters long; at most {MAX_QUOTE:,} are accepted",
                  "quote only the sentence or clause that carries the claim")
        quote = None
    statement = _text(s, record, data, "statement")
    supersedes = _identifier(s, record, data, "supersedes")
    status = _choice(s, record, _text(s, record, data, "status"), "status", CLAIM_STATUSES) or "active"
    _text(s, record, data, "reason")
    raw_figures = data.get("figures") or []
    if not isinstance(raw_figures, list):
        s.problem(record, "figures", f"expected a list of figures; found {type_name(raw_figures)}",
                  "write figures as a list: - {metric: killed, value: at least 300}")
        raw_figures = []
    figures = [f for f in (_figure(s, record, item, i) for i, item in enumerate(raw_figures)) if f is not None]
    if via_id is not None and via_id == source_id:
        s.problem(record, "via", f"a claim cannot be relayed through its own source ('{source_id}')",
                  "leave 'via' out, or name the outlet that relayed it")
    if len(s.problems) + s.truncated > problems_before or None in (document_id, source_id, quote):
        if document_id is not None and isinstance(quote, str):
            _report_missing_quote(s, record, document_id, quote)  # so every problem of the claim shows at once
        return None
    assert document_id is not None and source_id is not None and isinstance(quote, str)
    if claimed_on is None:
        published = s.documents[document_id][1]
        if published is None:
            s.problem(record, "claimed_on", f"missing, and document '{document_id}' has no published date to default to",
                      "give claimed_on (YYYY, YYYY-MM or YYYY-MM-DD) or the document's published date")
            return None
        claimed_on = (published, PRECISION_BY_LENGTH[len(published)])
    claim_id = claim_id or _derived_claim_id(document_id, source_id, quote)
    canonical = {"id": claim_id, "document": document_id, "source": source_id, "via": via_id, "event": event_id,
                 "claimed_on": claimed_on[0], "quote": quote, "statement": statement, "supersedes": supersedes,
                 "status": status, "figures": [row for row, _ in figures]}
    content = hashlib.sha256(_CANONICAL_JSON.encode(canonical).encode()).hexdigest()
    values = (claim_id, source_id, s.documents[document_id][0], event_id, via_id, claimed_on[0], claimed_on[1], quote,
              statement, status, content, None if record.text is None else _record_digest(
                  record.text, s.documents[document_id], source_id, via_id, event_id, [row["metric_id"] for row in canonical["figures"]]))
    data = record.data
    data_line = data.line if isinstance(data, LineDict) else record.line
    key_lines = getattr(data, "key_lines", None) if isinstance(data, LineDict) else None
    return _ClaimRow(values, [_figure_values(f) for f in canonical["figures"]], document_id, supersedes,
                     record.path, record.line, record.label, data_line, key_lines)


_figure_values = itemgetter(*_FIGURE_ROW_COLUMNS)
# The content hash's form; one encoder for every claim (json.dumps with options builds one per call).
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def _document_normalized(s: _Session, document_pk: int) -> tuple[str, NormalizedText]:
    cached = s.texts.get(document_pk)
    if cached is not None:
        s.texts.move_to_end(document_pk)
        return cached
    if s.read_text is not None:
        text = s.read_text(document_pk)
    else:
        # Once per document and import (a hundred thousand times in a large one): straight to the
        # driver, in the same transaction, which costs a fifth of going through SQLAlchemy.
        text = s.conn.connection.driver_connection.execute("SELECT text FROM documents WHERE pk = ?", (document_pk,)).fetchone()[0]
    entry = (text, normalize(text))
    s.texts[document_pk] = entry
    if len(s.texts) > 64:
        s.texts.popitem(last=False)
    return entry


def _quote_not_found(s: _Session, record: Record, document_id: str, text: str, quote: str) -> None:
    passage = closest_passage(text, quote)
    s.problem(record, "quote", f"not found in the text of document '{document_id}'"
              + (f"; closest passage: \"{passage}\"" if passage else ""),
              "copy the quote verbatim from the document (whitespace, quote marks and dashes may differ)")


def _report_missing_quote(s: _Session, record: Record, document_id: str, quote: str) -> None:
    """Check the quote of a claim that already has other problems, reporting only a miss."""
    if s.in_worker:
        s.problems.append(_QuoteCheck(_location(record), document_id, quote))  # type: ignore[arg-type]
        return
    text, normalized = _document_normalized(s, s.documents[document_id][0])
    if find_quote(normalized, quote) is None:
        _quote_not_found(s, record, document_id, text, quote)


def _locate_quote(s: _Session, claim: _ClaimRow) -> tuple[int, int] | None:
    """The quote's offsets in its document's text; None (and a problem) when it is not there."""
    if claim.location:
        return claim.location  # type: ignore[return-value]
    text, normalized = _document_normalized(s, claim.document_pk)
    found = find_quote(normalized, claim.quote) if claim.location is None else None
    if found is None:
        _quote_not_found(s, claim.record, claim.document_id, text, claim.quote)
    return found


class TextSpool:
    """The texts of the documents an import writes, in a temporary file that worker processes read
    (they cannot see the import's transaction). Where each text is, is kept in arrays rather than a
    dict of tuples: a hundred thousand documents cost 2.4 MB instead of 25, in the importer and in
    each worker (see SpoolIndex)."""

    def __init__(self) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="factdb-import-")
        self.path = str(Path(self.folder.name) / "texts")
        self._file = open(self.path, "wb")  # noqa: SIM115 - closed by close()
        self._pks = array("q")
        self._starts = array("q")

    def add(self, pk: int, text: str) -> None:
        self._pks.append(pk)
        self._starts.append(self._file.tell())
        self._file.write(text.encode("utf-8", "surrogatepass"))

    def flush(self) -> None:
        self._file.flush()

    def index(self) -> SpoolIndex:
        """Where each text is, by pk (flush() first)."""
        ends = self._starts[1:] + array("q", [self._file.tell()])
        order = sorted(range(len(self._pks)), key=self._pks.__getitem__)  # updated documents keep their older pks
        return SpoolIndex(array("q", (self._pks[i] for i in order)), array("q", (self._starts[i] for i in order)),
                          array("q", (ends[i] for i in order)))

    def close(self) -> None:
        self._file.close()
        self.folder.cleanup()


class SpoolIndex(NamedTuple):
    """A TextSpool's texts by document pk: sorted pks, and the byte range of each one's text."""

    pks: array[int]
    starts: array[int]
    ends: array[int]

    def find(self, pk: int) -> tuple[int, int] | None:
        """(offset, length) in bytes of the text of document ``pk``; None when it is not spooled."""
        i = bisect_left(self.pks, pk)
        if i == len(self.pks) or self.pks[i] != pk:
            return None
        return self.starts[i], self.ends[i] - self.starts[i]


class _SeenClaims:
    """Where each claim id of this import was first seen (file index, line), for duplicate ids.

    A million ids with their locations would be most of a large import's memory. Every claim that
    is stored, before this import or by it, has a pk that the importer looks up anyway: its location
    goes in arrays indexed by pk (8 bytes a claim). Only claims refused before being written
    (a quote not found, say) are kept by id.

    The arrays are pages of PAGE pks, made as pks reach them and never resized: one array grown by
    half each time left its older copies behind in the heap, and the importer's memory grew by
    25 MB instead of 8 over a million claims.
    """

    PAGE = 1 << 16  # 512 KB

    def __init__(self) -> None:
        self.pages: list[array[int] | None] = []  # ((file + 1) << 32) | line; 0: not seen
        self.by_id: dict[str, tuple[int, int | None]] = {}

    def location(self, claim_id: str, pk: int | None) -> tuple[int, int | None] | None:
        if pk is None:
            return self.by_id.get(claim_id)
        page = self.pages[pk // self.PAGE] if pk // self.PAGE < len(self.pages) else None
        packed = page[pk % self.PAGE] if page is not None else 0
        return ((packed >> 32) - 1, (packed & 0xFFFFFFFF) or None) if packed else None

    def add(self, claim_id: str, pk: int | None, file: int, line: int | None) -> None:
        if pk is None or (line or 0) > 0xFFFFFFFF:
            self.by_id[claim_id] = (file, line)
            return
        number = pk // self.PAGE
        if number >= len(self.pages):
            self.pages.extend([None] * (number + 1 - len(self.pages)))
        page = self.pages[number]
        if page is None:
            page = self.pages[number] = array("q", bytes(8 * self.PAGE))
        page[pk % self.PAGE] = ((file + 1) << 32) | (line or 0)
