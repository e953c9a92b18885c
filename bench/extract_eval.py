"""Measure `factdb extract` against hand-labelled articles: precision and recall of
(source, metric, figure) triples, per article and overall, plus the seed article.

    python bench/extract_eval.py            # the table
    python bench/extract_eval.py --show     # also every miss and every false proposal
    python bench/extract_eval.py --json     # machine-readable

Each article ``bench/extract_eval/NN-name.txt`` has labels in ``NN-name.yaml``:

    sources:                      # label key -> names that identify the source
      khrm: [Karsia Human Rights Monitor]
    claims:
      - {source: khrm, metric: killed, figure: at least 41, population: children}

``source: author`` is the article's own voice (unattributed statements). A proposed triple
matches a label when the metric is the same, the figure means the same (both are read with
``parse_figure``: qualifier, value, low, high) and the proposed source's name, id or an alias
is one of the label's names (compared case- and article-insensitively). Each label matches at
most one proposal; proposals repeating the same triple count once. Population is not part of
the triple; how often it agrees on matched triples is reported separately.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from factdb.extract import Catalog, Draft, KnownSource, extract, name_key
from factdb.figures import Figure, FigureError, figure_from_parts, parse_figure

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "extract_eval"
SEED_YAML = HERE.parent / "seeds" / "iran-resolution-follow-ups-2020.yaml"
AUTHOR = "author"

FigureKey = tuple[str, float | None, float | None, float | None]


@dataclass(frozen=True)
class Triple:
    names: frozenset[str]  # name keys that identify the source
    metric: str
    figure: FigureKey
    population: str | None
    label: str  # for display


@dataclass
class Score:
    name: str
    labels: int = 0
    proposed: int = 0
    matched: int = 0
    population_agrees: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # labels parse_figure cannot read: not scored

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.labels if self.labels else 1.0

    def add(self, other: Score) -> None:
        self.labels += other.labels
        self.proposed += other.proposed
        self.matched += other.matched
        self.population_agrees += other.population_agrees


def figure_key(figure: Figure) -> FigureKey:
    return (figure.qualifier, figure.value, figure.low, figure.high)


def proposed_triples(draft: Draft) -> list[Triple]:
    names = {s.id: {name_key(n) for n in (s.id, s.name, *s.aliases)} for s in draft.sources}
    seen: set[tuple[str, str, FigureKey]] = set()
    triples = []
    for claim in draft.claims:
        source_names = set(names.get(claim.source, {name_key(claim.source)}))
        if claim.source == draft.voice:
            source_names.add(AUTHOR)
        for figure in claim.figures:
            key = (claim.source, figure.metric, figure_key(figure.figure))
            if key in seen:
                continue
            seen.add(key)
            label = f"{claim.source} {figure.metric} {figure.stated!r}"
            triples.append(Triple(frozenset(source_names), figure.metric, key[2], figure.population, label))
    return triples


def labelled_triples(labels: dict) -> tuple[list[Triple], list[str]]:
    """The labels as triples, and the labels whose figure the parser cannot read ("a few dozen")."""
    sources = {key: {name_key(n) for n in [key, *names]} for key, names in (labels.get("sources") or {}).items()}
    triples, unreadable = [], []
    for claim in labels.get("claims") or []:
        key = claim["source"]
        names = {AUTHOR} if key == AUTHOR else sources[key]
        label = f"{key} {claim['metric']} {claim['figure']!r}"
        try:
            figure = parse_figure(str(claim["figure"]))
        except FigureError:
            unreadable.append(label)
            continue
        triples.append(Triple(frozenset(names), claim["metric"], figure_key(figure), claim.get("population"), label))
    return triples, unreadable


def score(name: str, proposed: list[Triple], expected: list[Triple]) -> Score:
    result = Score(name, labels=len(expected), proposed=len(proposed))
    unmatched = list(proposed)
    for want in expected:
        match = next((p for p in unmatched if p.metric == want.metric and p.figure == want.figure and p.names & want.names), None)
        if match is None:
            result.misses.append(want.label)
            continue
        unmatched.remove(match)
        result.matched += 1
        result.population_agrees += (match.population or None) == (want.population or None)
    result.false = [p.label for p in unmatched]
    return result


def evaluate_article(text_path: Path) -> Score:
    labels = yaml.safe_load(text_path.with_suffix(".yaml").read_text(encoding="utf-8"))
    draft = extract(text_path.read_text(encoding="utf-8"), document_id=text_path.stem, text_file=text_path.name)
    expected, unreadable = labelled_triples(labels)
    result = score(text_path.stem, proposed_triples(draft), expected)
    result.unreadable = unreadable
    return result


def seed_labels(seed: dict) -> tuple[list[Triple], list[str]]:
    """The seed YAML's claims as labels; ordinals ("67th") are not figures for the extractor."""
    names = {s["id"]: {name_key(n) for n in (s["id"], s["name"], *(s.get("aliases") or []))} for s in seed["sources"]}
    author = next(s["id"] for s in seed["sources"] if s["name"] == seed["documents"][0].get("author"))
    triples, skipped = [], []
    for claim in seed["claims"]:
        for item in claim.get("figures") or []:
            value = str(item.get("value"))
            if value.rstrip().endswith(("st", "nd", "rd", "th")) and value[:1].isdigit():
                skipped.append(f"{claim['source']} {item['metric']} {value!r} (an ordinal)")
                continue
            if item.get("qualifier"):
                figure = figure_from_parts(item["qualifier"], value=item.get("value"), low=item.get("low"), high=item.get("high"))
            else:
                figure = parse_figure(value)
            source_names = set(names[claim["source"]]) | ({AUTHOR} if claim["source"] == author else set())
            label = f"{claim['source']} {item['metric']} {value!r}"
            triples.append(Triple(frozenset(source_names), item["metric"], figure_key(figure), item.get("population"), label))
    return triples, skipped


