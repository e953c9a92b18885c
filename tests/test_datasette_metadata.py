"""factdb/metadata.yaml agrees with the real schema, and its canned queries agree with factdb compare."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factdb.compare import compare
from factdb.datasette_plugin import metadata_for, packaged_metadata

FTS_SHADOWS = ("_fts_data", "_fts_idx", "_fts_docsize", "_fts_config", "_fts_content")


@pytest.fixture(scope="module")
def connection(compare_db: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{compare_db}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def described() -> dict[str, Any]:
    return packaged_metadata()["databases"]["factdb"]


def schema_objects(connection: sqlite3.Connection) -> dict[str, str]:
    """Every table and view a user can open, name -> type."""
    return {
        row["name"]: row["type"]
        for row in connection.execute("select name, type from sqlite_master where type in ('table', 'view')")
        if not row["name"].startswith("sqlite_") and not row["name"].endswith(FTS_SHADOWS)
    }


def columns_of(connection: sqlite3.Connection, name: str) -> list[str]:
    return [row["name"] for row in connection.execute(f'pragma table_info("{name}")')]


def test_every_table_and_view_is_described(connection: sqlite3.Connection, described: dict[str, Any]) -> None:
    objects = schema_objects(connection)
    assert sorted(objects) == sorted(described["tables"]), "metadata.yaml and the schema list different tables"
    for name in objects:
        assert described["tables"][name].get("description"), f"{name} has no description"


def test_every_column_is_described_and_no_described_column_is_missing(
    connection: sqlite3.Connection, described: dict[str, Any]
) -> None:
    for name, table in described["tables"].items():
        if name.endswith("_fts"):
            continue
        assert list(table["columns"]) == columns_of(connection, name), f"columns of {name} differ from the schema"
        assert all(description.strip() for description in table["columns"].values())


def test_labels_facets_and_search_point_at_real_columns(
    connection: sqlite3.Connection, described: dict[str, Any]
) -> None:
    for name, table in described["tables"].items():
        columns = set(columns_of(connection, name))
        for column in [table.get("label_column"), *table.get("facets", []), table.get("fts_pk")]:
            assert column is None or column in columns, f"{name}.{column} does not exist"
        if "fts_table" in table:
            assert table["fts_table"] in schema_objects(connection)


def test_default_facets_cover_source_kind_event_metric_and_qualifier(described: dict[str, Any]) -> None:
    tables = described["tables"]
    assert tables["claims"]["facets"] == ["source_id", "event_id"]
    assert tables["sources"]["facets"] == ["kind"]
    assert tables["figures"]["facets"] == ["metric_id", "qualifier"]


def test_internal_tables_are_hidden_and_data_tables_are_not(described: dict[str, Any]) -> None:
    hidden = {name for name, table in described["tables"].items() if table.get("hidden")}
    assert hidden == {"alembic_version", "import_batches", "import_files", "claims_fts", "documents_fts", "sources_fts"}


def test_every_sortable_column_sorts_without_a_temporary_sort(
    connection: sqlite3.Connection, described: dict[str, Any]
) -> None:
    """Datasette sorts by the column then the primary key; an index must give that order."""
    for name, table in described["tables"].items():
        if name.endswith("_fts"):
            continue
        assert "sortable_columns" in table, f"{name} leaves every column sortable"
        pk = [row["name"] for row in connection.execute(f'pragma table_info("{name}")') if row["pk"]]
        for column in table["sortable_columns"]:
            for direction in ("", " desc"):
                order = ", ".join([f'"{column}"{direction}', *(f'"{p}"' for p in pk if p != column)])
                plan = " ".join(
                    row["detail"] for row in connection.execute(f'explain query plan select * from "{name}" order by {order} limit 51')
                )
                assert "TEMP B-TREE FOR ORDER BY" not in plan, f"sorting {name} by {column}{direction}: {plan}"


def test_metadata_is_rekeyed_for_each_database_name() -> None:
    metadata = metadata_for(["site", "archive"])
    assert sorted(metadata["databases"]) == ["archive", "site"]
    assert metadata["title"] == "factdb" and metadata["license"] and metadata["source"]
    metadata["databases"]["site"]["tables"]["claims"]["facets"].append("status")
    assert metadata_for(["site"])["databases"]["site"]["tables"]["claims"]["facets"] == ["source_id", "event_id"]


def test_no_canned_query_writes(described: dict[str, Any]) -> None:
    assert described["queries"], "no canned queries"
    for name, query in described["queries"].items():
        assert not query.get("write"), name
        assert query["sql"].lstrip().lower().startswith(("select", "with")), name
        assert query.get("title") and query.get("description"), name


def run_query(connection: sqlite3.Connection, described: dict[str, Any], name: str, **params: str) -> list[sqlite3.Row]:
    return connection.execute(described["queries"][name]["sql"], params).fetchall()


def test_compare_event_lists_each_sources_latest_figure_as_compare_does(
    connection: sqlite3.Connection, described: dict[str, Any], compare_db: Path
) -> None:
    rows = run_query(connection, described, "compare_event", event="examplia-crackdown-2019-11")
    for comparison in compare(compare_db, "examplia-crackdown-2019-11"):
        listed = {
            (row["source_id"], row["claim_id"])
            for row in rows
            if row["metric_id"] == comparison.metric and row["population"] == comparison.population
        }
        assert listed == {(f.source, f.claim_id) for f in comparison.figures}
    killed = [row for row in rows if row["metric_id"] == "killed" and row["population"] is None]
    assert killed[0]["comparison"] == "/-/compare/examplia-crackdown-2019-11/killed"


def test_conflicting_figures_finds_the_same_pairs_as_compare(
    connection: sqlite3.Connection, described: dict[str, Any], compare_db: Path
) -> None:
    rows = run_query(connection, described, "conflicting_figures", event="examplia-crackdown-2019-11")
    for comparison in compare(compare_db, "examplia-crackdown-2019-11"):
        names = {f.source: f.source_name for f in comparison.figures}
        expected = {(names[c.a], names[c.b], c.gap) for c in comparison.conflicts}
        found = {
            (row["lower_source"], row["higher_source"], row["gap"])
            for row in rows
            if row["metric_id"] == comparison.metric and row["population"] == comparison.population
        }
        assert found == expected, comparison.metric
    assert rows, "the fixture has conflicts"


def test_claims_by_source_accepts_an_alias(connection: sqlite3.Connection, described: dict[str, Any]) -> None:
    by_id = run_query(connection, described, "claims_by_source", source="rights-monitor")
    by_alias = run_query(connection, described, "claims_by_source", source="rm")
    assert len(by_id) == len(by_alias) == 6
    assert [row["claimed_on"] for row in by_id] == sorted((row["claimed_on"] for row in by_id), reverse=True)
    assert any(row["figures"] == "at least 304 (killed); at least 23 (killed, children)" for row in by_id)


def test_source_revisions_show_which_claim_revises_which(
    connection: sqlite3.Connection, described: dict[str, Any]
) -> None:
    rows = run_query(connection, described, "source_revisions", source="rights-monitor")
    killed = [(row["claim_id"], row["revises"], row["revised_by"]) for row in rows
              if row["metric_id"] == "killed" and row["population"] is None]
    assert killed == [
        ("rm-killed-106", None, "rm-killed-143"),
        ("rm-killed-143", "rm-killed-106", "rm-killed-208"),
        ("rm-killed-208", "rm-killed-143", "rm-killed-304"),
        ("rm-killed-304", "rm-killed-208", None),
    ]


def test_relayed_claims_name_the_relay(connection: sqlite3.Connection, described: dict[str, Any]) -> None:
    rows = run_query(connection, described, "relayed_claims")
    assert [(row["source_id"], row["via_id"]) for row in rows] == [("provincial-governor", "wire-agency")]
