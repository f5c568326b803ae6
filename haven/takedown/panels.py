"""The "Notice and takedown" section of the report page, and the takedown page's facts:
per reported address, its state, next step and when, notices, checks and answers."""

from dataclasses import dataclass, field

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.fetching.models import Fetch
from haven.takedown import display, lifecycle
from haven.takedown.forms import HostAnswerForm, PoliceAgreedForm, StopForm
from haven.takedown.lifecycle import FAILED_CHECKS_FOR_ATTENTION, REMOVABLE_STATES
from haven.takedown.models import OPEN_STATES, EscalateTo, FirstNotice, State, Takedown
from haven.takedown.policies import policy_for
from haven.takedown.seams import Outside, outside
from haven.triage.panels import Panel, register

# The report page shows the newest few notices and checks, the rest folded away; the
# takedown's own page shows them all (checks up to a bound: a takedown whose checks
# fail is checked every hour, for months).
SHOWN_ON_REPORT = 3
CHECKS_ON_REPORT = 25
CHECKS_ON_PAGE = 500
FETCH_SNIPPET = "fetching/_fetch.html"
NO_CONTACT = (
    "No abuse contact is known: correct the hosting (Where it is hosted) before the first "
    "notice can go."
)
NOT_ACTIONABLE = "Classify the address as illegal to start its takedown."


@dataclass
class Row:
    """One reported address and its takedown (None if none was started)."""

    url: object
    takedown: Takedown | None
    step: display.NextStep | None = None
    notices: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    # How many checks there are in all (`checks` may hold only the newest).
    check_count: int = 0
    latest_check: Fetch | None = None
    answers: list = field(default_factory=list)
    waiting_for_police: bool = False
    can_send_now: bool = False
    can_confirm: bool = False
    can_stop: bool = False
    # Starting (again) would be accepted: an actionable classification, or a supervisor.
    can_start: bool = False
    # Where notices would go is known (for an address without a takedown yet).
    contact_known: bool = True
    checks_failing: bool = False
    escalated_to: str = ""
    removal_pending: str = ""
    since_report: str = ""
    since_first_notice: str = ""
    time_to_removal: str = ""
    answer_form: HostAnswerForm | None = None
    stop_form: StopForm | None = None
    police_form: PoliceAgreedForm | None = None

    @property
    def first_notices(self) -> list:
        return self.notices[:SHOWN_ON_REPORT]

    @property
    def older_notices(self) -> list:
        return self.notices[SHOWN_ON_REPORT:]

    @property
    def first_checks(self) -> list:
        return self.checks[:SHOWN_ON_REPORT]

    @property
    def older_checks(self) -> list:
        return self.checks[SHOWN_ON_REPORT:]

    @property
    def checks_not_listed(self) -> int:
        return self.check_count - len(self.checks)


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
        for takedown in Takedown.objects.filter(report_url__in=urls).select_related(
            "organisation", "report", "report_url", "referral__partner"
        )
    }
    now = timezone.now()
    out = outside()
    startable = [
        url for url in urls if url.pk not in takedowns or takedowns[url.pk].state == State.STOPPED
    ]
    actionable = out.actionable_among(startable) if startable and not user.is_supervisor else set()
    # The policy says when a first notice would go: only read when something shows it.
    shown = takedowns or actionable or (startable and user.is_supervisor)
    policy = policy_for(report.organisation) if shown else None
    rows = [
        row_for(
            url, takedowns.get(url.pk), user, policy, now, out=out, actionable=url.pk in actionable
        )
        for url in urls
    ]
    return {
        "rows": rows,
        "fetch_snippet": fetch_snippet(),
        "policy": policy,
        "shown": SHOWN_ON_REPORT,
    }


def row_for(
    url,
    takedown: Takedown | None,
    user,
    policy,
    now,
    *,
    out: Outside | None = None,
    checks_limit: int = CHECKS_ON_REPORT,
    actionable: bool | None = None,
) -> Row:
    """`actionable`: whether the address is, when the caller knows (else looked up)."""
    out = out or outside()
    startable = takedown is None or takedown.state == State.STOPPED
    may_start = startable and (
        user.is_supervisor or (actionable if actionable is not None else out.is_actionable(url))
    )
    if takedown is None:
        known = may_start and out.notice_contact(url) is not None
        return Row(url=url, takedown=None, can_start=may_start, contact_known=known)
    if takedown.state == State.WAITING and takedown.first_notice_at is None:
        # Nothing sent yet: show where the first notice would go now, hosting corrected.
        # Shown only: hosting's save and the scheduler store it, a page view writes nothing.
        lifecycle.take_snapshot(takedown, out.hosting(url), out.notice_contact(url))
    state = takedown.state
    notices = list(takedown.notices.order_by("-sent_at", "-pk"))
    checks = list(
        Fetch.objects.filter(report_url=url).order_by("-started_at", "-pk")[:checks_limit]
    )
    count = len(checks)
    if count == checks_limit:
        count = Fetch.objects.filter(report_url=url).count()
    waiting_for_police = (
        state == State.WAITING
        and takedown.police_agreed_at is None
        and policy.first_notice == FirstNotice.AFTER_POLICE
    )
    return Row(
        url=url,
        takedown=takedown,
        step=display.next_step(takedown, now, policy.first_notice),
        notices=notices,
        checks=checks,
        check_count=count,
        latest_check=checks[0] if checks else None,
        answers=list(takedown.answers.select_related("recorded_by").order_by("-answered_at")),
        waiting_for_police=waiting_for_police,
        # While police have not agreed, "Police agreed" is the way on, not "Send now".
        can_send_now=user.is_supervisor and state in OPEN_STATES and not waiting_for_police,
        can_confirm=state in REMOVABLE_STATES,
        can_stop=state != State.STOPPED,
        can_start=state == State.STOPPED and may_start,
        contact_known=bool(takedown.recipient),
        checks_failing=takedown.failed_checks >= FAILED_CHECKS_FOR_ATTENTION,
        escalated_to=display.escalated_to(takedown, notices, _registrar_name(takedown, out)),
        removal_pending=display.removal_pending(takedown),
        since_report=display.since(takedown.report.received_at, now),
        since_first_notice=display.since(takedown.first_notice_at, now)
        if state not in (State.REMOVED, State.STOPPED)
        else "",
        time_to_removal=display.took(takedown.first_notice_at, takedown.removed_at),
        answer_form=HostAnswerForm(prefix=answer_prefix(takedown)),
        stop_form=StopForm(prefix=stop_prefix(takedown)),
        police_form=PoliceAgreedForm(prefix=police_prefix(takedown)),
    )


def _registrar_name(takedown: Takedown, out: Outside) -> str:
    if not takedown.escalated_at or takedown.escalated_to != EscalateTo.REGISTRAR:
        return ""
    return getattr(out.hosting(takedown.report_url), "registrar_name", "") or ""


# Prefixes carry the takedown's id, so that two addresses' forms on one report page
# never share an element id.
def answer_prefix(takedown: Takedown) -> str:
    return f"answer-{takedown.pk}"


def stop_prefix(takedown: Takedown) -> str:
    return f"stop-{takedown.pk}"


def police_prefix(takedown: Takedown) -> str:
    return f"police-{takedown.pk}"


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
