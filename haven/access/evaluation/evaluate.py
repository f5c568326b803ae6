"""Runs the evaluation sets through the policy service the way the decision API does —
analyse the text, merge what it found with the declared descriptors (the more severe
level wins), decide for the child's profile and context — and counts the outcomes,
for the held-out sets and the dev sets apart."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from haven.access.catalogue import AGE_BANDS, BAND_KEYS, DEFAULT_CONTEXT, Action, band_for_age
from haven.access.engine import CompiledPolicy, merge_descriptors
from haven.access.evaluation import data
from haven.access.evaluation.metrics import Scores, score
from haven.access.signals import analyse
from haven.access.types import Analysis, Decision, Profile

# Over-blocking is judged for the ages the issue names: 10 and over.
OVER_BLOCKING_BANDS = ("10-12", "13-15", "16-17")
FAIRNESS_AGE = 13
SPLIT_LABELS = {"heldout": "held-out", "dev": "dev", "all": "dev + held-out"}


@dataclass(frozen=True)
class Outcome:
    """What the policy did with one page for one age band."""

    id: str
    category: str
    band: str
    action: Action
    descriptors: dict[str, str]
    rules: tuple[str, ...]  # the decisive rules


@dataclass(frozen=True)
class SignalError:
    id: str
    family: str
    kind: str  # "missed" (false negative) or "false alarm" (false positive)
    text: str = field(repr=False)  # held-out texts stay out of test failure output
    found: tuple[str, ...]  # the signal kinds analysis found


@dataclass(frozen=True)
class SignalResult:
    split: str
    items: int
    scores: dict[str, Scores]
    errors: tuple[SignalError, ...]


@dataclass(frozen=True)
class Judged:
    """What a fairness item got: the signals analysis found, and the action for a
    13-year-old at home. Flagged when it got either."""

    id: str
    group: str
    text: str = field(repr=False)
    signals: tuple[str, ...]
    action: Action

    @property
    def flagged(self) -> bool:
        return bool(self.signals) or self.action > Action.ALLOW


@dataclass
class Report:
    """The outcomes for one split: "heldout", "dev" or "all" (both pooled)."""

    split: str
    legitimate: list[Outcome] = field(default_factory=list)
    harmful: list[Outcome] = field(default_factory=list)
    signals: SignalResult = field(default_factory=lambda: _no_signals())
    fairness: list[Judged] = field(default_factory=list)
    # Held-out ids counted as dev because a dev file holds the same text (see data.rows).
    counted_as_dev: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return SPLIT_LABELS[self.split]

    def __repr__(self) -> str:
        # Short, and without texts: pytest shows it when a guard test fails.
        return (
            f"<Report {self.split}: {len(self.legitimate)} legitimate outcomes, "
            f"{len(self.harmful)} harmful, {self.signals.items} messages, "
            f"{len(self.fairness)} fairness items>"
        )

    def over_blocked(self) -> list[Outcome]:
        """Legitimate items blocked for a band of 10 and over: each one a guard failure."""
        return [o for o in self.legitimate if o.action == Action.BLOCK]

    def under_blocked(self) -> list[Outcome]:
        return [o for o in self.harmful if o.action < Action.RESTRICT]

    def fairness_flagged(self) -> list[Judged]:
        return [judged for judged in self.fairness if judged.flagged]

    def failures(self) -> list[str]:
        """Why the guard fails on this split, for the exit status; empty when it passes."""
        found = []
        if self.over_blocked():
            ids = sorted({o.id for o in self.over_blocked()})
            found.append(
                f"{self.label}: {len(ids)} legitimate items blocked for ages 10+: " + ", ".join(ids)
            )
        if self.fairness_flagged():
            ids = [judged.id for judged in self.fairness_flagged()]
            found.append(f"{self.label}: {len(ids)} fairness items flagged: {', '.join(ids)}")
        return found


def _no_signals() -> SignalResult:
    return SignalResult("", 0, {family: Scores() for family in data.SIGNAL_FAMILIES}, ())


def profile_for(band: str) -> Profile:
    """A child of the youngest age in `band`, built as the API builds inline profiles."""
    age = next(b.low for b in AGE_BANDS if b.key == band)
    return Profile(band=band_for_age(age), age=age)


def decide(
    policy: CompiledPolicy,
    profile: Profile,
    context: str,
    declared: Mapping[str, str],
    analysis: Analysis,
) -> Decision:
    """The decision the API would give (haven.access.service does the same steps)."""
    descriptors = merge_descriptors(declared, analysis.descriptors)
    return policy.decide(profile, context, descriptors, analysis.signals)


def families_found(analysis: Analysis) -> set[str]:
    """The signal families analysis predicts: a signal whose descriptor is the family
    (self-harm intent: descriptor self_harm at level intent)."""
    found = set()
    for signal in analysis.signals:
        if signal.descriptor == "self_harm" and signal.level == "intent":
            found.add("self_harm_intent")
        elif signal.descriptor in data.SIGNAL_FAMILIES:
            found.add(signal.descriptor)
    return found


def evaluate(policy: CompiledPolicy) -> dict[str, Report]:
    """Every set judged: {"heldout": Report, "dev": Report}, held-out first."""
    return {split: judge_split(policy, split) for split in data.SHOWN_SPLITS}


def judge_split(policy: CompiledPolicy, split: str) -> Report:
    """`split` is "dev" or "heldout"."""
    return Report(
        split=split,
        legitimate=judge_pages(policy, data.load_legitimate(split), OVER_BLOCKING_BANDS),
        harmful=judge_pages(policy, data.load_harmful(split), BAND_KEYS),
        signals=judge_signals(data.load_signals(split), split),
        fairness=judge_fairness(policy, data.load_fairness(split)),
        counted_as_dev=(
            tuple(i for kind in data.KINDS for i in data.counted_as_dev(kind))
            if split == "heldout"
            else ()
        ),
    )


def pooled(reports: Iterable[Report]) -> Report:
    """The reports of several splits as one ("all"): the outcomes together, the signal
    counts added up (which is the same as scoring all the items at once)."""
    reports = list(reports)
    signals = [r.signals for r in reports]
    return Report(
        split="all",
        legitimate=[o for r in reports for o in r.legitimate],
        harmful=[o for r in reports for o in r.harmful],
        signals=SignalResult(
            "all",
            sum(result.items for result in signals),
            {
                family: Scores(
                    true_positives=sum(s.scores[family].true_positives for s in signals),
                    false_positives=sum(s.scores[family].false_positives for s in signals),
                    false_negatives=sum(s.scores[family].false_negatives for s in signals),
                )
                for family in data.SIGNAL_FAMILIES
            },
            tuple(error for result in signals for error in result.errors),
        ),
        fairness=[judged for r in reports for judged in r.fairness],
    )


def failures(reports: Iterable[Report]) -> list[str]:
    """The guard failures of every split given: a legitimate item blocked for ages 10
    and over, or a fairness item flagged, in any set."""
    return [failure for report in reports for failure in report.failures()]


def judge_pages(
    policy: CompiledPolicy, items: list[data.PageItem], bands: Iterable[str]
) -> list[Outcome]:
    outcomes = []
    for item in items:
        analysis = analyse(item.text)
        for band in bands:
            decision = decide(policy, profile_for(band), item.context, item.descriptors, analysis)
            outcomes.append(_outcome(item, band, decision))
    return outcomes


def _outcome(item: data.PageItem, band: str, decision: Decision) -> Outcome:
    rules = tuple(dict.fromkeys(r.rule_id for r in decision.reasons if r.decisive))
    return Outcome(item.id, item.category, band, decision.action, decision.descriptors, rules)


def judge_signals(items: list[data.TextItem], split: str) -> SignalResult:
    analyses = [analyse(item.text) for item in items]
    predicted = [families_found(analysis) for analysis in analyses]
    errors = []
    for item, analysis, found in zip(items, analyses, predicted, strict=True):
        kinds = tuple(signal.kind for signal in analysis.signals)
        for family in data.SIGNAL_FAMILIES:
            if family in item.labels and family not in found:
                errors.append(SignalError(item.id, family, "missed", item.text, kinds))
            elif family in found and family not in item.labels:
                errors.append(SignalError(item.id, family, "false alarm", item.text, kinds))
    scores = score([item.labels for item in items], predicted, data.SIGNAL_FAMILIES)
    return SignalResult(split, len(items), scores, tuple(errors))


def judge_fairness(policy: CompiledPolicy, items: list[data.TextItem]) -> list[Judged]:
    """Each fairness item's signals and action for a 13-year-old at home."""
    profile = Profile(band=band_for_age(FAIRNESS_AGE), age=FAIRNESS_AGE)
    judged = []
    for item in items:
        analysis = analyse(item.text)
        decision = decide(policy, profile, DEFAULT_CONTEXT, {}, analysis)
        kinds = tuple(signal.kind for signal in analysis.signals)
        judged.append(Judged(item.id, item.group, item.text, kinds, decision.action))
    return judged
