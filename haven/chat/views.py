"""The child's side of the web chat, on the public site.

/chat/ starts a chat and sends the child to /chat/c/<chat_token>/, their chat page. The
page works three ways, best first: live over a WebSocket (consumers.py); with the
JSON long-poll below when the WebSocket will not connect (chat.js switches by itself);
and with no JavaScript at all — messages rendered on the page, a plain form to send,
and a refresh every few seconds (feature phones, Opera Mini).

The token in the address is the child's only key: whoever has it is the child. It is
never stored (only its SHA-256) and never sent elsewhere (the pages send no referrer).
"""

import json
import time

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.chat import feed
from haven.chat.database import database_call
from haven.chat.forms import MessageForm, StartForm
from haven.chat.models import Conversation, ConversationStatus, Sender
from haven.chat.services import (
    TOPICS,
    ChatRefused,
    conversation_for_token,
    end,
    open_web_conversation,
    post_message,
    touch_child,
)
from haven.reports.views import public_organisation

# How long a long-poll waits for news before answering "nothing yet" (below the 30 s
# that proxies and phone networks commonly allow an idle request).
LONG_POLL_SECONDS = 20.0
# A page shows at most this many of the latest messages.
PAGE_MESSAGES = 200
# Without JavaScript the page reloads itself this often (unless the child pauses it).
REFRESH_SECONDS = 10
REFUSAL_STATUS = {"slow_down": 429, "ended": 409, "not_taken": 409}


@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    organisation = public_organisation()
    if organisation is None:
        return render(request, "chat/unavailable.html", status=503)
    language = translation.get_supported_language_variant(translation.get_language())
    form = StartForm(request.POST or None, initial={"language": language})
    if request.method == "POST" and form.is_valid():
        _conversation, token = open_web_conversation(
            organisation, form.cleaned_data["language"], form.cleaned_data["topic"]
        )
        return redirect("chat:room", chat_token=token)
    return render(request, "chat/start.html", {"form": form})


def _child_conversation(chat_token: str) -> Conversation:
    conversation = conversation_for_token(chat_token)
    if conversation is None:
        raise Http404("No such chat")
    return conversation


@never_cache
@require_http_methods(["GET", "POST"])
def room(request, chat_token: str):
    try:
        conversation = _child_conversation(chat_token)
    except Http404:
        return render(request, "chat/gone.html", status=404)
    with translation.override(conversation.language or settings.LANGUAGE_CODE):
        form = MessageForm(request.POST or None)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                post_message(
                    conversation,
                    sender=Sender.CHILD,
                    body=form.cleaned_data["body"],
                    client_id=form.cleaned_data["client_id"],
                )
            except ChatRefused as refusal:
                form.add_error("body", str(refusal.message))
                status = REFUSAL_STATUS.get(refusal.code, 400)
            else:
                return redirect(reverse("chat:room", args=[chat_token]) + "#latest")
        touch_child(conversation.pk)
        return render(
            request,
            "chat/room.html",
            _room_context(request, conversation, chat_token, form),
            status=status,
        )


def _room_context(request, conversation: Conversation, chat_token: str, form) -> dict:
    viewer = feed.Viewer.child(conversation)
    after = max(0, conversation.next_seq - 1 - PAGE_MESSAGES)
    transcript = feed.read(conversation.pk, after, viewer)
    holding = request.GET.get("hold") == "1" or form.is_bound
    return {
        "conversation": conversation,
        "chat_token": chat_token,
        "form": form,
        "transcript": transcript,
        "ended": transcript.status["status"] == ConversationStatus.ENDED,
        "last_seq": transcript.last or after,
        "refresh_seconds": None if holding else REFRESH_SECONDS,
        "holding": holding,
        "topic": TOPICS.get(conversation.topic, ""),
        "refresh_mark": refresh_mark(),
    }


def refresh_mark() -> int:
    """A query value that changes every second: a link that differs from the current
    address only after "#" would not reload the page."""
    return int(time.time())


@never_cache
@require_POST
def leave(request, chat_token: str):
    conversation = _child_conversation(chat_token)
    end(conversation, "child")
    return redirect("chat:room", chat_token=chat_token)


# --- JSON for chat.js when the WebSocket does not work --------------------------------


@never_cache
@require_GET
async def poll(request, chat_token: str):
    """Wait up to LONG_POLL_SECONDS for messages after ?after=N (or a status other than
    ?status=...), then answer. Async: a waiting child holds no thread."""
    conversation = await database_call(conversation_for_token)(chat_token)
    if conversation is None:
        return _not_found()
    batch = await feed.wait_for_news(
        conversation.pk,
        _int(request.GET.get("after")),
        feed.Viewer.child(conversation),
        request.GET.get("status", ""),
        LONG_POLL_SECONDS,
    )
    await database_call(touch_child)(conversation.pk)
    return feed_response(batch)


def feed_response(batch: feed.Feed) -> JsonResponse:
    return JsonResponse({"messages": batch.messages, "status": batch.status, "more": batch.more})


@never_cache
@require_POST
def send(request, chat_token: str):
    conversation = conversation_for_token(chat_token)
    if conversation is None:
        return _not_found()
    body, client_id = message_payload(request)
    with translation.override(conversation.language or settings.LANGUAGE_CODE):
        try:
            message, _created = post_message(
                conversation, sender=Sender.CHILD, body=body, client_id=client_id
            )
        except ChatRefused as refusal:
            return refusal_response(refusal, client_id)
    return ack_response(message, client_id, feed.Viewer.child(conversation))


def ack_response(message, client_id: str, viewer: feed.Viewer) -> JsonResponse:
    """The ack carries the stored message: the sender shows it at once, and its
    long-poll need not wake for it."""
    return JsonResponse(
        {
            "type": "ack",
            "client_id": client_id,
            "seq": message.seq,
            "message": feed.frame(
                message, viewer, message.author.username if message.author else ""
            ),
        }
    )


def message_payload(request) -> tuple[str, str]:
    """(body, client_id) from a JSON body or a form post."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
    else:
        data = request.POST
    body = data.get("body")
    return (body if isinstance(body, str) else ""), str(data.get("client_id") or "")[:64]


def refusal_response(refusal: ChatRefused, client_id: str) -> JsonResponse:
    return JsonResponse(
        {
            "type": "error",
            "code": refusal.code,
            "message": str(refusal.message),
            "client_id": client_id,
        },
        status=REFUSAL_STATUS.get(refusal.code, 400),
    )


def _not_found() -> JsonResponse:
    return JsonResponse(
        {"type": "error", "code": "not_found", "message": "No such chat."}, status=404
    )


def _int(value) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0
