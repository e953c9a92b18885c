"""Fixtures that read like the domain: a fresh database, the seeded database, a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from factdb.cli import cli
from factdb.db import make_engine, upgrade

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path where no database exists yet."""
    return tmp_path / "factdb.sqlite"


@pytest.fixture
def fresh_db(db_path: Path) -> Path:
    """An empty database migrated to the latest schema."""
    engine = make_engine(db_path)
    upgrade(engine)
    engine.dispose()
    return db_path


@pytest.fixture(scope="session")
def compare_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds plus the multi-source comparison fixture, imported once through the CLI. Read only."""
    path = tmp_path_factory.mktemp("compare") / "factdb.sqlite"
    assert run_cli("init", "--db", path).exit_code == 0
    # Two imports: the fixture repeats the seeds' metric definitions so it also stands alone.
    for data in (SEEDS / "iran-resolution-follow-ups-2020.yaml", REPO / "tests/fixtures/compare/multi_source.yaml"):
        result = run_cli("import", "--db", path, data)
        assert result.exit_code == 0, result.output
    return path


def run_cli(*args: str | Path, input: str | None = None):  # type: ignore[no-untyped-def]
    """Invoke ``factdb`` in-process and return the click Result (stderr kept separate)."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)
