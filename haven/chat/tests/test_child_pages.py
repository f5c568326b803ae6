"""The child's pages: starting a chat, the chat cookie that replaces the address, the
chat page without JavaScript, the end of a chat, and the JSON long-poll and send that
chat.js falls back to."""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from haven.chat import cookie, limits, views
from haven.chat.models import ChatMessage, Conversation, ConversationStatus, Sender
from haven.chat.services import (
    conversation_for_token,
    end,
    open_web_conversation,
    post_message,
    take,
)
from haven.chat.tests.conftest import as_child

# The long-poll reads on the chat's own database thread: its tests commit their data.
LONG_POLL = pytest.mark.django_db(transaction=True)
ROOM = "/chat/room/"


def _start(client, **extra):
    return client.post(reverse("chat:start"), {"language": "en"}, **extra)


# --- Starting, and the cookie instead of the address -------------------------------------


def test_the_start_page_offers_languages_and_topics_and_says_chats_are_anonymous(
    client, organisation
):
    page = client.get(reverse("chat:start"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "You are anonymous. Don't share your full name or address" in html
    assert 'value="fr"' in html and 'value="school"' in html
    assert 'class="quick-exit"' in html
    assert "Go back to your chat" not in html


def test_starting_a_chat_keeps_its_key_in_a_cookie_and_out_of_the_address(client, organisation):
    response = client.post(reverse("chat:start"), {"language": "es", "topic": "family"})
    assert response.status_code == 302
    assert response["Location"] == reverse("chat:room") == ROOM
    jar = response.cookies[cookie.NAME]
    token = jar.value
    assert (jar["httponly"], jar["samesite"], jar["path"]) == (True, "Lax", "/chat/")
    assert jar["max-age"] == "" and jar["expires"] == ""  # gone when the browser closes
    assert not jar["secure"]  # plain http in tests; see the next test
    conversation = Conversation.objects.get()
    assert conversation_for_token(token) == conversation
    assert (conversation.organisation, conversation.language, conversation.topic) == (
        organisation,
        "es",
        "family",
    )
    assert conversation.status == ConversationStatus.WAITING
    assert token not in str(Conversation.objects.values().get())  # only its digest is kept
    page = client.get(ROOM)
    assert page.status_code == 200
    assert token not in page.content.decode()


def test_over_https_the_chat_cookie_is_secure(client, organisation):
    response = _start(client, secure=True)
    assert response.cookies[cookie.NAME]["secure"] is True


def test_the_room_address_alone_opens_nothing(client, web_chat):
    conversation, _token = web_chat
    post_message(conversation, sender=Sender.CHILD, body="my uncle hurts me")
    stranger = Client()
    page = stranger.get(ROOM)
    assert page.status_code == 404
    assert b"my uncle hurts me" not in page.content
    assert reverse("chat:start").encode() in page.content
    assert stranger.post(reverse("chat:send"), {"body": "x"}).status_code == 404
    assert ChatMessage.objects.count() == 1


def test_a_wrong_chat_cookie_opens_nothing(client, web_chat):
    conversation, token = web_chat
    post_message(conversation, sender=Sender.CHILD, body="secret")
    page = as_child(client, token + "x").get(ROOM)
    assert page.status_code == 404 and b"secret" not in page.content


def test_a_chat_goes_to_the_organisation_that_takes_public_reports(
    client, organisation, other_organisation, settings
):
    settings.PUBLIC_ORGANISATION = other_organisation.slug
    _start(client)
    assert Conversation.objects.get().organisation == other_organisation


def test_with_no_organisation_to_receive_chats_the_start_page_says_so(client, db):
    assert client.get(reverse("chat:start")).status_code == 503
    assert _start(client).status_code == 503
    assert not Conversation.objects.exists()


def test_a_start_without_a_language_is_refused_with_a_message(client, organisation):
    page = client.post(reverse("chat:start"), {"language": "xx"})
    assert page.status_code == 200
    assert b"has-error" in page.content
    assert not Conversation.objects.exists()


def test_the_start_page_offers_the_way_back_to_an_open_chat(client, web_chat):
    _conversation, token = web_chat
    page = as_child(client, token).get(reverse("chat:start")).content.decode()
    assert "Go back to your chat" in page and f'href="{ROOM}"' in page


# --- Flood control on starting chats -----------------------------------------------------


def test_one_sender_may_start_only_a_few_chats_an_hour(client, organisation, settings, clock):
    settings.CHAT_STARTS_PER_HOUR = 2
    address = {"REMOTE_ADDR": "203.0.113.9"}
    assert _start(Client(), **address).status_code == 302
    assert _start(Client(), **address).status_code == 302
    refused = _start(Client(), **address)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Please wait before starting another chat" in html
    assert 'href="tel:116111"' in html  # the helpline's number, to call instead
    assert cookie.NAME not in refused.cookies
    assert Conversation.objects.count() == 2
    # Someone else is not held up; the sender may start again later.
    assert _start(Client(), REMOTE_ADDR="198.51.100.7").status_code == 302
    clock.advance(hours=2)
    assert _start(Client(), **address).status_code == 302


def test_the_start_throttle_never_stores_the_address(client, organisation, settings):
    # An in-memory cache whatever the run uses, so that its keys can be read.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    _start(client, REMOTE_ADDR="203.0.113.9")
    keys = " ".join(str(key) for key in cache._cache)  # type: ignore[attr-defined]
    assert "chat_start" in keys and "203.0.113.9" not in keys


# --- The page without JavaScript ---------------------------------------------------------


def test_the_chat_page_works_without_javascript(client, web_chat, counsellor):
    conversation, token = web_chat
    take(counsellor, conversation)
    post_message(
        conversation, sender=Sender.COUNSELLOR, body="<b>Hi</b>, I'm Chris", author=counsellor
    )
    page = as_child(client, token).get(ROOM)
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    assert "&lt;b&gt;Hi&lt;/b&gt;" in html and "<b>Hi</b>" not in html
    assert "A counsellor has joined the chat." in html
    assert '<noscript><meta http-equiv="refresh" content="10"></noscript>' in html
    assert "End chat" in html and 'rel="noreferrer"' in html
    assert "You are anonymous." in html
    # While the child writes, the page stops refreshing itself.
    held = client.get(ROOM + "?hold=1").content.decode()
    assert 'http-equiv="refresh"' not in held


def test_message_times_are_shown_in_24_hours(client, web_chat, settings):
    settings.TIME_ZONE = "UTC"
    conversation, token = web_chat
    message, _ = post_message(conversation, sender=Sender.CHILD, body="evening")
    evening = message.created_at.replace(hour=19, minute=37)
    ChatMessage.objects.filter(pk=message.pk).update(created_at=evening)
    html = as_child(client, token).get(ROOM).content.decode()
    assert ">19:37</time>" in html and "PM" not in html


def test_the_chat_page_is_in_the_language_the_child_chose(client, organisation):
    _conversation, token = open_web_conversation(organisation, "fr")
    html = as_child(client, token).get(ROOM).content.decode()
    assert '<html lang="fr"' in html


def test_the_plain_form_sends_once_however_often_it_is_submitted(client, web_chat):
    _conversation, token = web_chat
    as_child(client, token)
    for _ in range(2):
        response = client.post(ROOM, {"body": "hello from a phone", "client_id": "form-1"})
        assert response.status_code == 302 and response["Location"] == ROOM + "#latest"
    assert list(ChatMessage.objects.values_list("body", flat=True)) == ["hello from a phone"]


def test_a_plain_form_sent_too_fast_keeps_the_words_and_says_slow_down(client, web_chat, settings):
    settings.CHAT_MAX_MESSAGES_PER_10S = 1
    _conversation, token = web_chat
    as_child(client, token)
    client.post(ROOM, {"body": "one", "client_id": "a"})
    page = client.post(ROOM, {"body": "two", "client_id": "b"})
    assert page.status_code == 429
    html = page.content.decode()
    assert "sending messages very fast" in html
    assert ">\ntwo</textarea>" in html
    assert 'http-equiv="refresh"' not in html


# --- CSRF --------------------------------------------------------------------------------


def test_the_chat_forms_need_the_csrf_token_even_with_the_chat_cookie(web_chat):
    conversation, token = web_chat
    strict = as_child(Client(enforce_csrf_checks=True), token)
    assert strict.post(ROOM, {"body": "x"}).status_code == 403
    assert strict.post(reverse("chat:send"), {"body": "x"}).status_code == 403
    assert strict.post(reverse("chat:leave")).status_code == 403
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.WAITING
    assert not ChatMessage.objects.exists()


def test_with_the_csrf_token_the_child_sends(web_chat):
    _conversation, token = web_chat
    strict = as_child(Client(enforce_csrf_checks=True), token)
    strict.get(ROOM)  # the page sets the CSRF cookie, as in a browser
    csrf = strict.cookies["csrftoken"].value
    sent = strict.post(
        reverse("chat:send"),
        {"body": "hi", "client_id": "c"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert sent.status_code == 200 and sent.json()["type"] == "ack"


# --- Ending, quick exit, and after the end -----------------------------------------------


def test_the_child_can_end_the_chat_and_the_browser_forgets_it(client, web_chat):
    conversation, token = web_chat
    response = as_child(client, token).post(reverse("chat:leave"), follow=True)
    assert response.redirect_chain == [(reverse("chat:start"), 302)]
    assert "This chat has ended. Thank you for talking to us." in response.content.decode()
    assert client.cookies[cookie.NAME].value == ""  # deleted
    conversation.refresh_from_db()
    assert (conversation.status, conversation.ended_by) == (ConversationStatus.ENDED, "child")
    assert client.get(ROOM).status_code == 404


def test_ending_without_a_chat_cookie_ends_nothing(client, web_chat):
    conversation, _token = web_chat
    assert client.post(reverse("chat:leave")).status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.WAITING


def test_leaving_quickly_forgets_the_chat_in_this_browser(client, web_chat):
    conversation, token = web_chat
    post_message(conversation, sender=Sender.CHILD, body="my uncle hurts me")
    response = as_child(client, token).get(reverse("chat:exit"))
    assert response.status_code == 302 and response["Location"] == views.QUICK_EXIT_URL
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.cookies[cookie.NAME].value == ""
    page = client.get(ROOM)  # Back, on a shared phone
    assert page.status_code == 404 and b"my uncle hurts me" not in page.content
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.WAITING  # the counsellor still sees it


def test_an_ended_chat_is_readable_for_a_short_while_then_shows_only_that_it_ended(
    client, web_chat, counsellor, clock
):
    conversation, token = web_chat
    post_message(conversation, sender=Sender.CHILD, body="my uncle hurts me")
    take(counsellor, conversation)
    post_message(conversation, sender=Sender.COUNSELLOR, body="Take care", author=counsellor)
    end(conversation, counsellor)
    as_child(client, token)
    clock.advance(minutes=9)
    within = client.get(ROOM).content.decode()
    assert "Take care" in within and "Start a new chat" in within
    assert 'data-forget-in="61"' in within  # chat.js forgets the words then
    assert '<meta http-equiv="refresh" content="61">' in within  # and so does the page

    clock.advance(minutes=2)
    after = client.get(ROOM)
    html = after.content.decode()
    assert after.status_code == 200
    assert "This chat has ended" in html and reverse("chat:start") in html
    assert "my uncle hurts me" not in html and "Take care" not in html
    assert after.cookies[cookie.NAME].value == ""
    # The start page no longer offers the way back either.
    assert "Go back to your chat" not in as_child(Client(), token).get("/chat/").content.decode()


def test_sending_to_a_chat_over_for_a_while_is_refused_as_gone(client, web_chat, clock):
    conversation, token = web_chat
    end(conversation, "child")
    clock.advance(minutes=11)
    answer = as_child(client, token).post(
        reverse("chat:send"), {"body": "hi", "client_id": "x"}, content_type="application/json"
    )
    assert answer.status_code == 410 and answer.json()["code"] == "gone"


# --- Re-attaching with /chat/c/<chat_token>/ ---------------------------------------------


def test_the_reattach_link_works_once_and_leaves_a_token_free_address(client, web_chat):
    conversation, token = web_chat
    response = client.get(reverse("chat:rejoin", args=[token]))
    assert response.status_code == 302 and response["Location"] == ROOM
    assert response["Referrer-Policy"] == "no-referrer"
    fresh = response.cookies[cookie.NAME].value
    assert fresh and fresh != token
    assert conversation_for_token(fresh) == conversation
    assert conversation_for_token(token) is None  # used up
    assert client.get(ROOM).status_code == 200
    assert Client().get(reverse("chat:rejoin", args=[token])).status_code == 404


def test_the_reattach_link_of_a_chat_over_for_a_while_opens_nothing(client, web_chat, clock):
    conversation, token = web_chat
    post_message(conversation, sender=Sender.CHILD, body="secret")
    end(conversation, "child")
    clock.advance(minutes=11)
    page = client.get(reverse("chat:rejoin", args=[token]))
    assert b"secret" not in page.content and b"This chat has ended" in page.content
    assert page.cookies[cookie.NAME].value == ""


def test_an_unknown_reattach_link_shows_a_page_to_start_again(client, db):
    page = client.get(reverse("chat:rejoin", args=["nope"]))
    assert page.status_code == 404
    assert reverse("chat:start").encode() in page.content
    assert client.get(reverse("chat:poll")).status_code == 404


# --- JSON: send and the long-poll --------------------------------------------------------


def test_send_answers_with_an_ack_or_a_refusal(client, web_chat, settings):
    settings.CHAT_MAX_MESSAGES_PER_10S = 1
    _conversation, token = web_chat
    url = reverse("chat:send")
    as_child(client, token)
    ack = client.post(url, {"body": "hi", "client_id": "j1"}, content_type="application/json")
    assert ack.json()["type"] == "ack" and ack.json()["seq"] == 1
    assert ack.json()["message"]["body"] == "hi" and ack.json()["message"]["mine"]
    again = client.post(url, {"body": "hi", "client_id": "j1"}, content_type="application/json")
    assert again.json()["seq"] == 1
    refused = client.post(url, {"body": "more", "client_id": "j2"}, content_type="application/json")
    assert refused.status_code == 429
    assert refused.json()["code"] == "slow_down" and refused.json()["client_id"] == "j2"
    broken = client.post(url, "not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["code"] == "empty"


def test_refused_sends_count_towards_flood_control(client, web_chat, settings, monkeypatch):
    monkeypatch.setattr(limits, "FRAMES_PER_WINDOW", 3)
    monkeypatch.setattr(limits, "_now", lambda: 1_000_000.0)  # all in one window
    settings.CHAT_MAX_MESSAGE_CHARS = 5
    _conversation, token = web_chat
    url = reverse("chat:send")
    as_child(client, token)
    for _ in range(2):
        too_long = client.post(url, {"body": "x" * 9}, content_type="application/json")
        assert too_long.json()["code"] == "too_long"
    assert client.post(url, "{not json", content_type="application/json").status_code == 400
    flood = client.post(url, {"body": "ok", "client_id": "k"}, content_type="application/json")
    assert flood.status_code == 429 and flood.json()["code"] == "slow_down"
    assert not ChatMessage.objects.exists()


@LONG_POLL
def test_the_long_poll_answers_at_once_when_there_is_something_new(client, web_chat, counsellor):
    conversation, token = web_chat
    post_message(conversation, sender=Sender.CHILD, body="first")
    take(counsellor, conversation)
    started = time.monotonic()
    answer = as_child(client, token).get(reverse("chat:poll"), {"after": 0, "status": "active"})
    assert time.monotonic() - started < 2
    data = answer.json()
    assert [m["body"] for m in data["messages"]] == ["first", "A counsellor has joined the chat."]
    assert data["status"]["status"] == "active"
    assert answer["Cache-Control"].startswith("max-age=0")


@LONG_POLL
def test_the_long_poll_answers_when_the_status_differs_from_what_the_page_knows(client, web_chat):
    _conversation, token = web_chat
    data = as_child(client, token).get(reverse("chat:poll"), {"after": 0}).json()
    assert data["messages"] == [] and data["status"]["status"] == "waiting"


@LONG_POLL
def test_the_long_poll_does_not_wake_for_the_childs_own_message(client, web_chat, monkeypatch):
    """Its own message came back in the answer to sending it."""
    monkeypatch.setattr(views, "LONG_POLL_SECONDS", 0.3)
    conversation, token = web_chat
    post_message(conversation, sender=Sender.CHILD, body="mine")
    started = time.monotonic()
    data = (
        as_child(client, token).get(reverse("chat:poll"), {"after": 0, "status": "waiting"}).json()
    )
    assert time.monotonic() - started > 0.25
    assert [m["body"] for m in data["messages"]] == ["mine"]


@LONG_POLL
def test_the_long_poll_gives_up_with_nothing_new_after_its_time(client, web_chat, monkeypatch):
    monkeypatch.setattr(views, "LONG_POLL_SECONDS", 0.3)
    _conversation, token = web_chat
    started = time.monotonic()
    data = (
        as_child(client, token).get(reverse("chat:poll"), {"after": 0, "status": "waiting"}).json()
    )
    assert 0.25 < time.monotonic() - started < 5
    assert data["messages"] == []


@pytest.mark.django_db(transaction=True)
def test_the_long_poll_wakes_when_a_message_is_stored(client, organisation, counsellor):
    conversation, token = open_web_conversation(organisation, "en")
    take(counsellor, conversation)

    def counsellor_writes():
        time.sleep(0.4)
        try:
            post_message(conversation, sender=Sender.COUNSELLOR, body="hello", author=counsellor)
        finally:
            connection.close()

    writer = threading.Thread(target=counsellor_writes)
    writer.start()
    started = time.monotonic()
    data = (
        as_child(client, token).get(reverse("chat:poll"), {"after": 1, "status": "active"}).json()
    )
    waited = time.monotonic() - started
    writer.join()
    assert [m["body"] for m in data["messages"]] == ["hello"]
    assert 0.3 < waited < 5


@LONG_POLL
def test_the_long_poll_tells_the_child_when_the_chat_ends(client, web_chat, counsellor):
    conversation, token = web_chat
    take(counsellor, conversation)
    end(conversation, counsellor)
    data = as_child(client, token).get(reverse("chat:poll"), {"after": 0, "status": "active"})
    assert data.json()["status"]["status"] == "ended"
    assert data.json()["messages"][-1]["body"] == "This chat has ended."


@LONG_POLL
def test_the_long_poll_of_a_chat_over_for_a_while_is_gone(client, web_chat, clock):
    conversation, token = web_chat
    post_message(conversation, sender=Sender.CHILD, body="secret")
    end(conversation, "child")
    clock.advance(minutes=11)
    answer = as_child(client, token).get(reverse("chat:poll"), {"after": 0})
    assert answer.status_code == 410
    assert answer.json()["code"] == "gone" and "secret" not in answer.content.decode()


@LONG_POLL
def test_a_long_poll_far_behind_gets_only_the_latest_messages(
    client, web_chat, counsellor, monkeypatch
):
    monkeypatch.setattr(limits, "REPLAY_MESSAGES", 2)
    conversation, token = web_chat
    take(counsellor, conversation)  # 1
    for n in range(4):  # 2..5
        post_message(conversation, sender=Sender.COUNSELLOR, body=f"m{n}", author=counsellor)
    data = as_child(client, token).get(reverse("chat:poll"), {"after": 0, "status": "x"}).json()
    assert [m["seq"] for m in data["messages"]] == [4, 5]


@LONG_POLL
def test_a_chat_holds_only_a_few_long_polls_open_at_once(client, web_chat, monkeypatch):
    monkeypatch.setattr(limits, "CONNECTIONS_PER_SIDE", 2)
    conversation, token = web_chat
    side = (conversation.pk, "child")
    assert limits.slots.acquire(side) and limits.slots.acquire(side)  # two tabs waiting
    try:
        answer = as_child(client, token).get(reverse("chat:poll"), {"after": 0})
        assert answer.status_code == 429 and answer.json()["code"] == "too_many"
    finally:
        limits.slots.release(side)
        limits.slots.release(side)
    assert as_child(client, token).get(reverse("chat:poll"), {"after": 0}).status_code == 200
    assert limits.slots.count(side) == 0


@LONG_POLL
def test_long_polls_asked_for_too_often_are_refused(client, web_chat, monkeypatch):
    monkeypatch.setattr(limits, "FRAMES_PER_WINDOW", 2)
    monkeypatch.setattr(limits, "_now", lambda: 1_000_000.0)  # all in one window
    _conversation, token = web_chat
    as_child(client, token)
    answers = [client.get(reverse("chat:poll"), {"after": 0}).status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_the_childs_pages_are_open_to_a_browser_half_signed_in_as_staff(
    client, web_chat, counsellor
):
    """Password only, no second factor: the chat is public, not a staff page."""
    _conversation, token = web_chat
    as_child(client, token).force_login(counsellor)
    assert client.get(ROOM).status_code == 200
    assert client.get(reverse("chat:exit"))["Location"] == views.QUICK_EXIT_URL
    assert client.get(reverse("chat:queue")).status_code == 302  # staff pages are not
