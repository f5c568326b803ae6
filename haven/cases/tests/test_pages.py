"""The case pages in the browser's terms: lists, the case page with the name masked until
revealed, printing, opening a case from a contact, a report or an emergency, linking,
and every form's refusal shown in place."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import verified_client
from haven.audit.models import AuditEvent
from haven.cases import delivery, services
from haven.cases.models import Case, Stage, Timeframe
from haven.cases.tests.conftest import CHILD_NAME, make_contact, open_for
from haven.cases.tests.test_opening import danger_report, make_emergency
from haven.helpline.models import Contact
from haven.network.models import ServiceType


def detail(case) -> str:
    return reverse("cases:detail", args=[case.reference])


@pytest.fixture
def chris(client, counsellor):
    return verified_client(client, counsellor)


def test_a_counsellor_lists_their_own_cases_and_a_supervisor_all(
    client, organisation, case, counsellor, other_counsellor, supervisor
):
    theirs = open_for(
        other_counsellor,
        contact=make_contact(organisation, other_counsellor),
        assign_to=other_counsellor,
    )
    mine = verified_client(client, counsellor).get(reverse("cases:list")).content.decode()
    assert case.reference in mine and theirs.reference not in mine
    assert verified_client(client, counsellor).get(detail(theirs)).status_code == 404

    everyone = verified_client(client, supervisor).get(reverse("cases:list")).content.decode()
    assert case.reference in everyone and theirs.reference in everyone
    assert CHILD_NAME not in everyone


def test_the_list_filters_by_stage_risk_overdue_and_assignee(
    client, organisation, case, counsellor, supervisor, clock
):
    waiting = open_for(counsellor, contact=make_contact(organisation, counsellor, risk_level="low"))
    page = verified_client(client, supervisor)

    def listed(**query) -> set[str]:
        body = page.get(reverse("cases:list"), query).content.decode()
        return {c.reference for c in (case, waiting) if c.reference in body}

    assert listed() == {case.reference, waiting.reference}
    assert listed(stage="registration") == {waiting.reference}
    assert listed(risk="high") == {case.reference}
    assert listed(assignee="none") == {waiting.reference}
    assert listed(assignee=str(counsellor.pk)) == {case.reference}
    assert listed(overdue="yes") == set()
    clock.advance(hours=4)
    assert listed(overdue="yes") == {waiting.reference}
    services.close(supervisor, case, "safe")
    assert listed() == {waiting.reference}
    assert listed(stage="all") == {case.reference, waiting.reference}


def test_the_list_takes_the_same_number_of_queries_for_many_cases(
    client, organisation, counsellor, supervisor
):
    page = verified_client(client, supervisor)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert page.get(reverse("cases:list")).status_code == 200
        return len(queries)

    open_for(counsellor, contact=make_contact(organisation, counsellor), assign_to=counsellor)
    few = count()
    for _ in range(5):
        open_for(counsellor, contact=make_contact(organisation, counsellor), assign_to=counsellor)
    assert count() == few


def test_the_case_page_masks_the_name_until_it_is_revealed_and_records_both(chris, case):
    page = chris.get(detail(case))
    body = page.content.decode()
    assert page.status_code == 200
    assert CHILD_NAME not in body and "M•••••••" in body
    assert AuditEvent.objects.filter(action="case.viewed", target_id=str(case.pk)).exists()

    revealed = chris.post(reverse("cases:reveal", args=[case.reference]))
    assert revealed.status_code == 200 and CHILD_NAME in revealed.content.decode()
    assert revealed["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="case.revealed")
    assert event.detail["fields"] == ["child_name"] and event.actor.username == "chris"
    assert chris.get(reverse("cases:reveal", args=[case.reference])).status_code == 405


def test_the_case_page_shows_the_stage_bar_with_due_dates_and_the_timeline(chris, case, clock):
    body = chris.get(detail(case)).content.decode()
    assert 'aria-current="step"' in body
    assert (case.stage_due_at).strftime("%-d %b") in body
    assert "Assigned to chris" in body and "Case opened from contact" in body


def test_the_printout_masks_the_name_unless_asked_for_it_and_both_are_recorded(chris, case):
    url = reverse("cases:print", args=[case.reference])
    masked = chris.get(url)
    body = masked.content.decode()
    assert masked.status_code == 200 and CHILD_NAME not in body
    assert "the child's name is masked" in body
    assert 'class="sub-nav"' not in body and 'class="staff-nav"' not in body
    assert AuditEvent.objects.get(action="case.printed").detail["revealed"] is False

    named = chris.post(url, {"print-with_name": "on"}).content.decode()
    assert CHILD_NAME in named and "includes the child's name" in named
    assert AuditEvent.objects.filter(action="case.printed", detail__revealed=True).count() == 1
    assert AuditEvent.objects.get(action="case.revealed").detail["purpose"] == "print"
    # Posting without the box ticked prints masked.
    assert CHILD_NAME not in chris.post(url, {}).content.decode()


def test_opening_a_case_from_a_contact_asks_first_then_opens_it(chris, organisation, counsellor):
    contact = make_contact(organisation, counsellor, risk_level="high")
    url = reverse("cases:open_from_contact", args=[contact.reference])

    assert chris.get(url).status_code == 200
    assert not Case.objects.exists()
    response = chris.post(url, {"case-choice": "new", "case-take": "on"})

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(case)
    assert case.assigned_to.username == "chris" and case.stage == Stage.ASSESSMENT
    again = chris.get(url)
    assert (
        case.reference in again.content.decode()
        and "already part of case" in again.content.decode()
    )


def test_a_contact_can_be_added_to_an_existing_case(chris, organisation, counsellor, case):
    second = make_contact(organisation, counsellor, categories=["mental_health.anxiety"])
    url = reverse("cases:open_from_contact", args=[second.reference])

    wrong = chris.post(url, {"case-choice": "existing", "case-case_ref": "K-22222-22222"})
    assert wrong.status_code == 400 and "No case you can open" in wrong.content.decode()
    missing = chris.post(url, {"case-choice": "existing"})
    assert missing.status_code == 400 and "Give the reference" in missing.content.decode()

    typed = case.reference.lower().replace("-", " ")
    assert chris.post(url, {"case-choice": "existing", "case-case_ref": typed}).status_code == 302
    assert Contact.objects.get(pk=second.pk).case == case
    assert Case.objects.get(pk=case.pk).categories == [
        "violence.physical",
        "mental_health.anxiety",
    ]


def test_opening_from_a_report_through_the_report_page_panel(client, organisation, analyst):
    report = danger_report(organisation)
    page = verified_client(client, analyst)
    panel = page.get(reverse("triage:detail", args=[report.reference])).content.decode()
    assert "Helpline cases" in panel and "in no helpline case" in panel

    url = reverse("cases:open_from_report", args=[report.reference])
    # The analyst hands the report to the helpline and goes back to the report: the case
    # is the helpline's to work, and a hotline analyst does not read helpline cases.
    response = page.post(url, {"case-choice": "new"})
    assert response.url == reverse("triage:detail", args=[report.reference])
    case = Case.objects.get()
    assert page.get(reverse("cases:detail", args=[case.reference])).status_code == 404
    assert list(case.reports.all()) == [report] and case.risk_level == "high"
    panel = page.get(reverse("triage:detail", args=[report.reference])).content.decode()
    assert case.reference not in panel and "in 1 case you cannot open" in panel


def test_opening_from_an_emergency(chris, organisation, counsellor, network):
    emergency = make_emergency(organisation, district=network.north)
    url = reverse("cases:open_from_emergency", args=[emergency.reference])
    assert chris.get(url).status_code == 200
    assert chris.post(url, {"case-choice": "new"}).status_code == 302
    case = Case.objects.get()
    assert case.risk_level == "immediate" and case.district == network.north
    assert case.emergencies.get() == emergency


def test_opening_a_case_from_an_emergency_does_not_hand_over_another_counsellors_contact(
    client, organisation, counsellor, other_counsellor, network
):
    contact = make_contact(organisation, counsellor, child_name=CHILD_NAME, summary="secret")
    emergency = make_emergency(organisation, contact=contact, district=network.north)
    dana = verified_client(client, other_counsellor)
    contact_url = reverse("helpline:contact", args=[contact.reference])
    assert dana.get(contact_url).status_code == 404
    url = reverse("cases:open_from_emergency", args=[emergency.reference])
    assert "not one you can open" in dana.get(url).content.decode()

    response = dana.post(url, {"case-choice": "new", "case-take": "on"}, follow=True)

    case = Case.objects.get()
    assert case.assigned_to == other_counsellor and case.emergencies.get() == emergency
    assert Contact.objects.get(pk=contact.pk).case is None
    assert case.child_name_sealed == ""
    assert "A supervisor can link it" in response.content.decode()
    assert dana.get(contact_url).status_code == 404
    reveal = reverse("helpline:contact_reveal", args=[contact.reference])
    assert dana.post(reveal).status_code == 404
    assert not AuditEvent.objects.filter(action="case.opened", detail__contact=contact.reference)


def test_a_supervisor_opening_a_case_from_an_emergency_links_its_contact(
    client, organisation, counsellor, supervisor, network
):
    contact = make_contact(organisation, counsellor)
    emergency = make_emergency(organisation, contact=contact, district=network.north)
    page = verified_client(client, supervisor)
    url = reverse("cases:open_from_emergency", args=[emergency.reference])
    assert "not one you can open" not in page.get(url).content.decode()
    assert page.post(url, {"case-choice": "new"}).status_code == 302
    assert Contact.objects.get(pk=contact.pk).case == Case.objects.get()


def test_records_of_another_organisation_cannot_be_linked(
    chris, case, other_organisation, outsider
):
    theirs = make_contact(other_organisation, outsider)
    their_report = danger_report(other_organisation)
    their_emergency = make_emergency(other_organisation, reference="E-XXXXX-YYYYY")

    for name, prefix, reference in (
        ("link_contact", "contact", theirs.reference),
        ("link_report", "report", their_report.reference),
        ("link_emergency", "emergency", their_emergency.reference),
    ):
        url = reverse(f"cases:{name}", args=[case.reference])
        response = chris.post(url, {f"{prefix}-reference": reference})
        assert response.status_code == 400, name
        assert "No " in response.content.decode()
    assert Contact.objects.get(pk=theirs.pk).case is None
    assert not case.reports.exists() and not case.emergencies.exists()


def test_a_counsellor_cannot_link_a_contact_they_cannot_open(
    chris, case, organisation, other_counsellor
):
    hidden = make_contact(organisation, other_counsellor)
    url = reverse("cases:link_contact", args=[case.reference])
    response = chris.post(url, {"contact-reference": hidden.reference})
    assert response.status_code == 400
    assert Contact.objects.get(pk=hidden.pk).case is None


def test_the_assessment_is_saved_then_the_case_moves_on_from_the_page(chris, case):
    url = reverse("cases:record", args=[case.reference])

    refused = chris.post(url, {"which": "assessment", "assessment-text": "", "advance": "1"})
    assert refused.status_code == 400 and "Write the assessment first" in refused.content.decode()
    assert (
        chris.post(url, {"which": "assessment", "assessment-text": "Hit at home"}).status_code
        == 302
    )
    moved = chris.post(
        url, {"which": "assessment", "assessment-text": "Hit at home", "advance": "1"}
    )
    assert moved.status_code == 302 and moved["Location"].endswith("#plan-title")
    assert Case.objects.get(pk=case.pk).stage == Stage.PLAN
    to_services = chris.post(url, {"which": "plan", "plan-text": "Shelter", "advance": "1"})
    assert to_services["Location"].endswith("#services-title")
    assert chris.post(url, {"which": "nonsense", "x-text": "y"}).status_code == 400


def test_services_and_referrals_from_the_page_warn_when_the_child_did_not_consent(
    chris, case, counsellor, network
):
    chris.post(
        reverse("cases:add_service", args=[case.reference]),
        {"service-service_type": "shelter", "service-timeframe": "1h"},
    )
    service = case.services.get()
    assert service.timeframe == Timeframe.HOUR
    body = chris.get(detail(case)).content.decode()
    assert "Safe Hands night shelter" in body and "did not agree to share" not in body

    services.update_details(counsellor, case, {"consent_share": False})
    body = chris.get(detail(case)).content.decode()
    assert "The child did not agree to share details" in body
    assert "Note (kept by the helpline, not shared)" in body

    refer = reverse("cases:refer", args=[service.pk])
    wrong = chris.post(refer, {f"refer-{service.pk}-partner_service": network.legal.pk})
    assert (
        wrong.status_code == 400
        and "Choose a partner service from the list" in wrong.content.decode()
    )
    ok = chris.post(refer, {f"refer-{service.pk}-partner_service": network.shelter.pk})
    assert ok.status_code == 302 and service.referrals.get().partner == network.safe_hands


def test_closing_from_the_page_asks_to_confirm_cancelling_open_work(chris, case, counsellor):
    delivery.add_service(counsellor, case, ServiceType.HEALTH, Timeframe.DAY)
    url = reverse("cases:close", args=[case.reference])

    no_reason = chris.post(url, {"close-reason": ""})
    assert (
        no_reason.status_code == 400
        and "Choose why the case is closing" in no_reason.content.decode()
    )
    asked = chris.post(url, {"close-reason": "moved", "close-note": "To her aunt's town"})
    assert asked.status_code == 200 and "Services that will be cancelled" in asked.content.decode()
    assert Case.objects.get(pk=case.pk).stage == Stage.ASSESSMENT

    done = chris.post(
        url, {"close-reason": "moved", "close-note": "To her aunt's town", "close-confirm": "on"}
    )
    assert done.status_code == 302
    closed = Case.objects.get(pk=case.pk)
    assert closed.stage == Stage.CLOSED and closed.closure_reason == "moved"


def test_only_supervisors_assign_and_reopen_from_the_page(
    client, case, counsellor, other_counsellor, supervisor
):
    page = verified_client(client, counsellor)
    assign = reverse("cases:assign", args=[case.reference])
    assert page.post(assign, {"assign-assignee": other_counsellor.pk}).status_code == 403
    services.close(counsellor, case, "safe")
    assert (
        page.post(
            reverse("cases:reopen", args=[case.reference]), {"reopen-reason": "x"}
        ).status_code
        == 403
    )

    boss = verified_client(client, supervisor)
    reopened = boss.post(
        reverse("cases:reopen", args=[case.reference]), {"reopen-reason": "Called"}
    )
    assert reopened.status_code == 302
    assert boss.post(assign, {"assign-assignee": other_counsellor.pk}).status_code == 302
    assert Case.objects.get(pk=case.pk).assigned_to == other_counsellor


def test_a_counsellor_takes_an_unassigned_case_they_opened(chris, organisation, counsellor):
    case = open_for(counsellor, contact=make_contact(organisation, counsellor))
    assert "Take this case" in chris.get(detail(case)).content.decode()
    assert chris.post(reverse("cases:take", args=[case.reference])).status_code == 302
    assert Case.objects.get(pk=case.pk).assigned_to == counsellor


def test_follow_ups_from_the_page(chris, case, clock):
    url = reverse("cases:add_follow_up", args=[case.reference])
    past = (clock.now - timedelta(days=2)).date().isoformat()
    refused = chris.post(url, {"follow_up-due": past, "follow_up-description": "Call"})
    assert refused.status_code == 400 and "from today on" in refused.content.decode()
    day = (clock.now + timedelta(days=3)).date()
    assert (
        chris.post(
            url, {"follow_up-due": day.isoformat(), "follow_up-description": "Call"}
        ).status_code
        == 302
    )
    follow_up = case.follow_ups.get()
    assert follow_up.due_at.date() == day and follow_up.assigned_to.username == "chris"

    done = reverse("cases:follow_up_done", args=[follow_up.pk])
    assert chris.post(done, {f"done-{follow_up.pk}-outcome": "She is well"}).status_code == 302
    assert case.follow_ups.get().outcome == "She is well"


def test_details_form_refuses_another_organisations_district(chris, case, other_organisation):
    from haven.network.models import District

    theirs = District.objects.create(organisation=other_organisation, name="Far", code="far")
    response = chris.post(
        reverse("cases:details", args=[case.reference]),
        {"details-gender": "girl", "details-risk_level": "high", "details-district": theirs.pk},
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).district_id != theirs.pk


def test_the_case_page_and_its_printout_list_the_emergencies_of_its_contacts(
    chris, organisation, case, contact
):
    # Linked to the contact before the case took in its contacts' emergencies.
    raised = make_emergency(organisation, contact=contact, reference="E-55555-55555")
    url = reverse("cases:detail", args=[case.reference])

    page = chris.get(url).content.decode()
    linked = page[page.index('id="linked-title"') :]
    assert raised.reference in linked
    assert reverse("emergencies:detail", args=[raised.reference]) in linked
    printed = chris.get(reverse("cases:print", args=[case.reference])).content.decode()
    assert f"Emergencies: {raised.reference} (" in printed


def test_marking_a_follow_up_done_says_so_when_the_next_one_is_already_due_that_day(
    chris, case, counsellor, clock
):
    case = services.advance(counsellor, case, "plan", "She is hit at home.")
    case = services.advance(counsellor, case, "services", "Shelter tonight.")
    case = services.advance(counsellor, case, Stage.FOLLOW_UP, "Moved on without services")
    automatic = case.follow_ups.get()
    visit = delivery.add_follow_up(counsellor, case, clock.now + timedelta(days=1), "Visit")
    page = chris.get(detail(case)).content.decode()
    # With the automatic follow-up still open, no next date is suggested.
    assert f'name="done-{visit.pk}-next_due" value=' not in page

    response = chris.post(
        reverse("cases:follow_up_done", args=[visit.pk]),
        {
            f"done-{visit.pk}-outcome": "She is well",
            f"done-{visit.pk}-next_due": automatic.due_at.date().isoformat(),
        },
        follow=True,
    )

    assert "so no second one was scheduled for that day" in response.content.decode()
    assert case.follow_ups.filter(done_at=None).get() == automatic
