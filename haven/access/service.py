"""The decision service: what platforms, schools and parental tools ask, over HTTP or in
process, answered in one place.

A request names the child (a profile's public id, or an age with flags given inline),
the context, and the content (descriptors, text to analyse, or both). The service checks
the request field by field, finds the policy, runs the engine, and adds what follows
from the decision: an adult's approval to unblock, an alert to a trusted adult, support
resources, the explanations and the child's why-link.

Decisions are neither stored nor audited one by one: text is analysed in memory and
forgotten, and nothing about the content is written except an alert to a trusted adult
(categories and rule ids, never the text). Creating a profile is audited.

Ids of policies and profiles are looked up in the caller's organisation only: another
organisation's id is "not found", exactly as a made-up one.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from haven.access import alerts, links, unblocking
from haven.access.access import organisation_policy
from haven.access.catalogue import (
    CONTEXT_KEYS,
    DEFAULT_CONTEXT,
    DESCRIPTOR_BY_KEY,
    MATURITY_CHOICES,
    MONITORED_BY,
    VULNERABILITY_KEYS,
    Action,
    band_for_age,
)
from haven.access.compiled import compiled_for
from haven.access.engine import apply_approval, level_rank, merge_descriptors
from haven.access.explain import explain_for_adult, explain_for_child, monitoring_notice
from haven.access.forms_children import child_age
from haven.access.models import ChildProfile, Policy, UnblockRequest
from haven.access.resources import resources_for
from haven.access.signals import analyse
from haven.access.types import Content, Decision, Profile, Reason
from haven.audit.services import Actor, record

# Public ids and tokens are URL-safe base64 after a prefix: anything else finds nothing.
PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]+")
MAX_BATCH = 500
MAX_TEXT = 20_000
# All the text of one batch together: analysing text is the costly part of a decision.
MAX_BATCH_TEXT = 200_000
MAX_REF = 2_000
MAX_TITLE = 300
MAX_AGE = 120

MATURITY_KEYS = tuple(key for key, _label in MATURITY_CHOICES)
MONITORED_BY_KEYS = tuple(key for key, _label in MONITORED_BY)
REQUEST_FIELDS = ("policy", "profile", "context", "content")
PROFILE_FIELDS = ("id", "age", "maturity", "vulnerabilities", "monitored_by")
CONTENT_FIELDS = ("descriptors", "text", "ref", "title")


class Invalid(Exception):
    """The request is not valid. `errors` maps each field at fault, as a dotted path
    ("profile.age", "content.descriptors.violence"), to what is wrong with it."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class NotFound(Exception):
    """No such policy or profile in the caller's organisation."""


@dataclass(frozen=True)
class Outcome:
    """A decision, and its JSON form as the API returns it."""

    decision: Decision
    data: dict[str, Any]


@dataclass(frozen=True)
class Ask:
    """A checked request: everything the engine and what follows it need."""

    policy: Policy
    profile: Profile
    child: ChildProfile | None
    context: str
    content: Content


# --- Entry points ---------------------------------------------------------------------------


def decide_request(
    organisation, data: Any, *, request=None, organisation_only: bool = False
) -> dict[str, Any]:
    """The decision for one API request body, as JSON. Raises Invalid or NotFound.
    `organisation_only`: see Scope."""
    return Scope(organisation, organisation_only).decide(data, request).data


