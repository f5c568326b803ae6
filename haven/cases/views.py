"""Case pages under /cases/: the list, the overdue board, the case page, revealing the
child's name, the printable summary, and opening a case from a contact, a hotline
report or an emergency. The case page's forms post to `work_views`; the partner's page
is `partner_views`.

Views parse input, fetch through `access` helpers, call one function of `services` or
`delivery` and redirect or render.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.accounts.access import staff_required
from haven.audit.services import Actor, client_ip, record
from haven.cases import overdue, page, services
from haven.cases.access import access_case, cases_for, staff_page
from haven.cases.forms import CaseFilterForm, OpenCaseForm, OverdueFilterForm, PrintForm
from haven.cases.models import Case
from haven.emergencies.access import access_emergency
from haven.helpline import taxonomy
from haven.helpline.access import access_contact
from haven.reports.access import access_report
from haven.triage.actions import ActionError
from haven.web.forms import error_links, show_refusal

PAGE_SIZE = 50


def actor_of(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


# --- Lists ------------------------------------------------------------------------------


@require_GET
@staff_page
def case_list(request):
    now = timezone.now()
    filters = CaseFilterForm(request.GET or None, user=request.user)
    cases = filters.apply(cases_for(request.user), request.user, now)
    cases = cases.select_related("assigned_to", "district").order_by(
        F("stage_due_at").asc(nulls_last=True), "-created_at", "pk"
    )
    page_obj = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "case": case,
            "age_band": taxonomy.age_band(case.child_age),
            "overdue": case.is_open and case.stage_due_at is not None and case.stage_due_at < now,
            "due": page.due_words(case.stage_due_at, now) if case.is_open else "",
        }
        for case in page_obj.object_list
    ]
    return render(request, "cases/list.html", {"filters": filters, "page": page_obj, "rows": rows})


@require_GET
@staff_page
def overdue_board(request):
    now = timezone.now()
    filters = OverdueFilterForm(request.GET or None, user=request.user)
    assignee, kind = None, ""
    if filters.is_valid():
        assignee = filters.cleaned_data.get("assignee")
        kind = filters.cleaned_data.get("kind") or ""
    items = overdue.board(request.user, now=now, assignee=assignee, kind=kind)
    page_obj = Paginator(items, 100).get_page(request.GET.get("page"))
    rows = [
        {"item": item, "late": page.due_words(item.due_at, now)} for item in page_obj.object_list
    ]
    return render(
        request,
        "cases/overdue.html",
        {"filters": filters, "page": page_obj, "rows": rows, "count": len(items)},
    )


# --- The case page ----------------------------------------------------------------------


@require_GET
@staff_page
def detail(request, case_ref: str):
    case = access_case(request.user, case_ref)
    services.view_case(actor_of(request), case)
    return render(request, "cases/detail.html", page.context(request, case))


def render_detail(request, case: Case, name: str, form, status: int = 400):
    """The case page again, with a refused form and its errors in place."""
    return render(
        request, "cases/detail.html", page.context(request, case, bound=(name, form)), status=status
    )


@require_POST
@staff_page
def reveal(request, case_ref: str):
    case = access_case(request.user, case_ref)
    name = services.reveal_name(actor_of(request), case)
    response = render(request, "cases/detail.html", page.context(request, case, revealed_name=name))
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@staff_page
def print_summary(request, case_ref: str):
    """The printable summary. Masked by default; the child's name only when the user
    asks for it with the form on the case page (a POST), which the audit log records."""
    case = access_case(request.user, case_ref)
    form = PrintForm(request.POST or None, prefix="print")
    with_name = request.method == "POST" and form.is_valid() and form.cleaned_data["with_name"]
    actor = actor_of(request)
    name = services.reveal_name(actor, case, purpose="print") if with_name else None
    record(
        actor,
        "case.printed",
        case,
        organisation_id=case.organisation_id,
        reference=case.reference,
        revealed=bool(with_name),
    )
    context = page.context(request, case, revealed_name=name)
    context["printed_at"] = timezone.now()
    context["printed_by"] = request.user.get_username()
    response = render(request, "cases/print.html", context)
    response["Cache-Control"] = "no-store"
    return response


# --- Opening a case from a record -------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page
def open_from_contact(request, contact_ref: str):
    contact = access_contact(request.user, contact_ref)
    return _open_from(
        request,
        kind="contact",
        found=contact,
        existing=contact.case,
        open_new=lambda actor, take: services.open_case(
            actor, request.user.organisation, contact=contact, assign_to=take
        ),
        link=lambda actor, case: services.link_contact(actor, case, contact),
    )


@require_http_methods(["GET", "POST"])
@staff_required
def open_from_report(request, reference: str):
    report = access_report(request.user, reference)
    return _open_from(
        request,
        kind="report",
        found=report,
        existing=None,
        open_new=lambda actor, take: services.open_case(
            actor, request.user.organisation, report=report, assign_to=take
        ),
        link=lambda actor, case: services.link_report(actor, case, report),
    )


# The emergency's contact is a counsellor's record: only someone who may open it takes it
# into a case (services.emergency_contact_for).
CONTACT_WITHHELD = (
    "The emergency's helpline contact was not added to the case, because it is not one "
    "you can open. A supervisor can link it from the case page."
)


@require_http_methods(["GET", "POST"])
@staff_page
def open_from_emergency(request, emergency_ref: str):
    emergency = access_emergency(request.user, emergency_ref)
    withheld = (
        emergency.contact_id is not None
        and services.emergency_contact_for(request.user, emergency) is None
    )
    return _open_from(
        request,
        kind="emergency",
        found=emergency,
        existing=emergency.case,
        open_new=lambda actor, take: services.open_case(
            actor, request.user.organisation, emergency=emergency, assign_to=take
        ),
        link=lambda actor, case: services.link_emergency(actor, case, emergency),
        caveat=CONTACT_WITHHELD if withheld else "",
    )


def _open_from(request, *, kind: str, found, existing, open_new, link, caveat: str = ""):
    """The confirm page (GET) and its answer (POST): a new case for the record, or the
    record added to an existing case the user may open. `caveat` says what a new case
    will leave out."""
    form = OpenCaseForm(request.POST or None, prefix="case")
    if existing is not None and existing.organisation_id == request.user.organisation_id:
        # Already in a case: nothing to open. Say which (if the user may see it).
        visible = cases_for(request.user).filter(pk=existing.pk).exists()
        return render(
            request,
            "cases/open.html",
            {"kind": kind, "found": found, "existing": existing, "visible": visible},
            status=200 if request.method == "GET" else 400,
        )
    if request.method == "POST" and form.is_valid():
        actor = actor_of(request)
        try:
            if form.cleaned_data["choice"] == "new":
                take = request.user if form.cleaned_data["take"] else None
                case = open_new(actor, take)
                messages.success(request, f"Case {case.reference} opened.")
                if caveat:
                    messages.warning(request, caveat)
            else:
                case = link(actor, access_case(request.user, form.cleaned_data["case_ref"]))
                messages.success(request, f"Added to case {case.reference}.")
        except ActionError as error:
            show_refusal(form, error)
        except Http404:
            form.add_error("case_ref", "No case you can open has that reference.")
        else:
            if not request.user.is_helpline_staff:
                # A hotline analyst hands a report to the helpline: the case is the
                # helpline's to work, so the analyst goes back to the report.
                return redirect("triage:detail", found.reference)
            return redirect("cases:detail", case_ref=case.reference)
    return render(
        request,
        "cases/open.html",
        {
            "kind": kind,
            "found": found,
            "form": form,
            "errors": error_links(form, "form-open"),
            "action": request.path,
            "caveat": caveat,
        },
        status=400 if form.errors else 200,
    )
