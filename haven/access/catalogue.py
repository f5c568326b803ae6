"""The vocabulary of access policy: content descriptors and their levels, age bands,
contexts of use, vulnerability flags and actions.

Every other part of the policy service speaks these keys: rules, the decision API, text
signals, the editor and the evaluation sets. They are stable identifiers (clients store
them), so a key is never renamed; labels may change and are translated.

Descriptor levels are ordered from mild to severe where that makes sense, after OARS
(content type x intensity). Some descriptors mix kinds rather than intensities, because
the kind is what the references grade on: self-harm recovery and support is not a milder
self-harm, it is help (UK Online Safety Act: content that encourages or instructs
self-harm is kept from all children; content about recovery is not).
"""

from dataclasses import dataclass
from enum import IntEnum

from django.utils.translation import gettext_lazy as _


class Action(IntEnum):
    """What happens to the content, least to most restrictive. Ordered, so that the most
    restrictive of several rules is simply the largest."""

    ALLOW = 0
    GUIDANCE = 1  # allow, with a note for the child (what this is, where to get help)
    WARN = 2  # blur or interstitial: the child may go on
    RESTRICT = 3  # needs a trusted adult's approval
    BLOCK = 4

    @property
    def key(self) -> str:
        return ACTION_KEYS[self]

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self])

    @classmethod
    def from_key(cls, key: str) -> "Action":
        try:
            return ACTION_BY_KEY[key]
        except KeyError:
            raise ValueError(f"Unknown action {key!r}") from None


ACTION_KEYS = {
    Action.ALLOW: "allow",
    Action.GUIDANCE: "allow_with_guidance",
    Action.WARN: "warn",
    Action.RESTRICT: "restrict",
    Action.BLOCK: "block",
}
ACTION_BY_KEY = {key: action for action, key in ACTION_KEYS.items()}
ACTION_LABELS = {
    Action.ALLOW: _("Allow"),
    Action.GUIDANCE: _("Allow with guidance"),
    Action.WARN: _("Warn (blur or interstitial)"),
    Action.RESTRICT: _("Restrict (a trusted adult approves)"),
    Action.BLOCK: _("Block"),
}


@dataclass(frozen=True)
class Level:
    key: str
    label: str


@dataclass(frozen=True)
class Descriptor:
    key: str
    label: str
    levels: tuple[Level, ...]
    # Where a descriptor comes from: "content" (what the content is), "contact" (what a
    # feature lets others do to the child), "signal" (found in text a child sends or
    # receives: grooming, self-harm intent, bullying, threats).
    family: str = "content"

    @property
    def level_keys(self) -> tuple[str, ...]:
        return tuple(level.key for level in self.levels)


def _d(key, label, levels, family="content") -> Descriptor:
    return Descriptor(key, label, tuple(Level(k, v) for k, v in levels), family)


