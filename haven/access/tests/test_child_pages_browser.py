"""The child's pages in a real browser, on a phone: a child opens the link a platform
gave them, reads why in their words with the sign that a parent monitors, asks to
unblock; the guardian approves in another browser; the child's page then says yes.
Without JavaScript too, and axe-core finds no WCAG A or AA problem on any of it."""

import re

import pytest
from playwright.sync_api import expect

from haven.access import links
from haven.access.alerts import raise_alert
from haven.access.catalogue import Action
from haven.access.explain import explain_for_child, monitoring_notice
from haven.access.models import UnblockRequest
from haven.access.types import Content, Decision, Reason
from haven.web.tests.conftest import PHONE, accessibility_problems, signed_in_context
from haven.web.tests.test_browser_reflow import WIDEST

pytestmark = pytest.mark.browser

REF = "https://video.example/watch?v=42"


def blocked(band="10-12") -> Decision:
    reason = Reason(
        "HVN-VIOLENCE-3",
        "Realistic intense violence",
        "OARS",
        "violence",
        "realistic_intense",
        Action.BLOCK,
        "set",
        "default",
        decisive=True,
    )
    return Decision(
        action=Action.BLOCK,
        band=band,
        context="home",
        reasons=(reason,),
        descriptors={"violence": "realistic_intense"},
    )


def why_link(child, ref=REF) -> str:
    token = links.why_token(child, Content(ref=ref, title="Street fight compilation"), blocked())
    return links.why_url(None, token)


def fits_the_phone(page) -> None:
    width, wide = page.evaluate(WIDEST)
    assert width <= PHONE["width"], f"{page.url} is {width}px wide: {wide}"


def test_a_child_asks_to_unblock_and_sees_the_guardians_yes(new_context, site, child, guardian):
    problems = []
    page = new_context().new_page()
    page.goto(why_link(child))
    expect(page.get_by_role("heading", name="Why can't I see this?")).to_be_visible()
    expect(page.get_by_text(explain_for_child(blocked(), "Mum or Dad"))).to_be_visible()
    sign = page.locator(".monitoring")
    expect(sign).to_be_visible()
    expect(sign).to_contain_text(monitoring_notice("parent", "10-12"))
    fits_the_phone(page)
    problems.append(accessibility_problems(page))

    page.get_by_label("Your message").fill("It's for my history project")
    expect(page.locator("#message-count")).to_contain_text(str(500 - 27))
    page.get_by_role("button", name="Ask Mum or Dad").click()
    page.wait_for_url(re.compile(r"/access/asked/"))
    expect(page.get_by_text("Waiting for Mum or Dad to answer.")).to_be_visible()
    problems.append(accessibility_problems(page))

    adult = signed_in_context(new_context, site, guardian).new_page()
    adult.goto("/access/requests/")
    problems.append(accessibility_problems(adult))
    adult.get_by_role("link", name="Street fight compilation").click()
    expect(adult.get_by_text("It's for my history project")).to_be_visible()
    problems.append(accessibility_problems(adult))
    adult.get_by_label("Yes, for 30 days").check()
    adult.get_by_label("A note for the child").fill("OK, we'll talk about it at dinner")
    adult.get_by_role("button", name="Send the answer").click()
    expect(adult.get_by_text("Answer saved.")).to_be_visible()
    assert UnblockRequest.objects.get().status == "approved"

    page.reload()
    expect(page.get_by_text("Yes! Mum or Dad said you can see it.")).to_be_visible()
    expect(page.get_by_text("we'll talk about it at dinner")).to_be_visible()
    fits_the_phone(page)
    problems.append(accessibility_problems(page))
    found = [problem for problem in problems if problem]
    assert not found, "\n\n".join(found)


def test_a_child_asks_without_javascript(new_context, child):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(why_link(child) + "?lang=fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".monitoring")).to_be_visible()
    page.locator("#id_message").fill("s'il te plaît")
    page.locator("form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/access/asked/.*lang=fr"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert UnblockRequest.objects.get().child_message == "s'il te plaît"


def test_the_adults_pages_and_the_expired_link_pass_axe(new_context, site, child, guardian):
    alert = raise_alert(child, blocked(), "chat.example:room/1")
    page = new_context().new_page()
    page.goto("/access/why/not-a-token/")
    expect(page.get_by_role("heading", name="This link doesn't work any more")).to_be_visible()
    problems = [accessibility_problems(page)]
    adult = signed_in_context(new_context, site, guardian).new_page()
    for path in (
        "/access/children/",
        "/access/children/new/",
        f"/access/children/{child.pk}/",
        "/access/alerts/",
        f"/access/alerts/{alert.pk}/",
    ):
        adult.goto(path)
        fits_the_phone(adult)
        problems.append(accessibility_problems(adult))
    found = [problem for problem in problems if problem]
    assert not found, "\n\n".join(found)
