"""`factdb compare` and `factdb.compare.compare`: intervals, verdicts, consensus, spread, history, --as-of.

The fixture (tests/fixtures/compare/multi_source.yaml) is a synthetic event reported by
invented sources; the seeds are the founding article's claims.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import factdb
from factdb.cli import cli
from factdb.compare import CompareError, Comparison, Interval, compare, figure_interval
from factdb.db import open_database

CRACKDOWN = "examplia-crackdown-2019-11"
SEED_EVENT = "iran-protests-2019-11"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "compare.md"


@pytest.fixture(scope="session")
def compare_db(compare_store: str | Path) -> str | Path:
    """Every comparison in this module runs on SQLite and on PostgreSQL (conftest.compare_store)."""
    return compare_store


def run_cli(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def stated_by_source(comparison: Comparison) -> dict[str, str]:
    return {f.source: f.stated for f in comparison.figures}


def conflict_triples(comparison: Comparison) -> list[tuple[str, str, float]]:
    return [(c.a, c.b, c.gap) for c in comparison.conflicts]


# --- Intervals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qualifier", "value", "low", "high", "expected"),
    [
        ("exact", 230, None, None, (230, 230, False, False)),
        ("approximately", 1500, None, None, (1350, 1650, False, False)),
        ("nearly", 200, None, None, (180, 200, False, False)),
        ("at_least", 300, 300, None, (300, None, False, False)),
        ("more_than", 300, 300, None, (300, None, True, False)),
        ("at_most", 50, None, 50, (0, 50, False, False)),
        ("less_than", 50, None, 50, (0, 50, False, True)),
        ("range", None, 180, 450, (180, 450, False, False)),
        ("vague", None, 2000, None, (2000, None, False, False)),
    ],
)
def test_each_qualifier_becomes_the_documented_interval(
    qualifier: str, value: float | None, low: float | None, high: float | None, expected: tuple
) -> None:
    interval = figure_interval(qualifier, value, low, high, tolerance=0.1)
    assert (interval.low, interval.high, interval.open_low, interval.open_high) == expected


def test_tolerance_widens_approximately_and_nearly() -> None:
    assert figure_interval("approximately", 1000, tolerance=0.25) == figure_interval("range", None, 750, 1250)
    assert (figure_interval("nearly", 1000, tolerance=0.25).low, figure_interval("nearly", 1000, tolerance=0.25).high) == (750, 1000)


def test_open_bounds_exclude_the_stated_number() -> None:
    more_than = figure_interval("more_than", 300, 300)
    at_most = figure_interval("at_most", 300, None, 300)
    less_than = figure_interval("less_than", 300, None, 300)
    at_least = figure_interval("at_least", 300, 300)
    assert not more_than.overlaps(at_most) and more_than.gap_to(at_most) == 0
    assert not at_least.overlaps(less_than)
    assert at_least.overlaps(at_most)


# --- The fixture: latest figures, conflicts, spread, independence ------------------------------


@pytest.fixture(scope="module")
def killed(compare_db: Path) -> Comparison:
    return compare(compare_db, CRACKDOWN, "killed")


def test_each_source_is_represented_by_its_latest_unretracted_unsuperseded_figure(killed: Comparison) -> None:
    assert stated_by_source(killed) == {
        "interior-ministry": "230",
        "rights-monitor": "at least 304",
        "provincial-governor": "between 180 and 450",
        "wire-agency": "nearly 400",
        "opposition-council": "approximately 1,500",
        # Dated "2019-12", it still replaces the claim of 2019-12-20 it supersedes.
        "opposition-party": "more than 1,500",
    }
    assert [f.source for f in killed.figures] == [
        "interior-ministry", "rights-monitor", "provincial-governor", "wire-agency",
        "opposition-council", "opposition-party",
    ]


def test_every_non_overlapping_pair_is_a_conflict_with_its_gap(killed: Comparison) -> None:
    assert conflict_triples(killed) == [
        ("interior-ministry", "rights-monitor", 74),
        ("interior-ministry", "wire-agency", 130),
        ("interior-ministry", "opposition-council", 1120),
        ("interior-ministry", "opposition-party", 1270),
        ("provincial-governor", "opposition-council", 900),
        ("provincial-governor", "opposition-party", 1050),
        ("wire-agency", "opposition-council", 950),
        ("wire-agency", "opposition-party", 1100),
    ]
    assert killed.consensus is None


KILLED_VERDICT = (
    "3 of 6 sources' figures (Rights Monitor, Provincial Governor, Wire Agency) are consistent with 360–400, "
    "and 3 (Rights Monitor, Opposition Council, Opposition Party) with 1,500–1,650, excluding 1,500; "
    "Interior Ministry's 230 is in neither group"
)


def test_the_verdict_says_who_agrees_on_what_and_who_stands_outside(killed: Comparison) -> None:
    # Two groups of three tie: Rights Monitor's "at least 304" is consistent with both.
    assert killed.verdict == KILLED_VERDICT
    assert [(a.sources, a.band) for a in killed.agreements] == [
        (("rights-monitor", "provincial-governor", "wire-agency"), Interval(360, 400)),
        (("rights-monitor", "opposition-council", "opposition-party"), Interval(1500, 1650, open_low=True)),
    ]
    assert killed.outliers == ("interior-ministry",)


def test_the_spread_runs_between_numbers_the_sources_stated(killed: Comparison) -> None:
    # The governor's range begins at 180, below the ministry's 230; the council stated 1,500 (the
    # party too, but the council comes first). No midpoint is used.
    spread = killed.spread
    assert spread is not None
    assert (spread.min, spread.max, spread.ratio) == (180, 1500, 8.33)
    assert (spread.min_source, spread.max_source) == ("provincial-governor", "opposition-council")


def test_related_and_relayed_sources_share_an_origin(killed: Comparison) -> None:
    origins = {f.source: (f.origin, f.shares_origin) for f in killed.figures}
    assert origins == {
        "interior-ministry": ("national-government", False),
        "rights-monitor": ("rights-monitor", False),
        "provincial-governor": ("provincial-governor", True),
        "wire-agency": ("provincial-governor", True),
        "opposition-council": ("opposition-council", True),
        "opposition-party": ("opposition-council", True),
    }
    assert killed.independent_origins == 4
    assert killed.sources_count == 6


def test_overlapping_figures_give_a_consensus_band(compare_db: Path) -> None:
    injured = compare(compare_db, CRACKDOWN, "injured")
    assert injured.consensus == (1900, 2100)
    assert injured.conflicts == []
    assert injured.verdict == "All 3 sources' figures are consistent with 1,900–2,100"
    # Wire Agency's range holds both the smallest and the largest number stated.
    assert injured.spread is not None and (injured.spread.min, injured.spread.max, injured.spread.ratio) == (1900, 2500, 1.32)
    assert [a.sources for a in injured.agreements] == [("rights-monitor", "interior-ministry", "wire-agency")]
    assert injured.outliers == ()
    assert injured.independent_origins == 3
    disputed = next(f for f in injured.figures if f.source == "interior-ministry")
    assert disputed.status == "disputed"


def test_vague_words_compare_as_the_range_they_stand_for(compare_db: Path) -> None:
    children = compare(compare_db, CRACKDOWN, "killed", population="children")
    assert stated_by_source(children) == {"rights-monitor": "at least 23", "opposition-council": "dozens"}
    assert children.consensus == (24, 99)
    assert children.verdict == "Both sources' figures are consistent with 24–99"
    arrested = compare(compare_db, CRACKDOWN, "arrested")
    assert conflict_triples(arrested) == [
        ("rights-monitor", "opposition-council", 2001),
        ("interior-ministry", "opposition-council", 5000),
    ]
    assert arrested.verdict == (
        "2 of 3 sources' figures (Rights Monitor, Interior Ministry) are consistent with 7,000; "
        "Opposition Council's more than 12,000 is above that by at least 5,000"
    )
    assert arrested.outliers == ("opposition-council",)


def test_zero_tolerance_turns_approximately_into_an_exact_number(compare_db: Path) -> None:
    injured = compare(compare_db, CRACKDOWN, "injured", tolerance=0)
    assert conflict_triples(injured) == [("rights-monitor", "interior-ministry", 100)]
    assert injured.verdict == (
        "2 of 3 sources' figures (Rights Monitor, Wire Agency) are consistent with 2,000, "
        "and 2 (Interior Ministry, Wire Agency) with 2,100"
    )


# --- --as-of and --history -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected_stated", "verdict"),
    [
        ("2019-11-01", {}, "No source had given a figure by 2019-11-01"),
        ("2019-11-30", {"rights-monitor": "at least 106"}, "Only one source (Rights Monitor) gives a figure"),
        (
            "2019-12-10",
            {"rights-monitor": "at least 208", "provincial-governor": "between 180 and 450", "opposition-party": "more than 1,500"},
            "2 of 3 sources' figures (Rights Monitor, Provincial Governor) are consistent with 208–450, "
            "and 2 (Rights Monitor, Opposition Party) with more than 1,500",
        ),
        (
            "2019-12-19",
            {
                "rights-monitor": "at least 304", "provincial-governor": "between 180 and 450",
                "wire-agency": "nearly 400", "opposition-council": "approximately 1,500",
                "opposition-party": "more than 1,500",
            },
            "3 of 5 sources' figures (Rights Monitor, Provincial Governor, Wire Agency) are consistent with 360–400, "
            "and 3 (Rights Monitor, Opposition Council, Opposition Party) with 1,500–1,650, excluding 1,500",
        ),
    ],
)
def test_as_of_shows_what_was_known_on_that_date(
    compare_db: Path, as_of: str, expected_stated: dict[str, str], verdict: str
) -> None:
    comparison = compare(compare_db, CRACKDOWN, "killed", as_of=as_of)
    assert stated_by_source(comparison) == expected_stated
    assert comparison.verdict == verdict
    assert comparison.as_of == as_of


def test_a_month_dated_claim_is_known_from_the_first_of_that_month(compare_db: Path) -> None:
    day_before = compare(compare_db, CRACKDOWN, "killed", as_of="2019-11-30")
    first = compare(compare_db, CRACKDOWN, "killed", as_of="2019-12-01")
    assert "opposition-party" not in stated_by_source(day_before)
    assert stated_by_source(first)["opposition-party"] == "more than 1,500"
    assert first.consensus == (1500, None) and first.consensus_open_low


def test_a_supersession_counts_only_once_the_superseding_claim_is_known(compare_db: Path) -> None:
    before_revision = compare(compare_db, CRACKDOWN, "killed", as_of="2019-12-15")
    assert stated_by_source(before_revision)["rights-monitor"] == "at least 208"


def test_as_of_a_month_includes_the_whole_month(compare_db: Path) -> None:
    month = compare(compare_db, CRACKDOWN, "killed", as_of="2019-12")
    last_day = compare(compare_db, CRACKDOWN, "killed", as_of="2019-12-31")
    assert stated_by_source(month) == stated_by_source(last_day)
    assert "interior-ministry" not in stated_by_source(month)
    assert len(month.figures) == 5


def test_history_lists_each_sources_figures_oldest_first(compare_db: Path) -> None:
    comparison = compare(compare_db, CRACKDOWN, "killed", history=True)
    assert comparison.history is not None
    rights = comparison.history["rights-monitor"]
    assert [(f.stated, f.claimed_on, f.superseded) for f in rights] == [
        ("at least 106", "2019-11-25", True),
        ("at least 143", "2019-12-02", True),
        ("at least 208", "2019-12-09", True),
        ("at least 304", "2019-12-16", False),
    ]
    # A revision comes after what it revises even when its date is less precise.
    assert [f.stated for f in comparison.history["opposition-party"]] == ["more than 1,000", "more than 1,500"]
    # Retracted claims are left out of histories too.
    assert [f.stated for f in comparison.history["wire-agency"]] == ["nearly 400"]


def test_history_as_of_a_date_stops_at_that_date(compare_db: Path) -> None:
    comparison = compare(compare_db, CRACKDOWN, "killed", as_of="2019-12-05", history=True)
    assert comparison.history is not None
    assert [(f.stated, f.superseded) for f in comparison.history["rights-monitor"]] == [
        ("at least 106", True),
        ("at least 143", False),
    ]
    assert "wire-agency" not in comparison.history


def test_no_history_unless_asked(killed: Comparison) -> None:
    assert killed.history is None


# --- Scope: populations, every metric, names --------------------------------------------------


def test_figures_about_a_population_are_compared_only_with_each_other(compare_db: Path) -> None:
    children = compare(compare_db, CRACKDOWN, "killed", population="Children")
    assert children.population == "children"
    assert set(stated_by_source(children)) == {"rights-monitor", "opposition-council"}


def test_without_a_metric_every_metric_and_population_is_compared(compare_db: Path) -> None:
    comparisons = compare(compare_db, CRACKDOWN)
    assert [(c.metric, c.population) for c in comparisons] == [
        ("arrested", None), ("injured", None), ("killed", None), ("killed", "children"),
    ]
    only_children = compare(compare_db, CRACKDOWN, population="children")
    assert [(c.metric, c.population) for c in only_children] == [("killed", "children")]


def test_event_and_metric_are_found_by_name_in_any_case(compare_db: Path, killed: Comparison) -> None:
    by_name = compare(compare_db, "EXAMPLIA CRACKDOWN, november 2019", "people KILLED")
    assert by_name.to_dict() == killed.to_dict()


def test_an_engine_works_as_well_as_a_path(compare_db: Path, killed: Comparison) -> None:
    engine = open_database(compare_db, readonly=True)
    try:
        assert compare(engine, CRACKDOWN, "killed").to_dict() == killed.to_dict()
    finally:
        engine.dispose()


def test_an_event_with_one_source_is_a_comparison_that_says_so(compare_db: Path) -> None:
    [strike] = compare(compare_db, "examplia-harbour-strike-2020")
    assert strike.verdict == "Only one source (Harbour Workers' Union) gives a figure"
    assert strike.consensus is None and strike.conflicts == []
    assert strike.spread is not None and strike.spread.ratio == 1.0
    assert strike.independent_origins == 1


# --- Errors ------------------------------------------------------------------------------------


def test_unknown_event_lists_the_closest_matches(compare_db: Path) -> None:
    with pytest.raises(CompareError) as error:
        compare(compare_db, "examplia-crackdown", "killed")
    assert str(error.value) == (
        "No event 'examplia-crackdown'. Closest matches: "
        "examplia-crackdown-2019-11 (Examplia crackdown, November 2019)."
    )


def test_an_event_unlike_any_other_says_so(compare_db: Path) -> None:
    with pytest.raises(CompareError) as error:
        compare(compare_db, "zzzz")
    assert str(error.value) == "No event 'zzzz'. No similar ids or names."


def test_as_of_accepts_a_date(compare_db: Path) -> None:
    assert compare(compare_db, CRACKDOWN, "killed", as_of=date(2019, 11, 30)).as_of == "2019-11-30"


def test_misspelt_event_lists_the_closest_matches(compare_db: Path) -> None:
    with pytest.raises(CompareError, match=r"No event 'iran-protest-2019-11'\. Closest matches: iran-protests-2019-11 "):
        compare(compare_db, "iran-protest-2019-11")


def test_unknown_metric_lists_the_closest_matches(compare_db: Path) -> None:
    with pytest.raises(CompareError) as error:
        compare(compare_db, CRACKDOWN, "kiled")
    assert str(error.value) == "No metric 'kiled'. Closest matches: killed (People killed)."


def test_metric_without_figures_for_the_event_lists_what_the_event_has(compare_db: Path) -> None:
    with pytest.raises(CompareError) as error:
        compare(compare_db, CRACKDOWN, "strikers")
    assert str(error.value) == (
        f"No figures for metric 'strikers' with any population about event '{CRACKDOWN}'. "
        "This event has figures for: arrested, injured, killed, killed (children)."
    )


def test_unknown_population_lists_what_the_event_has(compare_db: Path) -> None:
    with pytest.raises(CompareError, match=r"with population 'kids'.*killed \(children\)\.$"):
        compare(compare_db, CRACKDOWN, "killed", population="kids")


def test_malformed_as_of_and_tolerance_are_value_errors(compare_db: Path) -> None:
    with pytest.raises(ValueError, match="YYYY, YYYY-MM or YYYY-MM-DD"):
        compare(compare_db, CRACKDOWN, "killed", as_of="2019-02-30")
    with pytest.raises(ValueError, match="tolerance"):
        compare(compare_db, CRACKDOWN, "killed", tolerance=1.5)


# --- The seeds ---------------------------------------------------------------------------------


def test_seed_article_figures_for_the_november_2019_protests(compare_db: Path) -> None:
    killed = compare(compare_db, SEED_EVENT, "killed")
    assert stated_by_source(killed) == {"amnesty": "at least 300", "ncri": "approximately 1,500"}
    assert killed.consensus == (1350, 1650)
    assert killed.verdict == "Both sources' figures are consistent with 1,350–1,650"
    assert killed.independent_origins == 2
    assert [(c.metric, c.population, len(c.figures)) for c in compare(compare_db, SEED_EVENT)] == [
        ("arrested", None, 1), ("cities", None, 1), ("killed", None, 2), ("killed", "children", 1),
    ]


# --- The CLI -----------------------------------------------------------------------------------


def test_json_output_follows_the_contract(compare_db: Path) -> None:
    result = run_cli("compare", CRACKDOWN, "--metric", "killed", "--format", "json", "--db", compare_db)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {k: data[k] for k in ("event", "metric", "population", "tolerance", "as_of", "independent_origins")} == {
        "event": CRACKDOWN, "metric": "killed", "population": None, "tolerance": 0.1, "as_of": None,
        "independent_origins": 4,
    }
    assert data["spread"] == {"min": 180, "max": 1500, "ratio": 8.33, "min_source": "provincial-governor", "max_source": "opposition-council"}
    assert data["verdict"] == KILLED_VERDICT
    assert data["largest_agreement"] == {
        "sources": ["rights-monitor", "provincial-governor", "wire-agency"], "low": 360, "high": 400,
        "open_low": False, "open_high": False,
    }
    assert data["largest_agreements"][1] == {
        "sources": ["rights-monitor", "opposition-council", "opposition-party"], "low": 1500, "high": 1650,
        "open_low": True, "open_high": False,
    }
    assert data["outliers"] == ["interior-ministry"]
    assert data["consensus"] is None
    assert data["conflicts"][0] == {"a": "interior-ministry", "b": "rights-monitor", "gap": 74}
    rights = next(f for f in data["figures"] if f["source"] == "rights-monitor")
    assert {k: rights[k] for k in (
        "source", "source_name", "qualifier", "value", "low", "high", "interval", "stated", "claimed_on",
        "claim_id", "document", "via", "origin",
    )} == {
        "source": "rights-monitor", "source_name": "Rights Monitor", "qualifier": "at_least", "value": 304,
        "low": 304, "high": None, "interval": [304, None], "stated": "at least 304", "claimed_on": "2019-12-16",
        "claim_id": "rm-killed-304", "document": "rights-monitor-updates", "via": None, "origin": "rights-monitor",
    }
    governor = next(f for f in data["figures"] if f["source"] == "provincial-governor")
    assert (governor["via"], governor["origin"], governor["shares_origin"]) == ("wire-agency", "provincial-governor", True)


def test_json_without_a_metric_is_a_list(compare_db: Path) -> None:
    result = run_cli("compare", SEED_EVENT, "--format", "json", "--db", compare_db)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(c["metric"], c["population"]) for c in data] == [
        ("arrested", None), ("cities", None), ("killed", None), ("killed", "children"),
    ]


def test_json_history_and_as_of(compare_db: Path) -> None:
    result = run_cli(
        "compare", CRACKDOWN, "-m", "killed", "--as-of", "2019-12-05", "--history", "--format", "json", "--db", compare_db
    )
    data = json.loads(result.output)
    assert data["as_of"] == "2019-12-05"
    assert [f["stated"] for f in data["history"]["rights-monitor"]] == ["at least 106", "at least 143"]


def test_table_output_is_aligned_and_ends_with_the_verdict(compare_db: Path) -> None:
    result = run_cli("compare", CRACKDOWN, "--metric", "killed", "--db", compare_db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Examplia crackdown, November 2019 [examplia-crackdown-2019-11]: People killed [killed]"
    header = next(line for line in lines if line.startswith("source"))
    rows = lines[lines.index(header) + 1 : lines.index(header) + 7]
    for column in ("stated", "qualifier", "interval", "claimed on", "origin"):
        start = header.index(column)
        assert all(row[start - 2 : start] == "  " and row[start] != " " for row in rows), column
    assert [row[header.index("stated"):].split("  ")[0] for row in rows] == [
        "230", "at least 304", "between 180 and 450", "nearly 400", "approximately 1,500", "more than 1,500",
    ]
    assert "Provincial Governor (via Wire Agency)" in result.output
    assert "[304 – ∞)" in result.output and "(1,500 – ∞)" in result.output
    assert "provincial-governor *" in result.output
    assert "Conflict: Interior Ministry and Rights Monitor do not overlap (gap 74)" in result.output
    assert "Independent origins: 4 for 6 sources" in result.output
    assert lines[-1] == f"Verdict: {KILLED_VERDICT}."


def test_csv_has_one_row_per_figure(compare_db: Path) -> None:
    result = run_cli("compare", CRACKDOWN, "--metric", "killed", "--format", "csv", "--db", compare_db)
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["source"] for r in rows][:2] == ["interior-ministry", "rights-monitor"]
    assert (rows[1]["interval_low"], rows[1]["interval_high"], rows[1]["latest"]) == ("304", "", "1")


def test_csv_history_adds_earlier_figures(compare_db: Path) -> None:
    result = run_cli("compare", CRACKDOWN, "--metric", "killed", "--history", "--format", "csv", "--db", compare_db)
    rows = [r for r in csv.DictReader(io.StringIO(result.output)) if r["source"] == "rights-monitor"]
    assert [(r["stated"], r["latest"], r["superseded"]) for r in rows] == [
        ("at least 106", "0", "1"), ("at least 143", "0", "1"), ("at least 208", "0", "1"), ("at least 304", "1", "0"),
    ]


def test_cli_unknown_metric_exits_1_with_the_closest_matches(compare_db: Path) -> None:
    result = run_cli("compare", CRACKDOWN, "--metric", "kiled", "--db", compare_db)
    assert result.exit_code == 1
    assert "No metric 'kiled'. Closest matches: killed (People killed)." in result.output


def test_cli_rejects_a_malformed_date_as_a_usage_error(compare_db: Path) -> None:
    result = run_cli("compare", CRACKDOWN, "--as-of", "December 2019", "--db", compare_db)
    assert result.exit_code == 2
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in result.output


def test_cli_on_a_missing_database_says_how_to_create_it(tmp_path: Path) -> None:
    result = run_cli("compare", CRACKDOWN, "--db", tmp_path / "missing.sqlite")
    assert result.exit_code == 1
    assert "factdb init" in result.output


# --- The documentation -------------------------------------------------------------------------


def documented_examples() -> list[tuple[str, str]]:
    """(command, printed output) for every ``$ factdb compare`` example in docs/compare.md."""
    examples = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            if command.startswith("factdb compare"):
                examples.append((command, output))
    return examples


def test_the_documentation_has_examples() -> None:
    assert len(documented_examples()) >= 5


@pytest.mark.parametrize(("command", "output"), documented_examples())
def test_documented_examples_are_real_output(compare_db: Path, command: str, output: str) -> None:
    result = run_cli(*shlex.split(command)[1:], "--db", compare_db)
    assert result.output == output


def test_reading_an_sqlite_file_never_maps_it_into_memory(seeded_db: Path) -> None:
    """A page first read through a map makes Linux read its neighbours too, up to the disk's
    read-ahead (8 MB on the benchmark machine): a cold comparison read 180 MB for 2 MB of pages."""
    with factdb.Database(seeded_db, readonly=True) as db:
        assert db.compare(SEED_EVENT, "killed").figures
        mapped = [line.split()[-1] for line in Path("/proc/self/maps").read_text().splitlines() if len(line.split()) > 5]
        assert str(seeded_db.resolve()) not in mapped
        with db.read_engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA mmap_size").scalar() == 0
