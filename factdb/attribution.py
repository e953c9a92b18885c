"""A learned choice among the sources a figure could be given to.

``factdb.extract`` reads every source a figure could belong to (the speakers its cues name, the speaker of the
sentence before, the text's own voice, names in the same sentence, ...) and describes each with a few yes/no
features. A :class:`Ranker` scores each candidate as the sum of its features' weights and gives the figure the
candidate with the highest score; the probability it reports is the softmax over the candidates (a conditional
logit). The weights are learned by :func:`train` from the labelled articles (``bench/extract_train.py``).
Pure Python: no dependency beyond the standard library.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Features = Mapping[str, float]


@dataclass(frozen=True)
class Ranker:
    weights: Mapping[str, float]

    def score(self, features: Features) -> float:
        return sum(self.weights.get(name, 0.0) * value for name, value in features.items())

    def probabilities(self, candidates: Sequence[Features]) -> list[float]:
        scores = [self.score(f) for f in candidates]
        top = max(scores, default=0.0)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def best(self, candidates: Sequence[Features]) -> tuple[int, float]:
        """The index of the highest-scoring candidate (the first of equals) and its probability."""
        if not candidates:
            raise ValueError("no candidates to rank")
        probabilities = self.probabilities(candidates)
        index = max(range(len(candidates)), key=lambda i: (probabilities[i], -i))
        return index, probabilities[index]

    def strongest(self, count: int = 10) -> list[tuple[str, float]]:
        return sorted(self.weights.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:count]

    def to_json(self) -> str:
        return json.dumps({"model": "conditional logit over source candidates",
                           "weights": dict(sorted(self.weights.items()))}, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Ranker:
        data = json.loads(text)
        return cls({str(k): float(v) for k, v in data["weights"].items()})


@dataclass(frozen=True)
class Example:
    """One figure: its candidates' features, and which candidates name a labelled source."""

    candidates: tuple[Features, ...]
    right: tuple[bool, ...]
    chosen: int | None = None  # the candidate the rules chose, for reporting how often they are right


def train(examples: Sequence[Example], *, iterations: int = 300, rate: float = 0.5, l2: float = 0.001,
          digits: int = 4) -> Ranker:
    """Fit the weights by full-batch gradient ascent on the conditional log-likelihood of the right candidates
    (a figure with several right candidates counts their total probability), with an L2 penalty. Deterministic:
    examples and features are visited in a fixed order, and the weights are rounded to ``digits``."""
    useful = [e for e in examples if any(e.right) and not all(e.right)]
    names = sorted({name for e in useful for f in e.candidates for name in f})
    index = {name: i for i, name in enumerate(names)}
    rows = [[[(index[n], v) for n, v in sorted(f.items())] for f in e.candidates] for e in useful]
    weights = [0.0] * len(names)
    scale = rate / max(len(useful), 1)
    for _ in range(iterations):
        gradient = [-l2 * len(useful) * w for w in weights]
        for example, candidates in zip(useful, rows, strict=True):
            scores = [sum(weights[i] * v for i, v in c) for c in candidates]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            right_total = sum(x for x, r in zip(exps, example.right, strict=True) if r)
            for c, x, r in zip(candidates, exps, example.right, strict=True):
                # d log(P(right)) / d score = P(c | right) - P(c)
                share = (x / right_total if r else 0.0) - x / total
                if share:
                    for i, v in c:
                        gradient[i] += share * v
        weights = [w + scale * g for w, g in zip(weights, gradient, strict=True)]
    return Ranker({name: round(w, digits) for name, w in zip(names, weights, strict=True) if round(w, digits)})
