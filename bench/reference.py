"""The single-process reference: the same files, the same final rows, plain ``sqlite3`` ``executemany``.

Not a physical limit (bench/floor.py measures that): it runs the same per-row Python as the
importer, in one process, into the full schema. No validation, no error collection, no
SQLAlchemy: read and decode the files, build exactly the rows ``factdb import`` stores (resolved references, quote offsets, parsed figure bounds, content
hashes), and insert them into an empty database of the same schema (indexes, foreign keys and
full-text triggers included) with the same connection settings, in one transaction.
``bench/run.py`` checks that the two databases hold identical rows, so the ratio compares like
with like.

    python bench/reference.py [--defer-fts] DB FILE...   # DB freshly created with `factdb init`

``--defer-fts`` fills the full-text indexes in one statement at the end instead of through the
per-row triggers, as ``factdb import`` does for large files: the fairest baseline.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
import sys
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from factdb.figures import Figure, figure_from_parts, parse_figure
from factdb.checks import record_digest as _record_digest
from factdb.quotes import find_quote, normalize

PRECISION = {4: "year", 7: "month", 10: "day"}
LINE = "\x00line"  # where _jsonl keeps a claim's line, for its record digest
CLAIM_COLUMNS = ("document", "source", "via", "event", "claimed_on", "quote", "statement", "status", "supersedes")
CLAIM_SQL = ("INSERT INTO claims (pk, id, source_id, document_pk, event_id, via_id, claimed_on, claimed_on_precision, quote, "
             "quote_start, quote_end, statement, supersedes_pk, status, content_sha256, record_digest, batch_id) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
FIGURE_SQL = ("INSERT INTO figures (claim_pk, position, metric_id, population, qualifier, value, low, high, stated, batch_id) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the pragmas factdb's engine sets (and the importer's bulk settings)."""
    from factdb.bulk import BULK_PRAGMAS  # keeps the comparison fair when the importer tunes SQLite

    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("PRAGMA foreign_keys = ON", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", *BULK_PRAGMAS):
        connection.execute(pragma)
    return connection


def _date(value: Any) -> tuple[str | None, str | None]:
    if value is None or value == "":
        return None, None
    text = str(value)
    return text, PRECISION[len(text)]


@lru_cache(maxsize=65536)
def _figure(value: Any, qualifier: str | None, low: Any, high: Any, stated: str | None) -> Figure:
    if qualifier:
        return figure_from_parts(qualifier, value=value, low=low, high=high, text=stated)
    figure = parse_figure(str(value))
    return figure if stated is None else Figure(figure.qualifier, figure.value, figure.low, figure.high, stated)


class Baseline:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        self.source_keys: dict[str, str] = {}
        self.documents: dict[str, tuple[int, str | None]] = {}
        self.texts: dict[int, str] = {}
        self.claim_pks: dict[str, int] = {}
        self.normalized: tuple[int, Any] = (0, None)
        self.next_pk = 1
        self.claims: list[tuple[Any, ...]] = []
        self.figures: list[tuple[Any, ...]] = []
        self.insert_seconds = 0.0

    # -- entities

    def entities(self, records: list[dict[str, Any]]) -> None:
        by_kind: dict[str, list[dict[str, Any]]] = {}
        for record in records:
            by_kind.setdefault(record.pop("kind"), []).append(record)
        sources = by_kind.get("source", [])
        for s in sources:
            self.source_keys[s["id"].lower()] = s["id"]
            for alias in s.get("aliases", []):
                self.source_keys[alias.lower()] = s["id"]
        rows = {
            "sources": [(s["id"], s["name"], s["source_kind"], s.get("url"), s.get("country"), s.get("description"), 1) for s in sources],
            "source_aliases": [(s["id"], a, a.lower(), 1) for s in sources for a in s.get("aliases", [])],
            "source_relations": [(s["id"], r, self.source_keys[t.lower()], 1) for s in sources for r in ("part_of", "member_of")
                                 for t in ([s[r]] if isinstance(s.get(r), str) else s.get(r, []))],
            "events": [(e["id"], e["name"], e.get("description"), *_date(e.get("start")), *_date(e.get("end")), e.get("parent"), 1)
                       for e in by_kind.get("event", [])],
            "metrics": [(m["id"], m["name"], m["unit"], m.get("description"), 1) for m in by_kind.get("metric", [])],
        }
        documents = []
        for pk, d in enumerate(by_kind.get("document", []), start=1):
            published = _date(d.get("published"))
            self.documents[d["id"]] = (pk, published[0])
            self.texts[pk] = d["text"]
            publisher = self.source_keys[d["publisher"].lower()] if d.get("publisher") else None
            documents.append((pk, d["id"], d["title"], d.get("author"), publisher, *published, d.get("url"), d.get("language"),
                              d["text"], hashlib.sha256(d["text"].encode()).hexdigest(), 1))
        rows["documents"] = documents
        sql = {
            "sources": "INSERT INTO sources (id, name, kind, url, country, description, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            "source_aliases": "INSERT INTO source_aliases (source_id, alias, alias_key, batch_id) VALUES (?, ?, ?, ?)",
            "source_relations": "INSERT INTO source_relations (source_id, relation, target_id, batch_id) VALUES (?, ?, ?, ?)",
            "events": "INSERT INTO events (id, name, description, start_date, start_precision, end_date, end_precision, parent_id, "
                      "batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            "metrics": "INSERT INTO metrics (id, name, unit, description, batch_id) VALUES (?, ?, ?, ?, ?)",
            "documents": "INSERT INTO documents (pk, id, title, author, publisher_id, published, published_precision, url, language, "
                         "text, text_sha256, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        }
        started = time.perf_counter()
        for table, statement in sql.items():
            self.db.executemany(statement, rows[table])
        self.insert_seconds += time.perf_counter() - started

    # -- claims

    def claim(self, data: dict[str, Any]) -> None:
        data.pop("kind", None)
        line = data.pop(LINE, None)
        document_id = data["document"]
        document_pk, published = self.documents[document_id]
        source_id = self.source_keys[data["source"].lower()]
        via_id = self.source_keys[data["via"].lower()] if data.get("via") else None
        claimed_on = data.get("claimed_on") or published
        quote = data["quote"]
        claim_id = data.get("id") or f"{document_id}.{source_id}.{hashlib.sha256(' '.join(quote.split()).encode()).hexdigest()[:12]}"[:200]
        if self.normalized[0] != document_pk:
            self.normalized = (document_pk, normalize(self.texts[document_pk]))
        start, end = find_quote(self.normalized[1], quote)  # type: ignore[misc]
        pk = self.next_pk
        self.next_pk += 1
        self.claim_pks[claim_id] = pk
        figures = []
        for position, f in enumerate(data.get("figures", []), start=1):
            figure = _figure(f.get("value"), f.get("qualifier"), f.get("low"), f.get("high"), f.get("stated"))
            population = f.get("population")
            row = {"metric_id": f["metric"], "population": population.lower() if population else None, "qualifier": figure.qualifier,
                   "value": figure.value, "low": figure.low, "high": figure.high, "stated": figure.text}
            figures.append(row)
            self.figures.append((pk, position, *row.values(), 1))
        status = data.get("status") or "active"
        statement = data.get("statement")
        supersedes = data.get("supersedes")
        canonical = {"id": claim_id, "document": document_id, "source": source_id, "via": via_id, "event": data.get("event"),
                     "claimed_on": claimed_on, "quote": quote, "statement": statement, "supersedes": supersedes, "status": status,
                     "figures": figures}
        content = hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        # A JSON Lines line's digest, as the importer stores it for re-imports (migration 0005).
        digest = _record_digest(line, (document_pk, published), source_id, via_id, data.get("event"),
                                [f["metric_id"] for f in figures]) if line is not None else None
        self.claims.append((pk, claim_id, source_id, document_pk, data.get("event"), via_id, claimed_on, PRECISION[len(claimed_on)],
                            quote, start, end, statement, self.claim_pks[supersedes] if supersedes else None, status, content,
                            digest, 1))
        if len(self.claims) >= 5000:
            self.flush()

    def flush(self) -> None:
        started = time.perf_counter()
        self.db.executemany(CLAIM_SQL, self.claims)
        self.db.executemany(FIGURE_SQL, self.figures)
        self.insert_seconds += time.perf_counter() - started
        self.claims, self.figures = [], []


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                if record.get("kind") == "claim":
                    record[LINE] = line
                yield record


def _csv_claims(path: Path) -> Iterator[dict[str, Any]]:
    """Claims from CSV rows: consecutive rows with the same claim_id (or claim columns) are one claim."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        current: dict[str, Any] | None = None
        key = None
        for row in reader:
            values = {k: v.strip() for k, v in row.items() if v.strip()}
            figure = {k: values.pop(k) for k in ("metric", "population", "value", "qualifier", "low", "high") if k in values}
            row_key = values.get("claim_id") or tuple(values.get(c) for c in CLAIM_COLUMNS)
            if current is not None and row_key == key:
                current["figures"].append(figure)
                continue
            if current is not None:
                yield current
            key = row_key
            current = {("id" if k == "claim_id" else k): v for k, v in values.items()}
            current["figures"] = [figure]
        if current is not None:
            yield current


FULL_TEXT = {"documents": ("title", "text"), "claims": ("quote", "statement")}


def run(db_path: Path, files: list[Path], defer_fts: bool = False) -> dict[str, float]:
    """Load ``files`` into the empty database at ``db_path``; return the seconds spent (total and inserting)."""
    started = time.perf_counter()
    connection = connect(db_path)
    connection.execute("BEGIN IMMEDIATE")
    triggers = []
    if defer_fts:
        triggers = connection.execute("SELECT name, sql FROM sqlite_master WHERE name IN ('claims_ai', 'documents_ai')").fetchall()
        for name, _ in triggers:
            connection.execute(f'DROP TRIGGER "{name}"')
    connection.execute("INSERT INTO import_batches (id, started_at, factdb_version) VALUES (1, '2026-01-01T00:00:00', 'baseline')")
    baseline = Baseline(connection)
    entity_records: list[dict[str, Any]] | None = []  # inserted when the first claim arrives
    for path in files:
        records = _csv_claims(path) if path.suffix == ".csv" else _jsonl(path)
        for record in records:
            if path.suffix != ".csv" and record["kind"] != "claim":
                assert entity_records is not None, "the baseline expects entities before claims"
                entity_records.append(record)
                continue
            if entity_records is not None:
                baseline.entities(entity_records)
                entity_records = None
            baseline.claim(record)
    if entity_records is not None:
        baseline.entities(entity_records)
    baseline.flush()
    commit_started = time.perf_counter()
    for name, sql in triggers:
        table = name.removesuffix("_ai")
        columns = ", ".join(FULL_TEXT[table])
        connection.execute(f"INSERT INTO {table}_fts (rowid, {columns}) SELECT rowid, {columns} FROM {table}")
        connection.execute(sql)
    connection.execute("COMMIT")
    baseline.insert_seconds += time.perf_counter() - commit_started
    connection.close()
    return {"seconds": time.perf_counter() - started, "insert_seconds": baseline.insert_seconds, "claims": baseline.next_pk - 1}


if __name__ == "__main__":
    arguments = sys.argv[1:]
    defer = "--defer-fts" in arguments
    arguments = [a for a in arguments if a != "--defer-fts"]
    result = run(Path(arguments[0]), [Path(p) for p in arguments[1:]], defer)
    print(json.dumps(result))
