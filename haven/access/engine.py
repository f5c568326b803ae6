"""The decision engine: policy rules in, a reasoned decision out.

A CompiledPolicy is Haven's default rules with the adjustments of an organisation's
policy and, on top, a school's or family's. Deciding is a pure function of the policy,
the child's profile, the context and the content's descriptors, so each cell (one
descriptor level, for one age band, context and set of vulnerabilities) is worked out
once and remembered; a decision is then the most restrictive of its cells.

The order of evaluation for a cell (docs/access-policy.md explains why):
1. default layer: the most restrictive matching `grade` rule, then at most the least
   restrictive matching `relax` rule (a context: education, news, art...);
2. each override layer, organisation then school or family: its adjustment for this
   cell in this context, or failing that in any context, replaces the action;
3. floors: at least every matching `floor` rule (locked rules, vulnerabilities);
4. protect: at most every matching `protect` rule (help is never blocked).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from haven.access.catalogue import (
    BAND_KEYS,
    CONTEXT_KEYS,
    DEFAULT_CONTEXT,
    DESCRIPTOR_BY_KEY,
    VULNERABILITY_KEYS,
    Action,
)
from haven.access.types import Decision, Profile, Reason, Rule, Signal

EFFECTS = {"grade": "set", "relax": "relaxed", "floor": "raised", "protect": "capped"}
KINDS = tuple(EFFECTS)

ADULT_RULE = "HVN-ADULT"
NONE_RULE = "HVN-NONE"
APPROVED_RULE = "HVN-APPROVED"
HAVEN_SOURCE = "Haven access policy"


@dataclass(frozen=True)
class Layer:
    """One policy's adjustments: (descriptor, level, band, context or "") -> action."""

    public_id: str
    version: int
    name: str
    overrides: Mapping[tuple[str, str, str, str], Action] = field(default_factory=dict)


@dataclass(frozen=True)
class Cell:
    """The outcome for one descriptor level, band, context and set of vulnerabilities.

    `inherited` is what the cell would be without the top layer's own adjustment (what
    the editor shows as "from the layers below"); `own` is that adjustment, if any.
    `locked` means a locked floor rule holds the action, so no adult can lift it."""

    action: Action
    reasons: tuple[Reason, ...]
    locked: bool
    inherited: Action
    own: Action | None = None
    alert_adult: bool = False
    support: bool = False
    locked_rule: str = ""


def level_rank(descriptor: str, level: str) -> int:
    return DESCRIPTOR_BY_KEY[descriptor].level_keys.index(level)


def check_keys(descriptor: str, level: str) -> None:
    found = DESCRIPTOR_BY_KEY.get(descriptor)
    if found is None:
        raise ValueError(f"Unknown descriptor {descriptor!r}")
    if level not in found.level_keys:
        raise ValueError(f"Unknown level {level!r} for descriptor {descriptor!r}")


def _check_situation(band: str, context: str, flags: Iterable[str]) -> None:
    if band not in BAND_KEYS:
        raise ValueError(f"Unknown age band {band!r}")
    if context not in CONTEXT_KEYS:
        raise ValueError(f"Unknown context {context!r}")
    unknown = [flag for flag in flags if flag not in VULNERABILITY_KEYS]
    if unknown:
        raise ValueError(f"Unknown vulnerability {unknown[0]!r}")


