"""Origins in `factdb.compare`: links through relayers and through several levels, and a figure that
joins two groups of linked sources into one, each in one comparison of a call that makes several.

The sources are invented; their ids are chosen so that "the alphabetically first topmost source"
is never simply the first source met.
"""

from __future__ import annotations

import pytest

from factdb.compare import Comparison, compare

from conftest import run_cli

EVENT = "lineage-test"

FIXTURE = """
sources:
  - {id: zeta-top, name: Zeta, kind: government}
  - {id: branch, name: Branch, kind: government, part_of: zeta-top}
  - {id: leaf, name: Leaf, kind: government, member_of: branch}
  - {id: alpha-top, name: Alpha, kind: government}
  - {id: bureau, name: Bureau, kind: government, part_of: alpha-top}
  - {id: desk, name: Desk, kind: government, part_of: alpha-top}
  - {id: agency, name: Agency, kind: media}
  - {id: official, name: Official, kind: official}
  - {id: loner, name: Loner, kind: ngo}

events:
  - {id: lineage-test, name: Lineage test, start: "2020-01-01"}

metrics:
  - {id: killed, name: People killed, unit: people}
  - {id: injured, name: People injured, unit: people}

documents:
  - id: reports
    title: Reports
    publisher: agency
    published: "2020-01-10"
    language: en
    text: |
      Leaf counts 10 dead. Branch relays the official's 12 dead. Loner counts 30 dead.
      Agency counts 100 injured. Bureau counts 110 injured. Agency relays Leaf's 120 injured.
      Agency relays Desk's 130 injured.

claims:
  # killed: the official, relayed by the branch, is linked to the leaf two levels below zeta-top.
  - {id: leaf-killed, document: reports, source: leaf, event: lineage-test, claimed_on: "2020-01-02",
     quote: Leaf counts 10 dead, figures: [{metric: killed, value: "10"}]}
  - {id: official-killed, document: reports, source: official, via: branch, event: lineage-test,
     claimed_on: "2020-01-03", quote: "official's 12 dead", figures: [{metric: killed, value: "12"}]}
  - {id: loner-killed, document: reports, source: loner, event: lineage-test, claimed_on: "2020-01-04",
     quote: Loner counts 30 dead, figures: [{metric: killed, value: "30"}]}
  # injured: agency and leaf (relayed by agency) are linked, bureau stands apart, until desk
  # (part of bureau's parent, relayed by agency) links both groups.
  - {id: agency-injured, document: reports, source: agency, event: lineage-test, claimed_on: "2020-01-05",
     quote: Agency counts 100 injured, figures: [{metric: injured, value: "100"}]}
  - {id: bureau-injured, document: reports, source: bureau, event: lineage-test, claimed_on: "2020-01-06",
     quote: Bureau counts 110 injured, figures: [{metric: injured, value: "110"}]}
  - {id: leaf-injured, document: reports, source: leaf, via: agency, event: lineage-test, claimed_on: "2020-01-07",
     quote: "Leaf's 120 injured", figures: [{metric: injured, value: "120"}]}
  - {id: desk-injured, document: reports, source: desk, via: agency, event: lineage-test, claimed_on: "2020-01-08",
     quote: "Desk's 130 injured", figures: [{metric: injured, value: "130"}]}
"""


@pytest.fixture(scope="module")
def comparisons(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Comparison]:
    folder = tmp_path_factory.mktemp("origins")
    path, data = folder / "factdb.sqlite", folder / "lineage.yaml"
    data.write_text(FIXTURE, encoding="utf-8")
    assert run_cli("init", "--db", path).exit_code == 0
    result = run_cli("import", "--db", path, data)
    assert result.exit_code == 0, result.output
    return {c.metric: c for c in compare(path, EVENT)}


def origins(comparison: Comparison) -> dict[str, tuple[str | None, bool]]:
    return {f.source: (f.origin, f.shares_origin) for f in comparison.figures}


def test_a_relayer_links_its_source_to_the_sources_below_the_relayers_top(comparisons: dict[str, Comparison]) -> None:
    killed = comparisons["killed"]
    # leaf's topmost source is zeta-top, the official has none above it: "official" comes first.
    # The agency that links the leaf for injuries links nothing here: each comparison links its own figures.
    assert origins(killed) == {
        "leaf": ("official", True),
        "official": ("official", True),
        "loner": ("loner", False),
    }
    assert killed.independent_origins == 2


def test_one_figure_can_join_two_groups_of_linked_sources(comparisons: dict[str, Comparison]) -> None:
    injured = comparisons["injured"]
    assert origins(injured) == {source: ("agency", True) for source in ("agency", "bureau", "leaf", "desk")}
    assert injured.independent_origins == 1

