"""Fetch conversations only through these helpers. Every lookup is scoped to the user's
organisation, and within it to what their role allows:

- supervisors and administrators: every conversation of their organisation;
- counsellors: the chats waiting to be taken, and their own;
- hotline analysts, partners, responders and anyone else: nothing (hotline staff never
  read children's conversations).

A child reaches their own chat only with its token, kept in a cookie (cookie.py,
services.conversation_for_token), and only until a little after it ended.

A page or a long-poll is checked when it is asked for; an open WebSocket is checked
again for every batch it delivers and every message it sends (the conversation's status
and counsellor: `staff_may_read`, `child_may_read`), and every minute for whether its
session is still signed in (`signed_in_staff`).
"""

from collections.abc import Mapping
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from haven.chat.limits import ENDED_GRACE
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
    """Any chat of the user's organisation, to try to take or write in: one that someone
    else has just taken is then refused with a message that says so, not a 404."""
    if not is_chat_staff(user):
        raise Http404("No such conversation")
    conversation = Conversation.objects.filter(
        pk=conversation_id, organisation_id=user.organisation_id
    ).first()
    if conversation is None:
        raise Http404("No such conversation")
    return conversation


def staff_may_read(user, conversation: Mapping[str, Any] | None) -> bool:
    """Whether `user` may still read a conversation, given its current organisation,
    status and counsellor (a row of feed.read): as conversations_for decides."""
    if conversation is None or not is_chat_staff(user):
        return False
    if conversation["organisation_id"] != user.organisation_id:
        return False
    return (
        user.is_supervisor
        or conversation["counsellor_id"] == user.pk
        or conversation["status"] == ConversationStatus.WAITING
    )


def child_may_read(conversation: Mapping[str, Any] | Conversation | None) -> bool:
    """Whether the child's side may still be served: until ENDED_GRACE after it ended
    (to read the goodbye), then nothing of it any more."""
    if conversation is None:
        return False
    if isinstance(conversation, Conversation):
        status, ended_at = conversation.status, conversation.ended_at
    else:
        status, ended_at = conversation["status"], conversation["ended_at"]
    if status != ConversationStatus.ENDED:
        return True
    return ended_at is not None and timezone.now() - ended_at < ENDED_GRACE


def readable_until(conversation: Conversation):
    """When an ended conversation stops being served to the child (None while open)."""
    if conversation.status != ConversationStatus.ENDED or conversation.ended_at is None:
        return None
    return conversation.ended_at + ENDED_GRACE


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


def signed_in_staff(session_key: str | None):
    """The member of staff signed in, with both factors, by the session `session_key`,
    read afresh: None once they signed out, the session expired or was flushed, their
    password changed, or their account was deactivated. For WebSockets, which outlive
    the request that authenticated them."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
        load_backend,
    )
    from django.utils.crypto import constant_time_compare

    if not session_key:
        return None
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    backend_path = session.get(BACKEND_SESSION_KEY)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None  # no such session (signed out, expired) or not a sign-in
    try:
        user_id = get_user_model()._meta.pk.to_python(session.get(SESSION_KEY))
    except Exception:
        return None
    # Like Django's get_user: the backend refuses inactive accounts.
    user = load_backend(backend_path).get_user(user_id)
    if user is None:
        return None
    if not constant_time_compare(session.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return None
    if not two_factor_verified(user, session):
        return None
    return user
