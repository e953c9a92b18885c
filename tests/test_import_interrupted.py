"""An import stopped from outside (Ctrl-C on the terminal, `kill`) leaves no traceback behind.

The import runs as a real `factdb import --workers 2` process in its own process group, as a
terminal runs it; Ctrl-C is sent to that group (workers run in a group of their own, and are
stopped by the importer), `kill` to the importer only, whose workers then find their output pipe
closed. The moments: as the workers start, and 1.5 s and 4 s later. Whatever the moment, nothing that
any of them prints is a Python traceback, and the database is as it was. The same holds for an
import into PostgreSQL stopped either way while it holds the write lock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, dump_database, migrated_database, rows

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate(100_000, tmp_path_factory.mktemp("generated"), sources=100, events=300)


def _from_a_terminal(*argv: str) -> list[str]:
    """``argv`` run as a terminal runs it, with Ctrl-C's signal not ignored: a process started in the
    background of a shell without job control (as a test runner may be) inherits SIGINT ignored, and
    Python then leaves it ignored, so that Ctrl-C would not reach the import at all."""
    restore = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"
    return [sys.executable, "-c", restore, *argv]


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
@pytest.mark.parametrize("after", [0.0, 1.5, 4.0])
def test_an_interrupted_import_prints_no_traceback_and_changes_nothing(files: dict[str, Path], tmp_path: Path, how: str,
                                                                       after: float) -> None:
    db = migrated_database(tmp_path)
    before = dump_database(db)
    process = subprocess.Popen(_from_a_terminal(str(Path(sys.executable).with_name("factdb")), "import", "--db", str(db),
                                                "--workers", "2", str(files["entities"]), str(files["jsonl"])),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(_children(process.pid)) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(after)
    if process.poll() is not None:
        pytest.fail(f"the import ended before it was interrupted: {process.returncode}")
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)  # a terminal sends it to the whole foreground group
    else:
        process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)  # stderr closes when the workers, which share it, have ended too
    errors = stderr.decode("utf-8", "replace")
    assert process.returncode != 0
    for word in ("Traceback", "BrokenPipeError", "KeyboardInterrupt", "Exception ignored"):
        assert word not in errors, errors
    assert dump_database(db) == before


def _holds_the_write_lock(url: str) -> bool:
    from factdb.db import WRITE_LOCK_KEY

    return bool(rows(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 "
                          f"AND objid = {WRITE_LOCK_KEY} AND database = (SELECT oid FROM pg_database "
                          "WHERE datname = current_database())")[0][0])


@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
def test_an_interrupted_import_on_postgresql_prints_no_traceback_and_changes_nothing(files: dict[str, Path], how: str,
                                                                                     postgres_db: str) -> None:
    """Stopped while it holds the write lock on PostgreSQL (perhaps in the middle of a statement), the
    import closes its connection, the server rolls its transaction back and releases the lock (SIGKILL:
    test_postgres.py)."""
    before = dump_database(postgres_db)
    process = subprocess.Popen(_from_a_terminal(str(Path(sys.executable).with_name("factdb")), "import", "--db", postgres_db,
                                                str(files["entities"]), str(files["jsonl"])),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while not _holds_the_write_lock(postgres_db) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(1.5)
    if process.poll() is not None:
        pytest.fail(f"the import ended before it was interrupted: {process.returncode}")
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    errors = stderr.decode("utf-8", "replace")
    assert process.returncode != 0
    for word in ("Traceback", "BrokenPipeError", "KeyboardInterrupt", "Exception ignored"):
        assert word not in errors, errors
    # The server releases the lock when its backend sees the connection gone, which on a loaded machine
    # (the suite on every core) can come a moment after the process has exited.
    released = time.monotonic() + 30
    while _holds_the_write_lock(postgres_db) and time.monotonic() < released:
        time.sleep(0.05)
    assert not _holds_the_write_lock(postgres_db)
    assert dump_database(postgres_db) == before
