"""The CyberTipline panel in a real browser: an analyst prepares, a supervisor sends to
a fake NCMEC and finishes; every state of the panel meets WCAG 2.x AA."""

import pytest
from playwright.sync_api import expect

from haven.cybertip.models import CyberTip, TipState
from haven.web.tests.conftest import PHONE, accessibility_problems, signed_in_context

pytestmark = pytest.mark.browser


def panel(page):
    return page.locator("#panel-cybertip")


def test_a_case_goes_to_ncmec_from_the_report_page(
    new_context, site, ncmec_settings, ncmec, case, analyst, supervisor
):
    problems = []
    page = signed_in_context(new_context, site, analyst, viewport=PHONE).new_page()
    page.goto(f"/triage/{case.reference}/")
    expect(panel(page)).to_contain_text("This case has not been reported to NCMEC.")
    problems.append(accessibility_problems(page))
    panel(page).get_by_role("button", name="Prepare and check").click()
    expect(panel(page).locator(".messages")).to_contain_text("checked against NCMEC's schema")
    expect(panel(page)).to_contain_text("A supervisor sends, finishes or retracts")
    problems.append(accessibility_problems(page))

    page = signed_in_context(new_context, site, supervisor, viewport=PHONE).new_page()
    page.goto(f"/triage/{case.reference}/")
    panel(page).get_by_role("button", name="Send to NCMEC").click()
    expect(panel(page).locator(".messages")).to_contain_text("NCMEC opened report 4564654")
    expect(panel(page)).to_contain_text("Finish by")
    problems.append(accessibility_problems(page))
    # Retracting without a reason: the form comes back with the error beside the field.
    panel(page).get_by_role("button", name="Retract the report").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Reason: Say why: it is kept with the report."
    )
    problems.append(accessibility_problems(page))
    page.goto(f"/triage/{case.reference}/")
    panel(page).get_by_role("button", name="Finish the report").click()
    expect(panel(page).locator(".messages")).to_contain_text("Report 4564654 is submitted")
    problems.append(accessibility_problems(page))

    assert CyberTip.objects.get().state == TipState.FINISHED
    assert ncmec.reports[4564654].state == "finished"
    found = [problem for problem in problems if problem]
    assert not found, "\n\n".join(found)
