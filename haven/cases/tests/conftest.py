"""The Northern Hotline's helpline as the case tests see it.

Two districts, Riverside (`network.north`) and Hillside (`network.south`). Safe Hands
covers Riverside and offers a shelter and psychosocial support there; Law Aid covers
Hillside and offers legal aid. Rita is Safe Hands' responder (a login, role RESPONDER);
Leo is Law Aid's. Chris the counsellor took contact C (a girl of 14 in Riverside, high
risk, named Meera, consent to share given). Every test runs on the controllable clock.
"""

from dataclasses import dataclass

import pytest
from django.core import mail
from django.utils import timezone

from conftest import make_user
from haven.accounts.models import Role
from haven.audit.services import Actor
from haven.cases import delivery, services
from haven.cases.models import Case, Timeframe
from haven.helpline import identity
from haven.helpline.models import Channel, Contact
from haven.helpline.services import new_contact_reference
from haven.network.models import (
    District,
    PartnerMembership,
    PartnerService,
    ServicePartner,
    ServiceType,
)

PUBLIC = "https://haven.example.org"
CHILD_NAME = "Meera Sharma"
NOTE = "Meera needs a safe bed tonight; her aunt can be reached after 6 pm."


@dataclass
class Network:
    north: District
    south: District
    safe_hands: ServicePartner
    law_aid: ServicePartner
    shelter: PartnerService
    counselling: PartnerService
    legal: PartnerService
    rita: object  # Safe Hands' responder
    leo: object  # Law Aid's responder


@pytest.fixture(autouse=True)
def _links(settings):
    settings.PUBLIC_BASE_URL = PUBLIC
    mail.outbox = []


@pytest.fixture
def network(organisation, clock) -> Network:
    north = District.objects.create(organisation=organisation, name="Riverside", code="riverside")
    south = District.objects.create(organisation=organisation, name="Hillside", code="hillside")
    safe_hands = ServicePartner.objects.create(
        organisation=organisation, name="Safe Hands", email="desk@safehands.example"
    )
    safe_hands.districts.add(north)
    law_aid = ServicePartner.objects.create(
        organisation=organisation, name="Law Aid", email="desk@lawaid.example"
    )
    law_aid.districts.add(south)
    shelter = PartnerService.objects.create(
        partner=safe_hands, service_type=ServiceType.SHELTER, name="Safe Hands night shelter"
    )
    counselling = PartnerService.objects.create(
        partner=safe_hands, service_type=ServiceType.PSYCHOSOCIAL, name="Safe Hands counselling"
    )
    legal = PartnerService.objects.create(
        partner=law_aid, service_type=ServiceType.LEGAL_AID, name="Law Aid clinic"
    )
    rita = make_user(organisation, "rita", Role.RESPONDER)
    PartnerMembership.objects.create(user=rita, partner=safe_hands)
    leo = make_user(organisation, "leo", Role.RESPONDER)
    PartnerMembership.objects.create(user=leo, partner=law_aid)
    return Network(north, south, safe_hands, law_aid, shelter, counselling, legal, rita, leo)


def make_contact(organisation, counsellor, **fields) -> Contact:
    name = fields.pop("child_name", "")
    defaults = {
        "channel": Channel.PHONE,
        "started_at": timezone.now(),
        "child_age": 14,
        "gender": "girl",
        "categories": ["violence.physical"],
        "risk_level": "medium",
        "consent_share": True,
    }
    defaults.update(fields)
    return Contact.objects.create(
        organisation=organisation,
        reference=new_contact_reference(),
        counsellor=counsellor,
        child_name_sealed=identity.seal(name) if name else "",
        **defaults,
    )


@pytest.fixture
def contact(organisation, counsellor, network) -> Contact:
    return make_contact(
        organisation,
        counsellor,
        district=network.north,
        risk_level="high",
        child_name=CHILD_NAME,
    )


def open_for(user, **kwargs) -> Case:
    return services.open_case(Actor.for_user(user), user.organisation, **kwargs)


@pytest.fixture
def case(contact, counsellor) -> Case:
    """Contact C's case, opened by Chris and assigned to Chris: in assessment."""
    return open_for(counsellor, contact=contact, assign_to=counsellor)


def in_services(case: Case, user) -> Case:
    """Move `case` (in assessment) on to the services stage."""
    case = services.advance(user, case, "plan", "She is hit at home; school is safe.")
    return services.advance(user, case, "services", "Shelter tonight, counselling this week.")


@pytest.fixture
def shelter_service(case, counsellor):
    return delivery.add_service(counsellor, case, ServiceType.SHELTER, Timeframe.THREE_HOURS)


@pytest.fixture
def referral(shelter_service, network, counsellor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return delivery.refer(counsellor, shelter_service, network.shelter, NOTE)


@pytest.fixture
def admin(organisation):
    return make_user(organisation, "nadia", Role.ADMIN)


@pytest.fixture
def other_counsellor(organisation):
    return make_user(organisation, "dana", Role.COUNSELLOR)
