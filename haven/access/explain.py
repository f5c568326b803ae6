"""Decisions in words: for the child, in words for their age; for the adult, the rules.

The child is always told what kind of content it is, what they can do (go on, ask an
adult, or nothing, when no one can lift it) and, for self-harm, that help is there. A
child is never blamed: a decision is about the content, not about them. A visible sign
when a child is monitored is the Age Appropriate Design Code's standard 11.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.access.catalogue import DESCRIPTOR_BY_KEY, DESCRIPTORS, Action
from haven.access.types import Decision

YOUNG = ("0-5", "6-9")
SELF_HARM = ("self_harm", "eating_disorder")
# Found in messages to or from the child (the catalogue's "signal" family).
SIGNALS = tuple(descriptor.key for descriptor in DESCRIPTORS if descriptor.family == "signal")

# What the content is, as a sentence a child of 10 understands. Some levels are not a
# milder kind of the same thing but something else (help; the child's own words).
WHAT: dict[str | tuple[str, str], object] = {
    "violence": gettext_lazy("This has violence in it."),
    "gore": gettext_lazy("This shows blood and injuries."),
    "sexual": gettext_lazy("This has sexual content in it."),
    ("sexual", "education"): gettext_lazy("This is about bodies, sex and relationships."),
    "nudity": gettext_lazy("This shows people without clothes."),
    "self_harm": gettext_lazy("This is about self-harm or suicide."),
    ("self_harm", "recovery_support"): gettext_lazy(
        "This is about getting help and feeling better."
    ),
    ("self_harm", "intent"): gettext_lazy(
        "It sounds like things might be really hard for you right now."
    ),
    "eating_disorder": gettext_lazy("This is about eating problems."),
    ("eating_disorder", "recovery_support"): gettext_lazy(
        "This is about getting help and feeling better."
    ),
    "hate": gettext_lazy("This has hate against people in it."),
    ("hate", "discussed_critically"): gettext_lazy(
        "This is about hate against people, and why it is wrong."
    ),
    "drugs": gettext_lazy("This is about drugs, alcohol or smoking."),
    "gambling": gettext_lazy("This has gambling in it."),
    "dangerous_stunts": gettext_lazy("This has dangerous stunts in it."),
    "horror": gettext_lazy("This has scary scenes in it."),
    "profanity": gettext_lazy("This has strong language in it."),
    "contact_strangers": gettext_lazy("This lets you talk with people you don't know."),
    "location_sharing": gettext_lazy("This shares where you are."),
    "purchases": gettext_lazy("This lets you spend money."),
    "grooming": gettext_lazy(
        "Some messages here look like someone may be trying to trick or pressure you. "
        "That is never your fault."
    ),
    "bullying": gettext_lazy("Some messages here look unkind or hurtful."),
    "threat": gettext_lazy("Some messages here look like a threat."),
}


def _decisive(decision: Decision) -> list[tuple[str, str]]:
    """The (descriptor, level) pairs that decided, most telling first."""
    found: list[tuple[str, str]] = []
    for reason in decision.reasons:
        pair = (reason.descriptor, reason.level)
        if reason.decisive and reason.descriptor and pair not in found:
            found.append(pair)
    return found


def _what(descriptor: str, level: str) -> str:
    return str(WHAT.get((descriptor, level)) or WHAT.get(descriptor, ""))


def explain_for_child(decision: Decision, adult_label: str = "") -> str:
    """What happened and what the child can do, in words for their age band."""
    if decision.band is None:
        return ""
    young = decision.band in YOUNG
    adult = adult_label or (_("a grown-up you trust") if young else _("a trusted adult"))
    decisive = _decisive(decision)
    intent = decision.descriptors.get("self_harm") == "intent"
    signal = any(descriptor in SIGNALS for descriptor, _level in decisive)
    lines = []
    if intent:
        # A child's own words: no verdict on them, only care (below).
        if young:
            lines.append(_("It sounds like you might be having a hard time."))
        else:
            lines.append(str(WHAT[("self_harm", "intent")]))
    elif young:
        if signal:
            lines.append(_("Some messages here worried us."))
        lines.append(_young_words(decision, adult, signal))
    else:
        lines += [_what(descriptor, level) for descriptor, level in decisive[:2]]
        lines.append(_older_words(decision, adult, signal))
    lines += _care_words(decision, adult, young)
    return " ".join(line for line in lines if line)


def _young_words(decision: Decision, adult: str, signal: bool) -> str:
    action, values = decision.action, {"adult": adult}
    if signal and action >= Action.RESTRICT:
        return _("Please show this to %(adult)s.") % values
    if action == Action.BLOCK and not decision.unblockable:
        return _("This is not for children. You can talk to %(adult)s about it.") % values
    if action == Action.BLOCK:
        return _("This is for older people. You can ask %(adult)s.") % values
    if action == Action.RESTRICT:
        return _("This is for older people. You can ask %(adult)s to look at it with you.") % (
            values
        )
    if action == Action.WARN:
        return (
            _("This might be upsetting or scary. You can stop here, or ask %(adult)s to help.")
            % values
        )
    if action == Action.GUIDANCE:
        return _("You can look at this. If anything worries you, tell %(adult)s.") % values
    return _("You can look at this.")


def _older_words(decision: Decision, adult: str, signal: bool) -> str:
    action, band = decision.action, decision.band
    if signal and action >= Action.RESTRICT:
        text = _("These messages are held back until %(adult)s has looked at them.")
    elif signal and action == Action.WARN:
        text = _("Take care: you can stop replying, block them, or talk to %(adult)s.")
    elif action == Action.BLOCK and not decision.unblockable:
        if band == "10-12":
            text = _(
                "It is blocked. This can't be unblocked because it is kept from everyone "
                "under 18, by law or by Haven's rules."
            )
        else:
            text = _(
                "It is blocked. This can't be unblocked because the law or Haven's rules "
                "keep it from everyone under 18, whoever looks after you. It is about the "
                "content, not about you."
            )
    elif action == Action.BLOCK:
        if band == "10-12":
            text = _(
                "It is blocked. If you think it is OK for you, you can ask %(adult)s to unblock it."
            )
        else:
            text = _(
                "It is blocked. You can ask %(adult)s to unblock it, and say why you want "
                "to see it."
            )
    elif action == Action.RESTRICT:
        if band == "10-12":
            text = _("You need a yes from %(adult)s first. You can ask them.")
        else:
            text = _("It needs %(adult)s to approve it first: you can ask them.")
    elif action == Action.WARN:
        if band == "16-17":
            text = _("It's your choice whether to go on.")
        else:
            text = _("It might upset you. You can choose whether to go on.")
    elif action == Action.GUIDANCE:
        text = _("You can see it. If anything worries you, talk to %(adult)s.")
    else:
        text = _("You can see it.")
    return text % {"adult": adult} if "%(adult)s" in text else text


def _care_words(decision: Decision, adult: str, young: bool) -> list[str]:
    """Self-harm: always a warm line that help is there; an alert: that the adult will be
    told, so they can help. Never blaming."""
    descriptors = set(decision.descriptors) | set(decision.support_topics)
    lines = []
    if descriptors & set(SELF_HARM):
        if young:
            lines.append(
                _("If you feel very sad, you are not alone: %(adult)s wants to help.")
                % {"adult": adult}
            )
        else:
            lines.append(
                _(
                    "You are not alone: there are people who want to help, free and "
                    "private, whenever you need them."
                )
            )
    elif decision.show_support:
        lines.append(_("If this worries you, there are people you can talk to."))
    if decision.alert_adult:
        if young:
            lines.append(_("We will tell %(adult)s, so they can help you.") % {"adult": adult})
        else:
            lines.append(
                _(
                    "We will let %(adult)s know, so they can help you. You have not done "
                    "anything wrong."
                )
                % {"adult": adult}
            )
    return lines


def explain_for_adult(decision: Decision) -> str:
    """The decision and the rules that made it, in plain words, one per line."""
    if decision.band is None:
        return _("Adults are not restricted.")
    lines = [
        _("%(action)s for ages %(band)s in the %(context)s context.")
        % {
            "action": decision.action.label,
            "band": decision.band,
            "context": decision.context,
        }
    ]
    for reason in decision.reasons:
        mark = "*" if reason.decisive else "-"
        what = ""
        if reason.descriptor:
            descriptor = DESCRIPTOR_BY_KEY[reason.descriptor]
            what = f"{descriptor.label} ({reason.level}): "
        lines.append(
            f"{mark} {reason.rule_id}: {what}{reason.title} — {reason.effect} "
            f"{reason.action.key} [{reason.source}]"
        )
    if any(reason.decisive for reason in decision.reasons):
        lines.append(_("* marks the rules that decided."))
    if not decision.unblockable and decision.action > Action.ALLOW:
        if any(r.decisive and r.descriptor in SIGNALS for r in decision.reasons):
            lines.append(
                _(
                    "Found in messages to or from the child: the trusted adults look at it "
                    "with the child; a child's request cannot lift it."
                )
            )
        else:
            lines.append(_("A locked rule decided this: no one can unblock it."))
    if decision.alert_adult:
        lines.append(_("A trusted adult is alerted."))
    if decision.show_support:
        lines.append(_("The child is shown support contacts."))
    return "\n".join(lines)


def monitoring_notice(monitored_by: str, band: str | None) -> str:
    """The visible sign that someone monitors the child ("" when no one does)."""
    if not monitored_by or band is None:
        return ""
    young = band in YOUNG
    if monitored_by == "school":
        if young:
            return _("Your school can see what you do here.")
        return _(
            "Your school monitors how you use this. You have a right to know, and to ask "
            "them what they can see."
        )
    if young:
        return _("Mum, Dad or the grown-up who looks after you can see what you do here.")
    return _(
        "A parent or carer monitors how you use this. You have a right to know, and to "
        "ask them what they can see."
    )