def decide_batch(
    organisation, items: Any, *, request=None, organisation_only: bool = False
) -> list[dict[str, Any]]:
    """Decisions for up to MAX_BATCH requests, in order, each with its `index`. A bad
    item gets an `error` in the API's error shape in its place; the others are decided."""
    if not isinstance(items, list):
        raise Invalid({"items": [_("A list of decision requests.")]})
    if not items:
        raise Invalid({"items": [_("Send at least one decision request.")]})
    if len(items) > MAX_BATCH:
        raise Invalid(
            {
                "items": [
                    _("At most %(max)d items in one batch; this one has %(count)d. Split it.")
                    % {"max": MAX_BATCH, "count": len(items)}
                ]
            }
        )
    text = sum(_text_size(item) for item in items)
    if text > MAX_BATCH_TEXT:
        raise Invalid(
            {
                "items": [
                    _(
                        "At most %(max)s characters of text in one batch; this one has "
                        "%(count)s. Split it."
                    )
                    % {"max": f"{MAX_BATCH_TEXT:,}", "count": f"{text:,}"}
                ]
            }
        )
    scope = Scope(organisation, organisation_only)
    results = []
    for index, item in enumerate(items):
        try:
            results.append({"index": index, **scope.decide(item, request).data})
        except Invalid as exc:
            results.append({"index": index, "error": invalid_error(exc.errors)})
        except NotFound as exc:
            results.append({"index": index, "error": {"code": "not_found", "message": str(exc)}})
    return results


def _text_size(item: Any) -> int:
    content = item.get("content") if isinstance(item, dict) else None
    text = content.get("text") if isinstance(content, dict) else None
    return len(text) if isinstance(text, str) else 0


def decide(
    organisation,
    *,
    profile: ChildProfile | str | Mapping[str, Any],
    context: str = DEFAULT_CONTEXT,
    descriptors: Mapping[str, str] | None = None,
    text: str = "",
    ref: str = "",
    title: str = "",
    policy: Policy | str | None = None,
    request=None,
) -> Outcome:
    """The Python API: the same checks and decision as the HTTP API, for callers in
    Haven's own processes. `profile` is a ChildProfile, its public id, or an inline
    profile ({"age": 12, "maturity": ..., "vulnerabilities": [...], "monitored_by": ...});
    `policy` a Policy or its public id (default: the profile's, else the organisation's).

        outcome = decide(org, profile="chd_...", context="school",
                         descriptors={"violence": "realistic_intense"})
        outcome.decision.action, outcome.data["reasons"]
    """
    scope = Scope(organisation)
    if isinstance(profile, ChildProfile):
        scope.know_child(profile)
        profile = {"id": profile.public_id}
    elif isinstance(profile, str):
        profile = {"id": profile}
    data: dict[str, Any] = {
        "profile": dict(profile),
        "context": context,
        "content": {"descriptors": dict(descriptors or {}), "text": text, "ref": ref},
    }
    if title:
        data["content"]["title"] = title
    if isinstance(policy, Policy):
        scope.know_policy(policy)
        data["policy"] = policy.public_id
    elif policy:
        data["policy"] = policy
    return scope.decide(data, request)


def invalid_error(errors: dict[str, list[str]]) -> dict[str, Any]:
    """The API's error body for invalid input."""
    return {"code": "invalid", "message": "Some fields are not valid.", "fields": errors}


# --- The organisation's policies and profiles -----------------------------------------------


def policies_in(organisation) -> QuerySet[Policy]:
    return Policy.objects.filter(organisation=organisation)


def policy_in(organisation, public_id: str, policies: QuerySet[Policy] | None = None) -> Policy:
    """`public_id` among `policies` (default: all of the organisation's)."""
    if policies is None:
        policies = policies_in(organisation)
    # get(), not first(): no ORDER BY, which costs more to build than to run.
    try:
        return policies.select_related("parent").get(public_id=public_id)
    except Policy.DoesNotExist:
        raise NotFound(_("No policy %(id)s in your organisation.") % {"id": public_id}) from None


def children_in(organisation) -> QuerySet[ChildProfile]:
    return ChildProfile.objects.filter(organisation=organisation, active=True)


def child_in(organisation, public_id: str) -> ChildProfile:
    try:
        return children_in(organisation).select_related("policy__parent").get(public_id=public_id)
    except ChildProfile.DoesNotExist:
        raise NotFound(_("No profile %(id)s in your organisation.") % {"id": public_id}) from None


