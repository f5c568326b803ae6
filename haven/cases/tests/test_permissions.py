"""Who reaches which case page. The sweep is built from the cases URL map: every route,
with GET and POST, with the Northern Hotline's identifiers, by people who must not reach
them: another organisation's staff, responders, a counsellor the case is not theirs,
and the public. Nothing may change, and no read may be recorded."""

import pytest
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.cases import delivery
from haven.cases.models import Case, CaseReferral, CaseService, FollowUp, StageRecord
from haven.cases.tests.test_opening import danger_report, make_emergency
from haven.cases.urls import urlpatterns
from haven.helpline.models import Contact

CASE_KWARGS = {"case_ref", "case_service_id", "case_referral_id", "follow_up_id"}


@pytest.fixture
def northern(case, contact, referral, counsellor, organisation, clock):
    follow_up = delivery.add_follow_up(counsellor, case, clock.now, "Call her")
    report = danger_report(organisation)
    emergency = make_emergency(organisation)
    return {
        "case_ref": case.reference,
        "contact_ref": contact.reference,
        "reference": report.reference,
        "emergency_ref": emergency.reference,
        "case_service_id": referral.service_id,
        "case_referral_id": referral.pk,
        "follow_up_id": follow_up.pk,
    }


def every_url(identifiers: dict, only=None) -> list[tuple[str, str, set]]:
    """(name, url, kwargs) for every cases route, filled with the identifiers."""
    found = []
    for pattern in urlpatterns:
        kwargs = set(pattern.pattern.converters)
        if only is not None and not (kwargs & only):
            continue
        values = {name: identifiers[name] for name in kwargs}
        found.append((pattern.name, reverse(f"cases:{pattern.name}", kwargs=values), kwargs))
    return found


def snapshot(organisation) -> dict:
    in_org = Q(case__organisation=organisation)
    return {
        "cases": list(Case.objects.filter(organisation=organisation).order_by("pk").values()),
        "stages": list(StageRecord.objects.filter(in_org).order_by("pk").values()),
        "services": list(CaseService.objects.filter(in_org).order_by("pk").values()),
        "referrals": list(CaseReferral.objects.filter(in_org).order_by("pk").values()),
        "follow_ups": list(FollowUp.objects.filter(in_org).order_by("pk").values()),
        "contacts": list(Contact.objects.filter(organisation=organisation).values("pk", "case")),
    }


def payload(identifiers: dict) -> dict:
    """What the forms would accept, so that a missing check would act (and show)."""
    return {
        "case-choice": "new",
        "assign-assignee": "1",
        "details-gender": "boy",
        "details-risk_level": "low",
        "which": "assessment",
        "assessment-text": "sweep",
        "advance-to_stage": "plan",
        "advance-record": "sweep",
        "close-reason": "safe",
        "close-confirm": "on",
        "reopen-reason": "sweep",
        "service-service_type": "health",
        "service-timeframe": "1h",
        "follow_up-due": "2099-01-01",
        "follow_up-description": "sweep",
        "answer-action": "accept",
        f"response-{identifiers['case_referral_id']}-action": "accept",
        f"done-{identifiers['follow_up_id']}-outcome": "sweep",
        "print-with_name": "on",
    }


def refused(response, method: str) -> bool:
    if response.status_code == 405 and method not in response.get("Allow", ""):
        return True
    return response.status_code in (403, 404)


def sweep(client, urls, identifiers) -> list[str]:
    problems = []
    for name, url, _kwargs in urls:
        for method in ("GET", "POST"):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, payload(identifiers))
            if not refused(response, method):
                problems.append(f"{method} {name} {url}: {response.status_code}")
    return problems


def assert_swept(organisation, attempts, identifiers) -> None:
    before = snapshot(organisation)
    since = AuditEvent.objects.order_by("-pk").first().pk
    problems = []
    for client, urls in attempts:
        problems += sweep(client, urls, identifiers)
    assert not problems, "Reached the Northern Hotline's cases:\n" + "\n".join(problems)
    assert snapshot(organisation) == before
    leaked = AuditEvent.objects.filter(pk__gt=since, organisation=organisation)
    assert list(leaked.values_list("action", "actor_label")) == []


def session(user) -> Client:
    return verified_client(Client(raise_request_exception=False), user)


def test_every_cases_url_is_in_the_sweep(northern):
    names = {name for name, _url, _kwargs in every_url(northern)}
    assert len(names) == len(urlpatterns)
    assert {"detail", "partner_referral", "print", "refer", "follow_up_done"} <= names


def test_another_organisations_staff_get_404_for_every_page_and_action(
    northern, organisation, outsider, other_organisation
):
    southern_admin = make_user(other_organisation, "sol", Role.ADMIN)
    urls = every_url(northern, only=set(northern))
    assert_swept(
        organisation, [(session(outsider), urls), (session(southern_admin), urls)], northern
    )


def test_a_responder_reaches_no_staff_page_and_no_other_partners_referral(
    northern, organisation, network
):
    urls = every_url(northern)
    assert_swept(organisation, [(session(network.leo), urls)], northern)
    # Rita reaches her own partner's referral page and nothing else.
    rita_urls = [entry for entry in urls if entry[0] != "partner_referral"]
    assert_swept(organisation, [(session(network.rita), rita_urls)], northern)


def test_a_counsellor_reaches_no_case_that_is_not_theirs(northern, organisation, other_counsellor):
    urls = every_url(northern, only=CASE_KWARGS)
    assert_swept(organisation, [(session(other_counsellor), urls)], northern)


def test_a_partner_service_account_gets_404_everywhere(northern, organisation, partner):
    assert_swept(organisation, [(session(partner), every_url(northern))], northern)


def test_the_public_is_sent_to_sign_in_from_every_page(northern, organisation):
    anonymous = Client(raise_request_exception=False)
    login = reverse("accounts:login")
    before = snapshot(organisation)
    for name, url, _kwargs in every_url(northern):
        for method in ("get", "post"):
            response = getattr(anonymous, method)(url)
            if response.status_code == 405:
                continue
            assert response.status_code == 302, (method, name)
            assert response["Location"].startswith(login), (method, name)
    assert snapshot(organisation) == before


def test_the_organisations_own_supervisor_reaches_every_page(northern, admin):
    """The control: the 404s above mean "not yours", not "never existed"."""
    page = session(admin)
    for name, url, _kwargs in every_url(northern):
        statuses = {page.get(url).status_code, page.post(url, {}).status_code}
        assert statuses - {404, 500}, (name, statuses)
