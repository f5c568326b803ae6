"""Services with Primero's timeframes, referrals to the partner directory and their
state machine, follow-ups, and the e-mail to the partner's desk."""

from datetime import timedelta

import pytest
from django.core import mail

from haven.audit.models import AuditEvent
from haven.cases import delivery, services
from haven.cases.models import (
    Case,
    CaseReferral,
    FollowUp,
    ReferralStatus,
    ServiceStatus,
    Stage,
    Timeframe,
)
from haven.cases.tests.conftest import CHILD_NAME, NOTE, PUBLIC, in_services
from haven.network.models import PartnerService, ServiceType
from haven.triage.actions import InvalidInput, InvalidTransition


@pytest.mark.parametrize(
    ("timeframe", "due"),
    [
        (Timeframe.HOUR, timedelta(hours=1)),
        (Timeframe.THREE_HOURS, timedelta(hours=3)),
        (Timeframe.DAY, timedelta(days=1)),
        (Timeframe.THREE_DAYS, timedelta(days=3)),
    ],
)
def test_a_service_is_due_within_its_timeframe(case, counsellor, clock, timeframe, due):
    service = delivery.add_service(counsellor, case, ServiceType.HEALTH, timeframe)
    assert service.due_at == clock.now + due
    assert service.status == ServiceStatus.PLANNED


def test_unknown_service_types_and_timeframes_are_refused(case, counsellor):
    with pytest.raises(InvalidInput, match="type of service"):
        delivery.add_service(counsellor, case, "magic", Timeframe.DAY)
    with pytest.raises(InvalidInput, match="timeframe"):
        delivery.add_service(counsellor, case, ServiceType.HEALTH, "2w")


def test_services_go_from_planned_to_in_progress_to_delivered_and_never_back(
    shelter_service, counsellor, clock
):
    service = delivery.set_service_status(counsellor, shelter_service, ServiceStatus.IN_PROGRESS)
    clock.advance(hours=2)
    service = delivery.set_service_status(counsellor, service, ServiceStatus.DONE)
    assert service.completed_at == clock.now

    with pytest.raises(InvalidTransition, match="cannot become"):
        delivery.set_service_status(counsellor, service, ServiceStatus.PLANNED)
    with pytest.raises(InvalidTransition, match="already"):
        delivery.set_service_status(counsellor, service, ServiceStatus.DONE)


def test_partners_offered_are_those_of_the_service_type_in_the_childs_district(
    case, network, counsellor
):
    assert list(delivery.partner_services_for(case, ServiceType.SHELTER)) == [network.shelter]
    # Law Aid covers South only: nobody offers legal aid in North.
    assert list(delivery.partner_services_for(case, ServiceType.LEGAL_AID)) == []
    services.update_details(counsellor, case, {"district": network.south})
    case = Case.objects.get(pk=case.pk)
    assert list(delivery.partner_services_for(case, ServiceType.LEGAL_AID)) == [network.legal]
    assert list(delivery.partner_services_for(case, ServiceType.SHELTER)) == []


def test_a_referral_to_a_partner_outside_the_district_or_of_another_type_is_refused(
    case, network, counsellor, shelter_service
):
    with pytest.raises(InvalidInput, match="district"):
        delivery.refer(counsellor, shelter_service, network.legal)
    with pytest.raises(InvalidInput, match="district"):
        delivery.refer(counsellor, shelter_service, network.counselling)
    network.shelter.accepts_referrals = False
    network.shelter.save()
    with pytest.raises(InvalidInput):
        delivery.refer(counsellor, shelter_service, network.shelter)
    assert not CaseReferral.objects.exists()


def test_a_referral_to_another_organisations_partner_service_is_refused(
    case, counsellor, shelter_service, other_organisation
):
    from haven.network.models import ServicePartner

    theirs = ServicePartner.objects.create(organisation=other_organisation, name="Theirs")
    their_service = PartnerService.objects.create(
        partner=theirs, service_type=ServiceType.SHELTER, name="Their shelter"
    )
    with pytest.raises(InvalidInput):
        delivery.refer(counsellor, shelter_service, their_service)


def test_a_referral_e_mails_the_partners_desk_a_link_and_no_child_details(referral, network, case):
    assert referral.status == ReferralStatus.REQUESTED
    assert referral.partner == network.safe_hands
    (sent,) = mail.outbox
    assert sent.to == ["desk@safehands.example"]
    assert f"{PUBLIC}/cases/partner/referrals/{referral.pk}/" in sent.body
    assert case.reference in sent.body
    for detail in (CHILD_NAME, "Meera", NOTE, "14", "Riverside", "girl", "violence"):
        assert detail not in sent.body and detail not in sent.subject


def test_the_same_service_is_not_referred_twice_to_the_same_partner_while_open(
    referral, shelter_service, network, counsellor
):
    with pytest.raises(InvalidTransition, match="already referred"):
        delivery.refer(counsellor, shelter_service, network.shelter)
    delivery.respond(network.rita, referral, "decline", "No beds tonight")
    again = delivery.refer(counsellor, shelter_service, network.shelter)
    assert again.status == ReferralStatus.REQUESTED


