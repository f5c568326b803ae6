"""Ending chats that nobody is writing in, after the organisation's chat_idle_minutes
(HelplineSettings), with a system message that says why.

- An active chat ends when nobody has written for that long.
- A waiting web chat ends only when the child's page has also been gone that long: a
  child still waiting for a counsellor is never sent away.
- A waiting SMS conversation never ends by itself: the child texted and is owed an
  answer, however long the queue.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from haven.accounts.models import Organisation
from haven.chat.models import Conversation, ConversationChannel, ConversationStatus
from haven.chat.services import OPEN_STATUSES, end
from haven.helpline.services import settings_for


def end_idle(now=None) -> int:
    """End every idle chat; returns how many ended."""
    now = now or timezone.now()
    ended = 0
    busy = Conversation.objects.filter(status__in=OPEN_STATUSES).values("organisation_id")
    for organisation in Organisation.objects.filter(pk__in=busy).order_by("pk"):
        cutoff = now - timedelta(minutes=settings_for(organisation).chat_idle_minutes)
        for conversation in _idle(organisation, cutoff):
            ended += end(conversation, "idle")
    return ended


def _idle(organisation, cutoff):
    active = Q(status=ConversationStatus.ACTIVE)
    gone = Q(status=ConversationStatus.WAITING, channel=ConversationChannel.WEB) & (
        Q(child_seen_at__lt=cutoff) | Q(child_seen_at=None)
    )
    return Conversation.objects.filter(
        active | gone, organisation=organisation, last_activity_at__lt=cutoff
    ).order_by("pk")
