"""Concurrent use loses nothing: readers during an import, two imports at once, a runaway query.

`factdb serve` answers HTTP requests in a loop while a large import runs: every answer shows the
database wholly before or wholly after the import, and none fails with "database is locked".
Two imports started together both complete (the second waits for the first); nothing is lost
or duplicated. A query that would run for minutes is stopped at Datasette's time limit and the
server keeps answering.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import factdb.db
from factdb.publish import SETTINGS

from conftest import dump_database, integrity, run_cli
from datasette_servers import BIN, free_port, get
from generated_imports import write_big_import

pytestmark = pytest.mark.slow

BIG_CLAIMS = 6_000
COUNTS = "SELECT (SELECT count(*) FROM claims) AS claims, (SELECT count(*) FROM figures) AS figures, " \
         "(SELECT count(*) FROM documents) AS documents"


@contextmanager
def factdb_serve(db: Path) -> Iterator[str]:
    """A real `factdb serve` on a free port, its log in a file: a pipe nobody reads fills up after a few
    hundred logged requests and then blocks the server."""
    port = free_port()
    with db.with_suffix(".serve.log").open("w") as log:
        server = subprocess.Popen([str(BIN / "factdb"), "serve", "--db", str(db), "--port", str(port)], stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                assert server.poll() is None, db.with_suffix(".serve.log").read_text()
                try:
                    if get(base + "/-/versions.json", timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "factdb serve did not answer within 30 s"
                time.sleep(0.1)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=10)


def import_process(db: Path, *files: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "factdb.cli", "import", "--db", str(db), *map(str, files)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def counts_over_http(base: str) -> tuple[int, str]:
    status, body = get(f"{base}/factdb.json?" + urllib.parse.urlencode({"sql": COUNTS, "_shape": "array"}))
    return status, body


def counts(db: Path) -> tuple[int, int, int]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(COUNTS).fetchone()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def big_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("big")
    return (write_big_import(folder / "first.jsonl", BIG_CLAIMS, prefix="first"),
            write_big_import(folder / "second.jsonl", BIG_CLAIMS, prefix="second"))


def test_readers_never_see_a_partial_import_and_are_never_locked_out(seeded_copy: Path, big_files: tuple[Path, Path]) -> None:
    before = counts(seeded_copy)
    answers: list[list[tuple[float, int, str]]] = [[], []]  # per reader, in the order it asked
    done = threading.Event()

    def read_in_a_loop(base: str, mine: list[tuple[float, int, str]]) -> None:
        while not done.is_set():
            try:
                status, body = counts_over_http(base)
            except OSError as error:  # a timeout is a failed request too
                status, body = 0, repr(error)
            mine.append((time.monotonic(), status, body))

    with factdb_serve(seeded_copy) as base:
        readers = [threading.Thread(target=read_in_a_loop, args=(base, mine)) for mine in answers]
        for reader in readers:
            reader.start()
        try:
            time.sleep(0.5)
            started = time.monotonic()
            process = import_process(seeded_copy, big_files[0])
            _, stderr = process.communicate(timeout=120)
            finished = time.monotonic()
            time.sleep(0.5)
        finally:
            done.set()
            for reader in readers:
                reader.join()
    assert process.returncode == 0, stderr
    after = counts(seeded_copy)
    assert after[0] == before[0] + BIG_CLAIMS
    during = [answer for mine in answers for answer in mine if started <= answer[0] <= finished]
    assert len(during) >= 10, "too few requests answered while the import ran to tell"
    states = set()
    for mine in answers:
        seen = []
        for _, status, body in mine:
            assert status == 200, body
            assert "locked" not in body
            [row] = json.loads(body)
            seen.append((row["claims"], row["figures"], row["documents"]))
        assert seen == sorted(seen), "a reader saw the import disappear again"
        states.update(seen)
    assert states == {before, after}, "a reader saw a state that is neither before nor after the import"


@pytest.mark.parametrize("same_file", [False, True], ids=["different-files", "same-file"])
def test_two_imports_at_once_both_complete_and_nothing_is_lost_or_duplicated(
        same_file: bool, seeded_copy: Path, big_files: tuple[Path, Path]) -> None:
    before = counts(seeded_copy)
    files = (big_files[0], big_files[0]) if same_file else big_files
    processes = [import_process(seeded_copy, file) for file in files]
    results = [process.communicate(timeout=120) for process in processes]
    for process, (_stdout, stderr) in zip(processes, results, strict=True):
        assert process.returncode == 0, stderr
        assert "Traceback" not in stderr
    added = BIG_CLAIMS if same_file else 2 * BIG_CLAIMS
    assert counts(seeded_copy) == (before[0] + added, before[1] + added, before[2] + added // 20)
    outputs = sorted(stdout for stdout, _ in results)
    if same_file:  # one added everything, the other found it all there already
        assert f"claims: 0 added, 0 updated, {BIG_CLAIMS} unchanged" in outputs[0]
        assert f"claims: {BIG_CLAIMS} added" in outputs[1]
    else:
        assert all(f"claims: {BIG_CLAIMS} added" in output for output in outputs)
    assert integrity(seeded_copy) == "ok"


def test_an_import_that_cannot_get_the_write_lock_in_time_fails_with_a_clear_message(
        seeded_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports wait for each other (busy_timeout); one that waits too long says so and changes nothing."""
    monkeypatch.setattr(factdb.db, "BUSY_TIMEOUT_MS", 200)
    before = dump_database(seeded_copy)
    writer = sqlite3.connect(seeded_copy, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        result = run_cli("import", "--db", seeded_copy, Path(__file__).parent / "good_input" / "crlf.yaml")
    finally:
        writer.close()
    assert result.exit_code == 1
    assert f"{seeded_copy}: SQLite stopped the command: database is locked. (hint: another program is writing to the " \
           "database; wait for it to finish, then run it again)" in result.output
    assert dump_database(seeded_copy) == before


def test_a_runaway_query_is_stopped_at_the_time_limit_and_the_server_keeps_answering(seeded_copy: Path) -> None:
    forever = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    with factdb_serve(seeded_copy) as base:
        started = time.monotonic()
        status, body = get(f"{base}/factdb.json?" + urllib.parse.urlencode({"sql": forever}), timeout=60)
        took = time.monotonic() - started
        assert status == 400
        assert "SQL query took too long" in json.loads(body)["error"]
        assert took < SETTINGS["sql_time_limit_ms"] / 1000 + 5
        status, body = counts_over_http(base)
        assert status == 200 and json.loads(body)[0]["claims"] > 0
