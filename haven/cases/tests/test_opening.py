"""Opening a case: from a contact, a hotline report or an emergency, with Primero's
assignment deadline (3 hours, 1 hour at high risk)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.cases import services
from haven.cases.models import Stage, StageRecord
from haven.cases.tests.conftest import CHILD_NAME, make_contact, open_for
from haven.emergencies.models import Emergency
from haven.helpline.models import Contact
from haven.reports.intake import ReportInput, submit_report
from haven.reports.models import Category, Source
from haven.triage.actions import InvalidInput, InvalidTransition

REFERENCE = re.compile(
    r"^K-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}$"
)


def make_emergency(organisation, **fields) -> Emergency:
    now = timezone.now()
    return Emergency.objects.create(
        organisation=organisation,
        reference=fields.pop("reference", "E-23456-789AB"),
        opened_at=now,
        target_at=now + timedelta(minutes=60),
        **fields,
    )


def danger_report(organisation):
    data = ReportInput(category=Category.DANGER_NOW, description="A boy is being hurt now")
    return submit_report(organisation, Source.PUBLIC, data, Actor.public()).report


def test_a_case_opened_from_a_contact_takes_the_childs_details_and_links_the_contact(
    contact, counsellor, network, clock
):
    case = open_for(counsellor, contact=contact)

    assert REFERENCE.match(case.reference)
    assert (case.child_age, case.gender, case.district, case.categories) == (
        14,
        "girl",
        network.north,
        ["violence.physical"],
    )
    assert case.consent_share is True
    assert services.child_name(case) == CHILD_NAME
    assert case.risk_level == "high"
    assert Contact.objects.get(pk=contact.pk).case == case
    assert case.stage == Stage.REGISTRATION and case.created_by == counsellor
    opened = AuditEvent.objects.get(action="case.opened")
    assert opened.detail["contact"] == contact.reference
    assert CHILD_NAME not in str(opened.detail)


@pytest.mark.parametrize(
    ("risk", "hours"),
    [("none", 3), ("low", 3), ("medium", 3), ("high", 1), ("immediate", 1)],
)
def test_a_new_case_must_be_assigned_within_3_hours_or_1_hour_at_high_risk(
    organisation, counsellor, clock, risk, hours
):
    contact = make_contact(organisation, counsellor, risk_level=risk)
    case = open_for(counsellor, contact=contact)

    assert case.stage_due_at == clock.now + timedelta(hours=hours)
    record = StageRecord.objects.get(case=case)
    assert (record.stage, record.entered_at, record.due_at) == (
        Stage.REGISTRATION,
        clock.now,
        clock.now + timedelta(hours=hours),
    )


def test_the_assignment_deadlines_are_settings(organisation, counsellor, clock, settings):
    settings.CASES_ASSIGN_HOURS = 6
    settings.CASES_ASSIGN_HOURS_HIGH_RISK = 0.5
    low = open_for(counsellor, contact=make_contact(organisation, counsellor, risk_level="low"))
    high = open_for(counsellor, contact=make_contact(organisation, counsellor, risk_level="high"))

    assert low.stage_due_at == clock.now + timedelta(hours=6)
    assert high.stage_due_at == clock.now + timedelta(minutes=30)


def test_raising_the_risk_of_a_case_waiting_for_assignment_shortens_its_deadline(
    organisation, counsellor, clock
):
    case = open_for(counsellor, contact=make_contact(organisation, counsellor, risk_level="low"))
    clock.advance(minutes=20)

    case = services.update_details(counsellor, case, {"risk_level": "immediate"})

    assert case.stage_due_at == case.created_at + timedelta(hours=1)


def test_a_case_from_an_emergency_is_at_immediate_risk_and_links_its_contact_and_report(
    organisation, counsellor, network, clock
):
    contact = make_contact(organisation, counsellor, risk_level="low", district=None)
    report = danger_report(organisation)
    emergency = make_emergency(organisation, contact=contact, report=report, district=network.south)

    case = open_for(counsellor, emergency=emergency)

    assert case.risk_level == "immediate"
    assert case.stage_due_at == clock.now + timedelta(hours=1)
    assert case.district == network.south
    assert Emergency.objects.get(pk=emergency.pk).case == case
    assert Contact.objects.get(pk=contact.pk).case == case
    assert list(case.reports.all()) == [report]


def test_an_emergencys_contact_is_linked_only_for_someone_who_may_open_it(
    organisation, counsellor, other_counsellor, network
):
    contact = make_contact(organisation, counsellor, child_name=CHILD_NAME)
    first = make_emergency(organisation, contact=contact, reference="E-22222-22222")
    case = open_for(other_counsellor, emergency=first, assign_to=other_counsellor)
    assert Contact.objects.get(pk=contact.pk).case is None and case.child_name_sealed == ""
    assert AuditEvent.objects.get(action="case.opened").detail["contact"] is None

    second = make_emergency(organisation, contact=contact, reference="E-33333-33333")
    assert open_for(counsellor, emergency=second) == Contact.objects.get(pk=contact.pk).case


def test_a_report_of_a_child_in_danger_opens_a_high_risk_case(organisation, analyst, clock):
    case = open_for(analyst, report=danger_report(organisation))

    assert case.risk_level == "high"
    assert case.consent_share is False and case.child_name_sealed == ""


def test_a_contact_already_in_a_case_does_not_open_another(case, contact, counsellor):
    with pytest.raises(InvalidTransition, match=case.reference):
        open_for(counsellor, contact=contact)


def test_an_emergency_with_a_case_does_not_open_another(organisation, counsellor):
    emergency = make_emergency(organisation)
    first = open_for(counsellor, emergency=emergency)

    with pytest.raises(InvalidTransition, match="already has a case"):
        open_for(counsellor, emergency=emergency)
    assert Emergency.objects.get(pk=emergency.pk).case == first


def test_records_of_another_organisation_are_refused(
    organisation, other_organisation, outsider, counsellor
):
    ours = make_contact(organisation, counsellor)

    with pytest.raises(InvalidInput, match="another organisation"):
        services.open_case(Actor.for_user(outsider), other_organisation, contact=ours)
    assert Contact.objects.get(pk=ours.pk).case is None


def test_opening_with_an_assignee_ends_registration(contact, counsellor, clock):
    case = open_for(counsellor, contact=contact, assign_to=counsellor)

    assert case.stage == Stage.ASSESSMENT
    assert case.assigned_to == counsellor
    assert [r.stage for r in case.stage_records.all()] == ["registration", "assessment"]


def test_opening_a_case_from_a_contact_takes_in_the_emergencies_raised_from_it(
    organisation, counsellor, contact
):
    raised = make_emergency(organisation, contact=contact, reference="E-22222-22222")
    elsewhere = open_for(
        counsellor, emergency=make_emergency(organisation, reference="E-33333-33333")
    )
    in_other_case = make_emergency(
        organisation, contact=contact, case=elsewhere, reference="E-44444-44444"
    )

    case = open_for(counsellor, contact=contact)

    assert Emergency.objects.get(pk=raised.pk).case == case
    assert Emergency.objects.get(pk=in_other_case.pk).case == elsewhere
    opened = AuditEvent.objects.filter(action="case.opened").latest("pk")
    assert opened.detail["contact_emergencies"] == [raised.reference]


def test_adding_a_contact_to_a_case_takes_in_its_emergencies(organisation, counsellor, case):
    later = make_contact(organisation, counsellor)
    raised = make_emergency(organisation, contact=later)

    services.link_contact(counsellor, case, later)

    assert Emergency.objects.get(pk=raised.pk).case == case
    linked = AuditEvent.objects.get(action="case.contact_linked")
    assert linked.detail["contact_emergencies"] == [raised.reference]
