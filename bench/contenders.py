"""factdb import against the true floor and a sqlite-utils contender, alternated in one run.

    python bench/contenders.py --data /work/benchdata/1000000 --runs 3 [--format jsonl|csv] [--before PATH/bin/factdb]

Each run imports the same files with every contender, in an order that rotates from run to run
(so that a busy moment on a shared machine does not always land on the same one), each into a
new database: ``factdb import`` (two workers at this size), the floor and sqlite-utils
(bench/floor.py), and the single-process reference (bench/reference.py: factdb's per-row Python
without its checks, in one process, the FTS filled at the end); with --before, also the ``factdb``
command of another installation (an earlier version, to measure a change against). Reported: median wall and CPU
time (of every process of the contender), peak RSS (all its processes together, sampled every
50 ms), and each median's ratio to the floor's. The floor's rows come from the first factdb
import of the run, and are checked to be identical to it.

Writes the table to --out (Markdown) and every number beside it (JSON).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import FACTDB, Run, compile_factdb, fresh_database, machine, run_process  # noqa: E402

FLOOR = [sys.executable, str(BENCH / "floor.py")]


def _contenders(data: Path, fmt: str, rows: Path, before: str | None = None) -> dict[str, list[str]]:
    inputs = [str(data / "entities.jsonl"), str(data / f"claims.{fmt}")]
    return {
        "factdb import": [FACTDB, "import", "--db", "{db}", *inputs],
        **({"factdb import before": [before, "import", "--db", "{db}", *inputs]} if before else {}),
        "floor": [*FLOOR, "floor", str(rows), "{db}"],
        "sqlite-utils": [*FLOOR, "sqlite-utils", "{db}", *inputs],
        "single-process reference": [sys.executable, str(BENCH / "reference.py"), "--defer-fts", "{db}", *inputs],
    }


def _measure(name: str, command: list[str], db: Path) -> Run:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    if name in ("factdb import", "factdb import before", "single-process reference"):
        fresh_database(db)  # factdb init: not part of what is measured
    return run_process([part.replace("{db}", str(db)) for part in command], cwd=Path(tempfile.gettempdir()))


def measure(data: Path, fmt: str, runs: int, work: Path, only: set[str] | None = None, before: str | None = None) -> dict[str, Any]:
    rows = work / "rows"
    imported = work / "factdb.sqlite"
    if not (rows / "schema.json").exists():
        _measure("factdb import", _contenders(data, fmt, rows)["factdb import"], imported)
        run_process([*FLOOR, "rows", str(imported), str(rows)])
    contenders = {k: v for k, v in _contenders(data, fmt, rows, before).items() if only is None or k in only or k == "floor"}
    names = list(contenders)
    measured: dict[str, list[Run]] = {name: [] for name in names}
    for number in range(runs):
        order = names[number % len(names):] + names[: number % len(names)]
        for name in order:
            db = work / f"{name.replace(' ', '-')}.sqlite"
            measured[name].append(_measure(name, contenders[name], db))
            last = measured[name][-1]
            print(f"  run {number + 1} {name}: {last.wall:.1f} s wall, {last.cpu:.1f} s CPU, {last.rss_mb:.0f} MB", flush=True)
            if name == "factdb import" and number == 0:
                check = run_process([*FLOOR, "floor", str(rows), str(work / "check.sqlite"), "--check", str(db)])
                print(f"  {check.output.strip()}", flush=True)
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{work / 'check.sqlite'}{suffix}").unlink(missing_ok=True)
    floor_wall = statistics.median(r.wall for r in measured["floor"])
    floor_cpu = statistics.median(r.cpu for r in measured["floor"])
    results = {}
    for name, runs_of in measured.items():
        wall, cpu = statistics.median(r.wall for r in runs_of), statistics.median(r.cpu for r in runs_of)
        results[name] = {"wall_s": [round(r.wall, 2) for r in runs_of], "cpu_s": [round(r.cpu, 2) for r in runs_of],
                         "median_wall_s": round(wall, 2), "median_cpu_s": round(cpu, 2),
                         "wall_ratio": round(wall / floor_wall, 2), "cpu_ratio": round(cpu / floor_cpu, 2),
                         "peak_rss_mb": round(max(r.rss_mb for r in runs_of), 1)}
    return results


def markdown(data: Path, fmt: str, results: dict[str, Any], about: dict[str, Any]) -> str:
    lines = [f"# {data.name} claims, {fmt}: factdb import against the floor", "",
             f"Machine: {about.get('cpu', '?')}, {about.get('cores', '?')} cores; load average at start "
             f"{about.get('load_average_at_start', '?')} (the machine is shared). Medians of {len(next(iter(results.values()))['wall_s'])} "
             "runs, contenders alternated; CPU and peak RSS of all of a contender's processes.", "",
             "| contender | wall | CPU | wall / floor | CPU / floor | peak RSS |", "|---|--:|--:|--:|--:|--:|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['median_wall_s']} s | {r['median_cpu_s']} s | {r['wall_ratio']}x | {r['cpu_ratio']}x | "
                     f"{r['peak_rss_mb']} MB |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="a folder written by bench/generate.py")
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="comma-separated contenders (the floor always runs)")
    parser.add_argument("--before", help="the factdb command of another installation, measured as 'factdb import before'")
    parser.add_argument("--work", type=Path, help="where the databases go (default: a temporary folder)")
    parser.add_argument("--out", type=Path, help="Markdown table (a .json beside it holds every number)")
    args = parser.parse_args(argv)
    compile_factdb()
    work = args.work or Path(tempfile.mkdtemp(prefix="factdb-contenders-"))
    work.mkdir(parents=True, exist_ok=True)
    about = machine()
    try:
        results = measure(args.data.resolve(), args.format, args.runs, work, set(args.only.split(",")) if args.only else None,
                          args.before)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    table = markdown(args.data, args.format, results, about)
    print(table)
    if args.out is not None:
        args.out.write_text(table, encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps({"machine": about, "results": results}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
