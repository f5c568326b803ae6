"""Staff pages for triage: the queue, a report, its media, and response deadlines.

Each view parses input, fetches through `access_report` / `access_media`, calls one
function from `actions` (changes) or `viewing` (audited reads) and renders. A refused
action shows the report page again, with the refusal as a form error.
"""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from haven.accounts.access import staff_required, supervisor_required
from haven.audit.services import Actor, client_ip
from haven.reports.access import access_media, access_report
from haven.reports.models import Report
from haven.triage import actions, panels, viewing
from haven.triage.forms import (
    ActionForm,
    AssignForm,
    ClassifyForm,
    DeadlinesForm,
    NoteForm,
    QueueFilterForm,
    ReasonForm,
    RevealForm,
)
from haven.triage.models import severity_label
from haven.triage.previews import GrantRefused
from haven.triage.queue import due_label, is_overdue, overdue_reports, queue_for
from haven.web.forms import error_links, show_refusal

QUEUE_PAGE_SIZE = 25


@require_GET
@staff_required
def queue(request):
    filter_form = QueueFilterForm(request.GET)
    reports = queue_for(request.user, filter_form.to_filter())
    page = Paginator(reports, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(report, is_overdue(report, now), due_label(report, now)) for report in page]
    overdue = overdue_reports(request.user, now).count() if request.user.is_supervisor else None
    return render(
        request,
        "triage/queue.html",
        {
            "filter_form": filter_form,
            "page": page,
            "rows": rows,
            "overdue_count": overdue,
        },
    )


@require_GET
@staff_required
def detail(request, reference):
    return _render_detail(request, access_report(request.user, reference))


@require_POST
@staff_required
def show_contact(request, reference):
    report = access_report(request.user, reference)
    contact = viewing.reveal_contact(report, request.user, actor=_actor(request))
    return _render_detail(request, report, contact=contact)


@require_POST
@staff_required
def claim(request, reference):
    report = access_report(request.user, reference)
    form = Form(request.POST)
    with _refusal_shown_on(form):
        actions.claim(report, request.user, actor=_actor(request))
        return _done(request, report, "You have claimed this report.")
    return _invalid(request, report, "claim", form)


@require_POST
@supervisor_required
def assign(request, reference):
    report = access_report(request.user, reference)
    form = AssignForm(request.POST, prefix="assign", organisation_id=report.organisation_id)
    if form.is_valid():
        with _refusal_shown_on(form):
            assignee = form.cleaned_data["assignee"]
            actions.assign(report, assignee, request.user, actor=_actor(request))
            return _done(request, report, f"Report assigned to {assignee}.")
    return _invalid(request, report, "assign", form)


@require_POST
@staff_required
def classify(request, reference):
    report = access_report(request.user, reference)
    form = ClassifyForm(request.POST, prefix="classify")
    if form.is_valid():
        with _refusal_shown_on(form):
            data = form.cleaned_data
            actions.classify(
                report, data["category"], data["severity"], request.user, actor=_actor(request)
            )
            return _done(request, report, "Category and severity saved.")
    return _invalid(request, report, "classify", form)


@require_POST
@staff_required
def add_note(request, reference):
    report = access_report(request.user, reference)
    form = NoteForm(request.POST, prefix="note")
    if form.is_valid():
        with _refusal_shown_on(form):
            actions.add_note(report, form.cleaned_data["text"], request.user, actor=_actor(request))
            return _done(request, report, "Note added.")
    return _invalid(request, report, "note", form)


@require_POST
@staff_required
def record_action(request, reference):
    report = access_report(request.user, reference)
    form = ActionForm(request.POST, prefix="action")
    if form.is_valid():
        with _refusal_shown_on(form):
            data = form.cleaned_data
            actions.record_action(
                report, data["kind"], data["detail"], request.user, actor=_actor(request)
            )
            return _done(request, report, "Action recorded.")
    return _invalid(request, report, "action", form)


@require_POST
@staff_required
def close(request, reference):
    report = access_report(request.user, reference)
    form = ReasonForm(request.POST, prefix="close")
    if form.is_valid():
        with _refusal_shown_on(form):
            actions.close(report, request.user, form.cleaned_data["reason"], actor=_actor(request))
            return _done(request, report, "Report closed.")
    return _invalid(request, report, "close", form)


