"""The public report form's "A child is in danger right now": it opens an emergency as
well as the report, the reporter stays anonymous, and the report is never lost."""

import pytest
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.emergencies import services
from haven.emergencies.models import Emergency, EmergencyStatus
from haven.emergencies.tests.conftest import sms_to
from haven.helpline.identity import unseal
from haven.reports.models import Report

REPORT_URL = reverse("reports:report")


def _send(client, **fields):
    data = {"category": "danger_now", "description": "A boy is locked in the shed"} | fields
    return client.post(REPORT_URL, data)


def test_the_form_offers_the_organisations_districts(client, network):
    html = client.get(REPORT_URL).content.decode()
    assert 'name="in_danger"' in html and "A child is in danger right now" in html
    assert f'<option value="{network.north.pk}">North</option>' in html
    assert 'name="danger_location"' in html


def test_without_districts_the_district_is_typed(client, organisation):
    html = client.get(REPORT_URL).content.decode()
    assert '<input type="text" name="danger_district"' in html


def test_a_child_in_danger_opens_an_emergency_with_the_report(
    client, organisation, network, sms_channel, run_jobs
):
    with run_jobs():
        response = _send(
            client,
            in_danger="on",
            danger_district=network.north.pk,
            danger_location="The shed behind the temple",
            contact="worried@example.org",
        )
    assert response.status_code == 302
    report = Report.objects.get()
    emergency = Emergency.objects.get()
    assert emergency.report == report and emergency.district == network.north
    assert emergency.status == EmergencyStatus.ALERTING
    assert unseal(emergency.location_sealed) == "The shed behind the temple"
    assert unseal(emergency.situation_sealed) == "A boy is locked in the shed"
    assert sms_to(network.asha.phone)
    opened = AuditEvent.objects.get(action="emergency.opened")
    assert opened.actor is None and opened.ip_address is None
    assert emergency.opened_by is None
    assert "worried" not in emergency.situation_sealed and "worried" not in str(opened.detail)
    page = client.get(reverse("reports:sent")).content.decode()
    assert "passed where the child is to our helpline" in page


def test_a_typed_district_goes_with_the_location(client, organisation, sms_channel, run_jobs):
    with run_jobs():
        _send(client, in_danger="on", danger_district="Riverside", danger_location="Bus stop")
    emergency = Emergency.objects.get()
    assert emergency.status == EmergencyStatus.UNASSIGNED
    assert "Riverside" in unseal(emergency.location_sealed)


def test_the_report_is_saved_even_when_the_emergency_cannot_be_opened(
    client, organisation, network, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("database trouble")

    monkeypatch.setattr(services, "open_emergency", broken)
    response = _send(client, in_danger="on", danger_location="The shed")
    assert response.status_code == 302
    assert Report.objects.count() == 1 and not Emergency.objects.exists()
    assert "the emergency could not be opened" in caplog.text
    page = client.get(reverse("reports:sent")).content.decode()
    assert "Call 112 now" in page or "call 112" in page.lower()


def test_in_danger_without_where_asks_where(client, organisation, network):
    response = _send(client, in_danger="on")
    assert response.status_code == 200
    assert "Tell us where the child is" in response.content.decode()
    assert not Report.objects.exists()


def test_where_without_the_box_ticked_opens_no_emergency_for_another_category(
    client, organisation, network
):
    _send(client, category="solicitation", danger_location="The shed")
    assert Report.objects.count() == 1 and not Emergency.objects.exists()


def test_a_child_in_danger_now_with_a_place_opens_an_emergency_without_the_tick(
    client, organisation, network, sms_channel, run_jobs
):
    with run_jobs():
        response = _send(client, danger_district=network.north.pk, danger_location="The shed")
    assert response.status_code == 302
    emergency = Emergency.objects.get()
    assert emergency.report == Report.objects.get() and emergency.district == network.north
    page = client.get(reverse("reports:sent")).content.decode()
    assert "passed where the child is to our helpline" in page
    assert "cannot send" not in page


def test_a_child_in_danger_now_without_a_place_is_told_why_no_one_is_sent(
    client, organisation, network
):
    assert _send(client).status_code == 302
    assert Report.objects.count() == 1 and not Emergency.objects.exists()
    page = client.get(reverse("reports:sent")).content.decode()
    assert "You did not tell us where the child is" in page
    assert "we cannot send help to a child" not in page


def test_the_where_fields_are_in_the_page_for_browsers_without_javascript(client, network):
    html = client.get(REPORT_URL).content.decode()
    where = html[html.index('id="danger-now-where"') :]
    assert 'name="danger_location"' in where
    assert 'id="danger-now-where" class="danger-now-where-fields" hidden' not in html


@pytest.mark.parametrize("district", ["999999", "not-a-number"])
def test_a_district_not_offered_is_refused(client, organisation, network, district):
    response = _send(client, in_danger="on", danger_district=district, danger_location="x")
    assert response.status_code == 200 and not Report.objects.exists()
