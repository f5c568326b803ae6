"""The takedown API: list, one in full, and starting one; your organisation only."""

import pytest
from django.urls import reverse

from haven.reports.models import ReportUrl
from haven.takedown import services
from haven.takedown.models import State, Takedown
from haven.takedown.scheduler import run_due
from haven.triage.tests.support import make_report

LIST = "/api/v1/takedowns/"


def start_url(report_url) -> str:
    return f"/api/v1/reports/{report_url.report.reference}/urls/{report_url.pk}/takedown/"


@pytest.fixture
def takedown(report_url, analyst, clock):
    takedown = services.open_takedown(report_url, analyst)
    run_due()
    takedown.refresh_from_db()
    return takedown


def test_the_list_shows_open_takedowns_by_default_and_filters_by_state(takedown, analyst_api):
    response = analyst_api.get(LIST)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["reference"] == takedown.reference and row["state"] == "notified"
    assert row["report"] == takedown.report.reference and row["url"] == takedown.report_url.url
    assert row["next_step"] == "Reminder 1 due in 24h" and row["overdue"] is False
    assert analyst_api.get(LIST, {"state": "removed"}).json()["results"] == []
    assert analyst_api.get(LIST, {"state": "nonsense"}).status_code == 400


def test_one_takedown_in_full_with_its_notices(takedown, analyst_api):
    response = analyst_api.get(f"{LIST}{takedown.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == takedown.pk and data["first_notice_at"]
    [notice] = data["notices"]
    assert notice["kind"] == "first" and notice["recipient"] == "abuse@host.example"
    assert notice["delivered"] is True and data["answers"] == []


def test_starting_a_takedown_through_the_api(report_url, analyst_api, clock):
    response = analyst_api.post(start_url(report_url))
    assert response.status_code == 201
    data = response.json()
    assert data["state"] == State.WAITING and data["url_id"] == report_url.pk
    assert Takedown.objects.get().opened_by.username == "ana"


def test_a_second_start_is_a_conflict_and_an_unactionable_one_a_bad_request(
    report_url, analyst_api, world
):
    world.actionable = False
    response = analyst_api.post(start_url(report_url))
    assert response.status_code == 400 and "actionable" in str(response.json())
    world.actionable = True
    assert analyst_api.post(start_url(report_url)).status_code == 201
    assert analyst_api.post(start_url(report_url)).status_code == 409


def test_partner_services_are_refused(takedown, partner_api):
    assert partner_api.get(LIST).status_code == 403
    assert partner_api.get(f"{LIST}{takedown.pk}/").status_code == 403


def test_another_organisation_gets_404_and_an_empty_list(
    takedown, report_url, outsider_api, organisation
):
    assert outsider_api.get(f"{LIST}{takedown.pk}/").status_code == 404
    assert outsider_api.post(start_url(report_url)).status_code == 404
    assert outsider_api.get(LIST).json()["results"] == []
    # Their own address id inside our report's reference: still nothing.
    other = ReportUrl.objects.create(report=make_report(organisation), url="https://x.example/")
    assert outsider_api.post(start_url(other)).status_code == 404
    assert Takedown.objects.count() == 1


def test_an_address_of_another_report_is_not_found(report_url, organisation, analyst_api):
    other_report = make_report(organisation)
    path = f"/api/v1/reports/{other_report.reference}/urls/{report_url.pk}/takedown/"
    assert analyst_api.post(path).status_code == 404


def test_the_schema_describes_the_takedown_endpoints(client, db):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    assert "/api/v1/takedowns/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/reports/{reference}/urls/{url_id}/takedown/"]
    assert "TakedownStateEnum" in schema["components"]["schemas"]
