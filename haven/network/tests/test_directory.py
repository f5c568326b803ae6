"""The directory of services: `services_for`, the directory page, and partners' services."""

import pytest

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.network import directory
from haven.network.models import PartnerService, ServicePartner, ServiceType
from haven.triage.actions import InvalidInput


@pytest.fixture
def shelter(ngo):
    # No districts of its own: offered wherever the NGO works (Pune and Mumbai).
    return PartnerService.objects.create(
        partner=ngo, service_type=ServiceType.SHELTER, name="Girls' shelter"
    )


@pytest.fixture
def counselling(ngo, mumbai):
    service = PartnerService.objects.create(
        partner=ngo, service_type=ServiceType.PSYCHOSOCIAL, name="Counselling centre"
    )
    service.districts.set([mumbai])
    return service


@pytest.fixture
def legal_aid(police, pune):
    return PartnerService.objects.create(
        partner=police, service_type=ServiceType.LEGAL_AID, name="Legal aid desk"
    )


def test_without_filters_every_active_service_of_active_partners_is_listed(
    organisation, shelter, counselling, legal_aid
):
    assert list(directory.services_for(organisation)) == [legal_aid, counselling, shelter]


def test_filtering_by_type(organisation, shelter, counselling, legal_aid):
    assert list(directory.services_for(organisation, service_type="shelter")) == [shelter]


def test_a_service_without_districts_covers_all_its_partners_districts(
    organisation, shelter, pune, mumbai, patna
):
    assert list(directory.services_for(organisation, district=pune)) == [shelter]
    assert list(directory.services_for(organisation, district=mumbai)) == [shelter]
    assert list(directory.services_for(organisation, district=patna)) == []


def test_a_service_with_districts_of_its_own_covers_only_those(
    organisation, counselling, pune, mumbai
):
    assert list(directory.services_for(organisation, district=mumbai)) == [counselling]
    assert list(directory.services_for(organisation, district=pune)) == []


def test_type_and_district_together(organisation, shelter, counselling, legal_aid, pune):
    found = directory.services_for(organisation, service_type="legal_aid", district=pune)
    assert list(found) == [legal_aid]


def test_a_district_the_partner_stopped_covering_offers_nothing_there(
    organisation, ngo, counselling, shelter, pune, mumbai
):
    ngo.districts.set([pune])
    assert list(directory.services_for(organisation, district=mumbai)) == []


def test_inactive_services_and_partners_are_left_out(
    organisation, ngo, shelter, counselling, legal_aid, police
):
    shelter.active = False
    shelter.save()
    police.active = False
    police.save()
    assert list(directory.services_for(organisation)) == [counselling]


def test_another_organisations_services_are_never_listed(
    organisation, other_organisation, other_district, shelter
):
    theirs = ServicePartner.objects.create(organisation=other_organisation, name="Theirs")
    theirs.districts.set([other_district])
    PartnerService.objects.create(partner=theirs, service_type="shelter", name="Their shelter")
    assert list(directory.services_for(organisation)) == [shelter]
    assert list(directory.services_for(organisation, district=other_district)) == []


def test_a_service_cannot_be_offered_where_its_partner_does_not_work(ngo, patna, supervisor):
    with pytest.raises(InvalidInput, match="does not cover Patna"):
        directory.create_service(
            ngo,
            {"service_type": "health", "name": "Clinic", "districts": [patna]},
            actor=Actor.for_user(supervisor),
        )


# --- Pages --------------------------------------------------------------------------------


def test_the_directory_page_filters_by_type_and_district(
    counsellor_client, shelter, counselling, legal_aid, pune, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        body = counsellor_client.get("/network/directory/").content.decode()
    assert (
        "Girls&#x27; shelter" in body and "Counselling centre" in body and "Legal aid desk" in body
    )
    body = counsellor_client.get(f"/network/directory/?district={pune.pk}").content.decode()
    assert "Girls&#x27; shelter" in body and "Legal aid desk" in body
    assert "Counselling centre" not in body
    body = counsellor_client.get(
        f"/network/directory/?district={pune.pk}&service_type=shelter"
    ).content.decode()
    assert "Girls&#x27; shelter" in body and "Legal aid desk" not in body


def test_the_directory_says_when_no_partner_offers_a_service_in_a_district(
    counsellor_client, patna, shelter
):
    body = counsellor_client.get(f"/network/directory/?district={patna.pk}").content.decode()
    assert "No active partner offers such a service in Patna, Bihar." in body


def test_a_supervisor_adds_a_service_for_some_districts(supervisor_client, ngo, mumbai):
    response = supervisor_client.post(
        f"/network/partners/{ngo.pk}/services/new/",
        {
            "service_type": "health",
            "name": "Mobile clinic",
            "districts": [mumbai.pk],
            "accepts_referrals": "on",
        },
    )
    assert response.status_code == 302
    service = PartnerService.objects.get(name="Mobile clinic")
    assert list(service.districts.all()) == [mumbai]
    assert AuditEvent.objects.filter(action="network.service_created").exists()


def test_the_service_form_offers_only_the_partners_districts(supervisor_client, ngo, patna):
    body = supervisor_client.get(f"/network/partners/{ngo.pk}/services/new/").content.decode()
    assert "Mumbai" in body and "Pune" in body and "Patna" not in body
    response = supervisor_client.post(
        f"/network/partners/{ngo.pk}/services/new/",
        {"service_type": "health", "name": "Clinic", "districts": [patna.pk]},
    )
    assert response.status_code == 400
    assert "Choose districts from the list." in response.content.decode()


def test_a_supervisor_edits_and_deactivates_a_service(supervisor_client, shelter):
    response = supervisor_client.post(
        f"/network/services/{shelter.pk}/edit/",
        {"service_type": "shelter", "name": "Shelter for girls", "active": "on"},
    )
    assert response.status_code == 302
    shelter.refresh_from_db()
    assert shelter.name == "Shelter for girls" and not shelter.accepts_referrals
    supervisor_client.post(f"/network/services/{shelter.pk}/deactivate/")
    shelter.refresh_from_db()
    assert not shelter.active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"network.service_changed", "network.service_deactivated"} <= actions
