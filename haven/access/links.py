"""The link a platform gives a child when Haven held something back: /access/why/<token>/.

The token is the decision itself, compressed and encrypted (Fernet, under a key derived
for this purpose from the evidence key: authenticated, so it cannot be forged, and
unreadable, so a link seen in a browser's history, a school filter's log or a
platform's log does not tell that a child was flagged, or for what), so that the page
needs no stored decision and no login: it carries the profile's public
id, what the content was called (cut short), the key that matches it later, the
descriptors, the action, the decisive rules and whether an adult may lift it. It holds
no text the child sent or received. A token lasts MAX_AGE; a forged or older one opens
nothing.
"""

import json
import zlib
from dataclasses import dataclass, field
from datetime import timedelta

from cryptography.fernet import InvalidToken
from django.urls import reverse

from haven.access.catalogue import Action
from haven.access.types import Content, Decision, Reason
from haven.hashing.sealing import purpose_cipher

PURPOSE = b"haven.access.why"
MAX_AGE = timedelta(days=7)
# A genuine token is under 1 KB; anything longer is refused before decrypting.
MOST_TOKEN_CHARS = 4096
MOST_PAYLOAD_BYTES = 16384
VERSION = 1
# Cut so that a link stays short enough for a text message or an old phone's browser.
REF_CHARS = 400
TITLE_CHARS = 120
MOST_RULES = 8


@dataclass(frozen=True)
class WhyPayload:
    """What a why-link says. `rules` are (rule id, descriptor, level) of the reasons
    that decided the action."""

    profile_id: str
    content_ref: str
    content_title: str
    content_key: str
    descriptors: dict[str, str]
    action: Action
    rules: tuple[tuple[str, str, str], ...]
    unblockable: bool
    band: str | None
    context: str = "home"
    show_support: bool = False
    alert_adult: bool = False
    support_topics: tuple[str, ...] = field(default=())

    @property
    def rule_ids(self) -> list[str]:
        return [rule_id for rule_id, _descriptor, _level in self.rules]

    @property
    def may_ask(self) -> bool:
        """Whether the child may ask an adult to lift it: it was held back until an
        adult approves (restrict) or blocked, an adult is allowed to lift it, and there
        is a reference to lift it for. A warning needs no one: the child may go on."""
        return self.unblockable and self.action >= Action.RESTRICT and bool(self.content_key)

    def decision(self) -> Decision:
        """The decision again, as far as the explanation needs it (titles and citations
        stay with the adults: the child is told what, not which rule)."""
        reasons = tuple(
            Reason(
                rule_id=rule_id,
                title="",
                source="",
                descriptor=descriptor,
                level=level,
                action=self.action,
                effect="set",
                layer="",
                decisive=True,
            )
            for rule_id, descriptor, level in self.rules
        )
        return Decision(
            action=self.action,
            band=self.band,
            context=self.context,
            reasons=reasons,
            show_support=self.show_support,
            alert_adult=self.alert_adult,
            unblockable=self.unblockable,
            descriptors=dict(self.descriptors),
            support_topics=self.support_topics,
        )


def why_token(profile, content: Content, decision: Decision) -> str:
    """A signed link token for `decision` about `content` for `profile` (a ChildProfile)."""
    from haven.access.unblocking import content_key

    decisive = [reason for reason in decision.reasons if reason.decisive][:MOST_RULES]
    data = {
        "v": VERSION,
        "p": profile.public_id,
        "ref": content.ref.strip()[:REF_CHARS],
        "title": content.title.strip()[:TITLE_CHARS],
        "key": content_key(content.ref),
        "d": dict(decision.descriptors),
        "a": decision.action.key,
        "r": [[r.rule_id, r.descriptor, r.level] for r in decisive],
        "u": decision.unblockable,
        "b": decision.band,
        "c": decision.context,
        "s": decision.show_support,
        "al": decision.alert_adult,
        "t": list(decision.support_topics),
    }
    packed = zlib.compress(json.dumps(data, separators=(",", ":")).encode())
    return purpose_cipher(PURPOSE).encrypt(packed).decode()


def read_why_token(token: str) -> WhyPayload | None:
    """The payload of a genuine token younger than MAX_AGE, else None."""
    if len(token) > MOST_TOKEN_CHARS:
        return None
    try:
        packed = purpose_cipher(PURPOSE).decrypt(token.encode(), ttl=int(MAX_AGE.total_seconds()))
        inflate = zlib.decompressobj()
        data = json.loads(inflate.decompress(packed, MOST_PAYLOAD_BYTES))
        if inflate.unconsumed_tail or data.get("v") != VERSION:
            return None
        return WhyPayload(
            profile_id=str(data["p"]),
            content_ref=str(data["ref"]),
            content_title=str(data["title"]),
            content_key=str(data["key"]),
            descriptors={str(k): str(v) for k, v in data["d"].items()},
            action=Action.from_key(data["a"]),
            rules=tuple((str(i), str(d), str(lv)) for i, d, lv in data["r"]),
            unblockable=bool(data["u"]),
            band=data["b"],
            context=str(data["c"]),
            show_support=bool(data["s"]),
            alert_adult=bool(data.get("al")),
            support_topics=tuple(str(topic) for topic in data["t"]),
        )
    except (InvalidToken, zlib.error, KeyError, TypeError, ValueError, AttributeError):
        return None


def why_url(request, token: str) -> str:
    """The child's page for `token`: absolute when a request is given, else the path."""
    path = reverse("access:why", kwargs={"token": token})
    return request.build_absolute_uri(path) if request is not None else path
