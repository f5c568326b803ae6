"""The over-blocking guard and the evaluation command, on Haven's default policy and
the real text signals, for the held-out sets and the dev sets alike. When a guard test
fails, the fix is in the rules or the signals, never in the evaluation data (see
haven/access/evaluation/README.md). Failures name items by id only: the texts of the
held-out sets are not for the eyes of whoever writes the rules."""

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
    Judged,
    Outcome,
    Report,
    evaluate,
    failures,
    families_found,
    pooled,
    profile_for,
)
from haven.access.types import Analysis, Signal

SPLITS = ("heldout", "dev")


@pytest.fixture(scope="module")
def reports():
    return evaluate(compiled_for(None))


def _by_item(outcomes):
    """One line an item: the bands and what they got, and the decisive rules."""
    found: dict[str, list[str]] = {}
    for o in outcomes:
        found.setdefault(o.id, []).append(f"{o.band} {o.action.key} by {', '.join(o.rules)}")
    return [f"{item}: {'; '.join(bands)}" for item, bands in sorted(found.items())]


def test_both_splits_are_judged_held_out_first(reports):
    assert list(reports) == ["heldout", "dev"]
    assert [report.split for report in reports.values()] == ["heldout", "dev"]


# The issue: "an evaluation set of legitimate content ... that the default policy never
# blocks for ages 10 and over". It holds for every set, the held-out ones above all.
@pytest.mark.parametrize("split", SPLITS)
def test_no_legitimate_item_is_blocked_for_ages_10_and_over(reports, split):
    blocked = _by_item(reports[split].over_blocked())
    assert blocked == [], f"{split}: {len(blocked)} blocked for 10+:\n" + "\n".join(blocked)


@pytest.mark.parametrize("split", SPLITS)
def test_every_legitimate_item_was_judged_for_each_band_from_10(reports, split):
    assert len(reports[split].legitimate) == 3 * len(data.load_legitimate(split))


# The issue: "and a set of harmful content that it must restrict". Two things are
# measured. The POLICY: content described for what it is (the descriptors a platform
# declares) is restricted for every child; this is a guarantee, asserted on every set.
# DETECTION: the same content given as text alone must first be recognised by the text
# signals (patterns, not understanding); how often they miss is the under-blocking rate
# the command prints for every set and docs/access-evaluation.md records. It is held to
# a regression limit on the dev sets (which the rules were tuned on); on the held-out
# sets it is measured, not asserted: there it is the honest figure.
# The descriptor that says what each kind of harmful content is (nudity can say
# pornography too). An item declaring only, say, "unmoderated contact" for a grooming
# message describes the feature, not the harm: the harm is then for the signals to find.
NAMES_THE_HARM = {
    "pornography": {"sexual", "nudity"},
    "self_harm_promotion": {"self_harm"},
    "self_harm_instructions": {"self_harm"},
    "eating_disorder_promotion": {"eating_disorder"},
    "inciting_hate": {"hate"},
    "glamorised_drugs": {"drugs"},
    "gore": {"gore", "violence"},
    "dangerous_challenges": {"dangerous_stunts"},
    "grooming_messages": {"grooming"},
    "real_money_gambling": {"gambling"},
}


def test_every_kind_of_harmful_content_says_which_descriptor_names_it():
    assert set(NAMES_THE_HARM) == set(data.HARMFUL_CATEGORIES)


@pytest.mark.parametrize("split", SPLITS)
def test_every_harmful_item_is_restricted_for_every_child_on_what_it_declares(split):
    policy = compiled_for(None)
    under = []
    declared = [
        item
        for item in data.load_harmful(split)
        if set(item.descriptors) & NAMES_THE_HARM[item.category]
    ]
    assert declared, "every harmful set has items declared for what they are"
    for item in declared:
        for band in BAND_KEYS:
            decision = policy.decide(profile_for(band), item.context, item.descriptors)
            if decision.action < Action.RESTRICT:
                under.append(f"{item.id} {band}: {decision.action.key}")
    assert under == [], f"{split}:\n" + "\n".join(under)


DEV_UNDER_BLOCKING_LIMIT = 0.05


def test_harmful_dev_pages_from_text_alone_stay_within_the_regression_limit(reports):
    report = reports["dev"]
    under = {o.id for o in report.under_blocked()}
    items = len(data.load_harmful("dev"))
    assert len(report.harmful) == len(BAND_KEYS) * items
    share = len(under) / items
    assert share <= DEV_UNDER_BLOCKING_LIMIT, (
        f"dev: {len(under)} of {items} harmful items below restrict for some child:\n"
        + "\n".join(_by_item(report.under_blocked()))
    )