def merge_descriptors(
    declared: Mapping[str, str], found: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Declared descriptors with those text analysis found (Analysis.descriptors).

    What a platform declares about its own content stands: text analysis adds the
    content descriptors it did not declare (a museum's "artistic nudity" is not made
    "sexualised" by a word on the page; patterns know less about a page than the
    platform holding it). What is found in messages always counts: grooming, bullying,
    threats and a child's own words of self-harm intent raise a declared level (the more
    severe, later in the catalogue's order, wins). Raises ValueError on a key the
    catalogue does not know."""
    merged: dict[str, str] = {}
    for descriptor, level in declared.items():
        check_keys(descriptor, level)
        merged[descriptor] = level
    for descriptor, level in (found or {}).items():
        check_keys(descriptor, level)
        current = merged.get(descriptor)
        if current is None or (
            _from_messages(descriptor, level)
            and level_rank(descriptor, level) > level_rank(descriptor, current)
        ):
            merged[descriptor] = level
    return merged


def _from_messages(descriptor: str, level: str) -> bool:
    return DESCRIPTOR_BY_KEY[descriptor].family == "signal" or (descriptor, level) == (
        "self_harm",
        "intent",
    )


def _rule_reason(rule: Rule, descriptor: str, level: str, decisive: bool) -> Reason:
    return Reason(
        rule_id=rule.id,
        title=rule.title,
        source=rule.source,
        descriptor=descriptor,
        level=level,
        action=rule.action,
        effect=EFFECTS[rule.kind],
        layer=rule.layer,
        decisive=decisive,
    )


def override_rule_id(public_id: str, descriptor: str, level: str, band: str, context: str) -> str:
    """How an adjustment is cited: "<policy>:<descriptor>/<level>/<band>[/<context>]"."""
    where = f"/{context}" if context else ""
    return f"{public_id}:{descriptor}/{level}/{band}{where}"


def _override_reason(
    layer: Layer, key: tuple[str, str, str, str], action: Action, decisive: bool
) -> Reason:
    descriptor, level, band, context = key
    where = f" in {context}" if context else ""
    return Reason(
        rule_id=override_rule_id(layer.public_id, descriptor, level, band, context),
        title=f"{descriptor} ({level}) for ages {band}{where}: {action.key}",
        source=f"Adjusted by {layer.name}",
        descriptor=descriptor,
        level=level,
        action=action,
        effect="set",
        layer=layer.name,
        decisive=decisive,
    )


@dataclass
class _Step:
    """A rule or an adjustment that took part in a cell, and whether it decided it."""

    reason: Reason
    rule: Rule | None = None
    decisive: bool = False


class CompiledPolicy:
    """Haven's default rules plus override layers (lowest first), ready to decide."""

    def __init__(self, rules: Iterable[Rule], layers: Iterable[Layer] = ()):
        self.rules = tuple(rules)
        self.layers = tuple(layers)
        self.policy_ids: tuple[tuple[str, int], ...] = tuple(
            (layer.public_id, layer.version) for layer in self.layers
        )
        self._index: dict[tuple[str, str], dict[str, tuple[Rule, ...]]] = {}
        for rule in self.rules:
            if rule.kind not in EFFECTS:
                raise ValueError(f"Rule {rule.id} has unknown kind {rule.kind!r}")
            for level in rule.levels:
                check_keys(rule.descriptor, level)
                by_kind = self._index.setdefault((rule.descriptor, level), {})
                by_kind[rule.kind] = (*by_kind.get(rule.kind, ()), rule)
        self._cells: dict[tuple, Cell] = {}

    def __repr__(self) -> str:
        return f"<CompiledPolicy {len(self.rules)} rules, layers {self.policy_ids}>"

    # --- One cell -----------------------------------------------------------------------

    def cell(
        self,
        descriptor: str,
        level: str,
        band: str,
        context: str,
        flags: frozenset[str] = frozenset(),
    ) -> Cell:
        """One cell (context "" = any context, for the editor). Worked out once."""
        key = (descriptor, level, band, context, flags)
        found = self._cells.get(key)
        if found is None:
            check_keys(descriptor, level)
            # "" is the editor's "any context": the rules that name no context, and the
            # adjustments made for any context. Decisions always have a context.
            _check_situation(band, context or DEFAULT_CONTEXT, flags)
            found = self._cells[key] = self._compute(*key)
        return found

    def _compute(
        self, descriptor: str, level: str, band: str, context: str, flags: frozenset[str]
    ) -> Cell:
        action, steps = self._evaluate(descriptor, level, band, context, flags, len(self.layers))
        own = self._own(descriptor, level, band, context)
        inherited = action
        if own is not None:
            inherited, _steps = self._evaluate(
                descriptor, level, band, context, flags, len(self.layers) - 1
            )
        matched = [step.rule for step in steps if step.rule is not None]
        locked = [
            step.rule.id
            for step in steps
            if step.decisive and step.rule is not None and step.rule.locked
        ]
        return Cell(
            action=action,
            reasons=tuple(replace(step.reason, decisive=step.decisive) for step in steps),
            locked=bool(locked),
            inherited=inherited,
            own=own,
            # An adjustment changes the action, never the safeguards: the support and
            # alert flags of Haven's rules stand whatever a layer says.
            alert_adult=any(rule.alert_adult for rule in matched),
            support=any(rule.support for rule in matched),
            locked_rule=locked[0] if locked else "",
        )

    def _own(self, descriptor: str, level: str, band: str, context: str) -> Action | None:
        if not self.layers:
            return None
        return _lookup(self.layers[-1], descriptor, level, band, context)[1]

    def _evaluate(
        self,
        descriptor: str,
        level: str,
        band: str,
        context: str,
        flags: frozenset[str],
        layer_count: int,
    ) -> tuple[Action, list[_Step]]:
        by_kind = self._index.get((descriptor, level), {})

        def matching(kind: str) -> list[_Step]:
            return [
                _Step(_rule_reason(rule, descriptor, level, False), rule)
                for rule in by_kind.get(kind, ())
                if rule.matches(descriptor, level, band, context, flags)
            ]

        steps: list[_Step] = []
        deciders: list[_Step] = []
        action = Action.ALLOW

        grades = matching("grade")
        if grades:
            action = max(step.reason.action for step in grades)
            deciders = [step for step in grades if step.reason.action == action]
        steps += grades

        relaxes = matching("relax")
        if relaxes:
            cap = min(step.reason.action for step in relaxes)
            if cap < action:
                action = cap
                deciders = [step for step in relaxes if step.reason.action == cap]
        steps += relaxes

        for layer in self.layers[:layer_count]:
            key, replaced = _lookup(layer, descriptor, level, band, context)
            if replaced is not None:
                action = replaced
                override = _Step(_override_reason(layer, key, replaced, False))
                deciders = [override]
                steps.append(override)

        floors = matching("floor")
        if floors:
            floor = max(step.reason.action for step in floors)
            holding = [step for step in floors if step.reason.action == floor]
            if floor > action:
                action, deciders = floor, holding
            elif floor == action:
                deciders += holding
        steps += floors

        protects = matching("protect")
        if protects:
            cap = min(step.reason.action for step in protects)
            holding = [step for step in protects if step.reason.action == cap]
            if cap < action:
                action, deciders = cap, holding
            elif cap == action:
                deciders += holding
        steps += protects

        for step in deciders:
            step.decisive = True
        return action, steps

    # --- A decision ---------------------------------------------------------------------

    def decide(
        self,
        profile: Profile,
        context: str,
        descriptors: Mapping[str, str],
        signals: tuple[Signal, ...] = (),
    ) -> Decision:
        """The decision for `profile` in `context` about content with `descriptors`
        (already merged with what text analysis found: see merge_descriptors). `signals`
        are the evidence, carried into the decision. ValueError on unknown keys."""
        effective = merge_descriptors(descriptors)
        if context not in CONTEXT_KEYS:
            raise ValueError(f"Unknown context {context!r}")
        if profile.band is None:
            return _plain(
                ADULT_RULE, "Adults are not restricted", profile, context, effective, signals
            )
        if not effective:
            _check_situation(profile.band, context, profile.vulnerabilities)
            return _plain(
                NONE_RULE, "Nothing restricted was found", profile, context, effective, signals
            )

        flags = frozenset(profile.vulnerabilities)
        cells = [
            (descriptor, self.cell(descriptor, level, profile.band, context, flags))
            for descriptor, level in effective.items()
        ]
        action = max(cell.action for _descriptor, cell in cells)
        reasons: list[Reason] = []
        for _descriptor, cell in cells:
            if cell.action == action:
                reasons += cell.reasons
            else:
                reasons += [replace(r, decisive=False) if r.decisive else r for r in cell.reasons]
        return Decision(
            action=action,
            band=profile.band,
            context=context,
            reasons=tuple(reasons),
            alert_adult=any(cell.alert_adult for _d, cell in cells),
            show_support=any(cell.support for _d, cell in cells),
            unblockable=not any(
                cell.locked or _is_signal(descriptor)
                for descriptor, cell in cells
                if cell.action == action
            ),
            descriptors=effective,
            signals=tuple(signals),
            support_topics=tuple(descriptor for descriptor, cell in cells if cell.support),
        )


def _is_signal(descriptor: str) -> bool:
    """Grooming, bullying and threats are found in messages to or from the child: what
    holds them back is the adults' to look at with the child, never a child's request
    to lift (someone grooming a child could press them to ask)."""
    return DESCRIPTOR_BY_KEY[descriptor].family == "signal"


def _lookup(
    layer: Layer, descriptor: str, level: str, band: str, context: str
) -> tuple[tuple[str, str, str, str], Action | None]:
    """A layer's adjustment for this context, or failing that for any context."""
    specific = (descriptor, level, band, context)
    found = layer.overrides.get(specific)
    if found is not None:
        return specific, found
    general = (descriptor, level, band, "")
    return general, layer.overrides.get(general)


def _plain(
    rule_id: str,
    title: str,
    profile: Profile,
    context: str,
    descriptors: dict[str, str],
    signals: tuple[Signal, ...],
) -> Decision:
    reason = Reason(
        rule_id=rule_id,
        title=title,
        source=HAVEN_SOURCE,
        descriptor="",
        level="",
        action=Action.ALLOW,
        effect="set",
        layer="default",
        decisive=True,
    )
    return Decision(
        action=Action.ALLOW,
        band=profile.band,
        context=context,
        reasons=(reason,),
        descriptors=descriptors,
        signals=tuple(signals),
    )


def apply_approval(decision: Decision) -> Decision:
    """The decision once a trusted adult has approved this content for this child: allow,
    unless a locked rule decided it (then it stands as it was)."""
    if not decision.unblockable or decision.action == Action.ALLOW:
        return decision
    approved = Reason(
        rule_id=APPROVED_RULE,
        title="A trusted adult approved this",
        source=HAVEN_SOURCE,
        descriptor="",
        level="",
        action=Action.ALLOW,
        effect="approved",
        layer="approval",
        decisive=True,
    )
    earlier = tuple(replace(r, decisive=False) if r.decisive else r for r in decision.reasons)
    return replace(decision, action=Action.ALLOW, reasons=(*earlier, approved))
