"""The takedown panel on the report page, the list, a takedown's page, the actions
posted from them, and the policy page; who may see and do what."""

from datetime import timedelta

import pytest
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.fetching.models import Outcome
from haven.reports.models import ReportUrl
from haven.takedown import services
from haven.takedown.models import (
    AnswerKind,
    FirstNotice,
    HostAnswer,
    State,
    Takedown,
    TakedownPolicy,
)
from haven.takedown.policies import policy_for
from haven.takedown.scheduler import run_due
from haven.takedown.seams import Contact
from haven.takedown.tests.fakes import HOST
from haven.triage.tests.support import make_report


def report_page(report):
    return reverse("triage:detail", args=[report.reference])


@pytest.fixture
def takedown(report_url, analyst, clock):
    takedown = services.open_takedown(report_url, analyst)
    run_due()
    takedown.refresh_from_db()
    return takedown


def test_the_report_page_offers_to_start_a_takedown(report, report_url, analyst_client):
    html = analyst_client.get(report_page(report)).content.decode()
    assert 'id="panel-takedown"' in html and "Notice and takedown" in html
    assert reverse("takedown:start", args=[report_url.pk]) in html
    assert "No takedown for this address" in html


def test_starting_from_the_report_page_returns_to_the_panel(
    report, report_url, analyst_client, clock
):
    response = analyst_client.post(reverse("takedown:start", args=[report_url.pk]))
    assert response.status_code == 302
    assert response["Location"] == report_page(report) + "?panel=takedown#panel-takedown"
    assert Takedown.objects.get().state == State.WAITING


def test_a_refused_start_says_why_on_the_report_page(report, report_url, analyst_client, world):
    world.actionable = False
    response = analyst_client.post(reverse("takedown:start", args=[report_url.pk]), follow=True)
    assert "Classify this address as actionable" in response.content.decode()
    assert not Takedown.objects.exists()


def test_the_panel_shows_state_next_step_notices_checks_and_answers(
    report, takedown, analyst, analyst_client, clock
):
    services.record_host_answer(takedown, "Looking into it", analyst)
    # (Moving the clock a day would end the session: move the step instead.)
    Takedown.objects.filter(pk=takedown.pk).update(next_action_at=clock.now + timedelta(hours=3))
    html = analyst_client.get(report_page(report)).content.decode()
    assert "Host notified" in html
    assert "Reminder 1 due in 3h" in html
    assert "abuse@host.example" in html and "First notice" in html
    assert "Looking into it" in html
    assert reverse("takedown:detail", args=[takedown.pk]) in html
    assert reverse("takedown:confirm_removed", args=[takedown.pk]) in html
    assert reverse("takedown:stop", args=[takedown.pk]) in html
    # Send now is for supervisors only.
    assert reverse("takedown:send_now", args=[takedown.pk]) not in html


def test_a_late_step_shows_as_overdue(report, takedown, analyst_client, clock):
    Takedown.objects.filter(pk=takedown.pk).update(next_action_at=clock.now - timedelta(hours=1))
    html = analyst_client.get(report_page(report)).content.decode()
    assert "Reminder 1 1h overdue" in html and "tag overdue" in html


def test_waiting_for_police_shows_the_police_agreed_button(
    report, report_url, analyst, analyst_client, after_police, clock
):
    takedown = services.open_takedown(report_url, analyst)
    html = analyst_client.get(report_page(report)).content.decode()
    assert "Waiting for police to agree" in html
    url = reverse("takedown:police_agreed", args=[takedown.pk])
    assert url in html
    assert analyst_client.post(url).status_code == 302
    takedown.refresh_from_db()
    assert takedown.police_agreed_at == clock.now


def test_supervisors_see_and_use_send_now(report, takedown, supervisor_client, world):
    url = reverse("takedown:send_now", args=[takedown.pk])
    assert url in supervisor_client.get(report_page(report)).content.decode()
    assert supervisor_client.post(url).status_code == 302
    run_due()
    assert Takedown.objects.get().reminders_sent == 1


