"""Write realistic factdb import files of N claims, for the benchmarks in bench/run.py.

    python bench/generate.py --claims 100000 --out bench/data/100k

writes, in --out:

- ``entities.jsonl``: 1,000 sources (aliases, part_of / member_of relations), 10,000 events
  (some with parents), 50 metrics and N/10 documents with their full text inline;
- ``claims.jsonl`` and ``claims.csv``: the same N claims, each quoting a sentence of its document
  (curly quotes and dashes in the document, straight ones in the quote, as copy-and-paste does),
  with 1-3 figures mixing every qualifier as phrases and as explicit parts, populations, ``via``,
  statements, statuses, claims without ids, and revisions through ``supersedes``;
- ``all.yaml`` (only with ``--yaml``): everything above as one YAML file.

The output is deterministic for a given --claims and --seed, so runs can be compared.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

SOURCES = 1_000
EVENTS = 10_000
METRICS = 50
CLAIMS_PER_DOCUMENT = 10
SOURCE_KINDS = ("ngo", "intergovernmental", "government", "official", "opposition", "media", "person", "other")
POPULATIONS = ("children", "women", "protesters", "journalists", "detainees")
CSV_HEADER = ("claim_id", "document", "source", "via", "event", "claimed_on", "quote", "statement", "status",
              "supersedes", "metric", "population", "value", "qualifier", "low", "high")
PLACES = ("the capital", "the northern provinces", "the border towns", "the port city", "the southern districts",
          "the eastern valley", "three provinces", "the old quarter", "the university campus", "the industrial zone")
VERBS = ("killed", "arrested", "injured", "detained", "displaced", "missing", "executed", "evacuated")


@dataclass
class Entities:
    source_keys: list[list[str]]  # per source: its id and aliases (any of them may name it in a claim)
    event_ids: list[str]
    metric_ids: list[str]


# The words a document prints before a number, by the kind of figure _figure_phrase draws.
_PREFIXES = {2: ("about", "approximately", "some", "around", "roughly"), 3: ("nearly", "almost", "close to"),
             5: ("more than", "over", "in excess of"), 6: ("at most", "up to", "no more than"),
             7: ("fewer than", "less than", "under")}


def _figure_phrase(rng: random.Random) -> tuple[dict[str, Any], str]:
    """One figure in import form and the phrase a document would print for it."""
    n = rng.choice((rng.randint(2, 99), rng.randint(100, 9_999), rng.randint(10_000, 200_000)))
    shown = f"{n:,}" if rng.random() < 0.5 else str(n)
    kind = rng.randrange(14)
    if kind == 0:
        return {"value": shown}, shown  # exact
    if kind == 1:
        return {"qualifier": "exact", "value": n, "stated": shown}, shown
    if kind in _PREFIXES:
        phrase = f"{rng.choice(_PREFIXES[kind])} {shown}"
        return {"value": phrase}, phrase
    if kind == 4:
        phrase = rng.choice((f"at least {shown}", f"{shown}+", f"no fewer than {shown}"))
        return {"value": phrase}, phrase
    if kind in (8, 9):
        low, high = sorted((n, n + rng.randint(1, max(2, n // 2))))
        phrase = rng.choice((f"between {low:,} and {high:,}", f"{low:,} to {high:,}", f"from {low} to {high}"))
        return {"value": phrase}, phrase
    if kind == 10:
        low, high = n, n + rng.randint(1, 500)
        return {"qualifier": "range", "low": low, "high": high, "stated": f"{low}-{high}"}, f"{low}-{high}"
    if kind == 11:
        phrase = rng.choice(("several", "dozens", "hundreds", "several hundred", "thousands", "tens of thousands"))
        return {"value": phrase}, phrase
    if kind == 12:
        return {"qualifier": "vague", "value": "several thousand"}, "several thousand"
    qualifier = rng.choice(("approximately", "at_least", "at_most", "more_than", "less_than", "nearly"))
    return {"qualifier": qualifier, "value": n}, f"{qualifier.replace('_', ' ')} {shown}"


def _date(rng: random.Random, year: int) -> tuple[int, int, int]:
    return year, rng.randint(1, 12), rng.randint(1, 28)


def entities(rng: random.Random, out: TextIO, sources: int = SOURCES, events: int = EVENTS) -> Entities:
    """Write sources, events and metrics (documents come with their claims) as JSON Lines."""
    source_keys = []
    for i in range(sources):
        source_id = f"src-{i:04d}"
        aliases = [f"Source {i} Org"] + ([f"S{i}"] if i % 3 == 0 else [])
        record: dict[str, Any] = {"kind": "source", "id": source_id, "name": f"Source number {i}",
                                  "source_kind": SOURCE_KINDS[i % len(SOURCE_KINDS)], "aliases": aliases,
                                  "url": f"https://example.org/sources/{i}", "country": f"Country {i % 40}"}
        if i >= 10 and i % 7 == 0:
            record["part_of"] = f"src-{rng.randrange(i):04d}"  # earlier sources only: no cycles
        if i >= 10 and i % 11 == 0:
            record["member_of"] = f"S{3 * rng.randrange(i // 3)}"
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        source_keys.append([source_id, *aliases])
    event_ids = []
    for i in range(events):
        year, month, day = _date(rng, rng.randint(2000, 2023))
        record = {"kind": "event", "id": f"ev-{i:05d}", "name": f"Event {i} in {rng.choice(PLACES)}",
                  "start": f"{year}-{month:02d}-{day:02d}"}
        if i % 4 == 0:
            record["end"] = f"{year + 1}" if i % 8 == 0 else f"{year}-{month:02d}"
        if i >= 100 and i % 10 == 0:
            record["parent"] = f"ev-{rng.randrange(i):05d}"
        if i % 5 == 0:
            record["description"] = f"Reported events number {i}, as covered by several outlets."
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        event_ids.append(record["id"])
    metric_ids = []
    for i in range(METRICS):
        metric_id = f"{VERBS[i % len(VERBS)]}-{i}"
        out.write(json.dumps({"kind": "metric", "id": metric_id, "name": f"People {VERBS[i % len(VERBS)]} ({i})",
                              "unit": "people"}) + "\n")
        metric_ids.append(metric_id)
    return Entities(source_keys, event_ids, metric_ids)


def _curly(sentence: str) -> str:
    """How the archived page prints a sentence that a claim quotes with straight marks."""
    return sentence.replace(' "', " \u201c").replace('" ', "\u201d ").replace(" - ", " \u2014 ")


def _claim(rng: random.Random, ents: Entities, k: int, number: int, document_id: str, published: str,
           last_claim: dict[int, tuple[str, str, str]]) -> tuple[dict[str, Any], str]:
    """One claim of a document, and the sentence of the document's text that it quotes."""
    s = rng.randrange(len(ents.source_keys))
    figures, phrases = [], []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        figure, phrase = _figure_phrase(rng)
        figure = {"metric": rng.choice(ents.metric_ids), **figure}
        if rng.random() < 0.2:
            figure["population"] = rng.choice(POPULATIONS)
        figures.append(figure)
        phrases.append(phrase)
    place = rng.choice(PLACES)
    quote = (f'Source {s} said "{phrases[0]}" people were {VERBS[k % len(VERBS)]} in {place} - '
             + ", ".join(f"and {p} more" for p in phrases[1:]) + f" (report {number}).")
    claim: dict[str, Any] = {"id": f"c-{number:07d}", "document": document_id,
                             "source": rng.choice(ents.source_keys[s]), "event": rng.choice(ents.event_ids),
                             "quote": quote, "figures": figures}
    if rng.random() < 0.1:
        del claim["id"]  # derived from document, source and quote
    claimed_on = published
    if rng.random() < 0.3:
        claimed_on = published[:7] if rng.random() < 0.5 else published
        claim["claimed_on"] = claimed_on
    if rng.random() < 0.1:
        claim["via"] = ents.source_keys[(s + 1 + rng.randrange(len(ents.source_keys) - 1)) % len(ents.source_keys)][0]
    if rng.random() < 0.2:
        claim["statement"] = f"Source {s} reports {phrases[0]} people {VERBS[k % len(VERBS)]} in {place}."
    if rng.random() < 0.05:
        claim["status"] = rng.choice(("retracted", "disputed"))
    previous = last_claim.get(s)
    if previous is not None and rng.random() < 0.5 and previous[1][: len(claimed_on)] <= claimed_on:
        claim["supersedes"] = previous[0]
        claim["event"] = previous[2]  # a revision is about the event of the claim it revises
    if "id" in claim:
        last_claim[s] = (claim["id"], claimed_on, claim["event"])
    return claim, _curly(quote)


