"""The metric code, checked by hand on tiny sets."""

import pytest

from haven.access.evaluation.metrics import Scores, rate, score

GOLD = [{"grooming"}, {"grooming", "threat"}, set(), {"threat"}, {"grooming"}]
PREDICTED = [{"grooming"}, {"grooming"}, {"grooming"}, set(), set()]


def test_precision_recall_and_f1_are_counted_per_family():
    scores = score(GOLD, PREDICTED, ["grooming", "threat", "bullying"])
    grooming = scores["grooming"]
    # Found in items 0, 1 (right) and 2 (wrong); missed in item 4.
    assert (grooming.true_positives, grooming.false_positives, grooming.false_negatives) == (
        2,
        1,
        1,
    )
    assert grooming.precision == pytest.approx(2 / 3)
    assert grooming.recall == pytest.approx(2 / 3)
    assert grooming.f1 == pytest.approx(2 / 3)
    assert grooming.support == 3


def test_a_family_never_predicted_has_no_precision_and_zero_recall():
    threat = score(GOLD, PREDICTED, ["threat"])["threat"]
    assert threat.precision is None
    assert threat.recall == 0
    assert threat.f1 == 0


def test_a_family_neither_labelled_nor_predicted_has_no_figures():
    bullying = score(GOLD, PREDICTED, ["bullying"])["bullying"]
    assert (bullying.precision, bullying.recall, bullying.f1) == (None, None, None)


def test_f1_is_the_harmonic_mean_of_precision_and_recall():
    scores = Scores(true_positives=3, false_positives=1, false_negatives=5)
    precision, recall = 3 / 4, 3 / 8
    assert scores.f1 == pytest.approx(2 * precision * recall / (precision + recall))


def test_a_false_alarm_alone_gives_zero_precision_and_no_recall():
    scores = score([set()], [{"threat"}], ["threat"])["threat"]
    assert (scores.precision, scores.recall, scores.f1) == (0, None, 0)


def test_gold_and_predicted_must_be_the_same_length():
    with pytest.raises(ValueError):
        score([set()], [], ["threat"])


def test_a_rate_of_nothing_is_none():
    assert rate(1, 4) == 0.25
    assert rate(0, 0) is None
