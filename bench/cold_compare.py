"""compare() on first touch: each event's first comparison in a fresh process, its pages not cached.

    python bench/cold_compare.py DB [DB ...] [--code DIR ...] [--events 40] [--evict | --drop-caches]

For each of ``--events`` random events (a fixed seed), a new Python process opens the database
as ``factdb.Database.compare`` does (``factdb.db.read_connection``, then the schema read by a
first statement) and times that, then times its first ``compare(connection, event)`` (every
metric) in a read transaction, which is what ``factdb compare EVENT`` does once it has started.
With ``--drop-caches`` (root on Linux) the operating system's page cache is emptied before each
process, so every page comes from disk, Python's own files too; ``--evict`` empties it of the
database files alone (``posix_fadvise(DONTNEED)``: no root needed, other processes' files kept);
without either, every database file is read through once first, so that every page is in the
page cache and first touch costs only the copying of pages into the new process (an earlier run
may have emptied the cache of the file, and a 1.4 GB file read by events alone stays partly on disk).

Several databases of the same claims, and several versions of factdb's code (``--code DIR``: a
directory holding a ``factdb`` package, put first on the process's path; the installed factdb
when not given), are measured in turn, every database with every version event by event (each
event starting with the next in turn), so that a busy moment slows them alike. Prints, for each
pair, as JSON (``--as api``, ``--as cli`` and ``--as database`` also measured side by side: a
program calling ``compare()``, a process started as ``factdb compare`` starts, its imports'
objects frozen, or a program calling ``factdb.Database(DB, readonly=True).compare()``, whose
opening is the handle's), the median, p95 and maximum in milliseconds of the comparison alone, of opening
the connection alone, and the CPU time of the comparison (steadier on a busy machine).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
from pathlib import Path

_FIRST_COMPARE = """
import json, sys, time
from pathlib import Path
from factdb.compare import compare
from factdb.db import read_connection
if sys.argv[3] == "cli":
    # As `factdb compare` does (factdb.cli): what the imports made is frozen (factdb.heap).
    from factdb.heap import LongLivedObjects
    LongLivedObjects().freeze(collect=False)
if sys.argv[3] == "database":
    # A program using the public handle: opened read-only, then Database.compare().
    from factdb import Database
    started = time.perf_counter()
    database = Database(sys.argv[1], readonly=True)
    opened = time.perf_counter()
    cpu = time.process_time()
    database.compare(sys.argv[2])
    done = time.perf_counter()
else:
    started = time.perf_counter()
    connection = read_connection(Path(sys.argv[1]))
    connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    opened = time.perf_counter()
    cpu = time.process_time()
    connection.execute("BEGIN")
    compare(connection, sys.argv[2])
    connection.execute("ROLLBACK")
    done = time.perf_counter()
import factdb
print(json.dumps({"factdb": factdb.__file__, "open_ms": (opened - started) * 1000, "compare_ms": (done - opened) * 1000,
                  "compare_cpu_ms": (time.process_time() - cpu) * 1000}))
"""


def _drop_caches() -> None:
    subprocess.run(["sync"], check=True)
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def _evict(db: Path) -> None:
    """Empty the page cache of the database's files (clean pages only; a read-only bench leaves none dirty)."""
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if path.exists():
            descriptor = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(descriptor)


def _read_through(db: Path) -> None:
    with db.open("rb") as handle:
        while handle.read(1 << 20):
            pass


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _first_compare(db: Path, code: Path | None, mode: str, event: str, emptied: str | None) -> dict[str, float]:
    if emptied == "drop-caches":
        _drop_caches()
    elif emptied == "evict":
        _evict(db)
    environment = dict(os.environ)
    if code is not None:
        environment["PYTHONPATH"] = os.pathsep.join([str(code), *filter(None, [environment.get("PYTHONPATH")])])
    result = subprocess.run([sys.executable, "-c", _FIRST_COMPARE, str(db), event, mode], capture_output=True, text=True,
                            check=True, cwd="/", env=environment)
    measured: dict[str, float] = json.loads(result.stdout)
    loaded = Path(str(measured.pop("factdb")))
    if code is not None and not loaded.is_relative_to(code):
        raise SystemExit(f"--code {code}: the process loaded {loaded} instead")
    return measured


def measure(dbs: list[Path], codes: list[Path | None], events: int, emptied: str | None,
            modes: tuple[str, ...] = ("api",)) -> list[dict[str, object]]:
    connection = sqlite3.connect(f"file:{dbs[0]}?mode=ro", uri=True)
    ids = [row[0] for row in connection.execute("SELECT DISTINCT event_id FROM claims ORDER BY event_id")]
    connection.close()
    chosen = random.Random(7).sample(ids, min(events, len(ids)))
    runs: dict[tuple[Path, Path | None, str], list[dict[str, float]]] = {
        (db, code, mode): [] for db in dbs for code in codes for mode in modes}
    if emptied is None:
        for db in dbs:
            _read_through(db)
    pairs = list(runs)
    for number, event in enumerate(chosen):
        # Whoever goes second finds the pages the first read in the processor's caches, so each
        # event starts with the next pair in turn.
        for db, code, mode in pairs[number % len(pairs):] + pairs[:number % len(pairs)]:
            runs[(db, code, mode)].append(_first_compare(db, code, mode, event, emptied))
    summaries: list[dict[str, object]] = []
    for (db, code, mode), measured in runs.items():
        summary: dict[str, object] = {"db": str(db), "code": str(code) if code else "installed", "as": mode,
                                      "events": len(measured), "page_cache_emptied": emptied}
        for key in ("compare_ms", "compare_cpu_ms", "open_ms"):
            values = [run[key] for run in measured]
            name = key.removesuffix("_ms")
            summary.update({f"{name}_median_ms": round(statistics.median(values), 2),
                            f"{name}_p95_ms": round(_percentile(values, 0.95), 2), f"{name}_max_ms": round(max(values), 2)})
        summary["load_average_at_end"] = os.getloadavg()
        summaries.append(summary)
    return summaries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path, nargs="+")
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--code", type=Path, action="append", help="a directory holding a factdb package (repeatable)")
    emptying = parser.add_mutually_exclusive_group()
    emptying.add_argument("--drop-caches", action="store_const", const="drop-caches", dest="emptied")
    emptying.add_argument("--evict", action="store_const", const="evict", dest="emptied")
    parser.add_argument("--as", dest="modes", action="append", choices=("api", "cli", "database"),
                        help="how the process starts (repeatable; default api): a program calling compare(), or as "
                             "`factdb compare` does, what its imports made frozen (factdb.heap; this code's CLI only), "
                             "or a program opening factdb.Database(DB, readonly=True) and calling its compare() "
                             "(--code: an installed layout, which holds factdb.migrations)")
    args = parser.parse_args()
    codes: list[Path | None] = [code.resolve() for code in args.code] if args.code else [None]
    for code in codes:
        if code is not None and not (code / "factdb" / "__init__.py").is_file():
            parser.error(f"--code {code}: no factdb package there (expected {code / 'factdb' / '__init__.py'})")
    for summary in measure([db.resolve() for db in args.db], codes, args.events, args.emptied, tuple(args.modes or ["api"])):
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
