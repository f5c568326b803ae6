"""The public page where a host answers a notice through the link in it."""

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.fetching.models import Outcome
from haven.reports.models import ReportUrl
from haven.takedown import answers, services
from haven.takedown.models import AnswerKind, HostAnswer, State
from haven.takedown.scheduler import run_due


@pytest.fixture
def takedown(report_url, analyst, clock):
    takedown = services.open_takedown(report_url, analyst)
    run_due()
    takedown.refresh_from_db()
    return takedown


def link(takedown) -> str:
    return reverse("takedown:answer", kwargs={"answer_token": answers.token_for(takedown)})


def test_every_notice_carries_a_working_answer_link(takedown, world, client, settings):
    notice, _ = world.sent[0]
    assert notice.reply_url.startswith(settings.PUBLIC_BASE_URL)
    path = notice.reply_url.removeprefix(settings.PUBLIC_BASE_URL.rstrip("/"))
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert takedown.reference in html and takedown.report_url.url in html
    assert response["Cache-Control"] == "no-store"
    # The page says nothing about the report or the reporter.
    assert takedown.report.reference not in html


def test_a_host_says_it_removed_the_content_and_the_address_is_checked_at_once(
    takedown, client, world, clock, django_capture_on_commit_callbacks
):
    clock.advance(hours=2)
    world.checker.set(Outcome.GONE)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link(takedown), {"kind": AnswerKind.REMOVED, "text": "Done."})
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    takedown.refresh_from_db()
    assert takedown.host_answered_at == clock.now and takedown.host_answer == "Removed: Done."
    # Checked at once and found gone; the removal is confirmed by the check an hour later.
    assert takedown.gone_since == clock.now and takedown.state == State.NOTIFIED
    answered_at = clock.now
    clock.advance(hours=1)
    run_due()
    takedown.refresh_from_db()
    assert takedown.state == State.REMOVED and takedown.removed_at == answered_at
    event = AuditEvent.objects.get(action="takedown.host_answered")
    assert event.actor is None and event.actor_label == "host (answer link)"
    assert event.detail["via"] == "answer link"
    assert event.organisation_id == takedown.organisation_id
    assert HostAnswer.objects.get().recorded_by is None


def test_a_host_writes_a_message(takedown, client):
    response = client.post(link(takedown), {"kind": AnswerKind.MESSAGE, "text": "Who are you?"})
    assert response.status_code == 200
    assert HostAnswer.objects.get().text == "Who are you?"


def test_a_message_answer_without_words_is_refused_beside_the_field(takedown, client):
    response = client.post(link(takedown), {"kind": AnswerKind.MESSAGE, "text": ""})
    assert response.status_code == 400
    assert "Write the host" in response.content.decode()
    assert not HostAnswer.objects.exists()


def test_a_forged_link_is_refused(takedown, client):
    token = answers.token_for(takedown)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.post(
        reverse("takedown:answer", kwargs={"answer_token": forged}), {"kind": AnswerKind.REMOVED}
    )
    assert response.status_code == 404
    assert not HostAnswer.objects.exists()


def test_a_link_older_than_sixty_days_is_refused(takedown, client, clock):
    url = link(takedown)
    clock.advance(days=59)
    assert client.get(url).status_code == 200
    clock.advance(days=1, seconds=1)
    response = client.post(url, {"kind": AnswerKind.REMOVED})
    assert response.status_code == 404 and not HostAnswer.objects.exists()


def test_a_link_opens_its_own_takedown_and_no_other(takedown, client, analyst, report):
    other = services.open_takedown(
        ReportUrl.objects.create(report=report, url="https://other.example/x"), analyst
    )
    client.post(link(other), {"kind": AnswerKind.REMOVED})
    assert HostAnswer.objects.get().takedown == other
    # The same payload signed with another purpose's salt (or none) opens nothing.
    payload = {"t": takedown.pk, "r": takedown.reference, "at": int(other.opened_at.timestamp())}
    for token in (signing.dumps(payload), signing.dumps(payload, salt="haven.routing.ack")):
        assert (
            client.get(reverse("takedown:answer", kwargs={"answer_token": token})).status_code
            == 404
        )
    # A genuine token whose id is swapped for another takedown's fails its signature.
    assert answers.takedown_for(signing.dumps({**payload, "r": other.reference})) is None


def test_a_link_keeps_working_after_removal_and_records_answers(takedown, client, world, clock):
    world.checker.set(Outcome.GONE)
    clock.advance(hours=24)
    run_due()
    assert client.post(link(takedown), {"kind": AnswerKind.REMOVED}).status_code == 200


def test_answers_through_one_link_are_capped_per_day(takedown, client):
    url = link(takedown)
    for _ in range(20):
        client.post(url, {"kind": AnswerKind.MESSAGE, "text": "again"})
    response = client.post(url, {"kind": AnswerKind.MESSAGE, "text": "again"})
    assert response.status_code == 400 and HostAnswer.objects.count() == 20


def test_the_token_carries_when_it_was_made(takedown, clock):
    token = answers.token_for(takedown)
    data = signing.loads(token, salt=answers.SALT)
    assert data["at"] == int(clock.now.timestamp())
    assert timedelta(days=60) == answers.VALID_FOR
