"""What the case page shows: the stage bar, the child's details (masked), the work on the
case with a form for each next step, the linked records and the timeline. Views call
`context` and render; a refused form comes back bound (`bound=(name, form)`) so that the
page shows it with its errors in place."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from haven.cases import delivery, forms, services, sharing
from haven.cases.deadlines import TIMEFRAMES
from haven.cases.models import Case, ReferralStatus, ServiceStatus, Stage, Timeframe
from haven.cases.timeline import timeline
from haven.emergencies.models import Emergency
from haven.helpline import taxonomy
from haven.helpline.models import Contact
from haven.web.forms import error_links

STAGE_BAR = [Stage.REGISTRATION, Stage.ASSESSMENT, Stage.PLAN, Stage.SERVICES, Stage.FOLLOW_UP]
ADVANCE_WORDS = {
    Stage.ASSESSMENT: "Save and move on to the case plan",
    Stage.PLAN: "Save and move on to services",
    Stage.SERVICES: "Move on to follow-up",
}


@dataclass
class StageStep:
    stage: Stage
    state: str  # done, current, upcoming
    entered_at: datetime | None = None
    due_at: datetime | None = None
    completed_at: datetime | None = None
    overdue: bool = False


@dataclass
class ServiceRow:
    service: object
    overdue: bool
    status_form: object | None
    refer_form: object | None
    bound: bool = False  # its referral form came back refused: show it open


@dataclass
class ReferralRow:
    referral: object
    shared: sharing.SharedReferral
    response_form: object | None
    bound: bool = False


@dataclass
class FollowUpRow:
    follow_up: object
    overdue: bool
    done_form: object | None
    bound: bool = False


def context(request, case: Case, *, bound=None, revealed_name: str | None = None) -> dict:
    user, now = request.user, timezone.now()
    case = (
        Case.objects.select_related("assigned_to", "district", "created_by", "organisation")
        .prefetch_related("stage_records")
        .get(pk=case.pk)
    )
    named = dict(_forms(case, user))
    if bound is not None:
        named[bound[0]] = bound[1]
    bound_name = bound[0] if bound else ""
    services_rows = _services(case, named, now, bound_name)
    return {
        "case": case,
        "now": now,
        "stages": stage_bar(case, now),
        "overdue": case.is_open and case.stage_due_at is not None and case.stage_due_at < now,
        "child_name": revealed_name if revealed_name is not None else services.masked_name(case),
        "name_revealed": revealed_name is not None,
        "age_band": taxonomy.age_band(case.child_age),
        "categories": [taxonomy.full_label(code) for code in case.categories],
        "forms": named,
        "advance_words": ADVANCE_WORDS.get(Stage(case.stage), ""),
        "next_stage": services.NEXT_STAGE.get(Stage(case.stage)),
        "service_rows": services_rows,
        "referral_rows": _referrals(case, named, bound_name),
        "follow_up_rows": _follow_ups(case, named, now, bound_name),
        "contacts": list(
            Contact.objects.filter(case=case).select_related("counsellor").order_by("started_at")
        ),
        "reports": list(case.reports.order_by("received_at")),
        "emergencies": case_emergencies(case),
        "timeline": timeline(case),
        "timeframes": [(Timeframe(code).label, span) for code, span in TIMEFRAMES.items()],
        "errors": error_links(bound[1], f"form-{bound[0]}") if bound else [],
        "bound_name": bound_name,
    }


def case_emergencies(case: Case) -> list[Emergency]:
    """The case's emergencies, and those raised from its contacts that are in no case:
    opening a case from a contact (or adding one) takes them in (`services`), and this
    catches any linked before that rule, so the page and the summary agree."""
    linked = Q(case=case) | Q(contact__case=case, case__isnull=True)
    return list(
        Emergency.objects.filter(linked, organisation_id=case.organisation_id)
        .distinct()
        .order_by("opened_at", "pk")
    )


def stage_bar(case: Case, now: datetime) -> list[StageStep]:
    latest = {}
    # In the order they were made (the clock may be set back; the ids never are).
    for stage_record in sorted(case.stage_records.all(), key=lambda found: found.pk):
        latest[stage_record.stage] = stage_record
    current = STAGE_BAR.index(Stage(case.stage)) if case.stage in STAGE_BAR else len(STAGE_BAR)
    steps = []
    for index, stage in enumerate(STAGE_BAR):
        found = latest.get(stage)
        state = "done" if index < current else "current" if index == current else "upcoming"
        step = StageStep(stage, state)
        if found is not None:
            step.entered_at, step.due_at = found.entered_at, found.due_at
            step.completed_at = found.completed_at
        if state == "current":
            step.due_at = case.stage_due_at
            step.overdue = case.stage_due_at is not None and case.stage_due_at < now
        steps.append(step)
    return steps


def _forms(case: Case, user):
    org = case.organisation_id
    yield "assign", forms.AssignForm(prefix="assign", organisation_id=org)
    yield (
        "details",
        forms.DetailsForm(
            prefix="details", organisation_id=org, initial=forms.DetailsForm.initial_for(case)
        ),
    )
    yield (
        "assessment",
        forms.RecordForm(prefix="assessment", initial={"text": case.assessment}),
    )
    yield "plan", forms.RecordForm(prefix="plan", initial={"text": case.plan})
    next_stage = services.NEXT_STAGE.get(Stage(case.stage))
    yield "advance", forms.AdvanceForm(prefix="advance", initial={"to_stage": next_stage})
    yield "close", forms.CloseForm(prefix="close")
    yield "reopen", forms.ReopenForm(prefix="reopen")
    yield "link_contact", forms.LinkForm(prefix="contact")
    yield "link_report", forms.LinkForm(prefix="report")
    yield "link_emergency", forms.LinkForm(prefix="emergency")
    yield "service", forms.ServiceForm(prefix="service")
    yield "follow_up", forms.FollowUpForm(prefix="follow_up", organisation_id=org)
    yield "print", forms.PrintForm(prefix="print")


def _services(case: Case, named: dict, now: datetime, bound_name: str) -> list[ServiceRow]:
    rows = []
    for service in case.services.select_related("created_by").order_by("due_at", "pk"):
        status_key, refer_key = f"status-{service.pk}", f"refer-{service.pk}"
        open_here = case.is_open and service.is_open
        if open_here and status_key not in named:
            moves = delivery.SERVICE_MOVES[ServiceStatus(service.status)]
            form = forms.ServiceStatusForm(prefix=status_key)
            form.fields["status"].choices = [(m.value, m.label) for m in moves]  # type: ignore[attr-defined]
            named[status_key] = form
        if open_here and refer_key not in named:
            named[refer_key] = forms.ReferForm(
                prefix=refer_key,
                candidates=delivery.partner_services_for(case, service.service_type),
                consent_share=case.consent_share,
            )
        rows.append(
            ServiceRow(
                service,
                overdue=open_here and service.due_at < now,
                status_form=named.get(status_key) if open_here else None,
                refer_form=named.get(refer_key) if open_here else None,
                bound=bound_name == refer_key,
            )
        )
    return rows


def _referrals(case: Case, named: dict, bound_name: str) -> list[ReferralRow]:
    rows = []
    referrals = case.referrals.select_related(
        "partner", "partner_service", "requested_by", "case__organisation", "case__district"
    ).order_by("-requested_at", "-pk")
    for referral in referrals:
        key = f"response-{referral.pk}"
        answerable = referral.status in (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED)
        if answerable and key not in named:
            named[key] = forms.ResponseForm(prefix=key, status=referral.status)
        rows.append(
            ReferralRow(
                referral,
                sharing.shared_view(referral),
                named.get(key) if answerable else None,
                bound=bound_name == key,
            )
        )
    return rows


def _follow_ups(case: Case, named: dict, now: datetime, bound_name: str) -> list[FollowUpRow]:
    rows = []
    follow_ups = list(
        case.follow_ups.select_related("assigned_to", "done_by").order_by("due_at", "pk")
    )
    # The next follow-up is suggested only for the last one open: with another still
    # open, the next one is already scheduled (the service skips a same-day duplicate).
    last_open = sum(1 for follow_up in follow_ups if follow_up.is_open) == 1
    for follow_up in follow_ups:
        key = f"done-{follow_up.pk}"
        open_here = case.is_open and follow_up.is_open
        if open_here and key not in named:
            suggest = case.stage == Stage.FOLLOW_UP and last_open
            named[key] = forms.FollowUpDoneForm(prefix=key, suggest_next=suggest)
        rows.append(
            FollowUpRow(
                follow_up,
                overdue=open_here and follow_up.due_at < now,
                done_form=named.get(key) if open_here else None,
                bound=bound_name == key,
            )
        )
    return rows


def due_words(due: datetime | None, now: datetime) -> str:
    """ "due in 2 h" / "3 d overdue", for the lists."""
    if due is None:
        return ""
    delta = due - now
    late = delta < timedelta(0)
    span = abs(delta)
    if span >= timedelta(days=1):
        amount = f"{span.days} d"
    elif span >= timedelta(hours=1):
        amount = f"{span.seconds // 3600} h"
    else:
        amount = f"{max(span.seconds // 60, 1)} min"
    return f"{amount} overdue" if late else f"due in {amount}"
