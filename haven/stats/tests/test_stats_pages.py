"""The statistics page and its CSV exports: who may see them, and what they say."""

import csv
import io
import re

import pytest
from django.urls import reverse

from conftest import verified_client
from haven.audit.models import AuditEvent

MARCH = {"from": "2024-03-01", "to": "2024-03-10"}


def csv_rows(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("name", ["stats:overview", "stats:export_periods", "stats:export_reports"])
def test_analysts_may_not_see_statistics(analyst_client, name):
    assert analyst_client.get(reverse(name), MARCH).status_code == 403


@pytest.mark.parametrize("name", ["stats:overview", "stats:export_periods", "stats:export_reports"])
def test_partner_services_may_not_see_statistics(client, partner, name):
    assert verified_client(client, partner).get(reverse(name), MARCH).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("stats:overview"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_overview_shows_the_known_numbers(supervisor_client, known_reports):
    response = supervisor_client.get(reverse("stats:overview"), MARCH)
    assert response.status_code == 200
    page = response.content.decode()
    assert "9 reports</strong> received from" in page
    assert "1 March 2024" in page and "10 March 2024" in page
    assert "5 met and 3 missed" in page
    assert "2.5 h" in page and "17.0 h" in page  # median and p90 to first action
    assert "10.0 h" in page and "18.0 h" in page  # median and p90 to close
    assert "not yet due and have no action yet are left out" in page
    summary = response.context["summary"]
    assert summary.total == 9 and summary.deadlines.not_yet_due == 1


def test_overview_defaults_to_the_last_30_days(supervisor_client, organisation):
    response = supervisor_client.get(reverse("stats:overview"))
    assert response.status_code == 200
    assert response.context["date_range"].days == 30
    assert 'aria-current="page">Last 30 days' in response.content.decode()


def test_overview_explains_unusable_dates_and_falls_back_to_30_days(supervisor_client):
    response = supervisor_client.get(
        reverse("stats:overview"), {"from": "2024-03-10", "to": "2024-03-01"}
    )
    assert response.status_code == 200
    assert "The start date must be on or before the end date." in response.content.decode()
    assert response.context["date_range"].days == 30


def test_chart_is_inline_svg_with_a_text_alternative_and_no_script(
    supervisor_client, known_reports
):
    page = supervisor_client.get(reverse("stats:overview"), MARCH).content.decode()
    assert "<script" not in page
    assert page.count('<svg class="chart"') == 2
    assert 'role="img" aria-labelledby="chart-received-title chart-received-desc"' in page
    assert '<title id="chart-received-title">Reports received per day</title>' in page
    assert '<title id="chart-deadlines-title">Share of deadlines met per day</title>' in page
    assert page.count("<rect ") == 10  # one bar a day
    assert ">Day</text>" in page and ">Reports</text>" in page  # axis titles
    assert '<caption id="periods-caption">Reports and deadlines per day</caption>' in page


def test_chart_coordinates_never_take_a_decimal_comma(supervisor_client, known_reports):
    page = supervisor_client.get(
        reverse("stats:overview"), MARCH, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    svg = page[page.index("<svg") : page.rindex("</svg>")]
    assert not re.search(r'(x|y|width|height|cx|cy)="-?\d+,\d', svg)
    for points in re.findall(r'points="([^"]*)"', svg):
        assert all(len(pair.split(",")) == 2 for pair in points.split())


def test_another_organisations_supervisor_sees_none_of_these_reports(
    outsider_client, known_reports
):
    response = outsider_client.get(reverse("stats:overview"), MARCH)
    summary = response.context["summary"]
    assert summary.total == 1  # only the Southern Helpline's own report
    assert {row.category for row in summary.by_category if row.count} == {"danger_now"}


def test_period_export_has_one_row_per_day_with_the_known_numbers(supervisor_client, known_reports):
    response = supervisor_client.get(reverse("stats:export_periods"), MARCH)
    assert response.status_code == 200
    assert 'filename="haven-stats-2024-03-01-to-2024-03-10.csv"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = csv_rows(response)
    assert [row["period_start"] for row in rows][:2] == ["2024-03-01", "2024-03-02"]
    assert [int(row["received"]) for row in rows] == [0, 0, 0, 2, 2, 2, 2, 1, 0, 0]
    fourth, fifth = rows[3], rows[4]
    assert fourth["sexual_imagery"] == "2" and fourth["danger_now"] == "0"
    assert (fourth["first_action_median_hours"], fourth["first_action_p90_hours"]) == (
        "1.50",
        "1.90",
    )
    assert (fifth["first_action_median_hours"], fifth["first_action_p90_hours"]) == (
        "16.50",
        "27.30",
    )
    assert (fifth["deadlines_met"], fifth["deadlines_missed"], fifth["deadlines_met_share"]) == (
        "1",
        "1",
        "0.5000",
    )
    assert rows[0]["first_action_median_hours"] == "" and rows[0]["deadlines_met_share"] == ""


def test_report_export_has_one_row_per_report_and_nothing_identifying(
    supervisor_client, known_reports
):
    response = supervisor_client.get(reverse("stats:export_reports"), MARCH)
    assert response.status_code == 200
    rows = csv_rows(response)
    assert list(rows[0]) == [
        "reference",
        "category",
        "source",
        "status",
        "urgency",
        "received_at",
        "due_at",
        "first_action_at",
        "closed_at",
        "deadline",
        "classification",
    ]
    assert len(rows) == 9
    first = rows[0]
    assert first["reference"] == known_reports["S1"].reference
    assert (first["category"], first["source"], first["status"]) == (
        "sexual_imagery",
        "public",
        "closed",
    )
    assert (first["received_at"], first["first_action_at"]) == (
        "2024-03-04T10:00:00+00:00",
        "2024-03-04T11:00:00+00:00",
    )
    assert (first["closed_at"], first["deadline"], first["urgency"]) == (
        "2024-03-04T20:00:00+00:00",
        "met",
        "standard",
    )
    by_reference = {row["reference"]: row for row in rows}
    assert by_reference[known_reports["B1"].reference]["deadline"] == "missed"
    assert by_reference[known_reports["B2"].reference]["deadline"] == "not yet due"
    assert by_reference[known_reports["O1"].reference]["source"] == "api"
    content = response.content.decode()
    assert "private words" not in content
    assert known_reports["southern"].reference not in content
    assert known_reports["late"].reference not in content


def test_exports_are_audited(supervisor_client, supervisor, known_reports):
    supervisor_client.get(reverse("stats:export_periods"), MARCH)
    supervisor_client.get(reverse("stats:export_reports"), MARCH)
    events = AuditEvent.objects.filter(action="stats.exported").order_by("pk")
    assert [(e.actor_id, e.organisation_id) for e in events] == [
        (supervisor.pk, supervisor.organisation_id)
    ] * 2
    assert [e.detail for e in events] == [
        {"export": "periods", "date_from": "2024-03-01", "date_to": "2024-03-10", "rows": 10},
        {"export": "reports", "date_from": "2024-03-01", "date_to": "2024-03-10", "rows": 9},
    ]


def test_an_export_with_unusable_dates_is_refused_and_not_audited(supervisor_client):
    response = supervisor_client.get(
        reverse("stats:export_reports"), {"from": "2024-03-10", "to": "2024-03-01"}
    )
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="stats.exported").exists()


def test_report_export_carries_each_reports_labels_as_codes(
    supervisor_client, known_reports, supervisor
):
    from haven.classification.services import classify

    report = known_reports["B2"]  # open: closed reports are not classified
    classify(report, labels={"interpol": "baseline", "age": "7-10"}, by=supervisor)

    rows = csv_rows(supervisor_client.get(reverse("stats:export_reports"), MARCH))

    labels = {row["reference"]: row["classification"] for row in rows}
    assert labels[report.reference] == "interpol:baseline;age:7-10"
    assert labels[known_reports["B1"].reference] == ""
