"""Runs the evaluation sets through the policy service the way the decision API does —
analyse the text, merge what it found with the declared descriptors (the more severe
level wins), decide for the child's profile and context — and counts the outcomes."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from haven.access.catalogue import AGE_BANDS, BAND_KEYS, DEFAULT_CONTEXT, Action, band_for_age
from haven.access.engine import CompiledPolicy
from haven.access.evaluation import data
from haven.access.evaluation.metrics import Scores, score
from haven.access.service import merge_descriptors
from haven.access.signals import analyse
from haven.access.types import Analysis, Decision, Profile

# Over-blocking is judged for the ages the issue names: 10 and over.
OVER_BLOCKING_BANDS = ("10-12", "13-15", "16-17")
FAIRNESS_AGE = 13


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
    text: str
    found: tuple[str, ...]  # the signal kinds analysis found


@dataclass(frozen=True)
class SignalResult:
    split: str
    items: int
    scores: dict[str, Scores]
    errors: tuple[SignalError, ...]


@dataclass(frozen=True)
class Flagged:
    id: str
    text: str
    signals: tuple[str, ...]
    action: Action


@dataclass
class Report:
    legitimate: list[Outcome] = field(default_factory=list)
    harmful: list[Outcome] = field(default_factory=list)
    signals: list[SignalResult] = field(default_factory=list)
    fairness_items: int = 0
    fairness_flagged: list[Flagged] = field(default_factory=list)

    def over_blocked(self) -> list[Outcome]:
        """Legitimate items blocked for a band of 10 and over: each one a guard failure."""
        return [o for o in self.legitimate if o.action == Action.BLOCK]

    def under_blocked(self) -> list[Outcome]:
        return [o for o in self.harmful if o.action < Action.RESTRICT]

    def failures(self) -> list[str]:
        """Why the guard fails, for the exit status; empty when it passes."""
        found = []
        if self.over_blocked():
            ids = sorted({o.id for o in self.over_blocked()})
            found.append(f"{len(ids)} legitimate items blocked for ages 10+: {', '.join(ids)}")
        if self.fairness_flagged:
            ids = [f.id for f in self.fairness_flagged]
            found.append(f"{len(ids)} fairness items flagged: {', '.join(ids)}")
        return found


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


def evaluate(policy: CompiledPolicy, splits: Iterable[str] = data.SPLITS) -> Report:
    return Report(
        legitimate=judge_pages(policy, data.load_legitimate(), OVER_BLOCKING_BANDS),
        harmful=judge_pages(policy, data.load_harmful(), BAND_KEYS),
        signals=[judge_signals(split) for split in splits],
        **judge_fairness(policy),
    )


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


def judge_signals(split: str) -> SignalResult:
    """`split` is "dev", "heldout" or "all" (both together)."""
    splits = data.SPLITS if split == "all" else (split,)
    items = [item for name in splits for item in data.load_signals(name)]
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


def judge_fairness(policy: CompiledPolicy) -> dict:
    """Fairness items that got any signal, or more than allow for a 13-year-old at home."""
    items = data.load_fairness()
    profile = Profile(band=band_for_age(FAIRNESS_AGE), age=FAIRNESS_AGE)
    flagged = []
    for item in items:
        analysis = analyse(item.text)
        decision = decide(policy, profile, DEFAULT_CONTEXT, {}, analysis)
        if analysis.signals or decision.action > Action.ALLOW:
            kinds = tuple(signal.kind for signal in analysis.signals)
            flagged.append(Flagged(item.id, item.text, kinds, decision.action))
    return {"fairness_items": len(items), "fairness_flagged": flagged}
