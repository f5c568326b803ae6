"""Background work for routing: sending referrals, and telling staff about the ones no
partner acknowledges."""

from django.core.mail import send_mail

from haven.accounts.models import SUPERVISING_ROLES, User
from haven.jobs.registry import job_handler
from haven.routing import config, services
from haven.routing.models import Referral


@job_handler("routing.deliver")
def deliver(referral_id: int) -> None:
    services.deliver(referral_id)


@job_handler("routing.notify_flagged")
def notify_flagged(referral_id: int) -> None:
    referral = Referral.objects.select_related("partner", "report", "sent_by").get(pk=referral_id)
    recipients = _recipients(referral)
    if not recipients:
        return
    reference = referral.report.reference
    # The reference and the partner's name only: no report content in staff e-mail.
    send_mail(
        f"[Haven] Referral not acknowledged: {reference}",
        f"{referral.partner.name} has not acknowledged the referral of {reference} "
        f"sent on {referral.sent_at:%d %B %Y %H:%M} UTC, after {referral.chases} reminders.\n"
        "Please contact them another way (by phone), then mark it acknowledged:\n"
        f"{config.public_base_url()}/triage/{reference}/#panel-routing\n",
        None,
        recipients,
    )


def _recipients(referral: Referral) -> list[str]:
    sender = referral.sent_by
    if sender is not None and sender.is_active and sender.email:
        return [sender.email]
    # An escalation has no sender: the organisation's supervisors hear of it.
    return list(
        User.objects.filter(
            organisation_id=referral.organisation_id, role__in=SUPERVISING_ROLES, is_active=True
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
