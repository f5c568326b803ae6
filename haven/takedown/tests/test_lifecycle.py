"""The whole life of a takedown, driven by the scheduler and a controllable clock."""

from datetime import timedelta

from haven.audit.models import AuditEvent
from haven.fetching.models import Outcome, Purpose
from haven.reports.models import Status
from haven.takedown import services
from haven.takedown.models import EscalateTo, Notice, NoticeKind, State
from haven.takedown.scheduler import run_due
from haven.takedown.seams import Contact
from haven.takedown.tests.conftest import kinds, set_policy
from haven.triage import actions as triage


def opened(report_url, by):
    return services.open_takedown(report_url, by)


def refreshed(takedown):
    takedown.refresh_from_db()
    return takedown


def actions_of(takedown) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="takedown", target_id=str(takedown.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_full_life_cycle_from_first_notice_to_a_dated_removal(
    report_url, analyst, world, clock
):
    takedown = opened(report_url, analyst)
    assert takedown.state == State.WAITING and takedown.next_action_at == clock.now

    assert run_due() == 1
    takedown = refreshed(takedown)
    assert takedown.state == State.NOTIFIED
    assert takedown.first_notice_at == clock.now
    assert takedown.next_action_at == clock.now + timedelta(hours=24)
    assert kinds(takedown) == [NoticeKind.FIRST]
    notice, contact = world.sent[0]
    assert contact.recipient == "abuse@host.example"
    assert report_url.url in notice.body and notice.reply_url in notice.body

    # Nothing happens before the reminder is due.
    clock.advance(hours=23)
    assert run_due() == 0

    for reminder in (1, 2):
        clock.advance(hours=1 if reminder == 1 else 24)
        assert run_due() == 1
        takedown = refreshed(takedown)
        assert takedown.reminders_sent == reminder and takedown.state == State.NOTIFIED

    # The third reminder reaches escalate_after (3): it escalates too.
    clock.advance(hours=24)
    assert run_due() == 1
    takedown = refreshed(takedown)
    assert takedown.reminders_sent == 3
    assert world.escalations == [EscalateTo.PARTNER_HOTLINE]
    # No one to escalate to in this world: said on the page, and reminders go on.
    assert takedown.state == State.NOTIFIED
    assert "No one to escalate to" in takedown.attention

    clock.advance(hours=24)
    world.checker.set(Outcome.GONE)
    checked_at = clock.now
    assert run_due() == 1
    # One check that finds it gone is not a removal: a second one, an hour later, is.
    takedown = refreshed(takedown)
    assert takedown.state == State.NOTIFIED and takedown.gone_since == checked_at
    assert takedown.next_action_at == checked_at + timedelta(hours=1)
    clock.advance(minutes=59)
    assert run_due() == 0
    clock.advance(minutes=1)
    assert run_due() == 1
    takedown = refreshed(takedown)
    assert takedown.state == State.REMOVED
    assert takedown.removed_at == checked_at and takedown.gone_since is None
    assert kinds(takedown) == [NoticeKind.FIRST] + [NoticeKind.REMINDER] * 3
    assert takedown.rechecks_left == [1, 7, 30]
    assert takedown.next_action_at == checked_at + timedelta(days=1)
    # Every notice went after a check that found the content online.
    for notice in Notice.objects.filter(takedown=takedown):
        assert notice.recheck.outcome == Outcome.PRESENT
        assert notice.recheck.purpose == Purpose.RECHECK
    assert actions_of(takedown)[0] == "takedown.opened"
    assert "takedown.removed" in actions_of(takedown)


def test_escalation_goes_through_routing_and_the_state_says_so(
    report_url, analyst, organisation, world, clock
):
    from haven.routing.models import PartnerKind

    set_policy(organisation, escalate_after_reminders=1, escalate_to=EscalateTo.POLICE)
    world.escalate_to_partner = world.add_partner(organisation, "GB", PartnerKind.POLICE)
    takedown = opened(report_url, analyst)
    run_due()
    clock.advance(hours=24)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.ESCALATED and takedown.escalated_at == clock.now
    assert takedown.escalated_to == EscalateTo.POLICE
    assert takedown.referral.partner == world.escalate_to_partner
    # An escalated takedown keeps reminding the host while the content is up.
    clock.advance(hours=24)
    run_due()
    assert refreshed(takedown).reminders_sent == 2
    assert world.escalations == [EscalateTo.POLICE]


def test_escalation_to_a_registrar_not_in_the_directory_writes_to_its_abuse_desk(
    report_url, analyst, organisation, world, clock
):
    set_policy(organisation, escalate_after_reminders=1, escalate_to=EscalateTo.REGISTRAR)
    world.registrar = Contact("email", "abuse@registrar.example", "Example Registrar", "fr")
    takedown = opened(report_url, analyst)
    run_due()
    clock.advance(hours=24)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.ESCALATED
    escalation = Notice.objects.get(takedown=takedown, kind=NoticeKind.ESCALATION)
    assert escalation.recipient == "abuse@registrar.example"
    assert escalation.language == "fr"


def test_with_a_delay_nothing_happens_before_the_hour(
    report_url, analyst, after_delay, world, clock
):
    takedown = opened(report_url, analyst)
    assert takedown.next_action_at == clock.now + timedelta(minutes=60)
    clock.advance(minutes=59)
    assert run_due() == 0
    assert world.checker.count() == 0 and not world.sent
    clock.advance(minutes=1)
    assert run_due() == 1
    assert refreshed(takedown).state == State.NOTIFIED


def test_after_police_nothing_happens_until_police_agree(
    report_url, analyst, after_police, world, clock
):
    takedown = opened(report_url, analyst)
    assert takedown.next_action_at is None
    clock.advance(days=10)
    assert run_due() == 0 and not world.sent
    assert services.waiting_for_police(refreshed(takedown))

    services.police_agreed(takedown, analyst)
    assert run_due() == 1
    takedown = refreshed(takedown)
    assert takedown.state == State.NOTIFIED and takedown.police_agreed_at is not None


def test_no_reminder_when_the_check_finds_the_content_gone(report_url, analyst, world, clock):
    takedown = opened(report_url, analyst)
    run_due()
    clock.advance(hours=24)
    world.checker.set(Outcome.GONE)
    gone_at = clock.now
    run_due()
    clock.advance(hours=1)
    run_due()
    takedown = refreshed(takedown)
    assert kinds(takedown) == [NoticeKind.FIRST]
    assert takedown.state == State.REMOVED and takedown.removed_at == gone_at


def test_one_gone_check_is_not_a_removal_and_sends_nothing(report_url, analyst, world, clock):
    """A name lookup that fails once (NXDOMAIN) is not a removal."""
    takedown = opened(report_url, analyst)
    world.checker.set(Outcome.GONE)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.WAITING and takedown.removed_at is None
    assert takedown.gone_since == clock.now and not world.sent
    assert actions_of(takedown)[-1] == "takedown.found_gone"
    assert not AuditEvent.objects.filter(action="takedown.removed").exists()


def test_content_online_between_the_two_gone_checks_is_not_removed_and_gets_its_notice(
    report_url, analyst, world, clock
):
    takedown = opened(report_url, analyst)
    world.checker.set(Outcome.GONE)
    run_due()
    clock.advance(hours=1)
    world.checker.set(Outcome.PRESENT)
    run_due()
    takedown = refreshed(takedown)
    # The first notice was due when the first check found it gone: it goes now.
    assert takedown.state == State.NOTIFIED and takedown.gone_since is None
    assert kinds(takedown) == [NoticeKind.FIRST]
    # A later gone check starts again: one check is not enough.
    clock.advance(hours=24)
    world.checker.set(Outcome.GONE)
    later = clock.now
    run_due()
    assert refreshed(takedown).gone_since == later
    assert refreshed(takedown).state == State.NOTIFIED


def test_a_failed_check_between_the_two_gone_checks_keeps_waiting(
    report_url, analyst, world, clock
):
    takedown = opened(report_url, analyst)
    run_due()
    clock.advance(hours=24)
    world.checker.set(Outcome.GONE)
    gone_at = clock.now
    run_due()
    clock.advance(hours=1)
    world.checker.set(Outcome.FAILED)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.gone_since == gone_at and takedown.state == State.NOTIFIED
    assert takedown.next_action_at == clock.now + timedelta(hours=1)
    clock.advance(hours=1)
    world.checker.set(Outcome.GONE)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.REMOVED and takedown.removed_at == gone_at
    assert kinds(takedown) == [NoticeKind.FIRST]


def test_online_again_before_the_second_check_when_the_reminder_is_not_due_sends_nothing(
    report_url, analyst, world, clock, django_capture_on_commit_callbacks
):
    """A host says "removed" mid-interval; the check agrees, the next one does not: the
    reminder goes back to when it was due, not earlier."""
    takedown = opened(report_url, analyst)
    run_due()
    due = refreshed(takedown).next_action_at
    clock.advance(hours=2)
    world.checker.set(Outcome.GONE)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_host_answer(takedown, "", None, kind="removed")
    assert refreshed(takedown).next_action_at == clock.now + timedelta(hours=1)
    clock.advance(hours=1)
    world.checker.set(Outcome.PRESENT)
    assert run_due() == 1
    takedown = refreshed(takedown)
    assert takedown.gone_since is None and takedown.next_action_at == due
    assert kinds(takedown) == [NoticeKind.FIRST]


def test_no_reminder_when_the_check_fails_and_it_tries_again_in_an_hour(
    report_url, analyst, world, clock
):
    takedown = opened(report_url, analyst)
    run_due()
    clock.advance(hours=24)
    world.checker.set(Outcome.FAILED)
    run_due()
    takedown = refreshed(takedown)
    assert kinds(takedown) == [NoticeKind.FIRST]
    assert takedown.state == State.NOTIFIED and takedown.reminders_sent == 0
    assert takedown.next_action_at == clock.now + timedelta(hours=1)
    assert takedown.last_check_outcome == Outcome.FAILED and takedown.attention == ""

    # Three in a row: the page asks an analyst to look.
    for _ in range(2):
        clock.advance(hours=1)
        run_due()
    takedown = refreshed(takedown)
    assert takedown.failed_checks == 3 and "could not tell" in takedown.attention

    # Once a check tells, the reminder goes and the counter starts again.
    world.checker.set(Outcome.PRESENT)
    clock.advance(hours=1)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.reminders_sent == 1 and takedown.failed_checks == 0
    assert takedown.attention == ""


def test_content_removed_before_any_notice_is_recorded_as_removed(
    report_url, analyst, after_delay, world, clock
):
    takedown = opened(report_url, analyst)
    world.checker.set(Outcome.GONE)
    clock.advance(minutes=60)
    gone_at = clock.now
    run_due()
    clock.advance(hours=1)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.REMOVED and takedown.first_notice_at is None
    assert takedown.removed_at == gone_at and not world.sent
    removed = AuditEvent.objects.get(action="takedown.removed")
    assert removed.detail["before_first_notice"] is True


def test_an_address_the_safety_policy_refuses_stops_with_the_reason(
    report_url, analyst, world, clock
):
    takedown = opened(report_url, analyst)
    world.checker.set(Outcome.REFUSED)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.STOPPED and takedown.next_action_at is None
    assert "safety policy" in takedown.stopped_reason
    assert takedown.attention and not world.sent


def test_content_that_comes_back_reopens_the_takedown_and_the_closed_report(
    report, report_url, analyst, world, clock
):
    takedown = opened(report_url, analyst)
    run_due()
    clock.advance(hours=24)
    world.checker.set(Outcome.GONE)
    run_due()
    clock.advance(hours=1)
    run_due()
    triage.close(report, analyst, "Removed")

    # Day 1 after removal: still gone.
    clock.advance(days=1)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.REMOVED and takedown.rechecks_left == [7, 30]

    # Day 7: back online.
    clock.advance(days=6)
    world.checker.set(Outcome.PRESENT)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.NOTIFIED
    assert takedown.reappeared_count == 1 and takedown.removed_at is None
    assert kinds(takedown) == [NoticeKind.FIRST, NoticeKind.FIRST]
    back, _ = world.sent[-1]
    assert "online again" in back.body
    report.refresh_from_db()
    assert report.status == Status.IN_REVIEW
    reopened = AuditEvent.objects.get(action="report.reopened")
    assert reopened.actor_label == "takedown scheduler"
    assert reopened.organisation_id == report.organisation_id
    assert AuditEvent.objects.filter(action="takedown.reappeared").count() == 1


def test_after_the_last_recheck_nothing_is_due(report_url, analyst, organisation, world, clock):
    set_policy(organisation, recheck_after_removal_days=[1])
    takedown = opened(report_url, analyst)
    world.checker.set(Outcome.GONE)
    run_due()
    clock.advance(hours=1)
    run_due()
    clock.advance(hours=23)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.REMOVED and takedown.next_action_at is None
    clock.advance(days=60)
    assert run_due() == 0


def test_hosted_abroad_with_a_partner_hotline_is_forwarded_and_rechecked_without_notices(
    report_url, analyst, organisation, world, clock
):
    organisation.country = "GB"
    organisation.save()
    world.hosting_country = "DE"
    partner = world.add_partner(organisation, "DE")
    takedown = opened(report_url, analyst)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.FORWARDED and takedown.country == "DE"
    assert takedown.referral.partner == partner
    assert world.forwards == [{"partner": partner, "by": analyst, "urls": [report_url]}]
    assert not world.sent

    clock.advance(hours=24)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.FORWARDED and not world.sent
    assert world.checker.count() == 2

    clock.advance(hours=24)
    world.checker.set(Outcome.GONE)
    gone_at = clock.now
    run_due()
    assert refreshed(takedown).state == State.FORWARDED
    clock.advance(hours=1)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.REMOVED and takedown.removed_at == gone_at
    removed = AuditEvent.objects.get(action="takedown.removed")
    assert removed.detail["previous_state"] == State.FORWARDED
    assert removed.detail["referral_id"] == takedown.referral_id


def test_hosted_abroad_without_a_partner_hotline_notifies_the_host_and_says_why(
    report_url, analyst, organisation, world, clock
):
    organisation.country = "GB"
    organisation.save()
    world.hosting_country = "BR"
    takedown = opened(report_url, analyst)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.NOTIFIED
    assert takedown.routing_note.startswith("No partner hotline in BR")


def test_hosted_at_home_is_never_forwarded(report_url, analyst, organisation, world, clock):
    organisation.country = "DE"
    organisation.save()
    world.hosting_country = "DE"
    world.add_partner(organisation, "DE")
    opened(report_url, analyst)
    run_due()
    assert not world.forwards and len(world.sent) == 1


def test_without_an_abuse_contact_it_says_so_and_tries_every_hour(
    report_url, analyst, world, clock
):
    world.contact = None
    takedown = opened(report_url, analyst)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.WAITING and "No abuse contact" in takedown.attention
    assert takedown.next_action_at == clock.now + timedelta(hours=1)

    world.contact = Contact("email", "abuse@found.example", "Found", "en")
    clock.advance(hours=1)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.NOTIFIED and takedown.recipient == "abuse@found.example"
    assert takedown.attention == ""


def test_a_notice_that_cannot_be_delivered_is_recorded_and_tried_again(
    report_url, analyst, world, clock
):
    world.email.fail_with = "550 mailbox unavailable"
    takedown = opened(report_url, analyst)
    run_due()
    takedown = refreshed(takedown)
    failed = Notice.objects.get(takedown=takedown)
    assert not failed.delivered and failed.error == "550 mailbox unavailable"
    assert takedown.state == State.WAITING and takedown.first_notice_at is None
    assert "could not be delivered" in takedown.attention

    world.email.fail_with = ""
    clock.advance(hours=1)
    run_due()
    assert refreshed(takedown).state == State.NOTIFIED


def test_a_takedown_stopped_while_its_notice_was_going_keeps_the_notice_and_stays_stopped(
    report_url, analyst, world, clock
):
    takedown = opened(report_url, analyst)

    class StopWhileSending:
        sent: list = []

        def send(self, notice, contact):
            services.stop(takedown, "Police asked us to wait", analyst)

    with world_channels(email=StopWhileSending()):
        run_due()
    takedown = refreshed(takedown)
    assert takedown.state == State.STOPPED and takedown.stopped_reason
    assert Notice.objects.filter(takedown=takedown).count() == 1


def world_channels(**channels):
    from haven.takedown import seams

    return seams.replaced_by(channels={**seams.outside().channels, **channels})


# --- Where notices go follows hosting ----------------------------------------------------


def test_a_hosting_correction_before_the_first_notice_is_used_and_noted(
    report_url, analyst, world, clock
):
    world.contact = None
    takedown = opened(report_url, analyst)
    assert takedown.recipient == "" and takedown.country == ""
    # An analyst corrects the hosting: country NL, an abuse address.
    world.hosting_country = "NL"
    world.contact = Contact("email", "abuse@hosting.example.nl", "NL Hosting", "nl")
    run_due()
    takedown = refreshed(takedown)
    assert takedown.recipient == "abuse@hosting.example.nl" and takedown.country == "NL"
    assert takedown.language == "nl" and takedown.host_name == "NL Hosting"
    notice = Notice.objects.get(takedown=takedown)
    assert notice.recipient == "abuse@hosting.example.nl"
    updated = AuditEvent.objects.get(action="takedown.contact_updated")
    assert updated.detail["changes"]["country"] == ["", "NL"]


def test_each_notice_goes_where_hosting_says_now_and_keeps_its_own_recipient(
    report_url, analyst, world, clock
):
    takedown = opened(report_url, analyst)
    run_due()
    world.contact = Contact("email", "abuse@new-host.example", "New Host", "en")
    world.hosting_country = "DE"
    clock.advance(hours=24)
    run_due()
    takedown = refreshed(takedown)
    assert takedown.recipient == "abuse@new-host.example" and takedown.country == "DE"
    assert list(Notice.objects.filter(takedown=takedown).values_list("recipient", flat=True)) == [
        "abuse@host.example",
        "abuse@new-host.example",
    ]


def test_a_takedown_found_gone_before_any_notice_still_counts_under_the_corrected_country(
    report_url, analyst, world, clock
):
    takedown = opened(report_url, analyst)
    world.hosting_country = "NL"
    world.checker.set(Outcome.GONE)
    run_due()
    assert refreshed(takedown).country == "NL" and not world.sent


def test_without_a_contact_from_hosting_the_noted_address_stays(report_url, analyst, world, clock):
    takedown = opened(report_url, analyst)
    world.contact = None
    run_due()
    takedown = refreshed(takedown)
    assert takedown.recipient == "abuse@host.example" and takedown.state == State.NOTIFIED
