"""compare() on first touch: each event's first comparison in a fresh process, its pages not cached.

    python bench/cold_compare.py DB [DB ...] [--events 40] [--drop-caches]

For each of ``--events`` random events (a fixed seed), a new Python process opens the database
as ``factdb.Database.compare`` does (``factdb.db.read_connection``, then the schema read by a
first statement) and times that, then times its first ``compare(connection, event)`` (every
metric) in a read transaction, which is what ``factdb compare EVENT`` does once it has started.
With ``--drop-caches`` (root on Linux) the operating system's page cache is emptied before each
process, so every page comes from disk; without it, the pages other events share may be cached
already. Several databases of the same claims (before and after a change) are measured in turn,
event by event, so that a busy moment slows them alike. Prints, for each, as JSON, the median, p95 and maximum in milliseconds of the comparison alone, of
opening the connection alone, and the CPU time of the comparison (steadier on a busy machine).
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
started = time.perf_counter()
connection = read_connection(Path(sys.argv[1]))
connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
opened = time.perf_counter()
cpu = time.process_time()
connection.execute("BEGIN")
compare(connection, sys.argv[2])
connection.execute("ROLLBACK")
done = time.perf_counter()
print(json.dumps({"open_ms": (opened - started) * 1000, "compare_ms": (done - opened) * 1000,
                  "compare_cpu_ms": (time.process_time() - cpu) * 1000}))
"""


def _drop_caches() -> None:
    subprocess.run(["sync"], check=True)
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _first_compare(db: Path, event: str, drop_caches: bool) -> dict[str, float]:
    if drop_caches:
        _drop_caches()
    result = subprocess.run([sys.executable, "-c", _FIRST_COMPARE, str(db), event], capture_output=True, text=True,
                            check=True, cwd="/")
    measured: dict[str, float] = json.loads(result.stdout)
    return measured


def measure(dbs: list[Path], events: int, drop_caches: bool) -> list[dict[str, object]]:
    connection = sqlite3.connect(f"file:{dbs[0]}?mode=ro", uri=True)
    ids = [row[0] for row in connection.execute("SELECT DISTINCT event_id FROM claims ORDER BY event_id")]
    connection.close()
    chosen = random.Random(7).sample(ids, min(events, len(ids)))
    runs: dict[Path, list[dict[str, float]]] = {db: [] for db in dbs}
    for event in chosen:
        for db in dbs:
            runs[db].append(_first_compare(db, event, drop_caches))
    summaries: list[dict[str, object]] = []
    for db, measured in runs.items():
        summary: dict[str, object] = {"db": str(db), "events": len(measured), "drop_caches": drop_caches}
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
    parser.add_argument("--drop-caches", action="store_true")
    args = parser.parse_args()
    for summary in measure([db.resolve() for db in args.db], args.events, args.drop_caches):
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
