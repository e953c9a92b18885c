"""The claim_details and figure_comparison views give SQL and Datasette users the answers `compare` gives,
on SQLite and on PostgreSQL (the same views, made by the same migrations)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from factdb.compare import compare
from factdb.db import downgrade, make_engine, upgrade

from conftest import columns_of, is_postgres

CRACKDOWN = "examplia-crackdown-2019-11"


def query(db: Path | str, sql: str, *params: object) -> list[dict[str, Any]]:
    """Rows as mappings of column to value, on either backend (``?`` as placeholders)."""
    return [dict(zip(names, values, strict=True)) for names, values in _named_rows(db, sql, params)]


def _named_rows(db: Path | str, sql: str, params: tuple[object, ...]) -> list[tuple[list[str], tuple[Any, ...]]]:
    from sqlalchemy import create_engine

    postgres = is_postgres(db)
    engine = create_engine(str(db) if postgres else f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            result = connection.exec_driver_sql(sql.replace("%", "%%").replace("?", "%s") if postgres else sql, params)
            names = list(result.keys())
            return [(names, tuple(row)) for row in result]
    finally:
        engine.dispose()


def columns(db: Path | str, view: str) -> list[str]:
    return columns_of(db, view)


def test_claim_details_has_the_documented_columns(compare_store: Path | str) -> None:
    assert columns(compare_store, "claim_details") == [
        "claim_pk", "claim_id", "source_id", "source_name", "source_kind", "via_id", "via_name",
        "event_id", "event_name", "event_start_date", "event_end_date", "document_pk", "document_id",
        "document_title", "document_published", "document_url", "claimed_on", "claimed_on_precision",
        "quote", "statement", "status", "supersedes_pk", "supersedes_id", "is_superseded", "quote_page",
    ]


def test_figure_comparison_has_the_documented_columns(compare_store: Path | str) -> None:
    assert columns(compare_store, "figure_comparison") == [
        "figure_id", "event_id", "event_name", "metric_id", "metric_name", "unit", "population",
        "source_id", "source_name", "via_id", "qualifier", "value", "low", "high", "stated",
        "claimed_on", "claimed_on_precision", "claim_id", "claim_pk", "position", "document_id",
        "status", "is_superseded", "is_latest",
    ]


def test_claim_details_has_one_row_per_claim_with_names_and_dates(compare_store: Path | str) -> None:
    [claims] = query(compare_store, "SELECT count(*) AS n FROM claims")
    [details] = query(compare_store, "SELECT count(*) AS n FROM claim_details")
    assert details["n"] == claims["n"]
    [governor] = query(compare_store, "SELECT * FROM claim_details WHERE claim_id = 'governor-killed-range'")
    assert dict(governor) | {"claim_pk": None, "document_pk": None, "statement": None} == {
        "claim_pk": None, "claim_id": "governor-killed-range", "source_id": "provincial-governor",
        "source_name": "Provincial Governor", "source_kind": "official", "via_id": "wire-agency",
        "via_name": "Wire Agency", "event_id": CRACKDOWN, "event_name": "Examplia crackdown, November 2019",
        "event_start_date": "2019-11-20", "event_end_date": "2019-11-24", "document_pk": None,
        "document_id": "wire-agency-reports", "document_title": "Wire Agency reports from Examplia",
        "document_published": "2019-12-28", "document_url": None, "claimed_on": "2019-12-05",
        "claimed_on_precision": "day", "quote": "between 180 and 450 people died", "statement": None,
        "status": "active", "supersedes_pk": None, "supersedes_id": None, "is_superseded": 0, "quote_page": None,
    }


def test_claim_details_shows_what_a_claim_supersedes(compare_store: Path | str) -> None:
    rows = query(
        compare_store,
        "SELECT claim_id, supersedes_id, is_superseded FROM claim_details "
        "WHERE source_id = 'rights-monitor' AND claim_id LIKE 'rm-killed-%' ORDER BY claimed_on",
    )
    assert [tuple(row.values()) for row in rows] == [
        ("rm-killed-106", None, 1),
        ("rm-killed-143", "rm-killed-106", 1),
        ("rm-killed-208", "rm-killed-143", 1),
        ("rm-killed-304", "rm-killed-208", 0),
    ]


def test_figure_comparison_marks_superseded_retracted_and_latest_figures(compare_store: Path | str) -> None:
    rows = query(
        compare_store,
        "SELECT claim_id, status, is_superseded, is_latest FROM figure_comparison "
        "WHERE event_id = ? AND metric_id = 'killed' AND population IS NULL "
        "AND source_id IN ('rights-monitor', 'wire-agency', 'opposition-party') ORDER BY source_id, claimed_on",
        CRACKDOWN,
    )
    assert [tuple(row.values()) for row in rows] == [
        ("party-killed-1500", "active", 0, 1),
        ("party-killed-1000", "active", 1, 0),
        ("rm-killed-106", "active", 1, 0),
        ("rm-killed-143", "active", 1, 0),
        ("rm-killed-208", "active", 1, 0),
        ("rm-killed-304", "active", 0, 1),
        ("wire-killed-nearly-400", "active", 0, 1),
        ("wire-killed-2000-retracted", "retracted", 0, 0),
    ]


def test_is_latest_agrees_with_compare_for_every_event_metric_and_population(compare_store: Path | str) -> None:
    from_view = {
        (row["event_id"], row["metric_id"], row["population"], row["source_id"], row["claim_id"])
        for row in query(compare_store, "SELECT * FROM figure_comparison WHERE is_latest = 1 AND event_id IS NOT NULL")
    }
    from_compare = {
        (c.event, c.metric, c.population, f.source, f.claim_id)
        for event in query(compare_store, "SELECT id FROM events")
        for c in compare(compare_store, event["id"])
        for f in c.figures
    }
    assert from_view == from_compare
    assert len(from_view) == 22


def test_sql_users_get_the_latest_figures_compare_shows(compare_store: Path | str) -> None:
    rows = query(
        compare_store,
        "SELECT source_id, stated FROM figure_comparison "
        "WHERE event_id = ? AND metric_id = 'killed' AND population IS NULL AND is_latest = 1",
        CRACKDOWN,
    )
    comparison = compare(compare_store, CRACKDOWN, "killed")
    assert dict(tuple(row.values()) for row in rows) == {f.source: f.stated for f in comparison.figures}


def test_every_figure_compare_shows_carries_its_claims_values(compare_store: Path | str) -> None:
    """What a compared figure says of its claim, field by field, as the views have it."""
    claims = {row["claim_id"]: row for row in query(compare_store, "SELECT * FROM claim_details")}
    figures = {(row["claim_id"], row["metric_id"], row["population"]): row
               for row in query(compare_store, "SELECT * FROM figure_comparison WHERE is_latest = 1")}
    compared = [(c, f) for event in query(compare_store, "SELECT id FROM events")
                for c in compare(compare_store, event["id"]) for f in c.figures]
    for comparison, figure in compared:
        claim, stored = claims[figure.claim_id], figures[(figure.claim_id, comparison.metric, comparison.population)]
        assert (figure.source, figure.source_name, figure.via, figure.via_name, figure.document, figure.claimed_on,
                figure.claimed_on_precision, figure.status, figure.quote_page) == (
            claim["source_id"], claim["source_name"], claim["via_id"], claim["via_name"], claim["document_id"],
            claim["claimed_on"], claim["claimed_on_precision"], claim["status"], claim["quote_page"])
        assert (figure.qualifier, figure.value, figure.low, figure.high, figure.stated) == (
            stored["qualifier"], stored["value"], stored["low"], stored["high"], stored["stated"])
    assert {figure.via_name for _, figure in compared} - {None}, "some figure is relayed"
    assert len({figure.status for _, figure in compared}) > 1


def test_downgrade_drops_the_views_and_upgrade_restores_them(compare_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    source, target = sqlite3.connect(compare_db), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    engine = make_engine(copy)
    try:
        downgrade(engine, "0001")
        views = "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name"
        assert query(copy, views) == []
        upgrade(engine)
        assert [row["name"] for row in query(copy, views)] == [
            "claim_details", "claims_readable", "documents_readable", "figure_comparison", "sources_readable"]
    finally:
        engine.dispose()
