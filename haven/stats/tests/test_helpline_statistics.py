"""Helpline statistics on records at known times, worked out by hand.

In March 2024 (UTC) the Northern Hotline's helpline had twelve contacts:

    #   channel    age   gender      who           categories
    1   phone      5     girl        child         violence.physical
    2   phone      6     girl        child         violence.physical, violence.sexual
    3   phone      7     boy         parent        mental_health.anxiety
    4   chat       9     boy         child         mental_health.anxiety, mental_health.self_harm
    5   chat       10    girl        child         violence.bullying, education.school_pressure
    6   chat       12    girl        child         education.school_pressure
    7   sms        13    non_binary  child         sexuality.gender_identity
    8   sms        15    girl        friend        (none)
    9   phone      16    boy         child         violence (the area alone)
    10  phone      17    unknown     professional  retired.code (withdrawn from the taxonomy)
    11  email      18    girl        child         non_counselling.information
    12  in_person  —     unknown     unknown       violence.neglect

and twelve emergencies, all with a 60-minute target: ten reached after 10, 20, 30, 40, 50,
55 (within), 70, 80, 90 and 120 minutes (missed), acknowledged after 2 to 10 and 12
minutes; one closed without arrival (missed); one opened at 23:30 on 31 March and not
yet reached (not yet due at 23:50, missed after 00:30). Arrival minutes: median 52.5,
90th percentile 93; acknowledgement: median 6.5, 90th percentile 10.2.

Cases: six opened in March, five of them closed in March after 1, 2, 3, 4 and 10 days
(median 3, 90th percentile 7.6); three more opened in February still open. Referrals in
March: shelter requested twice and accepted once, health completed, legal aid declined.

The Southern Helpline has records in the same month that must never be counted, and
the Northern Hotline has some just outside the range.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from haven.cases.models import Case, CaseReferral
from haven.emergencies.models import Emergency
from haven.helpline.models import Contact, HelplineSettings
from haven.network.models import District, PartnerService, ServicePartner
from haven.stats import helpline
from haven.stats.helpline_emergencies import EmergencyRow
from haven.stats.services import DateRange

MARCH = DateRange(date(2024, 3, 1), date(2024, 3, 31))
MINUTE = timedelta(minutes=1)
CONTACTS = [
    ("phone", 5, "girl", "child", ["violence.physical"]),
    ("phone", 6, "girl", "child", ["violence.physical", "violence.sexual"]),
    ("phone", 7, "boy", "parent", ["mental_health.anxiety"]),
    ("chat", 9, "boy", "child", ["mental_health.anxiety", "mental_health.self_harm"]),
    ("chat", 10, "girl", "child", ["violence.bullying", "education.school_pressure"]),
    ("chat", 12, "girl", "child", ["education.school_pressure"]),
    ("sms", 13, "non_binary", "child", ["sexuality.gender_identity"]),
    ("sms", 15, "girl", "friend", []),
    ("phone", 16, "boy", "child", ["violence"]),
    ("phone", 17, "unknown", "professional", ["retired.code"]),
    ("email", 18, "girl", "child", ["non_counselling.information"]),
    ("in_person", None, "unknown", "unknown", ["violence.neglect"]),
]


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


_serial = iter(range(1, 10**6))


def make_contact(
    organisation,
    started_at,
    channel="phone",
    age=None,
    gender="unknown",
    caller_type="unknown",
    categories=(),
) -> Contact:
    return Contact.objects.create(
        organisation=organisation,
        reference=f"C-TEST-{next(_serial):05d}",
        channel=channel,
        started_at=started_at,
        child_age=age,
        gender=gender,
        caller_type=caller_type,
        categories=list(categories),
        summary="synthetic",
    )


def make_emergency(
    organisation,
    opened_at,
    *,
    arrived=None,
    acknowledged=None,
    target=60,
    closed=True,
    district=None,
) -> Emergency:
    return Emergency.objects.create(
        organisation=organisation,
        reference=f"EM-TEST-{next(_serial):05d}",
        status="closed" if closed else "alerting",
        opened_at=opened_at,
        target_at=opened_at + target * MINUTE,
        acknowledged_at=opened_at + acknowledged * MINUTE if acknowledged is not None else None,
        arrived_at=opened_at + arrived * MINUTE if arrived is not None else None,
        closed_at=opened_at + 180 * MINUTE if closed else None,
        district=district,
    )


def make_case(
    organisation, created_at, *, closed_after_days=None, reason="", stage="assessment", due_at=None
) -> Case:
    closed_at = created_at + timedelta(days=closed_after_days) if closed_after_days else None
    return Case.objects.create(
        organisation=organisation,
        reference=f"K-TEST-{next(_serial):05d}",
        created_at=created_at,
        stage="closed" if closed_at else stage,
        stage_due_at=due_at,
        closed_at=closed_at,
        closure_reason=reason,
    )


def make_referral(case, service_type: str, status: str, requested_at) -> CaseReferral:
    partner, _ = ServicePartner.objects.get_or_create(
        organisation=case.organisation, name="Example Partner (test)"
    )
    service, _ = PartnerService.objects.get_or_create(
        partner=partner, service_type=service_type, defaults={"name": service_type}
    )
    return CaseReferral.objects.create(
        case=case,
        partner_service=service,
        partner=partner,
        status=status,
        requested_at=requested_at,
    )


@pytest.fixture
def known_helpline(organisation, other_organisation):
    return make_known_helpline(organisation, other_organisation)


def make_known_helpline(organisation, other_organisation):
    for day, (channel, age, gender, caller, categories) in enumerate(CONTACTS, start=1):
        make_contact(organisation, at(day, 10), channel, age, gender, caller, categories)
    make_contact(organisation, at(29, 23, 59, month=2), "sms", 8)  # just before
    make_contact(organisation, datetime(2024, 4, 1, tzinfo=UTC), "sms", 8)  # just after
    for _ in range(7):
        make_contact(other_organisation, at(5, 9), "sms", 8, "girl", "child", ["missing.lost"])

    north = District.objects.create(organisation=organisation, name="Northdale", code="north")
    south = District.objects.create(organisation=organisation, name="Southmoor", code="south")
    District.objects.create(organisation=organisation, name="Quiet Vale", code="quiet")
    for n, minutes in enumerate([10, 20, 30, 40, 50, 55, 70, 80, 90, 120]):
        make_emergency(
            organisation,
            at(2 + n, 14),
            arrived=minutes,
            acknowledged=[2, 3, 4, 5, 6, 7, 8, 9, 10, 12][n],
            district=north if n < 5 else south,
        )
    make_emergency(organisation, at(20, 3))  # closed, never reached
    make_emergency(organisation, at(31, 23, 30), closed=False)  # still open
    make_emergency(organisation, at(28, 23, month=2), arrived=5)  # outside
    for _ in range(6):
        make_emergency(other_organisation, at(5, 9), arrived=5, acknowledged=1)

    for days, reason in [(1, "safe"), (2, "safe"), (3, "transferred"), (4, ""), (10, "safe")]:
        make_case(organisation, at(1, 9), closed_after_days=days, reason=reason)
    still_open = make_case(organisation, at(15, 9), stage="assessment", due_at=at(16, 9))
    make_case(organisation, at(1, 9, month=2), stage="registration", due_at=at(2, 9, month=2))
    make_case(organisation, at(2, 9, month=2), stage="services", due_at=at(30, 9, month=4))
    make_case(organisation, at(3, 9, month=2), stage="plan")
    make_case(other_organisation, at(1, 9), closed_after_days=1, reason="safe")

    make_referral(still_open, "shelter", "requested", at(16, 10))
    make_referral(still_open, "shelter", "requested", at(17, 10))
    make_referral(still_open, "shelter", "accepted", at(18, 10))
    make_referral(still_open, "health", "completed", at(19, 10))
    make_referral(still_open, "legal_aid", "declined", at(20, 10))
    make_referral(still_open, "police", "requested", at(20, 10, month=2))  # outside
    return {"north": north, "south": south}


def values(table) -> dict[str, list[int]]:
    """Each row's raw counts (what suppression hides is still known to the code)."""
    rows = [*table.rows, *([table.total] if table.total else [])]
    return {row.key: [cell.value for cell in row.cells] for row in rows}


