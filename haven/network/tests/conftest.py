"""The Northern Hotline's network: three districts in two regions, an NGO covering two of
them, a police unit covering one, their responders, and a responder with a login."""

import pytest

from conftest import make_user
from haven.accounts.models import Role
from haven.network.models import (
    District,
    PartnerKind,
    PartnerMembership,
    Responder,
    ServicePartner,
)


@pytest.fixture
def pune(organisation):
    return District.objects.create(
        organisation=organisation, name="Pune", region="Maharashtra", code="pune"
    )


@pytest.fixture
def mumbai(organisation):
    return District.objects.create(
        organisation=organisation, name="Mumbai", region="Maharashtra", code="mumbai"
    )


@pytest.fixture
def patna(organisation):
    return District.objects.create(
        organisation=organisation, name="Patna", region="Bihar", code="patna"
    )


@pytest.fixture
def ngo(organisation, pune, mumbai):
    partner = ServicePartner.objects.create(
        organisation=organisation,
        name="Saathi Trust",
        kind=PartnerKind.NGO,
        email="desk@saathi.example",
        phone="1098",
    )
    partner.districts.set([pune, mumbai])
    return partner


@pytest.fixture
def police(organisation, pune):
    partner = ServicePartner.objects.create(
        organisation=organisation, name="Pune Police Juvenile Unit", kind=PartnerKind.POLICE
    )
    partner.districts.set([pune])
    return partner


@pytest.fixture
def asha(ngo):
    return Responder.objects.create(
        partner=ngo, name="Asha Patil", phone="+919876543210", email="asha@saathi.example"
    )


@pytest.fixture
def ravi(ngo):
    return Responder.objects.create(partner=ngo, name="Ravi Kale", phone="+919876543211")


@pytest.fixture
def inspector(police):
    return Responder.objects.create(partner=police, name="Inspector More", phone="+919876500000")


@pytest.fixture
def responder_user(organisation, ngo, asha):
    """Asha's login: a RESPONDER of the Northern Hotline, linked to the Saathi Trust."""
    user = make_user(organisation, "asha.patil", Role.RESPONDER)
    PartnerMembership.objects.create(user=user, partner=ngo)
    asha.user = user
    asha.save()
    return user


@pytest.fixture
def other_district(other_organisation):
    return District.objects.create(
        organisation=other_organisation, name="Pune", region="Maharashtra", code="pune"
    )
