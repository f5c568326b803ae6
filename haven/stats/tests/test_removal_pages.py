"""The removal statistics page, its exports and its API: who may see them, what they say."""

import csv
import io
import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import token_client, verified_client
from haven.audit.models import AuditEvent
from haven.classification.models import Classification, Label, Scheme
from haven.reports.models import ReportUrl
from haven.stats.removal_exports import TAKEDOWN_COLUMNS, figure_columns
from haven.stats.tests.conftest import REMOVAL_NOW
from haven.takedown.models import Takedown

MARCH = {"from": "2024-03-01", "to": "2024-03-31"}
PAGES = [
    "stats:removal",
    "stats:removal_takedowns",
    "stats:removal_figures",
    "stats:removal_figures_json",
]
API = "/api/v1/stats/removal/"


@pytest.fixture
def at_removal_now(clock):
    clock.now = REMOVAL_NOW
    return clock


def csv_rows(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("name", PAGES)
def test_analysts_may_not_see_removal_statistics(analyst_client, name):
    assert analyst_client.get(reverse(name), MARCH).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_partner_services_may_not_see_removal_statistics(client, partner, name):
    assert verified_client(client, partner).get(reverse(name), MARCH).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("stats:removal"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_statistics_page_links_to_the_removal_statistics(supervisor_client):
    page = supervisor_client.get(reverse("stats:overview")).content.decode()
    assert f'href="{reverse("stats:removal")}"' in page


def test_the_page_shows_the_headline_figures(supervisor_client, known_takedowns, at_removal_now):
    response = supervisor_client.get(reverse("stats:removal"), MARCH)
    assert response.status_code == 200
    page = response.content.decode()
    assert "15 takedowns</strong> of reports received from" in page
    assert "2.7 days" in page  # median notice to removal, 65 hours
    assert "at least 45.4 days" in page  # its 90th percentile rests on content still online
    assert "33% (4 of 12)" in page and "50% (6 of 12)" in page and "67% (8 of 12)" in page
    assert "<strong>3 still online</strong>" in page
    assert "12 notified by us and 1 forwarded to the hosting country's hotline; 1 stopped." in page
    assert "3 escalated after unanswered reminders." in page


def test_the_page_draws_the_distribution_with_a_table_alternative_and_no_script(
    supervisor_client, known_takedowns, at_removal_now
):
    page = supervisor_client.get(reverse("stats:removal"), MARCH).content.decode()
    assert "<script" not in page
    assert page.count('<svg class="chart"') == 1
    assert 'aria-labelledby="chart-removal-title chart-removal-desc"' in page
    assert page.count("<rect ") == 10
    assert "<title>Still online: 2 takedowns</title>" in page
    assert "2 after more than 42 days" not in page  # one took over 42 days
    assert "1 after more than 42 days, and 2 still online." in page
    caption = "Notified takedowns by time from first notice to removal"
    assert f'<caption id="distribution-caption">{caption}</caption>' in page
    assert f"The same numbers are in the table “{caption}”." in page


def test_the_page_has_country_host_and_slowest_host_tables(
    supervisor_client, known_takedowns, at_removal_now
):
    response = supervisor_client.get(reverse("stats:removal"), MARCH)
    page = response.content.decode()
    assert "Germany (DE)" in page and "United States (US)" in page
    slowest = page[page.index("Slowest hosts</caption>") : page.index("Content still online")]
    assert slowest.index("Beta Servers") < slowest.index("Alpha Hosting")
    assert "Gamma Net" not in slowest
    assert "at least 41.3 days" in page  # Gamma Net's content, online since its notice


def test_the_page_reads_the_takedowns_in_one_query(
    supervisor_client, known_takedowns, at_removal_now, django_assert_max_num_queries
):
    supervisor_client.get(reverse("stats:removal"), MARCH)  # warm the session
    with django_assert_max_num_queries(6):
        supervisor_client.get(reverse("stats:removal"), MARCH)


def test_without_dates_the_page_shows_the_last_365_days(supervisor_client):
    response = supervisor_client.get(reverse("stats:removal"))
    assert response.status_code == 200
    assert response.context["date_range"].days == 365
    assert 'aria-current="page">Last 365 days' in response.content.decode()
    assert "No takedown in this range." in response.content.decode()


def test_unusable_dates_are_explained_and_the_default_year_shown(supervisor_client):
    response = supervisor_client.get(
        reverse("stats:removal"), {"from": "2024-03-10", "to": "2024-03-01"}
    )
    page = response.content.decode()
    assert "The start date must be on or before the end date." in page
    assert "Showing the last 365 days instead." in page


def test_another_organisations_supervisor_sees_none_of_these_takedowns(
    outsider_client, known_takedowns, at_removal_now
):
    response = outsider_client.get(reverse("stats:removal"), MARCH)
    assert response.context["overall"].takedowns == 1
    rows = csv_rows(outsider_client.get(reverse("stats:removal_takedowns"), MARCH))
    southern = known_takedowns["southern"]
    assert [(row["takedown_reference"], row["report_reference"]) for row in rows] == [
        (southern.reference, southern.report.reference)
    ]


def test_the_takedown_export_has_one_row_per_takedown_and_no_addresses(
    supervisor_client, known_takedowns, at_removal_now
):
    scheme = Scheme.objects.create(key="demo-scheme", name="Demo scheme")
    label = Label.objects.create(scheme=scheme, key="a", name="Category A")
    a1 = known_takedowns["A1"]
    Classification.objects.create(
        organisation=a1.organisation, report=a1.report, scheme=scheme, label=label
    )
    response = supervisor_client.get(reverse("stats:removal_takedowns"), MARCH)
    assert response.status_code == 200
    assert (
        'filename="haven-takedowns-2024-03-01-to-2024-03-31.csv"'
        in (response["Content-Disposition"])
    )
    assert "no-store" in response["Cache-Control"]
    rows = csv_rows(response)
    assert list(rows[0]) == TAKEDOWN_COLUMNS
    assert len(rows) == 15
    by_reference = {row["report_reference"]: row for row in rows}
    first = by_reference[a1.report.reference]
    assert first["takedown_reference"] == a1.reference
    assert first["classification"] == "Demo scheme: Category A"
    assert (first["host"], first["country"], first["country_name"]) == (
        "Alpha Hosting",
        "NL",
        "Netherlands",
    )
    assert (first["received_at"], first["first_notice_at"], first["removed_at"]) == (
        "2024-03-01T00:00:00+00:00",
        "2024-03-01T01:00:00+00:00",
        "2024-03-01T03:00:00+00:00",
    )
    assert (
        first["hours_report_to_notice"],
        first["hours_notice_to_removal"],
        first["hours_report_to_removal"],
        first["still_online"],
    ) == ("1.00", "2.00", "3.00", "no")
    b5 = by_reference[known_takedowns["B5"].report.reference]
    assert (b5["still_online"], b5["hours_online_so_far"], b5["removed_at"]) == (
        "yes",
        "1236.00",
        "",
    )
    assert (b5["reminders"], b5["escalated"]) == ("3", "yes")
    g2 = by_reference[known_takedowns["G2"].report.reference]
    assert (g2["forwarded"], g2["first_notice_at"], g2["hours_report_to_removal"]) == (
        "yes",
        "",
        "96.00",
    )
    assert by_reference[known_takedowns["A2"].report.reference]["reappeared"] == "2"
    assert "example.net" not in response.content.decode()


def test_each_takedown_row_has_its_own_reference_and_its_own_addresss_labels(
    supervisor_client, analyst, known_takedowns, at_removal_now
):
    scheme = Scheme.objects.create(key="demo-scheme", name="Demo scheme")
    other_scheme = Scheme.objects.create(key="other-scheme", name="Other scheme")
    a, b = (Label.objects.create(scheme=scheme, key=k, name=f"Category {k}") for k in "ab")
    x = Label.objects.create(scheme=other_scheme, key="x", name="X")
    a1 = known_takedowns["A1"]
    sibling = ReportUrl.objects.create(report=a1.report, url="https://two.example.net/z")
    second = Takedown.objects.create(
        organisation=a1.organisation, report=a1.report, report_url=sibling, opened_by=analyst
    )
    common = {"organisation": a1.organisation, "report": a1.report}
    Classification.objects.create(scheme=scheme, label=a, **common)
    Classification.objects.create(scheme=other_scheme, label=x, **common)
    Classification.objects.create(scheme=scheme, label=b, report_url=sibling, **common)
    Classification.objects.create(scheme=other_scheme, label=x, report_url=sibling, **common)
    rows = csv_rows(supervisor_client.get(reverse("stats:removal_takedowns"), MARCH))
    mine = {
        row["takedown_reference"]: row
        for row in rows
        if row["report_reference"] == a1.report.reference
    }
    assert set(mine) == {a1.reference, second.reference}
    # The address without labels of its own has its report's; the other its own.
    assert mine[a1.reference]["classification"] == "Demo scheme: Category a; Other scheme: X"
    assert mine[second.reference]["classification"] == "Demo scheme: Category b; Other scheme: X"
    # A report labelled only through its addresses: the rest get its whole summary.
    Classification.objects.filter(report_url=None).delete()
    rows = csv_rows(supervisor_client.get(reverse("stats:removal_takedowns"), MARCH))
    labels = {row["takedown_reference"]: row["classification"] for row in rows}
    assert labels[a1.reference] == "Demo scheme: Category b; Other scheme: X"


def test_text_a_spreadsheet_would_run_as_a_formula_is_made_inert(
    supervisor_client, known_takedowns, at_removal_now
):
    known_takedowns["U1"].host_name = "=HYPERLINK(1)"
    known_takedowns["U1"].save()
    rows = csv_rows(supervisor_client.get(reverse("stats:removal_takedowns"), MARCH))
    assert "'=HYPERLINK(1)" in {row["host"] for row in rows}


def test_the_figures_export_has_a_row_for_all_each_country_and_each_host_unsuppressed(
    supervisor_client, known_takedowns, at_removal_now
):
    response = supervisor_client.get(reverse("stats:removal_figures"), MARCH)
    rows = csv_rows(response)
    assert list(rows[0]) == figure_columns()
    assert [(row["group"], row["key"]) for row in rows] == [
        ("all", "all"),
        ("country", "DE"),
        ("country", "NL"),
        ("country", "US"),
        ("country", ""),
        ("host", "Alpha Hosting"),
        ("host", "Beta Servers"),
        ("host", "Gamma Net"),
        ("host", ""),
    ]
    overall = rows[0]
    assert (overall["takedowns"], overall["notified"], overall["still_online"]) == ("15", "12", "3")
    assert (
        overall["notice_to_removal_median_hours"],
        overall["notice_to_removal_p90_hours"],
        overall["notice_to_removal_p90_at_least"],
    ) == ("65.00", "1089.20", "yes")
    assert (overall["removed_within_7d"], overall["judged_7d"], overall["share_within_7d"]) == (
        "8",
        "12",
        "0.6667",
    )
    assert overall["bucket_still_online"] == "2" and overall["bucket_over_42d"] == "1"
    # A host with a single takedown keeps its figures: nothing here describes a person.
    unknown = rows[-1]
    assert (unknown["takedowns"], unknown["notice_to_removal_median_hours"]) == ("1", "5.00")


def test_the_json_export_is_what_the_api_gives(
    supervisor_client, supervisor, known_takedowns, at_removal_now
):
    download = supervisor_client.get(reverse("stats:removal_figures_json"), MARCH)
    assert download["Content-Type"] == "application/json"
    assert (
        'filename="haven-removal-2024-03-01-to-2024-03-31.json"'
        in (download["Content-Disposition"])
    )
    assert json.loads(download.content) == token_client(supervisor).get(API, MARCH).json()


def test_every_removal_export_is_audited(supervisor_client, supervisor, known_takedowns):
    for name in PAGES[1:]:
        supervisor_client.get(reverse(name), MARCH)
    events = AuditEvent.objects.filter(action="stats.exported").order_by("pk")
    assert [(e.actor_id, e.organisation_id) for e in events] == [
        (supervisor.pk, supervisor.organisation_id)
    ] * 3
    assert [(e.detail["export"], e.detail["rows"]) for e in events] == [
        ("removal_takedowns", 15),
        ("removal_figures", 9),
        ("removal_figures_json", 9),
    ]
    assert events[0].detail["date_from"] == "2024-03-01"


def test_an_export_with_unusable_dates_is_refused_and_not_audited(supervisor_client):
    response = supervisor_client.get(
        reverse("stats:removal_takedowns"), {"from": "2024-03-10", "to": "2024-03-01"}
    )
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="stats.exported").exists()


def test_the_api_url_is_named_in_the_api_namespace():
    assert reverse("api:stats-removal") == API


def test_a_supervisor_token_reads_the_removal_figures(supervisor, known_takedowns, at_removal_now):
    response = token_client(supervisor).get(API, MARCH)
    assert response.status_code == 200
    body = response.json()
    assert (body["date_from"], body["date_to"]) == ("2024-03-01", "2024-03-31")
    overall = body["overall"]
    assert overall["takedowns"] == 15
    assert overall["notice_to_removal"] == {
        "measured": 10,
        "still_running": 2,
        "median_hours": 65.0,
        "median_at_least": False,
        "p90_hours": 1089.2,
        "p90_at_least": True,
    }
    assert [(s["window"], s["within"], s["judged"]) for s in overall["shares"]] == [
        ("24 hours", 4, 12),
        ("3 days", 6, 12),
        ("7 days", 8, 12),
    ]
    assert [b["count"] for b in overall["distribution"]] == [0, 2, 2, 2, 2, 1, 0, 0, 1, 2]
    assert [c["key"] for c in body["by_country"]] == ["DE", "NL", "US", ""]
    assert body["slowest_hosts"] == ["Beta Servers", "Alpha Hosting"]
    assert body["longest_online_hosts"] == ["Beta Servers", "Gamma Net"]


@pytest.mark.parametrize("persona", ["analyst", "partner"])
def test_analyst_and_partner_tokens_are_refused(request, persona, known_takedowns):
    response = token_client(request.getfixturevalue(persona)).get(API, MARCH)
    assert response.status_code == 403
    assert "overall" not in response.json()


def test_no_credentials_are_refused():
    assert APIClient().get(API, MARCH).status_code == 401


def test_another_organisations_token_never_counts_these_takedowns(outsider, known_takedowns):
    body = token_client(outsider).get(API, MARCH).json()
    assert body["overall"]["takedowns"] == 1


def test_the_api_refuses_unusable_dates_in_the_api_error_shape(supervisor):
    response = token_client(supervisor).get(API, {"from": "2024-03-10", "to": "2024-03-01"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_without_dates_the_api_covers_the_last_365_days(supervisor):
    body = token_client(supervisor).get(API).json()
    assert body["overall"]["takedowns"] == 0
    assert body["min_for_ranking"] == 5