@pytest.fixture
def march(known_helpline, organisation):
    return helpline.figures(organisation, MARCH, now=at(31, 23, 50))


def test_contacts_are_counted_by_channel(march):
    assert march.contacts.value == 12
    assert values(march.table("channel")) == {
        "phone": [5],
        "sms": [2],
        "chat": [3],
        "messaging": [0],
        "email": [1],
        "in_person": [1],
        "all": [12],
    }


def test_contacts_are_counted_by_the_childs_age_band(march):
    assert values(march.table("age_band")) == {
        "0-6": [2],  # 5 and 6
        "7-9": [2],  # 7 and 9
        "10-12": [2],
        "13-15": [2],
        "16-17": [2],
        "18+": [1],
        "unknown": [1],
        "all": [12],
    }


def test_contacts_are_counted_by_gender_and_by_who_contacted(march):
    assert values(march.table("gender")) == {
        "girl": [6],
        "boy": [3],
        "non_binary": [1],
        "unknown": [2],
        "all": [12],
    }
    callers = values(march.table("caller_type"))
    assert (callers["child"], callers["parent"], callers["friend"]) == ([8], [1], [1])
    assert (callers["professional"], callers["unknown"], callers["relative"]) == ([1], [1], [0])


def test_a_contact_counts_once_in_an_area_and_once_in_each_of_its_sub_categories(march):
    areas = values(march.table("area"))
    assert areas["violence"] == [5]
    assert areas["violence.physical"] == [2]
    assert areas["violence.sexual"] == [1]
    assert areas["violence.bullying"] == [1]
    assert areas["violence.unspecified"] == [1]  # "violence" alone
    assert areas["mental_health"] == [2] and areas["mental_health.anxiety"] == [2]
    assert areas["education"] == [2] and areas["sexuality"] == [1]
    assert areas["none"] == [1]
    # A code no longer in the taxonomy is still counted, under its own prefix.
    assert areas["retired"] == [1] and areas["retired.code"] == [1]
    labels = {row.key: row.label for row in march.table("area").rows}
    assert labels["violence"] == "Violence and abuse"
    assert labels["violence.physical"] == "Physical violence"
    assert labels["retired.code"] == "retired.code"


