"""Evidence intake benchmark (issue 20): archiving a 100-page PDF, and `verify` of 1,000 archived
documents (half web pages, half PDFs, about 100 KB each).

    python bench/evidence.py                 # writes bench/results/evidence.json
    python bench/evidence.py --re-extract 100   # also verify --re-extract on the first 100 documents

Inputs are generated (fpdf2 with Debian's DejaVu Sans, as the tests do). The 1,000 documents are
two templates, each original made distinct (its own SHA-256) by a trailing comment, so setting them
up needs no extraction: they are imported in the export format (base64 originals with their
custody), which is how a restored database looks to `verify`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fpdf import FPDF

REPO = Path(__file__).resolve().parent.parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WORDS = ("the ministry said at least people were killed in the protests witnesses reported that security forces "
         "opened fire on crowds in several cities according to the report families of victims were pressured into "
         "silence while officials denied the figures cited by human rights organisations").split()


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + f" ({rng.randint(1, 5000)})."


def make_pdf(path: Path, pages: int, chars_per_page: int, seed: int) -> Path:
    rng = random.Random(seed)
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=10)
    for number in range(pages):
        pdf.add_page()
        text = f"Page {number + 1}. "
        while len(text) < chars_per_page:
            text += sentence(rng) + " "
        pdf.multi_cell(0, 5, text)
    pdf.output(str(path))
    return path


def make_html(path: Path, size: int, seed: int) -> Path:
    rng = random.Random(seed)
    nav = "".join(f'<li><a href="/section/{n}">Section {n}</a></li>' for n in range(60))
    body = []
    while sum(len(p) for p in body) < size - 10_000:
        body.append(f"<p>{sentence(rng)} {sentence(rng)} {sentence(rng)}</p>\n")
    html = (f"<!DOCTYPE html><html><head><title>Report {seed}</title><meta name=author content='Bench'></head><body>"
            f"<nav><ul>{nav}</ul></nav><article><h1>Report {seed}</h1>{''.join(body)}</article>"
            f"<footer>{'Copyright. ' * 200}</footer></body></html>")
    path.write_text(html, encoding="utf-8")
    return path


def timed(command: list[str], cwd: Path, *, check: bool = False) -> tuple[float, float, str]:
    """Wall and CPU seconds (children included) of a command, and its output (exit code 1 allowed unless ``check``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in ((0,) if check else (0, 1)):
        raise SystemExit(f"{command} failed:\n{result.stdout}{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.stdout


def export_record(document_id: str, data: bytes, file_name: str, media_type: str, template: dict) -> dict:
    return {"id": document_id, "title": document_id, "text": template["text"],
            "original": {"file": file_name, "media_type": media_type, "sha256": hashlib.sha256(data).hexdigest(),
                         "base64": base64.b64encode(data).decode("ascii")},
            "custody": template["custody"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--re-extract", type=int, default=0, metavar="N", help="also time verify --re-extract on N documents")
    parser.add_argument("--skip-archive", action="store_true", help="leave out the 100-page archive")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/evidence.json")
    args = parser.parse_args()
    factdb = str(Path(sys.executable).parent / "factdb")
    results: dict[str, object] = {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()}
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        # 1. A 100-page PDF report, about 2,500 characters a page.
        subprocess.run([factdb, "init", "--db", "one.sqlite"], cwd=folder, check=True, capture_output=True)
        if not args.skip_archive:
            report = make_pdf(folder / "report.pdf", 100, 2500, seed=1)
            wall, cpu, output = timed([factdb, "archive", "--db", "one.sqlite", "report.pdf", "--id", "report"], folder, check=True)
            results["archive_100_page_pdf"] = {"bytes": report.stat().st_size, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                                               "output": output.strip().splitlines()[0]}
            print("archive 100-page PDF:", results["archive_100_page_pdf"], flush=True)

        # 2. Templates: one web page and one PDF of about 100 KB, archived once for their text and custody.
        page = make_html(folder / "page.html", 100_000, seed=2)
        paper = make_pdf(folder / "paper.pdf", 40, 2500, seed=3)
        subprocess.run([factdb, "archive", "--db", "one.sqlite", "page.html", "--id", "page"], cwd=folder, check=True, capture_output=True)
        subprocess.run([factdb, "archive", "--db", "one.sqlite", "paper.pdf", "--id", "paper"], cwd=folder, check=True, capture_output=True)
        subprocess.run([factdb, "export", "--db", "one.sqlite", "--format", "json", "-o", "templates.json"], cwd=folder, check=True)
        templates = {d["id"]: d for d in json.loads((folder / "templates.json").read_text())["documents"]}
        documents, claims = [], []
        for number in range(args.documents):
            kind = "page" if number % 2 == 0 else "paper"
            original = (page if kind == "page" else paper).read_bytes()
            marker = f"\n<!-- copy {number} -->\n" if kind == "page" else f"\n% copy {number}\n"
            name = f"doc-{number:04d}"
            documents.append(export_record(name, original + marker.encode(), f"{name}.{'html' if kind == 'page' else 'pdf'}",
                                           "text/html" if kind == "page" else "application/pdf", templates[kind]))
            quote = " ".join(templates[kind]["text"].split()[20:32])
            claims.append({"id": f"claim-{number:04d}", "document": name, "source": "bench", "claimed_on": "2020-01", "quote": quote})
        data = {"sources": [{"id": "bench", "name": "Bench", "kind": "other"}], "documents": documents, "claims": claims}
        (folder / "many.json").write_text(json.dumps(data), encoding="utf-8")
        sizes = [len(base64.b64decode(d["original"]["base64"])) for d in documents]
        subprocess.run([factdb, "init", "--db", "many.sqlite"], cwd=folder, check=True, capture_output=True)
        wall, cpu, output = timed([factdb, "import", "--db", "many.sqlite", "many.json"], folder, check=True)
        results["setup_import"] = {"documents": len(documents), "mean_original_bytes": sum(sizes) // len(sizes),
                                   "pdf_pages": 40, "wall_s": round(wall, 2)}
        print("setup:", results["setup_import"], flush=True)

        # 3. verify of every document (hashes, texts, quotes; extraction not re-run: versions installed).
        wall, cpu, output = timed([factdb, "verify", "--db", "many.sqlite"], folder)
        results["verify"] = {"documents": len(documents), "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                             "last_line": output.strip().splitlines()[-1]}
        print("verify:", results["verify"], flush=True)

        # 4. verify --re-extract on a subset, per document (pdfminer.six dominates).
        if args.re_extract:
            subset = {"sources": data["sources"], "documents": documents[: args.re_extract], "claims": claims[: args.re_extract]}
            (folder / "subset.json").write_text(json.dumps(subset), encoding="utf-8")
            subprocess.run([factdb, "init", "--db", "subset.sqlite"], cwd=folder, check=True, capture_output=True)
            timed([factdb, "import", "--db", "subset.sqlite", "subset.json"], folder, check=True)
            wall, cpu, output = timed([factdb, "verify", "--db", "subset.sqlite", "--re-extract"], folder)
            results["verify_re_extract"] = {"documents": args.re_extract, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                                            "per_document_s": round(wall / args.re_extract, 3),
                                            "last_line": output.strip().splitlines()[-1]}
            print("verify --re-extract:", results["verify_re_extract"], flush=True)
    results["load_average_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
