"""Service partners: the list with its coverage warning, the partner page, and the forms."""

from datetime import timedelta

from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.network.models import District, PartnerKind, ServicePartner
from haven.network.tests.helpers import shift


def test_the_partner_list_warns_about_districts_with_nobody_on_call(
    counsellor_client, ngo, patna, asha, django_assert_max_num_queries
):
    shift(asha, timezone.now() - timedelta(hours=1), hours=4)
    with django_assert_max_num_queries(12):
        response = counsellor_client.get("/network/partners/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nobody on call in some districts in the next 7 days" in body
    text = " ".join(body.split())
    assert "Patna, Bihar</strong>: no partner responds to emergencies here." in text
    pune = text[text.index("Pune, Maharashtra</strong>") :]
    assert pune.startswith("Pune, Maharashtra</strong>: nobody on call from ")
    assert pune.index("onwards") < pune.index("</li>")
    assert "On call now: Asha Patil (1)" in body
    assert "Add a partner" not in body


def test_the_partner_list_asks_for_districts_first(counsellor_client):
    body = counsellor_client.get("/network/partners/").content.decode()
    assert "The helpline has no districts yet" in body


def test_the_partner_list_filters_by_kind_district_and_status(
    counsellor_client, ngo, police, mumbai
):
    body = counsellor_client.get("/network/partners/?kind=police").content.decode()
    assert "Pune Police Juvenile Unit" in body and "Saathi Trust" not in body
    body = counsellor_client.get(f"/network/partners/?district={mumbai.pk}").content.decode()
    assert "Saathi Trust" in body and "Pune Police" not in body
    ngo.active = False
    ngo.save()
    assert "Saathi Trust" not in counsellor_client.get("/network/partners/").content.decode()
    body = counsellor_client.get("/network/partners/?status=inactive").content.decode()
    assert "Saathi Trust" in body and "Pune Police" not in body


def test_the_partner_page_shows_districts_services_responders_rota_and_members(
    counsellor_client, ngo, asha, responder_user, django_assert_max_num_queries
):
    shift(asha, timezone.now() + timedelta(hours=2))
    with django_assert_max_num_queries(14):
        response = counsellor_client.get(f"/network/partners/{ngo.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Maharashtra" in body and "Mumbai, Pune" in body
    assert "+919876543210" in body  # a responder's mobile, for the helpline to call
    assert "Shifts in the next 7 days" in body
    assert "asha.patil" in body and "two-factor sign-in set up" in body
    assert "Edit the partner" not in body and "Give a login" not in body


def test_a_supervisor_adds_a_partner_with_districts_ticked_by_region(
    supervisor_client, pune, patna
):
    form = supervisor_client.get("/network/partners/new/").content.decode()
    assert form.index("<legend>Bihar</legend>") < form.index("Patna")
    assert form.index("<legend>Maharashtra</legend>") < form.index("Pune")
    response = supervisor_client.post(
        "/network/partners/new/",
        {
            "name": "Bihar Child Welfare Committee",
            "kind": PartnerKind.CHILD_WELFARE,
            "districts": [patna.pk],
            "responds_to_emergencies": "",
            "phone": "+91 612 222 0000",
        },
    )
    partner = ServicePartner.objects.get(name="Bihar Child Welfare Committee")
    assert response["Location"] == f"/network/partners/{partner.pk}/"
    assert list(partner.districts.all()) == [patna]
    assert not partner.responds_to_emergencies
    event = AuditEvent.objects.get(action="network.partner_created")
    assert event.detail["districts"] == [patna.pk]


def test_a_partner_with_bad_input_is_shown_again_with_each_reason(supervisor_client, pune):
    response = supervisor_client.post(
        "/network/partners/new/",
        {"name": "", "kind": "spies", "email": "not an address", "phone": "call us"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Give the partner&#x27;s name." in body
    assert "Choose what kind of organisation this is from the list." in body
    assert "Enter an e-mail address such as desk@example.org." in body
    assert not ServicePartner.objects.exists()


def test_a_bad_desk_number_is_refused(supervisor_client, pune):
    response = supervisor_client.post(
        "/network/partners/new/", {"name": "X", "kind": "ngo", "phone": "call us maybe"}
    )
    assert response.status_code == 400
    assert "Enter a phone number of digits" in response.content.decode()


def test_editing_a_partner_audits_the_districts_added_and_removed(
    supervisor_client, ngo, pune, mumbai, patna
):
    response = supervisor_client.post(
        f"/network/partners/{ngo.pk}/edit/",
        {
            "name": "Saathi Trust",
            "kind": "ngo",
            "districts": [pune.pk, patna.pk],
            "responds_to_emergencies": "on",
            "email": "desk@saathi.example",
            "phone": "1098",
            "notes": "Open day and night",
            "active": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="network.partner_changed")
    assert event.detail["changes"]["districts"] == {"added": [patna.pk], "removed": [mumbai.pk]}
    assert event.detail["changes"]["notes"] == ["…", "…"]


def test_an_inactive_district_a_partner_covers_is_kept_when_it_is_edited(
    supervisor_client, ngo, pune, mumbai
):
    District.objects.filter(pk=mumbai.pk).update(active=False)
    form = supervisor_client.get(f"/network/partners/{ngo.pk}/edit/").content.decode()
    assert "Mumbai (inactive)" in form


def test_a_supervisor_deactivates_a_partner(supervisor_client, ngo):
    response = supervisor_client.post(f"/network/partners/{ngo.pk}/deactivate/", follow=True)
    ngo.refresh_from_db()
    assert not ngo.active
    assert "is no longer active" in response.content.decode()
    assert AuditEvent.objects.filter(action="network.partner_deactivated").count() == 1