def test_areas_are_crossed_with_age_band_and_gender_with_the_one_way_counts_as_margins(march):
    by_age = values(march.table("area_age_band"))
    # Columns: 0-6, 7-9, 10-12, 13-15, 16-17, 18+, unknown, all ages.
    assert by_age["violence"] == [2, 0, 1, 0, 1, 0, 1, 5]
    assert by_age["mental_health"] == [0, 2, 0, 0, 0, 0, 0, 2]
    assert by_age["all"] == [2, 2, 2, 2, 2, 1, 1, 12]
    by_gender = values(march.table("area_gender"))
    # Columns: girl, boy, non-binary, unknown, all.
    assert by_gender["violence"] == [3, 1, 0, 1, 5]
    assert by_gender["none"] == [1, 0, 0, 0, 1]
    assert by_gender["all"] == [6, 3, 1, 2, 12]


def test_emergency_response_times_have_a_known_median_and_90th_percentile(march):
    assert march.arrival_median.value == pytest.approx(52.5)
    assert march.arrival_p90.value == pytest.approx(93.0)
    assert march.acknowledge_median.value == pytest.approx(6.5)
    assert march.acknowledge_p90.value == pytest.approx(10.2)
    assert march.arrival_median.text == "52.5" and march.arrival_p90.text == "93.0"


def test_emergencies_are_within_missed_or_not_yet_due(march, organisation):
    assert march.emergencies.value == 12
    assert march.within_target.value == 6
    assert march.missed_target.value == 5  # four late, one closed unreached
    assert march.pending.value == 1
    assert march.no_arrival.value == 2
    later = helpline.figures(organisation, MARCH, now=at(1, 0, 31, month=4))
    assert (later.missed_target.value, later.pending.value) == (6, 0)


def test_response_times_and_the_share_are_given_by_district(march, known_helpline):
    rows = {row.key: row for row in march.table("emergencies_by_district").rows}
    north, south = rows[str(known_helpline["north"].pk)], rows[str(known_helpline["south"].pk)]
    assert [c.value for c in north.cells[:5]] == [5, 5, 0, 0, 0]
    # Southmoor's one arrival in time is under 5; the five of Northdale are withheld
    # with it (or the total would give it away), and so is Northdale's share.
    assert north.cells[1].text == "x" and south.cells[1].text == "<5"
    assert (north.cells[5].text, north.cells[5].note) == ("—", "withheld")
    assert north.cells[6].value == pytest.approx(30.0)  # median of 10 to 50
    assert [c.value for c in south.cells[:5]] == [5, 1, 4, 0, 0]
    assert [c.value for c in rows["none"].cells[:5]] == [2, 0, 1, 1, 2]
    assert rows["none"].cells[6].text == "—"  # no arrival at all
    quiet = District.objects.get(name="Quiet Vale")
    assert [c.value for c in rows[str(quiet.pk)].cells[:5]] == [0] * 5


