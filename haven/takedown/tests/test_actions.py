"""People's actions on a takedown, called directly: the rules, the state, the audit row."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_user
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.fetching.models import Outcome
from haven.jobs.models import Job
from haven.reports.models import ReportUrl
from haven.takedown import display, services
from haven.takedown.models import AnswerKind, HostAnswer, State, Takedown
from haven.takedown.scheduler import run_due
from haven.takedown.seams import Contact
from haven.triage import actions as triage
from haven.triage.tests.support import make_report


def audit(action):
    return AuditEvent.objects.filter(action=action)


def test_opening_takes_a_snapshot_of_where_notices_go_and_is_audited(
    report_url, analyst, world, clock
):
    world.contact = Contact("email", "abuse@host.example", "Example Hosting", "de")
    world.hosting_country = "NL"
    takedown = services.open_takedown(report_url, analyst)
    assert takedown.recipient == "abuse@host.example" and takedown.channel == "email"
    assert takedown.language == "de" and takedown.host_name == "Example Hosting"
    assert takedown.country == "NL" and takedown.opened_by == analyst
    assert takedown.reference.startswith("TD-")
    event = audit("takedown.opened").get()
    assert event.actor == analyst and event.organisation_id == takedown.organisation_id
    assert event.detail["reference"] == takedown.reference


def test_opening_leaves_the_first_step_to_the_scheduler(
    report_url, analyst, django_capture_on_commit_callbacks, world, clock
):
    # Nothing is fetched or sent on the way out of the request that opened it.
    with django_capture_on_commit_callbacks(execute=True):
        takedown = services.open_takedown(report_url, analyst)
    assert world.checker.count() == 0 and not Job.objects.exists()
    assert run_due() == 1
    takedown.refresh_from_db()
    assert takedown.state == State.NOTIFIED and len(world.sent) == 1


def test_police_agreement_acts_at_once_without_waiting_for_the_tick(
    report_url, analyst, after_police, django_capture_on_commit_callbacks, world, clock
):
    takedown = services.open_takedown(report_url, analyst)
    with django_capture_on_commit_callbacks(execute=True):
        services.police_agreed(takedown, analyst)
    takedown.refresh_from_db()
    assert takedown.state == State.NOTIFIED and len(world.sent) == 1
    assert run_due() == 0


def test_a_second_takedown_of_the_same_address_is_refused(report_url, analyst):
    services.open_takedown(report_url, analyst)
    with pytest.raises(services.InvalidTransition, match="already running"):
        services.open_takedown(report_url, analyst)
    assert Takedown.objects.count() == 1


def test_the_same_address_in_another_report_is_refused(report_url, analyst, organisation):
    services.open_takedown(report_url, analyst)
    other = ReportUrl.objects.create(
        report=make_report(organisation), url=report_url.url, normalised=report_url.normalised
    )
    with pytest.raises(services.InvalidTransition, match=report_url.report.reference):
        services.open_takedown(other, analyst)


def test_an_analyst_needs_an_actionable_classification_a_supervisor_does_not(
    report_url, analyst, supervisor, world
):
    world.actionable = False
    with pytest.raises(services.InvalidInput, match="actionable"):
        services.open_takedown(report_url, analyst)
    assert services.open_takedown(report_url, supervisor).opened_by == supervisor


def test_a_closed_report_gets_no_takedown(report, report_url, analyst):
    triage.close(report, analyst, "done")
    with pytest.raises(services.InvalidTransition, match="closed"):
        services.open_takedown(report_url, analyst)


def test_partners_and_other_organisations_cannot_open_one(report_url, partner, outsider):
    for person in (partner, outsider):
        with pytest.raises(PermissionDenied):
            services.open_takedown(report_url, person)
    assert not Takedown.objects.exists()


def test_a_stopped_takedown_starts_again(report_url, analyst, clock):
    takedown = services.open_takedown(report_url, analyst)
    services.stop(takedown, "Wrong address", analyst)
    again = services.open_takedown(report_url, analyst)
    assert again.pk == takedown.pk and again.state == State.WAITING
    assert again.stopped_reason == "" and again.next_action_at == clock.now


def test_stopping_needs_a_reason_and_ends_all_checks(report_url, analyst, clock):
    takedown = services.open_takedown(report_url, analyst)
    with pytest.raises(services.InvalidInput, match="Say why"):
        services.stop(takedown, "  ", analyst)
    takedown = services.stop(takedown, "Police asked", analyst)
    assert takedown.state == State.STOPPED and takedown.next_action_at is None
    assert audit("takedown.stopped").get().detail["reason"] == "Police asked"
    with pytest.raises(services.InvalidTransition, match="already stopped"):
        services.stop(takedown, "again", analyst)
    clock.advance(days=2)
    assert run_due() == 0


def test_police_agreement_only_while_waiting_and_only_once(
    report_url, analyst, after_police, clock
):
    takedown = services.open_takedown(report_url, analyst)
    takedown = services.police_agreed(takedown, analyst)
    assert takedown.police_agreed_at == clock.now and takedown.next_action_at == clock.now
    with pytest.raises(services.InvalidTransition, match="already recorded"):
        services.police_agreed(takedown, analyst)
    assert audit("takedown.police_agreed").count() == 1


def test_only_supervisors_send_now_and_it_still_checks_first(
    report_url, analyst, supervisor, after_police, world, clock
):
    takedown = services.open_takedown(report_url, analyst)
    with pytest.raises(PermissionDenied):
        services.send_now(takedown, analyst)
    world.checker.set(Outcome.GONE)
    services.send_now(takedown, supervisor)
    run_due()
    takedown.refresh_from_db()
    assert takedown.gone_since == clock.now and not world.sent
    assert audit("takedown.send_now").get().actor == supervisor
    # The second check an hour later confirms the removal; still nothing sent.
    clock.advance(hours=1)
    run_due()
    takedown.refresh_from_db()
    assert takedown.state == State.REMOVED and not world.sent


def test_send_now_brings_a_reminder_forward(report_url, analyst, supervisor, world, clock):
    takedown = services.open_takedown(report_url, analyst)
    run_due()
    services.send_now(takedown, supervisor)
    run_due()
    takedown.refresh_from_db()
    assert takedown.reminders_sent == 1 and len(world.sent) == 2


def test_confirming_removal_records_the_first_gone_check_and_the_second_confirms(
    report_url, analyst, world, clock
):
    takedown = services.open_takedown(report_url, analyst)
    run_due()
    clock.advance(hours=3)
    world.checker.set(Outcome.GONE)
    gone_at = clock.now
    takedown = services.confirm_removed(takedown, analyst)
    assert takedown.state == State.NOTIFIED and takedown.gone_since == gone_at
    assert takedown.next_action_at == gone_at + timedelta(hours=1)
    assert "second check in an hour" in display.removal_pending(takedown)
    # Within the hour, another gone check does not confirm it either.
    clock.advance(minutes=30)
    takedown = services.confirm_removed(takedown, analyst)
    assert takedown.state == State.NOTIFIED and takedown.gone_since == gone_at
    # An hour after the first: removed, dated by the first.
    clock.advance(minutes=30)
    takedown = services.confirm_removed(takedown, analyst)
    assert takedown.state == State.REMOVED and takedown.removed_at == gone_at
    assert audit("takedown.removed").get().actor == analyst
    assert audit("takedown.found_gone").count() == 2
    with pytest.raises(services.InvalidTransition, match="already marked removed"):
        services.confirm_removed(takedown, analyst)


def test_the_scheduler_confirms_a_removal_an_analyst_found(report_url, analyst, world, clock):
    takedown = services.open_takedown(report_url, analyst)
    run_due()
    world.checker.set(Outcome.GONE)
    gone_at = clock.now
    services.confirm_removed(takedown, analyst)
    clock.advance(hours=1)
    assert run_due() == 1
    takedown.refresh_from_db()
    assert takedown.state == State.REMOVED and takedown.removed_at == gone_at
    assert len(world.sent) == 1


def test_a_stopped_takedown_is_confirmed_removed_by_two_checks_of_an_analyst(
    report_url, analyst, world, clock
):
    takedown = services.open_takedown(report_url, analyst)
    services.stop(takedown, "Police asked us to wait", analyst)
    world.checker.set(Outcome.GONE)
    gone_at = clock.now
    takedown = services.confirm_removed(takedown, analyst)
    assert takedown.state == State.STOPPED and takedown.next_action_at is None
    assert "not checked by itself" in display.removal_pending(takedown)
    clock.advance(hours=2)
    assert run_due() == 0
    takedown = services.confirm_removed(takedown, analyst)
    assert takedown.state == State.REMOVED and takedown.removed_at == gone_at


def test_content_online_after_a_first_gone_check_clears_it(report_url, analyst, world, clock):
    takedown = services.open_takedown(report_url, analyst)
    run_due()
    due = Takedown.objects.get().next_action_at
    world.checker.set(Outcome.GONE)
    services.confirm_removed(takedown, analyst)
    world.checker.set(Outcome.PRESENT)
    clock.advance(minutes=10)
    with pytest.raises(services.InvalidTransition, match="still answers"):
        services.confirm_removed(takedown, analyst)
    takedown.refresh_from_db()
    assert takedown.gone_since is None and takedown.next_action_at == due


@pytest.mark.parametrize(
    "outcome, message", [(Outcome.PRESENT, "still answers"), (Outcome.FAILED, "could not be")]
)
def test_confirming_removal_is_refused_unless_the_check_finds_it_gone(
    report_url, analyst, world, outcome, message
):
    takedown = services.open_takedown(report_url, analyst)
    world.checker.set(outcome)
    with pytest.raises(services.InvalidTransition, match=message):
        services.confirm_removed(takedown, analyst)
    takedown.refresh_from_db()
    assert takedown.state == State.WAITING and takedown.last_check_outcome == outcome


def test_a_host_answer_is_recorded_with_its_time_and_asks_for_a_check(report_url, analyst, clock):
    takedown = services.open_takedown(report_url, analyst)
    answer = services.record_host_answer(
        takedown, "Taken down this morning", analyst, kind=AnswerKind.REMOVED
    )
    takedown.refresh_from_db()
    assert takedown.host_answered_at == clock.now
    assert takedown.host_answer == "Removed: Taken down this morning"
    assert answer.recorded_by == analyst
    assert Job.objects.filter(name="takedown.recheck", payload={"takedown_id": takedown.pk})
    event = audit("takedown.host_answered").get()
    assert event.detail["via"] == "staff" and "Taken down" not in str(event.detail)


def test_a_message_answer_needs_words(report_url, analyst):
    takedown = services.open_takedown(report_url, analyst)
    with pytest.raises(services.InvalidInput, match="Write the host"):
        services.record_host_answer(takedown, "", analyst)
    assert not HostAnswer.objects.exists()


def test_the_recheck_after_an_answer_records_a_removal_but_never_sends(
    report_url, analyst, django_capture_on_commit_callbacks, world, clock
):
    takedown = services.open_takedown(report_url, analyst)
    run_due()
    due = Takedown.objects.get().next_action_at
    # Still online: only the check is recorded; the reminder stays when it was due.
    with django_capture_on_commit_callbacks(execute=True):
        services.record_host_answer(takedown, "We looked", analyst)
    takedown.refresh_from_db()
    assert takedown.next_action_at == due and len(world.sent) == 1
    assert world.checker.count() == 2
    # Gone: a second check an hour later confirms it, dated by the first.
    clock.advance(hours=2)
    world.checker.set(Outcome.GONE)
    gone_at = clock.now
    with django_capture_on_commit_callbacks(execute=True):
        services.record_host_answer(takedown, "", analyst, kind=AnswerKind.REMOVED)
    takedown.refresh_from_db()
    assert takedown.state == State.NOTIFIED and takedown.gone_since == gone_at
    clock.advance(hours=1)
    run_due()
    takedown.refresh_from_db()
    assert takedown.state == State.REMOVED and takedown.removed_at == gone_at
    assert len(world.sent) == 1


def test_a_host_that_says_it_does_not_host_the_address_asks_for_attention(report_url, analyst):
    takedown = services.open_takedown(report_url, analyst)
    services.record_host_answer(takedown, "", analyst, kind=AnswerKind.NOT_HOSTED)
    takedown.refresh_from_db()
    assert "does not host" in takedown.attention


def test_an_automatic_opening_is_recorded_as_the_system(report_url, organisation):
    takedown = services.open_takedown(report_url, None)
    assert takedown.opened_by is None
    event = audit("takedown.opened").get()
    assert event.actor is None and event.detail["automatic"] is True
    assert event.organisation_id == organisation.pk


def test_staff_of_another_role_in_the_organisation_may_act(report_url, organisation):
    admin = make_user(organisation, "adele", Role.ADMIN)
    assert services.open_takedown(report_url, admin).opened_by == admin


def test_police_agreement_notes_who_agreed(report_url, analyst, after_police, clock):
    takedown = services.open_takedown(report_url, analyst)
    takedown = services.police_agreed(takedown, analyst, note="  DC Jones,\n  CEOP,  ref 24/117  ")
    assert takedown.police_note == "DC Jones, CEOP, ref 24/117"
    event = audit("takedown.police_agreed").get()
    assert event.detail["note"] == "DC Jones, CEOP, ref 24/117"


def test_a_police_note_has_a_length_limit(report_url, analyst, after_police):
    takedown = services.open_takedown(report_url, analyst)
    with pytest.raises(services.InvalidInput, match="under 500"):
        services.police_agreed(takedown, analyst, note="x" * 501)
    takedown.refresh_from_db()
    assert takedown.police_agreed_at is None
