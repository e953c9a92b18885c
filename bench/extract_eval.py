"""Measure `factdb extract` against hand-labelled articles: precision and recall of
(source, metric, figure) triples, per article and overall, plus the seed article.

    python bench/extract_eval.py            # the table
    python bench/extract_eval.py --show     # also every miss and every false proposal
    python bench/extract_eval.py --json     # machine-readable
    python bench/extract_eval.py --set held-out-10  # one set only (score a held-out batch once per change)

A held-out batch is scored by no default run and no test until it is named with ``--set`` once:
that first scoring writes ``SCORED`` (with the score) into its folder, and from then on it is seen.

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

Besides precision and recall of whole triples, each label is asked two looser questions:
*figure found* (some proposal has the same figure, whatever its metric or source) and *source
right* (some proposal with that figure names the labelled source). Every label's YAML names its
article ``style`` (wire, ngo, un, government, liveblog, ...); scores are given per style, and every
miss is sorted into a kind (figure not found, wrong source, wrong metric) for the summary of the
most common misses.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from factdb.extract import Catalog, Draft, KnownSource, extract, name_key
from factdb.figures import Figure, FigureError, figure_from_parts, parse_figure

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "extract_eval"
SEED_YAML = HERE.parent / "seeds" / "iran-resolution-follow-ups-2020.yaml"
AUTHOR = "author"
SCORED_MARKER = "SCORED"  # in a held-out folder once its one first-contact scoring has been run

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
    figures_found: int = 0
    sources_right: int = 0
    style: str = "unlabelled"
    misses: list[str] = field(default_factory=list)
    miss_kinds: list[str] = field(default_factory=list)
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
        self.figures_found += other.figures_found
        self.sources_right += other.sources_right
        self.miss_kinds += other.miss_kinds

    @property
    def figure_recall(self) -> float:
        return self.figures_found / self.labels if self.labels else 1.0

    @property
    def source_accuracy(self) -> float:
        return self.sources_right / self.labels if self.labels else 1.0


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


LABEL_FIELDS = frozenset({"source", "metric", "figure", "population"})


class LabelError(ValueError):
    """A label file that cannot be scored as written: which claim, what is wrong, how to fix it."""


def _check_label(number: int, claim: object, sources: dict[str, set[str]]) -> dict:
    if not isinstance(claim, dict):
        raise LabelError(f"claim {number + 1}: expected a mapping of source, metric, figure (and population); found {claim!r}")
    unknown = [str(key) for key in claim if key not in LABEL_FIELDS]
    if unknown:
        # In a flow mapping a comma ends the value: {figure: more than 240,000} is "more than 240" and a key "000".
        raise LabelError(f"claim {number + 1} ({claim.get('source')} {claim.get('metric')} {claim.get('figure')!r}): unknown "
                         f"field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; expected only "
                         f"{', '.join(sorted(LABEL_FIELDS))}. A figure with a comma inside {{...}} must be quoted: "
                         f'figure: "more than 240,000"')
    missing = [field for field in ("source", "metric", "figure") if claim.get(field) in (None, "")]
    if missing:
        raise LabelError(f"claim {number + 1}: {', '.join(missing)} missing; every label gives source, metric and figure")
    if claim["source"] != AUTHOR and claim["source"] not in sources:
        raise LabelError(f"claim {number + 1}: source {claim['source']!r} is not a key of 'sources'; add it there with the "
                         f"names that identify it, or use {AUTHOR!r} for the text's own voice")
    return claim


def labelled_triples(labels: dict) -> tuple[list[Triple], list[str]]:
    """The labels as triples, and the labels whose figure the parser cannot read ("a few dozen").

    Raises LabelError for a label that cannot be scored as written (an unknown field, a missing one,
    a source with no names), rather than scoring what YAML made of it.
    """
    sources = {key: {name_key(n) for n in [key, *names]} for key, names in (labels.get("sources") or {}).items()}
    triples, unreadable = [], []
    for number, item in enumerate(labels.get("claims") or []):
        claim = _check_label(number, item, sources)
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
        same_figure = [p for p in proposed if p.figure == want.figure]
        result.figures_found += bool(same_figure)
        result.sources_right += any(p.names & want.names for p in same_figure)
        match = next((p for p in unmatched if p.metric == want.metric and p.figure == want.figure and p.names & want.names), None)
        if match is None:
            result.misses.append(want.label)
            if not same_figure:
                kind = "figure not found"
            elif not any(p.names & want.names for p in same_figure):
                kind = "wrong source"
            else:
                kind = "wrong metric"
            result.miss_kinds.append(f"{kind} ({want.metric})")
            continue
        unmatched.remove(match)
        result.matched += 1
        result.population_agrees += (match.population or None) == (want.population or None)
    result.false = [p.label for p in unmatched]
    return result


def evaluate_article(text_path: Path) -> Score:
    label_path = text_path.with_suffix(".yaml")
    labels = yaml.safe_load(label_path.read_text(encoding="utf-8"))
    try:
        expected, unreadable = labelled_triples(labels)
    except LabelError as error:
        raise LabelError(f"{label_path}: {error}") from None
    draft = extract(text_path.read_text(encoding="utf-8"), document_id=text_path.stem, text_file=text_path.name)
    result = score(text_path.stem, proposed_triples(draft), expected)
    result.unreadable = unreadable
    result.style = str(labels.get("style") or "unlabelled")
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


def by_style(scores: list[Score], label: str) -> list[Score]:
    styles: dict[str, Score] = {}
    for item in scores:
        total = styles.setdefault(item.style, Score(f"  {label} {item.style}"))
        total.add(item)
    return [styles[name] for name in sorted(styles)]


HEADER = (f"{'article':<40} {'labels':>6} {'proposed':>8} {'matched':>7} {'precision':>9} {'recall':>6} "
          f"{'figures':>7} {'source':>6}")


def _row(item: Score) -> str:
    return (f"{item.name:<40} {item.labels:>6} {item.proposed:>8} {item.matched:>7} "
            f"{item.precision:>9.2f} {item.recall:>6.2f} {item.figure_recall:>7.2f} {item.source_accuracy:>6.2f}")


def is_scored(folder: Path) -> bool:
    return (folder / SCORED_MARKER).is_file()


def article_sets(root: Path | None = None, *, unscored: str | None = None) -> list[tuple[str, Path]]:
    """The held-out batches already scored once (newest first), then the development set the
    rules were written against; docs/extract.md gives their scores. A batch without its
    ``SCORED`` marker has not had its one scoring yet: it is left out, so that no test or
    default run reads its score early, unless it is named in ``unscored``."""
    root = root or ARTICLES
    held_out = sorted((p for p in root.glob("held-out-*") if p.is_dir() and (is_scored(p) or p.name == unscored)),
                      key=lambda p: int(p.name.rsplit("-", 1)[1]), reverse=True)
    return [*((f"{p.name} batch", p) for p in held_out), ("development set", root)]


def mark_scored(folder: Path, total: Score) -> None:
    """Record a held-out batch's first scoring in its folder; from then on it is seen."""
    (folder / SCORED_MARKER).write_text(
        f"Scored once on {date.today().isoformat()} (first contact):\n{HEADER}\n{_row(total)}\n", encoding="utf-8")


