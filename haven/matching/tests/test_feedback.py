"""Matches on the report page, and analysts confirming or rejecting them."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import verified_client
from haven.audit.models import AuditEvent
from haven.matching.models import BankEntry, HashBank, Match
from haven.triage.tests.support import add_image, make_report


def make_bank(organisation, name="Known A", **fields) -> HashBank:
    return HashBank.objects.create(
        organisation=organisation, name=name, classification=f"{name} label", **fields
    )


def make_match(item, bank, value, signal_type="md5", **fields) -> Match:
    entry = BankEntry.objects.create(bank=bank, signal_type=signal_type, value=value)
    return Match.objects.create(item=item, entry=entry, signal_type=signal_type, **fields)


def feedback_url(match) -> str:
    return reverse("matching:match_feedback", args=[match.pk])


def report_url(report) -> str:
    return reverse("triage:detail", args=[report.reference])


def state(match) -> tuple:
    match.refresh_from_db()
    entry = BankEntry.objects.get(pk=match.entry_id)
    return match.feedback, match.feedback_by_id, entry.confirmed_count, entry.rejected_count


@pytest.fixture
def report(organisation):
    return make_report(organisation)


@pytest.fixture
def match(organisation, report):
    item, _ = add_image(report, 7, keep=False, match_label="Known A label")
    return make_match(item, make_bank(organisation), item.md5)


def test_the_report_page_shows_each_match_with_its_bank_classification_and_distance(
    organisation, report, analyst_client
):
    item, _ = add_image(report, 8, keep=False)
    make_match(item, make_bank(organisation, "IWF"), "ab" * 32, "pdq", distance=7)
    make_match(item, make_bank(organisation, "NCMEC"), item.md5)
    html = analyst_client.get(report_url(report)).content.decode()
    assert "Bank matches of item" in html
    assert "IWF label" in html and "7 bits apart" in html
    assert "NCMEC label" in html and "Exact file (MD5)" in html
    assert html.count("No feedback yet") == 2
    assert html.count('name="verdict" value="confirmed"') == 2
    assert html.count('name="verdict" value="rejected"') == 2


def test_a_video_match_shows_the_share_of_its_frames(organisation, report, analyst_client):
    item, _ = add_image(report, 9, keep=False)
    make_match(item, make_bank(organisation), "cd" * 32, "vpdq", distance=3, match_percent=87.5)
    html = analyst_client.get(report_url(report)).content.decode()
    assert "87.5 % of the video's frames" in html


def test_suppressed_and_safe_bank_matches_say_so(organisation, report, analyst_client):
    item, _ = add_image(report, 10, keep=False)
    make_match(item, make_bank(organisation, "Known"), item.md5, suppressed=True)
    make_match(item, make_bank(organisation, "Safe", is_safe=True), item.sha256, "sha256")
    html = analyst_client.get(report_url(report)).content.decode()
    assert "Suppressed: a safe bank lists this as a false positive" in html
    assert "Safe bank: a known false positive" in html


def test_the_report_page_does_not_query_per_match(
    organisation, report, analyst_client, django_assert_max_num_queries
):
    item, _ = add_image(report, 11, keep=False)
    bank = make_bank(organisation)
    make_match(item, bank, item.md5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        analyst_client.get(report_url(report))
    for n in range(5):
        make_match(item, bank, f"{n:032x}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        analyst_client.get(report_url(report))


def test_an_analyst_confirms_a_match_and_its_entry_counts_it(match, analyst, analyst_client):
    response = analyst_client.post(feedback_url(match), {"verdict": "confirmed"})
    assert response.status_code == 302
    assert response["Location"] == f"{report_url(match.item.report)}#match-{match.pk}"
    assert state(match) == ("confirmed", analyst.pk, 1, 0)
    event = AuditEvent.objects.get(action="match.feedback")
    assert event.actor == analyst and event.detail["verdict"] == "confirmed"
    html = analyst_client.get(response["Location"]).content.decode()
    assert "confirmed." in html and ">Confirmed</span>" in html


def test_changing_a_verdict_moves_the_count(match, analyst, supervisor, supervisor_client):
    verified_client(Client(), analyst).post(feedback_url(match), {"verdict": "confirmed"})
    supervisor_client.post(feedback_url(match), {"verdict": "rejected"})
    assert state(match) == ("rejected", supervisor.pk, 0, 1)
    html = supervisor_client.get(report_url(match.item.report)).content.decode()
    assert "Rejected as a false positive" in html


def test_the_same_verdict_twice_counts_once(match, analyst_client):
    for _ in range(2):
        analyst_client.post(feedback_url(match), {"verdict": "rejected"})
    assert state(match)[2:] == (0, 1)
    assert AuditEvent.objects.filter(action="match.feedback").count() == 1


@pytest.mark.parametrize("data", [{}, {"verdict": "maybe"}, {"verdict": ""}])
def test_a_missing_or_unknown_verdict_changes_nothing(match, analyst_client, data):
    response = analyst_client.post(feedback_url(match), data, follow=True)
    assert "Choose confirm or reject." in response.content.decode() or (
        "Feedback is confirm or reject." in response.content.decode()
    )
    assert state(match) == ("", None, 0, 0)
    assert not AuditEvent.objects.filter(action="match.feedback").exists()


def test_feedback_is_given_only_by_post(match, analyst_client):
    assert analyst_client.get(feedback_url(match)).status_code == 405
    assert state(match) == ("", None, 0, 0)


def test_another_organisation_cannot_give_feedback_on_a_match(match, outsider_client):
    response = outsider_client.post(feedback_url(match), {"verdict": "rejected"})
    assert response.status_code == 404
    assert state(match) == ("", None, 0, 0)
    assert not AuditEvent.objects.filter(action="match.feedback").exists()


def test_a_partner_cannot_give_feedback(match, partner):
    client = verified_client(Client(), partner)
    assert client.post(feedback_url(match), {"verdict": "confirmed"}).status_code == 403
    assert state(match) == ("", None, 0, 0)


def test_feedback_needs_a_csrf_token(match, analyst):
    client = verified_client(Client(enforce_csrf_checks=True), analyst)
    assert client.post(feedback_url(match), {"verdict": "confirmed"}).status_code == 403
    assert state(match) == ("", None, 0, 0)
