"""The counsellors' pages: the queue, taking a chat, the conversation page and its JSON."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.chat.models import ChatMessage, Conversation, ConversationStatus, Sender
from haven.chat.services import open_web_conversation, post_message, take
from haven.helpline.models import Contact


def _waiting(organisation, first_words="", minutes_ago=0, language="en"):
    conversation, _token = open_web_conversation(organisation, language)
    if first_words:
        post_message(conversation, sender=Sender.CHILD, body=first_words)
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return conversation


def test_the_queue_shows_waiting_chats_oldest_first_with_a_preview(
    counsellor_client, organisation, other_organisation
):
    _waiting(organisation, "newer one", minutes_ago=1)
    _waiting(organisation, "I have been waiting", minutes_ago=9, language="fr")
    _waiting(other_organisation, "not for you", minutes_ago=20)
    page = counsellor_client.get(reverse("chat:queue"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("I have been waiting") < html.index("newer one")
    assert "not for you" not in html
    assert "French" in html and "Web chat" in html
    assert 'aria-label="Helpline"' in html  # the helpline menu


def test_the_queue_data_for_live_updates(counsellor_client, organisation, counsellor):
    _waiting(organisation, "please help " * 30, minutes_ago=3)
    mine = _waiting(organisation, "hello")
    take(counsellor, mine)
    data = counsellor_client.get(reverse("chat:queue_data")).json()
    assert len(data["waiting"]) == 1
    row = data["waiting"][0]
    assert row["waited_seconds"] >= 180 and row["channel"] == "web"
    assert len(row["preview"]) <= 120 and row["preview"].endswith("…")
    assert row["take_url"] == reverse("chat:take", args=[row["id"]])
    assert [m["id"] for m in data["mine"]] == [mine.pk]


def test_the_queue_takes_a_fixed_number_of_queries(
    counsellor_client, organisation, django_assert_max_num_queries
):
    for n in range(12):
        _waiting(organisation, f"child {n}")
    with django_assert_max_num_queries(12):
        counsellor_client.get(reverse("chat:queue_data"))


def test_the_queue_is_for_signed_in_helpline_staff_only(client, organisation, analyst):
    conversation = _waiting(organisation, "hi")
    assert client.get(reverse("chat:queue")).status_code == 302
    partner = make_user(organisation, "service", Role.PARTNER)
    assert verified_client(Client(), partner).get(reverse("chat:queue")).status_code == 403
    # Hotline analysts never read children's conversations.
    analysing = verified_client(Client(), analyst)
    assert analysing.get(reverse("chat:queue")).status_code == 403
    assert analysing.get(reverse("chat:conversation", args=[conversation.pk])).status_code == 403
    assert (
        analysing.get(reverse("chat:conversation_poll", args=[conversation.pk])).status_code == 403
    )


def test_taking_a_chat_opens_the_conversation_with_its_contact(
    counsellor_client, organisation, counsellor
):
    conversation = _waiting(organisation, "hi")
    response = counsellor_client.post(reverse("chat:take", args=[conversation.pk]))
    assert response["Location"] == reverse("chat:conversation", args=[conversation.pk])
    conversation.refresh_from_db()
    assert (conversation.status, conversation.counsellor) == (ConversationStatus.ACTIVE, counsellor)
    contact = Contact.objects.get(conversation=conversation)
    assert (contact.channel, contact.counsellor) == ("chat", counsellor)
    page = counsellor_client.get(response["Location"]).content.decode()
    assert reverse("helpline:contact_edit", kwargs={"contact_ref": contact.reference}) in page
    assert 'id="chat-form"' in page


def test_a_counsellor_who_clicks_take_second_is_told_someone_else_has_it(
    client, organisation, counsellor
):
    conversation = _waiting(organisation, "hi")
    take(counsellor, conversation)
    second = make_user(organisation, "kim", Role.COUNSELLOR)
    response = verified_client(client, second).post(
        reverse("chat:take", args=[conversation.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("chat:queue")
    assert "Another counsellor has just taken this chat." in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.counsellor == counsellor


def test_counsellors_see_their_own_chats_and_the_waiting_ones_only(
    client, organisation, counsellor
):
    waiting = _waiting(organisation, "hi")
    taken = _waiting(organisation, "hello")
    take(counsellor, taken)
    other = verified_client(client, make_user(organisation, "kim", Role.COUNSELLOR))
    assert other.get(reverse("chat:conversation", args=[waiting.pk])).status_code == 200
    # Someone else's chat: back to the queue, told why, and shown nothing of it.
    page = other.get(reverse("chat:conversation", args=[taken.pk]), follow=True)
    assert page.redirect_chain == [(reverse("chat:queue"), 302)]
    assert "This chat was taken by another counsellor." in page.content.decode()
    assert "hello" not in page.content.decode()
    assert other.get(reverse("chat:conversation_poll", args=[taken.pk])).status_code == 404
    assert other.post(reverse("chat:take", args=[taken.pk])).status_code == 302
    taken.refresh_from_db()
    assert taken.counsellor == counsellor


def test_supervisors_see_every_chat_of_their_organisation(
    supervisor_client, organisation, counsellor
):
    taken = _waiting(organisation, "hello")
    take(counsellor, taken)
    page = supervisor_client.get(reverse("chat:conversation", args=[taken.pk]))
    assert page.status_code == 200
    assert AuditEvent.objects.filter(action="conversation.viewed", target_id=str(taken.pk)).exists()
    queue = supervisor_client.get(reverse("chat:queue_data")).json()
    assert [row["counsellor"] for row in queue["mine"]] == [counsellor.username]


def test_another_organisation_gets_404_everywhere(outsider_client, organisation):
    conversation = _waiting(organisation, "hi")
    for name, method in [
        ("chat:conversation", "get"),
        ("chat:conversation_poll", "get"),
        ("chat:conversation_send", "post"),
        ("chat:take", "post"),
        ("chat:end", "post"),
    ]:
        response = getattr(outsider_client, method)(reverse(name, args=[conversation.pk]))
        assert response.status_code == 404, name
    assert outsider_client.get(reverse("chat:queue_data")).json()["waiting"] == []
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.WAITING


def test_a_counsellor_replies_with_the_plain_form(counsellor_client, organisation, counsellor):
    conversation = _waiting(organisation, "hi")
    take(counsellor, conversation)
    url = reverse("chat:conversation", args=[conversation.pk])
    response = counsellor_client.post(url, {"body": "Hello, I'm listening", "client_id": "r1"})
    assert response.status_code == 302
    reply = ChatMessage.objects.get(conversation=conversation, sender=Sender.COUNSELLOR)
    assert (reply.body, reply.author) == ("Hello, I'm listening", counsellor)


@pytest.mark.django_db(transaction=True)  # the long-poll reads on the chat's own thread
def test_the_conversation_json_sends_and_reads(counsellor_client, organisation, counsellor):
    conversation = _waiting(organisation, "hi")
    take(counsellor, conversation)
    sent = counsellor_client.post(
        reverse("chat:conversation_send", args=[conversation.pk]),
        {"body": "hello", "client_id": "j"},
        content_type="application/json",
    )
    assert sent.json()["type"] == "ack"
    data = counsellor_client.get(
        reverse("chat:conversation_poll", args=[conversation.pk]), {"after": 0}
    ).json()
    assert [(m["sender"], m["mine"]) for m in data["messages"]] == [
        ("child", False),
        ("system", False),
        ("counsellor", True),
    ]


def test_a_counsellor_ends_the_chat(counsellor_client, organisation, counsellor):
    conversation = _waiting(organisation, "hi")
    take(counsellor, conversation)
    response = counsellor_client.post(reverse("chat:end", args=[conversation.pk]), follow=True)
    conversation.refresh_from_db()
    assert (conversation.status, conversation.ended_by) == (ConversationStatus.ENDED, "counsellor")
    assert 'id="chat-form"' not in response.content.decode()


def test_a_counsellor_cannot_end_a_chat_they_have_not_taken(
    counsellor_client, organisation, supervisor
):
    conversation = _waiting(organisation, "spam")
    assert counsellor_client.post(reverse("chat:end", args=[conversation.pk])).status_code == 403
    supervising = verified_client(Client(), supervisor)
    assert supervising.post(reverse("chat:end", args=[conversation.pk])).status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ENDED


def test_the_conversation_is_titled_by_its_channel_and_contact_reference(
    counsellor_client, organisation, counsellor
):
    conversation = _waiting(organisation, "hi")
    take(counsellor, conversation)
    contact = Contact.objects.get(conversation=conversation)
    html = counsellor_client.get(reverse("chat:conversation", args=[conversation.pk])).content
    page = html.decode()
    assert f"<title>Web chat {contact.reference}" in page
    assert f'<h1 id="chat-title">Web chat {contact.reference}</h1>' in page
    assert f"Web chat {conversation.pk}<" not in page


def test_a_waiting_chat_is_titled_by_its_channel_not_an_internal_number(
    counsellor_client, organisation
):
    conversation = _waiting(organisation, "hi")
    page = counsellor_client.get(reverse("chat:conversation", args=[conversation.pk]))
    assert '<h1 id="chat-title">Web chat, waiting</h1>' in page.content.decode()


def test_the_counsellor_can_raise_an_emergency_from_the_chat(
    counsellor_client, organisation, counsellor
):
    conversation = _waiting(organisation, "someone is hitting me now")
    waiting = counsellor_client.get(reverse("chat:conversation", args=[conversation.pk]))
    assert "Raise emergency" not in waiting.content.decode()  # no contact yet
    take(counsellor, conversation)
    contact = Contact.objects.get(conversation=conversation)
    page = counsellor_client.get(reverse("chat:conversation", args=[conversation.pk]))
    url = reverse("emergencies:open_from_contact", kwargs={"contact_ref": contact.reference})
    assert f'href="{url}"' in page.content.decode() and "Raise emergency" in page.content.decode()
    assert counsellor_client.get(url).status_code == 200


def test_the_conversation_page_shows_times_as_the_rest_of_haven_does(
    counsellor_client, organisation, settings
):
    settings.TIME_ZONE = "UTC"
    evening = timezone.now().replace(year=2026, month=11, day=29, hour=19, minute=37)
    conversation = _waiting(organisation, "evening")
    Conversation.objects.filter(pk=conversation.pk).update(created_at=evening)
    ChatMessage.objects.filter(conversation=conversation).update(created_at=evening)
    page = counsellor_client.get(reverse("chat:conversation", args=[conversation.pk]))
    html = page.content.decode()
    assert ">29 Nov 2026 19:37</time>" in html and ">19:37</time>" in html
    assert "2026-11-29 19:37" not in html and "PM" not in html


def test_a_counsellor_whose_chat_was_taken_by_another_is_told_so_when_writing(
    client, organisation, counsellor
):
    conversation = _waiting(organisation, "hi")
    other = verified_client(client, make_user(organisation, "kim", Role.COUNSELLOR))
    take(counsellor, conversation)
    sent = other.post(
        reverse("chat:conversation_send", args=[conversation.pk]),
        {"body": "hello", "client_id": "k"},
        content_type="application/json",
    )
    assert sent.status_code == 409
    assert sent.json()["code"] == "not_yours"
    assert sent.json()["message"] == "This chat was taken by another counsellor."
    form = other.post(
        reverse("chat:conversation", args=[conversation.pk]), {"body": "x", "client_id": "f"}
    )
    assert form.status_code == 302 and form["Location"] == reverse("chat:queue")
    assert not ChatMessage.objects.filter(sender=Sender.COUNSELLOR).exists()


@pytest.mark.django_db(transaction=True)
def test_reading_through_the_long_poll_alone_is_audited_now_and_then(
    counsellor_client, organisation, counsellor, monkeypatch
):
    from haven.chat import staff_views

    monkeypatch.setattr(staff_views, "LONG_POLL_SECONDS", 0.1)
    conversation = _waiting(organisation, "hi")
    url = reverse("chat:conversation_poll", args=[conversation.pk])
    for _ in range(3):
        assert counsellor_client.get(url, {"after": 0}).status_code == 200
    viewed = AuditEvent.objects.filter(action="conversation.viewed", target_id=str(conversation.pk))
    assert [event.detail for event in viewed] == [{"via": "long-poll"}]


@pytest.mark.django_db(transaction=True)
def test_a_waiting_long_poll_stops_when_another_counsellor_takes_the_chat(
    client, organisation, counsellor
):
    conversation = _waiting(organisation, "hi")
    nosy = verified_client(client, make_user(organisation, "kim", Role.COUNSELLOR))

    def taken_meanwhile():
        time.sleep(0.4)
        try:
            take(counsellor, conversation)
            post_message(conversation, sender=Sender.CHILD, body="my secret after the take")
        finally:
            connection.close()

    thief = threading.Thread(target=taken_meanwhile)
    thief.start()
    answer = nosy.get(
        reverse("chat:conversation_poll", args=[conversation.pk]),
        {"after": 1, "status": "waiting"},
    )
    thief.join()
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_yours"
    assert "secret" not in answer.content.decode() and "joined" not in answer.content.decode()
