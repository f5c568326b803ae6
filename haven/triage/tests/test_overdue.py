"""The overdue job: each late report is flagged once and its supervisors told."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from conftest import make_user
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.reports.models import Status
from haven.triage.jobs import flag_overdue
from haven.triage.tests.support import make_report


def test_late_reports_are_flagged_once_even_when_the_job_runs_twice(
    organisation, supervisor, analyst
):
    late = make_report(organisation, due_in_hours=-2)
    assert flag_overdue() == 1
    assert flag_overdue() == 0
    late.refresh_from_db()
    assert late.overdue_notified_at is not None
    assert AuditEvent.objects.filter(action="report.overdue", target_id=str(late.pk)).count() == 1
    # Supervisors are told, analysts are not; the e-mail names the report and nothing more.
    assert [message.to for message in mail.outbox] == [["sam@example.org"]]
    assert late.reference in mail.outbox[0].subject


def test_every_supervisor_and_admin_of_the_organisation_is_told(
    organisation, other_organisation, supervisor, outsider
):
    make_user(organisation, "adele", Role.ADMIN)
    make_report(organisation, due_in_hours=-1)
    flag_overdue()
    assert sorted(mail.outbox[0].to) == ["adele@example.org", "sam@example.org"]


def test_reports_with_a_first_action_are_not_flagged(organisation, supervisor):
    acted = make_report(organisation, due_in_hours=-2, first_action_at=timezone.now())
    assert flag_overdue() == 0
    acted.refresh_from_db()
    assert acted.overdue_notified_at is None
    assert mail.outbox == []


def test_reports_not_yet_due_or_closed_are_not_flagged(organisation, supervisor):
    make_report(organisation, due_in_hours=1)
    make_report(organisation, due_in_hours=-1, status=Status.CLOSED)
    assert flag_overdue() == 0
    assert mail.outbox == []


def test_a_report_becomes_overdue_when_its_time_comes(organisation, supervisor):
    report = make_report(organisation, due_in_hours=1)
    assert flag_overdue() == 0
    assert flag_overdue(now=timezone.now() + timedelta(hours=2)) == 1
    report.refresh_from_db()
    assert report.overdue_notified_at is not None
