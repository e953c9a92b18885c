"""One import, one transaction, every problem at once; the summary, the progress bar and streaming.

The transaction and the progress callback are tested on SQLite and PostgreSQL; the progress bar
on a terminal and the memory bound are about reading files, and run on SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from factdb.db import make_engine
from factdb.importer import import_paths

from conftest import BASIC, BASIC_TEXT, GROUPED_CSV, dump_database, problems, run_cli, write


# -- one transaction, every problem ----------------------------------------------------------------


def test_problems_in_every_file_and_in_both_passes_are_reported_together(basic_store: Path | str, tmp_path: Path) -> None:
    broken = write(tmp_path, "a-broken.json", '{"sources": [\n  {"id": "x",}\n]}\n')
    entities = write(tmp_path, "b-entities.yaml", "sources:\n  - {id: hrana, name: HRANA, kind: charity}\n"
                                                  "metrics:\n  - {id: injured, name: People injured, unit: people}\n")
    claims = write(tmp_path, "c-claims.yaml", "claims:\n  - {id: c, document: wire-2019-12, source: ncri, via: hrana,\n"
                                              "     quote: at least 304 people had been killed,\n"
                                              "     figures: [{metric: injured, value: at least 304}, {metric: wounded, value: 3}]}\n")
    before = dump_database(basic_store)
    result = run_cli("import", "--db", basic_store, broken, entities, claims)
    assert result.exit_code == 1
    assert problems(result) == [
        f"{broken}:2: invalid JSON: Expecting property name enclosed in double quotes (column 14) "
        "(hint: check commas, brackets and quotes)",
        f"{entities}:2: sources[0].kind: 'charity' is not allowed (hint: use one of ngo, intergovernmental, government, "
        "official, opposition, media, person, other)",
        f"{claims}:2: claims[0].via: unknown source 'hrana' (hint: define the source under 'sources:' "
        "(in this or another file of the import), or use its id or an alias)",
        f"{claims}:4: claims[0].figures[1].metric: unknown metric 'wounded' (hint: define it under 'metrics:' in this or "
        "another file of the import, or fix the id)",
    ]
    assert result.stderr.endswith("\n4 problems found; nothing was imported.\n")
    assert dump_database(basic_store) == before


def test_a_flood_of_problems_lists_the_first_200_and_counts_the_rest(basic_store: Path | str, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.jsonl", "".join(json.dumps(
        {"kind": "claim", "id": f"c{i}", "document": "wire-2019-12", "source": "amnesti",
         "quote": "at least 304 people had been killed"}) + "\n" for i in range(1, 251)))
    result = run_cli("import", "--db", basic_store, path)
    listed = problems(result)
    assert len(listed) == 201 and listed[-1] == "... and 50 more problems"
    assert listed[199].startswith(f"{path}:200: line 200.source: unknown source 'amnesti'; closest known: amnesty")
    assert result.stderr.endswith("\n250 problems found; nothing was imported.\n")


def _big_claims(path: Path, count: int, last_metric: str) -> Path:
    lines = [{"kind": "document", "id": "long-report", "title": "Long report", "published": "2020-01",
              "text": " ".join(f"Item {i}: at least {i} people were killed." for i in range(count))}]
    lines += [{"kind": "claim", "id": f"item-{i}", "document": "long-report", "source": "amnesty",
               "quote": f"Item {i}: at least {i} people were killed.",
               "figures": [{"metric": "killed" if i < count - 1 else last_metric, "value": f"at least {i}"}]}
              for i in range(count)]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_an_error_in_the_last_claim_of_a_large_import_writes_nothing(basic_store: Path | str, tmp_path: Path) -> None:
    """Claims are written in chunks as the file streams by; a late error still undoes the earlier chunks."""
    before = dump_database(basic_store)
    path = _big_claims(tmp_path / "big.jsonl", 4_500, last_metric="kiled")
    result = run_cli("import", "--db", basic_store, path)
    assert problems(result) == [
        f"{path}:4501: line 4501.figures[0].metric: unknown metric 'kiled'; closest known: killed (hint: define it under "
        "'metrics:' in this or another file of the import, or fix the id)"]
    assert dump_database(basic_store) == before


# -- summary, progress, streaming -------------------------------------------------------------------


def test_progress_callback_receives_every_byte_of_every_format_twice(basic_store: Path | str, tmp_path: Path) -> None:
    data = yaml.safe_load(BASIC_TEXT)
    files = [BASIC, write(tmp_path, "basic.json", json.dumps(data, default=str, indent=1)),
             write(tmp_path, "claims.csv", GROUPED_CSV), _big_claims(tmp_path / "big.jsonl", 3_000, last_metric="killed")]
    for path in files:
        received: list[int] = []
        engine = make_engine(basic_store)
        import_paths(engine, [path], dry_run=True, progress=received.append)
        engine.dispose()
        assert sum(received) == 2 * path.stat().st_size, path.name
        assert all(n >= 0 for n in received)
    assert len(received) > 10  # the streamed file reports as it goes, not once at the end


def _run_on_a_terminal(args: list[str]) -> tuple[int, str, str]:
    """Run ``factdb`` with stderr on a pseudo-terminal; return (exit code, stdout, what the terminal showed)."""
    controller, terminal = os.openpty()
    process = subprocess.Popen([sys.executable, "-m", "factdb.cli", *args], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    stdout, _ = process.communicate(timeout=120)
    os.close(controller)
    return process.returncode, stdout.decode(), shown.decode(errors="replace")


def test_progress_bar_is_drawn_on_a_terminal_for_a_large_file_only(fresh_db: Path, tmp_path: Path) -> None:
    text = "Amnesty said at least 300 people were killed. " * 70_000  # 3.3 MB, read twice: past the 5 MB threshold
    large = write(tmp_path, "large.jsonl", json.dumps({"kind": "document", "id": "long", "title": "Long", "text": text}) + "\n")
    code, stdout, shown = _run_on_a_terminal(["import", "--db", str(fresh_db), str(large)])
    assert code == 0
    assert stdout == "documents: 1 added, 0 updated, 0 unchanged.\n"
    assert "Importing" in shown and "100%" in shown
    small = write(tmp_path, "small.jsonl", json.dumps({"kind": "metric", "id": "killed", "name": "Killed", "unit": "people"}) + "\n")
    code, stdout, shown = _run_on_a_terminal(["import", "--db", str(fresh_db), str(small)])
    assert (code, stdout, shown) == (0, "metrics: 1 added, 0 updated, 0 unchanged.\n", "")


def test_no_progress_bar_when_stderr_is_not_a_terminal(fresh_db: Path, tmp_path: Path) -> None:
    text = "Amnesty said at least 300 people were killed. " * 70_000
    large = write(tmp_path, "large.jsonl", json.dumps({"kind": "document", "id": "long", "title": "Long", "text": text}) + "\n")
    result = run_cli("import", "--db", fresh_db, large)
    assert (result.exit_code, result.stderr) == (0, "")


PEAK_MEMORY = """
import resource, sys
from factdb.db import make_engine
from factdb.importer import import_paths
report = import_paths(make_engine(sys.argv[1]), [sys.argv[2]])
print(report.counts["claims"]["added"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _claims_file(path: Path, size: int) -> int:
    """A JSON Lines import of about ``size`` bytes: long claims quoting one document; returns the claim count."""
    sentences = [f"Report {j}: at least {j} people were killed in town {j}." for j in range(500)]
    head = [{"kind": "source", "id": "amnesty", "name": "Amnesty International", "source_kind": "ngo"},
            {"kind": "metric", "id": "killed", "name": "People killed", "unit": "people"},
            {"kind": "document", "id": "doc", "title": "Reports", "published": "2020-11", "text": " ".join(sentences)}]
    written, count = 0, 0
    with path.open("w", encoding="utf-8") as out:
        for record in head:
            written += out.write(json.dumps(record) + "\n")
        while written < size:
            j = count % len(sentences)
            written += out.write(json.dumps({"kind": "claim", "id": f"claim-{count}", "document": "doc", "source": "amnesty",
                                             "quote": sentences[j], "statement": f"{j} " + "x" * 9_000,
                                             "figures": [{"metric": "killed", "value": f"at least {j}"}]}) + "\n")
            count += 1
    return count


def test_json_lines_import_memory_does_not_grow_with_file_size(tmp_path: Path) -> None:
    """Peak memory of an 80 MB and a 160 MB import: the second adds 80 MB of claims and almost no memory.

    Both files are past the point where the bounded parts of an import are full (the SQLite page
    cache, one chunk of claims), so any difference is memory that grows with the file.
    """
    processes = []
    for size in (80_000_000, 160_000_000):
        db = tmp_path / f"{size}.sqlite"
        assert run_cli("init", "--db", db).exit_code == 0
        path = tmp_path / f"{size}.jsonl"
        claims = _claims_file(path, size)
        processes.append((claims, subprocess.Popen([sys.executable, "-c", PEAK_MEMORY, str(db), str(path)],
                                                   stdout=subprocess.PIPE, text=True)))
    peaks = []
    for claims, process in processes:
        stdout, _ = process.communicate(timeout=300)
        assert process.returncode == 0
        added, peak_mb = map(int, stdout.split())
        assert added == claims
        peaks.append(peak_mb)
    small, large = peaks
    assert large - small < 16, f"peak memory {small} MB for 80 MB of claims, {large} MB for 160 MB"