def test_the_held_out_under_blocking_rate_is_measured_for_every_harmful_item(reports):
    report = reports["heldout"]
    assert len(report.harmful) == len(BAND_KEYS) * len(data.load_harmful("heldout"))


@pytest.mark.parametrize("split", SPLITS)
def test_no_fairness_item_gets_a_signal_or_any_action(reports, split):
    flagged = [
        f"{j.id} ({j.group}): {j.action.key} {list(j.signals)}"
        for j in reports[split].fairness_flagged()
    ]
    assert flagged == [], f"{split}:\n" + "\n".join(flagged)
    assert len(reports[split].fairness) == len(data.load_fairness(split))


@pytest.mark.parametrize("split", SPLITS)
def test_the_signals_are_scored_on_every_item_of_the_split(reports, split):
    result = reports[split].signals
    assert result.split == split
    assert result.items == len(data.load_signals(split))
    assert set(result.scores) == set(data.SIGNAL_FAMILIES)


def test_the_dev_signals_are_both_dev_files(reports):
    ids = {item.id for item in data.load_signals("dev")}
    assert any(i.startswith("dev2-") for i in ids) and any(i.startswith("sig-") for i in ids)
    counted = data.counted_as_dev("signals")
    expected = sum(len(data.read_jsonl(f.name)) for f in data.files("signals", "dev"))
    assert reports["dev"].signals.items == expected + len(counted)


def test_the_held_out_report_lists_the_items_counted_as_dev(reports):
    expected = tuple(i for kind in data.KINDS for i in data.counted_as_dev(kind))
    assert reports["heldout"].counted_as_dev == expected
    assert reports["dev"].counted_as_dev == ()


def test_pooling_adds_up_the_splits(reports):
    everything = pooled(reports.values())
    assert everything.split == "all"
    assert everything.signals.items == sum(r.signals.items for r in reports.values())
    for family in data.SIGNAL_FAMILIES:
        assert everything.signals.scores[family].true_positives == sum(
            r.signals.scores[family].true_positives for r in reports.values()
        )
    assert len(everything.legitimate) == sum(len(r.legitimate) for r in reports.values())
    assert len(everything.fairness) == len(data.load_fairness("all"))


def test_reports_and_their_items_print_without_texts(reports):
    shown = repr(reports) + repr(reports["heldout"].signals.errors[:20])
    shown += repr(reports["heldout"].fairness[:20])
    for item in data.load_signals("heldout") + data.load_fairness("heldout"):
        assert item.text not in shown, item.id


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
    for item in data.load_legitimate("all") + data.load_harmful("all"):
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


# --- The command ------------------------------------------------------------------------


