"""Any valid database survives export → import → export unchanged (checked with hypothesis).

Hypothesis generates whole import files: sources with aliases and part_of/member_of relations,
events with dates and parents, metrics, documents with arbitrary Unicode text, and claims whose
quotes are cut from those texts and whose figures are written as qualifier phrases or explicit
parts. Each is imported into an empty database (its figures must read as the documented qualifier
and bounds), exported, imported into a second empty database and exported again: the two exports
must be identical, and importing the export back into the first database must change nothing.

Every property and example runs on SQLite and on PostgreSQL. On PostgreSQL the two databases are
made once per module and emptied between examples (rows deleted, sequences restarted), which costs
a few milliseconds where a new database per example would cost a few hundred; the properties draw
fewer examples there, since they test the same code with another store underneath.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factdb.checks import is_blank, name_key
from factdb.db import make_engine
from factdb.export import export_database
from factdb.figures import VAGUE_WORDS
from factdb.importer import import_paths
from factdb.models import CLAIM_STATUSES, SOURCE_KINDS
from factdb.quotes import widened_to_boundaries

from conftest import PostgresServer, migrated_database, rows

SLUG = st.from_regex(r"[a-z0-9][a-z0-9._:-]{0,15}", fullmatch=True)
# Any character import files accept (all but lone surrogates and NUL), including controls and RTL text.
ANY_CHAR = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
# Texts an import keeps as written: stripped of spaces, and not blank (only invisible characters).
TEXT = st.text(ANY_CHAR, min_size=1, max_size=25).filter(lambda t: t.strip() == t and not is_blank(t))
URL = st.builds(lambda host, path: f"https://{host}.example.org/{path}", SLUG,
                st.text(st.characters(categories=("L", "N", "P", "S")), max_size=15))
WORD = st.one_of(
    st.text(ANY_CHAR.filter(lambda c: not c.isspace()), min_size=1, max_size=8),
    st.sampled_from(["killed", "people", "“at least”", "—", "آبان", "قتلوا", "Ümit", "300", "1,500"]),
)
GAP = st.sampled_from([" ", " ", " ", "\n", "  ", "\t", "\u00a0", "\n\n"])
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

# A figure phrase and what the contract says it means: (qualifier, value, low, high).
SINGLE_PHRASES = {"": "exact", "about ": "approximately", "approximately ": "approximately", "nearly ": "nearly",
                  "at least ": "at_least", "more than ": "more_than", "at most ": "at_most", "up to ": "at_most",
                  "fewer than ": "less_than", "less than ": "less_than"}
BOUNDS = {"exact": (True, True), "approximately": (False, False), "nearly": (False, True), "at_least": (True, False),
          "more_than": (True, False), "at_most": (False, True), "less_than": (False, True)}


@dataclass
class Generated:
    data: dict[str, list[dict[str, Any]]]
    figures: dict[tuple[str, int], tuple[str, Any, Any, Any]] = field(default_factory=dict)


def written(number: int, style: int) -> str:
    return [str(number), f"{number:,}", str(number).translate(PERSIAN_DIGITS)][style]


@st.composite
def figures(draw: st.DrawFn, metrics: list[str]) -> tuple[dict[str, Any], tuple[str, Any, Any, Any]]:
    metric = draw(st.sampled_from(metrics))
    base: dict[str, Any] = {"metric": metric}
    if draw(st.booleans()):
        base["population"] = draw(st.sampled_from(["children", "Women", "کودکان", "minors under 18"]))
    n = draw(st.integers(0, 10**12))
    m = draw(st.integers(n, 10**12))
    style = draw(st.integers(0, 2))
    shape = draw(st.sampled_from(["phrase", "range phrase", "vague", "parts", "range parts"]))
    if shape == "phrase":
        phrase = draw(st.sampled_from(sorted(SINGLE_PHRASES)))
        qualifier = SINGLE_PHRASES[phrase]
        tail = draw(st.sampled_from(["", " people", " were killed"]))
        figure = {**base, "value": f"{phrase}{written(n, style)}{tail}"}
    elif shape == "range phrase":
        qualifier = "range"
        figure = {**base, "value": f"between {written(n, style)} and {written(m, style)}"}
    elif shape == "vague":
        qualifier = "vague"
        word = draw(st.sampled_from(sorted(VAGUE_WORDS)))
        figure = {**base, "value": word}
        n, m = VAGUE_WORDS[word]
    elif shape == "parts":
        qualifier = draw(st.sampled_from(sorted(BOUNDS)))
        figure = {**base, "qualifier": qualifier, "value": draw(st.sampled_from([n, written(n, style)]))}
        if draw(st.booleans()):
            # A phrase the grammar does not read agrees with the parts when it holds their number.
            figure["stated"] = draw(st.sampled_from(["{} oder mehr", "au moins {}", "رقم {}"])).format(written(n, style))
    else:
        qualifier = "range"
        figure = {**base, "qualifier": "range", "low": n, "high": m}
    # Quotes are cut from random text: the figures are recorded as derived, not stated by the quote.
    figure["derived"] = draw(st.sampled_from(["a sum of two quoted figures", "converted from a share"]))
    if qualifier in ("range", "vague"):
        return figure, (qualifier, None, n, m)
    fixes_low, fixes_high = BOUNDS[qualifier]
    return figure, (qualifier, n, n if fixes_low else None, n if fixes_high else None)


@st.composite
def day_prefix(draw: st.DrawFn, at_least: date | None = None) -> tuple[date, str]:
    day = draw(st.dates(min_value=at_least or date(1950, 1, 1), max_value=date(2030, 12, 31)))
    return day, day.isoformat()[: draw(st.sampled_from([4, 7, 10]))]


@st.composite
def import_files(draw: st.DrawFn) -> Generated:
    """One valid import: every reference resolves, every quote is in its document, no cycles."""
    sources = _draw_sources(draw)
    keys = [source["id"] for source in sources]
    events = _draw_events(draw)
    metrics = [{"id": key, "name": draw(TEXT), "unit": draw(TEXT)}
               for key in draw(st.lists(SLUG, min_size=1, max_size=3, unique=True))]
    documents = _draw_documents(draw, keys)
    generated = Generated({"sources": sources, "events": events, "metrics": metrics, "documents": documents, "claims": []})
    claims = generated.data["claims"]
    for index in range(draw(st.integers(0, 5))):
        claim = _draw_claim(draw, index, generated)
        if claim is not None:
            claims.append(claim)
    return generated


def _draw_sources(draw: st.DrawFn) -> list[dict[str, Any]]:
    # Source ids and aliases share one case-insensitive namespace.
    keys = draw(st.lists(SLUG, min_size=1, max_size=4, unique=True))
    # Names and aliases share another, where look-alikes are one name (see factdb.checks.name_key).
    names = draw(st.lists(TEXT, min_size=len(keys), max_size=len(keys) + 5, unique_by=name_key))
    names, alias_pool = names[:len(keys)], [a for a in names[len(keys):] if a.lower() not in {k.lower() for k in keys}]
    sources = []
    for index, key in enumerate(keys):
        source: dict[str, Any] = {"id": key, "name": names[index], "kind": draw(st.sampled_from(SOURCE_KINDS))}
        aliases = alias_pool[index::len(keys)]
        if aliases:
            source["aliases"] = aliases
        if index and draw(st.booleans()):  # relations point to earlier sources only: no cycles
            source[draw(st.sampled_from(["part_of", "member_of"]))] = draw(st.sampled_from(keys[:index]))
        for optional, strategy in (("url", URL), ("country", TEXT), ("description", TEXT)):
            if draw(st.booleans()):
                source[optional] = draw(strategy)
        sources.append(source)
    return sources


def _draw_events(draw: st.DrawFn) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for index, key in enumerate(draw(st.lists(SLUG, min_size=1, max_size=3, unique=True))):
        event: dict[str, Any] = {"id": key, "name": draw(TEXT)}
        if draw(st.booleans()):
            start_day, event["start"] = draw(day_prefix())
            if draw(st.booleans()):
                event["end"] = draw(day_prefix(start_day))[1]
        if index and draw(st.booleans()):
            event["parent"] = events[draw(st.integers(0, index - 1))]["id"]
        events.append(event)
    return events


def _draw_documents(draw: st.DrawFn, keys: list[str]) -> list[dict[str, Any]]:
    documents = []
    for key in draw(st.lists(SLUG, min_size=1, max_size=2, unique=True)):
        words = draw(st.lists(st.tuples(WORD, GAP), min_size=3, max_size=40))
        document: dict[str, Any] = {"id": key, "title": draw(TEXT), "text": "".join(w + g for w, g in words)}
        if draw(st.booleans()):
            document["published"] = draw(day_prefix())[1]
        if draw(st.booleans()):
            document["publisher"] = draw(st.sampled_from(keys))
        if draw(st.booleans()):
            document["language"] = draw(st.sampled_from(["en", "fa", "ar"]))
        documents.append(document)
    return documents


def _draw_claim(draw: st.DrawFn, index: int, generated: Generated) -> dict[str, Any] | None:
    """A claim quoting one of the documents, or None when the drawn passage is blank."""
    data = generated.data
    documents, claims = data["documents"], data["claims"]
    keys = [source["id"] for source in data["sources"]]
    document = draw(st.sampled_from(documents))
    text = document["text"]
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    start, end = widened_to_boundaries(text, start, end)
    if not text[start:end].strip():
        return None
    claim: dict[str, Any] = {"id": f"claim-{index}", "document": document["id"], "source": draw(st.sampled_from(keys)),
                             "quote": text[start:end]}
    if draw(st.booleans()):
        claim["event"] = draw(st.sampled_from(data["events"]))["id"]
    if "published" not in document or draw(st.booleans()):
        claim["claimed_on"] = draw(day_prefix())[1]
    if draw(st.booleans()):
        via = draw(st.sampled_from(keys))
        if via != claim["source"]:
            claim["via"] = via
    if draw(st.booleans()):
        claim["statement"] = draw(TEXT)
    if draw(st.booleans()):
        claim["status"] = draw(st.sampled_from(CLAIM_STATUSES))
    claimed_on = claim.get("claimed_on") or document["published"]
    earlier = [c for c in claims if c["source"] == claim["source"] and _same_event(c, claim)
               and (c.get("claimed_on") or _published(documents, c))[: len(claimed_on)] <= claimed_on]
    if earlier and draw(st.booleans()):
        claim["supersedes"] = draw(st.sampled_from(earlier))["id"]
    drawn = draw(st.lists(figures([m["id"] for m in data["metrics"]]), max_size=3))
    if drawn:
        claim["figures"] = [f for f, _ in drawn]
        for position, (_, meaning) in enumerate(drawn, start=1):
            generated.figures[(claim["id"], position)] = meaning
    return claim


def _same_event(earlier: dict[str, Any], later: dict[str, Any]) -> bool:
    """Whether ``later`` may supersede ``earlier`` as far as events go: neither names one, or the same."""
    return None in (earlier.get("event"), later.get("event")) or earlier["event"] == later["event"]


def _published(documents: list[dict[str, Any]], claim: dict[str, Any]) -> str:
    return next(d["published"] for d in documents if d["id"] == claim["document"])


class EmptyStores:
    """Two empty migrated databases on one backend, made empty again for every example."""

    def __init__(self, name: str, template: Path, urls: tuple[str, str] = ("", "")) -> None:
        self.name = name
        self.template = template
        self.urls = urls
        self._engines: list[Any] = []

    def pair(self, folder: Path) -> tuple[str, str]:
        """The first and the second database of one example, both empty."""
        if self.name == "sqlite":
            return (str(shutil.copy(self.template, folder / "first.sqlite")),
                    str(shutil.copy(self.template, folder / "second.sqlite")))
        if not self._engines:
            from sqlalchemy import create_engine

            self._engines = [create_engine(url) for url in self.urls]
        from factdb.models import Base

        for engine in self._engines:
            with engine.begin() as connection:
                # DELETE, not TRUNCATE: a TRUNCATE of the seventeen tables gives each new files,
                # hundreds of milliseconds where deleting a few rows takes a few.
                for table in reversed(Base.metadata.sorted_tables):
                    connection.execute(table.delete())
                for sequence in connection.exec_driver_sql("SELECT sequencename FROM pg_sequences "
                                                           "WHERE schemaname = current_schema()").scalars():
                    connection.exec_driver_sql(f'ALTER SEQUENCE "{sequence}" RESTART')
                assert connection.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
        return self.urls

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty migrated database, created once; each example copies it."""
    return migrated_database(tmp_path_factory.mktemp("empty"))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stores(request: pytest.FixtureRequest, empty_db: Path) -> Iterator[EmptyStores]:
    if request.param == "sqlite":
        yield EmptyStores("sqlite", empty_db)
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    urls = (server.create(), server.create())
    stores = EmptyStores("postgresql", empty_db, urls)
    try:
        yield stores
    finally:
        stores.close()
        for url in urls:
            server.discard(url)


