"""Fetch conversations only through these helpers. Every lookup is scoped to the user's
organisation, and within it to what their role allows:

- supervisors and administrators: every conversation of their organisation;
- counsellors: the chats waiting to be taken, and their own;
- hotline analysts, partners, responders and anyone else: nothing (hotline staff never
  read children's conversations).

A child reaches their own chat only with its token (services.conversation_for_token).
"""

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from haven.chat.models import Conversation, ConversationStatus


def is_chat_staff(user) -> bool:
    return user is not None and user.is_authenticated and user.is_helpline_staff


def conversations_for(user) -> QuerySet[Conversation]:
    if not is_chat_staff(user):
        return Conversation.objects.none()
    conversations = Conversation.objects.filter(organisation_id=user.organisation_id)
    if user.is_supervisor:
        return conversations
    return conversations.filter(Q(counsellor=user) | Q(status=ConversationStatus.WAITING))


def access_conversation(user, conversation_id: int) -> Conversation:
    conversation = (
        conversations_for(user)
        .filter(pk=conversation_id)
        .select_related("organisation", "counsellor")
        .first()
    )
    if conversation is None:
        raise Http404("No such conversation")
    return conversation


def access_conversation_to_take(user, conversation_id: int) -> Conversation:
    """Any chat of the user's organisation, to try to take: one that someone else has
    just taken is then refused with a message, not a 404."""
    if not is_chat_staff(user):
        raise Http404("No such conversation")
    conversation = Conversation.objects.filter(
        pk=conversation_id, organisation_id=user.organisation_id
    ).first()
    if conversation is None:
        raise Http404("No such conversation")
    return conversation


def may_write(user, conversation: Conversation) -> bool:
    """The counsellor who took the chat writes in it; a supervisor may step in."""
    return conversation.status == ConversationStatus.ACTIVE and (
        conversation.counsellor_id == user.pk or user.is_supervisor
    )


def two_factor_verified(user, session) -> bool:
    """Whether a session finished two-factor sign-in, as django_otp's middleware decides
    for pages (the WebSocket has no middleware of its own): the session names a
    confirmed device of this user."""
    if not settings.REQUIRE_TWO_FACTOR:
        return True
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if not persistent_id:
        return False
    device = Device.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk and device.confirmed
