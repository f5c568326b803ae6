"""Background work for cases: telling a partner's desk that a child was referred to it,
and telling the case's counsellor that the partner answered.

The e-mails carry no details about the child (not even the age or district): only the
case reference, the service and a link. Whoever reads them signs in to see the rest, and
what they then see is what the child agreed to share.
"""

from django.core.mail import send_mail
from django.urls import reverse

from haven.accounts.models import SUPERVISING_ROLES, User
from haven.cases import config
from haven.cases.models import CaseReferral
from haven.jobs.registry import job_handler


@job_handler("cases.notify_partner")
def notify_partner(case_referral_id: int) -> None:
    referral = (
        CaseReferral.objects.select_related("case__organisation", "partner", "partner_service")
        .filter(pk=case_referral_id)
        .first()
    )
    if referral is None or not referral.partner.email:
        # No desk address: the referral waits in the partner's portal, and the overdue
        # board shows it unanswered so that someone telephones the partner.
        return
    link = config.public_base_url() + reverse("cases:partner_referral", args=[referral.pk])
    helpline = referral.case.organisation.name
    send_mail(
        f"[Haven] New referral from {helpline}: {referral.case.reference}",
        f'{helpline} has referred a child to your service "{referral.partner_service.name}" '
        f"(case {referral.case.reference}).\n\n"
        "Please sign in to accept or decline the referral, and to read what the child "
        "agreed to share with you:\n"
        f"{link}\n\n"
        "This e-mail deliberately contains no details about the child.\n",
        None,
        [referral.partner.email],
    )


@job_handler("cases.notify_response")
def notify_response(case_referral_id: int) -> None:
    referral = (
        CaseReferral.objects.select_related("case", "partner", "case__assigned_to")
        .filter(pk=case_referral_id)
        .first()
    )
    if referral is None:
        return
    recipients = _case_staff(referral)
    if not recipients:
        return
    case = referral.case
    link = config.public_base_url() + reverse("cases:detail", args=[case.reference])
    send_mail(
        f"[Haven] Referral {referral.get_status_display().lower()}: {case.reference}",
        f"{referral.partner.name} has {referral.get_status_display().lower()} the referral "
        f"of case {case.reference}.\n\nSee their answer on the case page:\n{link}\n",
        None,
        recipients,
    )


def _case_staff(referral: CaseReferral) -> list[str]:
    assignee = referral.case.assigned_to
    if assignee is not None and assignee.is_active and assignee.email:
        return [assignee.email]
    # An unassigned case: its organisation's supervisors hear of it.
    return list(
        User.objects.filter(
            organisation_id=referral.case.organisation_id,
            role__in=SUPERVISING_ROLES,
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
