"""Start real Datasette servers for the tests: `factdb serve`, or `datasette` with given arguments."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@contextmanager
def running(command: Sequence[str | Path], port: int) -> Iterator[subprocess.Popen[str]]:
    """Run ``command`` until it answers on ``port``; stop it afterwards.

    The server's log goes to a temporary file, not a pipe: a pipe nobody reads fills up after a
    few hundred logged requests and the server blocks.
    """
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen([str(part) for part in command], stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise AssertionError(f"server exited with {process.returncode}:\n{log.read()}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"server did not answer on port {port} within {STARTUP_SECONDS}s") from None
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextmanager
def factdb_serve(db: Path, *extra: str) -> Iterator[str]:
    """A real ``factdb serve`` process on a free port; yields its base URL."""
    port = free_port()
    with running([BIN / "factdb", "serve", "--db", db, "--port", str(port), *extra], port):
        yield f"http://127.0.0.1:{port}"


HOSTILE = Path(__file__).parent / "fixtures/datasette/hostile.yaml"
# What the hostile fixture's markup looks like when a page fails to escape it.
RAW_MARKUP = re.compile(r"<script>alert|<b>Markup|<img src=x|<i>counted|<u>kids|<em>others")


def hostile_database(folder: Path) -> Path:
    """A factdb database of the hostile fixture: markup in every free-text field."""
    from conftest import run_cli

    path = folder / "hostile.sqlite"
    assert run_cli("init", "--db", path).exit_code == 0
    result = run_cli("import", "--db", path, HOSTILE)
    assert result.exit_code == 0, result.output
    return path
