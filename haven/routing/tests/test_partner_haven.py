"""Forwarding into a partner's own Haven over real HTTP.

The "other Haven" is this project's live server, reached with a partner-service token of
another organisation (the Southern Helpline): exactly what a second installation would
see, through its public report API.
"""

import socket
import time

import pytest

from conftest import make_user
from haven.accounts.models import Role
from haven.api.models import ApiToken
from haven.audit.models import AuditEvent
from haven.fetching.tests.servers import Server, endless_unsized, redirect, trickle_headers
from haven.reports.models import Report, Source
from haven.routing import services
from haven.routing.models import ReferralStatus
from haven.routing.tests.conftest import (
    FETCHED_SHA256,
    REPORTER_CONTACT,
    REPORTER_WORDS,
    SHA256,
    haven_partner,
)


@pytest.fixture
def southern_token(other_organisation) -> tuple[object, str]:
    account = make_user(other_organisation, "northern-referrals", Role.PARTNER)
    return account, ApiToken.issue(account, "referrals from the Northern Hotline")[1]


@pytest.fixture
def allow_http(settings):
    """Plain http to the live server on 127.0.0.1: for tests only (the address policy
    refuses loopback, and partner Havens are https)."""
    settings.ROUTING_ALLOW_HTTP = True
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]


def _address(live_server) -> str:
    """The live server by its IP address: the address policy resolves names itself, and
    only 127.0.0.1 is on the test allow-list."""
    return live_server.url.replace("://localhost:", "://127.0.0.1:")


def _dead_port() -> int:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]


def test_a_forward_reaches_the_partners_haven_and_its_reference_acknowledges_it(
    live_server, transactional_db, hosted, analyst, southern_token, other_organisation, allow_http
):
    account, token = southern_token
    partner = haven_partner(hosted.report.organisation, _address(live_server), token)

    referral = services.forward(hosted.report, partner, analyst)

    referral.refresh_from_db()
    assert referral.channel == "api"
    assert referral.status == ReferralStatus.ACKNOWLEDGED, referral.error
    arrived = Report.objects.get(organisation=other_organisation)
    assert referral.remote_reference == arrived.reference
    assert referral.acknowledged_at is not None and referral.chase_at is None
    assert arrived.source == Source.API and arrived.submitted_by == account
    assert arrived.category == hosted.report.category
    assert arrived.external_id == f"{hosted.report.reference}/referral-{referral.pk}"
    assert sorted(arrived.urls.values_list("url", flat=True)) == sorted(
        url.normalised or url.url for url in hosted.report.urls.all()
    )
    assert set(arrived.media.values_list("sha256", flat=True)) == {SHA256, FETCHED_SHA256}
    # The partner's analysts get a referral note, never the reporter's words or contact.
    assert hosted.report.reference in arrived.description
    assert "Northern Hotline" in arrived.description and "Germany" in arrived.description
    assert REPORTER_WORDS not in arrived.description
    assert REPORTER_CONTACT not in arrived.description
    assert arrived.contact_sealed == "" and arrived.pin_digest == ""


def test_a_retried_forward_is_not_made_twice_in_the_partners_haven(
    live_server, transactional_db, hosted, analyst, southern_token, other_organisation, allow_http
):
    partner = haven_partner(hosted.report.organisation, _address(live_server), southern_token[1])
    referral = services.forward(hosted.report, partner, analyst)
    # As if the answer had been lost: send the same referral again.
    referral.status = ReferralStatus.SENDING
    referral.save()
    again = services.deliver(referral.pk)
    assert again.status == ReferralStatus.ACKNOWLEDGED
    assert Report.objects.filter(organisation=other_organisation).count() == 1


def test_a_partner_haven_that_is_down_is_recorded_as_a_failure_and_retried_later(
    live_server, transactional_db, hosted, analyst, southern_token, other_organisation, allow_http
):
    partner = haven_partner(
        hosted.report.organisation, f"http://127.0.0.1:{_dead_port()}", southern_token[1]
    )
    referral = services.forward(hosted.report, partner, analyst)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.FAILED
    assert "Could not connect to the partner's Haven" in referral.error
    assert referral.evidence["report"]["reference"] == hosted.report.reference  # nothing lost
    assert not Report.objects.filter(organisation=other_organisation).exists()

    partner.api_url = _address(live_server)
    partner.save()
    services.retry(referral, analyst)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACKNOWLEDGED, referral.error
    assert Report.objects.filter(organisation=other_organisation).count() == 1
    actions = list(
        AuditEvent.objects.filter(target_id=str(referral.pk), target_type="referral")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "referral.created",
        "referral.failed",
        "referral.retried",
        "referral.sent",
    ]