DESCRIPTORS: tuple[Descriptor, ...] = (
    _d(
        "violence",
        _("Violence"),
        [
            ("fantasy_mild", _("Fantasy or cartoon, mild")),
            ("fantasy_intense", _("Fantasy, intense")),
            ("realistic_mild", _("Realistic, mild")),
            ("realistic_intense", _("Realistic, intense")),
        ],
    ),
    _d("gore", _("Gore and injury detail"), [("mild", _("Mild")), ("intense", _("Intense"))]),
    _d(
        "sexual",
        _("Sexual content"),
        [
            ("education", _("Sex and relationships education")),
            ("suggestive", _("Suggestive")),
            ("explicit", _("Explicit (pornography)")),
        ],
    ),
    _d(
        "nudity",
        _("Nudity"),
        [
            ("natural", _("Natural (breastfeeding, naturism, bathing)")),
            ("artistic", _("Artistic")),
            ("educational_medical", _("Educational or medical")),
            ("sexualised", _("Sexualised")),
        ],
    ),
    _d(
        "self_harm",
        _("Self-harm and suicide"),
        [
            ("recovery_support", _("Recovery and support")),
            ("discussed", _("Discussed (awareness, news)")),
            ("intent", _("A child's own words of intent")),
            ("promoting", _("Encouraging or glorifying")),
            ("instructing", _("Instructing (methods)")),
        ],
    ),
    _d(
        "eating_disorder",
        _("Eating disorders"),
        [
            ("recovery_support", _("Recovery and support")),
            ("discussed", _("Discussed (awareness, news)")),
            ("promoting", _("Encouraging or glorifying")),
            ("instructing", _("Instructing")),
        ],
    ),
    _d(
        "hate",
        _("Hate and extremism"),
        [
            ("discussed_critically", _("Discussed critically (history, news, education)")),
            ("derogatory", _("Derogatory")),
            ("inciting", _("Inciting hatred or violence")),
        ],
    ),
    _d(
        "drugs",
        _("Drugs, alcohol and tobacco"),
        [
            ("education", _("Education and harm reduction")),
            ("references", _("References")),
            ("glamorised", _("Glamorised or encouraged")),
        ],
    ),
    _d(
        "gambling",
        _("Gambling"),
        [
            ("references", _("References")),
            ("simulated", _("Simulated (no real money)")),
            ("real_money", _("Real money")),
        ],
    ),
    _d(
        "dangerous_stunts",
        _("Dangerous stunts and challenges"),
        [("depicted", _("Depicted")), ("encouraged", _("Encouraged or instructed"))],
    ),
    _d("horror", _("Horror and fear"), [("mild", _("Mild")), ("intense", _("Intense"))]),
    _d("profanity", _("Profanity"), [("mild", _("Mild")), ("strong", _("Strong"))]),
    _d(
        "contact_strangers",
        _("Contact with strangers"),
        [("moderated", _("Moderated")), ("unmoderated", _("Unmoderated"))],
        family="contact",
    ),
    _d(
        "location_sharing",
        _("Location sharing"),
        [("approximate", _("Approximate")), ("precise", _("Precise"))],
        family="contact",
    ),
    _d(
        "purchases",
        _("Purchases"),
        [("in_app", _("In-app purchases")), ("real_money", _("Spending real money"))],
        family="contact",
    ),
    _d(
        "grooming",
        _("Grooming patterns"),
        [("possible", _("Possible (one sign)")), ("likely", _("Likely (several signs)"))],
        family="signal",
    ),
    _d(
        "bullying",
        _("Bullying"),
        [("insult", _("Insults")), ("harassment", _("Harassment or exclusion"))],
        family="signal",
    ),
    _d(
        "threat",
        _("Threats"),
        [("veiled", _("Veiled")), ("explicit", _("Explicit threat of harm"))],
        family="signal",
    ),
)
DESCRIPTOR_BY_KEY = {descriptor.key: descriptor for descriptor in DESCRIPTORS}


@dataclass(frozen=True)
class AgeBand:
    key: str
    label: str
    low: int
    high: int  # inclusive


# The UK Age Appropriate Design Code's developmental age ranges.
AGE_BANDS: tuple[AgeBand, ...] = (
    AgeBand("0-5", "0-5", 0, 5),
    AgeBand("6-9", "6-9", 6, 9),
    AgeBand("10-12", "10-12", 10, 12),
    AgeBand("13-15", "13-15", 13, 15),
    AgeBand("16-17", "16-17", 16, 17),
)
BAND_KEYS = tuple(band.key for band in AGE_BANDS)
ADULT_AGE = 18


def band_for_age(age: int, maturity: str = "as_age") -> str | None:
    """The age band of a child of `age`, moved one band younger or older by a trusted
    adult's judgement of their maturity. None for adults (18 and over)."""
    if age < 0:
        raise ValueError("age must not be negative")
    if age >= ADULT_AGE:
        return None
    index = next(i for i, band in enumerate(AGE_BANDS) if band.low <= age <= band.high)
    index += {"younger": -1, "older": 1}.get(maturity, 0)
    return AGE_BANDS[min(max(index, 0), len(AGE_BANDS) - 1)].key


MATURITY_CHOICES = (
    ("as_age", _("As for their age")),
    ("younger", _("Less mature: treat as the band below")),
    ("older", _("More mature: treat as the band above")),
)

CONTEXTS = (
    ("home", _("Home")),
    ("school", _("School")),
    ("supervised", _("Supervised by an adult")),
    ("educational", _("Educational purpose")),
    ("medical", _("Medical or health")),
    ("news", _("News")),
    ("art", _("Art")),
)
CONTEXT_KEYS = tuple(key for key, _label in CONTEXTS)
DEFAULT_CONTEXT = "home"

VULNERABILITIES = (
    ("self_harm_risk", _("At risk of self-harm or suicide")),
    ("eating_disorder_risk", _("At risk of an eating disorder")),
    ("contact_risk", _("Targeted or exploited before (contact risk)")),
    ("additional_needs", _("Additional learning needs")),
    ("addiction_risk", _("At risk of addiction (gambling, substances)")),
)
VULNERABILITY_KEYS = tuple(key for key, _label in VULNERABILITIES)

MONITORED_BY = (
    ("", _("Not monitored")),
    ("parent", _("A parent or carer")),
    ("school", _("The school")),
)


def is_valid_level(descriptor: str, level: str) -> bool:
    found = DESCRIPTOR_BY_KEY.get(descriptor)
    return found is not None and level in found.level_keys
