"""Properties of comparisons (checked with hypothesis).

- The largest agreement is a maximum: every reported group's figures share a number, no number is
  allowed by more figures, and every number allowed by that many figures lies in a reported group.
- Every number printed next to a source's name (table, CSV, verdict) is one the source stated.

The second property imports each generated set of figures as an event of its own into one
database and compares it through the public `compare` and the CLI.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli, write

from factdb.compare import Comparison, ComparedFigure, Interval, compare, figure_words, largest_agreements
from factdb.figures import VAGUE_WORDS

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def numbers_in(text: str) -> set[float]:
    return {float(n.replace(",", "")) for n in NUMBER.findall(text)}


# --- The largest agreement is a maximum --------------------------------------------------------


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    low = draw(st.integers(0, 20))
    high = draw(st.one_of(st.none(), st.integers(low, 20)))
    open_low, open_high = draw(st.booleans()), draw(st.booleans())
    if high == low:  # an interval of one number includes it, or it would be empty
        open_low = open_high = False
    return Interval(low, high, open_low=open_low and high != low, open_high=open_high and high is not None)


def probe_points(given: list[Interval]) -> list[float]:
    """Every bound, and a number between each two neighbouring bounds and beyond them: which
    intervals allow a number can only change at a bound, so these numbers cover every case."""
    bounds = sorted({b for i in given for b in (i.low, i.high) if b is not None})
    between = [(a + b) / 2 for a, b in itertools.pairwise(bounds)]
    return [*bounds, *between, bounds[0] - 0.5, bounds[-1] + 0.5]


@settings(max_examples=300, deadline=None)
@given(st.lists(intervals(), min_size=1, max_size=8))
def test_the_largest_agreement_is_a_maximum(given: list[Interval]) -> None:
    groups = largest_agreements(given)
    size = max(sum(i.allows(x) for i in given) for x in probe_points(given))
    assert groups and {len(group) for group in groups} == {size}
    assert len(set(groups)) == len(groups)
    for group in groups:
        members = [given[k] for k in group]
        assert any(all(i.allows(x) for i in members) for x in probe_points(given)), "a group shares a number"
    # Every number allowed by the most intervals is allowed by exactly one reported group.
    for x in probe_points(given):
        allowing = tuple(k for k, i in enumerate(given) if i.allows(x))
        if len(allowing) == size:
            assert allowing in groups


# --- Every number printed next to a source's name is one it stated --------------------------------


SOURCES = ["Alpha Monitor", "Bravo Agency", "Charlie Ministry", "Delta Council", "Echo Union"]
AMOUNT = st.integers(1, 3000)


@st.composite
def phrases(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["exact", "about", "nearly", "at least", "more than", "at most", "fewer than",
                                 "between", "vague"]))
    if kind == "vague":
        return draw(st.sampled_from(sorted(VAGUE_WORDS)))
    if kind == "between":
        low, high = sorted(draw(st.lists(AMOUNT, min_size=2, max_size=2, unique=True)))
        return f"between {low:,} and {high:,}"
    number = f"{draw(AMOUNT):,}"
    return number if kind == "exact" else f"{kind} {number}"


SAID = st.lists(phrases(), min_size=1, max_size=len(SOURCES))
events = itertools.count(1)


@pytest.fixture(scope="module")
def figures_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("properties") / "factdb.sqlite"
    assert run_cli("init", "--db", path).exit_code == 0
    return path


def import_event(db: Path, said: list[str]) -> str:
    event = f"property-{next(events)}"
    quotes = [f"{name} says {stated} people were killed." for name, stated in zip(SOURCES, said, strict=False)]
    data = {
        "sources": [{"id": name.lower().replace(" ", "-"), "name": name, "kind": "other"} for name in SOURCES],
        "events": [{"id": event, "name": event, "start": "2020-01-01"}],
        "metrics": [{"id": "killed", "name": "People killed", "unit": "people"}],
        "documents": [{"id": event, "title": event, "published": "2020-02-01", "language": "en",
                       "text": "\n".join(quotes) + "\n"}],
        "claims": [
            {"id": f"{event}-{k}", "document": event, "source": name.lower().replace(" ", "-"), "event": event,
             "claimed_on": "2020-01-15", "quote": quote, "figures": [{"metric": "killed", "value": stated}]}
            for k, (name, stated, quote) in enumerate(zip(SOURCES, said, quotes, strict=False))
        ],
    }
    path = write(db.parent, f"{event}.yaml", yaml.safe_dump(data, sort_keys=False))
    result = run_cli("import", "--db", db, path)
    assert result.exit_code == 0, result.output
    return event


def stated(figure: ComparedFigure) -> set[float]:
    return set(figure.stated_numbers)


def assert_verdict_attributes_only_stated_numbers(comparison: Comparison) -> None:
    verdict = comparison.verdict
    for figure in comparison.figures:
        for match in re.finditer(re.escape(f"{figure.source_name}'s "), verdict):
            said = verdict[match.end():]
            assert said.startswith(figure_words(figure)), (verdict, figure.stated)
        # A number is never attributed to a source by putting the name after it.
        assert not re.search(rf"\d \({re.escape(figure.source_name)}\)", verdict), verdict


def assert_table_attributes_only_stated_numbers(comparison: Comparison, table: str) -> None:
    by_name = {f.source_name: f for f in comparison.figures}
    prefix = "Spread of the numbers stated: "
    spread = next((line for line in table.splitlines() if line.startswith(prefix)), None)
    if spread is not None:
        ends = re.sub(r", ratio [\d.]+$", "", spread.removeprefix(prefix)).split(") to ")
        assert len(ends) == 2, spread
        for end in (ends[0] + ")", ends[1]):
            match = re.fullmatch(r"(.+) \((.+)\)", end)
            assert match is not None, spread
            assert numbers_in(match[1]) <= stated(by_name[match[2]]), spread
    for line in table.splitlines():
        columns = re.split(r"\s{2,}", line.strip())
        if columns[0] in by_name:
            assert numbers_in(columns[1]) <= stated(by_name[columns[0]]), line


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(SAID)
def test_every_number_printed_next_to_a_source_is_one_it_stated(figures_db: Path, said: list[str]) -> None:
    event = import_event(figures_db, said)
    comparison = compare(figures_db, event, "killed")
    assert isinstance(comparison, Comparison)
    for figure in comparison.figures:
        assert numbers_in(figure_words(figure)) <= stated(figure), figure_words(figure)
    assert_verdict_attributes_only_stated_numbers(comparison)
    table = run_cli("compare", event, "-m", "killed", "--db", figures_db).output
    assert table.splitlines()[-1] == f"Verdict: {comparison.verdict}."
    assert_table_attributes_only_stated_numbers(comparison, table)
    rows = csv.DictReader(io.StringIO(run_cli("compare", event, "-m", "killed", "--format", "csv", "--db",
                                              figures_db).output))
    by_source = {f.source: f for f in comparison.figures}
    for row in rows:
        shown = " ".join(row[column] for column in ("stated", "value", "low", "high"))
        assert numbers_in(shown) <= stated(by_source[row["source"]]), row
        assert row["verdict"] == comparison.verdict
    # The agreement compare reports is the largest too.
    given = [f.as_interval for f in comparison.figures]
    assert [a.sources for a in comparison.agreements] == [
        tuple(comparison.figures[k].source for k in group) for group in largest_agreements(given)
    ]
