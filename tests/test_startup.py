"""Commands that are run once per question, from scripts (``factdb compare``, ``factdb
parse-figure``, ``factdb --help``), start without importing SQLAlchemy or Alembic: the two took
most of ``factdb compare``'s time as a process (docs/performance.md). Checked by what the
process loaded, not by timing it, so that a busy machine cannot fail or pass it by chance."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from conftest import REPO, copy_database

# Runs the command as the ``factdb`` script does, then names the heavy packages it loaded.
_RUN = """
import json, sys
from factdb.cli import cli
try:
    cli(sys.argv[1:])
finally:
    loaded = sorted({m.split(".")[0] for m in sys.modules} & {"sqlalchemy", "alembic", "mako", "pygments"})
    print(json.dumps(loaded), file=sys.stderr)
"""


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _RUN, *map(str, args)], capture_output=True, text=True, cwd=REPO)


def _loaded(*args: str | Path) -> tuple[str, list[str]]:
    result = _run(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout, json.loads(result.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [("--help",), ("compare", "--help"), ("parse-figure", "at least 300 people")])
def test_commands_start_without_sqlalchemy_or_alembic(args: tuple[str, ...]) -> None:
    output, loaded = _loaded(*args)
    assert output
    assert loaded == []


def test_compare_on_a_database_loads_neither_sqlalchemy_nor_alembic(compare_db: Path) -> None:
    output, loaded = _loaded("compare", "--db", compare_db, "iran-protests-2019-11", "--format", "json")
    assert loaded == []
    assert json.loads(output)  # the comparison itself, as the Python API gives it (test_compare checks its content)


def test_compare_still_refuses_a_database_at_an_older_revision_without_alembic(compare_db: Path, tmp_path: Path) -> None:
    old = copy_database(compare_db, tmp_path / "old.sqlite")
    with closing(sqlite3.connect(old)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    result = _run("compare", "--db", old, "iran-protests-2019-11")
    assert result.returncode == 1
    assert f"{old}: schema is at revision 0001, this factdb needs" in result.stderr and "Traceback" not in result.stderr


# Runs `factdb compare` in a process of its own, noting how many objects were frozen while it compared
# and after the command returned.
_FROZEN = """
import gc, json, sys
import factdb.database
from factdb.cli import cli
frozen = []
compare = factdb.database.Database.compare
def watched(self, *args, **kwargs):
    frozen.append(gc.get_freeze_count())
    return compare(self, *args, **kwargs)
factdb.database.Database.compare = watched
try:
    cli(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps([frozen, gc.get_freeze_count()]), file=sys.stderr)
"""


def test_compare_leaves_what_its_imports_made_out_of_the_collectors_walks_while_it_runs(compare_db: Path) -> None:
    """factdb.heap: the first collections of the process would walk every object the imports left
    (about 2 ms of a first comparison at 1,000,000 claims); the command unfreezes them when it ends."""
    result = subprocess.run([sys.executable, "-c", _FROZEN, "compare", "--db", str(compare_db), "iran-protests-2019-11"],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    (during,), after = json.loads(result.stderr.strip().splitlines()[-1])
    assert during > 10_000 and after == 0


# A program that compares through the Python API, then names the modules it loaded.
_PROGRAM = """
import json, sys
from factdb import Database
with Database(sys.argv[1], readonly=True) as db:
    comparisons = db.compare(sys.argv[2])
print(json.dumps([len(comparisons), sorted(sys.modules)]))
"""

# Modules that only other work needs (an import, a PostgreSQL connection, an error's suggestions,
# CSV output): loaded, they leave thousands of objects for the process's first collections to walk.
_NOT_FOR_COMPARING = {"sqlalchemy", "alembic", "importlib.resources", "tempfile", "shutil", "socket", "getpass",
                      "difflib", "csv", "secrets"}


def test_a_program_comparing_through_the_python_api_loads_only_what_comparing_needs(compare_db: Path) -> None:
    result = subprocess.run([sys.executable, "-c", _PROGRAM, str(compare_db), "iran-protests-2019-11"],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    compared, modules = json.loads(result.stdout)
    assert compared > 0
    assert sorted(set(modules) & _NOT_FOR_COMPARING) == []
