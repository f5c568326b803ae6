"""The partner's page of one referral: what the child agreed to share, and the partner's
answers (accept, decline with a reason, completed with a note).

A responder of the partner the referral was made to sees it and answers it. The
helpline's staff who may open the case see the same page read-only, to know what the
partner sees. Anyone else gets a 404, including responders of other partners.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from haven.audit.services import record
from haven.cases import delivery, sharing
from haven.cases.access import access_partner_referral, partner_page
from haven.cases.forms import ANSWERS, ResponseForm
from haven.cases.models import ReferralStatus
from haven.cases.views import actor_of
from haven.triage.actions import ActionError
from haven.web.forms import error_links, show_refusal


@require_http_methods(["GET", "POST"])
@partner_page
def partner_referral(request, case_referral_id: int):
    referral, answers = access_partner_referral(request.user, case_referral_id)
    if request.method == "POST" and not answers:
        # Staff see the partner's page read-only: the helpline records answers on the
        # case page, where it says they were recorded for the partner.
        return render(
            request, "cases/partner_referral.html", _context(referral, None, False), status=403
        )
    answerable = ReferralStatus(referral.status) in ANSWERS
    form = (
        ResponseForm(request.POST or None, prefix="answer", status=referral.status)
        if answerable
        else None
    )
    if request.method == "POST":
        if form is None:
            return render(
                request, "cases/partner_referral.html", _context(referral, None, True), status=400
            )
        if form.is_valid():
            try:
                referral = delivery.respond(
                    actor_of(request),
                    referral,
                    form.cleaned_data["action"],
                    form.cleaned_data["note"],
                )
            except ActionError as error:
                show_refusal(form, error)
            else:
                messages.success(request, f"Thank you: the referral is {_status(referral)}.")
                return redirect("cases:partner_referral", case_referral_id=referral.pk)
    else:
        record(
            actor_of(request),
            "case.referral_viewed" if answers else "case.referral_previewed",
            referral.case,
            organisation_id=referral.case.organisation_id,
            reference=referral.case.reference,
            referral=referral.pk,
        )
    status = 400 if form is not None and form.errors else 200
    response = render(
        request, "cases/partner_referral.html", _context(referral, form, answers), status=status
    )
    response["Cache-Control"] = "no-store"
    return response


def _status(referral) -> str:
    return referral.get_status_display().lower()


def _context(referral, form, answers: bool) -> dict:
    return {
        "shared": sharing.shared_view(referral),
        "referral": referral,
        "form": form,
        "answers": answers,
        "errors": error_links(form, "form-answer") if form is not None else [],
    }
