"""Train the attribution ranker (factdb/attribution.py) on the labelled articles, and measure it by leaving one
held-out batch out at a time.

    python bench/extract_train.py                       # leave-one-batch-out table: rules vs the ranker
    python bench/extract_train.py --only-without-cue    # the ranker only where no cue of the rules governs

Training data: the development articles and the held-out batches already scored once (their folders hold
``SCORED``), named in ``TRAINING_BATCHES``; a batch not yet scored is never read. Every figure the extractor
proposes whose figure a label gives is one example: its candidate sources (see ``factdb.extract``), the right
ones being those that name the labelled source. Deterministic: the same articles give the same weights.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import extract_eval as bench  # noqa: E402

from factdb.attribution import Example, Ranker, train  # noqa: E402
from factdb.extract import Attribution, Draft, ProposedSource, SourceCandidate, extract, name_key  # noqa: E402

TRAINING_BATCHES = ("held-out-1", "held-out-2", "held-out-3", "held-out-13", "held-out-14", "held-out-15",
                    "held-out-16")
LEFT_OUT = ("held-out-13", "held-out-14", "held-out-15", "held-out-16")  # the last four: leave-one-batch-out
DEVELOPMENT = "development"


def batch_folder(batch: str) -> Path:
    if batch == DEVELOPMENT:
        return bench.ARTICLES
    folder = bench.ARTICLES / batch
    if not bench.is_scored(folder):
        raise SystemExit(f"{folder} has no {bench.SCORED_MARKER}: a batch not yet scored is not training data")
    return folder


def articles(batch: str) -> list[Path]:
    return sorted(batch_folder(batch).glob("*.txt"))


def _draft(path: Path, attribution: Attribution) -> Draft:
    return extract(path.read_text(encoding="utf-8"), document_id=path.stem, text_file=path.name,
                   attribution=attribution)


def _names(candidate: SourceCandidate, draft: Draft) -> set[str]:
    source: ProposedSource | None = candidate.source
    if source is None:
        return {name_key(candidate.name)}
    names = {name_key(n) for n in (source.id, source.name, *source.aliases)}
    return names | ({bench.AUTHOR} if source.id == draft.voice else set())


def examples_of(path: Path) -> list[Example]:
    """The article's proposed figures that a label gives, each with its candidates and which are right."""
    labels = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
    expected, _ = bench.labelled_triples(labels)
    draft = _draft(path, Attribution(keep_candidates=True))
    examples = []
    for claim in draft.claims:
        for figure in claim.figures:
            key = bench.figure_key(figure.figure)
            wanted = [t for t in expected if t.figure == key]
            wanted = [t for t in wanted if t.metric == figure.metric] or wanted
            if not wanted or not figure.candidates:
                continue
            right_names = set().union(*(t.names for t in wanted))
            chosen = next((i for i, c in enumerate(figure.candidates) if c.source is not None
                           and c.source.id == claim.source), None)
            examples.append(Example(tuple(dict(c.features) for c in figure.candidates),
                                    tuple(bool(_names(c, draft) & right_names) for c in figure.candidates), chosen))
    return examples


def collect(batches: tuple[str, ...]) -> dict[str, list[Example]]:
    return {batch: [e for path in articles(batch) for e in examples_of(path)] for batch in batches}


def fit(examples: dict[str, list[Example]], leave_out: str | None = None) -> Ranker:
    return train([e for batch in sorted(examples) if batch != leave_out for e in examples[batch]])


def score_batch(batch: str, attribution: Attribution) -> bench.Score:
    total = bench.Score(batch)
    for path in articles(batch):
        labels = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
        expected, _ = bench.labelled_triples(labels)
        total.add(bench.score(path.stem, bench.proposed_triples(_draft(path, attribution)), expected))
    return total


def _row(name: str, rules: bench.Score, ranked: bench.Score) -> str:
    cells = [f"{s.precision:.2f} {s.recall:.2f} {s.figure_recall:.2f} {s.source_accuracy:.2f} ({s.sources_right:>3})"
             for s in (rules, ranked)]
    return f"{name:<14} {rules.labels:>6}   {cells[0]}   {cells[1]}"


HEADER = (f"{'batch':<14} {'labels':>6}   {'rules: P    R    fig  src (right)':<30}   "
          f"{'ranker: P   R    fig  src (right)'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only-without-cue", action="store_true",
                        help="let the ranker choose only where no cue of the rules governs the figure")
    parser.add_argument("--threshold", type=float, default=0.0,
                        help="let the ranker overrule the rules only with at least this probability")
    parser.add_argument("--features", type=int, default=15, help="how many of the strongest weights to print")
    args = parser.parse_args(argv)

    def with_ranker(ranker: Ranker) -> Attribution:
        return Attribution(ranker, only_without_cue=args.only_without_cue, threshold=args.threshold)

    examples = collect((DEVELOPMENT, *TRAINING_BATCHES))
    informative = sum(1 for b in examples.values() for e in b if any(e.right) and not all(e.right))
    print(f"figures with a labelled figure: {sum(len(b) for b in examples.values())}; with a right candidate among "
          f"wrong ones (training examples): {informative}; with no right candidate: "
          f"{sum(1 for b in examples.values() for e in b if not any(e.right))}")
    print("the draft's source wrong (of them, the right one among the candidates), per set:")
    for batch, found in examples.items():
        wrong = [e for e in found if e.chosen is None or not e.right[e.chosen]]
        print(f"  {batch:<14} {len(found):>4} figures, {len(wrong):>3} wrong ({sum(any(e.right) for e in wrong)})")
    everything = fit(examples)
    print("\nleave one batch out (trained on every other scored set):")
    print(HEADER)
    totals = [bench.Score("rules"), bench.Score("ranker")]
    for batch in LEFT_OUT:
        rules, ranked = score_batch(batch, Attribution()), score_batch(batch, with_ranker(fit(examples, batch)))
        totals[0].add(rules)
        totals[1].add(ranked)
        print(_row(batch, rules, ranked))
    print(_row("pooled", *totals))
    print("\ntrained on all (in-sample):")
    totals = [bench.Score("rules"), bench.Score("ranker")]
    for batch in (DEVELOPMENT, *TRAINING_BATCHES):
        rules, ranked = score_batch(batch, Attribution()), score_batch(batch, with_ranker(everything))
        totals[0].add(rules)
        totals[1].add(ranked)
        if batch in (DEVELOPMENT, *LEFT_OUT):
            print(_row(batch, rules, ranked))
    print(_row("all scored", *totals))
    print("\nstrongest weights (trained on all):")
    for name, weight in everything.strongest(args.features):
        print(f"  {weight:+.2f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
