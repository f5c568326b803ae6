"""Closed records are anonymised once the retention period has passed, keeping what the
statistics count; open cases hold their contacts back."""

import logging
from datetime import timedelta

import pytest

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.cases.models import Stage
from haven.helpline import retention, services
from haven.helpline.models import Contact
from haven.helpline.tasks import anonymise_due_task
from haven.helpline.tests.factories import CHILD_NUMBER, open_case, record_contact


@pytest.fixture
def short_retention(organisation):
    current = services.settings_for(organisation)
    current.retention_days = 30
    current.save()
    return current


def _full_contact(counsellor, district=None):
    return record_contact(
        counsellor,
        handle=CHILD_NUMBER,
        child_name="Asha",
        location="Mill Lane",
        summary="What she told us",
        action_note="Call back Tuesday",
        child_age=14,
        gender="girl",
        district=district,
        risk_level="high",
        urgency="urgent",
        categories=["mental_health.anxiety"],
        actions=["counselling"],
        complete=True,
    )


def test_a_completed_contact_is_anonymised_after_retention_and_keeps_its_statistics(
    counsellor, district, short_retention, clock
):
    contact = _full_contact(counsellor, district)
    clock.advance(days=30, minutes=1)
    results = retention.anonymise_due()
    contact.refresh_from_db()
    assert results[contact.organisation_id]["contacts"] == 1
    assert contact.anonymised_at == clock.now
    for cleared in (
        "child_name_sealed",
        "contact_detail_sealed",
        "location_sealed",
        "summary",
        "action_note",
        "contact_key",
    ):
        assert getattr(contact, cleared) == "", cleared
    assert contact.channel == "phone" and contact.categories == ["mental_health.anxiety"]
    assert contact.child_age == 14 and contact.gender == "girl" and contact.district == district
    assert contact.risk_level == "high" and contact.urgency == "urgent"
    assert contact.actions == ["counselling"] and contact.ended_at is not None
    event = AuditEvent.objects.get(action="helpline.anonymised")
    assert event.organisation_id == contact.organisation_id and event.detail["contacts"] == 1


def test_nothing_is_anonymised_before_the_retention_period_ends(counsellor, short_retention, clock):
    contact = _full_contact(counsellor)
    clock.advance(days=29, hours=23)
    retention.anonymise_due()
    contact.refresh_from_db()
    assert contact.anonymised_at is None and contact.summary == "What she told us"
    assert not AuditEvent.objects.filter(action="helpline.anonymised").exists()


def test_a_contact_still_in_progress_is_kept(counsellor, short_retention, clock):
    contact = record_contact(counsellor, summary="Still talking")
    clock.advance(days=29, hours=23)
    retention.anonymise_due()
    contact.refresh_from_db()
    assert contact.anonymised_at is None and contact.summary == "Still talking"
    assert contact.status == "open"


def test_a_draft_nobody_changed_for_the_retention_period_is_completed_as_abandoned_and_anonymised(
    counsellor, short_retention, clock
):
    contact = record_contact(counsellor, handle=CHILD_NUMBER, summary="Never finished")
    last_change = Contact.objects.get(pk=contact.pk).updated_at
    clock.advance(days=30, minutes=1)
    results = retention.anonymise_due()
    contact.refresh_from_db()
    assert contact.status == "completed" and contact.abandoned
    assert contact.ended_at == last_change
    assert contact.anonymised_at == clock.now
    assert contact.summary == "" and contact.contact_detail_sealed == ""
    assert contact.contact_key == ""
    assert contact.categories == ["violence.bullying"]  # kept for the statistics
    assert results[contact.organisation_id]["abandoned_contacts"] == 1
    event = AuditEvent.objects.get(action="helpline.anonymised")
    assert event.detail["abandoned_contacts"] == 1 and event.detail["contacts"] == 1


def test_a_draft_changed_recently_or_held_by_an_open_case_is_kept(
    organisation, counsellor, short_retention, clock
):
    touched = record_contact(counsellor, summary="Started long ago")
    in_case = record_contact(counsellor, summary="In an open case")
    Contact.objects.filter(pk=in_case.pk).update(case=open_case(organisation, counsellor))
    clock.advance(days=20)
    services.save_contact(Actor.for_user(counsellor), touched, {"summary": "Still going"})
    clock.advance(days=15)
    retention.anonymise_due()
    for contact in (touched, in_case):
        contact.refresh_from_db()
        assert contact.status == "open" and not contact.abandoned
        assert contact.anonymised_at is None and contact.summary


