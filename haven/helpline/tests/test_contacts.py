"""Starting, saving and completing contacts, and what is stored about the child."""

import json
import re

import pytest
from django.db import connection
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.chat.models import Conversation
from haven.helpline import identity, services
from haven.helpline.models import Channel, Contact, ContactStatus
from haven.helpline.tests.factories import CHILD_DIGITS, CHILD_NUMBER, record_contact
from haven.network.models import District
from haven.triage.actions import InvalidInput, InvalidTransition

REFERENCE = re.compile(
    r"C-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}"
)


def test_starting_a_contact_opens_it_with_a_readable_reference_and_audits_it(
    organisation, counsellor
):
    contact = services.start_contact(
        Actor.for_user(counsellor), organisation, channel=Channel.PHONE, counsellor=counsellor
    )
    assert REFERENCE.fullmatch(contact.reference)
    assert contact.status == ContactStatus.OPEN and contact.counsellor == counsellor
    assert contact.started_at is not None and contact.ended_at is None
    event = AuditEvent.objects.get(action="contact.started")
    assert event.organisation_id == organisation.pk and event.detail["channel"] == "phone"


def test_a_contact_started_with_a_handle_seals_it_and_keys_it(organisation, counsellor):
    contact = services.start_contact(
        counsellor, organisation, channel=Channel.SMS, counsellor=counsellor, handle=CHILD_NUMBER
    )
    assert identity.unseal(contact.contact_detail_sealed) == CHILD_NUMBER
    assert contact.contact_key == identity.contact_key(organisation.pk, "+447700900123")


def test_a_chat_contact_takes_the_conversations_key_and_is_not_started_twice(
    organisation, counsellor
):
    conversation = Conversation.objects.create(
        organisation=organisation,
        channel="sms",
        status="active",
        counsellor=counsellor,
        contact_key=identity.contact_key(organisation.pk, CHILD_NUMBER),
        last_activity_at=timezone.now(),
    )
    first = services.start_contact(
        counsellor,
        organisation,
        channel=Channel.CHAT,
        counsellor=counsellor,
        conversation=conversation,
    )
    again = services.start_contact(
        counsellor,
        organisation,
        channel=Channel.CHAT,
        counsellor=counsellor,
        conversation=conversation,
    )
    assert again.pk == first.pk
    assert first.contact_key == conversation.contact_key


def test_a_contact_cannot_be_started_for_another_organisations_conversation(
    organisation, other_organisation, counsellor
):
    theirs = Conversation.objects.create(
        organisation=other_organisation, channel="web", last_activity_at=timezone.now()
    )
    with pytest.raises(InvalidInput):
        services.start_contact(
            counsellor,
            organisation,
            channel=Channel.CHAT,
            counsellor=counsellor,
            conversation=theirs,
        )
    assert not Contact.objects.exists()


def test_an_unknown_channel_is_refused(organisation, counsellor):
    with pytest.raises(InvalidInput) as refused:
        services.start_contact(counsellor, organisation, channel="pigeon", counsellor=counsellor)
    assert refused.value.field == "channel"


def test_saving_records_what_changed_but_not_what_was_said(organisation, counsellor):
    contact = record_contact(
        counsellor, summary="She is scared of going home", child_name="Asha", child_age=13
    )
    assert contact.summary == "She is scared of going home" and contact.child_age == 13
    assert identity.unseal(contact.child_name_sealed) == "Asha"
    event = AuditEvent.objects.get(action="contact.saved")
    assert {"summary", "child_name", "child_age", "categories"} <= set(event.detail["changed"])
    assert "Asha" not in json.dumps(event.detail) and "scared" not in json.dumps(event.detail)


def test_a_blank_identifying_field_keeps_what_is_stored_and_clearing_removes_it(counsellor):
    contact = record_contact(counsellor, child_name="Asha", handle=CHILD_NUMBER)
    contact = services.save_contact(counsellor, contact, {"child_name": "", "contact_detail": ""})
    assert identity.unseal(contact.child_name_sealed) == "Asha" and contact.contact_key
    contact = services.save_contact(
        counsellor, contact, {"clear_child_name": True, "clear_contact_detail": True}
    )
    assert contact.child_name_sealed == "" and contact.contact_detail_sealed == ""
    assert contact.contact_key == ""


def test_categories_and_actions_must_come_from_the_taxonomy(counsellor):
    contact = record_contact(counsellor)
    with pytest.raises(InvalidInput) as refused:
        services.save_contact(counsellor, contact, {"categories": ["violence.made_up"]})
    assert refused.value.field == "categories"
    with pytest.raises(InvalidInput) as refused:
        services.save_contact(counsellor, contact, {"actions": ["shouted"]})
    assert refused.value.field == "actions"


def test_another_organisations_district_is_refused(counsellor, other_organisation):
    theirs = District.objects.create(organisation=other_organisation, name="South", code="south")
    contact = record_contact(counsellor)
    with pytest.raises(InvalidInput) as refused:
        services.save_contact(counsellor, contact, {"district": theirs})
    assert refused.value.field == "district"


def test_completing_needs_a_category_and_happens_once(counsellor, clock):
    contact = record_contact(counsellor, categories=[])
    with pytest.raises(InvalidInput) as refused:
        services.complete_contact(counsellor, contact)
    assert refused.value.field == "categories"
    services.save_contact(counsellor, contact, {"categories": ["mental_health.anxiety"]})
    clock.advance(minutes=20)
    contact = services.complete_contact(counsellor, contact)
    assert contact.status == ContactStatus.COMPLETED and contact.ended_at == clock.now
    assert AuditEvent.objects.filter(action="contact.completed").count() == 1
    with pytest.raises(InvalidTransition):
        services.complete_contact(counsellor, contact)


def test_the_childs_number_is_never_stored_in_plain(counsellor, client):
    """The keyed hash and the sealed copy are all that reach the database: no column of
    the contact, and no audit row, holds the number's digits."""
    contact = record_contact(counsellor, handle=CHILD_NUMBER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM helpline_contact WHERE id = %s", [contact.pk])
        row = cursor.fetchone()
        cursor.execute("SELECT detail FROM audit_auditevent")
        audit = cursor.fetchall()
    stored = " ".join(str(value) for value in row + tuple(audit))
    for plain in (CHILD_NUMBER, CHILD_DIGITS, "7700 900123", "7700900123", "900123"):
        assert plain not in stored
    assert re.fullmatch(r"[0-9a-f]{64}", contact.contact_key)


def test_the_same_number_written_differently_is_the_same_child(organisation, counsellor):
    one = record_contact(counsellor, handle="+44 7700 900123")
    two = record_contact(counsellor, handle="0044 (7700) 900-123")
    assert one.contact_key == two.contact_key


def test_an_anonymised_contact_can_no_longer_change(counsellor):
    contact = record_contact(counsellor, complete=True)
    Contact.objects.filter(pk=contact.pk).update(anonymised_at=timezone.now())
    contact.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.save_contact(counsellor, contact, {"summary": "again"})
