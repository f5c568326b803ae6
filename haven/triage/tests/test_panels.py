"""Other apps' sections of the report page, and where their messages show."""

import re

from django.test import RequestFactory
from django.urls import reverse

from haven.reports.models import ReportUrl
from haven.triage import panels
from haven.triage.tests.support import make_report


def _section(html: str, key: str) -> str:
    match = re.search(rf'<section[^>]*id="panel-{key}">(.*?)</section>', html, re.S)
    assert match, f"no panel {key}"
    return match.group(1)


def test_a_panels_url_names_the_panel_for_the_page_and_the_browser():
    assert panels.url("HVN-1", "takedown") == "/triage/HVN-1/?panel=takedown#panel-takedown"


def test_only_a_registered_panel_is_taken_from_the_address():
    factory = RequestFactory()
    assert panels.message_panel(factory.get("/", {"panel": "takedown"})) == "takedown"
    assert panels.message_panel(factory.get("/", {"panel": "<script>"})) == ""
    assert panels.message_panel(None) == ""


def test_the_message_of_a_panels_action_is_shown_in_that_panel_not_at_the_top(
    analyst_client, organisation
):
    report = make_report(organisation)
    url = ReportUrl.objects.create(report=report, url="https://files.example/1")

    # Refused (the address is not classified yet): the reason must be seen where the
    # analyst pressed the button, far down the page.
    response = analyst_client.post(reverse("takedown:start", args=[url.pk]), follow=True)

    html = response.content.decode()
    section = _section(html, "takedown")
    assert 'class="messages"' in section and "Classify this address" in section
    assert html.count('class="messages"') == 1