def test_an_open_case_keeps_its_contacts_until_it_closes(
    organisation, counsellor, short_retention, clock
):
    contact = _full_contact(counsellor)
    case = open_case(organisation, counsellor)
    Contact.objects.filter(pk=contact.pk).update(case=case)
    clock.advance(days=31)
    retention.anonymise_due()
    contact.refresh_from_db()
    assert contact.anonymised_at is None
    case.stage = Stage.CLOSED
    case.closed_at = clock.now
    case.save()
    retention.anonymise_due()
    contact.refresh_from_db()
    assert contact.anonymised_at == clock.now


def test_anonymising_twice_changes_nothing_the_second_time(counsellor, short_retention, clock):
    contact = _full_contact(counsellor)
    clock.advance(days=31)
    retention.anonymise_due()
    first = Contact.objects.get(pk=contact.pk).anonymised_at
    clock.advance(hours=1)
    results = retention.anonymise_due()
    assert results[contact.organisation_id]["contacts"] == 0
    assert Contact.objects.get(pk=contact.pk).anonymised_at == first
    assert AuditEvent.objects.filter(action="helpline.anonymised").count() == 1


def test_each_organisation_uses_its_own_retention_period(
    counsellor, outsider, short_retention, clock
):
    ours = _full_contact(counsellor)
    theirs = _full_contact(outsider)  # the default period: two years
    clock.advance(days=31)
    retention.anonymise_due()
    assert Contact.objects.get(pk=ours.pk).anonymised_at is not None
    assert Contact.objects.get(pk=theirs.pk).anonymised_at is None


def test_the_other_apps_are_asked_with_the_organisations_cutoff(
    organisation, short_retention, clock, monkeypatch
):
    asked = []

    def anonymiser(name):
        def anonymise(org, cutoff):
            asked.append((name, org.pk, cutoff))
            return 2

        return anonymise

    monkeypatch.setattr(
        retention, "_parts", lambda: {n: anonymiser(n) for n in ("conversations", "cases")}
    )
    retention.anonymise_due()
    mine = [(name, cutoff) for name, org, cutoff in asked if org == organisation.pk]
    assert {name for name, _ in mine} == {"conversations", "cases"}
    assert {cutoff for _, cutoff in mine} == {clock.now - timedelta(days=30)}
    event = AuditEvent.objects.get(action="helpline.anonymised", organisation_id=organisation.pk)
    assert event.detail["conversations"] == 2 and event.detail["cases"] == 2


def test_one_app_failing_does_not_stop_the_others(
    counsellor, short_retention, clock, monkeypatch, caplog
):
    def broken(org, cutoff):
        raise RuntimeError("broken")

    monkeypatch.setattr(retention, "_parts", lambda: {"cases": broken})
    contact = _full_contact(counsellor)
    clock.advance(days=31)
    with caplog.at_level(logging.ERROR, logger="haven.helpline.retention"):
        retention.anonymise_due()
    assert Contact.objects.get(pk=contact.pk).anonymised_at is not None
    event = AuditEvent.objects.get(action="helpline.anonymised")
    assert event.detail["failed"] == ["cases"]
    assert "Anonymising cases" in caplog.text


def test_an_app_without_a_retention_module_is_skipped_and_said_so(monkeypatch, caplog):
    monkeypatch.setattr(retention, "PARTS", {"widgets": "haven.helpline.no_such_retention"})
    with caplog.at_level(logging.WARNING, logger="haven.helpline.retention"):
        assert retention._parts() == {}
    assert "haven.helpline.no_such_retention does not exist" in caplog.text


def test_the_scheduled_task_runs_the_anonymisation(counsellor, short_retention, clock):
    contact = _full_contact(counsellor)
    clock.advance(days=31)
    anonymise_due_task.delay()
    assert Contact.objects.get(pk=contact.pk).anonymised_at is not None