def test_analysts_cannot_send_now(takedown, analyst_client):
    assert analyst_client.post(reverse("takedown:send_now", args=[takedown.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="takedown.send_now").exists()


def test_recording_a_host_answer_from_the_panel(report, takedown, analyst_client):
    prefix = f"answer-{takedown.pk}"
    response = analyst_client.post(
        reverse("takedown:host_answer", args=[takedown.pk]),
        {f"{prefix}-kind": AnswerKind.REMOVED, f"{prefix}-text": "By phone: removed"},
    )
    assert response.status_code == 302
    assert HostAnswer.objects.get().text == "By phone: removed"


def test_a_message_without_words_is_refused_on_the_takedown_page(takedown, analyst_client):
    prefix = f"answer-{takedown.pk}"
    response = analyst_client.post(
        reverse("takedown:host_answer", args=[takedown.pk]),
        {f"{prefix}-kind": AnswerKind.MESSAGE, f"{prefix}-text": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Write the host" in html


def test_stopping_without_a_reason_is_refused_and_with_one_is_done(takedown, analyst_client):
    url = reverse("takedown:stop", args=[takedown.pk])
    field = f"stop-{takedown.pk}-reason"
    response = analyst_client.post(url, {field: ""})
    assert response.status_code == 400 and "Say why" in response.content.decode()
    response = analyst_client.post(url, {field: "Duplicate", "back": "takedown"})
    assert response["Location"] == reverse("takedown:detail", args=[takedown.pk])
    assert Takedown.objects.get().state == State.STOPPED


def test_confirm_removed_refused_while_online_shows_the_reason(
    report, takedown, analyst_client, world, clock
):
    url = reverse("takedown:confirm_removed", args=[takedown.pk])
    response = analyst_client.post(url)
    assert response.status_code == 400 and "still answers with content" in response.content.decode()
    world.checker.set(Outcome.GONE)
    response = analyst_client.post(url, follow=True)
    html = response.content.decode()
    assert "Gone now: removal is confirmed by a second check in an hour" in html
    assert Takedown.objects.get().state == State.NOTIFIED
    assert "Second check to confirm the removal due in 1h" in html
    clock.advance(hours=1)
    response = analyst_client.post(url, follow=True)
    assert "Removal recorded" in response.content.decode()
    assert Takedown.objects.get().state == State.REMOVED


def test_the_takedown_page_shows_every_step_and_the_notice_text(takedown, analyst_client):
    html = analyst_client.get(reverse("takedown:detail", args=[takedown.pk])).content.decode()
    assert takedown.reference in html
    assert "Takedown started" in html and "Notice sent" in html
    assert "Request to remove child sexual abuse material" in html


def test_the_list_orders_by_next_step_and_shows_every_delay(
    report, takedown, analyst, analyst_client, clock
):
    waiting = services.open_takedown(
        ReportUrl.objects.create(report=report, url="https://h.example/2"), analyst
    )
    clock.advance(hours=2)
    response = analyst_client.get(reverse("takedown:list"))
    html = response.content.decode()
    assert html.index(waiting.reference) < html.index(takedown.reference)
    assert "No takedown is overdue" not in html  # the waiting one is 2 h late
    assert "1 takedown overdue" in html
    assert "Since first notice" in html and "2h" in html


def test_the_list_filters_by_state(report, takedown, analyst_client):
    response = analyst_client.get(reverse("takedown:list"), {"state": "removed"})
    assert takedown.reference not in response.content.decode()
    response = analyst_client.get(reverse("takedown:list"), {"state": "notified"})
    assert takedown.reference in response.content.decode()


def test_the_list_costs_a_fixed_number_of_queries(
    report, analyst, analyst_client, django_assert_max_num_queries, clock
):
    for n in range(12):
        services.open_takedown(
            ReportUrl.objects.create(report=report, url=f"https://h.example/{n}"), analyst
        )
    with django_assert_max_num_queries(14):
        assert analyst_client.get(reverse("takedown:list")).status_code == 200


def test_supervisors_set_the_policy(supervisor_client, organisation):
    assert supervisor_client.get(reverse("takedown:policy")).status_code == 200
    response = supervisor_client.post(
        reverse("takedown:policy"),
        {
            "first_notice": FirstNotice.AFTER_DELAY,
            "first_notice_delay_minutes": "90",
            "reminder_hours": "48",
            "escalate_after_reminders": "2",
            "escalate_to": "police",
            "recheck_after_removal_days": "30, 1, 7, 7",
            "reply_to": "notices@northern.example",
        },
    )
    assert response.status_code == 302
    policy = TakedownPolicy.objects.get(organisation=organisation)
    assert policy.first_notice_delay_minutes == 90 and policy.reminder_hours == 48
    assert policy.recheck_after_removal_days == [1, 7, 30]
    assert policy.auto_open is False  # an unticked box
    changes = AuditEvent.objects.get(action="takedown.policy_changed").detail["changes"]
    assert changes["reminder_hours"] == [24, 48]


def test_a_bad_policy_is_refused_beside_its_field(supervisor_client, organisation):
    response = supervisor_client.post(
        reverse("takedown:policy"),
        {
            "first_notice": FirstNotice.AT_ONCE,
            "first_notice_delay_minutes": "60",
            "reminder_hours": "0",
            "escalate_after_reminders": "3",
            "escalate_to": "police",
            "recheck_after_removal_days": "one week",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a number between 1 and" in html and "Write whole numbers" in html
    assert not TakedownPolicy.objects.exists()


def test_without_a_saved_policy_the_defaults_apply(organisation):
    policy = policy_for(organisation)
    assert policy.pk is None and policy.first_notice == FirstNotice.AT_ONCE
    assert (policy.first_notice_delay_minutes, policy.reminder_hours) == (60, 24)
    assert policy.escalate_after_reminders == 3 and policy.recheck_after_removal_days == [1, 7, 30]
    assert policy.auto_open is True


def test_analysts_cannot_change_the_policy(analyst_client):
    assert analyst_client.get(reverse("takedown:policy")).status_code == 403
    assert analyst_client.post(reverse("takedown:policy"), {}).status_code == 403


def test_partners_and_anonymous_people_see_no_takedown_page(takedown, client, partner):
    from conftest import verified_client

    for url in (reverse("takedown:list"), reverse("takedown:detail", args=[takedown.pk])):
        assert client.get(url).status_code == 302  # to sign in
    partner_client = verified_client(client, partner)
    assert partner_client.get(reverse("takedown:list")).status_code == 403


# --- Another organisation ---------------------------------------------------------------


def test_another_organisation_gets_404_for_every_takedown_url_with_an_id(
    report_url, takedown, outsider_client, organisation, supervisor
):
    from haven.takedown.notice_templates import save_template

    own = save_template(
        organisation,
        supervisor,
        kind="first",
        language="en",
        subject="S",
        body="{{ url }} {{ reply_url }}",
    )
    gets = [
        reverse("takedown:detail", args=[takedown.pk]),
        reverse("takedown:template_edit", args=[own.pk]),
    ]
    posts = [
        reverse("takedown:start", args=[report_url.pk]),
        reverse("takedown:police_agreed", args=[takedown.pk]),
        reverse("takedown:send_now", args=[takedown.pk]),
        reverse("takedown:host_answer", args=[takedown.pk]),
        reverse("takedown:confirm_removed", args=[takedown.pk]),
        reverse("takedown:stop", args=[takedown.pk]),
        reverse("takedown:template_edit", args=[own.pk]),
        reverse("takedown:template_delete", args=[own.pk]),
    ]
    before = list(Takedown.objects.values())
    events = AuditEvent.objects.count()
    for url in gets:
        assert outsider_client.get(url).status_code == 404, url
    for url in posts:
        data = {f"stop-{takedown.pk}-reason": "x", f"answer-{takedown.pk}-kind": "removed"}
        assert outsider_client.post(url, data).status_code == 404, url
    assert list(Takedown.objects.values()) == before
    assert AuditEvent.objects.count() == events
    assert takedown.reference not in outsider_client.get(reverse("takedown:list")).content.decode()


def test_the_list_shows_only_your_organisations_takedowns(
    takedown, other_organisation, outsider, outsider_client
):
    theirs = ReportUrl.objects.create(
        report=make_report(other_organisation), url="https://x.example"
    )
    their_takedown = services.open_takedown(theirs, outsider)
    html = outsider_client.get(reverse("takedown:list")).content.decode()
    assert their_takedown.reference in html and takedown.reference not in html


# --- What the pages offer, and what they say ----------------------------------------------


def test_an_analyst_is_offered_start_only_for_an_address_classified_as_illegal(
    report, report_url, analyst_client, world
):
    world.actionable = False
    start = reverse("takedown:start", args=[report_url.pk])
    html = analyst_client.get(report_page(report)).content.decode()
    assert start not in html
    assert "Classify the address as illegal to start its takedown" in html
    world.actionable = True
    assert start in analyst_client.get(report_page(report)).content.decode()


def test_a_supervisor_is_offered_start_without_a_classification(
    report, report_url, supervisor_client, world
):
    world.actionable = False
    html = supervisor_client.get(report_page(report)).content.decode()
    assert reverse("takedown:start", args=[report_url.pk]) in html
    assert "Classify the address as illegal" not in html


def test_a_stopped_takedown_is_offered_again_only_when_it_can_start(
    report, takedown, analyst, analyst_client, world
):
    services.stop(takedown, "Wrong address", analyst)
    world.actionable = False
    html = analyst_client.get(report_page(report)).content.decode()
    assert "Start takedown again" not in html
    assert "Classify the address as illegal to start its takedown again" in html


def test_without_an_abuse_contact_the_panel_says_to_correct_the_hosting(
    report, report_url, analyst_client, after_delay, world
):
    world.contact = None
    html = analyst_client.get(report_page(report)).content.decode()
    assert "No abuse contact is known: correct the hosting" in html
    assert "The first notice goes after 60 minutes" not in html
    world.contact = HOST
    html = analyst_client.get(report_page(report)).content.decode()
    assert "The first notice goes after 60 minutes" in html


def test_the_panel_shows_where_notices_go_after_a_hosting_correction_without_writing(
    report, report_url, analyst, analyst_client, after_police, world, clock
):
    world.contact = None
    takedown = services.open_takedown(report_url, analyst)
    html = analyst_client.get(report_page(report)).content.decode()
    assert "No abuse contact is known: correct the hosting" in html
    world.contact = Contact("email", "abuse@hosting.example.nl", "NL Hosting", "nl")
    world.hosting_country = "NL"
    html = analyst_client.get(report_page(report)).content.decode()
    assert "abuse@hosting.example.nl" in html and "NL Hosting (NL)" in html
    # The takedown's own page too.
    world.contact = Contact("email", "abuse@other.example.nl", "NL Hosting", "nl")
    html = analyst_client.get(reverse("takedown:detail", args=[takedown.pk])).content.decode()
    assert "abuse@other.example.nl" in html
    # Looking writes nothing: hosting's save and the scheduler store where notices go.
    takedown.refresh_from_db()
    assert takedown.recipient == ""
    assert not AuditEvent.objects.filter(action="takedown.contact_updated").exists()


def test_police_agreed_is_due_now_not_overdue_and_send_now_waits_for_police(
    report, report_url, analyst, supervisor_client, after_police, clock
):
    takedown = services.open_takedown(report_url, analyst)
    html = supervisor_client.get(report_page(report)).content.decode()
    assert reverse("takedown:police_agreed", args=[takedown.pk]) in html
    assert reverse("takedown:send_now", args=[takedown.pk]) not in html
    services.police_agreed(takedown, analyst)
    clock.advance(seconds=30)
    html = supervisor_client.get(report_page(report)).content.decode()
    assert "First notice due now" in html and "overdue" not in html
    assert reverse("takedown:send_now", args=[takedown.pk]) in html
    clock.advance(minutes=2)
    html = supervisor_client.get(report_page(report)).content.decode()
    assert "First notice 2m overdue" in html


def test_police_agreed_records_who_agreed_from_the_page(
    report, report_url, analyst, analyst_client, after_police, clock
):
    takedown = services.open_takedown(report_url, analyst)
    url = reverse("takedown:police_agreed", args=[takedown.pk])
    field = f"police-{takedown.pk}-note"
    html = analyst_client.get(report_page(report)).content.decode()
    assert f'name="{field}"' in html and "Officer, unit, reference" in html
    response = analyst_client.post(url, {field: "x" * 501})
    assert response.status_code == 400 and "at most 500" in response.content.decode()
    response = analyst_client.post(url, {field: "DS Patel, CEOP, ref 24/117"})
    assert response.status_code == 302
    takedown.refresh_from_db()
    assert takedown.police_note == "DS Patel, CEOP, ref 24/117"
    detail = analyst_client.get(reverse("takedown:detail", args=[takedown.pk])).content.decode()
    assert "DS Patel, CEOP, ref 24/117" in detail


def test_the_last_check_is_the_latest_fetch_of_the_address_a_capture_too(
    report, report_url, analyst, analyst_client, after_police, clock
):
    from haven.fetching.models import Fetch, Purpose

    Fetch.objects.create(
        organisation_id=report.organisation_id,
        report_url=report_url,
        purpose=Purpose.CAPTURE,
        requested_url=report_url.url,
        outcome=Outcome.PRESENT,
        status_code=200,
        started_at=clock.now,
    )
    services.open_takedown(report_url, analyst)
    html = analyst_client.get(report_page(report)).content.decode()
    facts = html[html.index("<dt>Last check</dt>") :][:400]
    assert "Not checked yet" not in facts
    assert "Online" in facts and "capture when reported" in facts


@pytest.mark.parametrize(
    "to, expected",
    [("police", "NCA CEOP (police)"), ("partner_hotline", "Hotline DE (the hotline of the")],
)
def test_an_escalation_names_the_partner_it_went_to(
    report, takedown, analyst_client, world, organisation, clock, to, expected
):
    from haven.routing.models import PartnerKind, Referral, ReferralKind

    kind = PartnerKind.POLICE if to == "police" else PartnerKind.HOTLINE
    partner = world.add_partner(organisation, "DE", kind)
    if to == "police":
        partner.name = "NCA CEOP"
        partner.save()
    referral = Referral.objects.create(
        organisation=organisation,
        report=report,
        partner=partner,
        kind=ReferralKind.ESCALATION,
        channel="email",
        status="sent",
    )
    Takedown.objects.filter(pk=takedown.pk).update(
        state=State.ESCALATED, escalated_at=clock.now, escalated_to=to, referral=referral
    )
    html = analyst_client.get(report_page(report)).content.decode()
    assert f"</time> to {expected}" in html
    assert f"</time> to {to}</dd>" not in html


def test_an_escalation_to_a_registrar_not_listed_names_its_abuse_address(
    report, report_url, analyst, client, organisation, world, clock
):
    from conftest import verified_client
    from haven.takedown.tests.conftest import set_policy

    set_policy(organisation, escalate_after_reminders=1, escalate_to="registrar")
    world.registrar = Contact("email", "abuse@registrar.example", "Example Registrar", "en")
    takedown = services.open_takedown(report_url, analyst)
    run_due()
    clock.advance(hours=24)
    run_due()
    assert Takedown.objects.get().state == State.ESCALATED
    analyst_client = verified_client(client, analyst)  # a day later: signed in again
    html = analyst_client.get(reverse("takedown:detail", args=[takedown.pk])).content.decode()
    assert "to the domain&#x27;s registrar (abuse@registrar.example)" in html


def make_notices(takedown, count: int, clock) -> None:
    from haven.takedown.models import Notice

    for n in range(count):
        Notice.objects.create(
            takedown=takedown,
            kind="reminder" if n else "first",
            channel="email",
            recipient=f"a-very-long-abuse-address-{n}@subsidiary.hosting-company.example",
            language="en",
            subject=f"Notice {n}",
            body="Text",
            sent_at=clock.now - timedelta(days=count - n),
        )


def test_the_report_page_lists_the_newest_notices_and_folds_the_rest(
    report, takedown, analyst_client, clock
):
    make_notices(takedown, 25, clock)  # and the first notice the fixture sent: 26
    html = analyst_client.get(report_page(report)).content.decode()
    panel = html[html.index('id="panel-takedown"') :]
    assert "<table" not in panel
    assert "All 26 notices" in panel
    shown, folded = panel.split("All 26 notices")[0], panel.split("All 26 notices")[1]
    assert shown.count("a-very-long-abuse-address-") == 2  # the newest three: two made here
    assert "a-very-long-abuse-address-0@" in folded
    assert 'class="url-text">a-very-long-abuse-address-24@' in panel


def test_the_takedown_page_shows_every_notice_and_check(takedown, analyst_client, clock, world):
    make_notices(takedown, 25, clock)
    html = analyst_client.get(reverse("takedown:detail", args=[takedown.pk])).content.decode()
    assert "All 26 notices" not in html
    for n in range(25):
        assert f"a-very-long-abuse-address-{n}@" in html
    assert html.count('<details class="notice-text">') == 26


def test_a_takedown_without_audit_rows_lists_its_notices_as_steps(
    report, report_url, analyst_client, clock
):
    """Like the demo's history: notices written straight into the database."""
    takedown = Takedown.objects.create(
        organisation=report.organisation,
        report=report,
        report_url=report_url,
        state=State.NOTIFIED,
        recipient="abuse@host.example",
        channel="email",
        first_notice_at=clock.now,
    )
    make_notices(takedown, 3, clock)
    html = analyst_client.get(reverse("takedown:detail", args=[takedown.pk])).content.decode()
    steps = html[html.index('id="history-title"') :]
    assert "Nothing yet" not in steps
    assert steps.count("Notice sent") == 3 and "Takedown started" in steps
    assert "No audit log was kept" in steps
    # The list says why there is no next step.
    listing = analyst_client.get(reverse("takedown:list")).content.decode()
    assert "Nothing scheduled" in listing


def test_the_list_says_why_a_takedown_has_no_next_step(
    report, report_url, analyst, analyst_client, after_police, clock
):
    services.open_takedown(report_url, analyst)
    html = analyst_client.get(reverse("takedown:list")).content.decode()
    assert "Waiting for police to agree" in html
