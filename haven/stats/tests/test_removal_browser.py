"""The removal statistics page with the demo's history, in a real browser: its tables fit
a laptop's screen, it reflows on a phone (wide tables scroll in a region of their own that
the keyboard can reach) and axe-core finds no WCAG A or AA problem."""

import pytest

from haven.accounts.models import User
from haven.demo.seed import seed_demo
from haven.web.tests.conftest import accessibility_problems, signed_in_context
from haven.web.tests.test_browser_reflow import NARROW, WIDEST

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
# Each table's scrolling region: its label, how wide its table is and how wide the region.
REGIONS = """() => [...document.querySelectorAll('.table-scroll')].map(region => ({
  label: (document.getElementById(region.getAttribute('aria-labelledby')) || {}).textContent,
  role: region.getAttribute('role'),
  tabindex: region.getAttribute('tabindex'),
  table: region.scrollWidth,
  region: region.clientWidth,
}))"""


@pytest.fixture
def demo_supervisor(transactional_db):
    seed_demo()
    return User.objects.get(username="demo-supervisor")


def test_the_removal_page_fits_a_laptop_and_reflows_on_a_phone_and_passes_axe(
    new_context, site, demo_supervisor
):
    page = signed_in_context(new_context, site, demo_supervisor, viewport=LAPTOP).new_page()
    page.goto("/stats/removal/")
    regions = page.evaluate(REGIONS)
    labels = [region["label"] for region in regions]
    assert "Takedowns by hosting country" in labels and "Takedowns by host" in labels
    # Every column in view, "Forwarded" included: nothing hides behind a sideways scroll.
    assert all(r["table"] <= r["region"] for r in regions), regions
    for header in page.get_by_role("columnheader", name="Forwarded").all():
        box = header.bounding_box()
        assert box is not None and box["x"] + box["width"] <= LAPTOP["width"]

    page = signed_in_context(new_context, site, demo_supervisor, viewport=NARROW).new_page()
    page.goto("/stats/removal/")
    assert page.get_by_role("heading", name="Removal statistics", level=1).is_visible()
    assert page.get_by_role("img", name="Time from first notice to removal").is_visible()
    width, wide = page.evaluate(WIDEST)
    assert width <= NARROW["width"], f"/stats/removal/ is {width}px wide: {wide}"
    # What is wider than a phone scrolls inside a named region the keyboard can reach.
    for region in page.evaluate(REGIONS):
        assert (region["role"], region["tabindex"]) == ("region", "0"), region
        assert region["label"], region
    assert accessibility_problems(page) == ""
