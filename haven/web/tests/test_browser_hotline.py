"""The hotline workflow in a real browser, with the clock driven by the scheduler.

An analyst takes a confirmed report from classification through the first notice and a
reminder to removal confirmed by a re-check; and, for content hosted abroad, to
forwarding and the partner's acknowledgement. The reported address is a real HTTP
server on 127.0.0.1 (let through by the test-only allow-list); the scheduler is the
same `run_due` the periodic task runs, and the `clock` fixture moves time for the whole
process, the live server included.
"""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from playwright.sync_api import expect

from haven.audit.services import Actor
from haven.reports.intake import ReportInput, submit_report
from haven.reports.models import Category, Source
from haven.routing.models import Partner, PartnerKind, ReferralStatus
from haven.takedown.models import Notice, NoticeKind, State, Takedown
from haven.takedown.scheduler import run_due
from haven.web.tests.conftest import DESKTOP, accessibility_problems, signed_in_context

pytestmark = pytest.mark.browser

ACK_LINK = re.compile(r"https?://[^\s/]+(/routing/ack/[\w-]+/)")


class ReportedPage:
    """A page on 127.0.0.1 that is online until `remove()` is called."""

    def __init__(self):
        self.online = True
        self.requests = 0
        page = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                page.requests += 1
                body = b"<html><body>reported content</body></html>" if page.online else b""
                self.send_response(200 if page.online else 404)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/gallery/42"

    def remove(self):
        self.online = False

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def reported_page(settings):
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]
    page = ReportedPage()
    yield page
    page.close()


@pytest.fixture
def hotline(organisation):
    organisation.country = "GB"
    organisation.save(update_fields=["country"])
    return organisation


def reported(organisation, url: str):
    data = ReportInput(category=Category.SEXUAL_IMAGERY, urls=[url], description="Seen on a forum.")
    return submit_report(organisation, Source.PUBLIC, data, Actor.public()).report


def open_report(context, report):
    page = context.new_page()
    page.goto(f"/triage/{report.reference}/")
    expect(page.locator("h1")).to_have_text(f"Report {report.reference}")
    return page


def correct_hosting(page, url_id: int, country: str, abuse_email: str) -> None:
    block = page.locator(f"#hosting-{url_id}")
    block.get_by_text("Correct what is known").click()
    form = block.locator(f"#hosting-correct-{url_id}")
    form.get_by_label("Country").select_option(country)
    form.get_by_label("Abuse e-mail", exact=True).fill(abuse_email)
    form.get_by_role("button", name="Save correction").click()
    expect(page.locator(f"#hosting-{url_id}")).to_contain_text(abuse_email)


def classify_address_as_baseline(page, url_id: int) -> None:
    form = page.locator(f"#form-url-{url_id}")
    form.get_by_label("INTERPOL baseline").select_option(label="Baseline (illegal everywhere)")
    form.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator(f"#classification-url-{url_id}")).to_contain_text(
        "Baseline (illegal everywhere)"
    )


def takedown_block(page, url_id: int):
    page.reload()
    return page.locator(f"#takedown-url-{url_id}")


def next_day(new_context, site, analyst, report):
    """The analyst's session has ended overnight (sessions last hours): sign in again."""
    return open_report(signed_in_context(new_context, site, analyst, viewport=DESKTOP), report)


def test_an_analyst_takes_a_report_from_classification_to_removal_confirmed_by_a_recheck(
    new_context, site, hotline, analyst, reported_page, clock
):
    report = reported(hotline, reported_page.url)
    url = report.urls.get()
    page = open_report(signed_in_context(new_context, site, analyst, viewport=DESKTOP), report)

    # Hosted at home: the host's abuse desk gets the notices.
    correct_hosting(page, url.pk, "GB", "abuse@host.example")
    classify_address_as_baseline(page, url.pk)
    block = takedown_block(page, url.pk)
    expect(block).to_contain_text("Waiting to notify")

    # The scheduler's next tick: the address is checked, then the first notice goes.
    assert run_due() == 1
    block = takedown_block(page, url.pk)
    expect(block).to_contain_text("Host notified")
    expect(block).to_contain_text("abuse@host.example")
    assert [message.to for message in mail.outbox] == [["abuse@host.example"]]
    assert reported_page.url in mail.outbox[0].body

    # Nothing more until the reminder is due.
    clock.advance(hours=23)
    assert run_due() == 0
    clock.advance(hours=1, minutes=1)
    assert run_due() == 1
    page = next_day(new_context, site, analyst, report)
    block = takedown_block(page, url.pk)
    expect(block.locator(".takedown-list").first).to_contain_text("Reminder")
    assert len(mail.outbox) == 2

    # The host removes it; the next check finds it gone and no reminder goes, and a
    # second check an hour later confirms the removal, dated by the first.
    reported_page.remove()
    clock.advance(hours=24, minutes=1)
    assert run_due() == 1
    gone_at = clock.now
    assert Takedown.objects.get(report_url=url).state == State.NOTIFIED
    clock.advance(hours=1)
    assert run_due() == 1
    page = next_day(new_context, site, analyst, report)
    block = takedown_block(page, url.pk)
    expect(block).to_contain_text("Removed")
    expect(block).to_contain_text("Found gone")
    assert len(mail.outbox) == 2
    takedown = Takedown.objects.get(report_url=url)
    assert takedown.state == State.REMOVED and takedown.removed_at == gone_at
    assert list(takedown.notices.values_list("kind", flat=True)) == [
        NoticeKind.FIRST,
        NoticeKind.REMINDER,
    ]
    assert accessibility_problems(page) == ""


def test_content_hosted_abroad_is_forwarded_and_the_partner_acknowledges_it(
    new_context, site, hotline, analyst, reported_page, clock, settings
):
    settings.PUBLIC_BASE_URL = "http://testserver"
    Partner.objects.create(
        organisation=hotline,
        kind=PartnerKind.HOTLINE,
        name="Beispiel Hotline",
        country="DE",
        email="reports@hotline.example",
        language="de",
    )
    report = reported(hotline, reported_page.url)
    url = report.urls.get()
    page = open_report(signed_in_context(new_context, site, analyst, viewport=DESKTOP), report)

    correct_hosting(page, url.pk, "DE", "abuse@host.example")
    classify_address_as_baseline(page, url.pk)
    assert run_due() == 1

    # The hotline of the hosting country gets it, not the host.
    block = takedown_block(page, url.pk)
    expect(block).to_contain_text("Forwarded")
    expect(block).to_contain_text("Beispiel Hotline")
    assert not Notice.objects.exists()
    [forwarded] = [m for m in mail.outbox if m.to == ["reports@hotline.example"]]
    referrals = page.locator("#panel-routing")
    expect(referrals).to_contain_text("Beispiel Hotline")

    # The partner opens the acknowledgement link (no sign-in) and confirms.
    partner_page = new_context(viewport=DESKTOP).new_page()
    partner_page.goto(ACK_LINK.search(forwarded.body).group(1))
    partner_page.get_by_role("button", name=re.compile("Acknowledge|Confirm")).click()
    expect(partner_page.locator("main")).to_contain_text(re.compile("[Tt]hank"))
    page.reload()
    expect(page.locator("#panel-routing")).to_contain_text("Acknowledged")
    assert report.referrals.get().status == ReferralStatus.ACKNOWLEDGED

    # Forwarded content is still checked, so that its removal is dated.
    reported_page.remove()
    clock.advance(hours=24, minutes=1)
    assert run_due() == 1
    gone_at = clock.now
    clock.advance(hours=1)
    assert run_due() == 1
    assert Takedown.objects.get(report_url=url).removed_at == gone_at
