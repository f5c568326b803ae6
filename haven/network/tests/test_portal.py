"""The partner portal lists what was referred or alerted to the responder's own partner."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import verified_client
from haven.cases.models import Case, CaseReferral
from haven.emergencies.models import Alert, Emergency, EmergencyStatus
from haven.network.models import PartnerService, RotaShift


def _case(organisation, reference):
    return Case.objects.create(
        organisation=organisation, reference=reference, created_at=timezone.now()
    )


def _referral(case, partner, name):
    service = PartnerService.objects.create(partner=partner, service_type="shelter", name=name)
    return CaseReferral.objects.create(
        case=case, partner=partner, partner_service=service, requested_at=timezone.now()
    )


def _emergency(organisation, reference, partner=None):
    now = timezone.now()
    return Emergency.objects.create(
        organisation=organisation,
        reference=reference,
        opened_at=now,
        target_at=now + timedelta(hours=1),
        partner=partner,
    )


@pytest.fixture
def items(organisation, ngo, police, asha, inspector):
    case = _case(organisation, "K-11111-11111")
    ours = _referral(case, ngo, "Saathi shelter")
    theirs = _referral(case, police, "Police desk")
    _emergency(organisation, "E-AAAAA-AAAAA", partner=ngo)
    alerted = _emergency(organisation, "E-BBBBB-BBBBB")
    Alert.objects.create(
        emergency=alerted,
        role="responder",
        responder=asha,
        channel="sms",
        created_at=timezone.now(),
    )
    police_only = _emergency(organisation, "E-CCCCC-CCCCC", partner=police)
    Alert.objects.create(
        emergency=police_only,
        role="responder",
        responder=inspector,
        channel="sms",
        created_at=timezone.now(),
    )
    return {"ours": ours, "theirs": theirs, "police_only": police_only}


def test_a_responder_sees_only_what_was_referred_or_alerted_to_their_partner(
    client, responder_user, items, django_assert_max_num_queries
):
    portal = verified_client(client, responder_user)
    with django_assert_max_num_queries(15):
        response = portal.get("/network/portal/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "E-AAAAA-AAAAA" in body and "E-BBBBB-BBBBB" in body
    assert "E-CCCCC-CCCCC" not in body
    assert "Saathi shelter" in body and "Police desk" not in body
    # Labelled by the case's reference and the service, never by a database id.
    assert "K-11111-11111: Saathi shelter" in body
    assert f"Referral {items['ours'].pk}" not in body


def test_open_emergencies_come_first_and_the_shifts_are_folded_away(
    client, responder_user, items, asha, ngo
):
    Emergency.objects.filter(reference="E-AAAAA-AAAAA").update(status=EmergencyStatus.CLOSED)
    now = timezone.now()
    for day in range(5):
        start = now + timedelta(days=day, hours=-1)
        RotaShift.objects.create(
            partner=ngo, responder=asha, starts_at=start, ends_at=start + timedelta(hours=12)
        )

    body = verified_client(client, responder_user).get("/network/portal/").content.decode()

    open_part = body[body.index('id="open-emergencies"') : body.index('id="your-shifts"')]
    assert "E-BBBBB-BBBBB" in open_part and "E-AAAAA-AAAAA" not in open_part
    assert body.index('id="open-emergencies"') < body.index('id="referrals"')
    assert "On call now until" in body and "<summary>Your next 5 shifts</summary>" in body


def test_portal_items_link_to_the_partner_pages_when_they_exist(client, responder_user, items):
    from django.urls import NoReverseMatch, reverse

    body = verified_client(client, responder_user).get("/network/portal/").content.decode()
    try:
        link = reverse("cases:partner_referral", kwargs={"case_referral_id": items["ours"].pk})
    except NoReverseMatch:
        pytest.skip("cases has no partner referral page yet")
    assert f'href="{link}"' in body


def test_a_responder_of_another_partner_does_not_see_ours(
    client, organisation, police, inspector, items
):
    from conftest import make_user
    from haven.accounts.models import Role
    from haven.network.models import PartnerMembership

    officer = make_user(organisation, "more", Role.RESPONDER)
    PartnerMembership.objects.create(user=officer, partner=police)
    body = verified_client(client, officer).get("/network/portal/").content.decode()
    assert "E-CCCCC-CCCCC" in body and "Police desk" in body
    assert "E-AAAAA-AAAAA" not in body and "E-BBBBB-BBBBB" not in body
    assert "Saathi shelter" not in body
