"""The workflow: assignment, each stage's requirement and due date, closing with a
reason, and reopening."""

from datetime import timedelta

import pytest

from haven.audit.models import AuditEvent
from haven.cases import delivery, services
from haven.cases.models import (
    Case,
    FollowUp,
    ServiceStatus,
    Stage,
    StageRecord,
    Timeframe,
)
from haven.cases.tests.conftest import in_services, open_for
from haven.network.models import ServiceType
from haven.triage.actions import InvalidInput, InvalidTransition


@pytest.fixture
def unassigned(contact, counsellor):
    return open_for(counsellor, contact=contact)


def test_assigning_a_case_ends_registration_and_the_assessment_is_due_3_days_later(
    unassigned, supervisor, counsellor, clock
):
    clock.advance(minutes=40)
    case = services.assign(supervisor, unassigned, counsellor)

    assert case.stage == Stage.ASSESSMENT
    assert case.assigned_to == counsellor and case.assigned_at == clock.now
    assert case.stage_due_at == clock.now + timedelta(days=3)
    registration, assessment = StageRecord.objects.filter(case=case)
    assert registration.completed_at == clock.now
    assert (assessment.entered_at, assessment.due_at) == (clock.now, case.stage_due_at)


def test_a_counsellor_may_take_an_unassigned_case_but_not_give_cases_to_others(
    unassigned, counsellor, other_counsellor, supervisor
):
    with pytest.raises(InvalidTransition, match="Only a supervisor"):
        services.assign(counsellor, unassigned, other_counsellor)

    case = services.assign(counsellor, unassigned, counsellor)
    assert case.assigned_to == counsellor

    with pytest.raises(InvalidTransition, match="Only a supervisor"):
        services.assign(other_counsellor, case, other_counsellor)
    # A supervisor reassigns it; the stage does not start again.
    case = services.assign(supervisor, case, other_counsellor)
    assert case.assigned_to == other_counsellor and case.stage == Stage.ASSESSMENT


def test_cases_are_assigned_only_to_staff_of_their_own_organisation(
    unassigned, supervisor, outsider
):
    with pytest.raises(InvalidInput, match="your own organisation"):
        services.assign(supervisor, unassigned, outsider)


def test_the_plan_needs_an_assessment_and_services_need_a_plan(case, counsellor, clock):
    with pytest.raises(InvalidInput, match="Write the assessment first"):
        services.advance(counsellor, case, Stage.PLAN)

    case = services.advance(counsellor, case, Stage.PLAN, "Hit at home; safe at school.")
    assert case.stage == Stage.PLAN and case.assessment == "Hit at home; safe at school."
    assert case.stage_due_at == clock.now + timedelta(days=7)

    with pytest.raises(InvalidInput, match="Write the case plan first"):
        services.advance(counsellor, case, Stage.SERVICES, "   ")
    services.write_record(counsellor, case, "plan", "Shelter, then family counselling.")
    case = services.advance(counsellor, Case.objects.get(pk=case.pk), Stage.SERVICES)
    assert case.stage == Stage.SERVICES


def test_a_case_moves_one_stage_at_a_time_and_closes_only_with_a_reason(case, counsellor):
    with pytest.raises(InvalidTransition, match="moves on to case plan only"):
        services.advance(counsellor, case, Stage.SERVICES, "skip")
    with pytest.raises(InvalidTransition, match="with a reason"):
        services.advance(counsellor, case, Stage.CLOSED)
    with pytest.raises(InvalidTransition, match="moves on to"):
        services.advance(counsellor, case, Stage.REGISTRATION)
    assert Case.objects.get(pk=case.pk).stage == Stage.ASSESSMENT


def test_an_unassigned_case_does_not_move_on(unassigned, counsellor):
    with pytest.raises(InvalidTransition, match="moves on to assessment only"):
        services.advance(counsellor, unassigned, Stage.PLAN, "x")
    with pytest.raises(InvalidTransition, match="Assign the case"):
        services.advance(counsellor, unassigned, Stage.ASSESSMENT)


def test_follow_up_needs_a_delivered_service_or_a_reason(case, counsellor, clock):
    case = in_services(case, counsellor)
    delivery.add_service(counsellor, case, ServiceType.SHELTER, Timeframe.DAY)

    with pytest.raises(InvalidInput, match="say why"):
        services.advance(counsellor, case, Stage.FOLLOW_UP)
    moved = services.advance(counsellor, case, Stage.FOLLOW_UP, "The family moved the child.")

    assert moved.stage == Stage.FOLLOW_UP
    services_record = StageRecord.objects.get(case=case, stage=Stage.SERVICES)
    assert services_record.note == "The family moved the child."


