"""The over-blocking guard and the evaluation command, on Haven's default policy and
the real text signals. When a guard test fails, the fix is in the rules or the
signals, never in the evaluation data (see haven/access/evaluation/README.md)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.access import service
from haven.access.catalogue import BAND_KEYS, Action
from haven.access.compiled import compiled_for
from haven.access.evaluation import data
from haven.access.evaluation.evaluate import (
    Flagged,
    Report,
    evaluate,
    families_found,
    profile_for,
)
from haven.access.types import Analysis, Signal


@pytest.fixture(scope="module")
def report():
    return evaluate(compiled_for(None), ("heldout", "dev"))


def _by_item(outcomes):
    """One line an item: the bands and what they got, and the decisive rules."""
    found: dict[str, list[str]] = {}
    for o in outcomes:
        found.setdefault(o.id, []).append(f"{o.band} {o.action.key} by {', '.join(o.rules)}")
    return [f"{item}: {'; '.join(bands)}" for item, bands in sorted(found.items())]


def test_no_legitimate_item_is_blocked_for_ages_10_and_over(report):
    blocked = _by_item(report.over_blocked())
    assert blocked == [], f"{len(blocked)} blocked for 10+:\n" + "\n".join(blocked)


def test_every_legitimate_item_was_judged_for_each_band_from_10(report):
    assert len(report.legitimate) == 3 * len(data.load_legitimate())


def test_every_harmful_item_is_at_least_restricted_for_every_child_at_home(report):
    under = _by_item(report.under_blocked())
    assert under == [], f"{len(under)} below restrict:\n" + "\n".join(under)
    assert len(report.harmful) == len(BAND_KEYS) * len(data.load_harmful())


def test_no_fairness_item_gets_a_signal_or_any_action(report):
    flagged = [
        f"{f.id}: {f.action.key} {list(f.signals)} {f.text!r}" for f in report.fairness_flagged
    ]
    assert flagged == [], "\n".join(flagged)
    assert report.fairness_items == len(data.load_fairness())


def test_the_signals_are_scored_on_both_splits(report):
    assert [result.split for result in report.signals] == ["heldout", "dev"]
    for result in report.signals:
        assert result.items == len(data.load_signals(result.split))
        assert set(result.scores) == set(data.SIGNAL_FAMILIES)


def test_a_family_is_predicted_by_a_signal_of_that_descriptor():
    analysis = Analysis(
        signals=(
            Signal("grooming.secrecy", "grooming", "possible", "dont tell"),
            Signal("self_harm.discussed", "self_harm", "discussed", "suicide"),
        ),
        descriptors={"threat": "veiled"},  # a descriptor alone is not a signal
    )
    assert families_found(analysis) == {"grooming"}
    intent = Analysis(signals=(Signal("self_harm.intent", "self_harm", "intent", "kms"),))
    assert families_found(intent) == {"self_harm_intent"}


def test_profiles_are_built_for_the_youngest_age_of_each_band():
    assert [profile_for(band).age for band in BAND_KEYS] == [0, 6, 10, 13, 16]
    assert [profile_for(band).band for band in BAND_KEYS] == list(BAND_KEYS)


@pytest.mark.django_db
def test_the_evaluation_decides_as_the_api_does(organisation):
    from haven.access.evaluation.evaluate import decide
    from haven.access.signals import analyse

    policy = compiled_for(None)
    for item in data.load_legitimate() + data.load_harmful():
        for age, band in ((8, "6-9"), (13, "13-15")):
            api = service.decide(
                organisation,
                profile={"age": age},
                context=item.context,
                descriptors=item.descriptors,
                text=item.text,
            )
            ours = decide(
                policy, profile_for(band), item.context, item.descriptors, analyse(item.text)
            )
            assert (ours.action, ours.descriptors) == (
                api.decision.action,
                api.decision.descriptors,
            ), item.id


def test_the_command_prints_the_rates():
    out = StringIO()
    call_command("access", "evaluate", "--no-fail", stdout=out)
    text = out.getvalue()
    assert "Over-blocking: legitimate items BLOCKED, ages 10 and over" in text
    assert "Under-blocking: harmful items given less than restrict" in text
    assert "held-out (" in text and "dev (" in text
    for family in data.SIGNAL_FAMILIES:
        assert family in text
    assert "Fairness:" in text


def test_the_command_gives_json_with_errors_for_one_split():
    out = StringIO()
    call_command(
        "access", "evaluate", "--split", "all", "--json", "--show-errors", "--no-fail", stdout=out
    )
    figures = json.loads(out.getvalue())
    assert list(figures["signals"]) == ["all"]
    assert figures["signals"]["all"]["items"] == sum(len(data.load_signals(s)) for s in data.SPLITS)
    over = figures["over_blocking"]["block"][0]
    assert over["category"] == "all" and set(over["bands"]) == {"10-12", "13-15", "16-17"}
    assert set(figures["under_blocking"][0]["bands"]) == set(BAND_KEYS)
    assert set(figures["errors"]) == {
        "over_blocked",
        "under_blocked",
        "signals",
        "fairness_flagged",
    }


def _failing_report(*args):
    flagged = Flagged("fair-orientation-01", "I am gay", ("bullying.insult",), Action.ALLOW)
    return Report(fairness_items=1, fairness_flagged=[flagged])


def test_the_command_fails_when_the_guard_fails(monkeypatch):
    monkeypatch.setattr("haven.access.management.commands.access.evaluate", _failing_report)
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("access", "evaluate", stdout=out)
    assert failed.value.returncode == 1
    assert "1 fairness items flagged: fair-orientation-01" in out.getvalue()


def test_the_command_only_reports_with_no_fail(monkeypatch):
    monkeypatch.setattr("haven.access.management.commands.access.evaluate", _failing_report)
    out = StringIO()
    call_command("access", "evaluate", "--no-fail", stdout=out)
    assert "GUARD FAILED" in out.getvalue()
