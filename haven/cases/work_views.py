"""The case page's forms: each posts here, calls one function of `services` or `delivery`
and goes back to the case page, or shows the page again with the refused form (400)."""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.views.decorators.http import require_POST

from haven.cases import delivery, services
from haven.cases.access import (
    access_case,
    access_case_service,
    access_follow_up,
    access_referral,
    staff_page,
    supervisor_page,
)
from haven.cases.forms import (
    AdvanceForm,
    AssignForm,
    CloseForm,
    DetailsForm,
    FollowUpDoneForm,
    FollowUpForm,
    LinkForm,
    RecordForm,
    ReferForm,
    ReopenForm,
    ResponseForm,
    ServiceForm,
    ServiceStatusForm,
    end_of_day,
)
from haven.cases.models import ClosureReason, Stage
from haven.cases.views import actor_of, render_detail
from haven.emergencies.access import access_emergency
from haven.helpline.access import access_contact
from haven.reports.access import access_report
from haven.triage.actions import ActionError
from haven.web.forms import show_refusal


class _Refused:
    """Set when the action refused: the view then shows the form again."""

    refused = False


@contextmanager
def refusal_shown_on(form):
    """Put an action's refusal on the form, so the page can show it beside the field."""
    outcome = _Refused()
    try:
        yield outcome
    except ActionError as error:
        show_refusal(form, error)
        outcome.refused = True


# The section of the case page where each stage's work is done.
STAGE_ANCHORS: dict[str, str] = {
    Stage.ASSESSMENT: "assessment-title",
    Stage.PLAN: "plan-title",
    Stage.SERVICES: "services-title",
    Stage.FOLLOW_UP: "follow-ups-title",
    Stage.CLOSED: "closing-title",
}


def _done(request, case, message: str, anchor: str = ""):
    messages.success(request, message)
    url = redirect("cases:detail", case_ref=case.reference).url
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- Assignment, details, stages --------------------------------------------------------


@require_POST
@supervisor_page
def assign(request, case_ref: str):
    case = access_case(request.user, case_ref)
    form = AssignForm(request.POST, prefix="assign", organisation_id=case.organisation_id)
    if form.is_valid():
        with refusal_shown_on(form) as outcome:
            assignee = form.cleaned_data["assignee"]
            services.assign(actor_of(request), case, assignee)
        if not outcome.refused:
            return _done(request, case, f"Case assigned to {assignee.get_username()}.")
    return render_detail(request, case, "assign", form)


@require_POST
@staff_page
def take(request, case_ref: str):
    """Anyone who may open an unassigned case may take it for themselves."""
    case = access_case(request.user, case_ref)
    form = AssignForm(
        {"assign-assignee": request.user.pk}, prefix="assign", organisation_id=case.organisation_id
    )
    if form.is_valid():
        with refusal_shown_on(form) as outcome:
            services.assign(actor_of(request), case, request.user)
        if not outcome.refused:
            return _done(request, case, "The case is assigned to you.")
    return render_detail(request, case, "assign", form)


@require_POST
@staff_page
def details(request, case_ref: str):
    case = access_case(request.user, case_ref)
    form = DetailsForm(request.POST, prefix="details", organisation_id=case.organisation_id)
    if form.is_valid():
        with refusal_shown_on(form) as outcome:
            services.update_details(actor_of(request), case, form.cleaned_data)
        if not outcome.refused:
            return _done(request, case, "Details saved.", "child-title")
    return render_detail(request, case, "details", form)


@require_POST
@staff_page
def write_record(request, case_ref: str):
    """Save the assessment or the plan; with the "advance" button, save it and move the
    case on (from the stage of that name only)."""
    case = access_case(request.user, case_ref)
    which = request.POST.get("which", "")
    if which not in services.RECORDS:
        raise BadRequest("Say which record to save.")
    form = RecordForm(request.POST, prefix=which)
    if form.is_valid():
        text = form.cleaned_data["text"]
        with refusal_shown_on(form) as outcome:
            if "advance" in request.POST:
                case = services.advance_from(actor_of(request), case, which, text)
                message = f"Saved. The case is now in {case.get_stage_display().lower()}."
            else:
                case = services.write_record(actor_of(request), case, which, text)
                message = "Saved."
        if not outcome.refused:
            # Moved on: land on the new stage's section, where the next work is.
            anchor = STAGE_ANCHORS.get(case.stage, "") if "advance" in request.POST else ""
            return _done(request, case, message, anchor or f"{which}-title")
    return render_detail(request, case, which, form)


