"""The notice channels: e-mail (locmem, and a real SMTP conversation on 127.0.0.1) and a
host's notice API (a real HTTP server on 127.0.0.1)."""

import json
import socket
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail

from haven.fetching.resolve import StaticResolver
from haven.fetching.tests.servers import Server, body
from haven.takedown import channels, seams, services
from haven.takedown.channels import (
    ApiChannel,
    DeliveryFailed,
    EmailChannel,
    FakeChannel,
    OutgoingNotice,
)
from haven.takedown.models import Notice, State
from haven.takedown.scheduler import run_due
from haven.takedown.seams import Contact
from haven.takedown.tests.conftest import set_policy

NOTICE = OutgoingNotice(
    reference="TD-ABCDE-FGHJK",
    kind="first",
    language="en",
    subject="Request to remove (TD-ABCDE-FGHJK)",
    body="Address: https://files.example.net/x\nAnswer: https://haven.example/answer/t/\n",
    url="https://files.example.net/x",
    reply_url="https://haven.example/answer/t/",
    hashes=[{"type": "sha256", "value": "a" * 64}],
    classification=[{"scheme": "INTERPOL", "label": "Baseline"}],
    reply_to="hotline@northern.example",
)
HOST = Contact("email", "abuse@host.example", "Example Hosting", "en")


# --- E-mail ---------------------------------------------------------------------------


def test_email_goes_as_plain_text_with_the_organisations_reply_to_and_nothing_attached():
    EmailChannel().send(NOTICE, HOST)
    [message] = mail.outbox
    assert message.to == ["abuse@host.example"]
    assert message.reply_to == ["hotline@northern.example"]
    assert message.subject == NOTICE.subject and message.body == NOTICE.body
    assert message.attachments == [] and message.content_subtype == "plain"
    assert message.extra_headers["X-Haven-Takedown"] == "TD-ABCDE-FGHJK"


def test_a_notice_by_email_is_written_in_the_hosts_language(
    report_url, analyst, organisation, world, clock
):
    set_policy(organisation, reply_to="hotline@northern.example")
    world.contact = Contact("email", "abus@hebergeur.example", "Hébergeur", "fr")
    with seams.replaced_by(channels={"email": EmailChannel()}):
        services.open_takedown(report_url, analyst)
        run_due()
    [message] = mail.outbox
    assert message.to == ["abus@hebergeur.example"]
    assert message.subject.startswith("Demande de retrait")
    assert "Adresse : https://files.example.net/share/4f2a9c" in message.body
    assert "INTERPOL: Baseline" in message.body
    assert message.reply_to == ["hotline@northern.example"]
    assert Notice.objects.get().language == "fr"


def test_a_host_language_without_a_template_falls_back_to_the_organisations_then_english(
    report_url, analyst, organisation, world, clock
):
    world.contact = Contact("email", "abuse@host.example", "Host", "pt-br")
    organisation.language = "de"
    organisation.save()
    with seams.replaced_by(channels={"email": EmailChannel()}):
        services.open_takedown(report_url, analyst)
        run_due()
    assert mail.outbox[0].subject.startswith("Aufforderung zur Entfernung")


