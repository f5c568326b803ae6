"""The staff side in a real browser: signing in with two factors, working a report from
the queue to closed, and what a supervisor sees afterwards."""

import re

import pytest
from playwright.sync_api import expect

from haven.audit.services import Actor
from haven.demo.synthetic import synthetic_jpeg
from haven.reports.intake import ReportInput, Upload, submit_report
from haven.reports.models import Category, Source, Status, Urgency
from haven.triage import actions
from haven.triage.models import ActionKind, ActionTaken, Severity
from haven.web.tests.conftest import (
    DESKTOP,
    PHONE,
    accessibility_problems,
    sign_in,
    signed_in_context,
)

pytestmark = pytest.mark.browser


def public_report(organisation, category: str, **fields):
    data = ReportInput(category=category, **fields)
    return submit_report(organisation, Source.PUBLIC, data, Actor.public()).report


def queue_references(page) -> list[str]:
    expect(page.locator(".queue-table")).to_be_visible()
    return page.locator(".queue-table tbody a.reference").all_inner_texts()


def done(page, message: str) -> None:
    expect(page.locator(".messages")).to_contain_text(message)


def test_an_analyst_signs_in_and_takes_a_child_in_danger_from_queue_to_closed(
    new_context, organisation, analyst
):
    # The standard report arrives first; the child in danger must still be on top.
    standard = public_report(organisation, Category.BULLYING, description="Mean comments.")
    urgent = public_report(organisation, Category.DANGER_NOW, description="Child at risk now.")
    context = new_context(viewport=DESKTOP)
    page = context.new_page()

    sign_in(page, analyst)
    page.wait_for_url(re.compile(r"/triage/$"))
    assert queue_references(page) == [urgent.reference, standard.reference]
    first_row = page.locator(".queue-table tbody tr").first
    expect(first_row).to_contain_text("Child in danger now")

    page.get_by_role("link", name=urgent.reference).click()
    expect(page.locator("h1")).to_have_text(f"Report {urgent.reference}")

    page.get_by_role("button", name="Claim this report").click()
    done(page, "You have claimed this report.")

    classify = page.locator("#form-classify")
    classify.get_by_label("Category").select_option(Category.DANGER_NOW)
    classify.get_by_label("Critical").check()
    classify.get_by_role("button", name="Save category and severity").click()
    done(page, "Category and severity saved.")

    action = page.locator("#form-action")
    action.get_by_label("Referred to police").check()
    action.get_by_label("Details").fill("Child protection unit, case 4471")
    action.get_by_role("button", name="Record action").click()
    done(page, "Action recorded.")
    expect(page.locator(".timeline")).to_contain_text("Child protection unit, case 4471")

    close = page.locator("#form-close")
    close.get_by_label("Reason").fill("The police have taken the case.")
    close.get_by_role("button", name="Close report").click()
    done(page, "Report closed.")
    expect(page.locator(".tag-row")).to_contain_text("Status: Closed")

    urgent.refresh_from_db()
    assert urgent.status == Status.CLOSED and urgent.closed_at is not None
    assert urgent.assigned_to == analyst
    assert (urgent.classified_category, urgent.severity) == (Category.DANGER_NOW, Severity.CRITICAL)
    assert urgent.urgency == Urgency.DANGER_NOW
    assert urgent.first_action_at is not None
    action_taken = ActionTaken.objects.get(report=urgent)
    assert (action_taken.kind, action_taken.detail, action_taken.actor) == (
        ActionKind.POLICE,
        "Child protection unit, case 4471",
        analyst,
    )

    page.get_by_role("link", name="Queue", exact=True).click()
    assert queue_references(page) == [standard.reference]
    page.goto("/triage/?status=closed")
    assert queue_references(page) == [urgent.reference]

    # The same session with scripts off: the queue is plain HTML and works the same.
    no_script = new_context(java_script_enabled=False, storage_state=context.storage_state())
    plain = no_script.new_page()
    plain.goto("/triage/")
    assert queue_references(plain) == [standard.reference]
    expect(plain.locator("h1")).to_have_text("Triage queue")


