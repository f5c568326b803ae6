"""Staff pages reflow on a small phone too (WCAG 1.4.10): nothing scrolls sideways."""

import pytest

from haven.web.tests.conftest import signed_in_context

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 740}
WIDEST = """() => {
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                 && !(e.parentElement && e.parentElement.closest('.table-scroll')))
    .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
  return [document.documentElement.scrollWidth, wide.slice(0, 8)];
}"""


@pytest.mark.parametrize(
    "path",
    [
        "/triage/",
        "/stats/",
        "/audit/",
        "/triage/deadlines/",
        "/banks/",
        "/banks/new",
        "/exchanges/",
    ],
)
def test_staff_pages_do_not_scroll_sideways_on_a_phone(new_context, site, supervisor, path):
    page = signed_in_context(new_context, site, supervisor, viewport=NARROW).new_page()
    page.goto(path)
    width, wide = page.evaluate(WIDEST)
    assert width <= NARROW["width"], f"{path} is {width}px wide: {wide}"


def test_bank_pages_do_not_scroll_sideways_on_a_phone(new_context, site, supervisor):
    from haven.audit.services import Actor
    from haven.matching.banks import Signal, add_entry, create_bank

    bank = create_bank(Actor.system("test"), supervisor.organisation, "Known", "Known material")
    entry, _ = add_entry(Actor.system("test"), bank, Signal("pdq", "a5" * 32, labels=["one"]))
    page = signed_in_context(new_context, site, supervisor, viewport=NARROW).new_page()
    for path in (f"/banks/{bank.pk}/", f"/banks/{bank.pk}/import", f"/banks/entries/{entry.pk}/"):
        page.goto(path)
        width, wide = page.evaluate(WIDEST)
        assert width <= NARROW["width"], f"{path} is {width}px wide: {wide}"