class _SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to take one message (no aiosmtpd here)."""

    def handle(self):
        def say(line: str) -> None:
            self.wfile.write(f"{line}\r\n".encode())

        say("220 sink.test ESMTP")
        data_mode, lines = False, []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if data_mode:
                if line == ".":
                    data_mode = False
                    self.server.messages.append("\n".join(lines))
                    lines = []
                    say("250 OK queued")
                else:
                    lines.append(line[1:] if line.startswith("..") else line)
                continue
            verb = line.split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                say("250 sink.test")
            elif verb == "MAIL":
                self.server.envelope.append(line)
                say(self.server.mail_answer)
            elif verb == "RCPT":
                self.server.envelope.append(line)
                say("250 OK")
            elif verb == "DATA":
                data_mode = True
                say("354 go ahead")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("250 OK")


@pytest.fixture
def smtp_sink(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpSink)
    server.daemon_threads = True
    server.messages, server.envelope, server.mail_answer = [], [], "250 OK"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.server_address[1]
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "haven@northern.example"
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def test_email_reaches_a_real_smtp_server(smtp_sink):
    EmailChannel().send(NOTICE, HOST)
    [message] = smtp_sink.messages
    assert "Subject: Request to remove (TD-ABCDE-FGHJK)" in message
    assert "Reply-To: hotline@northern.example" in message
    assert "https://files.example.net/x" in message
    assert any("abuse@host.example" in line for line in smtp_sink.envelope)


def test_a_refusing_smtp_server_is_a_delivery_failure(smtp_sink):
    smtp_sink.mail_answer = "550 sender rejected"
    with pytest.raises(DeliveryFailed, match="refused"):
        EmailChannel().send(NOTICE, HOST)


def test_an_unreachable_smtp_server_is_a_delivery_failure(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    with pytest.raises(DeliveryFailed):
        EmailChannel().send(NOTICE, HOST)


# --- A host's notice API --------------------------------------------------------------


class NoticeApi:
    """A host's notice endpoint on 127.0.0.1 that answers `status` and keeps requests."""

    def __init__(self, status: int = 202, location: str = ""):
        self.status, self.location = status, location
        self.requests: list[tuple[dict, dict]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                api.requests.append((dict(self.headers), json.loads(self.rfile.read(length))))
                self.send_response(api.status)
                if api.location:
                    self.send_header("Location", api.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/notices"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def local_http(settings):
    """Plain http to 127.0.0.1, for these tests only: real notice APIs are https and public."""
    settings.TAKEDOWN_API_ALLOW_HTTP = True
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def notice_api(local_http):
    api = NoticeApi()
    yield api
    api.stop()


def _dead_port() -> int:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]


def test_the_api_channel_posts_the_documented_json_with_the_hosts_token(notice_api):
    contact = Contact("api", notice_api.url, "Example Hosting", "en", "s3cret-token")
    ApiChannel().send(NOTICE, contact)
    [(headers, payload)] = notice_api.requests
    assert headers["Authorization"] == "Bearer s3cret-token"
    assert headers["Content-Type"] == "application/json"
    assert payload == {
        "url": "https://files.example.net/x",
        "reference": "TD-ABCDE-FGHJK",
        "kind": "first",
        "language": "en",
        "subject": NOTICE.subject,
        "body": NOTICE.body,
        "hashes": [{"type": "sha256", "value": "a" * 64}],
        "classification": [{"scheme": "INTERPOL", "label": "Baseline"}],
        "reply_url": "https://haven.example/answer/t/",
    }


@pytest.mark.parametrize("status", [301, 400, 401, 500])
def test_an_api_answer_other_than_2xx_is_a_delivery_failure(notice_api, status):
    notice_api.status = status
    contact = Contact("api", notice_api.url, "Example Hosting", "en", "token")
    with pytest.raises(DeliveryFailed, match=f"HTTP {status}"):
        ApiChannel().send(NOTICE, contact)


def test_an_unreachable_api_is_a_delivery_failure(local_http):
    contact = Contact("api", f"http://127.0.0.1:{_dead_port()}/notices", "Gone", "en", "token")
    with pytest.raises(DeliveryFailed, match="could not be reached"):
        ApiChannel().send(NOTICE, contact)


def test_a_plain_http_notice_api_is_refused_unless_allowed(notice_api, settings):
    settings.TAKEDOWN_API_ALLOW_HTTP = False
    contact = Contact("api", notice_api.url, "Example Hosting", "en", "s3cret-token")
    with pytest.raises(DeliveryFailed, match="must start with https://") as failure:
        ApiChannel().send(NOTICE, contact)
    assert notice_api.requests == []  # the token never went out in clear
    assert "s3cret-token" not in failure.value.reason


@pytest.mark.parametrize(
    "recipient",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5:9200/_bulk",
        "http://[::1]:8080/notices",
        "http://127.0.0.2:8080/notices",  # the test allow-list opens 127.0.0.1 only
    ],
)
def test_a_notice_api_on_an_internal_address_is_never_called(local_http, recipient):
    contact = Contact("api", recipient, "Inside", "en", "s3cret-token")
    with pytest.raises(DeliveryFailed, match=r"was not called: .*must not contact"):
        ApiChannel().send(NOTICE, contact)


