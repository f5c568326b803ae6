"""Staff can check a reported address now; no one else, and no other organisation's."""

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from conftest import verified_client
from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.fetching import services
from haven.fetching.client import Result
from haven.fetching.models import Fetch
from haven.reports.intake import ReportInput, submit_report
from haven.reports.models import Source


@pytest.fixture
def report_url(organisation):
    data = ReportInput(category="sexual_imagery", urls=["http://10.0.0.7/internal"])
    return submit_report(organisation, Source.PUBLIC, data, Actor.public()).report.urls.get()


def check_path(report_url):
    return f"/fetching/urls/{report_url.pk}/check"


def test_an_analyst_checks_an_address_now_and_returns_to_the_takedown_panel(
    analyst_client, report_url
):
    response = analyst_client.post(check_path(report_url), follow=False)
    reference = report_url.report.reference
    assert response.status_code == 302
    assert response["Location"] == f"/triage/{reference}/?panel=takedown#panel-takedown"
    fetch_row = Fetch.objects.get()
    assert (fetch_row.purpose, fetch_row.outcome) == ("recheck", "refused")
    page = analyst_client.get(f"/triage/{reference}/")
    assert "Refused by the safety policy" in page.content.decode()


def test_the_check_is_audited_as_the_analyst(analyst_client, analyst, report_url):
    analyst_client.post(check_path(report_url))
    event = AuditEvent.objects.get(action="url.checked")
    assert event.actor == analyst


def test_checking_is_a_post_only_action(analyst_client, report_url):
    assert analyst_client.get(check_path(report_url)).status_code == 405
    assert not Fetch.objects.exists()


def test_another_organisation_gets_404_and_nothing_is_fetched(outsider_client, report_url):
    assert outsider_client.post(check_path(report_url)).status_code == 404
    assert not Fetch.objects.exists()


def test_an_unknown_address_id_is_404(analyst_client, db):
    assert analyst_client.post("/fetching/urls/999999/check").status_code == 404


def test_a_partner_service_cannot_check_addresses(client, partner, report_url):
    response = verified_client(client, partner).post(check_path(report_url))
    assert response.status_code in (403, 404)
    assert not Fetch.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, report_url):
    response = client.post(check_path(report_url))
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert not Fetch.objects.exists()


def test_a_fetch_is_shown_with_its_final_address_as_text_never_a_link(report_url):
    fetch_row = services.check(
        report_url,
        "capture",
        fetcher=lambda url: Result(
            outcome="present",
            status_code=200,
            requested_url=url,
            final_url='http://evil.test/"><script>alert(1)</script>',
            addresses=["93.184.215.14"],
            redirects=[{"url": url, "status": 302, "connected": "93.184.215.14"}],
            body=b"<html>",
            content_type="text/html",
        ),
    )
    html = render_to_string("fetching/_fetch.html", {"fetch": fetch_row})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<a " not in html and "href" not in html
    assert "93.184.215.14" in html and "HTTP 200" in html and fetch_row.sha256[:16] in html
    assert timezone.localtime(fetch_row.started_at).strftime("%Y") in html


def test_the_check_button_posts_to_the_check_action(report_url, rf):
    request = rf.get("/")
    html = render_to_string("fetching/_check_form.html", {"report_url": report_url}, request)
    assert f'action="/fetching/urls/{report_url.pk}/check"' in html
    assert "csrfmiddlewaretoken" in html
