"""What the demo history remembers about one reported address while its story is told,
before anything is written: the rows to insert and the steps for the audit log."""

from dataclasses import dataclass, field
from datetime import datetime

from haven.demo.directory import DemoHost
from haven.fetching.models import Fetch
from haven.reports.models import Report, ReportUrl
from haven.routing.models import Referral
from haven.takedown.models import HostAnswer, Notice, Takedown
from haven.triage.models import ActionTaken

# Who took a step, as the audit log names them (see haven.demo.audit_log).
ANALYST, SCHEDULER, HOST = "analyst", "scheduler", "host"


@dataclass
class Step:
    """One audit row: `refs` are objects whose ids go into `detail` once they are saved
    ({"fetch_id": fetch}); `target` is the takedown, or a referral."""

    at: datetime
    action: str
    actor: str
    target: Takedown | Referral
    detail: dict = field(default_factory=dict)
    refs: dict[str, object] = field(default_factory=dict)


@dataclass
class NoticeFacts:
    """What a notice's template is told besides the takedown's own fields."""

    recheck: Fetch | None
    reminder_number: int
    notices_sent: int
    first_notice_at: datetime | None
    reappeared: bool


@dataclass
class AddressStory:
    """One reported address and everything that happened to it."""

    host: DemoHost
    url: str
    report: Report
    # Set as the story is told, and once the report is saved.
    takedown: Takedown = field(init=False)
    report_url: ReportUrl = field(init=False)
    # The labels of the address, and of its report (Label rows of the built-in schemes).
    labels: list = field(default_factory=list)
    report_labels: list = field(default_factory=list)
    fetches: list[Fetch] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    notice_facts: list[NoticeFacts] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    answers: list[HostAnswer] = field(default_factory=list)
    actions: list[ActionTaken] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    def forget_after(self, moment: datetime) -> None:
        """Drop checks and steps later than `moment` (the story takes another turn)."""
        self.fetches = [f for f in self.fetches if f.started_at <= moment]
        self.steps = [s for s in self.steps if s.at <= moment]