def evaluate_seed(*, known: bool) -> tuple[Score, list[str]]:
    seed = yaml.safe_load(SEED_YAML.read_text(encoding="utf-8"))
    document = seed["documents"][0]
    text_path = SEED_YAML.parent / document["text_file"]
    catalog = Catalog()
    if known:
        catalog = Catalog(
            tuple(KnownSource(s["id"], s["name"], s["kind"], tuple(s.get("aliases") or [])) for s in seed["sources"]),
            frozenset(m["id"] for m in seed["metrics"]),
        )
    draft = extract(text_path.read_text(encoding="utf-8"), document_id=document["id"], text_file=document["text_file"],
                    catalog=catalog)
    expected, skipped = seed_labels(seed)
    name = "seed article, its sources in --db" if known else "seed article, empty database"
    return score(name, proposed_triples(draft), expected), skipped


def evaluate(folder: Path = ARTICLES, label: str = "overall") -> tuple[list[Score], Score]:
    scores = [evaluate_article(path) for path in sorted(folder.glob("*.txt"))]
    total = Score(f"{label} ({len(scores)} articles)")
    for item in scores:
        total.add(item)
        total.unreadable += item.unreadable
    return scores, total


def _row(item: Score) -> str:
    return (f"{item.name:<40} {item.labels:>6} {item.proposed:>8} {item.matched:>7} "
            f"{item.precision:>9.2f} {item.recall:>6.2f}")


def article_sets() -> list[tuple[str, Path]]:
    """The development set (the rules were written against it) and the held-out batches, each
    written after a round of rules; see docs/extract.md for their scores on first contact."""
    held_out = sorted(p for p in ARTICLES.glob("held-out-*") if p.is_dir())
    return [("development set", ARTICLES), *((f"{p.name} batch", p) for p in held_out)]


def evaluate_all() -> tuple[list[tuple[list[Score], Score]], Score, list[tuple[Score, list[str]]]]:
    groups = [evaluate(folder, name) for name, folder in article_sets()]
    overall = Score(f"all articles ({sum(len(scores) for scores, _ in groups)})")
    for _, total in groups:
        overall.add(total)
        overall.unreadable += total.unreadable
    return groups, overall, [evaluate_seed(known=False), evaluate_seed(known=True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="list every miss and false proposal")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    groups, overall, seeds = evaluate_all()
    everything = [item for scores, total in groups for item in (*scores, total)] + [overall, *(s for s, _ in seeds)]
    if args.json:
        print(json.dumps([{"name": s.name, "labels": s.labels, "proposed": s.proposed, "matched": s.matched,
                           "precision": round(s.precision, 3), "recall": round(s.recall, 3),
                           "misses": s.misses, "false": s.false, "not_scored": s.unreadable} for s in everything],
                         indent=2))
        return 0
    print(f"{'article':<40} {'labels':>6} {'proposed':>8} {'matched':>7} {'precision':>9} {'recall':>6}")
    for scores, total in groups:
        for item in scores:
            print(_row(item))
        print(_row(total))
        print()
    print(_row(overall))
    agree = overall.population_agrees / overall.matched if overall.matched else 1.0
    print(f"population agrees on {overall.population_agrees} of {overall.matched} matched triples ({agree:.2f})")
    if overall.unreadable:
        print(f"not scored, the figure parser cannot read them: {'; '.join(overall.unreadable)}")
    print()
    for seed_score, _skipped in seeds:
        print(_row(seed_score))
    if seeds[0][1]:
        print(f"  not scored: {'; '.join(seeds[0][1])}")
    if args.show:
        for item in everything:
            if item.misses or item.false:
                print(f"\n{item.name}")
                for miss in item.misses:
                    print(f"  missed:   {miss}")
                for wrong in item.false:
                    print(f"  proposed: {wrong}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
