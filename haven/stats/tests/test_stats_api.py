"""`GET /api/v1/stats/`: the same summary as JSON, for supervisors and administrators only."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import make_user, token_client, verified_client
from haven.accounts.models import Role

URL = "/api/v1/stats/"
MARCH = {"from": "2024-03-01", "to": "2024-03-10"}


def test_the_url_is_named_in_the_api_namespace():
    assert reverse("api:stats") == URL


def test_a_supervisor_token_reads_the_known_summary(supervisor, known_reports):
    response = token_client(supervisor).get(URL, MARCH)
    assert response.status_code == 200
    body = response.json()
    assert (body["date_from"], body["date_to"], body["granularity"]) == (
        "2024-03-01",
        "2024-03-10",
        "day",
    )
    assert body["total"] == 9
    assert body["first_action"] == {"count": 6, "median_hours": 2.5, "p90_hours": 17.0}
    assert body["to_close"] == {"count": 3, "median_hours": 10.0, "p90_hours": 18.0}
    assert body["deadlines"] == {"met": 5, "missed": 3, "not_yet_due": 1, "share": 0.625}
    categories = {row["category"]: row for row in body["by_category"]}
    assert categories["sexual_imagery"]["count"] == 4
    assert categories["sexual_imagery"]["first_action"]["p90_hours"] == 21.9
    assert categories["danger_now"]["name"] == "A child in danger now"
    assert {row["status"]: row["count"] for row in body["by_status"]} == {
        "received": 2,
        "in_review": 0,
        "actioned": 4,
        "closed": 3,
        "joined": 0,
    }
    assert [p["received"] for p in body["periods"]] == [0, 0, 0, 2, 2, 2, 2, 1, 0, 0]
    fifth = body["periods"][4]
    assert fifth["start"] == fifth["end"] == "2024-03-05"
    assert fifth["by_category"]["sexual_imagery"] == 2
    assert fifth["first_action"] == {"count": 2, "median_hours": 16.5, "p90_hours": 27.3}
    assert fifth["deadlines"]["share"] == 0.5


def test_an_administrator_token_may_read_statistics(organisation, known_reports):
    admin = make_user(organisation, "ada", Role.ADMIN)
    assert token_client(admin).get(URL, MARCH).json()["total"] == 9


def test_a_supervisor_session_with_both_factors_may_read_statistics(
    supervisor_client, known_reports
):
    response = supervisor_client.get(URL, MARCH)
    assert response.status_code == 200
    assert response.json()["total"] == 9


def test_a_session_without_the_second_factor_is_refused(client, supervisor, known_reports):
    client.force_login(supervisor)
    assert client.get(URL, MARCH).status_code == 403


@pytest.mark.parametrize("persona", ["analyst", "partner"])
def test_analyst_and_partner_tokens_are_refused(request, persona, known_reports):
    user = request.getfixturevalue(persona)
    response = token_client(user).get(URL, MARCH)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "total" not in response.json()


def test_an_analyst_session_is_refused(client, analyst):
    assert verified_client(client, analyst).get(URL, MARCH).status_code == 403


def test_no_credentials_are_refused():
    assert APIClient().get(URL, MARCH).status_code == 401


def test_another_organisations_supervisor_never_counts_these_reports(outsider, known_reports):
    body = token_client(outsider).get(URL, MARCH).json()
    assert body["total"] == 1
    assert body["first_action"]["median_hours"] == 100.0


def test_without_dates_the_last_30_days_are_summarised(supervisor):
    body = token_client(supervisor).get(URL).json()
    assert body["total"] == 0
    assert len(body["periods"]) == 30


def test_unusable_dates_are_a_400_in_the_api_error_shape(supervisor):
    response = token_client(supervisor).get(URL, {"from": "2024-03-10", "to": "2024-03-01"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {
        "non_field_errors": ["The start date must be on or before the end date."]
    }
    response = token_client(supervisor).get(URL, {"from": "March"})
    assert response.status_code == 400
    assert "from" in response.json()["error"]["fields"]
