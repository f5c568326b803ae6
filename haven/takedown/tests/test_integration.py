"""The takedown with the real apps around it: classification opens it, fetching checks a
server on 127.0.0.1, hosting says where notices go, routing forwards, e-mail (locmem)
carries the notice."""

import pytest
from django.core import mail

from haven.classification import services as classification
from haven.fetching.tests.servers import Server, body
from haven.hosting.models import Hosting
from haven.reports.models import ReportUrl
from haven.routing.models import Partner, PartnerKind, ReferralKind
from haven.takedown.models import NoticeKind, State, Takedown
from haven.takedown.scheduler import run_due
from haven.takedown.tests.conftest import kinds


@pytest.fixture
def site(settings):
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]
    running = Server()
    running.route(
        "/album/7", body(b"<!doctype html><title>album</title>", Content_Type="text/html")
    )
    yield running
    running.stop()


@pytest.fixture
def hosted_url(report, site, organisation):
    organisation.country = "GB"
    organisation.save()
    url = f"http://127.0.0.1:{site.port}/album/7"
    report_url = ReportUrl.objects.create(report=report, url=url, normalised=url)
    return report_url


def host_in(report_url, country: str) -> Hosting:
    return Hosting.objects.create(
        organisation_id=report_url.report.organisation_id,
        report_url=report_url,
        hostname="127.0.0.1",
        addresses=["127.0.0.1"],
        country=country,
        network_name="Loopback Hosting",
        abuse_email="abuse@loopback.example",
    )


def classify_as_baseline(report_url, analyst, capture):
    with capture(execute=True):
        classification.classify(
            report_url.report, target=report_url, labels={"interpol": "baseline"}, by=analyst
        )


def test_classified_checked_notified_by_email_and_removal_dated_by_the_real_check(
    hosted_url, site, analyst, real_world, clock, django_capture_on_commit_callbacks
):
    host_in(hosted_url, "GB")
    classify_as_baseline(hosted_url, analyst, django_capture_on_commit_callbacks)
    takedown = Takedown.objects.get(report_url=hosted_url)
    assert not site.requests  # nothing fetched until the scheduler's tick
    run_due()

    takedown.refresh_from_db()
    assert takedown.state == State.NOTIFIED and takedown.last_check_outcome == "present"
    [message] = mail.outbox
    assert message.to == ["abuse@loopback.example"]
    assert hosted_url.url in message.body and "INTERPOL" in message.body
    assert "/takedown/answer/" in message.body
    assert [request.target for request in site.requests] == ["/album/7"]

    clock.advance(hours=24)
    run_due()
    assert kinds(takedown) == [NoticeKind.FIRST, NoticeKind.REMINDER]

    site.route("/album/7", body(b"gone", status=404))
    clock.advance(hours=24)
    gone_at = clock.now
    run_due()
    clock.advance(hours=1)
    run_due()
    takedown.refresh_from_db()
    assert takedown.state == State.REMOVED and takedown.removed_at == gone_at
    assert len(mail.outbox) == 2


def test_hosted_abroad_it_is_forwarded_to_that_countrys_hotline_by_routing(
    hosted_url, site, analyst, organisation, real_world, clock, django_capture_on_commit_callbacks
):
    host_in(hosted_url, "DE")
    german = Partner.objects.create(
        organisation=organisation,
        kind=PartnerKind.HOTLINE,
        name="Hotline DE",
        country="DE",
        email="hotline@de.example",
    )
    classify_as_baseline(hosted_url, analyst, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):  # routing's e-mail job
        run_due()

    takedown = Takedown.objects.get(report_url=hosted_url)
    assert takedown.state == State.FORWARDED
    assert takedown.referral.partner == german
    assert takedown.referral.kind == ReferralKind.FORWARD
    assert not takedown.notices.exists()
    # Routing e-mailed the partner hotline; the host got nothing from us.
    assert [m.to for m in mail.outbox] == [["hotline@de.example"]]

    site.route("/album/7", body(b"gone", status=404))
    clock.advance(hours=24)
    gone_at = clock.now
    run_due()
    clock.advance(hours=1)
    run_due()
    takedown.refresh_from_db()
    assert takedown.state == State.REMOVED and takedown.removed_at == gone_at


def test_a_hosting_correction_is_noted_on_the_waiting_takedown_at_once(
    hosted_url, analyst, supervisor, real_world, clock, django_capture_on_commit_callbacks
):
    from haven.audit.models import AuditEvent
    from haven.hosting import services as hosting
    from haven.takedown import services

    place = Hosting.objects.create(
        organisation_id=hosted_url.report.organisation_id,
        report_url=hosted_url,
        hostname="127.0.0.1",
        addresses=["127.0.0.1"],
    )
    takedown = services.open_takedown(hosted_url, supervisor)
    assert takedown.recipient == "" and takedown.country == ""
    with django_capture_on_commit_callbacks(execute=True):
        hosting.correct(
            place, {"country": "NL", "abuse_email": "abuse@hosting.example.nl"}, analyst
        )
    takedown.refresh_from_db()
    assert takedown.recipient == "abuse@hosting.example.nl" and takedown.country == "NL"
    event = AuditEvent.objects.get(action="takedown.contact_updated")
    assert event.detail["changes"]["recipient"] == ["", "abuse@hosting.example.nl"]
