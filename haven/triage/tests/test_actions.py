"""The rules of every triage action, called directly: state, audit row, refusals."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from conftest import make_user
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.reports.models import Category, Status, Urgency
from haven.triage import actions
from haven.triage.models import ActionKind, ActionTaken, Note
from haven.triage.tests.support import make_report


def audit_rows(report, action):
    return AuditEvent.objects.filter(target_type="report", target_id=str(report.pk), action=action)


def test_claim_assigns_the_report_to_the_analyst_and_starts_review(report, analyst):
    actions.claim(report, analyst)
    report.refresh_from_db()
    assert report.assigned_to == analyst
    assert report.status == Status.IN_REVIEW
    event = audit_rows(report, "report.claimed").get()
    assert event.actor == analyst and event.organisation_id == report.organisation_id


def test_claiming_a_report_someone_else_has_is_refused(report, analyst, supervisor):
    actions.claim(report, supervisor)
    with pytest.raises(actions.InvalidTransition, match="assigned to sam"):
        actions.claim(report, analyst)
    report.refresh_from_db()
    assert report.assigned_to == supervisor


def test_claiming_your_own_report_again_is_refused(report, analyst):
    actions.claim(report, analyst)
    with pytest.raises(actions.InvalidTransition, match="already assigned to you"):
        actions.claim(report, analyst)
    assert audit_rows(report, "report.claimed").count() == 1


def test_claim_keeps_an_actioned_report_actioned(report, analyst):
    actions.record_action(report, ActionKind.POLICE, "Unit 7", analyst)
    actions.claim(report, analyst)
    report.refresh_from_db()
    assert report.status == Status.ACTIONED


def test_supervisor_assigns_to_staff_of_the_same_organisation_and_they_are_emailed(
    report, supervisor, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.assign(report, analyst, supervisor)
    report.refresh_from_db()
    assert report.assigned_to == analyst and report.status == Status.IN_REVIEW
    event = audit_rows(report, "report.assigned").get()
    assert event.detail["assignee"] == "ana" and event.actor == supervisor
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert report.reference in mail.outbox[0].subject


def test_analysts_cannot_assign(report, analyst, supervisor):
    with pytest.raises(PermissionDenied):
        actions.assign(report, supervisor, analyst)
    report.refresh_from_db()
    assert report.assigned_to is None
    assert not audit_rows(report, "report.assigned").exists()


def test_assigning_to_someone_in_another_organisation_is_refused(report, supervisor, outsider):
    with pytest.raises(actions.InvalidInput, match="staff in your organisation"):
        actions.assign(report, outsider, supervisor)
    report.refresh_from_db()
    assert report.assigned_to is None


def test_assigning_to_a_partner_service_is_refused(report, supervisor, partner):
    with pytest.raises(actions.InvalidInput):
        actions.assign(report, partner, supervisor)


def test_assigning_to_an_inactive_member_is_refused(report, supervisor, organisation):
    leaver = make_user(organisation, "leaver", Role.ANALYST)
    leaver.is_active = False
    leaver.save()
    with pytest.raises(actions.InvalidInput):
        actions.assign(report, leaver, supervisor)


def test_classify_sets_category_and_severity_and_records_the_previous_values(report, analyst):
    actions.classify(report, Category.SOLICITATION, "high", analyst)
    report.refresh_from_db()
    assert (report.classified_category, report.severity) == ("solicitation", "high")
    assert report.category == Category.BULLYING  # what the reporter said is kept
    event = audit_rows(report, "report.classified").get()
    assert event.detail["previous"] == {"category": "", "severity": ""}


def test_classifying_as_danger_now_moves_the_report_to_the_top(report, analyst):
    actions.classify(report, Category.DANGER_NOW, "critical", analyst)
    report.refresh_from_db()
    assert report.urgency == Urgency.DANGER_NOW


def test_classifying_never_lowers_urgency(organisation, analyst):
    report = make_report(organisation, urgency=Urgency.KNOWN_MATERIAL)
    actions.classify(report, Category.OTHER, "low", analyst)
    report.refresh_from_db()
    assert report.urgency == Urgency.KNOWN_MATERIAL


@pytest.mark.parametrize(
    ("category", "severity", "field"),
    [("nonsense", "high", "category"), ("bullying", "apocalyptic", "severity")],
)
def test_classify_refuses_unknown_values(report, analyst, category, severity, field):
    with pytest.raises(actions.InvalidInput) as refused:
        actions.classify(report, category, severity, analyst)
    assert refused.value.field == field
    assert not audit_rows(report, "report.classified").exists()


def test_add_note_stores_the_text_but_keeps_it_out_of_the_audit_log(report, analyst):
    note = actions.add_note(report, "  Spoke to the platform.  ", analyst)
    assert Note.objects.get().text == "Spoke to the platform."
    event = audit_rows(report, "report.note_added").get()
    assert event.detail["note_id"] == note.pk
    assert "platform" not in str(event.detail)


def test_an_empty_note_is_refused(report, analyst):
    with pytest.raises(actions.InvalidInput, match="Write the note"):
        actions.add_note(report, "   ", analyst)
    assert not Note.objects.exists()


def test_the_first_action_stops_the_clock_and_later_ones_do_not_move_it(report, analyst):
    actions.record_action(report, ActionKind.HOST_NOTICE, "ExampleHost abuse desk", analyst)
    report.refresh_from_db()
    first = report.first_action_at
    assert first is not None and report.status == Status.ACTIONED
    actions.record_action(report, ActionKind.POLICE, "National unit", analyst)
    report.refresh_from_db()
    assert report.first_action_at == first
    assert ActionTaken.objects.filter(report=report).count() == 2
    recorded = audit_rows(report, "report.action_recorded").order_by("pk")
    assert [event.detail["first"] for event in recorded] == [True, False]


def test_no_action_needs_a_reason(report, analyst):
    with pytest.raises(actions.InvalidInput, match="why no action") as refused:
        actions.record_action(report, ActionKind.NO_ACTION, " ", analyst)
    assert refused.value.field == "detail"
    report.refresh_from_db()
    assert report.first_action_at is None and report.status == Status.RECEIVED
    actions.record_action(report, ActionKind.NO_ACTION, "Content already removed", analyst)
    assert ActionTaken.objects.get().detail == "Content already removed"


def test_an_unknown_action_kind_is_refused(report, analyst):
    with pytest.raises(actions.InvalidInput):
        actions.record_action(report, "smite", "", analyst)


def test_close_and_reopen(report, analyst):
    actions.close(report, analyst, "Duplicate of another report")
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.closed_at is not None
    closed = audit_rows(report, "report.closed").get()
    assert closed.detail["reason"] == "Duplicate of another report"
    assert closed.detail["previous_status"] == "received"

    actions.reopen(report, analyst, "Not a duplicate after all")
    report.refresh_from_db()
    assert report.status == Status.IN_REVIEW and report.closed_at is None
    assert audit_rows(report, "report.reopened").get().detail["reason"].startswith("Not a dup")


def test_closing_a_closed_report_is_refused(report, analyst):
    actions.close(report, analyst, "Done")
    with pytest.raises(actions.InvalidTransition, match="already closed"):
        actions.close(report, analyst, "Again")
    assert audit_rows(report, "report.closed").count() == 1


def test_reopening_an_open_report_is_refused(report, analyst):
    with pytest.raises(actions.InvalidTransition, match="Only a closed report"):
        actions.reopen(report, analyst, "Why not")


@pytest.mark.parametrize("action", ["close", "reopen"])
def test_closing_and_reopening_need_a_reason(report, analyst, action):
    if action == "reopen":
        actions.close(report, analyst, "Done")
    with pytest.raises(actions.InvalidInput, match="Say why") as refused:
        getattr(actions, action)(report, analyst, "")
    assert refused.value.field == "reason"


def test_work_on_a_closed_report_is_refused_until_it_is_reopened(report, analyst, supervisor):
    actions.close(report, analyst, "Done")
    attempts = [
        lambda: actions.claim(report, analyst),
        lambda: actions.assign(report, analyst, supervisor),
        lambda: actions.classify(report, Category.OTHER, "low", analyst),
        lambda: actions.record_action(report, ActionKind.POLICE, "x", analyst),
    ]
    for attempt in attempts:
        with pytest.raises(actions.InvalidTransition, match="closed"):
            attempt()
    # A note may still be added: follow-up information arrives after closing.
    actions.add_note(report, "The host confirmed removal.", analyst)
