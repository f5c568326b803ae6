"""An open WebSocket keeps being authorised: for every batch it delivers and every
message it sends (the conversation's status and counsellor), and every minute for its
session. It also counts as a view of the conversation."""

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.models import Session

from conftest import make_user
from haven.accounts.models import Role, User
from haven.audit.models import AuditEvent
from haven.chat import consumers
from haven.chat.models import Sender
from haven.chat.services import end, post_message, take
from haven.chat.tests.conftest import (
    child_socket,
    frames_until_close,
    receive_until,
    run,
    session_cookie,
    staff_socket,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _bodies(frames) -> list[str]:
    return [frame.get("body", "") for frame in frames if frame["type"] == "message"]


def test_a_counsellor_watching_a_waiting_chat_hears_nothing_once_another_takes_it(
    web_chat, counsellor, organisation
):
    conversation, _token = web_chat
    post_message(conversation, sender=Sender.CHILD, body="before the take")
    nosy = make_user(organisation, "nosy", Role.COUNSELLOR)
    cookie = session_cookie(nosy)

    async def scenario():
        spy = staff_socket(conversation.pk, cookie)
        assert (await spy.connect())[0]
        first = await receive_until(spy, "message")
        assert first["body"] == "before the take"  # a waiting chat: any counsellor reads

        def taken_then_talk():
            take(counsellor, conversation)
            post_message(conversation, sender=Sender.CHILD, body="my secret after the take")
            post_message(
                conversation, sender=Sender.COUNSELLOR, body="counsellor reply", author=counsellor
            )

        await database_sync_to_async(taken_then_talk)()
        return await frames_until_close(spy)

    frames, code = run(scenario)
    assert code == consumers.CLOSE_REFUSED
    assert _bodies(frames) == []  # neither "joined" nor anything said after it
    error = frames[-1]
    assert error["code"] == "not_yours"
    assert error["message"] == "This chat was taken by another counsellor."


def test_a_counsellor_whose_chat_was_taken_is_told_so_if_they_write(
    web_chat, counsellor, organisation, monkeypatch
):
    """Written before the socket noticed: the refusal says who has the chat."""
    conversation, _token = web_chat
    nosy = make_user(organisation, "nosy", Role.COUNSELLOR)
    cookie = session_cookie(nosy)

    # The pump reads once and then never again, as if no hint had reached it yet: the
    # write is checked on its own.
    monkeypatch.setattr(consumers.ChatSocket, "wait_for_news", _never)

    async def scenario():
        spy = staff_socket(conversation.pk, cookie)
        assert (await spy.connect())[0]
        await receive_until(spy, "status")
        await database_sync_to_async(take)(counsellor, conversation)
        await spy.send_json_to({"type": "message", "body": "hi from nosy", "client_id": "n1"})
        return await frames_until_close(spy)

    frames, code = run(scenario)
    assert code == consumers.CLOSE_REFUSED
    assert frames[-1]["code"] == "not_yours" and frames[-1]["client_id"] == "n1"
    assert "taken by another counsellor" in frames[-1]["message"]
    assert not conversation.messages.filter(body="hi from nosy").exists()


async def _never(self):
    import asyncio

    await asyncio.Event().wait()


def test_a_counsellors_socket_closes_once_they_sign_out(web_chat, counsellor, monkeypatch):
    conversation, _token = web_chat
    take(counsellor, conversation)
    cookie = session_cookie(counsellor)
    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0.0)

    async def scenario():
        staff = staff_socket(conversation.pk, cookie)
        assert (await staff.connect())[0]
        await receive_until(staff, "status")
        await database_sync_to_async(Session.objects.all().delete)()  # signed out
        await database_sync_to_async(post_message)(
            conversation, sender=Sender.CHILD, body="are you there?"
        )
        return await frames_until_close(staff)

    frames, code = run(scenario)
    assert code == consumers.CLOSE_REFUSED
    assert _bodies(frames) == [] and frames[-1]["code"] == "signed_out"


