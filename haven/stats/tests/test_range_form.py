"""The date range every statistics page asks for: dates far outside any real range are
refused with a clear error (they once made the pages fail with a server error)."""

from datetime import date

import pytest
from django.urls import reverse

from conftest import token_client
from haven.stats.forms import RangeForm

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    "asked",
    [
        {"from": "9999-12-30"},
        {"to": "9999-12-31"},
        {"from": "0001-01-01", "to": "0001-01-02"},
        {"from": "1999-12-31", "to": "2000-01-05"},
    ],
)
def test_dates_outside_2000_to_2100_are_refused_and_the_default_range_used(asked):
    form = RangeForm(asked, today=TODAY)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Choose dates between 2000 and 2100."]
    assert form.date_range.end == TODAY and form.date_range.days == 30


def test_the_first_and_last_years_are_accepted():
    assert RangeForm({"from": "2000-01-01", "to": "2000-01-31"}, today=TODAY).is_valid()
    assert RangeForm({"from": "2100-12-01", "to": "2100-12-31"}, today=TODAY).is_valid()


@pytest.mark.parametrize("name", ["stats:helpline", "stats:overview"])
def test_the_statistics_pages_explain_a_date_out_of_range_instead_of_failing(
    supervisor_client, name
):
    response = supervisor_client.get(reverse(name), {"from": "9999-12-30"})
    assert response.status_code == 200
    assert "Choose dates between 2000 and 2100." in response.content.decode()


def test_a_helpline_export_of_a_date_out_of_range_is_refused(supervisor_client):
    url = reverse("stats:helpline_export", kwargs={"fmt": "csv"})
    assert supervisor_client.get(url, {"from": "9999-12-30"}).status_code == 400


def test_the_api_refuses_a_date_out_of_range_in_its_error_shape(supervisor):
    response = token_client(supervisor).get("/api/v1/stats/", {"to": "9999-12-31"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "non_field_errors": ["Choose dates between 2000 and 2100."]
    }