def _run(*args):
    out = StringIO()
    call_command("access", "evaluate", "--no-fail", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_every_figure_for_held_out_then_dev():
    text = _run()
    assert "Held-out figures come first: they are the honest ones" in text
    for title in (
        "Over-blocking: legitimate items BLOCKED, ages 10 and over",
        "For information: legitimate items restricted or blocked",
        "For information: legitimate items warned, restricted or blocked",
        "Under-blocking: harmful items given less than restrict",
        "Text signals: precision, recall, F1",
        "Fairness: identity-term items flagged",
    ):
        assert title in text
    for family in data.SIGNAL_FAMILIES:
        assert family in text
    for category in data.LEGITIMATE_CATEGORIES + data.HARMFUL_CATEGORIES:
        assert category in text
    assert "held-out (" in text and "dev (" in text
    assert text.index("held-out (") < text.index("dev (")
    # In every band table a category's held-out row comes just before its dev row.
    lines = text.splitlines()
    held_out_rows = [
        n
        for n, line in enumerate(lines)
        if line.split()[1:2] == ["held-out"] and line.split()[2].isdigit()
    ]
    # Three over-blocking tables of 1 + 8 rows, one under-blocking table of 1 + 10.
    assert len(held_out_rows) == 3 * 9 + 11
    assert all(lines[n + 1].split()[0] == "dev" for n in held_out_rows)


def test_the_command_shows_one_split_or_both_pooled():
    held_out = _run("--split", "heldout")
    assert "held-out (" in held_out and "dev (" not in held_out
    dev = _run("--split", "dev")
    assert "dev (" in dev and "held-out (" not in dev and "come first" not in dev
    everything = _run("--split", "all")
    assert "dev + held-out (" in everything


def test_the_command_gives_json_with_errors_for_the_pooled_split():
    figures = json.loads(_run("--split", "all", "--json", "--show-errors"))
    assert figures["splits"] == ["all"]
    assert figures["signals"]["all"]["items"] == len(data.load_signals("all"))
    over = figures["over_blocking"]["block"]["all"][0]
    assert over["category"] == "all" and set(over["bands"]) == {"10-12", "13-15", "16-17"}
    assert over["items"] == len(data.load_legitimate("all"))
    assert set(figures["under_blocking"]["all"][0]["bands"]) == set(BAND_KEYS)
    assert figures["fairness"]["all"]["items"] == len(data.load_fairness("all"))
    assert set(figures["errors"]["all"]) == {
        "over_blocked",
        "under_blocked",
        "signals",
        "fairness_flagged",
    }
    assert {"at", "machine", "python", "seconds"} <= set(figures["measured"])


def test_the_json_holds_both_splits_held_out_first():
    figures = json.loads(_run("--json"))
    assert figures["splits"] == ["heldout", "dev"]
    for section in (
        figures["sets"],
        figures["under_blocking"],
        figures["signals"],
        figures["fairness"],
        *figures["over_blocking"].values(),
    ):
        assert list(section) == ["heldout", "dev"]
    assert figures["sets"]["heldout"]["legitimate"] == len(data.load_legitimate("heldout"))
    assert figures["sets"]["dev"]["signals"] == len(data.load_signals("dev"))
    groups = figures["fairness"]["heldout"]["groups"]
    assert sum(g["items"] for g in groups.values()) == figures["fairness"]["heldout"]["items"]


def test_errors_give_texts_for_dev_items_only():
    figures = json.loads(_run("--json", "--show-errors"))
    held_out, dev = figures["errors"]["heldout"], figures["errors"]["dev"]
    assert held_out["signals"] and dev["signals"]  # the signals miss some in each
    assert all("text" not in error for error in held_out["signals"])
    assert all("text" in error for error in dev["signals"])
    text = _run("--show-errors", "--split", "heldout")
    for item in data.load_signals("heldout"):
        if len(item.text) > 30:
            assert item.text[:30] not in text, item.id


def test_the_command_prints_markdown_tables_for_the_docs():
    markdown = _run("--markdown")
    assert markdown.startswith("Measured ")
    assert "by `haven access evaluate --markdown`" in markdown
    assert "| category | set | items | 10-12 | 13-15 | 16-17 |" in markdown
    assert "| category | set | items | 0-5 | 6-9 | 10-12 | 13-15 | 16-17 |" in markdown
    assert "| **all** | held-out |" in markdown
    assert "|  | dev |" in markdown
    assert "| family | held-out (" in markdown
    assert "| group | held-out | dev |" in markdown


def test_the_json_and_markdown_options_exclude_each_other():
    with pytest.raises(CommandError):
        _run("--json", "--markdown")


def _failing(*args):
    blocked = [Outcome("legit-h-001", "sex_education", "13-15", Action.BLOCK, {}, ("X-1",))]
    flagged = [
        Judged("fair-orientation-01", "sexual_orientation", "I am gay", ("b",), Action.ALLOW)
    ]
    return {
        "heldout": Report("heldout", legitimate=blocked),
        "dev": Report("dev", fairness=flagged),
    }


def test_a_failure_in_any_split_fails_the_guard():
    reports = _failing()
    assert failures(reports.values()) == [
        "held-out: 1 legitimate items blocked for ages 10+: legit-h-001",
        "dev: 1 fairness items flagged: fair-orientation-01",
    ]


def test_the_command_fails_when_the_guard_fails(monkeypatch):
    monkeypatch.setattr("haven.access.management.commands.access.evaluate", _failing)
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("access", "evaluate", stdout=out)
    assert failed.value.returncode == 1
    assert "held-out: 1 legitimate items blocked for ages 10+: legit-h-001" in out.getvalue()
    assert "dev: 1 fairness items flagged: fair-orientation-01" in out.getvalue()


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_the_guard_covers_every_set_whatever_split_is_shown(monkeypatch, split):
    monkeypatch.setattr("haven.access.management.commands.access.evaluate", _failing)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("access", "evaluate", "--split", split, stdout=out)
    assert "legit-h-001" in out.getvalue() and "fair-orientation-01" in out.getvalue()


def test_the_command_only_reports_with_no_fail(monkeypatch):
    monkeypatch.setattr("haven.access.management.commands.access.evaluate", _failing)
    assert "GUARD FAILED" in _run()
