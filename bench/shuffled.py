"""Claims in document order against the same claims shuffled: does the import depend on the order?

    python bench/shuffled.py                     # 100,000 claims over 1,000 documents of about 14 KB, 3 runs
    python bench/shuffled.py --workers 0         # claims checked in the importer's own process
    python bench/shuffled.py --from /data/1000000 --work /scratch --runs 2   # files generated before

``--from`` takes the claims of a folder ``bench/generate.py`` wrote (in document order) and writes
their lines shuffled, and the databases, into ``--work``.

A file sorted by date or by source jumps between documents on every claim, where a file written
document by document does not. The same claims are imported both ways into a new database, the
runs alternating so that a busy machine slows both alike; medians of wall time and of CPU time
(of the importer and its workers), the peak RSS of all of them, and the ratio shuffled / ordered.
The target: shuffled within 1.2x of ordered, memory still flat.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from generate import generate  # noqa: E402
from run import DATA, FACTDB, RESULTS, Run, fresh_database, run_process  # noqa: E402

ORDERS = {"ordered": "claims.jsonl", "shuffled": "claims-shuffled.jsonl"}


def shuffle_lines(ordered: Path, target: Path, seed: int = 1) -> None:
    """The lines of ``ordered`` in random order, as ``generate(shuffled=True)`` writes them."""
    lines = ordered.read_text(encoding="utf-8").splitlines(keepends=True)
    random.Random(seed).shuffle(lines)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text("".join(lines), encoding="utf-8")
    partial.replace(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--claims-per-document", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="passed to factdb import (default: its own choice)")
    parser.add_argument("--out", type=Path, default=RESULTS / "shuffled.json")
    parser.add_argument("--from", dest="source", type=Path, help="a folder of generated files to use (--claims is then ignored)")
    parser.add_argument("--work", type=Path, default=DATA / "work", help="where the databases (and, with --from, the shuffled claims) go")
    args = parser.parse_args(argv)
    if args.source is not None:
        folder = args.source.resolve()
        files = {"ordered": folder / ORDERS["ordered"], "shuffled": args.work.resolve() / ORDERS["shuffled"]}
        if not files["shuffled"].exists():
            print(f"shuffling {files['ordered']} into {files['shuffled']} ...", flush=True)
            # In a process of its own: the lines of a million claims take over a gigabyte, which this
            # process, alive through every measured import, need not hold on the same machine.
            with ProcessPoolExecutor(1) as pool:
                pool.submit(shuffle_lines, files["ordered"], files["shuffled"]).result()
        args.claims = sum(1 for _ in files["ordered"].open(encoding="utf-8"))
        args.claims_per_document = None
    else:
        folder = DATA / f"shuffled-{args.claims}-{args.claims_per_document}"
        if not (folder / ORDERS["shuffled"]).exists():
            print(f"generating {args.claims:,} claims, {args.claims_per_document} per document, in {folder} ...", flush=True)
            generate(args.claims, folder, claims_per_document=args.claims_per_document, shuffled=True)
        files = {order: folder / name for order, name in ORDERS.items()}
    options = ["--workers", str(args.workers)] if args.workers is not None else []
    db = args.work / "shuffled.sqlite"
    db.parent.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[Run]] = {order: [] for order in ORDERS}
    for number in range(args.runs):
        for order in ORDERS:
            fresh_database(db)
            runs[order].append(run_process([FACTDB, "import", "--db", str(db), *options, "entities.jsonl", str(files[order])],
                                           cwd=folder))
            print(f"  {order} run {number + 1}: {runs[order][-1].wall:.1f} s wall, {runs[order][-1].cpu:.1f} s CPU, "
                  f"{runs[order][-1].rss_mb:.0f} MB", flush=True)
    result = {order: {"wall_s": [round(r.wall, 2) for r in measured], "median_wall_s": round(statistics.median(r.wall for r in measured), 2),
                      "median_cpu_s": round(statistics.median(r.cpu for r in measured), 2),
                      "peak_rss_mb": round(max(r.rss_mb for r in measured), 1)}
              for order, measured in runs.items()}
    for kind in ("wall", "cpu"):
        result[f"shuffled_to_ordered_{kind}"] = round(result["shuffled"][f"median_{kind}_s"] / result["ordered"][f"median_{kind}_s"], 2)
    result.update(claims=args.claims, claims_per_document=args.claims_per_document, workers=args.workers,
                  load_average_at_end=os.getloadavg())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