def test_a_counsellors_socket_closes_once_their_account_is_deactivated(
    web_chat, counsellor, monkeypatch
):
    conversation, _token = web_chat
    take(counsellor, conversation)
    cookie = session_cookie(counsellor)
    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0.0)

    async def scenario():
        staff = staff_socket(conversation.pk, cookie)
        assert (await staff.connect())[0]
        await receive_until(staff, "status")

        def deactivate_then_child_writes():
            User.objects.filter(pk=counsellor.pk).update(is_active=False)
            post_message(conversation, sender=Sender.CHILD, body="hello?")

        await database_sync_to_async(deactivate_then_child_writes)()
        return await frames_until_close(staff)

    frames, code = run(scenario)
    assert code == consumers.CLOSE_REFUSED and _bodies(frames) == []


def test_a_session_is_checked_only_once_a_minute(web_chat, counsellor):
    """Between checks, a signed-out socket still delivers (within the minute)."""
    conversation, _token = web_chat
    take(counsellor, conversation)
    cookie = session_cookie(counsellor)

    async def scenario():
        staff = staff_socket(conversation.pk, cookie)
        assert (await staff.connect())[0]
        await receive_until(staff, "status")
        await database_sync_to_async(post_message)(
            conversation, sender=Sender.CHILD, body="still delivered"
        )
        heard = await receive_until(staff, "message")
        await staff.disconnect()
        return heard["body"]

    assert run(scenario) == "still delivered"
    assert consumers.RECHECK_SECONDS == 60.0


def test_a_supervisor_who_is_no_longer_one_stops_hearing_others_chats(
    web_chat, counsellor, supervisor, monkeypatch
):
    conversation, _token = web_chat
    take(counsellor, conversation)
    cookie = session_cookie(supervisor)
    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0.0)

    async def scenario():
        staff = staff_socket(conversation.pk, cookie)
        assert (await staff.connect())[0]
        await receive_until(staff, "status")

        def demote_then_child_writes():
            User.objects.filter(pk=supervisor.pk).update(role=Role.COUNSELLOR)
            post_message(conversation, sender=Sender.CHILD, body="private")

        await database_sync_to_async(demote_then_child_writes)()
        return await frames_until_close(staff)

    frames, code = run(scenario)
    assert code == consumers.CLOSE_REFUSED and "private" not in _bodies(frames)


def test_opening_a_counsellor_socket_is_audited_as_a_view(web_chat, supervisor):
    conversation, _token = web_chat
    cookie = session_cookie(supervisor)

    async def scenario():
        staff = staff_socket(conversation.pk, cookie)
        assert (await staff.connect())[0]
        await receive_until(staff, "status")
        await staff.disconnect()

    run(scenario)
    viewed = AuditEvent.objects.get(action="conversation.viewed")
    assert (viewed.actor_id, viewed.target_id) == (supervisor.pk, str(conversation.pk))
    assert viewed.detail == {"via": "websocket"}


def test_a_refused_counsellor_socket_is_not_audited_as_a_view(web_chat, outsider):
    conversation, _token = web_chat
    cookie = session_cookie(outsider)

    async def scenario():
        return await staff_socket(conversation.pk, cookie).connect()

    assert run(scenario)[0] is False
    assert not AuditEvent.objects.filter(action="conversation.viewed").exists()


def test_the_childs_socket_of_a_chat_over_for_a_while_is_refused(web_chat, clock):
    conversation, token = web_chat
    end(conversation, "child")
    clock.advance(minutes=11)

    async def scenario():
        return await child_socket(token).connect()

    assert run(scenario)[0] is False


def test_an_open_childs_socket_forgets_the_chat_once_it_has_been_over_for_a_while(
    web_chat, counsellor, clock
):
    conversation, token = web_chat
    take(counsellor, conversation)

    async def scenario():
        child = child_socket(token)
        assert (await child.connect())[0]
        await receive_until(child, "status")
        await database_sync_to_async(end)(conversation, counsellor)
        assert (await receive_until(child, "status"))["status"] == "ended"
        clock.advance(minutes=11)
        await child.send_json_to({"type": "resume", "after": 0})
        return await frames_until_close(child)

    frames, code = run(scenario)
    assert code == consumers.CLOSE_REFUSED
    assert _bodies(frames) == [] and frames[-1]["code"] == "gone"
