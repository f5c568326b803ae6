"""The policy editor in a real browser: a supervisor changes a cell of the matrix and
saves it, runs a sample in the tester, works the matrix on a phone and without
JavaScript; and axe-core finds no WCAG A or AA problem on the editor's pages."""

import pytest
from playwright.sync_api import expect

from haven.access.compiled import clear_cache
from haven.access.models import PolicyRule
from haven.web.tests.conftest import DESKTOP, PHONE, accessibility_problems, signed_in_context
from haven.web.tests.test_browser_reflow import WIDEST

pytestmark = pytest.mark.browser

CELL_LABEL = "Violence, Realistic, mild, ages 10-12"


@pytest.fixture(autouse=True)
def _fresh_compiled_policies():
    # The live server runs in this process: a policy row id reused after the last
    # test's flush must not find that test's compiled policy.
    clear_cache()
    yield
    clear_cache()


def test_a_supervisor_changes_a_cell_saves_and_sees_it_marked_changed(
    new_context, site, supervisor, family_policy
):
    page = signed_in_context(new_context, site, supervisor, viewport=DESKTOP).new_page()
    page.goto("/access/")
    page.get_by_role("link", name="The Okafor family", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Okafor family")

    cell = page.locator("#c-violence-realistic_mild-10-12-cell")
    expect(cell.locator(".act")).to_have_text("Guidance")
    page.get_by_label(CELL_LABEL).select_option("restrict")
    expect(cell).to_have_class("mcell is-dirty")
    expect(page.locator(".matrix-save .unsaved")).to_have_text("1 change not saved yet")

    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages")).to_contain_text("Saved 1 change.")
    cell = page.locator("#c-violence-realistic_mild-10-12-cell")
    expect(cell.locator(".act")).to_have_text("Restrict")
    expect(cell).to_contain_text("Changed here")
    expect(cell).to_contain_text("inherits Guidance")
    assert PolicyRule.objects.get(policy=family_policy).action == "restrict"


def test_a_supervisor_runs_a_sample_in_the_tester_and_sees_the_decision_and_reasons(
    new_context, site, supervisor, family_policy
):
    page = signed_in_context(new_context, site, supervisor, viewport=DESKTOP).new_page()
    page.goto(f"/access/policies/{family_policy.pk}/")
    page.get_by_role("link", name="Try it in the tester").click()
    page.get_by_role("link", name="A news report of a shooting").click()
    result = page.locator("#result")
    expect(result.get_by_role("heading", level=2)).to_contain_text("Decision: Warn")
    expect(result.locator("tr.is-decisive", has_text="HVN-PROTECT-10")).to_be_visible()
    expect(result).to_contain_text("What the child sees")

    # Then their own sample: a pornographic page for a 16-year-old is still blocked.
    page.get_by_label("Sample text").fill("")
    expect(page.locator(".tester-descriptors")).to_have_attribute("open", "")  # a sample opens it
    page.get_by_label("Sexual content").select_option("explicit")
    page.get_by_label("Violence", exact=True).select_option("")
    page.get_by_label("Child's age").fill("16")
    page.get_by_label("Context").select_option("home")
    page.get_by_role("button", name="Test", exact=True).click()
    expect(page.locator("#result h2")).to_contain_text("Decision: Block")
    expect(page.locator("#result tr.is-decisive", has_text="OSA-PPC-1")).to_be_visible()


def test_the_matrix_is_usable_on_a_phone(new_context, site, supervisor, family_policy):
    page = signed_in_context(new_context, site, supervisor, viewport=PHONE).new_page()
    page.goto(f"/access/policies/{family_policy.pk}/")
    width, wide = page.evaluate(WIDEST)
    assert width <= PHONE["width"], f"the matrix is {width}px wide: {wide}"
    select = page.get_by_label(CELL_LABEL)
    select.scroll_into_view_if_needed()
    box = select.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] >= 24
    select.select_option("block")
    save = page.get_by_role("button", name="Save changes")
    expect(save).to_be_in_viewport()  # the save bar stays on screen
    save.click()
    expect(page.locator(".messages")).to_contain_text("Saved 1 change.")
    assert PolicyRule.objects.get().action == "block"


def test_the_matrix_saves_without_javascript(new_context, site, guardian, family_policy):
    context = signed_in_context(
        new_context, site, guardian, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"/access/policies/{family_policy.pk}/?context=school")
    page.get_by_label("Gambling, Simulated (no real money), ages 13-15").select_option("block")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages")).to_contain_text("Saved 1 change.")
    rule = PolicyRule.objects.get()
    assert (rule.context, rule.action) == ("school", "block")


def test_the_editor_pages_pass_axe(new_context, site, supervisor, family_policy):
    PolicyRule.objects.create(
        policy=family_policy,
        descriptor="gore",
        level="mild",
        age_band="6-9",
        action="block",
    )
    base = f"/access/policies/{family_policy.pk}/"
    for viewport in (DESKTOP, PHONE):
        page = signed_in_context(new_context, site, supervisor, viewport=viewport).new_page()
        for path in (
            "/access/",
            "/access/rules/",
            base,
            f"{base}?context=school&vulnerabilities=contact_risk",
            f"{base}test/?sample=grooming",
            f"{base}test/?sample=pro-self-harm",
            f"{base}edit/",
            f"{base}guardians/",
            "/access/policies/new/",
        ):
            page.goto(path)
            assert accessibility_problems(page) == ""
            if viewport is PHONE:
                width, wide = page.evaluate(WIDEST)
                assert width <= PHONE["width"], f"{path} is {width}px wide: {wide}"


def test_a_refused_change_is_explained_and_reachable_from_the_summary(
    new_context, site, supervisor, family_policy
):
    page = signed_in_context(new_context, site, supervisor, viewport=DESKTOP).new_page()
    page.goto(f"/access/policies/{family_policy.pk}/")
    # No list is offered on a locked cell; a stale or crafted form can still send one.
    page.evaluate(
        """() => {
          const form = document.getElementById('matrix-form');
          const input = document.createElement('input');
          input.type = 'hidden'; input.name = 'cell:sexual:explicit:16-17'; input.value = 'allow';
          form.appendChild(input);
        }"""
    )
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("cannot be set below Block: rule OSA-PPC-1")
    assert accessibility_problems(page) == ""
    summary.get_by_role("link").first.click()
    assert page.url.endswith("#c-sexual-explicit-16-17-cell")
    assert not PolicyRule.objects.exists()
