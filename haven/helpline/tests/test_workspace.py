"""The counsellor's workspace: their chats, contacts and cases, and what is waiting for
the helpline."""

from datetime import timedelta

from django.utils import timezone

from haven.chat.models import Conversation
from haven.emergencies.models import Emergency
from haven.helpline.tests.factories import open_case, record_contact
from haven.helpline.workspace import workspace_for


def _conversation(organisation, status, counsellor=None):
    return Conversation.objects.create(
        organisation=organisation,
        channel="web",
        status=status,
        counsellor=counsellor,
        last_activity_at=timezone.now(),
        taken_at=timezone.now() if counsellor else None,
    )


def _emergency(organisation, reference, status):
    now = timezone.now()
    return Emergency.objects.create(
        organisation=organisation,
        reference=reference,
        status=status,
        opened_at=now,
        target_at=now + timedelta(hours=1),
    )


def test_the_workspace_shows_what_the_counsellor_has_open_and_what_waits(
    organisation, other_organisation, counsellor, other_counsellor, counsellor_client
):
    mine = _conversation(organisation, "active", counsellor)
    _conversation(organisation, "active", other_counsellor)
    for _ in range(3):
        _conversation(organisation, "waiting")
    _conversation(other_organisation, "waiting")
    _emergency(organisation, "E-ONE", "alerting")
    _emergency(organisation, "E-TWO", "closed")
    _emergency(other_organisation, "E-THREE", "alerting")
    draft = record_contact(counsellor)
    record_contact(counsellor, complete=True)

    work = workspace_for(counsellor, timezone.now())
    assert work.active_chats == [mine]
    assert work.waiting_chats == 3 and work.open_emergencies == 1
    assert work.open_contacts == [draft]
    assert work.organisation_open_contacts is None

    response = counsellor_client.get("/helpline/")
    assert response.status_code == 200
    assert f"/helpline/contacts/{draft.reference}/edit/" in response.content.decode()


def test_overdue_cases_come_first(organisation, counsellor, other_counsellor):
    now = timezone.now()
    later = open_case(organisation, counsellor, stage_due_at=now + timedelta(days=2))
    undated = open_case(organisation, counsellor)
    overdue = open_case(organisation, counsellor, stage_due_at=now - timedelta(hours=1))
    more_overdue = open_case(organisation, counsellor, stage_due_at=now - timedelta(days=1))
    open_case(organisation, counsellor, stage="closed")
    open_case(organisation, other_counsellor, stage_due_at=now - timedelta(days=3))

    work = workspace_for(counsellor, now)
    assert work.cases == [more_overdue, overdue, later, undated]
    assert [case.overdue for case in work.cases] == [True, True, False, False]
    assert work.overdue_cases == 2


def test_a_supervisor_also_sees_how_many_contacts_are_in_progress(supervisor, counsellor):
    record_contact(counsellor)
    assert workspace_for(supervisor, timezone.now()).organisation_open_contacts == 1


def test_the_workspace_page_works_with_cases_and_chats_listed(
    organisation, counsellor, counsellor_client
):
    open_case(organisation, counsellor, stage_due_at=timezone.now() - timedelta(hours=2))
    _conversation(organisation, "active", counsellor)
    body = counsellor_client.get("/helpline/").content.decode()
    assert "K-TEST-0001" in body and "Overdue" in body
    assert "1 of your cases is overdue" in body
