"""Who reaches which network page.

Staff of the organisation read; supervisors and administrators change; anyone from
another organisation gets a 404 for every page with every identifier; responders get a
404 everywhere but the portal, and staff a 404 on the portal. The routes are read from
the URL map, so a page added later is swept without anyone remembering to add it here.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.network.models import (
    District,
    PartnerMembership,
    PartnerService,
    Responder,
    RotaShift,
    ServicePartner,
)
from haven.network.tests.helpers import shift

READ_ONLY = {"districts", "partners", "partner_detail", "directory", "rota"}


def network_routes() -> list[tuple[str, list[str]]]:
    """(name, [kwarg, ...]) of every route in the network namespace."""
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "network":
            return [
                (pattern.name, list(pattern.pattern.converters)) for pattern in entry.url_patterns
            ]
    raise AssertionError("the network URLs are not in the URL map")


@pytest.fixture
def northern(ngo, pune, asha, clock):
    service = PartnerService.objects.create(
        partner=ngo, service_type="shelter", name="Northern shelter"
    )
    coming = shift(asha, clock.now + timedelta(hours=2))
    return {
        "district_id": pune.pk,
        "service_partner_id": ngo.pk,
        "partner_service_id": service.pk,
        "responder_id": asha.pk,
        "shift_id": coming.pk,
    }


def urls(identifiers: dict, with_identifiers: bool = False) -> list[tuple[str, str]]:
    found = []
    for name, kwargs in network_routes():
        assert set(kwargs) <= set(identifiers), f"network:{name}: teach this test {kwargs}"
        if with_identifiers and not kwargs:
            continue
        url = reverse(f"network:{name}", kwargs={k: identifiers[k] for k in kwargs})
        found.append((name, url))
    return found


PAYLOAD = {
    "name": "sweep",
    "region": "sweep",
    "code": "sweep",
    "kind": "ngo",
    "lines": "Sweep, Sweep",
    "service_type": "shelter",
    "phone": "+911234567890",
    "email": "sweep@example.org",
    "alert_channel": "sms",
    "username": "sweeper",
    "active": "on",
    "shift-position": "1",
    "shift-starts_at": "2099-01-01T08:00",
    "shift-ends_at": "2099-01-01T20:00",
    "weekly-weekdays": ["0"],
    "weekly-start_time": "08:00",
    "weekly-end_time": "20:00",
    "weekly-first_day": "2099-01-05",
    "weekly-weeks": "1",
    "weekly-position": "1",
}


def snapshot(organisation) -> dict:
    partners = ServicePartner.objects.filter(organisation=organisation)
    return {
        "districts": list(District.objects.filter(organisation=organisation).values()),
        "partners": list(partners.values()),
        "services": list(PartnerService.objects.filter(partner__in=partners).values()),
        "responders": list(Responder.objects.filter(partner__in=partners).values()),
        "shifts": list(RotaShift.objects.filter(partner__in=partners).values()),
        "members": list(PartnerMembership.objects.values()),
    }


def session(user) -> Client:
    return verified_client(Client(raise_request_exception=False), user)


def refused(client, url: str, method: str, payload: dict) -> int:
    response = client.get(url) if method == "GET" else client.post(url, payload)
    return response.status_code


def test_the_sweep_knows_every_network_page(northern):
    names = {name for name, _ in network_routes()}
    assert {"portal", "partners", "rota", "shift_remove", "responder_login"} <= names
    assert len(urls(northern)) == len(names)


def test_another_organisation_gets_404_for_every_page_with_every_identifier(
    northern, organisation, outsider, other_organisation
):
    southern_admin = make_user(other_organisation, "sol", Role.ADMIN)
    ServicePartner.objects.create(organisation=other_organisation, name="Southern partner")
    payload = {**PAYLOAD, "shift-responder": northern["responder_id"]}
    last = AuditEvent.objects.order_by("-pk").first()
    before, since = snapshot(organisation), last.pk if last else 0
    problems = []
    for user in (outsider, southern_admin):
        client = session(user)
        for name, url in urls(northern, with_identifiers=True):
            for method in ("GET", "POST"):
                status = refused(client, url, method, payload)
                if status not in (404, 405):
                    problems.append(f"{user} {method} {url} ({name}): {status}")
    assert not problems, "\n".join(problems)
    assert snapshot(organisation) == before
    later = AuditEvent.objects.filter(pk__gt=since, organisation=organisation)
    assert not later.exists()


def test_another_organisations_lists_show_nothing_of_ours(northern, outsider):
    client = session(outsider)
    for url in ("/network/partners/", "/network/districts/", "/network/directory/"):
        body = client.get(url).content.decode()
        assert (
            "Saathi Trust" not in body and "Pune" not in body and "Northern shelter" not in body
        ), url


def test_a_counsellor_reads_every_page_but_changes_nothing(
    northern, organisation, counsellor, supervisor
):
    client = session(counsellor)
    before = snapshot(organisation)
    for name, url in urls(northern):
        if name == "portal":
            continue
        get = client.get(url).status_code
        post = client.post(url, PAYLOAD).status_code
        if name in READ_ONLY:
            assert get == 200, (name, get)
            assert post == 405, (name, post)
        else:
            assert get in (403, 405), (name, get)
            assert post == 403, (name, post)
    assert snapshot(organisation) == before


def test_a_supervisor_opens_every_page_and_form(northern, supervisor):
    client = session(supervisor)
    for name, url in urls(northern):
        status = client.get(url).status_code
        expected = {"portal": 404}.get(
            name, 405 if "remove" in name or "deactivate" in name else 200
        )
        if name in ("shift_add", "shift_weekly"):
            expected = 405
        assert status == expected, (name, status)


def test_a_responder_gets_404_on_every_network_page_but_the_portal(
    northern, organisation, responder_user
):
    client = session(responder_user)
    before = snapshot(organisation)
    for name, url in urls(northern):
        for method in ("GET", "POST"):
            status = refused(client, url, method, PAYLOAD)
            if name == "portal":
                assert status == (200 if method == "GET" else 405), (method, url, status)
            else:
                assert status in (404, 405), (method, url, status)
    assert snapshot(organisation) == before


def test_staff_and_partner_services_get_404_on_the_portal(analyst, supervisor, partner):
    for user in (analyst, supervisor, partner):
        assert session(user).get("/network/portal/").status_code == 404, user


def test_a_responder_whose_partner_left_the_network_sees_nothing(ngo, responder_user):
    ngo.active = False
    ngo.save()
    response = session(responder_user).get("/network/portal/")
    assert response.status_code == 403
    assert "not linked to an active partner" in response.content.decode()


def test_a_responder_user_without_a_partner_sees_nothing(organisation):
    loose = make_user(organisation, "loose", Role.RESPONDER)
    assert session(loose).get("/network/portal/").status_code == 403


def test_signed_out_people_are_sent_to_sign_in(northern, client):
    for _name, url in urls(northern):
        response = client.get(url)
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url