def documents_and_claims(rng: random.Random, claims: int, ents: Entities,
                         claims_per_document: int = CLAIMS_PER_DOCUMENT) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Yield each document with its claims; revisions supersede an earlier claim of the same source."""
    documents = max(1, claims // claims_per_document)
    last_claim: dict[int, tuple[str, str, str]] = {}  # source index -> (claim id, claimed_on, event)
    number = 0
    for d in range(documents):
        # Documents are published in date order, as bulletins are, so revisions come later.
        day = 1 + d * 3650 // documents
        year, day_of_year = 2014 + day // 365, day % 365
        published = f"{year}-{1 + day_of_year // 31 % 12:02d}-{1 + day_of_year % 28:02d}"
        count = min(claims_per_document, claims - number) if d < documents - 1 else claims - number
        sentences, document_claims = [], []
        for k in range(count):
            number += 1
            claim, sentence = _claim(rng, ents, k, number, f"doc-{d:06d}", published, last_claim)
            sentences.append(sentence)
            document_claims.append(claim)
        filler = f"Reporting from {rng.choice(PLACES)}, day {d}. Figures could not be independently verified."
        text = filler + "\n\n" + "\n".join(f"{sentence}  Officials declined to comment on item {i}."
                                           for i, sentence in enumerate(sentences)) + "\n"
        document = {"id": f"doc-{d:06d}", "title": f"Bulletin {d}", "publisher": rng.choice(ents.source_keys[d % len(ents.source_keys)]),
                    "published": published, "url": f"https://example.org/bulletins/{d}", "language": "en", "text": text}
        if d % 3 == 0:
            document["author"] = f"Reporter {d % 97}"
        yield document, document_claims


def _csv_rows(claim: dict[str, Any]) -> Iterator[list[str]]:
    base = {"claim_id": claim.get("id", ""), **{k: claim.get(k, "") for k in CSV_HEADER[1:10]}}
    for figure in claim["figures"]:
        row = {**base, **{k: figure.get(k, "") for k in ("metric", "population", "value", "qualifier", "low", "high")}}
        if "stated" in figure and "value" in figure:  # CSV has no 'stated' column: the explicit number carries the figure
            row["value"] = figure["value"]
        yield [str(row[c]) for c in CSV_HEADER]


def _yaml_scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def _yaml_item(record: dict[str, Any], out: TextIO) -> None:
    first = True
    for key, value in record.items():
        lead = "  - " if first else "    "
        first = False
        if key == "text":
            out.write(f"{lead}text: |\n" + "".join(f"      {line}\n" if line else "\n" for line in value.rstrip("\n").split("\n")))
        elif key == "figures":
            out.write(f"{lead}figures:\n")
            for figure in value:
                out.write("      - {" + ", ".join(f"{k}: {_yaml_scalar(v)}" for k, v in figure.items()) + "}\n")
        elif isinstance(value, list):
            out.write(f"{lead}{key}: [{', '.join(_yaml_scalar(v) for v in value)}]\n")
        else:
            out.write(f"{lead}{key}: {_yaml_scalar(value)}\n")


def generate(claims: int, out_dir: Path, *, seed: int = 1, with_yaml: bool = False, sources: int = SOURCES,
             events: int = EVENTS, claims_per_document: int = CLAIMS_PER_DOCUMENT, shuffled: bool = False) -> dict[str, Path]:
    """Write the import files for ``claims`` claims into ``out_dir``; return them by name.

    ``sources`` and ``events`` default to the benchmark's 1,000 and 10,000; tests use fewer.
    ``claims_per_document`` sets the documents' length too (each claim quotes a sentence of about
    100 characters). ``shuffled`` also writes ``claims-shuffled.jsonl``: the same lines in random
    order, as a file sorted by date or by source would jump between documents.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = {"entities": out_dir / "entities.jsonl", "jsonl": out_dir / "claims.jsonl", "csv": out_dir / "claims.csv"}
    with (paths["entities"].open("w", encoding="utf-8") as ent_out, paths["jsonl"].open("w", encoding="utf-8") as jsonl_out,
          paths["csv"].open("w", encoding="utf-8", newline="") as csv_out):
        ents = entities(rng, ent_out, sources, events)
        writer = csv.writer(csv_out)
        writer.writerow(CSV_HEADER)
        for document, document_claims in documents_and_claims(rng, claims, ents, claims_per_document):
            ent_out.write(json.dumps({"kind": "document", **document}, ensure_ascii=False) + "\n")
            for claim in document_claims:
                jsonl_out.write(json.dumps({"kind": "claim", **claim}, ensure_ascii=False) + "\n")
                writer.writerows(_csv_rows(claim))
    if with_yaml:
        paths["yaml"] = out_dir / "all.yaml"
        _write_yaml(paths, paths["yaml"])
    if shuffled:
        lines = paths["jsonl"].read_text(encoding="utf-8").splitlines(keepends=True)
        random.Random(seed).shuffle(lines)
        paths["shuffled"] = out_dir / "claims-shuffled.jsonl"
        paths["shuffled"].write_text("".join(lines), encoding="utf-8")
    return paths


def _write_yaml(paths: dict[str, Path], target: Path) -> None:
    """The same records as one YAML file, block style, the way people write import files by hand."""
    with target.open("w", encoding="utf-8") as out:
        for section, kind, source in (("sources", "source", "entities"), ("events", "event", "entities"),
                                      ("metrics", "metric", "entities"), ("documents", "document", "entities"),
                                      ("claims", "claim", "jsonl")):
            out.write(f"{section}:\n")
            with paths[source].open(encoding="utf-8") as lines:
                for line in lines:
                    record = json.loads(line)
                    if record.pop("kind") != kind:
                        continue
                    if "source_kind" in record:
                        record["kind"] = record.pop("source_kind")
                    _yaml_item(record, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--yaml", action="store_true", help="also write all.yaml")
    parser.add_argument("--claims-per-document", type=int, default=CLAIMS_PER_DOCUMENT)
    parser.add_argument("--shuffled", action="store_true", help="also write claims-shuffled.jsonl, the claims in random order")
    args = parser.parse_args(argv)
    for name, path in generate(args.claims, args.out, seed=args.seed, with_yaml=args.yaml,
                               claims_per_document=args.claims_per_document, shuffled=args.shuffled).items():
        print(f"{name}: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
