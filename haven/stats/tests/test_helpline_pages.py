"""The helpline statistics page and its exports: who may see them, that small numbers
never show in any of them, and that every export is audited."""

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.stats.helpline_exports import CSV_COLUMNS
from haven.stats.tests.test_helpline_statistics import at, make_contact, make_known_helpline

MARCH = {"from": "2024-03-01", "to": "2024-03-31"}
PAGE = reverse("stats:helpline")
CSV_EXPORT = reverse("stats:helpline_export", kwargs={"fmt": "csv"})
JSON_EXPORT = reverse("stats:helpline_export", kwargs={"fmt": "json"})
EVERY = [PAGE, CSV_EXPORT, JSON_EXPORT]


@pytest.fixture
def known_helpline(organisation, other_organisation):
    return make_known_helpline(organisation, other_organisation)


def csv_rows(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    # UTF-8 with a byte-order mark, so that Excel shows "—" as it is.
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def csv_value(rows, table: str, row: str, column: str) -> str:
    return next(
        r["value"] for r in rows if (r["table"], r["row"], r["column"]) == (table, row, column)
    )


def json_table(document: dict, key: str) -> dict:
    return next(t for t in document["tables"] if t["key"] == key)


def json_row(document: dict, table: str, row: str) -> dict:
    found = json_table(document, table)
    return next(r for r in [*found["rows"], found["total"]] if r and r["key"] == row)


def test_the_urls_are_the_ones_the_helpline_menu_links_to():
    assert PAGE == "/stats/helpline/"
    assert CSV_EXPORT == "/stats/helpline/export.csv"
    assert JSON_EXPORT == "/stats/helpline/export.json"


@pytest.mark.parametrize("url", EVERY)
def test_counsellors_may_not_see_helpline_statistics(counsellor_client, url):
    assert counsellor_client.get(url, MARCH).status_code == 403


@pytest.mark.parametrize("url", EVERY)
def test_analysts_and_partner_organisation_staff_may_not_see_them(client, organisation, url):
    for role in (Role.ANALYST, Role.RESPONDER):
        user = make_user(organisation, f"someone-{role}", role)
        assert verified_client(client, user).get(url, MARCH).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_export_format_is_not_found(supervisor_client):
    assert supervisor_client.get("/stats/helpline/export.xml", MARCH).status_code == 404


def test_administrators_see_the_page_with_the_helpline_menu_and_no_script(client, organisation):
    admin = make_user(organisation, "ada", Role.ADMIN)
    response = verified_client(client, admin).get(PAGE, MARCH)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="sub-nav"' in page and f'href="{PAGE}"' in page
    assert 'name="from"' in page and 'value="2024-03-01"' in page
    assert "<script" not in page
    assert page.count('<svg class="chart"') == 2
    assert f'href="{CSV_EXPORT}?from=2024-03-01&amp;to=2024-03-31"' in page
    assert f'href="{JSON_EXPORT}?from=2024-03-01&amp;to=2024-03-31"' in page


def test_the_page_shows_the_figures_with_small_counts_as_under_5(supervisor_client, known_helpline):
    page = supervisor_client.get(PAGE, MARCH).content.decode()
    assert "<strong>12 contacts</strong>" in page
    # Phone 5, SMS 2: the SMS row shows "<5", never 2.
    assert '<th scope="row">Phone call</th>\n        <td>5</td>' in page
    assert '<th scope="row">SMS</th>\n        <td>&lt;5</td>' in page
    assert "52.5" in page and "93.0" in page  # median and 90th percentile to arrival
    assert "Target 60 min" in page


def test_small_counts_never_leave_in_the_csv_or_the_json(supervisor_client, known_helpline):
    rows = csv_rows(supervisor_client.get(CSV_EXPORT, MARCH))
    assert list(rows[0]) == CSV_COLUMNS
    assert csv_value(rows, "channel", "sms", "contacts") == "<5"
    assert csv_value(rows, "channel", "email", "contacts") == "<5"
    assert csv_value(rows, "channel", "phone", "contacts") == "5"
    assert csv_value(rows, "channel", "messaging", "contacts") == "0"
    assert {r["value"] for r in rows} & {"1", "2", "3", "4"} == set()
    sms = next(r for r in rows if (r["table"], r["row"]) == ("channel", "sms"))
    assert sms["note"] == "fewer than 5"

    document = json.loads(supervisor_client.get(JSON_EXPORT, MARCH).content)
    assert json_row(document, "channel", "sms")["values"] == {"contacts": "<5"}
    assert json_row(document, "channel", "phone")["values"] == {"contacts": 5}
    assert json_row(document, "channel", "all")["values"] == {"contacts": 12}
    every_value = [
        value
        for table in document["tables"]
        for row in [*table["rows"], table["total"]]
        if row
        for value in row["values"].values()
    ]
    assert not [v for v in every_value if isinstance(v, int) and 1 <= v <= 4]
    assert document["suppression"]["threshold"] == 5


def test_a_count_that_would_give_a_small_one_away_is_withheld_everywhere(
    supervisor_client, organisation
):
    # 9 calls and 3 texts of 12: showing 9 would tell that there were 3 texts.
    for n in range(12):
        make_contact(organisation, at(5, 10), "phone" if n < 9 else "sms", 11)
    rows = csv_rows(supervisor_client.get(CSV_EXPORT, MARCH))
    assert csv_value(rows, "channel", "phone", "contacts") == "x"
    assert csv_value(rows, "channel", "sms", "contacts") == "<5"
    assert csv_value(rows, "channel", "all", "contacts") == "12"
    assert "9" not in {r["value"] for r in rows if r["table"] == "channel"}
    document = json.loads(supervisor_client.get(JSON_EXPORT, MARCH).content)
    assert json_row(document, "channel", "phone")["values"] == {"contacts": "x"}
    assert json_row(document, "channel", "phone")["notes"]["contacts"].startswith("withheld")
    page = supervisor_client.get(PAGE, MARCH).content.decode()
    assert '<th scope="row">Phone call</th>\n        <td><abbr title="withheld' in page


def test_medians_of_fewer_than_5_are_a_dash_with_the_reason(supervisor_client, organisation):
    page = supervisor_client.get(PAGE, MARCH).content.decode()
    assert "<strong>0 contacts</strong>" in page
    assert '<span aria-hidden="true">—</span><small> (fewer than 5)</small>' in page
    rows = csv_rows(supervisor_client.get(CSV_EXPORT, MARCH))
    median = next(r for r in rows if (r["table"], r["row"]) == ("summary", "arrival_median"))
    assert (median["value"], median["note"]) == ("—", "fewer than 5")
    document = json.loads(supervisor_client.get(JSON_EXPORT, MARCH).content)
    assert json_row(document, "summary", "arrival_median")["values"] == {"value": None}


def test_another_organisation_sees_only_its_own_numbers(
    supervisor_client, outsider, known_helpline
):
    outsider_client = verified_client(Client(), outsider)
    page = outsider_client.get(PAGE, MARCH).content.decode()
    assert "<strong>7 contacts</strong>" in page
    outside = csv_rows(outsider_client.get(CSV_EXPORT, MARCH))
    inside = csv_rows(supervisor_client.get(CSV_EXPORT, MARCH))
    assert csv_value(outside, "summary", "contacts", "value") == "7"
    assert csv_value(inside, "summary", "contacts", "value") == "12"
    assert csv_value(outside, "summary", "emergencies", "value") == "6"
    assert csv_value(outside, "channel", "sms", "contacts") == "7"
    assert csv_value(outside, "area", "missing", "contacts") == "7"
    assert csv_value(outside, "area", "violence", "contacts") == "0"
    assert "Northdale" not in outsider_client.get(JSON_EXPORT, MARCH).content.decode()


def test_exports_are_audited(supervisor_client, supervisor, known_helpline):
    supervisor_client.get(CSV_EXPORT, MARCH)
    supervisor_client.get(JSON_EXPORT, MARCH)
    events = AuditEvent.objects.filter(action="stats.exported").order_by("pk")
    assert [(e.actor_id, e.organisation_id) for e in events] == [
        (supervisor.pk, supervisor.organisation_id)
    ] * 2
    assert [(e.detail["export"], e.detail["date_from"], e.detail["date_to"]) for e in events] == [
        ("helpline_csv", "2024-03-01", "2024-03-31"),
        ("helpline_json", "2024-03-01", "2024-03-31"),
    ]
    assert all(e.detail["rows"] > 100 for e in events)


def test_an_export_with_unusable_dates_is_refused_and_not_audited(supervisor_client):
    response = supervisor_client.get(CSV_EXPORT, {"from": "2024-03-31", "to": "2024-03-01"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="stats.exported").exists()


def test_the_downloads_are_named_by_their_range(supervisor_client):
    response = supervisor_client.get(JSON_EXPORT, MARCH)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'attachment; filename="haven-helpline-2024-03-01-to-2024-03-31.json"'
    )
    document = json.loads(response.content)
    assert (document["date_from"], document["date_to"]) == ("2024-03-01", "2024-03-31")


def test_without_dates_the_page_covers_the_last_90_days(supervisor_client, clock):
    page = supervisor_client.get(PAGE).content.decode()
    assert 'aria-current="page">Last 90 days' in page


def test_the_arrival_chart_and_table_name_the_bands_alike_and_say_how_they_meet(
    supervisor_client, known_helpline
):
    page = supervisor_client.get(PAGE, MARCH).content.decode()
    chart = page[page.index('id="chart-arrival-title"') : page.index("</svg>")]
    table = page[page.index('id="distribution-table"') :]
    assert (
        ">0\N{EN DASH}15</text>" in chart
        and ">15\N{EN DASH}30</text>" in chart
        and "≤" not in chart
    )
    assert '<th scope="row">0\N{EN DASH}15 min</th>' in table
    assert "Each band includes its upper bound" in table
