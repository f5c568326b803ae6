"""Closed cases are anonymised after the retention period: the child's name and every
word about them go; what statistics need stays."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from conftest import verified_client
from haven.audit.models import AuditEvent
from haven.cases import delivery, services
from haven.cases.models import Case, CaseReferral, FollowUp, Stage, StageRecord
from haven.cases.retention import anonymise_due
from haven.cases.tests.conftest import CHILD_NAME, NOTE, in_services, make_contact, open_for
from haven.triage.actions import InvalidTransition


def test_cases_closed_before_the_cutoff_are_anonymised_and_keep_their_statistics(
    case, counsellor, supervisor, network, referral, clock, organisation
):
    delivery.respond(network.rita, referral, "accept", "Bed ready")
    delivery.respond(network.rita, referral, "complete", "Two nights")
    case = in_services(case, counsellor)
    follow_up = delivery.add_follow_up(counsellor, case, clock.now, "Call Meera at her aunt's")
    delivery.complete_follow_up(counsellor, follow_up, "Meera is safe")
    services.close(counsellor, case, "safe", "Meera lives with her aunt now", confirm=True)
    still_open = open_for(
        counsellor, contact=make_contact(organisation, counsellor, child_name="Ravi")
    )
    clock.advance(days=800)

    assert anonymise_due(organisation, clock.now - timedelta(days=730)) == 1

    case = Case.objects.get(pk=case.pk)
    assert case.anonymised_at == clock.now
    assert (case.child_name_sealed, case.assessment, case.plan, case.closure_note) == (
        "",
        "",
        "",
        "",
    )
    assert services.child_name(case) == ""
    # What statistics use stays.
    assert (case.stage, case.closure_reason, case.child_age, case.gender) == (
        Stage.CLOSED,
        "safe",
        14,
        "girl",
    )
    assert case.district == network.north and case.categories == ["violence.physical"]
    referral = CaseReferral.objects.get(pk=referral.pk)
    assert (referral.note, referral.response_note, referral.completion_note) == ("", "", "")
    assert referral.status == "completed" and referral.partner_service == network.shelter
    follow_up = FollowUp.objects.get(pk=follow_up.pk)
    assert (follow_up.description, follow_up.outcome) == ("", "")
    assert follow_up.done_at is not None
    assert case.services.get().service_type == "shelter"
    assert not StageRecord.objects.filter(case=case).exclude(note="").exists()
    assert Case.objects.get(pk=still_open.pk).anonymised_at is None
    assert AuditEvent.objects.get(action="case.anonymised").detail == {"cases": 1}

    # Nothing is left to read, on the page or in the partner's portal; it stays closed.
    page = verified_client(Client(), supervisor)
    body = page.post(reverse("cases:reveal", args=[case.reference])).content.decode()
    for words in (CHILD_NAME, "Meera", NOTE, "aunt", "Bed ready"):
        assert words not in body
    with pytest.raises(InvalidTransition, match="anonymised"):
        services.reopen(supervisor, case, "She called again")


def test_cases_closed_after_the_cutoff_and_other_organisations_cases_are_left(
    case, counsellor, clock, organisation, other_organisation
):
    services.close(counsellor, case, "safe", confirm=True)
    clock.advance(days=100)
    assert anonymise_due(organisation, clock.now - timedelta(days=730)) == 0
    assert anonymise_due(other_organisation, clock.now + timedelta(days=1)) == 0
    assert services.child_name(Case.objects.get(pk=case.pk)) == CHILD_NAME


def test_anonymising_twice_does_nothing_more(case, counsellor, clock, organisation):
    services.close(counsellor, case, "safe", confirm=True)
    clock.advance(days=1)
    assert anonymise_due(organisation, clock.now) == 1
    assert anonymise_due(organisation, clock.now) == 0