def test_the_share_within_the_target_counts_arrivals_by_each_emergencys_own_target(
    organisation,
):
    # Fifteen within and five late of a 60-minute target: 75%.
    for minutes in [10] * 5 + [20] * 5 + [50] * 5 + [70] * 5:
        make_emergency(organisation, at(4, 12), arrived=minutes)
    # Opened with a 30-minute target before the setting changed: 40 minutes is late.
    make_emergency(organisation, at(4, 12), arrived=40, target=30)
    for _ in range(4):
        make_emergency(organisation, at(4, 12), arrived=40, target=30)
    figures = helpline.figures(organisation, MARCH, now=at(31, 0))
    assert (figures.within_target.value, figures.missed_target.value) == (15, 10)
    assert figures.share_within_target.text == "60%"
    assert figures.share_within_target.data == 0.6


def test_arrival_minutes_are_distributed_in_quarters_of_the_target(march, organisation):
    counts = {b.label: b.count.value for b in march.distribution}
    assert counts == {
        "0\N{EN DASH}15 min": 1,
        "15\N{EN DASH}30 min": 2,
        "30\N{EN DASH}45 min": 1,
        "45\N{EN DASH}60 min": 2,
        "60\N{EN DASH}75 min": 1,
        "75\N{EN DASH}90 min": 2,
        "90\N{EN DASH}105 min": 0,
        "105\N{EN DASH}120 min": 1,
        "Over 120 min": 0,
        "No arrival": 2,
    }
    HelplineSettings.objects.create(organisation=organisation, emergency_target_minutes=40)
    figures = helpline.figures(organisation, MARCH, now=at(31, 23, 50))
    assert [b.label for b in figures.distribution][:2] == [
        "0\N{EN DASH}10 min",
        "10\N{EN DASH}20 min",
    ]
    assert figures.target_minutes == 40


def test_emergencies_are_grouped_by_week_and_add_up(march):
    table = march.table("emergencies_by_period")
    assert table.rows[0].label == "1 Mar to 3 Mar 2024"  # clipped to the range
    assert [row.key for row in table.rows][1:3] == ["2024-03-04", "2024-03-11"]
    assert sum(row.cells[0].value for row in table.rows) == 12


def test_an_emergency_arrived_before_it_was_opened_counts_as_at_once():
    opened = at(1, 10)
    row = EmergencyRow(opened, opened, None, opened - MINUTE, None, closed=True)
    assert row.minutes_to(row.arrived_at) == 0.0
    assert row.outcome(opened) == "within"


def test_cases_opened_and_closed_in_the_range_by_reason_with_days_to_closure(march):
    assert (march.cases_opened.value, march.cases_closed.value) == (6, 5)
    assert values(march.table("closure_reason")) == {
        "safe": [3],
        "transferred": [1],
        "moved": [0],
        "aged_out": [0],
        "declined": [0],
        "lost_contact": [0],
        "died": [0],
        "duplicate": [0],
        "other": [0],
        "not_recorded": [1],
        "all": [5],
    }
    assert march.days_to_closure_median.value == pytest.approx(3.0)
    assert march.days_to_closure_p90.value == pytest.approx(7.6)


def test_open_cases_by_stage_and_overdue_are_as_things_stand_now(march):
    assert values(march.table("open_stage")) == {
        "registration": [1],
        "assessment": [1],
        "plan": [1],
        "services": [1],
        "follow_up": [0],
        "all": [4],
    }
    # Registration (due 2 February) and assessment (due 16 March) are past their dates.
    assert (march.open_cases.value, march.overdue_cases.value) == (4, 2)


def test_referrals_requested_in_the_range_by_service_type_and_state(march):
    table = march.table("referrals")
    assert [c.key for c in table.columns] == [
        "requested",
        "accepted",
        "declined",
        "completed",
        "all",
    ]
    found = values(table)
    assert found["shelter"] == [2, 1, 0, 0, 3]
    assert found["health"] == [0, 0, 0, 1, 1]
    assert found["legal_aid"] == [0, 0, 1, 0, 1]
    assert found["police"] == [0, 0, 0, 0, 0]  # requested in February
    assert found["all"] == [2, 1, 1, 1, 5]


def test_an_empty_range_has_zeros_and_no_medians(organisation):
    figures = helpline.figures(organisation, MARCH)
    assert figures.contacts.text == "0" and figures.emergencies.text == "0"
    assert figures.arrival_median.text == "—" and figures.arrival_median.note == "fewer than 5"
    assert figures.share_within_target.text == "—"
    assert figures.days_to_closure_median.data is None
    for table in figures.tables:
        for row in [*table.rows, table.total]:
            if row:
                assert all(cell.text in ("0", "—") for cell in row.cells), (table.key, row)
