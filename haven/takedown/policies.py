"""Each organisation's takedown policy: when the first notice goes, how often reminders
go, when to escalate and to whom, and when to check again after removal."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction

from haven.audit.services import Actor, record
from haven.takedown.models import FirstNotice, TakedownPolicy

EDITABLE = (
    "first_notice",
    "first_notice_delay_minutes",
    "reminder_hours",
    "escalate_after_reminders",
    "escalate_to",
    "recheck_after_removal_days",
    "auto_open",
    "reply_to",
)
MAX_DELAY_MINUTES = 7 * 24 * 60
MAX_REMINDER_HOURS = 30 * 24
MAX_RECHECK_DAYS = 365


def policy_for(organisation) -> TakedownPolicy:
    """The organisation's policy; without a saved one, the defaults (not saved)."""
    policy = TakedownPolicy.objects.filter(organisation=organisation).first()
    return policy if policy is not None else TakedownPolicy(organisation=organisation)


def first_action_at(policy: TakedownPolicy, now: datetime) -> datetime | None:
    """When a new takedown first acts: now, after the delay, or never until police agree."""
    if policy.first_notice == FirstNotice.AFTER_DELAY:
        return now + timedelta(minutes=policy.first_notice_delay_minutes)
    if policy.first_notice == FirstNotice.AFTER_POLICE:
        return None
    return now


def reminder_interval(policy: TakedownPolicy) -> timedelta:
    return timedelta(hours=policy.reminder_hours)


def update_policy(organisation, values: dict, by, *, actor: Actor | None = None) -> dict:
    """Save the policy (supervisors only); returns what changed as {field: [old, new]}."""
    if not by.is_supervisor or by.organisation_id != organisation.pk:
        raise PermissionDenied("Only supervisors can change the takedown policy.")
    with transaction.atomic():
        policy = policy_for(organisation)
        changes = {
            name: [getattr(policy, name), values[name]]
            for name in EDITABLE
            if name in values and getattr(policy, name) != values[name]
        }
        if changes or policy.pk is None:
            for name, (_, new) in changes.items():
                setattr(policy, name, new)
            policy.save()
        if changes:
            record(
                actor or Actor.for_user(by),
                "takedown.policy_changed",
                policy,
                organisation_id=organisation.pk,
                changes=changes,
            )
    return changes