def unblock_request_in(organisation, token: str) -> UnblockRequest:
    if len(token) > 40 or not PUBLIC_ID.fullmatch(token):
        raise NotFound(_("No such request to unblock in your organisation."))
    try:
        return UnblockRequest.objects.select_related("profile").get(
            organisation=organisation, token=token
        )
    except UnblockRequest.DoesNotExist:
        raise NotFound(_("No such request to unblock in your organisation.")) from None


@transaction.atomic
def create_profile(
    actor: Actor,
    policy: Policy,
    *,
    label: str,
    birth_year: int,
    birth_month: int = 1,
    maturity: str = "as_age",
    vulnerabilities: Iterable[str] = (),
    monitored_by: str = "",
) -> ChildProfile:
    """A child's profile under a school or family policy, audited (without the label)."""
    child = ChildProfile.objects.create(
        organisation_id=policy.organisation_id,
        policy=policy,
        label=label,
        birth_year=birth_year,
        birth_month=birth_month,
        maturity=maturity,
        vulnerabilities=sorted(set(vulnerabilities)),
        monitored_by=monitored_by,
    )
    record(actor, "access.child.create", child, policy=policy.public_id, via="api")
    return child


def age_of(child: ChildProfile, today=None) -> int:
    """Whole years at `today` (default: today), counting from the birth month; never
    below 0 (a birth year typed wrong must not break a decision)."""
    return max(child_age(child, today), 0)


def profile_of(child: ChildProfile) -> Profile:
    age = age_of(child)
    return Profile(
        band=band_for_age(age, child.maturity),
        age=age,
        maturity=child.maturity,
        vulnerabilities=frozenset(child.vulnerabilities),
        monitored_by=child.monitored_by,
        profile_id=child.public_id,
    )


# --- Deciding -------------------------------------------------------------------------------


