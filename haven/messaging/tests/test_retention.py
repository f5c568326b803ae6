"""Sent messages lose their number and text after the retention period."""

from datetime import timedelta

import pytest
from django.utils import timezone

from haven.helpline.identity import seal
from haven.messaging.models import OutboundMessage, OutboundStatus, RejectedWebhook
from haven.messaging.providers import FakeProvider
from haven.messaging.retention import anonymise_due
from haven.messaging.services import deliver
from haven.messaging.tests.conftest import CHILD, make_channel

pytestmark = pytest.mark.django_db


def _message(channel, status, days_ago, clock):
    message = OutboundMessage.objects.create(
        organisation_id=channel.organisation_id,
        channel=channel,
        to_sealed=seal(CHILD),
        body_sealed=seal("words"),
        purpose="chat",
        status=status,
    )
    OutboundMessage.objects.filter(pk=message.pk).update(
        created_at=clock.now - timedelta(days=days_ago)
    )
    return message


def test_old_messages_are_erased_whatever_became_of_them_and_the_rest_kept(
    clock, organisation, other_organisation
):
    ours, theirs = make_channel(organisation), make_channel(other_organisation)
    old_sent = _message(ours, OutboundStatus.SENT, 400, clock)
    old_failed = _message(ours, OutboundStatus.FAILED, 400, clock)
    recent = _message(ours, OutboundStatus.DELIVERED, 10, clock)
    recent_queued = _message(ours, OutboundStatus.QUEUED, 10, clock)  # still on its way
    other = _message(theirs, OutboundStatus.SENT, 400, clock)

    assert anonymise_due(organisation, clock.now - timedelta(days=365)) == 2
    assert anonymise_due(organisation, clock.now - timedelta(days=365)) == 0

    for message in (old_sent, old_failed):
        message.refresh_from_db()
        assert (message.to_sealed, message.body_sealed) == ("", "")
        assert message.status != OutboundStatus.QUEUED  # the row stays for the counts
    for message in (recent, recent_queued, other):
        message.refresh_from_db()
        assert message.to_sealed and message.body_sealed


def test_a_message_stuck_in_the_queue_past_retention_is_failed_and_erased(clock, organisation):
    channel = make_channel(organisation)
    stuck = _message(channel, OutboundStatus.QUEUED, 400, clock)

    assert anonymise_due(organisation, clock.now - timedelta(days=365)) == 1

    stuck.refresh_from_db()
    assert (stuck.to_sealed, stuck.body_sealed) == ("", "")
    assert stuck.status == OutboundStatus.FAILED and "retention" in stuck.error
    # A worker that picks its job up later finds nothing to send.
    assert deliver(stuck.pk) is None
    assert FakeProvider.outbox == []


def test_rejections_older_than_a_month_are_deleted(clock, organisation):
    channel = make_channel(organisation)
    old = RejectedWebhook.objects.create(channel=channel, reason="bad signature")
    RejectedWebhook.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    RejectedWebhook.objects.create(channel=channel, reason="bad signature")
    anonymise_due(organisation, clock.now)
    assert RejectedWebhook.objects.count() == 1