def test_referral_states_requested_accepted_completed_and_the_service_follows(
    referral, network, clock
):
    clock.advance(minutes=30)
    accepted = delivery.respond(network.rita, referral, "accept", "Bed ready at 8 pm")
    assert accepted.status == ReferralStatus.ACCEPTED
    assert accepted.responded_at == clock.now
    assert accepted.responded_by == "rita, Safe Hands"
    assert accepted.service.status == ServiceStatus.IN_PROGRESS

    clock.advance(hours=20)
    completed = delivery.respond(network.rita, accepted, "complete", "She stayed two nights")
    assert completed.status == ReferralStatus.COMPLETED
    assert (completed.completed_at, completed.completion_note) == (
        clock.now,
        "She stayed two nights",
    )
    assert completed.response_note == "Bed ready at 8 pm"
    assert completed.service.status == ServiceStatus.DONE


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("decline", "accept"),
        ("decline", "complete"),
        ("accept", "accept"),
        ("accept", "decline"),
    ],
)
def test_illegal_referral_transitions_are_refused(referral, network, first, then):
    delivery.respond(network.rita, referral, first, "because")
    before = CaseReferral.objects.get(pk=referral.pk).status
    with pytest.raises(InvalidTransition):
        delivery.respond(network.rita, referral, then, "because")
    assert CaseReferral.objects.get(pk=referral.pk).status == before


def test_a_requested_referral_cannot_be_completed_nor_declined_without_a_reason(referral, network):
    with pytest.raises(InvalidTransition):
        delivery.respond(network.rita, referral, "complete", "done")
    with pytest.raises(InvalidInput, match="why"):
        delivery.respond(network.rita, referral, "decline", "  ")
    with pytest.raises(InvalidInput):
        delivery.respond(network.rita, referral, "withdraw", "")


def test_the_helpline_records_an_answer_given_by_telephone(referral, counsellor):
    answered = delivery.respond(counsellor, referral, "accept", on_behalf=True)
    assert answered.responded_by == "Safe Hands (recorded by chris)"
    assert AuditEvent.objects.get(action="case.referral_accepted").detail["on_behalf"] is True


def test_an_answer_is_e_mailed_to_the_cases_counsellor(
    referral, network, django_capture_on_commit_callbacks
):
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        delivery.respond(network.rita, referral, "decline", "No beds")
    (sent,) = mail.outbox
    assert sent.to == ["chris@example.org"]
    assert "declined" in sent.subject and "No beds" not in sent.body


def test_follow_ups_are_done_with_an_outcome_and_the_next_one_is_scheduled(
    case, counsellor, other_counsellor, clock
):
    follow_up = delivery.add_follow_up(
        counsellor, case, clock.now + timedelta(days=7), "Call her", other_counsellor
    )
    with pytest.raises(InvalidInput, match="outcome"):
        delivery.complete_follow_up(counsellor, follow_up, "")

    clock.advance(days=6)
    delivery.complete_follow_up(
        counsellor, follow_up, "Safe at her aunt's", clock.now + timedelta(days=30)
    )

    done, following = FollowUp.objects.filter(case=case).order_by("due_at")
    assert (done.done_at, done.done_by, done.outcome) == (
        clock.now,
        counsellor,
        "Safe at her aunt's",
    )
    assert following.is_open and following.assigned_to == other_counsellor
    with pytest.raises(InvalidTransition, match="already done"):
        delivery.complete_follow_up(counsellor, done, "again")


def test_the_follow_up_stage_is_due_with_its_earliest_open_follow_up(case, counsellor, clock):
    case = in_services(case, counsellor)
    case = services.advance(counsellor, case, Stage.FOLLOW_UP, "Moved on without services")
    first = case.follow_ups.get()
    soon = delivery.add_follow_up(counsellor, case, clock.now + timedelta(days=2), "Visit")

    assert Case.objects.get(pk=case.pk).stage_due_at == soon.due_at
    delivery.complete_follow_up(counsellor, soon, "Fine")
    assert Case.objects.get(pk=case.pk).stage_due_at == first.due_at


def test_follow_ups_are_assigned_only_to_the_organisations_staff(case, counsellor, outsider, clock):
    with pytest.raises(InvalidInput, match="staff"):
        delivery.add_follow_up(counsellor, case, clock.now, "Call", outsider)


def test_completing_a_follow_up_skips_a_next_one_on_a_day_that_already_has_one(
    case, counsellor, clock
):
    case = in_services(case, counsellor)
    case = services.advance(counsellor, case, Stage.FOLLOW_UP, "Moved on without services")
    automatic = case.follow_ups.get()
    visit = delivery.add_follow_up(counsellor, case, clock.now + timedelta(days=1), "Visit")

    done = delivery.complete_follow_up(counsellor, visit, "Fine", automatic.due_at)

    assert done.following is None and done.already == automatic
    assert FollowUp.objects.filter(case=case, done_at=None).count() == 1
    event = AuditEvent.objects.filter(action="case.follow_up_done").latest("pk")
    assert event.detail["next_already_due"] == automatic.pk


def test_the_same_follow_up_cannot_be_scheduled_twice_on_one_day(case, counsellor, clock):
    delivery.add_follow_up(counsellor, case, clock.now + timedelta(days=2), "Call her")

    with pytest.raises(InvalidInput, match="already scheduled"):
        delivery.add_follow_up(counsellor, case, clock.now + timedelta(days=2), "Call her")
    other = delivery.add_follow_up(counsellor, case, clock.now + timedelta(days=2), "Visit school")
    assert case.follow_ups.count() == 2 and other.is_open