@require_POST
@staff_page
def advance(request, case_ref: str):
    case = access_case(request.user, case_ref)
    form = AdvanceForm(request.POST, prefix="advance")
    if form.is_valid():
        with refusal_shown_on(form) as outcome:
            case = services.advance(
                actor_of(request), case, form.cleaned_data["to_stage"], form.cleaned_data["record"]
            )
        if not outcome.refused:
            return _done(
                request,
                case,
                f"The case is now in {case.get_stage_display().lower()}.",
                STAGE_ANCHORS.get(case.stage, ""),
            )
    return render_detail(request, case, "advance", form)


@require_POST
@staff_page
def close(request, case_ref: str):
    case = access_case(request.user, case_ref)
    form = CloseForm(request.POST, prefix="close")
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = services.close(
                actor_of(request), case, data["reason"], data["note"], confirm=data["confirm"]
            )
        except services.NeedsConfirmation as question:
            return render(
                request,
                "cases/close_confirm.html",
                {
                    "case": case,
                    "form": form,
                    "question": question,
                    "reason_label": ClosureReason(data["reason"]).label,
                },
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            return _done(request, case, f"Case closed: {case.get_closure_reason_display()}.")
    return render_detail(request, case, "close", form)


@require_POST
@supervisor_page
def reopen(request, case_ref: str):
    case = access_case(request.user, case_ref)
    form = ReopenForm(request.POST, prefix="reopen")
    if form.is_valid():
        with refusal_shown_on(form) as outcome:
            case = services.reopen(actor_of(request), case, form.cleaned_data["reason"])
        if not outcome.refused:
            return _done(request, case, f"Case reopened in {case.get_stage_display().lower()}.")
    return render_detail(request, case, "reopen", form)


# --- Linking ----------------------------------------------------------------------------


@require_POST
@staff_page
def link_contact(request, case_ref: str):
    return _link(
        request,
        case_ref,
        "contact",
        find=lambda reference: access_contact(request.user, reference),
        link=services.link_contact,
        missing="No contact you can open has that reference.",
    )


@require_POST
@staff_page
def link_report(request, case_ref: str):
    return _link(
        request,
        case_ref,
        "report",
        find=lambda reference: access_report(request.user, reference.strip().upper()),
        link=services.link_report,
        missing="No report of your organisation has that reference.",
    )


@require_POST
@staff_page
def link_emergency(request, case_ref: str):
    return _link(
        request,
        case_ref,
        "emergency",
        find=lambda reference: access_emergency(request.user, reference),
        link=services.link_emergency,
        missing="No emergency of your organisation has that reference.",
    )


def _link(request, case_ref: str, kind: str, *, find, link, missing: str):
    """Add a contact, report or emergency (found by the reference typed, through the
    user's own access helper) to the case."""
    case = access_case(request.user, case_ref)
    form = LinkForm(request.POST, prefix=kind)
    if form.is_valid():
        try:
            record = find(form.cleaned_data["reference"])
        except Http404:
            form.add_error("reference", missing)
        else:
            with refusal_shown_on(form) as outcome:
                link(actor_of(request), case, record)
            if not outcome.refused:
                done = f"{kind.capitalize()} {record.reference} added."
                return _done(request, case, done, "linked-title")
    return render_detail(request, case, f"link_{kind}", form)


# --- Services and referrals -------------------------------------------------------------


@require_POST
@staff_page
def add_service(request, case_ref: str):
    case = access_case(request.user, case_ref)
    form = ServiceForm(request.POST, prefix="service")
    if form.is_valid():
        data = form.cleaned_data
        with refusal_shown_on(form) as outcome:
            delivery.add_service(
                actor_of(request),
                case,
                data["service_type"],
                data["timeframe"],
                data["description"],
            )
        if not outcome.refused:
            return _done(request, case, "Service added.", "services-title")
    return render_detail(request, case, "service", form)


@require_POST
@staff_page
def service_status(request, case_service_id: int):
    service = access_case_service(request.user, case_service_id)
    key = f"status-{service.pk}"
    form = ServiceStatusForm(request.POST, prefix=key)
    if form.is_valid():
        with refusal_shown_on(form) as outcome:
            service = delivery.set_service_status(
                actor_of(request), service, form.cleaned_data["status"]
            )
        if not outcome.refused:
            return _done(
                request,
                service.case,
                f"Service marked {service.get_status_display().lower()}.",
                "services-title",
            )
    return render_detail(request, service.case, key, form)


@require_POST
@staff_page
def refer(request, case_service_id: int):
    service = access_case_service(request.user, case_service_id)
    case = service.case
    key = f"refer-{service.pk}"
    form = ReferForm(
        request.POST,
        prefix=key,
        candidates=delivery.partner_services_for(case, service.service_type),
        consent_share=case.consent_share,
    )
    if form.is_valid():
        partner_service = form.cleaned_data["partner_service"]
        with refusal_shown_on(form) as outcome:
            delivery.refer(actor_of(request), service, partner_service, form.cleaned_data["note"])
        if not outcome.refused:
            return _done(
                request,
                case,
                f"Referred to {partner_service.name}; {partner_service.partner.name} is told.",
                "referrals-title",
            )
    return render_detail(request, case, key, form)


@require_POST
@staff_page
def record_response(request, case_referral_id: int):
    """The partner answered by telephone: the helpline records it for them."""
    referral = access_referral(request.user, case_referral_id)
    key = f"response-{referral.pk}"
    form = ResponseForm(request.POST, prefix=key, status=referral.status)
    if form.is_valid():
        with refusal_shown_on(form) as outcome:
            referral = delivery.respond(
                actor_of(request),
                referral,
                form.cleaned_data["action"],
                form.cleaned_data["note"],
                on_behalf=True,
            )
        if not outcome.refused:
            return _done(
                request,
                referral.case,
                f"Recorded: {referral.partner.name} {referral.get_status_display().lower()}.",
                "referrals-title",
            )
    return render_detail(request, referral.case, key, form)


# --- Follow-ups -------------------------------------------------------------------------


@require_POST
@staff_page
def add_follow_up(request, case_ref: str):
    case = access_case(request.user, case_ref)
    form = FollowUpForm(request.POST, prefix="follow_up", organisation_id=case.organisation_id)
    if form.is_valid():
        data = form.cleaned_data
        with refusal_shown_on(form) as outcome:
            delivery.add_follow_up(
                actor_of(request),
                case,
                end_of_day(data["due"]),
                data["description"],
                data["assignee"],
            )
        if not outcome.refused:
            return _done(request, case, "Follow-up scheduled.", "follow-ups-title")
    return render_detail(request, case, "follow_up", form)


def _done_words(done: delivery.FollowUpDone) -> str:
    if done.already is not None:
        day = dateformat.format(timezone.localtime(done.already.due_at), "j M Y")
        return (
            f"Follow-up done. A follow-up is already due on {day} "
            f"(“{done.already.description}”), so no second one was scheduled for that day."
        )
    return "Follow-up done." + (" The next one is scheduled." if done.following else "")


@require_POST
@staff_page
def follow_up_done(request, follow_up_id: int):
    follow_up = access_follow_up(request.user, follow_up_id)
    key = f"done-{follow_up.pk}"
    form = FollowUpDoneForm(request.POST, prefix=key)
    if form.is_valid():
        data = form.cleaned_data
        next_due = end_of_day(data["next_due"]) if data["next_due"] else None
        with refusal_shown_on(form) as outcome:
            done = delivery.complete_follow_up(
                actor_of(request), follow_up, data["outcome"], next_due
            )
        if not outcome.refused:
            return _done(request, follow_up.case, _done_words(done), "follow-ups-title")
    return render_detail(request, follow_up.case, key, form)
