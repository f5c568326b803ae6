"""The child's side of the web chat, on the public site.

/chat/ starts a chat: the child's key to it (a random token) goes into the chat cookie
(cookie.py), never into an address, and the child is sent to /chat/room/, the same
address for every chat. The page works three ways, best first: live over a WebSocket
(consumers.py); with the JSON long-poll below when the WebSocket will not connect
(chat.js switches by itself); and with no JavaScript at all — messages rendered on the
page, a plain form to send, and a refresh every few seconds (feature phones, Opera
Mini).

Whoever has the token is the child. It is never stored (only its SHA-256), never in an
address or a referrer, and opens nothing once the chat has been over for
limits.ENDED_GRACE. /chat/c/<chat_token>/ re-attaches a browser that lost the cookie,
once: the token is replaced as it is used (`rejoin`).

Every POST needs Django's CSRF token: the chat needs cookies anyway (its own, and the
start form's), so CSRF costs no phone anything (docs/chat.md, "Cookies and CSRF").
"""

import json
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.audit.services import client_ip
from haven.chat import cookie, feed, limits
from haven.chat.access import child_may_read, readable_until
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
    refused,
    rotate_token,
    touch_child,
)
from haven.reports.views import public_organisation

# How long a long-poll waits for news before answering "nothing yet" (below the 30 s
# that proxies and phone networks commonly allow an idle request).
LONG_POLL_SECONDS = 20.0
# A page shows at most this many of the latest messages.
PAGE_MESSAGES = limits.REPLAY_MESSAGES
# Without JavaScript the page reloads itself this often (unless the child pauses it).
REFRESH_SECONDS = 10
REFUSAL_STATUS = {"slow_down": 429, "ended": 409, "not_taken": 409, "not_yours": 409}
# Where "Leave this site quickly" goes, after /chat/exit/ has forgotten the chat.
QUICK_EXIT_URL = "https://www.bbc.com/weather"


def _child_conversation(request) -> Conversation | None:
    """The conversation the chat cookie opens, if any (ended ones included)."""
    return conversation_for_token(cookie.token_from(request.COOKIES))


@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    organisation = public_organisation()
    if organisation is None:
        return render(request, "chat/unavailable.html", status=503)
    language = translation.get_supported_language_variant(translation.get_language())
    form = StartForm(request.POST or None, initial={"language": language})
    if request.method == "POST" and form.is_valid():
        if not limits.may_start_chat(client_ip(request)):
            return render(request, "chat/busy.html", status=429)
        _conversation, token = open_web_conversation(
            organisation, form.cleaned_data["language"], form.cleaned_data["topic"]
        )
        response = redirect("chat:room")
        cookie.remember(response, request, token)
        return response
    current = _child_conversation(request)
    back = current is not None and child_may_read(current)
    return render(request, "chat/start.html", {"form": form, "open_chat": back})


@never_cache
@require_http_methods(["GET", "POST"])
def room(request):
    conversation = _child_conversation(request)
    if conversation is None:
        response = render(request, "chat/gone.html", status=404)
        cookie.forget(response)
        return response
    if not child_may_read(conversation):
        return _ended_page(request, conversation)
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
                return redirect(reverse("chat:room") + "#latest")
        touch_child(conversation.pk)
        return render(
            request, "chat/room.html", _room_context(request, conversation, form), status=status
        )


def _ended_page(request, conversation: Conversation):
    """All that is left of a chat over for longer than the grace: that it ended."""
    with translation.override(conversation.language or settings.LANGUAGE_CODE):
        response = render(request, "chat/ended.html")
    cookie.forget(response)
    return response


def _room_context(request, conversation: Conversation, form) -> dict:
    viewer = feed.Viewer.child(conversation)
    transcript = feed.read(conversation.pk, 0, viewer, PAGE_MESSAGES)
    holding = request.GET.get("hold") == "1" or form.is_bound
    ended = transcript.status["status"] == ConversationStatus.ENDED
    until = readable_until(conversation)
    forget_in = max(0, int((until - timezone.now()).total_seconds())) + 1 if until else None
    return {
        "conversation": conversation,
        "form": form,
        "transcript": transcript,
        "ended": ended,
        "last_seq": transcript.last or 0,
        "refresh_seconds": None if holding else REFRESH_SECONDS,
        "holding": holding,
        "topic": TOPICS.get(conversation.topic, ""),
        "refresh_mark": refresh_mark(),
        # After the grace the page forgets the transcript (chat.js), or reloads into
        # "This chat has ended" (without JavaScript).
        "forget_in": forget_in,
        "grace_seconds": int(limits.ENDED_GRACE.total_seconds()),
    }


