"""The counsellor's side: the queue of waiting chats, taking one, and the conversation
page (transcript live, a send box, End, and the link to the contact form).

The conversation page is live over the counsellor WebSocket, falls back to the
long-poll below, and without JavaScript still shows the transcript and sends.
"""

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.accounts.access import helpline_staff_required
from haven.audit.services import Actor, client_ip, record
from haven.chat import feed, limits
from haven.chat.access import (
    access_conversation,
    access_conversation_to_take,
    conversations_for,
    is_chat_staff,
    may_write,
    staff_may_read,
)
from haven.chat.database import release_request_connections
from haven.chat.forms import MessageForm
from haven.chat.models import ChatMessage, Conversation, ConversationStatus, Sender
from haven.chat.services import TOPICS, ChatRefused, end, refused, reply, take
from haven.chat.views import (
    LONG_POLL_SECONDS,
    PAGE_MESSAGES,
    ack_response,
    feed_response,
    message_payload,
    refresh_mark,
    refusal_response,
)
from haven.helpline import identity
from haven.web.languages import language_name

QUEUE_LIMIT = 100
PREVIEW_CHARS = 120
# A member of staff reading a conversation through its long-poll alone (no page) is
# audited too, at most once in this many seconds per conversation.
POLL_AUDIT_SECONDS = 600


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


# --- The queue ------------------------------------------------------------------------


@never_cache
@require_GET
@helpline_staff_required
def queue(request):
    return render(request, "chat/queue.html", queue_context(request.user))


@never_cache
@require_GET
@helpline_staff_required
def queue_data(request):
    context = queue_context(request.user)
    return JsonResponse(
        {
            "waiting": [_row_json(row) for row in context["waiting"]],
            "mine": [_row_json(row) for row in context["mine"]],
        }
    )


def queue_context(user) -> dict:
    first_words = ChatMessage.objects.filter(
        conversation=OuterRef("pk"), sender=Sender.CHILD
    ).order_by("seq")
    last_sender = ChatMessage.objects.filter(conversation=OuterRef("pk")).order_by("-seq")
    visible = conversations_for(user).annotate(
        preview=Subquery(first_words.values("body")[:1]),
        last_sender=Subquery(last_sender.values("sender")[:1]),
    )
    waiting = visible.filter(status=ConversationStatus.WAITING).order_by("created_at", "pk")
    mine = visible.filter(status=ConversationStatus.ACTIVE).select_related("counsellor")
    if not user.is_supervisor:
        mine = mine.filter(counsellor=user)
    now = timezone.now()
    return {
        "waiting": [_row(c, now) for c in waiting[:QUEUE_LIMIT]],
        "mine": [_row(c, now) for c in mine.order_by("taken_at", "pk")[:QUEUE_LIMIT]],
    }


def _row(conversation: Conversation, now) -> dict:
    preview = conversation.preview or ""  # type: ignore[attr-defined]
    if len(preview) > PREVIEW_CHARS:
        preview = preview[: PREVIEW_CHARS - 1] + "…"
    since = conversation.taken_at or conversation.created_at
    return {
        "id": conversation.pk,
        "channel": conversation.channel,
        "channel_label": conversation.get_channel_display(),
        "language": language_name(conversation.language) or conversation.language,
        "topic": str(TOPICS.get(conversation.topic, "")),
        "waited_seconds": max(0, int((now - since).total_seconds())),
        "created_at": conversation.created_at,
        "preview": preview,
        "counsellor": conversation.counsellor.username if conversation.counsellor else "",
        "child_waiting": conversation.last_sender == Sender.CHILD,  # type: ignore[attr-defined]
        "url": reverse("chat:conversation", args=[conversation.pk]),
        "take_url": reverse("chat:take", args=[conversation.pk]),
    }


def _row_json(row: dict) -> dict:
    return {key: value for key, value in row.items() if key != "created_at"}


@require_POST
@helpline_staff_required
def take_view(request, conversation_id: int):
    conversation = access_conversation_to_take(request.user, conversation_id)
    try:
        take(request.user, conversation, _actor(request))
    except ChatRefused as refusal:
        messages.error(request, str(refusal.message))
        return redirect("chat:queue")
    return redirect("chat:conversation", conversation_id=conversation.pk)


# --- A conversation -------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@helpline_staff_required
def conversation_page(request, conversation_id: int):
    try:
        conversation = access_conversation(request.user, conversation_id)
    except Http404:
        return _taken_elsewhere(request, conversation_id)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            reply(
                request.user,
                conversation,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
            )
        except ChatRefused as refusal:
            form.add_error("body", str(refusal.message))
            status = 409 if refusal.code in {"ended", "not_taken", "not_yours"} else 400
        else:
            return redirect(reverse("chat:conversation", args=[conversation.pk]) + "#latest")
    if request.method == "GET":
        record(_actor(request), "conversation.viewed", conversation)
    return render(
        request,
        "chat/conversation.html",
        _conversation_context(request, conversation, form),
        status=status,
    )


