"""In-memory stand-ins for the apps a takedown calls: a checker that answers what a test
says (and writes real Fetch rows, as fetching does), contacts, routing and channels."""

from dataclasses import dataclass, field

from django.utils import timezone

from haven.fetching.models import Fetch, Outcome
from haven.routing.models import Partner, PartnerKind, Referral, ReferralKind, ReferralStatus
from haven.takedown.channels import FakeChannel
from haven.takedown.seams import Contact

HOST = Contact("email", "abuse@host.example", "Example Hosting", "en")


@dataclass
class FakeChecker:
    """Answers `outcome` (or the one set for an address) and records a Fetch row."""

    outcome: str = Outcome.PRESENT
    per_url: dict[int, str] = field(default_factory=dict)
    calls: list[tuple[int, str]] = field(default_factory=list)
    reasons: dict[str, str] = field(
        default_factory=lambda: {
            Outcome.FAILED: "timeout",
            Outcome.REFUSED: "forbidden_address",
            Outcome.GONE: "not_found",
        }
    )

    def set(self, outcome: str, report_url=None) -> None:
        if report_url is None:
            self.outcome = outcome
        else:
            self.per_url[report_url.pk] = outcome

    def __call__(self, report_url, purpose: str) -> Fetch:
        outcome = self.per_url.get(report_url.pk, self.outcome)
        self.calls.append((report_url.pk, purpose))
        now = timezone.now()
        return Fetch.objects.create(
            organisation_id=report_url.report.organisation_id,
            report_url=report_url,
            purpose=purpose,
            requested_url=report_url.url,
            outcome=outcome,
            reason=self.reasons.get(outcome, ""),
            status_code=200 if outcome == Outcome.PRESENT else None,
            started_at=now,
            finished_at=now,
        )

    def count(self) -> int:
        return len(self.calls)


@dataclass
class FakeHosting:
    """Stands in for a Hosting row: only the country and names are read."""

    country: str = ""
    network_name: str = "Example Hosting"
    hostname: str = "host.example"


@dataclass
class FakeWorld:
    """Everything outside the takedown app, as one test sees it."""

    checker: FakeChecker = field(default_factory=FakeChecker)
    contact: Contact | None = HOST
    registrar: Contact | None = None
    hosting_country: str = ""
    actionable: bool = True
    labels: list[tuple[str, str]] = field(
        default_factory=lambda: [("INTERPOL", "Baseline"), ("Apparent age", "6 to 9")]
    )
    partners: dict[str, Partner] = field(default_factory=dict)
    forwards: list[dict] = field(default_factory=list)
    escalations: list[str] = field(default_factory=list)
    escalate_to_partner: Partner | None = None
    email: FakeChannel = field(default_factory=FakeChannel)
    api: FakeChannel = field(default_factory=FakeChannel)

    def parts(self) -> dict:
        return {
            "check": self.checker,
            "notice_contact": lambda report_url: self.contact,
            "registrar_contact": lambda report_url: self.registrar,
            "hosting": lambda report_url: FakeHosting(country=self.hosting_country),
            "partner_hotline_for": lambda organisation, country: self.partners.get(country),
            "forward": self.forward,
            "escalate": self.escalate,
            "is_actionable": lambda report_url: self.actionable,
            "actionable_among": lambda report_urls: (
                {url.pk for url in report_urls} if self.actionable else set()
            ),
            "classification": lambda report_url: list(self.labels),
            "channels": {"email": self.email, "api": self.api},
        }

    def add_partner(self, organisation, country: str, kind=PartnerKind.HOTLINE) -> Partner:
        partner = Partner.objects.create(
            organisation=organisation,
            kind=kind,
            name=f"Hotline {country}",
            country=country,
            email=f"hotline@{country.lower()}.example",
        )
        if kind == PartnerKind.HOTLINE:
            self.partners[country] = partner
        return partner

    def forward(self, report, partner, by, *, report_urls=None, actor=None) -> Referral:
        self.forwards.append({"partner": partner, "by": by, "urls": list(report_urls or [])})
        return _referral(report, partner, ReferralKind.FORWARD, by)

    def escalate(self, takedown, to: str) -> Referral | None:
        self.escalations.append(to)
        partner = self.escalate_to_partner
        if partner is None:
            return None
        return _referral(takedown.report, partner, ReferralKind.ESCALATION, None)

    @property
    def sent(self) -> list:
        """Every notice handed to a channel: (OutgoingNotice, contact)."""
        return self.email.sent + self.api.sent


def _referral(report, partner, kind, by) -> Referral:
    return Referral.objects.create(
        organisation_id=report.organisation_id,
        report=report,
        partner=partner,
        kind=kind,
        channel="email",
        status=ReferralStatus.SENT,
        sent_by=by,
    )