def test_a_partner_haven_that_never_answers_times_out_with_a_reason(
    hosted, analyst, southern_token, allow_http, settings, django_capture_on_commit_callbacks
):
    settings.ROUTING_API_TIMEOUT_SECONDS = 0.3
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        partner = haven_partner(hosted.report.organisation, url, southern_token[1])
        with django_capture_on_commit_callbacks(execute=True):
            referral = services.forward(hosted.report, partner, analyst)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.FAILED
    assert "did not answer within 0.3 seconds" in referral.error


def test_a_refused_token_is_recorded_without_revealing_it(
    live_server, transactional_db, hosted, analyst, allow_http
):
    partner = haven_partner(hosted.report.organisation, _address(live_server), "hvn_abc_wrong")
    referral = services.forward(hosted.report, partner, analyst)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.FAILED
    assert "refused the token (HTTP 401)" in referral.error
    assert "hvn_abc_wrong" not in referral.error
    assert not AuditEvent.objects.filter(detail__icontains="hvn_abc_wrong").exists()


def test_plain_http_partner_addresses_are_refused_unless_allowed(
    hosted, analyst, southern_token, django_capture_on_commit_callbacks
):
    partner = haven_partner(hosted.report.organisation, "http://127.0.0.1:1", southern_token[1])
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.forward(hosted.report, partner, analyst)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.FAILED
    assert "must start with https://" in referral.error


def _forward_to(url, hosted, analyst, capture):
    partner = haven_partner(hosted.report.organisation, url, "hvn_abc_any")
    with capture(execute=True):
        referral = services.forward(hosted.report, partner, analyst)
    referral.refresh_from_db()
    return referral


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5:9200/_bulk",
        "http://127.0.0.2:8000",  # the test allow-list opens 127.0.0.1 only
        "http://[::1]:8000",
    ],
)
def test_a_partner_haven_on_an_internal_address_is_never_called(
    hosted, analyst, allow_http, django_capture_on_commit_callbacks, url
):
    referral = _forward_to(url, hosted, analyst, django_capture_on_commit_callbacks)
    assert referral.status == ReferralStatus.FAILED
    assert "refused and nothing was sent" in referral.error
    assert "must not contact" in referral.error


def test_a_partner_address_with_a_password_in_it_is_refused_without_showing_it(
    hosted, analyst, allow_http, django_capture_on_commit_callbacks
):
    url = "https://someone:hunter2@haven.partner.example"
    referral = _forward_to(url, hosted, analyst, django_capture_on_commit_callbacks)
    assert referral.status == ReferralStatus.FAILED
    assert "user name or password" in referral.error and "hunter2" not in referral.error


@pytest.fixture
def misbehaving():
    server = Server()
    yield server
    server.stop()


def test_a_redirect_from_the_partners_haven_is_not_followed(
    hosted, analyst, allow_http, misbehaving, django_capture_on_commit_callbacks
):
    elsewhere = Server()
    try:
        misbehaving.route("/", redirect(f"http://127.0.0.1:{elsewhere.port}/steal", 307))
        url = f"http://127.0.0.1:{misbehaving.port}"
        referral = _forward_to(url, hosted, analyst, django_capture_on_commit_callbacks)
        assert elsewhere.requests == []
    finally:
        elsewhere.stop()
    assert referral.status == ReferralStatus.FAILED
    assert "answered with a redirect (HTTP 307)" in referral.error
    [request] = misbehaving.requests
    assert request.target == "/api/v1/reports/"


def test_a_huge_answer_from_the_partners_haven_is_cut_at_the_cap(
    hosted, analyst, allow_http, misbehaving, django_capture_on_commit_callbacks
):
    misbehaving.route("/", endless_unsized)
    url = f"http://127.0.0.1:{misbehaving.port}"
    referral = _forward_to(url, hosted, analyst, django_capture_on_commit_callbacks)
    assert referral.status == ReferralStatus.FAILED
    assert "answered too much" in referral.error


def test_a_partner_haven_that_trickles_its_answer_is_cut_at_the_deadline(
    hosted, analyst, allow_http, misbehaving, settings, django_capture_on_commit_callbacks
):
    settings.ROUTING_API_TIMEOUT_SECONDS = 0.5
    misbehaving.route("/", trickle_headers(0.05))
    url = f"http://127.0.0.1:{misbehaving.port}"
    started = time.monotonic()
    referral = _forward_to(url, hosted, analyst, django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 2
    assert referral.status == ReferralStatus.FAILED
    assert "did not answer within 0.5 seconds" in referral.error
