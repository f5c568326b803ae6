"""The demo organisation's access policies: its own policy, a school (Hillside Primary)
and two families with their guardians' logins, a few adjustments of Haven's default,
five children's profiles of different ages (one with a vulnerability, three monitored),
three requests to unblock (waiting, approved, declined) and two alerts.

Everything is invented. Children have nicknames, never names; content references are
under .example; alerts hold kinds of signal, never text. The requests and alerts are
written as rows, as history, so that seeding sends no e-mail. Seeded once: a demo that
has Hillside Primary already is left alone.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.access import organisation_policy
from haven.access.compiled import compiled_for
from haven.access.forms_children import birth_for_age
from haven.access.models import (
    AdultAlert,
    ChildProfile,
    Policy,
    PolicyGuardian,
    PolicyRule,
    UnblockRequest,
)
from haven.access.types import Profile
from haven.access.unblocking import content_key
from haven.accounts.models import Organisation, Role, User

SCHOOL = "Hillside Primary"
# (username, policy name, what the README says they try)
GUARDIANS = [
    ("demo-teacher", SCHOOL, "a teacher at Hillside Primary"),
    ("demo-parent", "The Okafor family", "a parent in the Okafor family"),
    ("demo-carer", "The Brennan family", "a carer in the Brennan family"),
]
ACCESS_DEMO_LOGINS = [(username, description) for username, _policy, description in GUARDIANS]


@dataclass(frozen=True)
class DemoChild:
    label: str
    policy: str
    age: int
    maturity: str = "as_age"
    vulnerabilities: tuple[str, ...] = ()
    monitored_by: str = ""


CHILDREN = [
    DemoChild("Bean", "The Okafor family", 6, monitored_by="parent"),
    DemoChild("Tobi", "The Okafor family", 12, monitored_by="parent"),
    DemoChild("Finn", "The Brennan family", 9),
    DemoChild(
        "Cat", "The Brennan family", 15, maturity="older", vulnerabilities=("self_harm_risk",)
    ),
    DemoChild("6B pupil 07", SCHOOL, 10, monitored_by="school"),
]

# (policy, descriptor, level, band, context, action, note): what each adjusted.
ADJUSTMENTS = [
    (SCHOOL, "contact_strangers", "moderated", "10-12", "school", "block", "No chat in class"),
    (SCHOOL, "violence", "realistic_intense", "10-12", "educational", "warn", "History topic"),
    ("The Okafor family", "horror", "mild", "6-9", "", "allow", "Bean loves spooky stories"),
    ("The Brennan family", "profanity", "mild", "13-15", "", "allow", ""),
]


def seed_access(organisation: Organisation, password: str) -> None:
    if Policy.objects.filter(organisation=organisation, name=SCHOOL).exists():
        return
    top = organisation_policy(organisation)
    policies = {
        SCHOOL: _policy(organisation, top, Policy.Kind.SCHOOL, SCHOOL, "your teacher"),
        "The Okafor family": _policy(
            organisation, top, Policy.Kind.FAMILY, "The Okafor family", "Mum or Dad"
        ),
        "The Brennan family": _policy(
            organisation, top, Policy.Kind.FAMILY, "The Brennan family", "Dad or Gran"
        ),
    }
    guardians = {}
    for username, policy_name, _description in GUARDIANS:
        user = _guardian(organisation, username, password)
        PolicyGuardian.objects.get_or_create(policy=policies[policy_name], user=user)
        guardians[policy_name] = user
    for name, descriptor, level, band, context, action, note in ADJUSTMENTS:
        PolicyRule.objects.create(
            policy=policies[name],
            descriptor=descriptor,
            level=level,
            age_band=band,
            context=context,
            action=action,
            note=note,
            created_by=guardians[name],
        )
    children = {spec.label: _child(organisation, policies[spec.policy], spec) for spec in CHILDREN}
    _requests(children, guardians)
    _alerts(children, guardians)


def _policy(organisation, parent, kind, name, adult_label) -> Policy:
    return Policy.objects.create(
        organisation=organisation, kind=kind, name=name, parent=parent, adult_label=adult_label
    )


def _guardian(organisation, username: str, password: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "organisation": organisation,
            "role": Role.GUARDIAN,
            "email": f"{username}@demo.invalid",
        },
    )
    if created:
        user.set_password(password)
        user.save()
        TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    return user


def _child(organisation, policy: Policy, spec: DemoChild) -> ChildProfile:
    year, month = birth_for_age(spec.age)
    return ChildProfile.objects.create(
        organisation=organisation,
        policy=policy,
        label=spec.label,
        birth_year=year,
        birth_month=month,
        maturity=spec.maturity,
        vulnerabilities=list(spec.vulnerabilities),
        monitored_by=spec.monitored_by,
    )


def _rule_ids(child: ChildProfile, context: str, descriptors: dict) -> tuple[str, list[str]]:
    """The action and deciding rules Haven gives this child for this content today."""
    from haven.access.forms_children import child_band

    profile = Profile(
        band=child_band(child),
        maturity=child.maturity,
        vulnerabilities=frozenset(child.vulnerabilities),
        monitored_by=child.monitored_by,
        profile_id=child.public_id,
    )
    decision = compiled_for(child.policy).decide(profile, context, descriptors)
    return decision.action.key, [r.rule_id for r in decision.reasons if r.decisive]


def _requests(children: dict[str, ChildProfile], guardians: dict[str, User]) -> None:
    now = timezone.now()
    asks = [
        (
            "Tobi",
            "home",
            "https://video.example/history/the-trenches",
            "The trenches: a First World War documentary",
            {"violence": "realistic_intense"},
            "We're doing WW1 at school and Mr Hale said to watch it",
            None,
        ),
        (
            "6B pupil 07",
            "school",
            "https://games.example/chess-club",
            "Chess club (moderated chat)",
            {"contact_strangers": "moderated"},
            "It's the school chess club",
            ("approved", "Yes for this term: the chat is moderated.", 30),
        ),
        (
            "Finn",
            "home",
            "https://video.example/films/the-hollow-house",
            "The Hollow House (trailer)",
            {"horror": "intense"},
            "",
            ("declined", "Too scary before bed. Let's watch something together at the weekend.", 0),
        ),
    ]
    for n, (label, context, ref, title, descriptors, message, answer) in enumerate(asks):
        child = children[label]
        action, rule_ids = _rule_ids(child, context, descriptors)
        asked_at = now - timedelta(days=3 - n, hours=2)
        unblock_request = UnblockRequest.objects.create(
            organisation_id=child.organisation_id,
            profile=child,
            policy=child.policy,
            content_ref=ref,
            content_title=title,
            content_key=content_key(ref),
            descriptors=descriptors,
            action=action,
            rule_ids=rule_ids,
            child_message=message,
        )
        fields: dict = {"created_at": asked_at}
        if answer is not None:
            status, note, days = answer
            decided_at = asked_at + timedelta(hours=5)
            fields |= {
                "status": status,
                "adult_note": note,
                "decided_by": guardians[child.policy.name],
                "decided_at": decided_at,
                "expires_at": decided_at + timedelta(days=days) if days else None,
            }
        UnblockRequest.objects.filter(pk=unblock_request.pk).update(**fields)


def _alerts(children: dict[str, ChildProfile], guardians: dict[str, User]) -> None:
    now = timezone.now()
    tobi, cat = children["Tobi"], children["Cat"]
    grooming = AdultAlert.objects.create(
        organisation_id=tobi.organisation_id,
        profile=tobi,
        categories=["grooming"],
        signals=["grooming.secrecy", "grooming.private_app"],
        rule_ids=_rule_ids(tobi, "home", {"grooming": "likely"})[1],
        content_ref="chat.example:conversation/5521",
    )
    AdultAlert.objects.filter(pk=grooming.pk).update(created_at=now - timedelta(hours=3))
    self_harm = AdultAlert.objects.create(
        organisation_id=cat.organisation_id,
        profile=cat,
        categories=["self_harm"],
        signals=["self_harm.intent"],
        rule_ids=_rule_ids(cat, "home", {"self_harm": "intent"})[1],
        content_ref="chat.example:conversation/7310",
    )
    AdultAlert.objects.filter(pk=self_harm.pk).update(
        created_at=now - timedelta(days=2),
        seen_by=guardians["The Brennan family"],
        seen_at=now - timedelta(days=2) + timedelta(minutes=40),
    )
