"""compare() on first touch: each event's first comparison in a fresh process, its pages not cached.

    python bench/cold_compare.py DB [--events 40] [--drop-caches]

For each of ``--events`` random events (a fixed seed), a new Python process opens the database
with ``factdb.Database(DB, readonly=True)`` and times its first ``compare(event)`` (every metric),
which is what ``factdb compare EVENT`` does once it has started. With ``--drop-caches`` (root on
Linux) the operating system's page cache is emptied before each process, so every page comes
from disk; without it, the pages other events share may be cached already. Prints the median,
p95 and maximum in milliseconds, as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
from pathlib import Path

_FIRST_COMPARE = """
import sys, time
from factdb import Database
with Database(sys.argv[1], readonly=True) as db:
    started = time.perf_counter()
    db.compare(sys.argv[2])
    print((time.perf_counter() - started) * 1000)
"""


def _drop_caches() -> None:
    subprocess.run(["sync"], check=True)
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def measure(db: Path, events: int, drop_caches: bool) -> dict[str, float | int | bool]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ids = [row[0] for row in connection.execute("SELECT DISTINCT event_id FROM claims ORDER BY event_id")]
    connection.close()
    chosen = random.Random(7).sample(ids, min(events, len(ids)))
    timings = []
    for event in chosen:
        if drop_caches:
            _drop_caches()
        result = subprocess.run([sys.executable, "-c", _FIRST_COMPARE, str(db), event], capture_output=True, text=True,
                                check=True, cwd="/")
        timings.append(float(result.stdout.strip()))
    ordered = sorted(timings)
    return {"events": len(timings), "drop_caches": drop_caches, "median_ms": round(statistics.median(timings), 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
            "max_ms": round(ordered[-1], 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--drop-caches", action="store_true")
    args = parser.parse_args()
    print(json.dumps(measure(args.db.resolve(), args.events, args.drop_caches)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
