"""Let an anonymous reporter see how their report is going, and nothing else.

A reference and PIN unlock only the status and the date received. Wrong PINs are
counted on the report and lock it after settings.STATUS_PIN_ATTEMPTS; every client
address is also throttled, so guessing is slow whichever reference is tried. The answer
to a wrong PIN never says whether the reference exists.
"""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.audit.services import Actor, record
from haven.reports.models import Report, Status
from haven.reports.references import normalise_reference, pin_matches
from haven.reports.throttle import increment, keyed

IP_ATTEMPTS = 20
IP_WINDOW_MINUTES = 10
IP_WINDOW_SECONDS = IP_WINDOW_MINUTES * 60
# Failures against references that do not exist are counted too, for as long as a real
# reference stays locked, so that a lock-out cannot tell which references are real.
LOCK_MINUTES = 60
UNKNOWN_REFERENCE_SECONDS = LOCK_MINUTES * 60

EXPLANATIONS = {
    Status.RECEIVED: _("We have your report. It is waiting for one of our analysts."),
    Status.IN_REVIEW: _("An analyst is looking at your report now."),
    Status.ACTIONED: _(
        "We have acted on your report, for example by asking a website to remove "
        "something or by passing it to the police."
    ),
    Status.CLOSED: _(
        "We have finished working on your report. Thank you for telling us: "
        "every report helps keep children safe."
    ),
}
# What reporters may be told. A joined report reads as received until its case closes:
# saying "someone reported this already" would let anyone test whether an address or a
# file is known to the hotline.
PUBLIC_STATUSES = tuple(EXPLANATIONS)


class Outcome(enum.StrEnum):
    SHOWN = "shown"
    WRONG = "wrong"
    LOCKED = "locked"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class StatusCheck:
    outcome: Outcome
    status: str = ""
    received_at: datetime | None = None

    @property
    def label(self) -> str:
        return str(Status(self.status).label) if self.status else ""

    @property
    def explanation(self) -> str:
        return str(EXPLANATIONS[Status(self.status)]) if self.status else ""


def check_status(reference: str, pin: str, ip_address: str | None) -> StatusCheck:
    if not _within_address_limit(ip_address):
        return StatusCheck(Outcome.THROTTLED)
    reference = normalise_reference(reference)
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(reference=reference).first()
        if report is None:
            return _unknown_reference(reference)
        if report.pin_locked_until is not None:
            if report.pin_locked_until > timezone.now():
                return StatusCheck(Outcome.LOCKED)
            report.pin_failures, report.pin_locked_until = 0, None
            report.save(update_fields=["pin_failures", "pin_locked_until"])
        if not pin_matches(report.reference, pin, report.pin_digest):
            return _count_failure(report)
        return _show(report)


def _show(report: Report) -> StatusCheck:
    if report.pin_failures:
        Report.objects.filter(pk=report.pk).update(pin_failures=0)
    record(Actor.public(), "report.status_viewed", report, organisation_id=report.organisation_id)
    return StatusCheck(Outcome.SHOWN, _public_status(report), report.received_at)


def _public_status(report: Report) -> str:
    if report.status != Status.JOINED or report.duplicate_of_id is None:
        return report.status
    case = Report.objects.filter(pk=report.duplicate_of_id).values_list("status", flat=True)
    return Status.CLOSED if case.first() == Status.CLOSED else Status.RECEIVED


def _count_failure(report: Report) -> StatusCheck:
    failures = report.pin_failures + 1
    locked = failures >= settings.STATUS_PIN_ATTEMPTS
    Report.objects.filter(pk=report.pk).update(
        pin_failures=F("pin_failures") + 1,
        pin_locked_until=timezone.now() + timedelta(minutes=LOCK_MINUTES) if locked else None,
    )
    record(
        Actor.public(),
        "report.status_pin_failed",
        report,
        organisation_id=report.organisation_id,
        failures=failures,
        locked=locked,
    )
    return StatusCheck(Outcome.LOCKED if locked else Outcome.WRONG)


def _unknown_reference(reference: str) -> StatusCheck:
    failures = increment(keyed("reference", reference), UNKNOWN_REFERENCE_SECONDS)
    locked = failures >= settings.STATUS_PIN_ATTEMPTS
    return StatusCheck(Outcome.LOCKED if locked else Outcome.WRONG)


def _within_address_limit(ip_address: str | None) -> bool:
    tries = increment(keyed("address", ip_address or "unknown"), IP_WINDOW_SECONDS)
    return tries <= IP_ATTEMPTS


def meanings() -> list[tuple[str, str, str]]:
    """Every status with its plain-language explanation, for the status page."""
    return [
        (status.value, str(status.label), str(EXPLANATIONS[status])) for status in PUBLIC_STATUSES
    ]
