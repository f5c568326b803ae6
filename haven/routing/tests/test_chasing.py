"""Referrals nobody acknowledges are chased every 24 hours, three times, then flagged."""

import re

import pytest
from django.core import mail

from haven.audit.models import AuditEvent
from haven.routing import services
from haven.routing.models import AckLink, ReferralStatus
from haven.routing.tasks import chase_due_task

TOKEN = re.compile(r"/routing/ack/([\w-]+)/")


@pytest.fixture
def sent(clock, hosted, german_hotline, analyst, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.forward(hosted.report, german_hotline, analyst)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and len(mail.outbox) == 1
    return referral


def _chase(capture) -> int:
    with capture(execute=True):
        return services.chase_due()


def test_nothing_is_chased_before_24_hours(clock, sent, django_capture_on_commit_callbacks):
    clock.advance(hours=23, minutes=59)
    assert _chase(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_an_unacknowledged_referral_is_chased_three_times_then_flagged_for_the_analyst(
    clock, sent, analyst, django_capture_on_commit_callbacks
):
    for number in (1, 2, 3):
        clock.advance(hours=24, minutes=1)
        assert _chase(django_capture_on_commit_callbacks) == 1
        assert _chase(django_capture_on_commit_callbacks) == 0  # once per day, not per run
        sent.refresh_from_db()
        assert sent.chases == number and sent.last_chased_at == clock.now
        chase = mail.outbox[-1]
        assert chase.to == ["hotline@eco.example"]
        assert chase.subject.startswith(f"Reminder {number}: ")
        assert f"reminder {number} of 3" in chase.body
        assert chase.attachments  # the package again, so nobody has to dig out the first
    assert len(mail.outbox) == 4

    clock.advance(hours=24, minutes=1)
    assert _chase(django_capture_on_commit_callbacks) == 1
    sent.refresh_from_db()
    assert sent.flagged_at == clock.now and sent.chase_at is None and sent.chases == 3
    notice = mail.outbox[-1]
    assert notice.to == [analyst.email]
    assert "not acknowledged" in notice.subject and sent.report.reference in notice.body
    assert AuditEvent.objects.filter(action="referral.flagged").count() == 1
    assert AuditEvent.objects.filter(action="referral.chased").count() == 3

    clock.advance(days=7)
    assert _chase(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 5


def test_every_link_sent_keeps_working_after_chases(
    clock, sent, django_capture_on_commit_callbacks
):
    first = TOKEN.search(mail.outbox[0].body).group(1)
    clock.advance(hours=25)
    _chase(django_capture_on_commit_callbacks)
    second = TOKEN.search(mail.outbox[1].body).group(1)
    assert first != second and AckLink.objects.filter(referral=sent).count() == 2
    assert services.acknowledge(first).status == ReferralStatus.ACKNOWLEDGED
    assert (
        services.acknowledge(second).acknowledged_at
        == sent.__class__.objects.get(pk=sent.pk).acknowledged_at
    )


def test_an_acknowledged_referral_is_never_chased(clock, sent, django_capture_on_commit_callbacks):
    services.acknowledge(TOKEN.search(mail.outbox[0].body).group(1))
    clock.advance(days=5)
    assert _chase(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_a_chase_that_cannot_be_sent_is_tried_again_an_hour_later(
    clock, sent, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    clock.advance(hours=25)
    assert _chase(django_capture_on_commit_callbacks) == 0
    sent.refresh_from_db()
    assert sent.chases == 0 and "could not be sent" in sent.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock.advance(minutes=59)
    assert _chase(django_capture_on_commit_callbacks) == 0
    clock.advance(minutes=2)
    assert _chase(django_capture_on_commit_callbacks) == 1
    sent.refresh_from_db()
    assert sent.chases == 1 and sent.error == ""


def test_the_periodic_task_chases(clock, sent, django_capture_on_commit_callbacks):
    clock.advance(hours=25)
    with django_capture_on_commit_callbacks(execute=True):
        assert chase_due_task.delay().get() == 1