def test_a_supervisor_finds_statistics_and_the_analysts_work_in_the_audit_log(
    new_context, organisation, analyst, supervisor
):
    report = public_report(organisation, Category.DANGER_NOW, description="Child at risk now.")
    by_analyst = Actor.for_user(analyst, "192.0.2.10")
    actions.claim(report, analyst, actor=by_analyst)
    actions.classify(report, Category.DANGER_NOW, Severity.HIGH, analyst, actor=by_analyst)
    actions.record_action(report, ActionKind.POLICE, "Unit 7", analyst, actor=by_analyst)
    actions.close(report, analyst, "Police have it.", actor=by_analyst)
    page = new_context(viewport=DESKTOP).new_page()

    sign_in(page, supervisor)
    page.wait_for_url(re.compile(r"/triage/$"))
    page.get_by_role("link", name="Statistics").click()
    expect(page.locator("h1")).to_have_text("Statistics")
    for heading in ("Deadlines", "Time to first action, by category", "Time to close", "Download"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("1 report received")

    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("h1")).to_have_text("Audit log")
    rows = page.locator(".audit-table tbody tr")
    for done_by_analyst in (
        "report.claimed",
        "report.classified",
        "report.action_recorded",
        "report.closed",
    ):
        row = rows.filter(has_text=done_by_analyst)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("ana")
        expect(row.get_by_role("link", name=report.reference)).to_be_visible()

    page.get_by_label("Action").select_option("report.closed")
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Police have it.")
    rows.first.get_by_role("link", name=report.reference).click()
    expect(page.locator("h1")).to_have_text(f"Report {report.reference}")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_staff_pages_meet_wcag_aa(
    new_context, site, organisation, analyst, supervisor, viewport
):
    organisation.evidence_retention = True
    organisation.save()
    good, broken = synthetic_jpeg(5), synthetic_jpeg(6)
    report = public_report(
        organisation,
        Category.SEXUAL_IMAGERY,
        description="Pictures shared in a group.\nSecond line.",
        urls=["https://images.example/album/1"],
        platform="ExampleChat",
        age_band="13-15",
        contact="+44 20 7946 0000",
        uploads=[Upload("kept.jpg", good), Upload("broken.jpg", broken[:600])],
    )
    public_report(organisation, Category.BULLYING, description="Mean comments.")
    actions.add_note(report, "Looks like a known group.", analyst)
    actions.record_action(report, ActionKind.HOST_NOTICE, "ExampleChat trust team", analyst)
    problems = []

    login = new_context(viewport=viewport).new_page()
    login.goto("/accounts/login/")
    problems.append(accessibility_problems(login))
    login.get_by_role("button", name="Sign in").click()
    expect(login.locator(".error-summary, .field-error").first).to_be_visible()
    problems.append(accessibility_problems(login))

    page = signed_in_context(new_context, site, supervisor, viewport=viewport).new_page()
    page.goto("/triage/")
    expect(page.locator(".queue-table")).to_be_visible()
    problems.append(accessibility_problems(page))
    page.goto(f"/triage/{report.reference}/")
    expect(page.locator(".media-item")).to_have_count(2)
    preview = page.locator("img.media-guard")
    preview.scroll_into_view_if_needed()
    # Loaded lazily: wait until the blurred preview has really arrived.
    page.wait_for_function("document.querySelector('img.media-guard').naturalWidth > 0")
    expect(preview).to_be_visible()
    problems.append(accessibility_problems(page))
    # Closing without a reason: the page comes back with its list of problems.
    page.locator("#form-close").get_by_role("button", name="Close report").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems.append(accessibility_problems(page))
    for path in ("/triage/deadlines/", "/stats/", "/audit/"):
        page.goto(path)
        problems.append(accessibility_problems(page))

    found = [problem for problem in problems if problem]
    assert not found, "\n\n".join(found)
