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

from haven.reports.models import Report, Source, Status

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
