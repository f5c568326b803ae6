"""Browser-test set-up: headless Chromium against a live server, and signing in.

One browser is started per test module and each test gets a fresh context (cookies,
viewport, JavaScript on or off). Why per module and not per session: while Playwright's
sync API is started it keeps an asyncio loop running in the main thread, and Django then
refuses database calls from that thread. The guard is relaxed (DJANGO_ALLOW_ASYNC_UNSAFE)
only while a browser is open, so the rest of the suite runs with it on.
"""

import os
from pathlib import Path

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import STRONG_PASSWORD, verified_client

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA, as axe-core tags them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests drive Debian's Chromium, and {CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, transactional_db) -> str:
    """The live server's address. Asking for transactional_db by name lets the root
    conftest open the audit log's purge gate when the test's data is flushed."""
    return live_server.url


@pytest.fixture
def new_context(browser, site):
    """Make browser contexts for this test (closed at its end), on the live server."""
    contexts = []

    def make(viewport=PHONE, **options):
        context = browser.new_context(base_url=site, viewport=viewport, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_context):
    """A page in a 360 x 740 phone-sized window, JavaScript on."""
    return new_context().new_page()


def code_for(device: TOTPDevice) -> str:
    """What the person's authenticator app shows now."""
    code = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{code:0{device.digits}d}"


def sign_in(page, user, password: str = STRONG_PASSWORD) -> None:
    """Sign in through the real pages: password, then a code from the person's device."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/**")
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    page.get_by_label("Code").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()


def signed_in_context(new_context, site: str, user, **options):
    """A context that already holds a session signed in with both factors.

    For pages under test that are not about signing in: quicker than the forms, and it
    leaves the person's code unused for a test that does sign in through them.
    """
    client = verified_client(Client(), user)
    context = new_context(**options)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": site}])
    return context


def accessibility_problems(page) -> str:
    """axe-core's WCAG 2.x A and AA violations on the page, as a readable report ("" if none)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    if results.violations_count == 0:
        return ""
    return f"{page.url}\n{results.generate_report()}"
