import hashlib
import threading

import pytest
from django.db import connection

from haven.audit.models import AuditEvent
from haven.chat import bus
from haven.chat.models import ChatMessage, Conversation, ConversationStatus, Sender
from haven.chat.services import (
    ChatRefused,
    conversation_for_token,
    end,
    open_web_conversation,
    post_message,
    reply,
    take,
)


def test_a_web_chat_stores_only_the_digest_of_the_childs_token(organisation):
    conversation, token = open_web_conversation(organisation, "fr", topic="school")
    conversation.refresh_from_db()
    assert len(token) >= 32
    assert conversation.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in conversation.token_digest
    assert conversation.status == ConversationStatus.WAITING
    assert (conversation.language, conversation.topic) == ("fr", "school")
    assert conversation_for_token(token) == conversation
    assert conversation_for_token(token + "x") is None
    assert AuditEvent.objects.filter(action="chat.opened", target_id=str(conversation.pk)).exists()


def test_messages_are_numbered_one_after_another(web_chat):
    conversation, _token = web_chat
    first, _ = post_message(conversation, sender=Sender.CHILD, body="hello")
    second, _ = post_message(conversation, sender=Sender.CHILD, body="are you there?")
    assert (first.seq, second.seq) == (1, 2)
    conversation.refresh_from_db()
    assert conversation.next_seq == 3


def test_a_resend_with_the_same_client_id_returns_the_stored_message(web_chat):
    conversation, _token = web_chat
    message, created = post_message(conversation, sender=Sender.CHILD, body="hi", client_id="a1")
    again, created_again = post_message(
        conversation, sender=Sender.CHILD, body="hi", client_id="a1"
    )
    assert created and not created_again
    assert again.pk == message.pk
    assert ChatMessage.objects.filter(conversation=conversation).count() == 1


def test_an_empty_message_is_refused(web_chat):
    conversation, _token = web_chat
    with pytest.raises(ChatRefused) as refused:
        post_message(conversation, sender=Sender.CHILD, body="  \n ")
    assert refused.value.code == "empty"


def test_a_message_over_the_limit_is_refused_with_the_limit_named(web_chat, settings):
    settings.CHAT_MAX_MESSAGE_CHARS = 50
    conversation, _token = web_chat
    post_message(conversation, sender=Sender.CHILD, body="x" * 50)
    with pytest.raises(ChatRefused) as refused:
        post_message(conversation, sender=Sender.CHILD, body="x" * 51)
    assert refused.value.code == "too_long"
    assert "50" in str(refused.value.message)


def test_a_child_sending_too_fast_is_asked_to_slow_down(web_chat, settings, clock):
    settings.CHAT_MAX_MESSAGES_PER_10S = 3
    conversation, _token = web_chat
    for n in range(3):
        post_message(conversation, sender=Sender.CHILD, body=f"m{n}", client_id=f"c{n}")
    with pytest.raises(ChatRefused) as refused:
        post_message(conversation, sender=Sender.CHILD, body="too fast", client_id="c3")
    assert refused.value.code == "slow_down"
    # The refused message took no number, and a resend of an accepted one still works.
    assert post_message(conversation, sender=Sender.CHILD, body="m0", client_id="c0")[1] is False
    clock.advance(seconds=11)
    message, created = post_message(conversation, sender=Sender.CHILD, body="ok", client_id="c3")
    assert created and message.seq == 4


def test_a_counsellor_cannot_write_before_taking_the_chat(web_chat, counsellor):
    conversation, _token = web_chat
    with pytest.raises(ChatRefused) as refused:
        reply(counsellor, conversation, body="hello")
    assert refused.value.code == "not_taken"


def test_another_counsellor_cannot_write_in_a_taken_chat(web_chat, counsellor, organisation):
    from conftest import make_user
    from haven.accounts.models import Role

    conversation, _token = web_chat
    take(counsellor, conversation)
    other = make_user(organisation, "kim", Role.COUNSELLOR)
    with pytest.raises(ChatRefused) as refused:
        reply(other, conversation, body="me too")
    assert refused.value.code == "not_yours"
    assert str(refused.value) == "This chat was taken by another counsellor."


def test_a_reattach_gives_the_chat_a_new_token_and_the_old_one_stops_working(web_chat):
    from haven.chat.services import rotate_token

    conversation, token = web_chat
    fresh = rotate_token(conversation)
    assert fresh != token and len(fresh) >= 32
    assert conversation_for_token(fresh) == conversation
    assert conversation_for_token(token) is None


def test_nobody_writes_in_an_ended_chat(web_chat, counsellor):
    conversation, _token = web_chat
    take(counsellor, conversation)
    assert end(conversation, counsellor)
    assert not end(conversation, counsellor)
    for attempt in (
        lambda: post_message(conversation, sender=Sender.CHILD, body="hello?"),
        lambda: reply(counsellor, conversation, body="bye"),
    ):
        with pytest.raises(ChatRefused) as refused:
            attempt()
        assert refused.value.code == "ended"
    last = ChatMessage.objects.filter(conversation=conversation).last()
    assert last.sender == Sender.SYSTEM and last.body == "This chat has ended."
    assert conversation.ended_by == "counsellor"


def test_the_bus_is_told_only_after_the_commit(
    web_chat, monkeypatch, django_capture_on_commit_callbacks
):
    conversation, _token = web_chat
    told = []
    monkeypatch.setattr(
        bus, "publish", lambda conversation_id, seq: told.append((conversation_id, seq))
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post_message(conversation, sender=Sender.CHILD, body="hello")
        assert told == []
    assert len(callbacks) == 1
    assert told == [(conversation.pk, 1)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_get_distinct_consecutive_numbers(organisation, settings):
    settings.CHAT_MAX_MESSAGES_PER_10S = 1000
    conversation, _token = open_web_conversation(organisation, "en")
    Conversation.objects.filter(pk=conversation.pk).update(status=ConversationStatus.ACTIVE)
    threads, per_thread, errors = 6, 8, []
    start = threading.Barrier(threads)

    def send(n: int) -> None:
        try:
            start.wait()
            for m in range(per_thread):
                sender = Sender.CHILD if n % 2 else Sender.COUNSELLOR
                post_message(conversation, sender=sender, body=f"{n}-{m}", client_id=f"{n}-{m}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=send, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    seqs = sorted(
        ChatMessage.objects.filter(conversation=conversation).values_list("seq", flat=True)
    )
    assert seqs == list(range(1, threads * per_thread + 1))


@pytest.mark.django_db(transaction=True)
def test_a_resend_racing_the_original_is_stored_once(organisation):
    conversation, _token = open_web_conversation(organisation, "en")
    start, results = threading.Barrier(4), []

    def send() -> None:
        try:
            start.wait()
            results.append(
                post_message(conversation, sender=Sender.CHILD, body="once", client_id="same")[1]
            )
        finally:
            connection.close()

    workers = [threading.Thread(target=send) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(results) == [False, False, False, True]
    assert ChatMessage.objects.filter(conversation=conversation).count() == 1
