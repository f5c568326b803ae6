"""The Northern Hotline's partner network as the emergency tests see it.

District North is covered by Safe Hands, whose rota has three responders on call now:
Asha (position 1, SMS), Ben (position 2, e-mail) and Chandra (position 3, SMS and
e-mail). District Quiet is covered by Night Owls, with nobody on call. District Empty is
covered by no partner at all. The organisation has a fake SMS channel for alerts: what
it sends is in FakeProvider.outbox. Every test runs on the controllable clock.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail

from conftest import make_user
from haven.accounts.models import Role
from haven.audit.services import Actor
from haven.emergencies import services
from haven.helpline.services import settings_for
from haven.messaging.credentials import seal_token
from haven.messaging.models import ProviderKind, SmsChannel
from haven.messaging.providers import FakeProvider
from haven.network.models import (
    AlertChannel,
    District,
    PartnerMembership,
    Responder,
    RotaShift,
    ServicePartner,
)

PUBLIC = "https://haven.example.org"
LINK = re.compile(r"https://haven\.example\.org/emergencies/respond/([\w-]+)/")
WHERE = "Behind the blue gate, 14 Station Road"
WHAT = "Shouting and crying heard; the child says her uncle hit her"


@dataclass
class Network:
    north: District
    quiet: District
    empty: District
    safe_hands: ServicePartner
    night_owls: ServicePartner
    asha: Responder
    ben: Responder
    chandra: Responder
    owl: Responder


@pytest.fixture(autouse=True)
def _links_and_outboxes(settings):
    settings.PUBLIC_BASE_URL = PUBLIC
    FakeProvider.reset()
    yield
    FakeProvider.reset()


@pytest.fixture
def network(organisation, clock) -> Network:
    north = District.objects.create(organisation=organisation, name="North", code="north")
    quiet = District.objects.create(organisation=organisation, name="Quiet", code="quiet")
    empty = District.objects.create(organisation=organisation, name="Empty", code="empty")
    safe_hands = ServicePartner.objects.create(organisation=organisation, name="Safe Hands")
    safe_hands.districts.add(north)
    night_owls = ServicePartner.objects.create(organisation=organisation, name="Night Owls")
    night_owls.districts.add(quiet)

    def responder(partner, name, **fields):
        return Responder.objects.create(partner=partner, name=name, **fields)

    asha = responder(safe_hands, "Asha", phone="+919876543210", alert_channel=AlertChannel.SMS)
    ben = responder(safe_hands, "Ben", email="ben@safehands.example", alert_channel="email")
    chandra = responder(
        safe_hands,
        "Chandra",
        phone="+919876500000",
        email="chandra@safehands.example",
        alert_channel=AlertChannel.BOTH,
    )
    owl = responder(night_owls, "Owl", phone="+919800000000")
    start, end = clock.now - timedelta(hours=1), clock.now + timedelta(hours=12)
    for position, person in enumerate([asha, ben, chandra], start=1):
        RotaShift.objects.create(
            partner=safe_hands, responder=person, starts_at=start, ends_at=end, position=position
        )
    # Night Owls' only shift is tomorrow.
    RotaShift.objects.create(
        partner=night_owls,
        responder=owl,
        starts_at=clock.now + timedelta(days=1),
        ends_at=clock.now + timedelta(days=1, hours=8),
    )
    times = settings_for(organisation)
    times.emergency_target_minutes, times.acknowledge_minutes, times.realert_minutes = 60, 5, 10
    times.save()
    return Network(north, quiet, empty, safe_hands, night_owls, asha, ben, chandra, owl)


@pytest.fixture
def sms_channel(organisation) -> SmsChannel:
    return SmsChannel.objects.create(
        organisation=organisation,
        name="Alerts",
        provider=ProviderKind.FAKE,
        number="+441234567890",
        public_id="fake-alerts",
        auth_token_sealed=seal_token("fake-secret"),
        used_for_alerts=True,
    )


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run what a block enqueued (alerts, SMS) as the workers would after commit."""

    def runner():
        return django_capture_on_commit_callbacks(execute=True)

    return runner


@pytest.fixture
def open_in_north(organisation, network, sms_channel, counsellor, run_jobs):
    """Open an emergency in North as the counsellor, alerts delivered."""

    def opener(**fields):
        with run_jobs():
            return services.open_emergency(
                Actor.for_user(counsellor),
                organisation,
                **({"district": network.north, "location": WHERE, "situation": WHAT} | fields),
            )

    return opener


@pytest.fixture
def responder_user(organisation, network):
    """Asha's own login: a RESPONDER of Safe Hands."""
    user = make_user(organisation, "asha", Role.RESPONDER)
    PartnerMembership.objects.create(user=user, partner=network.safe_hands)
    network.asha.user = user
    network.asha.save()
    return user


def sms_to(number: str) -> list:
    return [sms for sms in FakeProvider.outbox if sms.to == number]


def link_in(text: str) -> str:
    match = LINK.search(text)
    assert match, f"no responder link in {text!r}"
    return match.group(0).removeprefix(PUBLIC)


def token_in(text: str) -> str:
    match = LINK.search(text)
    assert match, f"no responder link in {text!r}"
    return match.group(1)


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]
