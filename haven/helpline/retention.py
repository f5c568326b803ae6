"""Retention: closed records are anonymised automatically once the organisation's
retention period has passed since they closed.

`anonymise_due` runs every hour (the Celery task `haven.helpline.anonymise_due`). For
each organisation it works out the cutoff (now minus `retention_days`) and asks each app
that keeps children's details to anonymise what closed before it: the chat, the
emergencies, the cases, and the contacts here. What is cleared is everything that could
identify a child or tell their story; what is kept is what the statistics count.
Running it again changes nothing: anonymised rows are not picked up twice.

Records nobody finished are not kept for ever either: a contact still open (a draft)
that nobody has changed for the retention period is completed as an abandoned draft
and anonymised with the rest (`complete_abandoned`); the other apps do the same for
emergencies never closed and messages never sent.
"""

import importlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from haven.accounts.models import Organisation
from haven.audit.services import Actor, record
from haven.cases.models import Stage
from haven.helpline.models import Contact, ContactStatus, HelplineSettings

log = logging.getLogger(__name__)

# Each defines `anonymise_due(organisation, cutoff) -> int`.
PARTS = {
    "conversations": "haven.chat.retention",
    "emergencies": "haven.emergencies.retention",
    "cases": "haven.cases.retention",
    "sms": "haven.messaging.retention",
}
DEFAULT_RETENTION_DAYS = HelplineSettings._meta.get_field("retention_days").get_default()

Part = Callable[[Organisation, datetime], int]


def anonymise_due(now: datetime | None = None) -> dict[int, dict[str, int]]:
    """Anonymise every organisation's records that are past retention. Returns the
    counts per organisation id ({"contacts": 3, "cases": 0, ...})."""
    now = now or timezone.now()
    parts = _parts()
    retention = dict(HelplineSettings.objects.values_list("organisation_id", "retention_days"))
    results = {}
    for organisation in Organisation.objects.order_by("pk"):
        days = retention.get(organisation.pk, DEFAULT_RETENTION_DAYS)
        results[organisation.pk] = _anonymise_organisation(
            organisation, now - timedelta(days=days), now, parts
        )
    return results


def _anonymise_organisation(organisation, cutoff, now, parts: dict[str, Part]) -> dict[str, int]:
    counts, failed = {}, []
    for name, anonymise in parts.items():
        try:
            # One app's failure leaves the others' work done (and its own rolled back).
            with transaction.atomic():
                counts[name] = anonymise(organisation, cutoff)
        except Exception:
            log.exception("Anonymising %s of organisation %s failed", name, organisation.pk)
            failed.append(name)
    with transaction.atomic():
        counts["abandoned_contacts"] = complete_abandoned(organisation, cutoff)
        counts["contacts"] = anonymise_contacts(organisation, cutoff, now)
        if any(counts.values()) or failed:
            record(
                Actor.system("retention"),
                "helpline.anonymised",
                organisation_id=organisation.pk,
                cutoff=cutoff.isoformat(),
                failed=failed,
                **counts,
            )
    return counts


def _parts() -> dict[str, Part]:
    """The other apps' anonymisers. Imported here, not at the top, so that an app that
    does not have one yet is skipped (and said so) instead of stopping the rest."""
    found = {}
    for name, module_name in PARTS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            log.warning("%s does not exist: its records are not anonymised", module_name)
            continue
        anonymise = getattr(module, "anonymise_due", None)
        if anonymise is None:
            log.warning("%s has no anonymise_due: its records are not anonymised", module_name)
            continue
        found[name] = anonymise
    return found


def complete_abandoned(organisation, cutoff: datetime) -> int:
    """Complete, as abandoned drafts, the open contacts nobody has changed since before
    `cutoff` (a counsellor started one and never finished it), unless a case that is still
    open holds them. They end when they were last changed, so `anonymise_contacts`
    anonymises them in the same run."""
    due = Contact.objects.filter(
        organisation=organisation,
        status=ContactStatus.OPEN,
        updated_at__lt=cutoff,
        anonymised_at=None,
    ).filter(Q(case=None) | Q(case__stage=Stage.CLOSED))
    return due.update(status=ContactStatus.COMPLETED, abandoned=True, ended_at=F("updated_at"))


def anonymise_contacts(organisation, cutoff: datetime, now: datetime | None = None) -> int:
    """Clear what identifies the child or tells their story from contacts completed
    before `cutoff`, unless they belong to a case that is still open (the case needs
    them). Kept for statistics: channel, caller, categories, age, gender, district,
    risk, urgency, actions (codes), consent and times."""
    now = now or timezone.now()
    due = Contact.objects.filter(
        organisation=organisation,
        status=ContactStatus.COMPLETED,
        ended_at__lt=cutoff,
        anonymised_at=None,
    ).filter(Q(case=None) | Q(case__stage=Stage.CLOSED))
    return due.update(
        child_name_sealed="",
        contact_detail_sealed="",
        location_sealed="",
        summary="",
        action_note="",
        contact_key="",
        anonymised_at=now,
        updated_at=now,
    )