def refresh_mark() -> int:
    """A query value that changes every second: a link that differs from the current
    address only after "#" would not reload the page."""
    return int(time.time())


@never_cache
@require_GET
def rejoin(request, chat_token: str):
    """Re-attach a browser that lost its chat cookie, with a link that holds the token.
    The link works once: the chat gets a new token, which goes into the cookie, and the
    browser is redirected to /chat/room/ (a redirect, so the link is not a page in the
    tab's history, and Back does not lead to it)."""
    conversation = conversation_for_token(chat_token)
    if conversation is None:
        response = render(request, "chat/gone.html", status=404)
        cookie.forget(response)
        return response
    if not child_may_read(conversation):
        return _ended_page(request, conversation)
    response = redirect("chat:room")
    cookie.remember(response, request, rotate_token(conversation))
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_POST
def leave(request):
    """ "End chat": the chat ends, the cookie goes, and the child lands on the start page
    with a word of thanks."""
    conversation = _child_conversation(request)
    if conversation is not None:
        end(conversation, "child")
        with translation.override(conversation.language or settings.LANGUAGE_CODE):
            messages.info(request, gettext("This chat has ended. Thank you for talking to us."))
    response = redirect("chat:start")
    cookie.forget(response)
    return response


@never_cache
@require_GET
def quick_exit(request):
    """ "Leave this site quickly": forget the chat in this browser (the chat itself goes
    on until it ends as idle) and go to an ordinary site. No database: it must be fast."""
    response = redirect(QUICK_EXIT_URL)
    cookie.forget(response)
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- JSON for chat.js when the WebSocket does not work --------------------------------


@never_cache
@require_GET
async def poll(request):
    """Wait up to LONG_POLL_SECONDS for messages after ?after=N (or a status other than
    ?status=...), then answer. Async: a waiting child holds no database connection."""
    conversation = await database_call(conversation_for_token)(cookie.token_from(request.COOKIES))
    if conversation is None:
        return _not_found()
    if not child_may_read(conversation):
        return gone_response(conversation.language)
    side = (conversation.pk, "child")
    if not await _within_window("poll", side):
        return too_many_response(conversation.language)
    if not limits.slots.acquire(side):
        return too_many_response(conversation.language)
    try:
        batch = await feed.wait_for_news(
            conversation.pk,
            _int(request.GET.get("after")),
            feed.Viewer.child(conversation),
            request.GET.get("status", ""),
            LONG_POLL_SECONDS,
            allowed=child_may_read,
        )
    except feed.AccessLost:
        return gone_response(conversation.language)
    finally:
        limits.slots.release(side)
    await database_call(touch_child)(conversation.pk)
    return feed_response(batch)


async def _within_window(kind: str, side: tuple) -> bool:
    key = ".".join(str(part) for part in side)
    return await sync_to_async(limits.within_window, thread_sensitive=False)(kind, key)


def feed_response(batch: feed.Feed) -> JsonResponse:
    return JsonResponse({"messages": batch.messages, "status": batch.status, "more": batch.more})


@never_cache
@require_POST
def send(request):
    conversation = _child_conversation(request)
    if conversation is None:
        return _not_found()
    language = conversation.language or settings.LANGUAGE_CODE
    if not child_may_read(conversation):
        return gone_response(language)
    body, client_id = message_payload(request)
    with translation.override(language):
        # Every try counts, the refused ones (too long, not JSON) too.
        if not limits.within_window("send", f"{conversation.pk}.child"):
            return refusal_response(refused("slow_down"), client_id)
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


def gone_response(language: str) -> JsonResponse:
    """A chat over for longer than the grace: 410, and nothing of it."""
    with translation.override(language or settings.LANGUAGE_CODE):
        text = gettext("This chat has ended.")
    return JsonResponse(
        {
            "type": "error",
            "code": "gone",
            "message": text,
            "status": {"type": "status", "status": "ended", "ended_by": "", "text": text},
        },
        status=410,
    )


def too_many_response(language: str) -> JsonResponse:
    with translation.override(language or settings.LANGUAGE_CODE):
        text = gettext("This chat is open in too many windows. Close the others.")
    return JsonResponse({"type": "error", "code": "too_many", "message": text}, status=429)


def _not_found() -> JsonResponse:
    return JsonResponse(
        {"type": "error", "code": "not_found", "message": "No such chat."}, status=404
    )


def _int(value) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0
