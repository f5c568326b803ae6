"""The helpline pages in a real browser: a counsellor records a call without JavaScript,
the pages fit a phone, and axe-core finds no WCAG A or AA problem."""

import pytest

from haven.helpline.models import Contact, ContactStatus
from haven.helpline.tests.factories import CHILD_NUMBER, record_contact
from haven.web.tests.conftest import accessibility_problems, signed_in_context
from haven.web.tests.test_browser_reflow import NARROW, WIDEST

pytestmark = pytest.mark.browser


def test_a_counsellor_records_a_call_on_a_phone_without_javascript(
    new_context, site, counsellor, district
):
    context = signed_in_context(
        new_context, site, counsellor, viewport=NARROW, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/helpline/")
    page.get_by_role("link", name="Record a phone call").click()
    page.get_by_label("Child's age").fill("13")
    page.get_by_label("District").select_option(label="Riverside")
    page.get_by_text("Mental health", exact=True).click()  # opens the area
    page.get_by_label("Thoughts of suicide").check()
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Summary").fill("Feels nobody listens")
    page.get_by_label("Phone number or handle to call back").fill(CHILD_NUMBER)
    page.get_by_role("button", name="Save and complete").click()
    contact = Contact.objects.get()
    assert contact.status == ContactStatus.COMPLETED
    assert contact.categories == ["mental_health.suicidal_thoughts"]
    assert page.get_by_role("heading", name=f"Contact {contact.reference}").is_visible()
    assert CHILD_NUMBER not in page.content()


def test_the_helpline_pages_fit_a_phone_and_pass_axe(new_context, site, supervisor, counsellor):
    record_contact(counsellor, handle=CHILD_NUMBER, summary="Earlier", consent_record=True)
    contact = record_contact(counsellor, handle=CHILD_NUMBER, child_name="Asha Devi")
    page = signed_in_context(new_context, site, supervisor, viewport=NARROW).new_page()
    for path in (
        "/helpline/",
        "/helpline/contacts/new/",
        "/helpline/contacts/",
        f"/helpline/contacts/{contact.reference}/",
        f"/helpline/contacts/{contact.reference}/edit/",
        "/helpline/settings/",
    ):
        page.goto(path)
        width, wide = page.evaluate(WIDEST)
        assert width <= NARROW["width"], f"{path} is {width}px wide: {wide}"
        assert accessibility_problems(page) == ""