def _taken_elsewhere(request, conversation_id: int):
    """A counsellor back on a chat that another counsellor took meanwhile: say so and
    go back to the queue. Anything else that is not theirs is a 404."""
    conversation = access_conversation_to_take(request.user, conversation_id)
    if conversation.status != ConversationStatus.ACTIVE:
        raise Http404("No such conversation")
    messages.error(request, str(refused("not_yours").message))
    return redirect("chat:queue")


def _conversation_context(request, conversation: Conversation, form) -> dict:
    viewer = feed.Viewer.staff(request.user, translation.get_language())
    after = max(0, conversation.next_seq - 1 - PAGE_MESSAGES)
    transcript = feed.read(conversation.pk, after, viewer)
    contact = conversation.contacts.order_by("-started_at").first()  # type: ignore[attr-defined]
    number = ""
    if conversation.address_sealed:
        number = identity.mask_number(identity.unseal(conversation.address_sealed))
    return {
        "conversation": conversation,
        "title": _title(conversation, contact),
        "form": form,
        "transcript": transcript,
        "last_seq": transcript.last or after,
        "may_write": may_write(request.user, conversation),
        "may_end": _may_end(request.user, conversation),
        "contact": contact,
        "masked_number": number,
        "language": language_name(conversation.language) or conversation.language,
        "topic": TOPICS.get(conversation.topic, ""),
        "refresh_mark": refresh_mark(),
    }


def _title(conversation: Conversation, contact) -> str:
    """What a counsellor calls the chat: its channel and its contact's reference (the
    reference is what the rest of the helpline shows), never an internal number."""
    channel = conversation.get_channel_display()
    if contact is not None:
        return f"{channel} {contact.reference}"
    if conversation.status == ConversationStatus.WAITING:
        return gettext("%(channel)s, waiting") % {"channel": channel}
    return str(channel)


def _may_end(user, conversation: Conversation) -> bool:
    if conversation.status == ConversationStatus.ENDED:
        return False
    return user.is_supervisor or may_write(user, conversation)


@require_POST
@helpline_staff_required
def end_view(request, conversation_id: int):
    conversation = access_conversation(request.user, conversation_id)
    if not _may_end(request.user, conversation):
        raise PermissionDenied("Only the counsellor of this chat or a supervisor ends it.")
    if end(conversation, request.user, _actor(request)):
        messages.success(request, "The chat has ended. Complete the contact form.")
    return redirect("chat:conversation", conversation_id=conversation.pk)


# --- JSON for the conversation page when the WebSocket does not work ------------------


def _staff_viewer(request, conversation_id: int) -> tuple[Conversation, feed.Viewer]:
    if not is_chat_staff(request.user):
        raise PermissionDenied
    conversation = access_conversation(request.user, conversation_id)
    # Read through the long-poll alone, without the page: audited as a view too.
    if cache.add(f"chat.poll_viewed.{request.user.pk}.{conversation.pk}", 1, POLL_AUDIT_SECONDS):
        record(_actor(request), "conversation.viewed", conversation, via="long-poll")
    # Done with the request's connection (opened by the middleware's look-ups): let it go
    # now, on this thread, rather than one more hop later.
    release_request_connections()
    return conversation, feed.Viewer.staff(request.user, translation.get_language())


@never_cache
@require_GET
async def conversation_poll(request, conversation_id: int):
    try:
        conversation, viewer = await sync_to_async(_staff_viewer)(request, conversation_id)
    except PermissionDenied:
        return JsonResponse({"type": "error", "code": "forbidden"}, status=403)
    except Http404:
        return JsonResponse({"type": "error", "code": "not_found"}, status=404)
    try:
        after = max(0, int(request.GET.get("after", 0)))
    except ValueError:
        after = 0
    user = request.user
    side = (conversation.pk, "staff", user.pk)
    if not limits.slots.acquire(side):
        return JsonResponse({"type": "error", "code": "too_many"}, status=429)
    try:
        batch = await feed.wait_for_news(
            conversation.pk,
            after,
            viewer,
            request.GET.get("status", ""),
            LONG_POLL_SECONDS,
            allowed=lambda row: staff_may_read(user, row),
        )
    except feed.AccessLost as lost:
        return _lost_response(lost.conversation)
    finally:
        limits.slots.release(side)
    return feed_response(batch)


def _lost_response(conversation: dict | None) -> JsonResponse:
    """The chat was taken by another counsellor (or ended, for someone who only saw it
    waiting) while the long-poll waited: 403, and nothing of it."""
    if conversation is not None and conversation["status"] == ConversationStatus.ACTIVE:
        code, text = "not_yours", str(refused("not_yours").message)
    else:
        code, text = "forbidden", gettext("You can no longer read this chat.")
    return JsonResponse({"type": "error", "code": code, "message": text}, status=403)


@never_cache
@require_POST
@helpline_staff_required
def conversation_send(request, conversation_id: int):
    # Any chat of the organisation: one taken by someone else is refused in words
    # ("taken by another counsellor") by reply(), which decides who writes.
    conversation = access_conversation_to_take(request.user, conversation_id)
    body, client_id = message_payload(request)
    try:
        message = reply(request.user, conversation, body=body, client_id=client_id)
    except ChatRefused as refusal:
        return refusal_response(refusal, client_id)
    viewer = feed.Viewer.staff(request.user, translation.get_language())
    return ack_response(message, client_id, viewer)
