"""Both WebSocket consumers, through the real ASGI application (origin check, session
middleware, routing). Transactional: the consumers read in their own transactions."""

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from conftest import make_user
from haven.accounts.models import Role
from haven.chat.models import ChatMessage, Conversation, Sender
from haven.chat.services import end, post_message, take
from haven.chat.tests.conftest import (
    child_socket,
    messages_until,
    receive_until,
    run,
    session_cookie,
    staff_socket,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_child_is_told_they_are_waiting_and_their_message_is_acknowledged(web_chat):
    conversation, token = web_chat

    async def scenario():
        child = child_socket(token)
        assert (await child.connect())[0]
        status = await receive_until(child, "status")
        assert status["status"] == "waiting"
        await child.send_json_to({"type": "message", "body": "hello", "client_id": "c1"})
        ack = await receive_until(child, "ack")
        assert ack == {"type": "ack", "client_id": "c1", "seq": 1}
        echoed = await receive_until(child, "message")
        assert echoed["body"] == "hello" and echoed["mine"] and echoed["client_id"] == "c1"
        await child.disconnect()

    run(scenario)
    assert ChatMessage.objects.get(conversation=conversation).body == "hello"


def test_child_and_counsellor_exchange_messages_live(web_chat, counsellor):
    conversation, token = web_chat
    cookie = session_cookie(counsellor)

    async def scenario():
        child = child_socket(token)
        assert (await child.connect())[0]
        await database_sync_to_async(take)(counsellor, conversation)
        joined = await receive_until(child, "message")
        assert joined["sender"] == "system" and "joined" in joined["body"]
        assert (await receive_until(child, "status"))["status"] == "active"

        staff = staff_socket(conversation.pk, cookie)
        assert (await staff.connect())[0]
        await messages_until(staff, joined["seq"])

        await child.send_json_to({"type": "message", "body": "I need help", "client_id": "k1"})
        heard = await receive_until(staff, "message")
        assert (heard["sender"], heard["body"], heard["label"]) == ("child", "I need help", "Child")

        await staff.send_json_to({"type": "message", "body": "I'm here", "client_id": "s1"})
        assert (await receive_until(staff, "ack"))["client_id"] == "s1"
        answer = await receive_until(child, "message")
        while answer["sender"] != "counsellor":
            answer = await receive_until(child, "message")
        assert (answer["body"], answer["label"], answer["mine"]) == (
            "I'm here",
            "Counsellor",
            False,
        )
        assert "chris" not in str(answer)  # the child never sees a counsellor's name
        await child.disconnect()
        await staff.disconnect()

    run(scenario)


def test_a_child_who_reconnects_gets_the_messages_it_missed(web_chat, counsellor):
    conversation, token = web_chat
    take(counsellor, conversation)  # message 1: "joined"

    async def scenario():
        child = child_socket(token)
        assert (await child.connect())[0]
        await messages_until(child, 1)
        await child.disconnect()

        def counsellor_writes_while_away():
            for text in ("are you still there?", "take your time"):
                post_message(conversation, sender=Sender.COUNSELLOR, body=text, author=counsellor)

        await database_sync_to_async(counsellor_writes_while_away)()
        back = child_socket(token, after=1)
        assert (await back.connect())[0]
        await back.send_json_to({"type": "resume", "after": 1})
        missed = await messages_until(back, 3)
        assert [m["seq"] for m in missed] == [2, 3]
        assert [m["body"] for m in missed] == ["are you still there?", "take your time"]
        await back.disconnect()

    run(scenario)


def test_a_child_sending_too_fast_gets_slow_down_for_that_message(web_chat, settings):
    settings.CHAT_MAX_MESSAGES_PER_10S = 2
    conversation, token = web_chat

    async def scenario():
        child = child_socket(token)
        assert (await child.connect())[0]
        for n in range(3):
            await child.send_json_to({"type": "message", "body": f"m{n}", "client_id": f"f{n}"})
        answers = [await receive_until(child, "ack"), await receive_until(child, "ack")]
        refused = await receive_until(child, "error")
        assert [a["client_id"] for a in answers] == ["f0", "f1"]
        assert (refused["code"], refused["client_id"]) == ("slow_down", "f2")
        assert "wait" in refused["message"]
        await child.disconnect()

    run(scenario)
    assert ChatMessage.objects.filter(conversation=conversation).count() == 2


def test_an_empty_or_too_long_message_gets_a_clear_error(web_chat, settings):
    settings.CHAT_MAX_MESSAGE_CHARS = 10
    _conversation, token = web_chat

    async def scenario():
        child = child_socket(token)
        assert (await child.connect())[0]
        await child.send_json_to({"type": "message", "body": "   ", "client_id": "e"})
        assert (await receive_until(child, "error"))["code"] == "empty"
        await child.send_json_to({"type": "message", "body": "x" * 11, "client_id": "l"})
        too_long = await receive_until(child, "error")
        assert too_long["code"] == "too_long" and "10" in too_long["message"]
        await child.send_json_to({"type": "nonsense"})
        assert (await receive_until(child, "error"))["code"] == "bad_request"
        await child.disconnect()

    run(scenario)


def test_errors_to_the_child_are_in_the_chats_language(organisation):
    from haven.chat.services import open_web_conversation

    _conversation, token = open_web_conversation(organisation, "fr")

    async def scenario():
        child = child_socket(token)
        assert (await child.connect())[0]
        await child.send_json_to({"type": "message", "body": "", "client_id": "e"})
        error = await receive_until(child, "error")
        await child.disconnect()
        return error["message"]

    from django.utils import translation

    with translation.override("fr"):
        expected = str(translation.gettext("Write something before sending."))
    assert run(scenario) == expected


def test_the_child_hears_when_the_counsellor_ends_the_chat(web_chat, counsellor):
    conversation, token = web_chat
    take(counsellor, conversation)

    async def scenario():
        child = child_socket(token)
        assert (await child.connect())[0]
        await receive_until(child, "status")
        await database_sync_to_async(end)(conversation, counsellor)
        ended = await receive_until(child, "status")
        assert ended["status"] == "ended" and ended["ended_by"] == "counsellor"
        await child.send_json_to({"type": "message", "body": "wait", "client_id": "late"})
        assert (await receive_until(child, "error"))["code"] == "ended"
        await child.disconnect()

    run(scenario)


def test_a_message_stored_by_another_process_arrives_by_polling(web_chat, settings):
    """No hint in this process: the polling watcher finds the new row itself."""
    settings.CHAT_BUS = "poll"
    settings.CHAT_POLL_SECONDS = 0.05
    conversation, token = web_chat

    def stored_elsewhere():
        Conversation.objects.filter(pk=conversation.pk).update(next_seq=2)
        ChatMessage.objects.create(
            conversation=conversation,
            seq=1,
            sender=Sender.COUNSELLOR,
            body="from another process",
            created_at=timezone.now(),
        )

    async def scenario():
        child = child_socket(token)
        assert (await child.connect())[0]
        await receive_until(child, "status")
        await database_sync_to_async(stored_elsewhere)()
        arrived = await receive_until(child, "message", timeout=2.0)
        assert arrived["body"] == "from another process"
        await child.disconnect()

    run(scenario)


def test_an_unknown_chat_token_is_refused(db):
    async def scenario():
        return await child_socket("not-a-real-token").connect()

    assert run(scenario)[0] is False


def test_an_anonymous_visitor_cannot_open_a_counsellor_socket(web_chat):
    conversation, _token = web_chat

    async def scenario():
        return await staff_socket(conversation.pk).connect()

    assert run(scenario)[0] is False


def test_a_counsellor_without_the_second_factor_is_refused(web_chat, counsellor):
    conversation, _token = web_chat
    take(counsellor, conversation)

    cookie = session_cookie(counsellor, verified=False)

    async def scenario():
        return await staff_socket(conversation.pk, cookie).connect()

    assert run(scenario)[0] is False


def test_staff_of_another_organisation_are_refused(web_chat, outsider):
    conversation, _token = web_chat

    cookie = session_cookie(outsider)

    async def scenario():
        return await staff_socket(conversation.pk, cookie).connect()

    assert run(scenario)[0] is False


def test_a_hotline_analyst_cannot_open_a_counsellor_socket(web_chat, analyst):
    conversation, _token = web_chat
    cookie = session_cookie(analyst)

    async def scenario():
        return await staff_socket(conversation.pk, cookie).connect()

    assert run(scenario)[0] is False


def test_a_counsellor_cannot_follow_another_counsellors_chat(web_chat, counsellor, organisation):
    conversation, _token = web_chat
    take(counsellor, conversation)
    other = make_user(organisation, "kim", Role.COUNSELLOR)

    cookie = session_cookie(other)

    async def scenario():
        return await staff_socket(conversation.pk, cookie).connect()

    assert run(scenario)[0] is False


def test_a_supervisor_may_follow_any_chat_of_the_organisation(web_chat, counsellor, supervisor):
    conversation, _token = web_chat
    take(counsellor, conversation)

    cookie = session_cookie(supervisor)

    async def scenario():
        staff = staff_socket(conversation.pk, cookie)
        accepted = (await staff.connect())[0]
        status = await receive_until(staff, "status")
        await staff.disconnect()
        return accepted, status["status"]

    assert run(scenario) == (True, "active")


def test_a_counsellor_cannot_write_in_a_chat_nobody_has_taken(web_chat, counsellor):
    conversation, _token = web_chat
    cookie = session_cookie(counsellor)

    async def scenario():
        staff = staff_socket(conversation.pk, cookie)
        assert (await staff.connect())[0]
        await staff.send_json_to({"type": "message", "body": "hi", "client_id": "x"})
        error = await receive_until(staff, "error")
        await staff.disconnect()
        return error["code"]

    assert run(scenario) == "not_taken"