def _example_settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, suppress_health_check=[
        HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])


def _export(db: str, fmt: str) -> str:
    engine = make_engine(db)
    try:
        out = io.StringIO()
        export_database(engine, out, fmt)
        return out.getvalue()
    finally:
        engine.dispose()


def _import(db: str, path: Path) -> Any:
    engine = make_engine(db)
    try:
        return import_paths(engine, [path])
    finally:
        engine.dispose()


def _survives_export_import_export(generated: Generated, fmt: str, stores: EmptyStores, tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # tmp_path is shared by every example
    first_db, second_db = stores.pair(folder)
    source = folder / "input.yaml"
    source.write_text(yaml.safe_dump(generated.data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    _import(first_db, source)
    stored = {(claim_id, position): (qualifier, value, low, high) for claim_id, position, qualifier, value, low, high in
              rows(first_db, "SELECT c.id, f.position, f.qualifier, f.value, f.low, f.high FROM figures f "
                             "JOIN claims c ON c.pk = f.claim_pk")}
    assert stored == generated.figures  # every phrase read as its documented qualifier and bounds

    first = _export(first_db, fmt)
    exported = folder / f"export.{fmt}"
    exported.write_text(first, encoding="utf-8")
    report = _import(second_db, exported)
    assert report.counts["claims"]["added"] == len(generated.data["claims"])
    assert _export(second_db, fmt) == first
    assert not _import(first_db, exported).changed  # the export is exactly what the first database holds
    if fmt == "json":
        json.loads(first)  # and it is valid JSON


@pytest.mark.parametrize("stores", ["sqlite"], indirect=True)
@_example_settings(40)
@given(generated=import_files(), fmt=st.sampled_from(["yaml", "json", "jsonl"]))
def test_generated_database_survives_export_import_export(generated: Generated, fmt: str, stores: EmptyStores,
                                                          tmp_path: Path) -> None:
    _survives_export_import_export(generated, fmt, stores, tmp_path)


@pytest.mark.parametrize("stores", ["postgresql"], indirect=True)
@_example_settings(15)
@given(generated=import_files(), fmt=st.sampled_from(["yaml", "json", "jsonl"]))
def test_generated_database_survives_export_import_export_on_postgresql(generated: Generated, fmt: str,
                                                                        stores: EmptyStores, tmp_path: Path) -> None:
    _survives_export_import_export(generated, fmt, stores, tmp_path)


@pytest.mark.parametrize("text", ["Ends with a blank line.\n\n", "Two.\n\n\n", " Indented, then blank.\n\n", "No newline"])
def test_document_text_ending_in_blank_lines_round_trips_through_yaml(text: str, stores: EmptyStores, tmp_path: Path) -> None:
    """Found by the property above: a `|+` block made the YAML export end its document early."""
    first_db, second_db = stores.pair(tmp_path)
    source = tmp_path / "input.yaml"
    source.write_text(yaml.safe_dump({
        "sources": [{"id": "s", "name": "S", "kind": "ngo"}],
        "documents": [{"id": "d", "title": "T", "text": text}, {"id": "e", "title": "E", "text": text}],
        "claims": [{"id": "c", "document": "d", "source": "s", "quote": text.split()[0], "claimed_on": "2020"}],
    }), encoding="utf-8")
    _import(first_db, source)
    exported = tmp_path / "export.yaml"
    exported.write_text(_export(first_db, "yaml"), encoding="utf-8")
    _import(second_db, exported)
    assert _export(second_db, "yaml") == exported.read_text(encoding="utf-8")
    assert rows(second_db, "SELECT DISTINCT text FROM documents") == [(text,)]


# -- every Unicode scalar value, in every format ------------------------------------------------------

# Every character an import accepts: all Unicode scalar values but NUL (refused: SQLite's text
# functions stop at it). Surrogates are not scalar values. Line breaks of every kind are included.
SCALAR_VALUE = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
BREAKS = st.sampled_from(["\x85", "\u2028", "\u2029", "\r", "\r\n", "\n", "\x0b", "\x0c", "\ufeff", "\x1c"])
FORMATS_EXPORTED = ["yaml", "json", "jsonl"]
ANY_TEXT = st.lists(st.one_of(SCALAR_VALUE, BREAKS), min_size=1, max_size=40).map("".join)


def _texts_through(fmt: str, text: str, folder: Path, stores: EmptyStores) -> list[tuple[str, ...]]:
    """The document text, title and claim statement stored after an import of ``text`` and an
    import of its export in ``fmt``; the input file is JSON with ASCII escapes, which keeps anything."""
    first_db, second_db = stores.pair(folder)
    source = folder / "input.json"
    source.write_text(json.dumps({
        "sources": [{"id": "s", "name": f"S {text} s", "kind": "ngo", "description": f"({text})"}],
        "documents": [{"id": "d", "title": f"T {text} t", "text": f"{text} quoted"}],
        "claims": [{"id": "c", "document": "d", "source": "s", "quote": "quoted", "claimed_on": "2020",
                    "statement": f"< {text} >"}],
    }), encoding="utf-8")
    _import(first_db, source)  # raises on any problem
    exported = folder / f"export.{fmt}"
    exported.write_text(_export(first_db, fmt), encoding="utf-8")
    _import(second_db, exported)
    return rows(second_db, "SELECT s.name, s.description, d.title, d.text, c.statement FROM claims c "
                           "JOIN sources s ON s.id = c.source_id JOIN documents d ON d.pk = c.document_pk")


def _expected(text: str) -> list[tuple[str, ...]]:
    return [(f"S {text} s", f"({text})", f"T {text} t", f"{text} quoted", f"< {text} >")]


@pytest.mark.parametrize("fmt", FORMATS_EXPORTED)
@pytest.mark.parametrize("text", ["a\x85b", "\x85", "line\nnext\x85", "\u2028\u2029", "tab\there\x0b\x0c", "\r\n\r"])
def test_line_breaks_of_every_kind_round_trip(fmt: str, text: str, stores: EmptyStores, tmp_path: Path) -> None:
    """U+0085 (NEL) came back from the YAML export as a line break or a space (issue 16, item 10)."""
    assert _texts_through(fmt, text, tmp_path, stores) == _expected(text)


@pytest.mark.parametrize("stores", ["sqlite"], indirect=True)
@_example_settings(60)
@given(text=ANY_TEXT, fmt=st.sampled_from(FORMATS_EXPORTED))
def test_every_unicode_scalar_value_round_trips_in_every_format(text: str, fmt: str, stores: EmptyStores, tmp_path: Path) -> None:
    assert _texts_through(fmt, text, Path(tempfile.mkdtemp(dir=tmp_path)), stores) == _expected(text)


@pytest.mark.parametrize("stores", ["postgresql"], indirect=True)
@_example_settings(20)
@given(text=ANY_TEXT, fmt=st.sampled_from(FORMATS_EXPORTED))
def test_every_unicode_scalar_value_round_trips_in_every_format_on_postgresql(text: str, fmt: str, stores: EmptyStores,
                                                                              tmp_path: Path) -> None:
    assert _texts_through(fmt, text, Path(tempfile.mkdtemp(dir=tmp_path)), stores) == _expected(text)
