"""`factdb serve` as a real process: binds 127.0.0.1, uses factdb's settings, answers over HTTP, stops."""

from __future__ import annotations

import json
from pathlib import Path

import psutil
import pytest
from conftest import run_cli
from datasette_servers import factdb_serve, get

from factdb.publish import DEFAULT_HOST, DEFAULT_PORT, SETTINGS, serve_command

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(compare_db: Path):  # type: ignore[no-untyped-def]
    with factdb_serve(compare_db) as url:
        yield url


def test_serve_answers_pages_json_and_comparisons_over_http(served: str) -> None:
    for path in ["/", "/factdb", "/factdb/claims", "/factdb/claims/1", "/factdb/events/examplia-crackdown-2019-11",
                 "/-/compare/examplia-crackdown-2019-11/killed"]:
        status, body = get(served + path)
        assert status == 200, path
    status, body = get(served + "/-/compare/examplia-crackdown-2019-11/killed.json")
    assert status == 200 and json.loads(body)["verdict"].startswith("3 of 6 sources' figures")
    assert get(served + "/-/compare/nowhere/killed")[0] == 404


def test_serve_applies_factdb_settings_and_metadata(served: str) -> None:
    settings = json.loads(get(served + "/-/settings.json")[1])
    assert {name: settings[name] for name in SETTINGS} == SETTINGS
    assert settings["suggest_facets"] is False and settings["facet_time_limit_ms"] >= 1000
    metadata = json.loads(get(served + "/-/metadata.json")[1])
    assert metadata["databases"]["factdb"]["tables"]["claims"]["facets"] == ["source_id", "event_id"]


def test_serve_listens_on_loopback_only_by_default(served: str) -> None:
    port = int(served.rsplit(":", 1)[1])
    process = next(p for p in psutil.process_iter(["pid"]) if _listens_on(p, port))
    addresses = {c.laddr.ip for c in process.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
    assert addresses == {"127.0.0.1"}
    assert serve_command("factdb.sqlite")[:7] == ["datasette", "serve", "factdb.sqlite", "--host", DEFAULT_HOST,
                                                  "--port", str(DEFAULT_PORT)]
    assert (DEFAULT_HOST, DEFAULT_PORT) == ("127.0.0.1", 8001)


def _listens_on(process: psutil.Process, port: int) -> bool:
    try:
        return any(c.laddr.port == port and c.status == psutil.CONN_LISTEN for c in process.net_connections(kind="inet"))
    except (psutil.AccessDenied, psutil.NoSuchProcess):
        return False


def test_serve_refuses_a_missing_or_unmigrated_database(tmp_path: Path) -> None:
    result = run_cli("serve", "--db", tmp_path / "missing.sqlite")
    assert result.exit_code == 1
    assert "no such database. Create it with: factdb init" in result.output
