"""The shapes the policy service passes around: rules, a child's profile, content, the
signals found in text, and the decision with its reasons. Plain frozen data, so that
the engine is a pure function and decisions can be cached, tested and compared."""

from dataclasses import dataclass, field

from haven.access.catalogue import Action


@dataclass(frozen=True)
class Rule:
    """One rule of a policy. It matches a descriptor at one of `levels`, for the age
    bands, contexts and vulnerabilities given (empty: any), and has an effect by kind:

    grade    the action for what it matches, in its layer (later layers replace it)
    relax    a context lowers the action: at most `action` (BBFC: educational purpose,
             natural nudity, news); applies to the default layer only
    floor    at least `action`, whatever any layer says: locked rules (the Online
             Safety Act's primary priority content, gambling with real money) and the
             safeguards for vulnerable children
    protect  at most `action`, applied last: help, health information and news are
             never blocked
    """

    id: str
    title: str
    source: str  # the citation: which reference, which part
    descriptor: str
    levels: tuple[str, ...]
    action: Action
    kind: str = "grade"
    bands: tuple[str, ...] = ()
    contexts: tuple[str, ...] = ()
    vulnerabilities: tuple[str, ...] = ()  # any of these; empty: regardless
    alert_adult: bool = False
    support: bool = False
    layer: str = "default"  # "default", or the name of the policy that made it
    locked: bool = False  # editors cannot weaken it (shown with a lock)

    def matches(self, descriptor: str, level: str, band: str, context: str, flags) -> bool:
        return (
            descriptor == self.descriptor
            and level in self.levels
            and (not self.bands or band in self.bands)
            and (not self.contexts or context in self.contexts)
            and (not self.vulnerabilities or any(v in flags for v in self.vulnerabilities))
        )


@dataclass(frozen=True)
class Profile:
    """Who the content is for. `band` is None for adults."""

    band: str | None
    age: int | None = None
    maturity: str = "as_age"
    vulnerabilities: frozenset[str] = frozenset()
    monitored_by: str = ""  # "", "parent" or "school"
    profile_id: str | None = None  # a ChildProfile's public id, when known


@dataclass(frozen=True)
class Signal:
    """Something found in text: `kind` is "<descriptor>.<pattern>", e.g.
    "grooming.secrecy"; `evidence` the words that matched (at most 80 characters)."""

    kind: str
    descriptor: str
    level: str
    evidence: str


@dataclass(frozen=True)
class Analysis:
    """What text analysis found: signals, and the descriptors they add up to."""

    signals: tuple[Signal, ...] = ()
    descriptors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Content:
    descriptors: dict[str, str] = field(default_factory=dict)
    text: str = ""
    ref: str = ""  # a URL or the platform's own id
    title: str = ""


@dataclass(frozen=True)
class Reason:
    """Why: one rule that took part in the decision, and what it did."""

    rule_id: str
    title: str
    source: str
    descriptor: str
    level: str
    action: Action
    effect: str  # "set", "relaxed", "raised", "capped", "approved"
    layer: str
    decisive: bool = False


@dataclass(frozen=True)
class Decision:
    action: Action
    band: str | None
    context: str
    reasons: tuple[Reason, ...]
    alert_adult: bool = False
    show_support: bool = False
    # Whether a trusted adult may lift it: False when a locked rule decided.
    unblockable: bool = True
    descriptors: dict[str, str] = field(default_factory=dict)
    signals: tuple[Signal, ...] = ()
    # Support topics (descriptor keys) for haven.access.resources to turn into contacts.
    support_topics: tuple[str, ...] = ()
