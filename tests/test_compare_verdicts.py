"""The verdict cases documented in docs/compare.md, each imported as an event of its own and compared.

The table is the specification: every row's sentence must be exactly what `compare` says, and the
table, JSON and CSV outputs must carry that same sentence, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli, write

from factdb.compare import Comparison, band_words, compare, figure_standing

DOCS = REPO / "docs" / "compare.md"


@pytest.fixture(scope="session")
def compare_db(compare_store: str | Path) -> str | Path:
    """Every comparison in this module runs on SQLite and on PostgreSQL (conftest.compare_store)."""
    return compare_store


def documented_cases() -> list[tuple[str, list[tuple[str, str]], str]]:
    """(case, [(source name, stated)], verdict) for each row of the verdict table."""
    section = DOCS.read_text(encoding="utf-8").split("| case | the sources say | verdict |", 1)[1]
    rows = re.findall(r"^\| (.+?) \| (.+?) \| (.+?) \|$", section.split("\n\n", 1)[0], re.M)
    cases = []
    for case, figures, verdict in rows:
        said = [part.partition(": ") for part in figures.split("; ")]
        cases.append((case, [(name, stated) for name, _, stated in said], verdict))
    return cases


CASES = documented_cases()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def cases_file(cases: list[tuple[str, list[tuple[str, str]], str]]) -> dict[str, object]:
    """One event per case; each source says its figure about people killed, in a document per case."""
    names = sorted({name for _, figures, _ in cases for name, _ in figures})
    data: dict[str, list[dict[str, object]]] = {
        "sources": [{"id": slug(name), "name": name, "kind": "other"} for name in names],
        "events": [], "metrics": [{"id": "killed", "name": "People killed", "unit": "people"}],
        "documents": [], "claims": [],
    }
    for number, (case, figures, _) in enumerate(cases, 1):
        event = f"case-{number}"
        quotes = [f"{name} says {stated} people were killed." for name, stated in figures]
        data["events"].append({"id": event, "name": case, "start": "2020-01-01"})
        data["documents"].append({"id": event, "title": case, "published": "2020-02-01", "language": "en",
                                  "text": "\n".join(quotes) + "\n"})
        data["claims"] += [
            {"id": f"{event}-{slug(name)}", "document": event, "source": slug(name), "event": event,
             "claimed_on": "2020-01-15", "quote": quote, "figures": [{"metric": "killed", "value": stated}]}
            for (name, stated), quote in zip(figures, quotes, strict=True)
        ]
    return data


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cases_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path | str]:
    """The documented cases imported once per backend. Read only."""
    folder = tmp_path_factory.mktemp("verdicts")
    data = write(folder, "cases.yaml", yaml.safe_dump(cases_file(CASES), allow_unicode=True, sort_keys=False))
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    path: Path | str = folder / "factdb.sqlite" if server is None else server.create()
    assert run_cli("init", "--db", path).exit_code == 0
    result = run_cli("import", "--db", path, data)
    assert result.exit_code == 0, result.output
    yield path
    if server is not None:
        server.discard(str(path))


def test_the_documentation_covers_every_kind_of_verdict() -> None:
    assert {case for case, _, _ in CASES} >= {
        "a single source", "all agree", "one outlier", "two camps", "everyone apart",
        "open bounds on both sides", "a vague figure",
    }


@pytest.mark.parametrize(("number", "case", "verdict"), [(n, c, v) for n, (c, _, v) in enumerate(CASES, 1)],
                         ids=[case for case, _, _ in CASES])
def test_each_documented_case_gives_its_sentence(cases_db: Path | str, number: int, case: str, verdict: str) -> None:
    comparison = compare(cases_db, f"case-{number}", "killed")
    assert isinstance(comparison, Comparison)
    assert comparison.verdict == verdict


@pytest.mark.parametrize("number", [n for n, (case, _, _) in enumerate(CASES, 1) if case in ("one outlier", "two camps")])
def test_table_json_and_csv_carry_the_same_sentence(cases_db: Path | str, number: int) -> None:
    verdict = compare(cases_db, f"case-{number}", "killed").verdict
    args = ("compare", f"case-{number}", "--metric", "killed", "--db", cases_db)
    assert run_cli(*args).output.splitlines()[-1] == f"Verdict: {verdict}."
    assert json.loads(run_cli(*args, "--format", "json").output)["verdict"] == verdict
    rows = list(csv.DictReader(io.StringIO(run_cli(*args, "--format", "csv").output)))
    assert rows and {row["verdict"] for row in rows} == {verdict}


def test_the_outlier_case_reports_the_agreement_and_the_outlier_in_json(cases_db: Path | str) -> None:
    number = next(n for n, (case, _, _) in enumerate(CASES, 1) if case == "one outlier")
    data = json.loads(run_cli("compare", f"case-{number}", "-m", "killed", "--format", "json", "--db", cases_db).output)
    assert data["largest_agreement"] == {"sources": ["rights-group", "monitor"], "low": 500, "high": 520,
                                         "open_low": False, "open_high": False}
    assert data["largest_agreements"] == [data["largest_agreement"]]
    assert data["outliers"] == ["ministry"]
    by_source = {f["source"]: f for f in data["figures"]}
    assert by_source["monitor"]["central_estimate"] == {"value": 510, "derived": True}
    assert by_source["ministry"]["central_estimate"] == {"value": 200, "derived": False}
    assert "central" not in by_source["monitor"]


@pytest.mark.parametrize(
    ("case", "standings"),
    [
        ("a single source", {"harbour-union": "The only figure"}),
        ("all agree", {"amnesty": "Consistent with every other figure", "council": "Consistent with every other figure"}),
        ("one outlier", {"ministry": "Below the largest agreement (500–520) by at least 280",
                         "rights-group": "In the largest agreement (500–520)",
                         "monitor": "In the largest agreement (500–520)"}),
        ("an outlier that touches the band", {"ministry": "Below the largest agreement (300–400), without overlapping",
                                              "monitor": "In the largest agreement (300–400)",
                                              "agency": "In the largest agreement (300–400)"}),
        ("two camps and an outlier", {"ministry": "In a largest agreement (100)",
                                      "governor": "In a largest agreement (100)",
                                      "monitor": "In none of the largest agreements",
                                      "party": "In a largest agreement (480–550)",
                                      "council": "In a largest agreement (480–550)"}),
        ("everyone apart, two sources", {"ministry": "Overlaps no other figure", "monitor": "Overlaps no other figure"}),
    ],
)
def test_each_figure_has_a_standing_for_the_datasette_page(cases_db: Path | str, case: str, standings: dict[str, str]) -> None:
    number = next(n for n, (name, _, _) in enumerate(CASES, 1) if name == case)
    comparison = compare(cases_db, f"case-{number}", "killed")
    assert {f.source: figure_standing(comparison, f) for f in comparison.figures} == standings


def test_a_figure_in_two_tied_groups_names_both_bands(compare_db: Path) -> None:
    killed = compare(compare_db, "examplia-crackdown-2019-11", "killed")
    rights = next(f for f in killed.figures if f.source == "rights-monitor")
    assert figure_standing(killed, rights) == "In a largest agreement (360–400; 1,500–1,650, excluding 1,500)"


def test_the_consensus_band_is_the_band_every_figure_allows(compare_db: Path) -> None:
    injured = compare(compare_db, "examplia-crackdown-2019-11", "injured")
    assert injured.consensus_band is not None and band_words(injured.consensus_band) == "1,900–2,100"
    assert compare(compare_db, "examplia-crackdown-2019-11", "killed").consensus_band is None


def test_a_long_group_names_six_sources_and_counts_the_rest(fresh_store: Path | str, tmp_path: Path) -> None:
    names = ["Ana", "Ben", "Cai", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy"]
    said = [(name, f"about {100 + k}") for k, name in enumerate(names)] + [("Joe", "5,000")]
    path = fresh_store
    data = write(tmp_path, "long.yaml", yaml.safe_dump(cases_file([("long", said, "")]), sort_keys=False))
    assert run_cli("import", "--db", path, data).exit_code == 0
    comparison = compare(path, "case-1", "killed")
    assert comparison.verdict == (
        "9 of 10 sources' figures (Ana, Ben, Cai, Dee, Eli, Fay and 3 more) are consistent with 97.2–110; "
        "Joe's 5,000 is above that by at least 4,890"
    )
    assert len(comparison.agreements[0].sources) == 9


def test_a_comparison_built_without_a_verdict_works_it_out_from_its_figures(compare_db: Path) -> None:
    killed = compare(compare_db, "examplia-crackdown-2019-11", "killed")
    given = {f.name: getattr(killed, f.name) for f in dataclasses.fields(killed)
             if f.name not in ("verdict", "agreements", "outliers")}
    rebuilt = Comparison(**given)
    assert (rebuilt.verdict, rebuilt.agreements, rebuilt.outliers) == (killed.verdict, killed.agreements, killed.outliers)
    assert Comparison(**given, verdict="As given").verdict == "As given"
    with pytest.raises(dataclasses.FrozenInstanceError):
        rebuilt.verdict = "changed"  # type: ignore[misc]
