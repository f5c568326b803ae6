"""The partner's side: a responder sees only the referrals made to their partner, only
what the child consented to share, and answers them; nothing else of the helpline."""

import pytest
from django.urls import reverse

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.cases import delivery, services
from haven.cases.access import referrals_for_partner
from haven.cases.models import CaseReferral, ReferralStatus, ServiceStatus, Timeframe
from haven.cases.tests.conftest import CHILD_NAME, NOTE, make_contact, open_for
from haven.cases.timeline import timeline
from haven.network.models import PartnerMembership, ServicePartner, ServiceType


def page(referral) -> str:
    return reverse("cases:partner_referral", args=[referral.pk])


@pytest.fixture
def rita_client(client, network):
    return verified_client(client, network.rita)


@pytest.fixture
def legal_referral(organisation, other_counsellor, network, supervisor):
    """A referral of another child (a boy in Hillside) to Law Aid."""
    contact = make_contact(
        organisation, other_counsellor, district=network.south, child_name="Arjun", gender="boy"
    )
    case = open_for(other_counsellor, contact=contact, assign_to=other_counsellor)
    service = delivery.add_service(other_counsellor, case, ServiceType.LEGAL_AID, Timeframe.DAY)
    return delivery.refer(other_counsellor, service, network.legal, "Custody hearing on Monday")


def test_a_partner_lists_only_the_referrals_made_to_it(referral, legal_referral, network):
    assert list(referrals_for_partner(network.safe_hands)) == [referral]
    assert list(referrals_for_partner(network.law_aid)) == [legal_referral]


def test_with_consent_the_partner_sees_the_childs_name_and_the_note(rita_client, referral, case):
    response = rita_client.get(page(referral))

    assert response.status_code == 200
    body = response.content.decode()
    assert CHILD_NAME in body and NOTE.replace("'", "&#x27;") in body
    assert case.reference in body and "Riverside" in body and "Safe Hands night shelter" in body
    assert response["Cache-Control"] == "no-store"
    viewed = AuditEvent.objects.get(action="case.referral_viewed")
    assert viewed.actor == referral.partner.members.get().user
    assert viewed.organisation_id == case.organisation_id


def test_without_consent_the_partner_sees_reference_service_age_band_and_district_only(
    rita_client, referral, case, counsellor
):
    services.update_details(counsellor, case, {"consent_share": False})

    body = rita_client.get(page(referral)).content.decode()

    assert case.reference in body and "Riverside" in body and "13-15" in body
    assert "Shelter" in body
    for hidden in (CHILD_NAME, "Meera", "Riverside night", "aunt", "Girl", "Physical violence"):
        assert hidden not in body, hidden
    assert "did not agree" in body


def test_a_responder_of_another_partner_gets_404_for_our_referral(client, referral, network):
    leo = verified_client(client, network.leo)
    assert leo.get(page(referral)).status_code == 404
    assert leo.post(page(referral), {"answer-action": "accept"}).status_code == 404
    assert CaseReferral.objects.get(pk=referral.pk).status == ReferralStatus.REQUESTED


def test_a_responder_never_reaches_the_case_or_any_staff_page(rita_client, referral, case):
    staff_urls = [
        reverse("cases:list"),
        reverse("cases:overdue"),
        reverse("cases:detail", args=[case.reference]),
        reverse("cases:print", args=[case.reference]),
        reverse("cases:record_response", args=[referral.pk]),
        reverse("cases:refer", args=[referral.service_id]),
    ]
    for url in staff_urls:
        # 405 for the method a page does not have (nothing is looked up), else 404.
        answers = {rita_client.get(url).status_code, rita_client.post(url, {}).status_code}
        assert answers <= {404, 405} and 404 in answers, url


def test_a_responder_whose_partner_left_the_network_sees_nothing(rita_client, referral, network):
    network.safe_hands.active = False
    network.safe_hands.save()
    assert rita_client.get(page(referral)).status_code == 404


def test_the_partner_accepts_then_completes_and_the_helpline_sees_the_answers(
    rita_client, referral, client, counsellor, case
):
    accepted = rita_client.post(
        page(referral), {"answer-action": "accept", "answer-note": "Bed at 8 pm"}
    )
    assert accepted.status_code == 302
    done = rita_client.post(
        page(referral), {"answer-action": "complete", "answer-note": "Two nights, then home"}
    )
    assert done.status_code == 302

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.service.status == ServiceStatus.DONE
    helpline = verified_client(client, counsellor)
    body = helpline.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Bed at 8 pm" in body and "Two nights, then home" in body and "Completed" in body


def test_a_decline_needs_a_reason_and_completing_a_requested_referral_is_refused(
    rita_client, referral
):
    no_reason = rita_client.post(page(referral), {"answer-action": "decline", "answer-note": ""})
    assert no_reason.status_code == 400
    assert "Say why the referral is declined" in no_reason.content.decode()
    early = rita_client.post(page(referral), {"answer-action": "complete", "answer-note": "x"})
    assert early.status_code == 400
    assert CaseReferral.objects.get(pk=referral.pk).status == ReferralStatus.REQUESTED


def test_the_helpline_sees_the_partners_page_read_only(client, referral, counsellor):
    staff = verified_client(client, counsellor)
    preview = staff.get(page(referral))
    assert preview.status_code == 200
    assert "This is what Safe Hands sees" in preview.content.decode()
    assert 'name="answer-action"' not in preview.content.decode()
    assert staff.post(page(referral), {"answer-action": "accept"}).status_code == 403
    assert CaseReferral.objects.get(pk=referral.pk).status == ReferralStatus.REQUESTED


def test_staff_of_another_organisation_and_their_responders_get_404(
    client, referral, outsider, other_organisation
):
    assert verified_client(client, outsider).get(page(referral)).status_code == 404
    theirs = ServicePartner.objects.create(organisation=other_organisation, name="Theirs")
    their_responder = make_user(other_organisation, "tara", Role.RESPONDER)
    PartnerMembership.objects.create(user=their_responder, partner=theirs)
    assert verified_client(client, their_responder).get(page(referral)).status_code == 404


def test_the_case_timeline_shows_the_partners_first_read_of_a_referral_once(
    rita_client, referral, case
):
    for _ in range(3):
        rita_client.get(page(referral))
    # A refused answer shows the page again: another look, not another first read.
    rita_client.post(page(referral), {"action": "decline"})

    assert AuditEvent.objects.filter(action="case.referral_viewed").count() >= 3
    reads = [entry for entry in timeline(case) if "read by the partner" in entry.what]
    assert [entry.what for entry in reads] == ["Referral first read by the partner"]