def test_a_notice_api_address_with_credentials_is_refused(notice_api):
    url = notice_api.url.replace("http://", "http://user:pw@")
    contact = Contact("api", url, "Example Hosting", "en", "token")
    with pytest.raises(DeliveryFailed, match="user name or password") as failure:
        ApiChannel().send(NOTICE, contact)
    assert notice_api.requests == [] and "pw" not in failure.value.reason


def test_a_redirect_from_the_notice_api_is_not_followed(local_http):
    elsewhere = NoticeApi()
    api = NoticeApi(status=307, location=elsewhere.url)
    try:
        contact = Contact("api", api.url, "Example Hosting", "en", "s3cret-token")
        with pytest.raises(DeliveryFailed, match="HTTP 307"):
            ApiChannel().send(NOTICE, contact)
        assert len(api.requests) == 1 and elsewhere.requests == []
    finally:
        api.stop()
        elsewhere.stop()


@pytest.fixture
def misbehaving(local_http):
    server = Server()
    yield server
    server.stop()


def test_a_huge_answer_from_a_notice_api_is_cut_at_the_cap(misbehaving):
    misbehaving.route("/", body(b"x" * (channels.API_MAX_ANSWER_BYTES + 1)))
    contact = Contact("api", f"http://127.0.0.1:{misbehaving.port}/", "Big", "en", "t")
    with pytest.raises(DeliveryFailed, match="too large"):
        ApiChannel().send(NOTICE, contact)


def test_a_notice_api_that_trickles_its_answer_is_cut_at_the_deadline(misbehaving, monkeypatch):
    monkeypatch.setattr(channels, "SEND_TIMEOUT_SECONDS", 0.5)

    def trickle(request, sock):
        sock.sendall(b"HTTP/1.1 202 Accepted\r\nContent-Length: 40\r\n\r\n")
        for _ in range(40):
            sock.sendall(b"x")
            time.sleep(0.05)

    misbehaving.route("/", trickle)
    contact = Contact("api", f"http://127.0.0.1:{misbehaving.port}/", "Slow", "en", "t")
    started = time.monotonic()
    with pytest.raises(DeliveryFailed, match=r"did not answer within 0\.5 seconds"):
        ApiChannel().send(NOTICE, contact)
    assert time.monotonic() - started < 2


def test_a_notice_api_behind_a_name_is_reached_on_the_checked_address(misbehaving, monkeypatch):
    resolver = StaticResolver({"notices.host.test": ["127.0.0.1"]})
    real = channels.outbound.post_json
    monkeypatch.setattr(
        channels.outbound,
        "post_json",
        lambda *args, **kwargs: real(*args, resolver=resolver, **kwargs),
    )
    misbehaving.route("/", body(b"", status=202))
    url = f"http://notices.host.test:{misbehaving.port}/n"
    ApiChannel().send(NOTICE, Contact("api", url, "Named", "en", "s3cret-token"))
    [request] = misbehaving.requests
    assert request.headers["host"] == f"notices.host.test:{misbehaving.port}"
    assert request.headers["authorization"] == "Bearer s3cret-token"


def test_the_scheduler_sends_through_the_api_when_the_host_offers_one(
    report_url, analyst, world, notice_api, clock
):
    world.contact = Contact("api", notice_api.url, "API Hosting", "nl", "host-token")
    with seams.replaced_by(channels={"api": ApiChannel(), "email": FakeChannel()}):
        takedown = services.open_takedown(report_url, analyst)
        run_due()
    takedown.refresh_from_db()
    assert takedown.state == State.NOTIFIED and takedown.channel == "api"
    [(headers, payload)] = notice_api.requests
    assert headers["Authorization"] == "Bearer host-token"
    assert payload["reference"] == takedown.reference and payload["language"] == "nl"
    assert payload["url"] == report_url.url and "/takedown/answer/" in payload["reply_url"]
    assert payload["classification"][0] == {"scheme": "INTERPOL", "label": "Baseline"}
    notice = Notice.objects.get()
    assert notice.channel == "api" and notice.recipient == notice_api.url and notice.delivered


def test_the_fake_channel_keeps_what_it_is_given_or_fails_on_demand():
    channel = FakeChannel()
    channel.send(NOTICE, HOST)
    assert channel.sent == [(NOTICE, HOST)]
    channel.fail_with = "down"
    with pytest.raises(DeliveryFailed, match="down"):
        channel.send(NOTICE, HOST)
