"""Takedown pages: the list of takedowns, one takedown, the actions on it (the report
page's panel posts here), the policy, notice templates, and the public answer page.

Each view parses input, fetches through `haven.takedown.access`, calls one function of
`services` / `policies` / `notice_templates` and renders. A refusal shows the takedown's
page again with the reason beside the form (status 400).
"""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.accounts.access import staff_required, supervisor_required
from haven.audit.services import Actor, client_ip
from haven.reports.access import access_report_url
from haven.takedown import answers, display, notice_templates, panels, policies, rendering
from haven.takedown import services as actions
from haven.takedown.access import access_takedown, access_template, takedowns_for
from haven.takedown.forms import (
    HostAnswerForm,
    ListFilterForm,
    PoliceAgreedForm,
    PolicyForm,
    PublicAnswerForm,
    StopForm,
    TemplateForm,
)
from haven.takedown.models import (
    OPEN_STATES,
    SCHEDULED_STATES,
    AnswerKind,
    NoticeKind,
    NoticeTemplate,
    State,
    Takedown,
)
from haven.triage import panels as report_panels
from haven.web.forms import error_links, show_refusal

PAGE_SIZE = 50
# A host may answer this often a day through one link; more is someone pressing away.
ANSWERS_PER_DAY = 20


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


def _back(request, takedown_or_url, message: str):
    """To the report page's takedown panel, or to the takedown's own page if asked."""
    messages.success(request, message)
    takedown = takedown_or_url if isinstance(takedown_or_url, Takedown) else None
    if takedown is not None and request.POST.get("back") == "takedown":
        return redirect("takedown:detail", takedown_id=takedown.pk)
    report = takedown_or_url.report
    return redirect(report_panels.url(report.reference, "takedown"))


# --- The list ---------------------------------------------------------------------------


@require_GET
@staff_required
def takedown_list(request):
    filter_form = ListFilterForm(request.GET)
    state = filter_form.chosen()
    takedowns = takedowns_for(request.user).select_related("report", "report_url")
    if state == "open":
        takedowns = takedowns.filter(state__in=(*OPEN_STATES, State.FORWARDED))
    elif state != "all":
        takedowns = takedowns.filter(state=state)
    # Next action first; those with none (waiting for police, finished) after.
    takedowns = takedowns.order_by(F("next_action_at").asc(nulls_last=True), "pk")
    page = Paginator(takedowns, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    policy = policies.policy_for(request.user.organisation)
    rows = [
        {
            "takedown": takedown,
            "step": display.next_step(takedown, now, policy.first_notice),
            "since_report": display.since(takedown.report.received_at, now),
            "since_first_notice": display.since(takedown.first_notice_at, now),
            "to_removal": display.took(takedown.first_notice_at, takedown.removed_at),
        }
        for takedown in page
    ]
    late = now - display.OVERDUE_AFTER
    overdue = takedowns_for(request.user).filter(
        state__in=SCHEDULED_STATES, next_action_at__lt=late
    )
    attention = takedowns_for(request.user).filter(
        ~Q(attention=""), state__in=(*OPEN_STATES, State.FORWARDED)
    )
    return render(
        request,
        "takedown/list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "rows": rows,
            "overdue_count": overdue.count(),
            "attention_count": attention.count(),
        },
    )


# --- One takedown -----------------------------------------------------------------------


@require_GET
@staff_required
def detail(request, takedown_id: int):
    return _render_detail(request, access_takedown(request.user, takedown_id))


def _render_detail(request, takedown: Takedown, *, bound=None, status: int = 200):
    policy = policies.policy_for(takedown.organisation)
    row = panels.row_for(
        takedown.report_url,
        takedown,
        request.user,
        policy,
        timezone.now(),
        checks_limit=panels.CHECKS_ON_PAGE,
    )
    errors = []
    if bound is not None:
        name, form = bound
        if name == "answer":
            row.answer_form = form
        elif name == "stop":
            row.stop_form = form
        elif name == "police":
            row.police_form = form
        errors = error_links(form, f"form-{name}-{takedown.pk}")
    steps = _history(takedown)
    return render(
        request,
        "takedown/detail.html",
        {
            "takedown": takedown,
            "report": takedown.report,
            "row": row,
            "errors": errors,
            "history": steps or _steps_without_audit(takedown, row.notices),
            "has_audit": bool(steps),
            "fetch_snippet": panels.fetch_snippet(),
        },
        status=status,
    )


def _history(takedown: Takedown) -> list[dict]:
    return [
        {
            "at": event.at,
            "who": event.actor_label,
            "what": HISTORY_WORDS.get(event.action, event.action),
            "detail": _history_detail(event.detail),
        }
        for event in panels.history(takedown)
    ]