class Scope:
    """The caller's organisation, and the policies and profiles read in it so far, so that
    a batch reads each of them once. With `organisation_only` (callers who see no
    children: analysts and partner services) schools' and families' policies and
    children's profiles are not found, as on the pages; the organisation's policy and
    profiles given inline are."""

    def __init__(self, organisation, organisation_only: bool = False):
        self.organisation = organisation
        self.organisation_only = organisation_only
        self._policies: dict[str, Policy] = {}
        self._children: dict[str, ChildProfile] = {}
        self._organisation_policy: Policy | None = None

    def know_child(self, child: ChildProfile) -> None:
        if child.organisation_id == self.organisation.pk:
            self._children[child.public_id] = child

    def know_policy(self, policy: Policy) -> None:
        if policy.organisation_id == self.organisation.pk:
            self._policies[policy.public_id] = policy

    def policy(self, public_id: str) -> Policy:
        if public_id not in self._policies:
            policies = policies_in(self.organisation)
            if self.organisation_only:
                policies = policies.filter(kind=Policy.Kind.ORGANISATION)
            self._policies[public_id] = policy_in(self.organisation, public_id, policies)
        return self._policies[public_id]

    def child(self, public_id: str) -> ChildProfile:
        if self.organisation_only:
            raise NotFound(_("No profile %(id)s in your organisation.") % {"id": public_id})
        if public_id not in self._children:
            self._children[public_id] = child_in(self.organisation, public_id)
        return self._children[public_id]

    def default_policy(self) -> Policy:
        if self._organisation_policy is None:
            self._organisation_policy = organisation_policy(self.organisation)
        return self._organisation_policy

    def decide(self, data: Any, request=None) -> Outcome:
        ask = self.ask(data)
        decision = _decision(ask)
        alerted = _alert(ask, decision)
        return Outcome(decision, self.as_json(ask, decision, alerted, request))

    def ask(self, data: Any) -> Ask:
        """Check a request body and look up what it names (input errors before lookups,
        so that a bad request never tells whether an id exists)."""
        if not isinstance(data, Mapping):
            raise Invalid({"non_field_errors": [_("Send a JSON object.")]})
        errors: dict[str, list[str]] = {}
        _unknown_fields(data, REQUEST_FIELDS, "", errors)
        policy_id = _public_id(data.get("policy"), "policy", errors)
        profile = _profile(data.get("profile"), errors)
        context = _context(data.get("context", DEFAULT_CONTEXT), errors)
        content = _content(data.get("content"), errors)
        if errors:
            raise Invalid(errors)
        child, known = self.who(profile)
        if policy_id:
            policy = self.policy(policy_id)
        elif child is not None:
            policy = child.policy
        else:
            policy = self.default_policy()
        return Ask(policy, known, child, context, content)

    def who(self, profile: str | Profile | None) -> tuple[ChildProfile | None, Profile]:
        """The known child (for a public id) and the profile to decide for."""
        if isinstance(profile, str):
            child = self.child(profile)
            return child, profile_of(child)
        if profile is None:  # only with an error already reported
            raise Invalid({"profile": [_("Required.")]})
        return None, profile

    def as_json(self, ask: Ask, decision: Decision, alerted: bool, request) -> dict[str, Any]:
        monitored = ask.profile.monitored_by
        return {
            "action": decision.action.key,
            "alert_adult": decision.alert_adult,
            "alert_raised": alerted,
            "show_support": decision.show_support,
            "unblockable": decision.unblockable,
            "age_band": decision.band,
            "context": decision.context,
            "descriptors": dict(decision.descriptors),
            "signals": [
                {
                    "kind": signal.kind,
                    "descriptor": signal.descriptor,
                    "level": signal.level,
                    "evidence": signal.evidence,
                }
                for signal in decision.signals
            ],
            "reasons": [_reason(reason) for reason in decision.reasons],
            "support": self.support(decision),
            "explanation": {
                # "We will let an adult know" only when one is: an inline profile is
                # nobody Haven can name to an adult.
                "child": explain_for_child(
                    replace(decision, alert_adult=decision.alert_adult and alerted),
                    _adult_label(ask.policy),
                ),
                "adult": explain_for_adult(decision),
            },
            "monitoring": {
                "active": bool(monitored),
                "by": monitored or None,
                "notice": monitoring_notice(monitored, decision.band),
            },
            "why_url": _why_url(ask, decision, request),
            "profile": ask.child.public_id if ask.child is not None else None,
            "policy": {"id": ask.policy.public_id, "version": ask.policy.version},
        }

    def support(self, decision: Decision) -> list[dict[str, Any]]:
        if not decision.show_support:
            return []
        return resources_for(decision.support_topics, self.organisation.country)


def _decision(ask: Ask) -> Decision:
    compiled = compiled_for(ask.policy)
    descriptors = ask.content.descriptors
    signals: tuple = ()
    if ask.content.text:
        analysis = analyse(ask.content.text)
        descriptors = merge_descriptors(descriptors, analysis.descriptors)
        signals = analysis.signals
    decision = compiled.decide(ask.profile, ask.context, descriptors, signals)
    return _approved(ask, decision)


def _approved(ask: Ask, decision: Decision) -> Decision:
    """An adult's approval of this child's request to see this content lifts the
    decision, unless a locked rule made it (one query, only when there is something to
    lift). It covers what the adult saw and nothing more: a reference (a feed, a chat,
    a page) may later hold something else, and then the decision stands."""
    if (
        ask.child is None
        or not ask.content.ref
        or decision.action == Action.ALLOW
        or not decision.unblockable
    ):
        return decision
    key = unblocking.content_key(ask.content.ref)
    approval = unblocking.approved_request(ask.child.pk, key)
    if approval is None or not covers(approval, decision):
        return decision
    return apply_approval(decision)


