"""Reports at known times, whose statistics are worked out by hand in the tests.

In the range 1 to 10 March 2024 (UTC), Northern Hotline received nine reports:

    ref  category        received      first action  closed   due     status
    S1   sexual_imagery  4 Mar 10:00   +1 h          +10 h    +24 h   closed
    S2   sexual_imagery  4 Mar 11:00   +2 h          +20 h    +24 h   closed
    S3   sexual_imagery  5 Mar 10:00   +3 h                   +24 h   actioned
    S4   sexual_imagery  5 Mar 12:00   +30 h (late)           +24 h   actioned
    D1   danger_now      6 Mar 08:00   +30 min                +1 h    actioned
    D2   danger_now      6 Mar 09:00   +4 h (late)            +1 h    actioned
    B1   bullying        7 Mar 10:00   none                   +72 h   received  (missed)
    B2   bullying        7 Mar 11:00   none                   NOW+1d  received  (not yet due)
    O1   other           8 Mar 10:00   none          +2 h     +72 h   closed    (met by closing)

Hours to first action, sorted: 0.5, 1, 2, 3, 4, 30: median 2.5, 90th percentile 17.
Deadlines: 5 met (S1 S2 S3 D1 O1), 3 missed (S4 D2 B1), 1 not yet due (B2).
Hours to close: 2, 10, 20: median 10, 90th percentile 18.

Just outside the range: one at 29 Feb 23:59 and one at 11 Mar 00:00. The Southern
Helpline has a report inside the range that must never be counted.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from haven.accounts.models import Role
from haven.reports.models import Report, ReportUrl, Source, Status
from haven.routing.models import Partner, PartnerKind, Referral, ReferralKind, ReferralStatus
from haven.takedown.models import State, Takedown
from haven.web.tests.conftest import browser, new_context, site  # noqa: F401  (browser tests)

MARCH = 3


def at(day: int, hour: int, minute: int = 0, month: int = MARCH) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


def make_report(
    organisation,
    name: str,
    category: str,
    received_at: datetime,
    due_in: timedelta | None = None,
    *,
    due_at: datetime | None = None,
    first_action_in: timedelta | None = None,
    closed_in: timedelta | None = None,
    status: str = Status.RECEIVED,
    **fields,
) -> Report:
    report = Report.objects.create(
        organisation=organisation,
        reference=f"HVN-{name:0<5}-TEST{len(name)}"[:20],
        category=category,
        source=fields.pop("source", Source.PUBLIC),
        due_at=timezone.now(),
        description=f"private words about {name}",
        **fields,
    )
    # received_at is set by the database on creation, so known times are written after.
    Report.objects.filter(pk=report.pk).update(
        received_at=received_at,
        due_at=due_at or received_at + (due_in or timedelta(hours=72)),
        first_action_at=received_at + first_action_in if first_action_in else None,
        closed_at=received_at + closed_in if closed_in else None,
        status=status,
    )
    report.refresh_from_db()
    return report


HOUR = timedelta(hours=1)


@pytest.fixture
def known_reports(organisation, other_organisation):
    day = timedelta(hours=24)
    reports = {
        "S1": make_report(
            organisation,
            "S1",
            "sexual_imagery",
            at(4, 10),
            day,
            first_action_in=1 * HOUR,
            closed_in=10 * HOUR,
            status=Status.CLOSED,
        ),
        "S2": make_report(
            organisation,
            "S2",
            "sexual_imagery",
            at(4, 11),
            day,
            first_action_in=2 * HOUR,
            closed_in=20 * HOUR,
            status=Status.CLOSED,
        ),
        "S3": make_report(
            organisation,
            "S3",
            "sexual_imagery",
            at(5, 10),
            day,
            first_action_in=3 * HOUR,
            status=Status.ACTIONED,
        ),
        "S4": make_report(
            organisation,
            "S4",
            "sexual_imagery",
            at(5, 12),
            day,
            first_action_in=30 * HOUR,
            status=Status.ACTIONED,
        ),
        "D1": make_report(
            organisation,
            "D1",
            "danger_now",
            at(6, 8),
            HOUR,
            first_action_in=HOUR / 2,
            status=Status.ACTIONED,
            urgency=0,
        ),
        "D2": make_report(
            organisation,
            "D2",
            "danger_now",
            at(6, 9),
            HOUR,
            first_action_in=4 * HOUR,
            status=Status.ACTIONED,
            urgency=0,
        ),
        "B1": make_report(organisation, "B1", "bullying", at(7, 10)),
        "B2": make_report(organisation, "B2", "bullying", at(7, 11), due_at=timezone.now() + day),
        "O1": make_report(
            organisation,
            "O1",
            "other",
            at(8, 10),
            closed_in=2 * HOUR,
            status=Status.CLOSED,
            source=Source.API,
        ),
        # Outside the range, by a minute either side.
        "early": make_report(
            organisation, "EARLY", "sexual_imagery", at(29, 23, 59, month=2), first_action_in=HOUR
        ),
        "late": make_report(
            organisation, "LATE", "sexual_imagery", at(11, 0), first_action_in=HOUR
        ),
        # Another organisation, inside the range: never counted.
        "southern": make_report(
            other_organisation,
            "SOUTH",
            "danger_now",
            at(6, 8),
            HOUR,
            first_action_in=100 * HOUR,
            status=Status.ACTIONED,
        ),
    }
    return reports


# Takedowns at known times, for the removal statistics. Reports received in March 2024,
# looked at on 30 April 2024 at noon (REMOVAL_NOW). Hours after the report / after the
# first notice:
#
#   name host          country  notice  removed           other
#   A1   Alpha Hosting NL       +1      +2
#   A2   Alpha Hosting NL       +2      +10               came back twice
#   A3   Alpha Hosting NL       +1      +20
#   A4   Alpha Hosting NL       +3      +30
#   A5   Alpha Hosting NL       +1      +50
#   B1   Beta Servers  DE       +1      +80
#   B2   Beta Servers  DE       +1      +100
#   B3   Beta Servers  DE       +2      +200              escalated
#   B4   Beta Servers  DE       +1      +1100 (45.8 days) escalated
#   B5   Beta Servers  DE       +1      still online      escalated (1235 h since notice)
#   G1   Gamma Net     US       +4      still online      (992 h since notice)
#   G2   Gamma Net     US       none    96 h after report forwarded, never notified by us
#   G3   Gamma Net     US       +1      none              stopped
#   G4   Gamma Net     US       none    none              waiting (757 h since report)
#   U1   (no host)     (none)   +1      +5
#
# Worked out by hand in test_removal_statistics.py. Outside the range: one on 29 Feb
# 23:59 and one on 1 April 00:00; the Southern Helpline has one in the range.

REMOVAL_NOW = datetime(2024, 4, 30, 12, 0, tzinfo=UTC)


def make_takedown(
    organisation,
    user,
    name: str,
    received_at: datetime,
    host: str,
    country: str,
    *,
    notice_in: float | None = None,
    removed_in: float | None = None,
    state: str = "",
    **fields,
):
    report = make_report(organisation, name, "sexual_imagery", received_at)
    url = ReportUrl.objects.create(report=report, url=f"https://{name.lower()}.example.net/x")
    first_notice_at = received_at + notice_in * HOUR if notice_in is not None else None
    if removed_in is not None:
        removed_at = (first_notice_at or received_at) + removed_in * HOUR
    else:
        removed_at = None
    if not state and removed_at:
        state = State.REMOVED
    elif not state:
        state = State.NOTIFIED if first_notice_at else State.WAITING
    return Takedown.objects.create(
        organisation=organisation,
        report=report,
        report_url=url,
        state=state,
        host_name=host,
        country=country,
        opened_by=user,
        opened_at=received_at,
        first_notice_at=first_notice_at,
        removed_at=removed_at,
        **fields,
    )


@pytest.fixture
def known_takedowns(organisation, other_organisation):
    user = make_user(organisation, "tess", Role.ANALYST)
    alpha, beta, gamma = "Alpha Hosting", "Beta Servers", "Gamma Net"

    def made(name, day, host, country, **kwargs):
        return make_takedown(organisation, user, name, at(day, 0), host, country, **kwargs)

    escalated = {"escalated_at": at(20, 0), "reminders_sent": 3}
    takedowns = {
        "A1": made("A1", 1, alpha, "NL", notice_in=1, removed_in=2),
        "A2": made("A2", 2, alpha, "NL", notice_in=2, removed_in=10, reappeared_count=2),
        "A3": made("A3", 3, alpha, "NL", notice_in=1, removed_in=20),
        "A4": made("A4", 4, alpha, "NL", notice_in=3, removed_in=30, reminders_sent=1),
        "A5": made("A5", 5, alpha, "NL", notice_in=1, removed_in=50, reminders_sent=2),
        "B1": made("B1", 6, beta, "DE", notice_in=1, removed_in=80),
        "B2": made("B2", 7, beta, "DE", notice_in=1, removed_in=100),
        "B3": made("B3", 8, beta, "DE", notice_in=2, removed_in=200, **escalated),
        "B4": made("B4", 9, beta, "DE", notice_in=1, removed_in=1100, **escalated),
        "B5": made("B5", 10, beta, "DE", notice_in=1, state=State.ESCALATED, **escalated),
        "G1": made("G1", 20, gamma, "US", notice_in=4),
        "G2": made("G2", 21, gamma, "US", removed_in=96, state=State.REMOVED),
        "G3": made("G3", 22, gamma, "US", notice_in=1, state=State.STOPPED),
        "G4": make_takedown(organisation, user, "G4", at(29, 23), gamma, "US"),
        "U1": made("U1", 15, "", "", notice_in=1, removed_in=5),
        "early": make_takedown(
            organisation, user, "EARLY", at(29, 23, 59, month=2), alpha, "NL", notice_in=1
        ),
        "late": make_takedown(
            organisation, user, "LATE", at(1, 0, month=4), alpha, "NL", notice_in=1
        ),
        "southern": make_takedown(
            other_organisation,
            make_user(other_organisation, "sue", Role.ANALYST),
            "SOUTH",
            at(12, 0),
            alpha,
            "NL",
            notice_in=1,
        ),
    }
    hotline = Partner.objects.create(
        organisation=organisation, kind=PartnerKind.HOTLINE, name="US hotline", country="US"
    )
    Referral.objects.create(
        organisation=organisation,
        report=takedowns["G2"].report,
        partner=hotline,
        kind=ReferralKind.FORWARD,
        channel="email",
        status=ReferralStatus.ACKNOWLEDGED,
    )
    return takedowns