def _steps_without_audit(takedown: Takedown, notices: list) -> list[dict]:
    """A takedown with no audit rows (imported, or made by the demo): its steps as far
    as its own records tell them, so that notices sent are never "nothing yet"."""
    steps = [{"at": takedown.opened_at, "who": "", "what": "Takedown started", "detail": ""}]
    for notice in reversed(notices):  # oldest first, like the audit log
        steps.append(
            {
                "at": notice.sent_at,
                "who": "",
                "what": HISTORY_WORDS[
                    "takedown.notice_sent" if notice.delivered else "takedown.notice_failed"
                ],
                "detail": _history_detail(
                    {"kind": notice.kind, "recipient": notice.recipient, "error": notice.error}
                ),
            }
        )
    if takedown.escalated_at:
        steps.append({"at": takedown.escalated_at, "who": "", "what": "Escalated", "detail": ""})
    if takedown.removed_at:
        steps.append({"at": takedown.removed_at, "who": "", "what": "Removed", "detail": ""})
    return sorted(steps, key=lambda step: step["at"])


HISTORY_WORDS = {
    "takedown.opened": "Takedown started",
    "takedown.police_agreed": "Police agreed",
    "takedown.send_now": "Asked to send now",
    "takedown.notice_sent": "Notice sent",
    "takedown.notice_failed": "Notice could not be delivered",
    "takedown.forwarded": "Forwarded to the hosting country's hotline",
    "takedown.no_contact": "No abuse contact known",
    "takedown.escalated": "Escalated",
    "takedown.escalation_impossible": "No one to escalate to",
    "takedown.rechecked": "Checked",
    "takedown.found_gone": "Found gone: a second check an hour later confirms the removal",
    "takedown.contact_updated": "Where notices go, updated from hosting",
    "takedown.check_failed": "Check could not tell",
    "takedown.removed": "Removed",
    "takedown.reappeared": "Content back online",
    "takedown.host_answered": "Host answered",
    "takedown.stopped": "Stopped",
}


def _history_detail(detail: dict) -> str:
    shown = (
        "kind",
        "recipient",
        "error",
        "to",
        "partner",
        "country",
        "outcome",
        "reason",
        "note",
    )
    parts = [f"{key}: {detail[key]}" for key in shown if detail.get(key)]
    changes = detail.get("changes")
    if isinstance(changes, dict):
        parts.extend(
            f"{key}: {pair[0] or '(none)'} → {pair[1] or '(none)'}"
            for key, pair in changes.items()
            if isinstance(pair, list) and len(pair) == 2
        )
    return "; ".join(parts)


def _refused(request, takedown: Takedown, name: str, form: Form, error: actions.ActionError):
    show_refusal(form, error)
    return _render_detail(request, takedown, bound=(name, form), status=400)


@require_POST
@staff_required
def start(request, url_id: int):
    report_url = access_report_url(request.user, url_id)
    try:
        takedown = actions.open_takedown(report_url, request.user, actor=_actor(request))
    except actions.ActionError as error:
        messages.error(request, error.message)
        return redirect(report_panels.url(report_url.report.reference, "takedown"))
    return _back(request, takedown, f"Takedown {takedown.reference} started.")


@require_POST
@staff_required
def police_agreed(request, takedown_id: int):
    takedown = access_takedown(request.user, takedown_id)
    form = PoliceAgreedForm(request.POST, prefix=panels.police_prefix(takedown))
    if not form.is_valid():
        return _render_detail(request, takedown, bound=("police", form), status=400)
    try:
        actions.police_agreed(
            takedown, request.user, note=form.cleaned_data["note"], actor=_actor(request)
        )
    except actions.ActionError as error:
        return _refused(request, takedown, "police", form, error)
    return _back(request, takedown, "Police agreement recorded: the first notice goes now.")


@require_POST
@supervisor_required
def send_now(request, takedown_id: int):
    takedown = access_takedown(request.user, takedown_id)
    try:
        actions.send_now(takedown, request.user, actor=_actor(request))
    except actions.ActionError as error:
        return _refused(request, takedown, "send_now", Form(request.POST), error)
    return _back(
        request, takedown, "The address is checked now, and the notice goes if it is online."
    )


@require_POST
@staff_required
def host_answer(request, takedown_id: int):
    takedown = access_takedown(request.user, takedown_id)
    form = HostAnswerForm(request.POST, prefix=panels.answer_prefix(takedown))
    if form.is_valid():
        try:
            actions.record_host_answer(
                takedown,
                form.cleaned_data["text"],
                request.user,
                kind=form.cleaned_data["kind"],
                actor=_actor(request),
            )
        except actions.ActionError as error:
            return _refused(request, takedown, "answer", form, error)
        return _back(request, takedown, "Host's answer recorded; the address is checked again.")
    return _render_detail(request, takedown, bound=("answer", form), status=400)


