"""Identifying details are masked on every page until someone reveals them, which is
recorded and lasts one page."""

from haven.audit.models import AuditEvent
from haven.helpline.tests.factories import CHILD_NUMBER, record_contact


def _contact(counsellor):
    return record_contact(
        counsellor, child_name="Asha Devi", handle=CHILD_NUMBER, location="12 Mill Lane"
    )


def test_the_contact_page_masks_the_name_number_and_place(counsellor, counsellor_client):
    contact = _contact(counsellor)
    response = counsellor_client.get(f"/helpline/contacts/{contact.reference}/")
    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    for plain in ("Asha", "Devi", "900123", "Mill Lane"):
        assert plain not in body
    assert "A•••••••" in body and "••••••••23" in body and "1•••••••" in body


def test_every_look_at_a_contact_is_audited(counsellor, counsellor_client):
    contact = _contact(counsellor)
    counsellor_client.get(f"/helpline/contacts/{contact.reference}/")
    event = AuditEvent.objects.get(action="contact.viewed")
    assert event.actor == counsellor and event.target_id == str(contact.pk)
    assert event.detail == {"reference": contact.reference}


def test_revealing_shows_the_details_once_and_records_it(counsellor, counsellor_client):
    contact = _contact(counsellor)
    url = f"/helpline/contacts/{contact.reference}/"
    response = counsellor_client.post(f"{url}reveal/")
    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "Asha Devi" in body and CHILD_NUMBER in body and "12 Mill Lane" in body
    # A reload would post again and reveal again: only leaving masks them.
    assert "Leave this page to mask them again" in body and "reload" not in body
    event = AuditEvent.objects.get(action="contact.revealed")
    assert event.actor == counsellor
    assert event.detail["fields"] == ["child_name", "contact_detail", "location"]
    assert "Asha" not in str(event.detail)
    # The next page masks them again.
    assert "Asha Devi" not in counsellor_client.get(url).content.decode()


def test_revealing_needs_a_post(counsellor, counsellor_client):
    contact = _contact(counsellor)
    response = counsellor_client.get(f"/helpline/contacts/{contact.reference}/reveal/")
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action="contact.revealed").exists()


def test_the_edit_form_never_puts_the_details_back_in_plain(counsellor, counsellor_client):
    contact = _contact(counsellor)
    body = counsellor_client.get(f"/helpline/contacts/{contact.reference}/edit/").content.decode()
    assert "Asha" not in body and "900123" not in body and "Mill Lane" not in body
    assert "Stored: A•••••••" in body and "Remove the stored child" in body
