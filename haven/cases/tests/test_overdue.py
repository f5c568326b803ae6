"""The overdue board, as time passes: stages, services, follow-ups and unanswered
referrals; each person's own, supervisors everyone's; most overdue first."""

from datetime import timedelta

from django.urls import reverse

from conftest import verified_client
from haven.cases import delivery, overdue, services
from haven.cases.models import ServiceStatus, Timeframe
from haven.cases.tests.conftest import make_contact, open_for
from haven.network.models import ServiceType


def kinds(items) -> list[tuple[str, str]]:
    return [(item.kind, item.case.reference) for item in items]


def test_an_unassigned_case_is_overdue_after_3_hours_or_1_at_high_risk(
    organisation, counsellor, supervisor, clock
):
    low = open_for(counsellor, contact=make_contact(organisation, counsellor, risk_level="low"))
    high = open_for(counsellor, contact=make_contact(organisation, counsellor, risk_level="high"))

    clock.advance(minutes=59)
    assert overdue.board(supervisor) == []
    clock.advance(minutes=2)
    assert kinds(overdue.board(supervisor)) == [("stage", high.reference)]
    clock.advance(hours=2)
    assert kinds(overdue.board(supervisor)) == [
        ("stage", high.reference),
        ("stage", low.reference),
    ]
    services.assign(supervisor, high, counsellor)
    assert kinds(overdue.board(supervisor)) == [("stage", low.reference)]
    assert overdue.board(supervisor)[0].what == "Not assigned in time"


def test_services_follow_ups_and_unanswered_referrals_appear_when_late(
    case, counsellor, supervisor, referral, shelter_service, clock, settings
):
    settings.CASES_REFERRAL_ANSWER_HOURS = 12
    delivery.add_follow_up(counsellor, case, clock.now + timedelta(hours=6), "Call her")

    clock.advance(hours=2)
    assert overdue.board(counsellor) == []
    clock.advance(hours=2)  # the shelter was needed within 3 hours
    assert kinds(overdue.board(counsellor)) == [("service", case.reference)]
    clock.advance(hours=3)
    assert [i.kind for i in overdue.board(counsellor)] == ["service", "follow_up"]
    clock.advance(hours=6)
    assert [i.kind for i in overdue.board(counsellor)] == ["service", "follow_up", "referral"]
    assert overdue.board(counsellor)[2].what == "No answer from Safe Hands"

    delivery.respond(counsellor, referral, "accept", on_behalf=True)
    delivery.set_service_status(counsellor, shelter_service, ServiceStatus.DONE)
    assert [i.kind for i in overdue.board(counsellor)] == ["follow_up"]
    clock.advance(days=3)  # and the assessment is now late too
    assert [i.kind for i in overdue.board(counsellor)] == ["follow_up", "stage"]


def test_counsellors_see_their_own_overdue_items_supervisors_everyones(
    organisation, case, counsellor, other_counsellor, supervisor, clock
):
    theirs = open_for(
        other_counsellor,
        contact=make_contact(organisation, other_counsellor),
        assign_to=other_counsellor,
    )
    delivery.add_service(other_counsellor, theirs, ServiceType.HEALTH, Timeframe.HOUR)
    delivery.add_service(counsellor, case, ServiceType.HEALTH, Timeframe.THREE_HOURS)
    # A follow-up on Dana's case that is Chris's to do.
    delivery.add_follow_up(
        other_counsellor, theirs, clock.now + timedelta(hours=2), "x", counsellor
    )
    clock.advance(hours=4)

    assert kinds(overdue.board(counsellor)) == [
        ("follow_up", theirs.reference),
        ("service", case.reference),
    ]
    assert kinds(overdue.board(other_counsellor)) == [("service", theirs.reference)]
    everyone = overdue.board(supervisor)
    assert [i.kind for i in everyone] == ["service", "follow_up", "service"]
    assert kinds(overdue.board(supervisor, assignee=counsellor)) == kinds(overdue.board(counsellor))
    assert [i.kind for i in overdue.board(supervisor, kind="follow_up")] == ["follow_up"]


def test_closed_cases_leave_the_board(case, counsellor, supervisor, shelter_service, clock):
    clock.advance(days=5)
    assert overdue.board(supervisor)
    services.close(counsellor, case, "safe", confirm=True)
    assert overdue.board(supervisor) == []


def test_the_board_page_lists_the_most_overdue_first_and_nothing_of_other_organisations(
    client, organisation, case, counsellor, supervisor, outsider, other_organisation, clock
):
    delivery.add_service(counsellor, case, ServiceType.HEALTH, Timeframe.HOUR)
    clock.advance(days=4)
    page = verified_client(client, supervisor).get(reverse("cases:overdue"))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.index("Service:") < body.index("Stage:")
    assert case.reference in body and "2 overdue items" in body

    client.logout()
    theirs = verified_client(client, outsider).get(reverse("cases:overdue")).content.decode()
    assert case.reference not in theirs and "Nothing is overdue" in theirs
