"""Requests to unblock, alerts and deactivated profiles expire (haven/access/retention.py)."""

from datetime import timedelta

from django.utils import timezone

from haven.access.models import AdultAlert, ChildProfile, UnblockRequest
from haven.access.retention import expire_due
from haven.audit.models import AuditEvent


def make_request(child, **fields) -> UnblockRequest:
    defaults = {
        "organisation": child.organisation,
        "profile": child,
        "policy": child.policy,
        "content_ref": "https://example.org/page",
        "content_key": "0" * 64,
        "action": "restrict",
        "child_message": "please, it is for homework",
    }
    return UnblockRequest.objects.create(**{**defaults, **fields})


def age(row, days: int) -> None:
    type(row).objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_an_answered_request_is_deleted_ninety_days_after_its_answer(child):
    now = timezone.now()
    old = make_request(child, status="declined", decided_at=now - timedelta(days=91))
    recent = make_request(child, status="declined", decided_at=now - timedelta(days=89))

    counts = expire_due()

    assert counts["requests_deleted"] == 1
    assert not UnblockRequest.objects.filter(pk=old.pk).exists()
    assert UnblockRequest.objects.filter(pk=recent.pk).exists()


def test_a_request_nobody_answered_is_deleted_ninety_days_after_it_was_made(child):
    waiting = make_request(child)
    age(waiting, 91)

    expire_due()

    assert not UnblockRequest.objects.filter(pk=waiting.pk).exists()


def test_an_approval_in_force_is_kept_without_the_message_and_the_note(child):
    approval = make_request(
        child,
        status="approved",
        decided_at=timezone.now() - timedelta(days=120),
        adult_note="fine for the project",
    )

    expire_due()

    approval.refresh_from_db()
    assert approval.status == "approved"
    assert approval.child_message == "" and approval.adult_note == ""


def test_an_expired_approval_is_deleted_like_any_answered_request(child):
    now = timezone.now()
    approval = make_request(
        child,
        status="approved",
        decided_at=now - timedelta(days=120),
        expires_at=now - timedelta(days=90),
    )

    expire_due()

    assert not UnblockRequest.objects.filter(pk=approval.pk).exists()


def test_alerts_are_deleted_ninety_days_after_they_were_made(child):
    old = AdultAlert.objects.create(
        organisation=child.organisation, profile=child, categories=["grooming"]
    )
    age(old, 91)
    recent = AdultAlert.objects.create(
        organisation=child.organisation, profile=child, categories=["threat"]
    )

    expire_due()

    assert list(AdultAlert.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_profile_deactivated_long_ago_is_deleted_and_an_active_one_is_not(child, family_policy):
    gone = ChildProfile.objects.create(
        organisation=child.organisation,
        policy=family_policy,
        label="Left the family",
        birth_year=2012,
        active=False,
    )
    ChildProfile.objects.filter(pk=gone.pk).update(updated_at=timezone.now() - timedelta(days=91))
    ChildProfile.objects.filter(pk=child.pk).update(updated_at=timezone.now() - timedelta(days=400))

    expire_due()

    assert list(ChildProfile.objects.values_list("pk", flat=True)) == [child.pk]


def test_what_was_deleted_is_audited_as_counts_only(child):
    waiting = make_request(child)
    age(waiting, 91)

    expire_due()

    event = AuditEvent.objects.get(action="access.retention")
    assert event.detail == {
        "requests_deleted": 1,
        "approvals_cleared": 0,
        "alerts": 0,
        "profiles": 0,
    }


def test_nothing_due_writes_no_audit_event(child):
    make_request(child)

    assert expire_due() == {
        "requests_deleted": 0,
        "approvals_cleared": 0,
        "alerts": 0,
        "profiles": 0,
    }
    assert not AuditEvent.objects.filter(action="access.retention").exists()