@require_POST
@staff_required
def confirm_removed(request, takedown_id: int):
    takedown = access_takedown(request.user, takedown_id)
    try:
        checked = actions.confirm_removed(takedown, request.user, actor=_actor(request))
    except actions.ActionError as error:
        return _refused(request, takedown, "confirm", Form(request.POST), error)
    if checked.state != State.REMOVED:
        return _back(request, takedown, display.removal_pending(checked))
    return _back(request, takedown, "Checked: the content is gone. Removal recorded.")


@require_POST
@staff_required
def stop(request, takedown_id: int):
    takedown = access_takedown(request.user, takedown_id)
    form = StopForm(request.POST, prefix=panels.stop_prefix(takedown))
    if form.is_valid():
        try:
            actions.stop(takedown, form.cleaned_data["reason"], request.user, actor=_actor(request))
        except actions.ActionError as error:
            return _refused(request, takedown, "stop", form, error)
        return _back(request, takedown, "Takedown stopped.")
    return _render_detail(request, takedown, bound=("stop", form), status=400)


# --- Policy -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@supervisor_required
def policy(request):
    organisation = request.user.organisation
    current = policies.policy_for(organisation)
    form = PolicyForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        changes = policies.update_policy(
            organisation, form.values(), request.user, actor=_actor(request)
        )
        messages.success(request, "Takedown policy saved." if changes else "Nothing changed.")
        return redirect("takedown:policy")
    return render(
        request,
        "takedown/policy.html",
        {
            "form": form,
            "form_id": "form-policy",
            "errors": error_links(form, "form-policy"),
            "saved": current.pk is not None,
        },
        status=400 if form.errors else 200,
    )


# --- Notice templates -------------------------------------------------------------------


@require_GET
@supervisor_required
def template_list(request):
    return render(
        request,
        "takedown/templates.html",
        {"rows": notice_templates.catalogue(request.user.organisation)},
    )


@require_http_methods(["GET", "POST"])
@supervisor_required
def template_new(request):
    initial = {}
    if request.method == "GET":
        kind = request.GET.get("kind", NoticeKind.FIRST)
        language = request.GET.get("language", request.user.organisation.language or "en")
        start_from = NoticeTemplate.objects.filter(
            organisation=None, kind=kind, language=language
        ).first()
        initial = {"kind": kind, "language": language}
        if start_from is not None:
            initial |= {"subject": start_from.subject, "body": start_from.body}
    return _template_page(request, None, initial)


@require_http_methods(["GET", "POST"])
@supervisor_required
def template_edit(request, template_id: int):
    template = access_template(request.user, template_id)
    initial = {
        "kind": template.kind,
        "language": template.language,
        "subject": template.subject,
        "body": template.body,
    }
    return _template_page(request, template, initial)


def _template_page(request, template: NoticeTemplate | None, initial: dict):
    form = TemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "preview" in request.POST:
                preview = rendering.validate(data["subject"], data["body"])
            else:
                notice_templates.save_template(
                    request.user.organisation,
                    request.user,
                    kind=data["kind"],
                    language=data["language"],
                    subject=data["subject"],
                    body=data["body"],
                    template=template,
                    actor=_actor(request),
                )
                messages.success(request, "Notice template saved.")
                return redirect("takedown:templates")
        except rendering.TemplateRefused as refusal:
            form.add_error(refusal.field, refusal.message)
        except actions.ActionError as error:
            show_refusal(form, error)
    return render(
        request,
        "takedown/template_form.html",
        {
            "form": form,
            "form_id": "form-template",
            "errors": error_links(form, "form-template"),
            "template_row": template,
            "preview": preview,
            "variables": rendering.VARIABLES.items(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@supervisor_required
def template_delete(request, template_id: int):
    template = access_template(request.user, template_id)
    notice_templates.delete_template(template, request.user, actor=_actor(request))
    messages.success(request, "Your template is removed; the built-in one applies again.")
    return redirect("takedown:templates")


# --- The host's answer (public) ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def answer(request, answer_token: str):
    """Public: the link in every notice. Holding the link is the permission; a forged,
    expired or unknown link gets the same page whatever it looks like."""
    takedown = answers.takedown_for(answer_token)
    if takedown is None:
        return _no_store(render(request, "takedown/answer_unknown.html", status=404))
    form = PublicAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recent = takedown.answers.filter(answered_at__gte=timezone.now() - timedelta(days=1))
        if recent.count() >= ANSWERS_PER_DAY:
            form.add_error(None, "We have received many answers today. Please write to us instead.")
        else:
            try:
                actions.record_host_answer(takedown, data["text"], None, kind=data["kind"])
            except actions.ActionError as error:
                show_refusal(form, error)
            else:
                return _no_store(
                    render(request, "takedown/answer_thanks.html", {"takedown": takedown})
                )
    response = render(
        request,
        "takedown/answer.html",
        {
            "takedown": takedown,
            "form": form,
            "form_id": "form-answer",
            "errors": error_links(form, "form-answer"),
            "kinds": AnswerKind,
        },
        status=400 if form.errors else 200,
    )
    return _no_store(response)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
