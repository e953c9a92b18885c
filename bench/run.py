"""factdb's benchmark suite: import, re-import, compare and Datasette pages, beside the single-process reference.

The floor (what SQLite itself needs for the same rows) is measured by bench/contenders.py.

    python bench/run.py                       # 100,000 and 1,000,000 claims, 3 runs each (long)
    python bench/run.py --claims 100000       # a quicker pass while iterating

Writes bench/results/results.json and bench/results/results.md. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import threading
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
RESULTS = BENCH / "results"
BIN = Path(sys.executable).parent
FACTDB = str(BIN / "factdb")
sys.path.insert(0, str(BENCH))

from compare_databases import differences  # noqa: E402
from generate import generate  # noqa: E402

TARGETS = {
    "claims_per_second": 10_000, "ratio_to_baseline": 3.0, "peak_rss_mb": 300, "reimport_speedup": 2.0,
    "compare_median_ms": 5, "compare_p95_ms": 20, "datasette_p95_ms": 200,
}


@dataclass
class Run:
    """One measured child process: wall seconds, CPU seconds (user + system, its own processes
    included) and peak RSS: of the process and its own processes together (sampled every 50 ms),
    and of the largest single process (from rusage). Beside it, the peak of their proportional set
    size (PSS), which counts pages the processes share (Python, SQLite, the C library) once."""

    wall: float
    cpu: float
    rss_mb: float
    output: str
    largest_process_rss_mb: float = 0.0
    pss_mb: float = 0.0


def _tree_memory_mb(root: int) -> tuple[float, float]:
    """Resident memory (RSS, PSS) of ``root`` and every process it started, summed (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    rss = pss = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return rss / 1024, pss / 1024


def run_process(args: list[str], cwd: Path | None = None) -> Run:
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    peak = [0.0, 0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            rss, pss = _tree_memory_mb(process.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}):\n{output[-3000:]}")
    largest = usage.ru_maxrss / 1024
    return Run(wall, usage.ru_utime + usage.ru_stime, max(peak[0], largest), output, largest, peak[1])


def _memory(measured: dict[str, Any]) -> str:
    pss = measured.get("peak_pss_mb")
    return f"{measured['peak_rss_mb']} MB" + (f" ({pss} MB)" if pss else "")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(runs: list[Run], claims: int) -> dict[str, Any]:
    wall = statistics.median(r.wall for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    return {"runs": len(runs), "wall_s": [round(r.wall, 2) for r in runs], "median_wall_s": round(wall, 2),
            "median_cpu_s": round(cpu, 2), "claims_per_s": round(claims / wall), "claims_per_cpu_s": round(claims / cpu),
            "peak_rss_mb": round(max(r.rss_mb for r in runs), 1), "peak_pss_mb": round(max(r.pss_mb for r in runs), 1),
            "largest_process_rss_mb": round(max(r.largest_process_rss_mb for r in runs), 1)}


def fresh_database(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    run_process([FACTDB, "init", "--db", str(path)])
    return path


def dataset(claims: int, with_yaml: bool = False) -> Path:
    """The generated files for ``claims`` claims (made once, kept in bench/data/)."""
    folder = DATA / f"{claims}"
    if not (folder / "claims.csv").exists() or (with_yaml and not (folder / "all.yaml").exists()):
        print(f"generating {claims:,} claims in {folder} ...", flush=True)
        generate(claims, folder, with_yaml=with_yaml)
    return folder


INPUTS = {"jsonl": ["entities.jsonl", "claims.jsonl"], "csv": ["entities.jsonl", "claims.csv"], "yaml": ["all.yaml"]}


def measure_import(claims: int, fmt: str, runs: int, db: Path, options: tuple[str, ...] = ()) -> tuple[dict[str, Any], list[Run]]:
    folder = dataset(claims, with_yaml=fmt == "yaml")
    measured = []
    for number in range(runs):
        fresh_database(db)
        measured.append(run_process([FACTDB, "import", "--db", str(db), *options, *INPUTS[fmt]], cwd=folder))
        print(f"  import {fmt} {' '.join(options)} {claims:,} run {number + 1}: {measured[-1].wall:.1f} s, "
              f"{measured[-1].rss_mb:.0f} MB", flush=True)
    return summary(measured, claims), measured


def measure_baseline(claims: int, fmt: str, runs: int, db: Path, defer_fts: bool) -> dict[str, Any]:
    folder = dataset(claims)
    measured, inserts = [], []
    for number in range(runs):
        fresh_database(db)
        args = [sys.executable, str(BENCH / "reference.py"), *(["--defer-fts"] if defer_fts else []), str(db), *INPUTS[fmt]]
        measured.append(run_process(args, cwd=folder))
        inserts.append(json.loads(measured[-1].output.strip().splitlines()[-1])["insert_seconds"])
        print(f"  baseline {fmt} {claims:,} ({'deferred' if defer_fts else 'trigger'} FTS) run {number + 1}: "
              f"{measured[-1].wall:.1f} s", flush=True)
    result = summary(measured, claims)
    result["median_insert_s"] = round(statistics.median(inserts), 2)
    return result


def measure_reimport(claims: int, runs: int, db: Path) -> dict[str, Any]:
    folder = dataset(claims)
    measured = []
    for number in range(runs):
        measured.append(run_process([FACTDB, "import", "--db", str(db), *INPUTS["jsonl"]], cwd=folder))
        assert "Nothing changed." in measured[-1].output, measured[-1].output
        print(f"  re-import {claims:,} run {number + 1}: {measured[-1].wall:.1f} s", flush=True)
    return summary(measured, claims)


def measure_compare(db: Path, samples: int = 100) -> dict[str, Any]:
    from factdb.compare import compare
    from factdb.db import open_database

    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    events = [e for (e,) in connection.execute("SELECT DISTINCT event_id FROM claims WHERE event_id IS NOT NULL")]
    started = time.perf_counter()
    view_rows = connection.execute("SELECT count(*) FROM figure_comparison").fetchone()[0]
    view_count_s = time.perf_counter() - started
    started = time.perf_counter()
    latest = sum(1 for row in connection.execute("SELECT * FROM figure_comparison") if row[-1] == 1)
    view_scan_s = time.perf_counter() - started
    connection.close()
    chosen = random.Random(7).sample(events, min(samples, len(events)))
    engine = open_database(db, readonly=True)
    timings, figures = [], []
    compare(engine, chosen[0])  # warm the connection and statement caches
    for event in chosen:
        started = time.perf_counter()
        comparisons = compare(engine, event)
        timings.append((time.perf_counter() - started) * 1000)
        figures.append(sum(len(c.figures) for c in comparisons))
    warm = []  # the same events again: their pages are now in the operating system's cache
    for event in chosen:
        started = time.perf_counter()
        compare(engine, event)
        warm.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    cold = []
    for event in chosen[:20]:
        started = time.perf_counter()
        compare(db, event)
        cold.append((time.perf_counter() - started) * 1000)
    return {
        "events": len(chosen), "median_ms": round(statistics.median(timings), 2), "p95_ms": round(percentile(timings, 0.95), 2),
        "max_ms": round(max(timings), 2), "median_figures_per_event": statistics.median(figures),
        "warm_median_ms": round(statistics.median(warm), 2), "warm_p95_ms": round(percentile(warm, 0.95), 2),
        "with_database_open_median_ms": round(statistics.median(cold), 1),
        "figure_comparison_count_s": round(view_count_s, 2), "figure_comparison_scan_s": round(view_scan_s, 2),
        "figure_comparison_rows": view_rows, "figure_comparison_latest_rows": latest,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The claims table's default facets (factdb/metadata.yaml); ?_facet=source_id asks for one of them again.
EXPECTED_FACETS = {"source_id", "event_id"}


def measure_datasette(db: Path, requests: int = 20, site: Path | None = None) -> dict[str, Any]:
    """The pages of ``factdb serve`` on ``db``; with ``site`` (a folder ``factdb publish`` wrote),
    of plain ``datasette SITE`` instead, ``db`` then being the site's snapshot."""
    import httpx

    port = _free_port()
    if site is None:
        command = [FACTDB, "serve", "--db", str(db), "--port", str(port)]
    else:
        command = [str(BIN / "datasette"), str(site), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    name = db.stem
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    source = connection.execute("SELECT source_id FROM claims ORDER BY pk LIMIT 1 OFFSET 12345").fetchone()
    event, metric = connection.execute(
        "SELECT c.event_id, f.metric_id FROM figures f JOIN claims c ON c.pk = f.claim_pk "
        "GROUP BY c.event_id, f.metric_id ORDER BY count(*) DESC LIMIT 1").fetchone()
    # The readable pages, each for a row with as much on it as the database has: the busiest event,
    # the source with most claims, a claim that supersedes another, the document quoted most.
    busiest_source = connection.execute(
        "SELECT source_id FROM claims GROUP BY source_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    revised = connection.execute("SELECT id FROM claims WHERE supersedes_pk IS NOT NULL LIMIT 1 OFFSET 1000").fetchone()
    claim = revised[0] if revised else connection.execute("SELECT id FROM claims LIMIT 1 OFFSET 12345").fetchone()[0]
    document = connection.execute(
        "SELECT d.id FROM documents d WHERE d.pk = (SELECT document_pk FROM claims GROUP BY document_pk "
        "ORDER BY count(*) DESC LIMIT 1)").fetchone()[0]
    connection.close()
    pages = {
        "claims table": f"/{name}/claims",
        "facet by source": f"/{name}/claims?_facet=source_id",
        "facet by source, JSON": f"/{name}/claims.json?_facet=source_id",
        "filtered by source": f"/{name}/claims?source_id={source[0]}",
        "comparison": f"/-/compare/{event}/{metric}",
        "front page": "/",
        "event page": f"/-/event/{event}",
        "source page": f"/-/source/{busiest_source}",
        "claim page": f"/-/claim/{claim}",
        "document page": f"/-/document/{document}",
        "search, a common word": "/-/search?q=killing",
        "search, two words": "/-/search?q=arrests+protesters",
        "claims, readable": f"/{name}/claims_readable",
        "sources, readable": f"/{name}/sources_readable",
        "documents, readable": f"/{name}/documents_readable",
        "comparison as SVG": f"/-/compare/{event}/{metric}.svg",
    }
    results: dict[str, Any] = {"pages": {}, "served_by": "factdb serve" if site is None else f"datasette {site.name}/"}
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(300):
                try:
                    if client.get("/-/versions.json").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            for label, path in pages.items():
                client.get(path)  # first request: connections, templates, statement caches
                timings = []
                for _ in range(requests):
                    started = time.perf_counter()
                    response = client.get(path)
                    timings.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (path, response.status_code, response.text[:500])
                results["pages"][label] = {"path": path, "median_ms": round(statistics.median(timings), 1),
                                           "p95_ms": round(percentile(timings, 0.95), 1)}
            facets = client.get(f"/{name}/claims.json?_facet=source_id").json()
            results["facets_returned"] = sorted(facets.get("facet_results", {}))
            # Datasette 0.65 lists timed-out facets on the HTML page only; the JSON just leaves them out.
            results["facets_timed_out"] = sorted(EXPECTED_FACETS - set(results["facets_returned"]))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def claims_in(db: Path) -> int:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        count: int = connection.execute("SELECT count(*) FROM claims").fetchone()[0]
        return count
    finally:
        connection.close()


def compile_factdb() -> None:
    """Measure factdb as pip installs it, its modules' bytecode compiled once: an editable install
    (as in a checkout) under PYTHONDONTWRITEBYTECODE, which some machines set, compiles factdb's
    modules again in every process it starts (0.14 s of CPU each here), which no installed copy does."""
    import importlib.util

    spec = importlib.util.find_spec("factdb")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        subprocess.run([sys.executable, "-m", "compileall", "-q", folder], check=True)


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory / 1024 / 1024, 1), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform(), "load_average_at_start": os.getloadavg()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", default="100000,1000000", help="comma-separated sizes (default 100000,1000000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per import and baseline measurement (median reported)")
    parser.add_argument("--large-runs", type=int, default=2, help="runs per measurement from 1,000,000 claims on")
    parser.add_argument("--reimport-runs", type=int, default=3)
    parser.add_argument("--yaml-runs", type=int, default=1)
    parser.add_argument("--yaml-claims", type=int, default=100_000, help="size of the YAML measurement (0: skip)")
    parser.add_argument("--skip-datasette", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS / "results.json")
    parser.add_argument("--only-datasette", type=Path, metavar="DB",
                        help="measure the Datasette pages on this database and print the table; writes nothing")
    parser.add_argument("--only-datasette-site", type=Path, metavar="SITE",
                        help="the same pages served by plain `datasette SITE`, SITE a folder `factdb publish` wrote")
    parser.add_argument("--only-queries", action="store_true",
                        help="measure compare() and Datasette again on the database the last run left in bench/data/work/")
    args = parser.parse_args(argv)
    compile_factdb()
    if args.only_datasette:
        print("\n".join(datasette_markdown(claims_in(args.only_datasette), measure_datasette(args.only_datasette))))
        return 0
    if args.only_datasette_site:
        snapshot = args.only_datasette_site / "factdb.db"
        measured = measure_datasette(snapshot, site=args.only_datasette_site)
        print("\n".join(datasette_markdown(claims_in(snapshot), measured)))
        return 0
    if args.only_queries:
        results = json.loads(args.out.read_text())
        size = results["sizes"][str(max(int(s) for s in results["sizes"]))]
        size["compare"] = measure_compare(DATA / "work" / "factdb.sqlite")
        if not args.skip_datasette:
            size["datasette"] = measure_datasette(DATA / "work" / "factdb.sqlite")
        write(results, args.out)
        print(args.out.with_suffix(".md").read_text())
        return 0
    sizes = [int(size) for size in args.claims.split(",")]
    work = DATA / "work"
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
                               "targets": TARGETS, "sizes": {}}
    for claims in sizes:
        size: dict[str, Any] = {}
        db = work / "factdb.sqlite"
        runs = args.runs if claims < 1_000_000 else args.large_runs
        for fmt in ("csv", "jsonl"):  # JSON Lines last: its database is the one measured below
            size[f"import_{fmt}"], _ = measure_import(claims, fmt, runs, db)
            imported = work / f"imported-{fmt}.sqlite"
            shutil.copy(db, imported)
            # Per-row full-text triggers: for information, and only where it does not take half an hour.
            for defer in (True, False) if claims < 1_000_000 else (True,):
                key = f"baseline_{fmt}_{'deferred_fts' if defer else 'trigger_fts'}"
                size[key] = measure_baseline(claims, fmt, runs if defer else 1, work / "baseline.sqlite", defer)
            size[f"identical_rows_{fmt}"] = not differences(imported, work / "baseline.sqlite")
            size[f"ratio_{fmt}"] = round(size[f"import_{fmt}"]["median_wall_s"] / size[f"baseline_{fmt}_deferred_fts"]["median_wall_s"], 2)
            size[f"ratio_{fmt}_cpu"] = round(size[f"import_{fmt}"]["median_cpu_s"] / size[f"baseline_{fmt}_deferred_fts"]["median_cpu_s"], 2)
            imported.unlink()
        # The same import with claims checked in the importer's own process: what the workers gain.
        size["import_jsonl_no_workers"], _ = measure_import(claims, "jsonl", 1, work / "serial.sqlite", ("--workers", "0"))
        size["reimport_jsonl"] = measure_reimport(claims, args.reimport_runs if claims < 1_000_000 else args.large_runs, db)
        size["reimport_speedup"] = round(size["import_jsonl"]["median_wall_s"] / size["reimport_jsonl"]["median_wall_s"], 2)
        if claims == max(sizes):
            size["compare"] = measure_compare(db)
            if not args.skip_datasette:
                size["datasette"] = measure_datasette(db)
        results["sizes"][str(claims)] = size
        write(results, args.out)
    if args.yaml_claims:
        yaml_db = work / "yaml.sqlite"
        results["yaml"] = {"claims": args.yaml_claims}
        results["yaml"]["import_yaml"], _ = measure_import(args.yaml_claims, "yaml", args.yaml_runs, yaml_db)
        jsonl = results["sizes"].get(str(args.yaml_claims), {}).get("import_jsonl") or measure_import(args.yaml_claims, "jsonl", 1, yaml_db)[0]
        results["yaml"]["slowdown_vs_jsonl"] = round(results["yaml"]["import_yaml"]["median_wall_s"] / jsonl["median_wall_s"], 2)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    write(results, args.out)
    print(args.out.with_suffix(".md").read_text())
    return 0


def write(results: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    out.with_suffix(".md").write_text(markdown(results))


def _mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _import_rows(n: int, size: dict[str, Any]) -> list[str]:
    """The table rows of one size: each import beside its baseline, then --workers 0 and the re-import."""
    lines: list[str] = []
    for fmt in ("jsonl", "csv"):
        i = size.get(f"import_{fmt}")
        if not i:
            continue
        b = size[f"baseline_{fmt}_deferred_fts"]
        t = size.get(f"baseline_{fmt}_trigger_fts")
        ok = (n < 1_000_000 or i["claims_per_s"] >= TARGETS["claims_per_second"]) and size[f"ratio_{fmt}"] <= TARGETS["ratio_to_baseline"] \
            and i["peak_rss_mb"] <= TARGETS["peak_rss_mb"]
        lines.append(f"| {n:,} | `factdb import` {fmt} | {i['median_wall_s']} s | {i['claims_per_s']:,} | {i['median_cpu_s']} | "
                     f"{_memory(i)} | {size[f'ratio_{fmt}']}x / {size[f'ratio_{fmt}_cpu']}x | {_mark(ok)} |")
        lines.append(f"| {n:,} | single-process reference {fmt}, FTS filled at the end | {b['median_wall_s']} s | {b['claims_per_s']:,} | "
                     f"{b['median_cpu_s']} | {_memory(b)} | (inserting: {b['median_insert_s']} s; rows identical: "
                     f"{size[f'identical_rows_{fmt}']}) | |")
        if t:
            lines.append(f"| {n:,} | single-process reference {fmt}, FTS by per-row triggers | {t['median_wall_s']} s | {t['claims_per_s']:,} | "
                         f"{t['median_cpu_s']} | {_memory(t)} | (inserting: {t['median_insert_s']} s) | |")
    s = size.get("import_jsonl_no_workers")
    if s:
        lines.append(f"| {n:,} | `factdb import --workers 0` jsonl (claims checked in one process) | {s['median_wall_s']} s | "
                     f"{s['claims_per_s']:,} | {s['median_cpu_s']} | {_memory(s)} | | (for comparison) |")
    r = size.get("reimport_jsonl")
    if r:
        lines.append(f"| {n:,} | re-import jsonl (nothing changes) | {r['median_wall_s']} s | {r['claims_per_s']:,} | "
                     f"{r['median_cpu_s']} | {_memory(r)} | {size['reimport_speedup']}x faster than import | "
                     f"{_mark(size['reimport_speedup'] >= TARGETS['reimport_speedup'])} |")
    return lines


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [f"# factdb benchmark results ({results['started']})", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, Python {m['python']}, SQLite {m['sqlite']}; "
             f"load average at start {', '.join(f'{x:.1f}' for x in m['load_average_at_start'])} (the machine is shared). "
             "Medians of the runs; wall-clock time, CPU time beside it (of every process of the import); peak RSS of the "
             "import's processes together, and in brackets their peak proportional set size (PSS: pages the processes "
             "share, such as Python's and SQLite's code, counted once). The memory target is judged on RSS.", "",
             "| claims | what | median wall | claims/s | CPU s | peak RSS (PSS) | vs single-process reference (wall / CPU) | target met |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for claims, size in results["sizes"].items():
        lines += _import_rows(int(claims), size)
    y = results.get("yaml")
    if y and "slowdown_vs_jsonl" in y:
        i = y["import_yaml"]
        lines.append(f"| {y['claims']:,} | `factdb import` YAML | {i['median_wall_s']} s | {i['claims_per_s']:,} | {i['median_cpu_s']} | "
                     f"{_memory(i)} | {y['slowdown_vs_jsonl']}x slower than JSON Lines | (measured) |")
    lines += ["", "Targets: at least 10,000 claims/s at 1,000,000 claims, at most 3x the baseline and 300 MB of peak RSS "
              "(all three for \"target met\" on an import row); re-import at least 2x faster than the first import."]
    for claims, size in results["sizes"].items():
        c = size.get("compare")
        first = size.get("compare_first_measurement")
        if c:
            ok = c["median_ms"] < TARGETS["compare_median_ms"] and c["p95_ms"] < TARGETS["compare_p95_ms"]
            lines += ["", f"## Comparison at {int(claims):,} claims", "",
                      f"- `compare(engine, event)` for {c['events']} random events (every metric; median "
                      f"{c['median_figures_per_event']} figures per event): median **{c['median_ms']} ms**, p95 **{c['p95_ms']} ms**, "
                      f"max {c['max_ms']} ms; target met: {_mark(ok)}",
                      f"- the same 100 events again, their pages now cached by the operating system: median "
                      f"{c.get('warm_median_ms', '-')} ms, p95 {c.get('warm_p95_ms', '-')} ms",
                      f"- `compare(path, event)` (opening and checking the database each call, as the CLI does): median "
                      f"{c['with_database_open_median_ms']} ms",
                      f"- `figure_comparison` view: `count(*)` {c['figure_comparison_count_s']} s; full scan of its "
                      f"{c['figure_comparison_rows']:,} rows {c['figure_comparison_scan_s']} s"]
            if first:
                lines.append(f"- the full run's own measurement, on pages fresh from the imports (the lines above are from "
                             f"`run.py --only-queries` on the same database afterwards): median {first['median_ms']} ms, p95 "
                             f"{first['p95_ms']} ms; view scan {first['figure_comparison_scan_s']} s")
        if size.get("datasette"):
            lines += datasette_markdown(int(claims), size["datasette"])
    return "\n".join(lines) + "\n"


def datasette_markdown(claims: int, d: dict[str, Any]) -> list[str]:
    served_by = d.get("served_by", "factdb serve")
    lines = ["", f"## Datasette at {claims:,} claims (`{served_by}`, over HTTP, 20 requests each after one warm-up)", "",
             "| page | path | median | p95 | target met |", "| --- | --- | ---: | ---: | --- |"]
    for label, page in d["pages"].items():
        lines.append(f"| {label} | `{page['path']}` | {page['median_ms']} ms | {page['p95_ms']} ms | "
                     f"{_mark(page['p95_ms'] < TARGETS['datasette_p95_ms'])} |")
    lines.append("")
    lines.append(f"Facets timed out on `claims.json?_facet=source_id`: {d['facets_timed_out'] or 'none'}; "
                 f"facets returned: {', '.join(d['facets_returned'])}.")
    return lines


if __name__ == "__main__":
    sys.exit(main())
