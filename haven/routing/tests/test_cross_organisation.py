"""Nobody outside the Northern Hotline reaches its partners, referrals or evidence."""

import pytest

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.routing import services
from haven.routing.models import Partner, Referral


@pytest.fixture
def referral(hosted, german_hotline, analyst, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.forward(hosted.report, german_hotline, analyst)


@pytest.fixture(autouse=True)
def only_this_panel(monkeypatch):
    from haven.routing.panel import KEY, panel
    from haven.triage import panels

    monkeypatch.setattr(panels, "_PANELS", {KEY: panel()})


def _urls(hosted, partner, referral) -> list[tuple[str, str]]:
    """Every routing URL with an identifier, and the method it answers to."""
    reference = hosted.report.reference
    return [
        ("GET", f"/routing/partners/{partner.pk}/edit/"),
        ("POST", f"/routing/partners/{partner.pk}/edit/"),
        ("POST", f"/routing/partners/{partner.pk}/deactivate/"),
        ("POST", f"/routing/reports/{reference}/forward/"),
        ("POST", f"/routing/reports/{reference}/police/"),
        ("GET", f"/routing/reports/{reference}/evidence.json"),
        ("POST", f"/routing/referrals/{referral.pk}/retry/"),
        ("POST", f"/routing/referrals/{referral.pk}/acknowledged/"),
    ]


def _call(client, method: str, url: str, payload=None):
    return client.get(url) if method == "GET" else client.post(url, payload or {})


def _snapshot():
    return (
        list(Partner.objects.order_by("pk").values()),
        list(Referral.objects.order_by("pk").values()),
    )


def test_another_organisations_staff_get_404_for_every_page_and_action(
    client, hosted, german_hotline, police_unit, referral, outsider, other_organisation
):
    outsider_client = verified_client(client, outsider)
    Partner.objects.create(
        organisation=other_organisation, kind="hotline", name="Theirs", country="DE", email="x@y"
    )
    before, since = _snapshot(), AuditEvent.objects.order_by("-pk").first().pk
    payload = {
        "forward-partner": german_hotline.pk,
        "police-partner": police_unit.pk,
        f"ack-{referral.pk}-note": "sweep",
        "kind": "hotline",
        "name": "sweep",
        "email": "sweep@example.org",
    }
    for method, url in _urls(hosted, german_hotline, referral):
        assert _call(outsider_client, method, url, payload).status_code == 404, (method, url)
    assert _snapshot() == before
    leaks = AuditEvent.objects.filter(pk__gt=since, organisation=hosted.report.organisation)
    assert not leaks.exists()


def test_another_organisations_directory_lists_none_of_ours(client, german_hotline, outsider):
    body = verified_client(client, outsider).get("/routing/partners/").content.decode()
    assert "eco Beschwerdestelle" not in body


def test_another_organisations_report_page_does_not_offer_our_partners(
    client, german_hotline, police_unit, outsider, other_organisation
):
    from haven.audit.services import Actor
    from haven.reports.intake import ReportInput, submit_report

    theirs = submit_report(
        other_organisation,
        "public",
        ReportInput("bullying", urls=["https://x.example/"]),
        Actor.public(),
    ).report
    outsider_client = verified_client(client, outsider)
    body = outsider_client.get(f"/triage/{theirs.reference}/").content.decode()
    assert "eco Beschwerdestelle" not in body and "CEOP" not in body
    # Nor can they forward their own report to our partner by sending its id.
    response = outsider_client.post(
        f"/routing/reports/{theirs.reference}/forward/", {"forward-partner": german_hotline.pk}
    )
    assert response.status_code == 400 and not german_hotline.referrals.exists()


def test_partner_services_of_the_same_organisation_reach_nothing(
    client, hosted, german_hotline, referral, partner
):
    partner_client = verified_client(client, partner)
    for method, url in _urls(hosted, german_hotline, referral):
        assert _call(partner_client, method, url).status_code in (403, 404), (method, url)


def test_analysts_of_the_organisation_act_but_other_supervisors_do_not(
    client, hosted, german_hotline, referral, other_organisation
):
    other_supervisor = make_user(other_organisation, "sue", Role.SUPERVISOR)
    other_client = verified_client(client, other_supervisor)
    assert (
        other_client.post(f"/routing/partners/{german_hotline.pk}/deactivate/").status_code == 404
    )
    german_hotline.refresh_from_db()
    assert german_hotline.active
