"""The "Notice and takedown" section of the report page, and the takedown page's facts:
per reported address, its state, next step and when, notices, checks and answers."""

from dataclasses import dataclass, field

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.fetching.models import Fetch
from haven.takedown import display
from haven.takedown.forms import HostAnswerForm, StopForm
from haven.takedown.lifecycle import FAILED_CHECKS_FOR_ATTENTION, REMOVABLE_STATES
from haven.takedown.models import OPEN_STATES, FirstNotice, State, Takedown
from haven.takedown.policies import policy_for
from haven.triage.panels import Panel, register

CHECKS_SHOWN = 5
FETCH_SNIPPET = "fetching/_fetch.html"


@dataclass
class Row:
    """One reported address and its takedown (None if none was started)."""

    url: object
    takedown: Takedown | None
    step: display.NextStep | None = None
    notices: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    answers: list = field(default_factory=list)
    waiting_for_police: bool = False
    can_send_now: bool = False
    can_confirm: bool = False
    can_stop: bool = False
    can_start: bool = True
    checks_failing: bool = False
    since_report: str = ""
    since_first_notice: str = ""
    time_to_removal: str = ""
    answer_form: HostAnswerForm | None = None
    stop_form: StopForm | None = None


def register_panel() -> None:
    register(
        Panel(
            key="takedown",
            title="Notice and takedown",
            template="takedown/_panel.html",
            context=context,
            order=30,
        )
    )


def context(report, user, request=None) -> dict:
    if not getattr(user, "is_org_staff", False):
        return {"rows": []}
    urls = list(report.urls.order_by("pk"))
    takedowns = {
        takedown.report_url_id: takedown
        for takedown in Takedown.objects.filter(report_url__in=urls).select_related("referral")
    }
    policy = policy_for(report.organisation)
    now = timezone.now()
    rows = [row_for(url, takedowns.get(url.pk), user, policy, now) for url in urls]
    return {
        "rows": rows,
        "fetch_snippet": fetch_snippet(),
        "policy": policy,
    }


def row_for(url, takedown: Takedown | None, user, policy, now) -> Row:
    if takedown is None:
        return Row(url=url, takedown=None)
    state = takedown.state
    return Row(
        url=url,
        takedown=takedown,
        step=display.next_step(takedown, now, policy.first_notice),
        notices=list(takedown.notices.order_by("-sent_at", "-pk")),
        checks=list(
            Fetch.objects.filter(report_url=url).order_by("-started_at", "-pk")[:CHECKS_SHOWN]
        ),
        answers=list(takedown.answers.select_related("recorded_by").order_by("-answered_at")),
        waiting_for_police=(
            state == State.WAITING
            and takedown.police_agreed_at is None
            and policy.first_notice == FirstNotice.AFTER_POLICE
        ),
        can_send_now=user.is_supervisor and state in OPEN_STATES,
        can_confirm=state in REMOVABLE_STATES,
        can_stop=state != State.STOPPED,
        can_start=state == State.STOPPED,
        checks_failing=takedown.failed_checks >= FAILED_CHECKS_FOR_ATTENTION,
        since_report=display.since(takedown.report.received_at, now),
        since_first_notice=display.since(takedown.first_notice_at, now)
        if state not in (State.REMOVED, State.STOPPED)
        else "",
        time_to_removal=display.took(takedown.first_notice_at, takedown.removed_at),
        answer_form=HostAnswerForm(prefix=answer_prefix(takedown)),
        stop_form=StopForm(prefix=stop_prefix(takedown)),
    )


# Prefixes carry the takedown's id, so that two addresses' forms on one report page
# never share an element id.
def answer_prefix(takedown: Takedown) -> str:
    return f"answer-{takedown.pk}"


def stop_prefix(takedown: Takedown) -> str:
    return f"stop-{takedown.pk}"


def history(takedown: Takedown) -> list[AuditEvent]:
    """Every step of the takedown, from the audit log, oldest first."""
    return list(
        AuditEvent.objects.filter(
            organisation_id=takedown.organisation_id,
            target_type="takedown",
            target_id=str(takedown.pk),
        ).order_by("pk")
    )


_snippet: list[str] = []


def fetch_snippet() -> str:
    """The fetching app's template for one check, when it provides one."""
    if not _snippet:
        try:
            get_template(FETCH_SNIPPET)
        except TemplateDoesNotExist:
            _snippet.append("")
        else:
            _snippet.append(FETCH_SNIPPET)
    return _snippet[0]
