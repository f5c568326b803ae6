"""Precision, recall, F1 and rates: plain arithmetic on labels, kept apart from the
policy so that it can be checked by hand on a tiny set."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    """Counts for one signal family, and the measures they give. A measure with nothing
    to measure (no prediction for precision, no positive item for recall) is None, not
    0 or 1, so that an empty column cannot pass for a perfect one."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float | None:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else None

    @property
    def recall(self) -> float | None:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else None

    @property
    def f1(self) -> float | None:
        # 2TP / (2TP + FP + FN): the harmonic mean of precision and recall, written so
        # that it is 0, not undefined, when labelled items exist and none was found.
        errors = self.false_positives + self.false_negatives
        if self.true_positives + errors == 0:
            return None
        return 2 * self.true_positives / (2 * self.true_positives + errors)

    @property
    def support(self) -> int:
        """How many items carry the label."""
        return self.true_positives + self.false_negatives


def score(
    gold: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]], families: Iterable[str]
) -> dict[str, Scores]:
    """Scores per family, from each item's labelled and predicted families (in the
    same order)."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted must have one entry per item")
    pairs = [(set(g), set(p)) for g, p in zip(gold, predicted, strict=True)]
    return {
        family: Scores(
            true_positives=sum(family in g and family in p for g, p in pairs),
            false_positives=sum(family not in g and family in p for g, p in pairs),
            false_negatives=sum(family in g and family not in p for g, p in pairs),
        )
        for family in families
    }


def rate(count: int, total: int) -> float | None:
    return count / total if total else None