def covers(approval: UnblockRequest, decision: Decision) -> bool:
    """Whether what was approved includes everything this decision holds back: no action
    stricter than the approved one, and no descriptor the adult did not see or at a more
    severe level than they saw."""
    if decision.action > Action.from_key(approval.action):
        return False
    seen = approval.descriptors or {}
    for descriptor, level in decision.descriptors.items():
        was = seen.get(descriptor)
        try:
            if was is None or level_rank(descriptor, level) > level_rank(descriptor, was):
                return False
        except (KeyError, ValueError):
            return False
    return True


def _alert(ask: Ask, decision: Decision) -> bool:
    """Tell the child's trusted adults, for a known child only (an inline profile is
    nobody Haven can name to an adult)."""
    if not decision.alert_adult or ask.child is None:
        return False
    alerts.raise_alert(ask.child, decision, ask.content.ref)
    return True


def _why_url(ask: Ask, decision: Decision, request) -> str | None:
    if ask.child is None or decision.action < Action.WARN:
        return None
    return links.why_url(request, links.why_token(ask.child, ask.content, decision))


def _adult_label(policy: Policy) -> str:
    if policy.adult_label or policy.parent_id is None:
        return policy.adult_label
    return policy.parent.adult_label if policy.parent else ""


def _reason(reason: Reason) -> dict[str, Any]:
    return {
        "rule": reason.rule_id,
        "title": str(reason.title),
        "source": str(reason.source),
        "descriptor": reason.descriptor,
        "level": reason.level,
        "action": reason.action.key,
        "effect": reason.effect,
        "layer": str(reason.layer),
        "decisive": reason.decisive,
    }


# --- Checking a request ---------------------------------------------------------------------


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _listed(keys: Iterable[str]) -> str:
    return ", ".join(key for key in keys if key) or "-"


def _unknown_fields(data: Mapping, known: tuple[str, ...], prefix: str, errors) -> None:
    for key in data:
        if key not in known:
            _add(
                errors,
                f"{prefix}{key}",
                _("Unknown field. Known fields here: %(known)s.") % {"known": _listed(known)},
            )


def _public_id(value: Any, field: str, errors) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > 32 or not PUBLIC_ID.fullmatch(value):
        _add(errors, field, _("A public id, as the API gave it (at most 32 characters)."))
        return ""
    return value


def _profile(value: Any, errors) -> str | Profile | None:
    """A known profile's public id, or an inline Profile."""
    if value is None:
        _add(errors, "profile", _('Required: {"id": "chd_..."} or {"age": 12, ...}.'))
        return None
    if not isinstance(value, Mapping):
        _add(errors, "profile", _('An object: {"id": "chd_..."} or {"age": 12, ...}.'))
        return None
    _unknown_fields(value, PROFILE_FIELDS, "profile.", errors)
    if "id" in value:
        extra = [key for key in value if key != "id" and key in PROFILE_FIELDS]
        if extra:
            _add(
                errors,
                "profile",
                _("Give either id (a known profile) or age with its flags, not both."),
            )
        public_id = _public_id(value["id"], "profile.id", errors)
        if not public_id and "profile.id" not in errors:
            _add(errors, "profile.id", _("Must not be empty."))
        return public_id or None
    return _inline_profile(value, errors)


def _inline_profile(value: Mapping, errors) -> Profile | None:
    age = value.get("age")
    if age is None:
        _add(errors, "profile.age", _("Required when the profile has no id."))
    elif isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE:
        _add(
            errors,
            "profile.age",
            _("A whole number of years from 0 to %(max)d.") % {"max": MAX_AGE},
        )
        age = None
    maturity = _choice(value.get("maturity", "as_age"), MATURITY_KEYS, "profile.maturity", errors)
    monitored = _choice(
        value.get("monitored_by", ""), MONITORED_BY_KEYS, "profile.monitored_by", errors
    )
    flags = _vulnerabilities(value.get("vulnerabilities", []), errors)
    if age is None or maturity is None or monitored is None or flags is None:
        return None
    return Profile(
        band=band_for_age(age, maturity),
        age=age,
        maturity=maturity,
        vulnerabilities=flags,
        monitored_by=monitored,
    )


