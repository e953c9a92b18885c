"""`factdb publish`: an immutable, analysed snapshot with metadata and inspect file, and the command serving it."""

from __future__ import annotations

import fnmatch
import json
import shlex
import sqlite3
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from datasette_servers import BIN, free_port, get, running

from factdb.publish import SETTINGS, publish


@pytest.fixture(scope="module")
def site(compare_store: Path | str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The published site folder and everything `factdb publish` printed, published from SQLite
    and from PostgreSQL in turn (conftest.compare_store): the same site either way."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = run_cli("publish", "--db", compare_store, out)
    assert result.exit_code == 0, result.output
    return out, result.output


def printed_command(output: str) -> list[str]:
    line = next(line.strip() for line in output.splitlines() if " -i " in line)
    return shlex.split(line)


def test_publish_writes_snapshot_metadata_and_inspect_file(site: tuple[Path, str]) -> None:
    out, output = site
    assert sorted(p.name for p in out.iterdir()) == ["factdb.db", "inspect-data.json", "metadata.json", "settings.json"]
    metadata = json.loads((out / "metadata.json").read_text())
    assert metadata["databases"]["factdb"]["tables"]["claims"]["facets"] == ["source_id", "event_id"]
    inspected = json.loads((out / "inspect-data.json").read_text())
    assert inspected["factdb"]["tables"]["claims"]["count"] == 47


def test_publish_prints_the_exact_datasette_command(site: tuple[Path, str]) -> None:
    out, output = site
    command = printed_command(output)
    # Issue 19: the datasette of factdb's own environment by its full path, so it runs without PATH.
    assert Path(command[0]) == BIN / "datasette"
    assert command[1:9] == ["-i", str(out / "factdb.db"), "--inspect-file", str(out / "inspect-data.json"),
                            "-m", str(out / "metadata.json"), "--port", command[8]]
    assert int(command[8]) > 0
    settings = dict(zip(command[10::3], command[11::3], strict=True))
    assert settings["sql_time_limit_ms"] == str(SETTINGS["sql_time_limit_ms"])
    assert settings["suggest_facets"] == "off"


def test_snapshot_is_a_complete_analysed_copy_outside_wal_mode(site: tuple[Path, str], compare_db: Path) -> None:
    snapshot = sqlite3.connect(f"file:{site[0] / 'factdb.db'}?mode=ro", uri=True)
    original = sqlite3.connect(f"file:{compare_db}?mode=ro", uri=True)
    for table in ("sources", "events", "documents", "claims", "figures", "claim_history"):
        count = f"select count(*) from {table}"
        assert snapshot.execute(count).fetchone() == original.execute(count).fetchone(), table
    assert snapshot.execute("pragma journal_mode").fetchone()[0] == "delete"
    assert snapshot.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert snapshot.execute("select count(*) from sqlite_stat1 where tbl = 'claims'").fetchone()[0] > 0
    found = snapshot.execute("select rowid from claims_fts where claims_fts match 'zebracorn OR 208'").fetchall()
    assert [row[0] for row in found] == [row[0] for row in snapshot.execute("select pk from claims where id = 'rm-killed-208'")]


def test_the_printed_command_serves_the_snapshot_immutable(site: tuple[Path, str]) -> None:
    command = printed_command(site[1])  # exactly as printed: its datasette, its free port
    port = int(command[command.index("--port") + 1])
    with running(command, port):
        base = f"http://127.0.0.1:{port}"
        databases = json.loads(get(base + "/-/databases.json")[1])
        assert [(d["name"], d["is_mutable"]) for d in databases] == [("factdb", False)]
        for path in ["/factdb/claims", "/-/compare/examplia-crackdown-2019-11/killed", "/factdb/claims/1"]:
            assert get(base + path)[0] == 200, path
        status, html = get(base + "/factdb/claims")
        assert "47 rows" in html


def test_the_site_folder_is_a_datasette_configuration_directory(site: tuple[Path, str]) -> None:
    """`datasette site/` (what a Datasette user types) serves the snapshot as the printed command does:
    immutable, counted from the inspect file, with factdb's metadata and settings."""
    out, output = site
    assert json.loads((out / "settings.json").read_text()) == SETTINGS
    line = output.strip().splitlines()[-1].strip()
    command = shlex.split(line)
    assert command[1:3] == [str(out), "--port"]
    port = int(command[3])
    with running(command, port):
        base = f"http://127.0.0.1:{port}"
        databases = json.loads(get(base + "/-/databases.json")[1])
        assert [(d["name"], d["is_mutable"]) for d in databases] == [("factdb", False)]
        settings = json.loads(get(base + "/-/settings.json")[1])
        assert {name: settings[name] for name in SETTINGS} == SETTINGS
        # Datasette 0.65's JSON leaves a facet that timed out out of facet_results.
        page = json.loads(get(base + "/factdb/claims.json?_facet=source_id")[1])
        assert {"source_id", "event_id"} <= set(page["facet_results"])
        assert get(base + "/-/compare/examplia-crackdown-2019-11/killed")[0] == 200


def test_publish_takes_a_port(compare_db: Path, tmp_path: Path) -> None:
    command = publish(compare_db, tmp_path, port=8123).command
    assert command[command.index("--port") + 1] == "8123"


def test_publishing_again_replaces_the_snapshot(compare_db: Path, tmp_path: Path) -> None:
    first = publish(compare_db, tmp_path)
    (tmp_path / "factdb.db").write_bytes(b"stale")
    second = publish(compare_db, tmp_path)
    assert first.snapshot == second.snapshot
    assert sqlite3.connect(second.snapshot).execute("select count(*) from claims").fetchone()[0] == 47
    assert sorted(p.name for p in tmp_path.iterdir()) == ["factdb.db", "inspect-data.json", "metadata.json", "settings.json"]


def test_publish_refuses_a_missing_database(tmp_path: Path) -> None:
    result = run_cli("publish", "--db", tmp_path / "missing.sqlite", tmp_path / "site")
    assert result.exit_code == 1
    assert "no such database" in result.output
    assert not (tmp_path / "site").exists()


def test_plain_datasette_loads_the_plugin(compare_db: Path) -> None:
    port = free_port()
    with running([BIN / "datasette", compare_db, "--port", str(port)], port):
        base = f"http://127.0.0.1:{port}"
        plugins = json.loads(get(base + "/-/plugins.json")[1])
        assert "factdb" in {plugin["name"] for plugin in plugins}
        status, html = get(base + "/-/compare/examplia-crackdown-2019-11/killed")
        assert status == 200 and 'class="factdb-range-chart"' in html


def test_every_data_file_the_plugin_needs_is_declared_as_package_data() -> None:
    """`pip install .` (not editable) ships only what package-data lists: templates and metadata included."""
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    data_files = [p.relative_to(REPO) for p in (REPO / "factdb").rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert {"factdb/metadata.yaml", "factdb/datasette_plugin/templates/factdb-compare.html",
            "factdb/datasette_plugin/templates/row.html"} <= {str(p) for p in data_files}
    for path in data_files:
        # The package whose folder holds the file, and the file's path inside it.
        package = max((p for p in setuptools["packages"] if path.is_relative_to(p.replace(".", "/"))), key=len)
        assert package in setuptools["package-data"], f"{path}: package {package} declares no data files"
        inside = path.relative_to(package.replace(".", "/"))
        patterns = setuptools["package-data"][package]
        assert any(fnmatch.fnmatch(str(inside), pattern) for pattern in patterns), f"{path} would not be installed"