def test_a_delivered_service_is_enough_to_move_on_and_the_first_follow_up_is_scheduled(
    case, counsellor, clock
):
    case = in_services(case, counsellor)
    service = delivery.add_service(counsellor, case, ServiceType.SHELTER, Timeframe.DAY)
    delivery.set_service_status(counsellor, service, ServiceStatus.DONE)

    case = services.advance(counsellor, Case.objects.get(pk=case.pk), Stage.FOLLOW_UP)

    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.due_at == clock.now + timedelta(days=30)
    assert follow_up.assigned_to == counsellor
    assert case.stage_due_at == follow_up.due_at


def test_the_services_stage_is_due_when_its_last_open_service_is(case, counsellor, clock):
    case = in_services(case, counsellor)
    assert case.stage_due_at == clock.now + timedelta(days=14)

    delivery.add_service(counsellor, case, ServiceType.SHELTER, Timeframe.HOUR)
    later = delivery.add_service(counsellor, case, ServiceType.HEALTH, Timeframe.THREE_DAYS)
    assert Case.objects.get(pk=case.pk).stage_due_at == clock.now + timedelta(days=3)

    delivery.set_service_status(counsellor, later, ServiceStatus.CANCELLED)
    assert Case.objects.get(pk=case.pk).stage_due_at == clock.now + timedelta(hours=1)


def test_closing_asks_before_cancelling_open_services_and_follow_ups(
    case, counsellor, clock, shelter_service
):
    delivery.add_follow_up(counsellor, case, clock.now + timedelta(days=2), "Call her school")

    with pytest.raises(services.NeedsConfirmation) as asked:
        services.close(counsellor, case, "safe", "")
    assert [s.pk for s in asked.value.services] == [shelter_service.pk]
    assert len(asked.value.follow_ups) == 1
    assert Case.objects.get(pk=case.pk).stage == Stage.ASSESSMENT

    closed = services.close(counsellor, case, "safe", "", confirm=True)

    assert closed.stage == Stage.CLOSED and closed.closed_at == clock.now
    assert closed.closure_reason == "safe" and closed.stage_due_at is None
    assert closed.services.get().status == ServiceStatus.CANCELLED
    assert closed.follow_ups.get().cancelled_at == clock.now
    event = AuditEvent.objects.get(action="case.closed")
    assert event.detail["cancelled_services"] == 1 and event.detail["cancelled_follow_ups"] == 1


def test_closing_needs_a_known_reason_and_a_note_for_other(case, counsellor):
    with pytest.raises(InvalidInput, match="Choose why"):
        services.close(counsellor, case, "bored")
    with pytest.raises(InvalidInput, match="Say why"):
        services.close(counsellor, case, "other", "  ")
    closed = services.close(counsellor, case, "other", "Family asked us to stop calling.")
    assert closed.closure_note == "Family asked us to stop calling."


def test_a_closed_case_takes_no_more_work(case, counsellor):
    services.close(counsellor, case, "duplicate")
    with pytest.raises(InvalidTransition, match="closed"):
        delivery.add_service(counsellor, case, ServiceType.SHELTER, Timeframe.DAY)
    with pytest.raises(InvalidTransition, match="closed"):
        services.close(counsellor, case, "safe")


def test_only_a_supervisor_reopens_a_case_in_the_stage_it_was_closed_in(
    case, counsellor, supervisor, clock
):
    case = services.advance(counsellor, case, Stage.PLAN, "Assessed.")
    services.close(counsellor, case, "lost_contact")
    clock.advance(days=10)

    with pytest.raises(InvalidTransition, match="Only a supervisor"):
        services.reopen(counsellor, case, "She called again")
    with pytest.raises(InvalidInput, match="Say why"):
        services.reopen(supervisor, case, "")
    reopened = services.reopen(supervisor, case, "She called again")

    assert reopened.stage == Stage.PLAN
    assert reopened.stage_due_at == clock.now + timedelta(days=7)
    assert (reopened.closed_at, reopened.closure_reason) == (None, "")
    stages = list(StageRecord.objects.filter(case=case).values_list("stage", flat=True))
    assert stages == ["registration", "assessment", "plan", "closed", "plan"]
    with pytest.raises(InvalidTransition, match="not closed"):
        services.reopen(supervisor, reopened, "again")


def test_stage_durations_are_settings(case, counsellor, clock, settings):
    settings.CASES_PLAN_DAYS = 2
    case = services.advance(counsellor, case, Stage.PLAN, "Assessed.")
    assert case.stage_due_at == clock.now + timedelta(days=2)


def test_every_change_is_audited_without_the_childs_words(case, counsellor, clock):
    secret = "She said her stepfather burns her with cigarettes"
    case = services.advance(counsellor, case, Stage.PLAN, secret)
    services.write_record(counsellor, case, "plan", secret)
    services.close(counsellor, case, "other", secret)

    actions = list(
        AuditEvent.objects.filter(target_type="case", target_id=str(case.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "case.opened",
        "case.assigned",
        "case.stage_changed",
        "case.stage_changed",
        "case.plan_written",
        "case.closed",
    ]
    assert not AuditEvent.objects.filter(detail__icontains="stepfather").exists()
