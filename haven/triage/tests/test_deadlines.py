"""The response deadlines page: supervisors set hours per category; new reports use them."""

from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.reports.intake import ReportInput, submit_report
from haven.reports.models import Category, Source
from haven.triage import deadlines
from haven.triage.models import ResponseDeadline

PAGE = reverse("triage:deadlines")


def all_hours(**changes) -> dict[str, int]:
    hours = {
        value: deadlines.DEFAULT_HOURS.get(value, deadlines.OTHER_HOURS)
        for value in Category.values
    }
    return hours | changes


def test_the_page_starts_from_the_defaults(supervisor_client):
    response = supervisor_client.get(PAGE)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["danger_now"].initial == 1
    assert form["sexual_imagery"].initial == 24
    assert form["bullying"].initial == deadlines.OTHER_HOURS


def test_saving_changes_is_audited_and_new_reports_use_them(organisation, supervisor_client):
    response = supervisor_client.post(PAGE, all_hours(bullying=12))
    assert response.status_code == 302
    assert ResponseDeadline.objects.get(organisation=organisation, category="bullying").hours == 12
    event = AuditEvent.objects.get(action="deadlines.changed")
    assert event.detail == {"changes": {"bullying": [72, 12]}}

    before = timezone.now()
    report = submit_report(
        organisation, Source.PUBLIC, ReportInput(category="bullying"), Actor.public()
    ).report
    hours = (report.due_at - before).total_seconds() / 3600
    assert 11.9 < hours <= 12.01
    assert supervisor_client.get(PAGE).context["form"]["bullying"].initial == 12


def test_saving_without_changes_writes_nothing(supervisor_client):
    assert supervisor_client.post(PAGE, all_hours()).status_code == 302
    assert not ResponseDeadline.objects.exists()
    assert not AuditEvent.objects.filter(action="deadlines.changed").exists()


def test_other_organisations_deadlines_are_their_own(
    organisation, other_organisation, supervisor_client
):
    supervisor_client.post(PAGE, all_hours(self_harm=6))
    assert deadlines.hours_for(other_organisation.pk, "self_harm") == deadlines.OTHER_HOURS


def test_nonsense_hours_are_refused_with_messages(supervisor_client):
    response = supervisor_client.post(PAGE, all_hours(danger_now=0, bullying=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_danger_now"' in html
    assert "Enter the hours for “Bullying”." in html
    assert not ResponseDeadline.objects.exists()


def test_analysts_and_partners_cannot_change_deadlines(analyst_client, client, partner):
    assert analyst_client.get(PAGE).status_code == 403
    assert analyst_client.post(PAGE, all_hours(bullying=1)).status_code == 403
    partner_client = verified_client(client, partner)
    assert partner_client.get(PAGE).status_code == 403
    assert not ResponseDeadline.objects.exists()
