"""The child's pages: starting a chat, the chat page without JavaScript, and the JSON
long-poll and send that chat.js falls back to."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from haven.chat import views
from haven.chat.models import ChatMessage, Conversation, ConversationStatus, Sender
from haven.chat.services import end, post_message, take

# The long-poll reads on the chat's own database thread: its tests commit their data.
LONG_POLL = pytest.mark.django_db(transaction=True)


def test_the_start_page_offers_languages_and_topics_and_says_chats_are_anonymous(
    client, organisation
):
    page = client.get(reverse("chat:start"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "You are anonymous. Don't share your full name or address" in html
    assert 'value="fr"' in html and 'value="school"' in html
    assert 'class="quick-exit"' in html


def test_starting_a_chat_opens_a_waiting_conversation_and_sends_the_child_to_it(
    client, organisation
):
    response = client.post(reverse("chat:start"), {"language": "es", "topic": "family"})
    assert response.status_code == 302
    token = response["Location"].split("/chat/c/")[1].rstrip("/")
    conversation = Conversation.objects.get()
    assert (conversation.organisation, conversation.language, conversation.topic) == (
        organisation,
        "es",
        "family",
    )
    assert conversation.status == ConversationStatus.WAITING
    assert token not in str(Conversation.objects.values().get())  # only its digest is kept
    assert client.get(response["Location"]).status_code == 200


def test_a_chat_goes_to_the_organisation_that_takes_public_reports(
    client, organisation, other_organisation, settings
):
    settings.PUBLIC_ORGANISATION = other_organisation.slug
    client.post(reverse("chat:start"), {"language": "en"})
    assert Conversation.objects.get().organisation == other_organisation


def test_with_no_organisation_to_receive_chats_the_start_page_says_so(client, db):
    assert client.get(reverse("chat:start")).status_code == 503
    assert client.post(reverse("chat:start"), {"language": "en"}).status_code == 503
    assert not Conversation.objects.exists()


def test_a_start_without_a_language_is_refused_with_a_message(client, organisation):
    page = client.post(reverse("chat:start"), {"language": "xx"})
    assert page.status_code == 200
    assert b"has-error" in page.content
    assert not Conversation.objects.exists()


def test_the_chat_page_works_without_javascript(client, web_chat, counsellor):
    conversation, token = web_chat
    take(counsellor, conversation)
    post_message(
        conversation, sender=Sender.COUNSELLOR, body="<b>Hi</b>, I'm Chris", author=counsellor
    )
    page = client.get(reverse("chat:room", args=[token]))
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    assert "&lt;b&gt;Hi&lt;/b&gt;" in html and "<b>Hi</b>" not in html
    assert "A counsellor has joined the chat." in html
    assert '<noscript><meta http-equiv="refresh" content="10"></noscript>' in html
    assert "End chat" in html and 'rel="noreferrer"' in html
    assert "You are anonymous." in html
    # While the child writes, the page stops refreshing itself.
    held = client.get(reverse("chat:room", args=[token]) + "?hold=1").content.decode()
    assert 'http-equiv="refresh"' not in held


def test_the_chat_page_is_in_the_language_the_child_chose(client, organisation):
    from haven.chat.services import open_web_conversation

    _conversation, token = open_web_conversation(organisation, "fr")
    html = client.get(reverse("chat:room", args=[token])).content.decode()
    assert '<html lang="fr"' in html


def test_the_plain_form_sends_once_however_often_it_is_submitted(client, web_chat):
    _conversation, token = web_chat
    url = reverse("chat:room", args=[token])
    for _ in range(2):
        response = client.post(url, {"body": "hello from a phone", "client_id": "form-1"})
        assert response.status_code == 302 and response["Location"].endswith("#latest")
    assert list(ChatMessage.objects.values_list("body", flat=True)) == ["hello from a phone"]


def test_a_plain_form_sent_too_fast_keeps_the_words_and_says_slow_down(client, web_chat, settings):
    settings.CHAT_MAX_MESSAGES_PER_10S = 1
    _conversation, token = web_chat
    url = reverse("chat:room", args=[token])
    client.post(url, {"body": "one", "client_id": "a"})
    page = client.post(url, {"body": "two", "client_id": "b"})
    assert page.status_code == 429
    html = page.content.decode()
    assert "sending messages very fast" in html
    assert ">\ntwo</textarea>" in html
    assert 'http-equiv="refresh"' not in html


def test_the_chat_forms_need_the_csrf_token(web_chat):
    _conversation, token = web_chat
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("chat:room", args=[token]), {"body": "x"}).status_code == 403
    assert strict.post(reverse("chat:send", args=[token]), {"body": "x"}).status_code == 403
    assert strict.post(reverse("chat:leave", args=[token])).status_code == 403


def test_an_unknown_chat_link_shows_a_page_to_start_again(client, db):
    page = client.get(reverse("chat:room", args=["nope"]))
    assert page.status_code == 404
    assert reverse("chat:start").encode() in page.content
    assert client.get(reverse("chat:poll", args=["nope"])).status_code == 404
    assert client.post(reverse("chat:send", args=["nope"]), {"body": "x"}).status_code == 404


def test_the_child_can_end_the_chat(client, web_chat):
    conversation, token = web_chat
    response = client.post(reverse("chat:leave", args=[token]))
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert (conversation.status, conversation.ended_by) == (ConversationStatus.ENDED, "child")
    html = client.get(reverse("chat:room", args=[token])).content.decode()
    assert 'id="chat-form"' not in html and "Start a new chat" in html


def test_send_answers_with_an_ack_or_a_refusal(client, web_chat, settings):
    settings.CHAT_MAX_MESSAGES_PER_10S = 1
    _conversation, token = web_chat
    url = reverse("chat:send", args=[token])
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


@LONG_POLL
def test_the_long_poll_answers_at_once_when_there_is_something_new(client, web_chat, counsellor):
    conversation, token = web_chat
    post_message(conversation, sender=Sender.CHILD, body="first")
    take(counsellor, conversation)
    started = time.monotonic()
    answer = client.get(reverse("chat:poll", args=[token]), {"after": 0, "status": "active"})
    assert time.monotonic() - started < 2
    data = answer.json()
    assert [m["body"] for m in data["messages"]] == ["first", "A counsellor has joined the chat."]
    assert data["status"]["status"] == "active"
    assert answer["Cache-Control"].startswith("max-age=0")


@LONG_POLL
def test_the_long_poll_answers_when_the_status_differs_from_what_the_page_knows(client, web_chat):
    _conversation, token = web_chat
    data = client.get(reverse("chat:poll", args=[token]), {"after": 0}).json()
    assert data["messages"] == [] and data["status"]["status"] == "waiting"


@LONG_POLL
def test_the_long_poll_does_not_wake_for_the_childs_own_message(client, web_chat, monkeypatch):
    """Its own message came back in the answer to sending it."""
    monkeypatch.setattr(views, "LONG_POLL_SECONDS", 0.3)
    conversation, token = web_chat
    post_message(conversation, sender=Sender.CHILD, body="mine")
    started = time.monotonic()
    data = client.get(reverse("chat:poll", args=[token]), {"after": 0, "status": "waiting"}).json()
    assert time.monotonic() - started > 0.25
    assert [m["body"] for m in data["messages"]] == ["mine"]


@LONG_POLL
def test_the_long_poll_gives_up_with_nothing_new_after_its_time(client, web_chat, monkeypatch):
    monkeypatch.setattr(views, "LONG_POLL_SECONDS", 0.3)
    _conversation, token = web_chat
    started = time.monotonic()
    data = client.get(reverse("chat:poll", args=[token]), {"after": 0, "status": "waiting"}).json()
    assert 0.25 < time.monotonic() - started < 5
    assert data["messages"] == []


@pytest.mark.django_db(transaction=True)
def test_the_long_poll_wakes_when_a_message_is_stored(client, organisation, counsellor):
    from haven.chat.services import open_web_conversation

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
    data = client.get(reverse("chat:poll", args=[token]), {"after": 1, "status": "active"}).json()
    waited = time.monotonic() - started
    writer.join()
    assert [m["body"] for m in data["messages"]] == ["hello"]
    assert 0.3 < waited < 5


@LONG_POLL
def test_the_long_poll_tells_the_child_when_the_chat_ends(client, web_chat, counsellor):
    conversation, token = web_chat
    take(counsellor, conversation)
    end(conversation, counsellor)
    data = client.get(reverse("chat:poll", args=[token]), {"after": 0, "status": "active"}).json()
    assert data["status"]["status"] == "ended"
    assert data["messages"][-1]["body"] == "This chat has ended."
