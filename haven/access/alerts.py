"""Alerts to a trusted adult, and the e-mails that tell the adults something is waiting.

A decision for a known child that says "alert a trusted adult" (grooming, a child's own
words of self-harm intent, threats) makes an AdultAlert: what kind of thing was found
(categories and signal kinds) and which rules said so, never the text. The same kinds
for the same child within DEDUP_WINDOW make no second alert, so a conversation that
goes on does not flood the adults.

E-mails go to the guardians of the child's policy, or to the organisation's
supervisors when the policy has none (a child directly under the organisation's
policy). They name the kind of thing and link to the page; they never hold the
child's label, the content or the text: whoever reads them signs in to see more.
They are sent after the transaction commits; a mail server that refuses is logged and
the alert or request still waits on its page.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from haven.access.catalogue import DESCRIPTOR_BY_KEY
from haven.access.models import AdultAlert, ChildProfile, Policy
from haven.access.types import Decision
from haven.accounts.models import SUPERVISING_ROLES, User
from haven.audit.services import Actor, record

log = logging.getLogger(__name__)

DEDUP_WINDOW = timedelta(minutes=10)
SYSTEM_ACTOR = "access policy service"


def raise_alert(profile: ChildProfile, decision: Decision, content_ref: str) -> AdultAlert | None:
    """Make an alert for `decision` about `profile`, unless one for the same categories
    was made in the last DEDUP_WINDOW (then None)."""
    categories = alert_categories(decision)
    with transaction.atomic():
        # One child's alerts are made one at a time, so that two decisions at once
        # cannot both miss the other's alert.
        ChildProfile.objects.select_for_update().filter(pk=profile.pk).first()
        since = timezone.now() - DEDUP_WINDOW
        recent = AdultAlert.objects.filter(profile=profile, created_at__gte=since)
        if any(sorted(alert.categories) == categories for alert in recent):
            return None
        alert = AdultAlert.objects.create(
            organisation_id=profile.organisation_id,
            profile=profile,
            categories=categories,
            signals=sorted({signal.kind for signal in decision.signals}),
            rule_ids=_rule_ids(decision, categories),
            content_ref=(content_ref or "").strip()[:2000],
        )
        record(
            Actor.system(SYSTEM_ACTOR),
            "access.alert.raise",
            alert,
            organisation_id=profile.organisation_id,
            profile=profile.public_id,
            categories=categories,
            signals=alert.signals,
            rule_ids=alert.rule_ids,
        )
        transaction.on_commit(lambda: _email_alert(alert.pk))
    return alert


def alert_categories(decision: Decision) -> list[str]:
    """What the alert is about: the descriptors text analysis found and those of the
    "signal" family (grooming, bullying, threats, a child's own words of intent); when
    neither is there, the descriptors of the rules that decided."""
    found = {signal.descriptor for signal in decision.signals}
    found |= {
        key
        for key in decision.descriptors
        if key in DESCRIPTOR_BY_KEY and DESCRIPTOR_BY_KEY[key].family == "signal"
    }
    if decision.descriptors.get("self_harm") == "intent":
        found.add("self_harm")
    if not found:
        found = {reason.descriptor for reason in decision.reasons if reason.decisive}
    return sorted(found)


def _rule_ids(decision: Decision, categories: list[str]) -> list[str]:
    ids = [reason.rule_id for reason in decision.reasons if reason.descriptor in categories]
    return list(dict.fromkeys(ids))


def mark_seen(actor: Actor, alert: AdultAlert) -> AdultAlert:
    with transaction.atomic():
        alert = AdultAlert.objects.select_for_update().get(pk=alert.pk)
        if alert.seen_at is None:
            alert.seen_by = actor.user
            alert.seen_at = timezone.now()
            alert.save(update_fields=["seen_by", "seen_at"])
            record(
                actor,
                "access.alert.seen",
                alert,
                profile=alert.profile.public_id,
                categories=alert.categories,
            )
    return alert


def category_labels(categories) -> list[str]:
    return [
        str(DESCRIPTOR_BY_KEY[key].label) if key in DESCRIPTOR_BY_KEY else key for key in categories
    ]


# --- E-mail to the adults ----------------------------------------------------------------


def adult_emails(policy: Policy) -> list[str]:
    """Who is told: the policy's guardians, else the organisation's supervisors."""
    guardians = User.objects.filter(
        guarded_policies__policy=policy, is_active=True, organisation_id=policy.organisation_id
    ).exclude(email="")
    emails = sorted(set(guardians.values_list("email", flat=True)))
    if emails:
        return emails
    supervisors = User.objects.filter(
        organisation_id=policy.organisation_id, role__in=SUPERVISING_ROLES, is_active=True
    ).exclude(email="")
    return sorted(set(supervisors.values_list("email", flat=True)))


def email_adults(policy: Policy, subject: str, body: str) -> None:
    recipients = adult_emails(policy)
    if not recipients:
        return
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # SMTP refusals, timeouts: the page still shows it
        log.exception("could not e-mail the adults of policy %s", policy.pk)


def page_url(name: str, **kwargs) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _email_alert(alert_id: int) -> None:
    alert = AdultAlert.objects.select_related("profile__policy").filter(pk=alert_id).first()
    if alert is None:
        return
    kinds = ", ".join(category_labels(alert.categories)).lower()
    email_adults(
        alert.profile.policy,
        "[Haven] A child you look after may need you",
        f"Haven found signs of: {kinds}.\n\n"
        "Please sign in to see which child, when, and what to do next:\n"
        f"{page_url('access:alert', alert_id=alert.pk)}\n\n"
        "This e-mail deliberately contains no name and no message text.\n",
    )
