"""Background work for triage: urgent alerts and overdue reports."""

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from haven.accounts.models import SUPERVISING_ROLES, User
from haven.audit.services import Actor, record
from haven.jobs.registry import job_handler
from haven.reports.models import OPEN_STATUSES, Report

log = logging.getLogger(__name__)


def _supervisor_emails(organisation_id: int) -> list[str]:
    return list(
        User.objects.filter(
            organisation_id=organisation_id, role__in=SUPERVISING_ROLES, is_active=True
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )


@job_handler("triage.alert_danger_now")
def alert_danger_now(report_id: int) -> None:
    report = Report.objects.get(pk=report_id)
    recipients = _supervisor_emails(report.organisation_id)
    if recipients:
        # No report content in e-mail: only the reference, so nothing sensitive leaks.
        send_mail(
            f"[Haven] Child in danger now: {report.reference}",
            f"A report of a child in danger now has arrived: {report.reference}.\n"
            "Open Haven to act on it. It is due within the hour.",
            None,
            recipients,
        )
    record(
        Actor.system(),
        "report.alerted",
        report,
        organisation_id=report.organisation_id,
        recipients=len(recipients),
    )


def flag_overdue(now=None) -> int:
    """Notify supervisors once per overdue report. Safe to run on many workers at once."""
    now = now or timezone.now()
    overdue_ids = list(
        Report.objects.filter(
            status__in=OPEN_STATUSES,
            due_at__lt=now,
            overdue_notified_at__isnull=True,
            first_action_at__isnull=True,
        ).values_list("pk", flat=True)[:500]
    )
    flagged = 0
    for report_id in overdue_ids:
        with transaction.atomic():
            # The conditional update is the claim: only one worker wins each report.
            won = Report.objects.filter(pk=report_id, overdue_notified_at__isnull=True).update(
                overdue_notified_at=now
            )
            if not won:
                continue
            report = Report.objects.get(pk=report_id)
            record(
                Actor.system(),
                "report.overdue",
                report,
                organisation_id=report.organisation_id,
                due_at=report.due_at.isoformat(),
            )
        recipients = _supervisor_emails(report.organisation_id)
        if recipients:
            send_mail(
                f"[Haven] Overdue: {report.reference}",
                f"Report {report.reference} passed its deadline ({report.due_at:%Y-%m-%d %H:%M} "
                "UTC) with no action recorded.",
                None,
                recipients,
            )
        flagged += 1
    return flagged


@job_handler("triage.notify_assignee")
def notify_assignee(report_id: int, user_id: int) -> None:
    report = Report.objects.filter(pk=report_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if report is None or user is None:
        return
    # Only the reference goes by e-mail: nothing about the report's content.
    send_mail(
        f"[Haven] Report assigned to you: {report.reference}",
        f"Report {report.reference} has been assigned to you. Open Haven to work on it.",
        None,
        [user.email],
    )