def evaluate_all(only: str | None = None, root: Path | None = None) -> tuple[list[tuple[list[Score], Score]], Score,
                                                                        list[tuple[Score, list[str]]]]:
    root = root or ARTICLES
    groups = [evaluate(folder, name) for name, folder in article_sets(root, unscored=only)
              if only is None or folder.name == only or (only == "development" and folder == root)]
    overall = Score(f"all articles ({sum(len(scores) for scores, _ in groups)})")
    for _, total in groups:
        overall.add(total)
        overall.unreadable += total.unreadable
    return groups, overall, [evaluate_seed(known=False), evaluate_seed(known=True)]


def print_json(everything: list[Score]) -> None:
    print(json.dumps([{"name": s.name, "style": s.style, "labels": s.labels, "proposed": s.proposed,
                       "matched": s.matched, "precision": round(s.precision, 3), "recall": round(s.recall, 3),
                       "figure_recall": round(s.figure_recall, 3), "source_accuracy": round(s.source_accuracy, 3),
                       "misses": s.misses, "miss_kinds": s.miss_kinds, "false": s.false, "not_scored": s.unreadable}
                      for s in everything], indent=2))


def print_table(groups: list[tuple[list[Score], Score]], overall: Score, seeds: list[tuple[Score, list[str]]]) -> None:
    print(HEADER)
    for scores, total in groups:
        for item in scores:
            print(_row(item))
        print(_row(total))
        for style in by_style(scores, "style"):
            print(_row(style))
        print()
    print(_row(overall))
    for style in by_style([item for scores, _ in groups for item in scores], "all,"):
        print(_row(style))
    agree = overall.population_agrees / overall.matched if overall.matched else 1.0
    print(f"population agrees on {overall.population_agrees} of {overall.matched} matched triples ({agree:.2f})")
    if overall.unreadable:
        print(f"not scored, the figure parser cannot read them: {'; '.join(overall.unreadable)}")
    print("\nmost common misses:")
    for kind, count in Counter(overall.miss_kinds).most_common(10):
        print(f"  {count:>3}  {kind}")
    print()
    for seed_score, _skipped in seeds:
        print(_row(seed_score))
    if seeds[0][1]:
        print(f"  not scored: {'; '.join(seeds[0][1])}")


def print_misses(everything: list[Score]) -> None:
    for item in everything:
        if item.misses or item.false:
            print(f"\n{item.name}")
            for miss in item.misses:
                print(f"  missed:   {miss}")
            for wrong in item.false:
                print(f"  proposed: {wrong}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="list every miss and false proposal")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--set", dest="only", metavar="NAME",
                        help="score one set only: a held-out folder name (held-out-10) or 'development'; "
                             "a batch not yet scored is scored and marked SCORED")
    args = parser.parse_args(argv)
    try:
        return _run(parser, args)
    except LabelError as error:
        print(f"error: {error}\nNothing was scored.", file=sys.stderr)
        return 2


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    first_contact = None
    if args.only and args.only != "development":
        folder = ARTICLES / args.only
        if not folder.is_dir():
            parser.error(f"no set {args.only!r}: name a folder under {ARTICLES} or 'development'")
        first_contact = None if is_scored(folder) else folder
    groups, overall, seeds = evaluate_all(args.only)
    if first_contact is not None:
        mark_scored(first_contact, groups[0][1])
        print(f"{first_contact.name} scored for the first time; {SCORED_MARKER} written, it is now seen", file=sys.stderr)
    everything = [item for scores, total in groups for item in (*scores, total)] + [overall, *(s for s, _ in seeds)]
    if args.json:
        print_json(everything)
        return 0
    print_table(groups, overall, seeds)
    if args.show:
        print_misses(everything)
    return 0


if __name__ == "__main__":
    sys.exit(main())
