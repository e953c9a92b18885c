"""Serve a factdb database with Datasette, or publish an immutable, analysed snapshot of it.

``serve`` runs Datasette on the live database (read-only connections; factdb's plugin adds
the metadata and pages). ``publish`` writes a site folder: a compacted, consistent copy of
the database with fresh statistics and full-text indexes, its metadata, and the
``datasette inspect`` file that lets Datasette serve it immutable without counting rows on
startup, and ``settings.json``: the folder is a Datasette configuration directory, so plain
``datasette site/`` serves it as factdb would. Both use the same settings, defined once here.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from factdb.db import locate, open_database, read_only_uri, sqlite_file, writable_location
from factdb.files import written_whole
from factdb.sqlite_limits import cap

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
SNAPSHOT_NAME = "factdb.db"
METADATA_NAME = "metadata.json"
INSPECT_NAME = "inspect-data.json"
SETTINGS_NAME = "settings.json"

# Datasette settings for every factdb site. Facets get the whole SQL time limit: the default
# 200 ms silently drops a facet on a table of a million claims. Suggested facets are off: they
# would try a facet on every column of such a table on every page view.
SETTINGS: dict[str, int | bool] = {
    "sql_time_limit_ms": 1000,
    "facet_time_limit_ms": 1000,
    "suggest_facets": False,
    "default_page_size": 50,
    "max_returned_rows": 1000,
    "truncate_cells_html": 300,
}

FULL_TEXT_INDEXES = ("claims_fts", "documents_fts", "sources_fts")


class PublishError(Exception):
    """The site could not be written; the message says why and what to do."""


@dataclass(frozen=True)
class PublishResult:
    """What ``publish`` wrote, and the Datasette command that serves it."""

    snapshot: Path
    metadata: Path
    inspect_file: Path
    command: list[str]  # "datasette" and its arguments, as on any machine with datasette on PATH
    executable: str = "datasette"  # this environment's datasette, by its full path when found
    settings: Path | None = None  # settings.json: with it the folder is a Datasette configuration directory

    @property
    def command_line(self) -> str:
        """The command to paste into a shell here: it works without datasette on PATH."""
        return shlex.join([self.executable, *self.command[1:]])


def setting_arguments(settings: dict[str, int | bool] = SETTINGS) -> list[str]:
    arguments: list[str] = []
    for name, value in settings.items():
        arguments += ["--setting", name, ("on" if value else "off") if isinstance(value, bool) else str(value)]
    return arguments


def serve_command(
    db_path: str | os.PathLike[str], *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
) -> list[str]:
    """The ``datasette`` arguments ``factdb serve`` runs."""
    # A database nobody can write (a read-only mount) cannot change while it is served: served
    # immutable, Datasette needs no -shm file beside it.
    where = ["-i", os.fspath(db_path)] if not writable_location(sqlite_file(db_path)) else [os.fspath(db_path)]
    return ["datasette", "serve", *where, "--host", host, "--port", str(port), *setting_arguments()]


def serve(db_path: str | os.PathLike[str], *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, refresh: float | None = None,
          on_refresh: Callable[[str], None] | None = None) -> None:
    """Run Datasette on the database until interrupted (binds 127.0.0.1 unless ``host`` says otherwise).

    Datasette reads SQLite: a PostgreSQL database is published to a temporary snapshot first,
    which is served and deleted afterwards. With ``refresh``, a new snapshot is published every
    ``refresh`` seconds in the background and swapped in (see :class:`RefreshedSnapshot`).
    Raises :class:`factdb.db.DatabaseError` when the database is missing or not migrated.
    """
    open_database(db_path, readonly=True).dispose()
    from datasette.cli import cli as datasette_cli

    if locate(db_path).is_sqlite:
        datasette_cli.main(serve_command(db_path, host=host, port=port)[1:], prog_name="datasette", standalone_mode=False)
        return
    with tempfile.TemporaryDirectory(prefix="factdb-serve-") as folder:
        site = publish(db_path, Path(folder) / "site", port=port)
        if refresh is None:
            arguments = [*site.command[1:], "--host", host]
        else:
            served = RefreshedSnapshot(db_path, site.snapshot, Path(folder), refresh, on_refresh)
            served.start()
            arguments = [str(site.snapshot), "-m", str(site.metadata), "--host", host, "--port", str(port), *setting_arguments()]
        datasette_cli.main(["serve", *arguments], prog_name="datasette", standalone_mode=False)


class RefreshedSnapshot(threading.Thread):
    """Publishes a PostgreSQL database again every ``every`` seconds and swaps the new snapshot in.

    The new snapshot is built beside the served one, then written into it with SQLite's backup API
    in one transaction: Datasette's open connections read the old pages or the new ones, never a
    mixture, and never a missing file (a rename would leave them reading the old file forever).
    """

    def __init__(self, db: str | os.PathLike[str], served: Path, folder: Path, every: float,
                 report: Callable[[str], None] | None) -> None:
        super().__init__(daemon=True, name="factdb-refresh")
        self.db, self.served, self.folder, self.every, self.report = db, served, folder, every, report
        self.refreshed = threading.Event()

    def run(self) -> None:
        while True:
            time.sleep(self.every)
            try:
                self.refresh()
            except Exception as error:  # noqa: BLE001 - the server keeps serving the last snapshot
                if self.report:
                    self.report(f"{locate(self.db).shown}: the snapshot could not be refreshed ({locate(self.db).redact(str(error))}); "
                                "still serving the previous one")

    def refresh(self) -> None:
        next_snapshot = self.folder / "next.db"
        next_snapshot.unlink(missing_ok=True)
        _snapshot(self.db, next_snapshot)
        source, target = sqlite3.connect(next_snapshot), sqlite3.connect(self.served, timeout=60)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        next_snapshot.unlink()
        self.refreshed.set()
        if self.report:
            self.report(f"{locate(self.db).shown}: snapshot refreshed at {time.strftime('%H:%M:%S')}")


def datasette_executable() -> str:
    """The ``datasette`` installed beside this Python, so a printed command works without it on PATH."""
    beside = Path(sys.executable).parent / "datasette"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("datasette") or "datasette"


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port nothing listens on now (the operating system's choice)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def publish(db_path: str | os.PathLike[str], out_dir: str | os.PathLike[str], *, port: int | None = None,
            without_originals: bool = False) -> PublishResult:
    """Write ``out_dir/factdb.db`` (an immutable snapshot), its metadata, inspect file and settings.

    ``out_dir`` is then a Datasette configuration directory: ``datasette out_dir`` opens the
    snapshot immutable with the inspect file's counts, the metadata and factdb's settings.

    The command that serves it names the ``datasette`` of this environment by its full path and
    ``port`` (by default one that is free now, as 8001 often is not).

    The snapshot is taken with ``VACUUM INTO`` (one consistent read, even while an import
    runs; from PostgreSQL, by copying every table from one snapshot transaction), switched out of WAL mode so it can be opened immutable, its full-text indexes
    rebuilt and optimised, and ``ANALYZE`` run so the query planner knows the table sizes.
    An existing snapshot in ``out_dir`` is replaced only once the new one is complete.
    ``without_originals`` leaves archived originals' bytes out (their hashes and custody stay).
    """
    open_database(db_path, readonly=True).dispose()
    out = Path(out_dir)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    snapshot, metadata, inspect_file = out / SNAPSHOT_NAME, out / METADATA_NAME, out / INSPECT_NAME
    settings = out / SETTINGS_NAME
    try:
        # Each file is replaced only once complete; the three are written in an order where a
        # failure leaves an earlier site whole: its snapshot still matches its inspect file until
        # the new inspect file is in place, and Datasette recounts any table it lacks.
        with written_whole(snapshot) as partial:
            _snapshot(db_path, partial, without_originals=without_originals)
        from factdb.datasette_plugin import metadata_for

        with written_whole(metadata) as partial:
            partial.write_text(json.dumps(metadata_for([snapshot.stem]), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        with written_whole(settings) as partial:
            partial.write_text(json.dumps(SETTINGS, indent=2) + "\n", encoding="utf-8")
        with written_whole(inspect_file) as partial:
            inspected = subprocess.run(
                # Run in the folder, so that the file is named as it is there: a configuration
                # directory's databases are opened immutable when the inspect file names them.
                [sys.executable, "-m", "datasette", "inspect", SNAPSHOT_NAME, "--inspect-file", str(Path(partial).resolve())],
                capture_output=True, text=True, cwd=out,
            )
            if inspected.returncode != 0:
                raise PublishError(f"{inspect_file}: datasette inspect failed: {inspected.stderr.strip()[-500:]}")
    except (OSError, sqlite3.DatabaseError) as error:
        if created and not any(out.iterdir()):
            out.rmdir()
        raise PublishError(f"{out}: the site could not be written ({error}); {locate(db_path).shown} is unchanged and no partial "
                           "file was left. Free some disk space, or publish to another folder") from None
    except PublishError:
        if created and not any(out.iterdir()):
            out.rmdir()
        raise
    command = [
        "datasette", "-i", str(snapshot), "--inspect-file", str(inspect_file), "-m", str(metadata),
        "--port", str(port if port is not None else free_port()), *setting_arguments(),
    ]
    return PublishResult(snapshot, metadata, inspect_file, command, datasette_executable(), settings)


def _snapshot(db: str | os.PathLike[str], target: Path, *, without_originals: bool = False) -> None:
    source = locate(db).file
    if source is None:
        # A server's database is copied table by table from one snapshot transaction into a new
        # SQLite file that factdb's migrations build, so the views, full-text indexes and
        # constraints are the ones an SQLite database has.
        from factdb.copying import sqlite_snapshot

        server = open_database(db, readonly=True)
        try:
            # The search indexes are rebuilt below, as for an SQLite source.
            sqlite_snapshot(server, target, full_text=False)
        finally:
            server.dispose()
    else:
        reader = sqlite3.connect(read_only_uri(source), uri=True)
        cap(reader)
        try:
            reader.execute("VACUUM INTO ?", (str(target),))
        finally:
            reader.close()
    # isolation_level=None: VACUUM cannot run inside the transaction Python would open.
    snapshot = sqlite3.connect(target, isolation_level=None)
    cap(snapshot)
    try:
        snapshot.execute("PRAGMA journal_mode = DELETE")
        if without_originals:
            snapshot.execute("DELETE FROM original_chunks")  # VACUUM below frees the pages they held
        for index in FULL_TEXT_INDEXES:
            snapshot.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
            snapshot.execute(f"INSERT INTO {index}({index}) VALUES ('optimize')")
        snapshot.execute("ANALYZE")
        snapshot.execute("VACUUM")
    finally:
        snapshot.close()