def _choice(value: Any, keys: tuple[str, ...], field: str, errors) -> str | None:
    if isinstance(value, str) and value in keys:
        return value
    _add(
        errors,
        field,
        _("Unknown value %(value)s. Valid: %(valid)s.")
        % {"value": _shown(value), "valid": _listed(keys) + (' (or "")' if "" in keys else "")},
    )
    return None


def _vulnerabilities(value: Any, errors) -> frozenset[str] | None:
    if not isinstance(value, list):
        _add(errors, "profile.vulnerabilities", _("A list of vulnerability keys."))
        return None
    unknown = [
        item for item in value if not isinstance(item, str) or item not in VULNERABILITY_KEYS
    ]
    if unknown:
        _add(
            errors,
            "profile.vulnerabilities",
            _("Unknown vulnerability %(value)s. Valid: %(valid)s.")
            % {
                "value": ", ".join(_shown(item) for item in unknown),
                "valid": _listed(VULNERABILITY_KEYS),
            },
        )
        return None
    return frozenset(value)


def _context(value: Any, errors) -> str:
    return _choice(value, CONTEXT_KEYS, "context", errors) or DEFAULT_CONTEXT


def _content(value: Any, errors) -> Content:
    if not isinstance(value, Mapping) or not ("descriptors" in value or "text" in value):
        _add(
            errors,
            "content",
            _('Required: an object with descriptors, text or both, e.g. {"descriptors": {}}.'),
        )
        return Content()
    _unknown_fields(value, CONTENT_FIELDS, "content.", errors)
    return Content(
        descriptors=_descriptors(value.get("descriptors") or {}, errors),
        text=_text(value.get("text", ""), "content.text", MAX_TEXT, errors),
        ref=_text(value.get("ref", ""), "content.ref", MAX_REF, errors),
        title=_text(value.get("title", ""), "content.title", MAX_TITLE, errors),
    )


def _descriptors(value: Any, errors) -> dict[str, str]:
    if not isinstance(value, Mapping):
        _add(
            errors,
            "content.descriptors",
            _('An object of descriptor: level, e.g. {"violence": "realistic_mild"}.'),
        )
        return {}
    for key, level in value.items():
        descriptor = DESCRIPTOR_BY_KEY.get(key)
        if descriptor is None:
            _add(
                errors,
                f"content.descriptors.{key}",
                _("Unknown descriptor. Valid descriptors: %(valid)s.")
                % {"valid": _listed(DESCRIPTOR_BY_KEY)},
            )
        elif not isinstance(level, str) or level not in descriptor.level_keys:
            _add(
                errors,
                f"content.descriptors.{key}",
                _("Unknown level %(level)s for %(descriptor)s. Valid levels: %(valid)s.")
                % {
                    "level": _shown(level),
                    "descriptor": key,
                    "valid": _listed(descriptor.level_keys),
                },
            )
    return dict(value)


def _text(value: Any, field: str, limit: int, errors) -> str:
    if not isinstance(value, str):
        _add(errors, field, _("A string."))
        return ""
    if len(value) > limit:
        _add(
            errors,
            field,
            _("At most %(limit)s characters; this has %(count)s. Nothing is cut: send less.")
            % {"limit": f"{limit:,}", "count": f"{len(value):,}"},
        )
        return ""
    if not _storable(value):
        _add(errors, field, _("Text without NUL characters or broken Unicode."))
        return ""
    return value


def _storable(value: str) -> bool:
    """PostgreSQL refuses NUL in text and UTF-8 has no lone surrogates: such text would
    fail later (an alert not raised, a request not made), so it is refused at the door."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
