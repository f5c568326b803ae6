"""Who may see and change which contacts: counsellors their own (and, to read, those of
their cases), supervisors all of their organisation's, nobody else anything."""

import pytest
from django.urls import reverse

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.helpline.access import access_contact, contacts_for
from haven.helpline.models import Contact
from haven.helpline.tests.factories import open_case, record_contact

CONTACT_URLS = ["contact", "contact_edit", "contact_complete", "contact_reveal"]
# A 405 answers a method the page never takes, before anything is looked up.
REFUSED = (404, 405)


def _urls(contact) -> list[str]:
    return [
        reverse(f"helpline:{name}", kwargs={"contact_ref": contact.reference})
        for name in CONTACT_URLS
    ]


def test_a_counsellor_lists_only_their_own_contacts(
    counsellor, other_counsellor, counsellor_client
):
    mine = record_contact(counsellor, summary="mine")
    theirs = record_contact(other_counsellor, summary="theirs")
    body = counsellor_client.get("/helpline/contacts/").content.decode()
    assert mine.reference in body and theirs.reference not in body
    assert list(contacts_for(counsellor)) == [mine]


def test_a_counsellor_cannot_open_another_counsellors_contact(other_counsellor, counsellor_client):
    theirs = record_contact(other_counsellor)
    for url in _urls(theirs):
        assert counsellor_client.get(url).status_code in REFUSED
        assert counsellor_client.post(url).status_code in REFUSED
    assert not AuditEvent.objects.filter(action__in=["contact.viewed", "contact.revealed"]).exists()


def test_a_supervisor_sees_and_corrects_every_contact_of_the_organisation(
    counsellor, other_counsellor, supervisor_client
):
    one, two = record_contact(counsellor), record_contact(other_counsellor)
    body = supervisor_client.get("/helpline/contacts/").content.decode()
    assert one.reference in body and two.reference in body
    assert supervisor_client.get(f"/helpline/contacts/{two.reference}/edit/").status_code == 200


def test_a_counsellor_reads_but_does_not_change_the_contacts_of_a_case_assigned_to_them(
    organisation, counsellor, other_counsellor, counsellor_client
):
    contact = record_contact(other_counsellor)
    contact.case = open_case(organisation, counsellor)
    contact.save()
    assert access_contact(counsellor, contact.reference) == contact
    page = counsellor_client.get(f"/helpline/contacts/{contact.reference}/")
    assert page.status_code == 200 and "Read only" in page.content.decode()
    assert counsellor_client.get(f"/helpline/contacts/{contact.reference}/edit/").status_code == 403
    response = counsellor_client.post(f"/helpline/contacts/{contact.reference}/complete/")
    assert response.status_code == 403
    # Revealing is reading: a counsellor working the case may need to call the child.
    assert (
        counsellor_client.post(f"/helpline/contacts/{contact.reference}/reveal/").status_code == 200
    )


def test_another_organisation_gets_404_for_every_contact_url(counsellor, outsider_client):
    contact = record_contact(counsellor, summary="Northern secret", complete=False)
    before = list(Contact.objects.values())
    for url in _urls(contact):
        assert outsider_client.get(url).status_code in REFUSED, url
        response = outsider_client.post(url, {"finish": "complete", "summary": "x"})
        assert response.status_code in REFUSED, url
    assert "Northern secret" not in outsider_client.get("/helpline/contacts/").content.decode()
    assert list(Contact.objects.values()) == before
    assert not AuditEvent.objects.filter(
        action__startswith="contact.",
        organisation_id=contact.organisation_id,
        actor__username="olly",
    ).exists()


@pytest.mark.parametrize("role", [Role.RESPONDER, Role.PARTNER])
def test_responders_and_partner_services_get_404_everywhere_in_the_helpline(
    organisation, counsellor, client, role
):
    contact = record_contact(counsellor)
    visitor = verified_client(client, make_user(organisation, f"visitor-{role}", role))
    pages = ["/helpline/", "/helpline/contacts/", "/helpline/contacts/new/", "/helpline/settings/"]
    for url in pages + _urls(contact):
        assert visitor.get(url).status_code in REFUSED, url
        assert visitor.post(url).status_code in REFUSED, url
    assert visitor.get("/helpline/contacts/").status_code == 404


def test_a_counsellor_may_not_change_the_settings(counsellor_client):
    assert counsellor_client.get("/helpline/settings/").status_code == 403
    assert counsellor_client.post("/helpline/settings/", {"retention_days": 30}).status_code == 403


def test_the_public_is_sent_to_sign_in(client, counsellor):
    contact = record_contact(counsellor)
    for url in ["/helpline/", "/helpline/contacts/", *_urls(contact)]:
        response = client.get(url)
        assert response.status_code in (302, 405)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("accounts:login"))
