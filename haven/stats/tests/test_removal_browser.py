"""The removal statistics page with the demo's history, in a real browser: it reflows on
a phone and axe-core finds no WCAG A or AA problem."""

import pytest

from haven.accounts.models import User
from haven.demo.seed import seed_demo
from haven.web.tests.conftest import accessibility_problems, signed_in_context
from haven.web.tests.test_browser_reflow import NARROW, WIDEST

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_supervisor(transactional_db):
    seed_demo()
    return User.objects.get(username="demo-supervisor")


def test_the_removal_page_reflows_on_a_phone_and_passes_axe(new_context, site, demo_supervisor):
    page = signed_in_context(new_context, site, demo_supervisor, viewport=NARROW).new_page()
    page.goto("/stats/removal/")
    assert page.get_by_role("heading", name="Removal statistics", level=1).is_visible()
    assert page.get_by_role("img", name="Time from first notice to removal").is_visible()
    width, wide = page.evaluate(WIDEST)
    assert width <= NARROW["width"], f"/stats/removal/ is {width}px wide: {wide}"
    assert accessibility_problems(page) == ""
