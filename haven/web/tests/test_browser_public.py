"""The public pages in a real browser: a phone, with and without JavaScript, in two languages.

What a child or a worried adult meets: the report form, the reference and PIN shown
once, and the status page. These tests drive headless Chromium against a live server.
"""

import re

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from haven.demo.synthetic import synthetic_jpeg
from haven.hashing.media import rejection_message
from haven.reports.models import Category, MediaStatus, Report, Urgency
from haven.web.tests.conftest import accessibility_problems

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"^HVN-[A-Z0-9]{5}-[A-Z0-9]{5}$")
PIN = re.compile(r"^[0-9]{6}$")


def picture(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def choose(page, category: str) -> None:
    """Pick a category by its value, so that the same step works in any language."""
    page.locator(f'input[name="category"][value="{category}"]').check()


def send(page) -> None:
    page.locator("button.submit-report").click()


def reference_and_pin(page) -> tuple[str, str]:
    """The two numbers on the confirmation page, checked for their shape."""
    expect(page.locator(".reference-card")).to_be_visible()
    numbers = page.locator(".reference-card .big-number").all_inner_texts()
    reference, pin = (number.strip() for number in numbers)
    assert REFERENCE.match(reference), reference
    assert PIN.match(pin), pin
    return reference, pin


def check_status(page, reference: str, pin: str) -> None:
    page.goto("/report/status/")
    page.locator("#id_reference").fill(reference)
    page.locator("#id_pin").fill(pin)
    page.locator(".status-form button[type=submit]").click()


def test_a_child_in_danger_now_is_reported_from_a_phone(phone, organisation, tmp_path):
    page = phone
    page.goto("/report/")
    panel = page.locator("#danger-now-panel")
    expect(panel).to_be_hidden()

    page.get_by_label("A child in danger now", exact=True).check()
    # report.js shows the "call now" panel at once, before anything is sent.
    expect(panel).to_be_visible(timeout=1000)
    expect(panel).to_contain_text(settings.EMERGENCY_NUMBER)

    page.get_by_label("Tell us what happened").fill("A child says a stranger is outside.")
    page.get_by_label("Where did you see it? (optional)").fill("https://chat.example/room/7")
    page.get_by_label("Photos or videos (optional)").set_input_files(
        picture(tmp_path, "screenshot.jpg", synthetic_jpeg(1))
    )
    send(page)

    page.wait_for_url("**/report/sent/")
    expect(page.locator("h1")).to_contain_text("A child in danger needs help now")
    reference, pin = reference_and_pin(page)

    check_status(page, reference, pin)
    expect(page.locator(".status-result")).to_contain_text("Status: Received")

    report = Report.objects.get(reference=reference)
    assert report.organisation == organisation
    assert report.category == Category.DANGER_NOW
    assert report.urgency == Urgency.DANGER_NOW == 0
    assert [url.url for url in report.urls.all()] == ["https://chat.example/room/7"]
    item = report.media.get()
    assert (item.original_name, item.status) == ("screenshot.jpg", MediaStatus.HASHED)


def test_without_javascript_a_damaged_file_is_named_and_the_rest_is_kept(
    new_context, organisation, tmp_path
):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/report/")
    page.get_by_label("Bullying", exact=True).check()
    page.get_by_label("Tell us what happened").fill("Older pupils post cruel comments.")
    good = synthetic_jpeg(3)
    broken = synthetic_jpeg(2)
    page.get_by_label("Photos or videos (optional)").set_input_files(
        [
            picture(tmp_path, "broken.jpg", broken[: len(broken) // 2]),
            picture(tmp_path, "good.jpg", good),
        ]
    )
    send(page)

    page.wait_for_url("**/report/sent/")
    rejected = page.locator(".rejected-files")
    expect(rejected).to_contain_text("“broken.jpg” could not be added.")
    with translation.override("en"):  # the page is in English, whatever this thread has
        expect(rejected).to_contain_text(rejection_message("truncated"))
    expect(rejected).not_to_contain_text("good.jpg")
    reference, _ = reference_and_pin(page)

    report = Report.objects.get(reference=reference)
    assert report.category == Category.BULLYING
    items = {item.original_name: item for item in report.media.all()}
    assert set(items) == {"broken.jpg", "good.jpg"}
    assert (items["broken.jpg"].status, items["broken.jpg"].rejection) == (
        MediaStatus.REJECTED,
        "truncated",
    )
    assert items["good.jpg"].status == MediaStatus.HASHED
    assert items["good.jpg"].size == len(good)


def test_without_javascript_a_bad_address_is_listed_and_leads_to_its_field(
    new_context, organisation
):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/report/")
    choose(page, Category.DANGER_NOW)
    # Without JavaScript nothing shows the panel on the click; the server shows it instead.
    expect(page.locator("#danger-now-panel")).to_be_hidden()
    page.get_by_label("Where did you see it? (optional)").fill("ftp://x")
    send(page)

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    link = summary.locator('a[href="#id_urls"]')
    expect(link).to_contain_text("Line 1: “ftp://x” is not a web address")
    expect(page.locator("#id_urls_error")).to_contain_text("ftp://x")
    expect(page.locator("#id_urls")).to_have_value("ftp://x")
    expect(page.locator("#danger-now-panel")).to_be_visible()
    expect(page.locator('input[name="category"][value="danger_now"]')).to_be_checked()
    assert Report.objects.count() == 0

    # The keyboard reaches the skip link first, then the error's link; following that
    # link puts the cursor in the field at fault, all without any script.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    for _ in range(20):
        if link.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#id_urls$"))
    expect(page.locator("#id_urls")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("https://example.org/page")
    expect(page.locator("#id_urls")).to_have_value("https://example.org/page")


@pytest.mark.parametrize(
    ("language", "category"), [("en", Category.DANGER_NOW), ("fr", Category.BULLYING)]
)
def test_the_public_pages_meet_wcag_aa_on_a_phone(phone, organisation, language, category):
    page = phone
    page.goto("/report/")
    if language != "en":
        # The language switch on the page itself, as a reader would use it.
        page.locator(f'.lang-switch button[value="{language}"]').click()
        expect(page.locator("html")).to_have_attribute("lang", language)
    problems = [accessibility_problems(page)]

    choose(page, category)
    page.locator("#id_urls").fill("ftp://x")
    send(page)
    # report.js moves focus to the list of problems so that it is read out first.
    expect(page.locator(".error-summary")).to_be_focused()
    problems.append(accessibility_problems(page))

    page.locator("#id_urls").fill("https://example.org/page")
    page.locator("#id_description").fill("Something worrying.")
    send(page)
    page.wait_for_url("**/report/sent/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    problems.append(accessibility_problems(page))
    reference, pin = reference_and_pin(page)

    page.goto("/report/status/")
    problems.append(accessibility_problems(page))
    check_status(page, reference, "000000" if pin != "000000" else "111111")
    expect(page.locator(".error-summary")).to_be_visible()
    problems.append(accessibility_problems(page))
    check_status(page, reference, pin)
    expect(page.locator(".status-result")).to_be_visible()
    problems.append(accessibility_problems(page))

    found = [problem for problem in problems if problem]
    assert not found, "\n\n".join(found)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_public_pages_never_scroll_sideways_at_320_pixels(new_context, organisation, language):
    page = new_context(viewport={"width": 320, "height": 640}, locale=language).new_page()
    page.goto("/report/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    widths = {"form": page.evaluate("document.documentElement.scrollWidth")}

    # A long unbroken address in an error message is the likeliest thing to push sideways.
    choose(page, Category.OTHER)
    page.locator("#id_urls").fill("ftp://" + "x" * 120)
    send(page)
    expect(page.locator(".error-summary")).to_be_visible()
    widths["form with errors"] = page.evaluate("document.documentElement.scrollWidth")

    page.goto("/report/status/")
    widths["status"] = page.evaluate("document.documentElement.scrollWidth")
    assert all(width <= 320 for width in widths.values()), widths