@require_POST
@staff_required
def reopen(request, reference):
    report = access_report(request.user, reference)
    form = ReasonForm(request.POST, prefix="reopen")
    if form.is_valid():
        with _refusal_shown_on(form):
            actions.reopen(report, request.user, form.cleaned_data["reason"], actor=_actor(request))
            return _done(request, report, "Report reopened.")
    return _invalid(request, report, "reopen", form)


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


@contextmanager
def _refusal_shown_on(form: Form):
    """Put an action's refusal on the form, so the page can show it beside the field."""
    try:
        yield
    except actions.ActionError as error:
        show_refusal(form, error)


def _done(request, report: Report, message: str):
    messages.success(request, message)
    return redirect("triage:detail", reference=report.reference)


def _invalid(request, report: Report, name: str, form: Form):
    return _render_detail(request, report, bound=(name, form), status=400)


def _render_detail(request, report: Report, *, contact=None, bound=None, status=200):
    viewing.view_report(report, request.user, actor=_actor(request))
    report = Report.objects.select_related("assigned_to", "submitted_by").get(pk=report.pk)
    now = timezone.now()
    forms = _detail_forms(request.user, report)
    if bound is not None:
        forms[bound[0]] = bound[1]
    return render(
        request,
        "triage/detail.html",
        {
            "report": report,
            "severity": severity_label(report.severity),
            "contact": contact,
            "urls": list(report.urls.order_by("pk")),
            "media": viewing.media_for(report),
            "timeline": viewing.timeline(report),
            "overdue": is_overdue(report, now),
            "due_label": due_label(report, now),
            "forms": forms,
            "panels": panels.render_context(report, request.user, request),
            "message_panel": panels.message_panel(request),
            "errors": error_links(bound[1], f"form-{bound[0]}") if bound else [],
        },
        status=status,
    )


def _detail_forms(user, report: Report) -> dict:
    forms = {
        "claim": Form(),
        "classify": ClassifyForm(
            prefix="classify",
            initial={
                "category": report.classified_category or report.category,
                "severity": report.severity,
            },
        ),
        "note": NoteForm(prefix="note"),
        "action": ActionForm(prefix="action"),
        "close": ReasonForm(prefix="close"),
        "reopen": ReasonForm(prefix="reopen"),
    }
    if user.is_supervisor:
        forms["assign"] = AssignForm(
            prefix="assign",
            organisation_id=report.organisation_id,
            initial={"assignee": report.assigned_to},
        )
    return forms


@require_GET
@staff_required
def media_preview(request, item_id):
    item = access_media(request.user, item_id)
    try:
        data = viewing.preview_media(item, request.user, actor=_actor(request))
    except viewing.NoEvidence as exc:
        raise Http404("No preview") from exc
    return _private_file(data, "image/jpeg")


@require_POST
@staff_required
def media_reveal(request, item_id):
    item = access_media(request.user, item_id)
    form = RevealForm(request.POST, known_material=item.is_known_material)
    grant = None
    if form.is_valid():
        try:
            grant = viewing.reveal_media(item, request.user, actor=_actor(request))
        except viewing.NoEvidence as exc:
            raise Http404("The file was not kept") from exc
    response = render(
        request,
        "triage/reveal.html",
        {
            "item": item,
            "form": form,
            "grant": grant,
            "errors": error_links(form, f"form-{'reveal'}"),
        },
        status=200 if grant else 400,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@staff_required
def media_original(request, item_id):
    item = access_media(request.user, item_id)
    grant = request.GET.get("grant", "")
    if not grant:
        raise PermissionDenied("A grant from the reveal button is needed.")
    try:
        data = viewing.open_original(item, request.user, grant, actor=_actor(request))
    except GrantRefused as exc:
        raise PermissionDenied("This grant has expired, was used, or is not yours.") from exc
    except viewing.NoEvidence as exc:
        raise Http404("The file was not kept") from exc
    return _private_file(data, item.content_type or "application/octet-stream")


def _private_file(data: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    # Never cached, never sniffed into something executable, never a download prompt.
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@supervisor_required
def deadlines(request):
    organisation = request.user.organisation
    data = request.POST if request.method == "POST" else None
    form = DeadlinesForm(data, organisation_id=organisation.pk)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_deadlines(
                organisation, form.cleaned_data, request.user, actor=_actor(request)
            )
        except actions.ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Response deadlines saved. New reports will use them.")
            return redirect("triage:deadlines")
    status = 400 if form.errors else 200
    return render(
        request,
        "triage/deadlines.html",
        {
            "form": form,
            "errors": error_links(form, f"form-{'deadlines'}"),
        },
        status=status,
    )
