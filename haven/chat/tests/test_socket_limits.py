"""What one WebSocket, or one side of a conversation, may cost the server: connections
per side, frames per connection (refused ones count), and how often and how much of the
transcript it may ask for again."""

import pytest

from haven.chat import consumers, limits
from haven.chat.models import ChatMessage, Sender
from haven.chat.services import post_message, take
from haven.chat.tests.conftest import (
    child_socket,
    frames_until_close,
    messages_until,
    receive_until,
    run,
    session_cookie,
    staff_socket,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_side_of_a_chat_holds_only_a_few_sockets_open(web_chat, counsellor, monkeypatch):
    monkeypatch.setattr(limits, "CONNECTIONS_PER_SIDE", 2)
    conversation, token = web_chat
    take(counsellor, conversation)
    cookie = session_cookie(counsellor)

    async def scenario():
        tabs = [child_socket(token), child_socket(token)]
        for tab in tabs:
            assert (await tab.connect())[0]
        extra = child_socket(token)
        assert (await extra.connect())[0]  # accepted only to say why it closes
        assert (await frames_until_close(extra)) == ([], consumers.CLOSE_TOO_MANY)
        # The counsellor's side is counted apart: a child cannot lock them out.
        staff = staff_socket(conversation.pk, cookie)
        assert (await staff.connect())[0]
        await receive_until(staff, "status")
        await tabs[0].disconnect()
        again = child_socket(token)
        assert (await again.connect())[0]
        assert (await receive_until(again, "status"))["status"] == "active"
        for socket in (tabs[1], again, staff):
            await socket.disconnect()

    run(scenario)
    assert limits.slots.count((conversation.pk, "child")) == 0


def test_a_socket_sending_too_many_frames_is_slowed_then_closed(web_chat, monkeypatch):
    """Refused frames (not JSON, unknown, too long) count like the others."""
    monkeypatch.setattr(limits, "FRAMES_PER_WINDOW", 2)
    conversation, token = web_chat

    async def scenario():
        child = child_socket(token)
        assert (await child.connect())[0]
        await receive_until(child, "status")
        await child.send_input({"type": "websocket.receive", "text": "{not json"})
        assert (await receive_until(child, "error"))["code"] == "bad_request"
        await child.send_json_to({"type": "message", "body": "x" * 5000, "client_id": "l"})
        assert (await receive_until(child, "error"))["code"] == "too_long"
        await child.send_json_to({"type": "message", "body": "real", "client_id": "r"})
        slowed = await receive_until(child, "error")
        assert (slowed["code"], slowed["client_id"]) == ("slow_down", "r")
        await child.send_json_to({"type": "nonsense"})
        await receive_until(child, "error")
        await child.send_json_to({"type": "nonsense"})
        return await frames_until_close(child)

    _frames, code = run(scenario)
    assert code == consumers.CLOSE_TOO_MANY
    assert not ChatMessage.objects.filter(conversation=conversation).exists()


def test_a_binary_frame_is_refused_without_closing_the_socket(web_chat):
    _conversation, token = web_chat

    async def scenario():
        child = child_socket(token)
        assert (await child.connect())[0]
        await receive_until(child, "status")
        await child.send_input({"type": "websocket.receive", "bytes": b"\x00\x01"})
        error = await receive_until(child, "error")
        await child.send_json_to({"type": "message", "body": "still here", "client_id": "s"})
        ack = await receive_until(child, "ack")
        await child.disconnect()
        return error["code"], ack["seq"]

    assert run(scenario) == ("bad_request", 1)


def test_a_socket_gets_at_most_the_latest_messages_on_connecting(web_chat, counsellor, monkeypatch):
    monkeypatch.setattr(limits, "REPLAY_MESSAGES", 2)
    conversation, token = web_chat
    take(counsellor, conversation)  # 1
    for n in range(4):  # 2..5
        post_message(conversation, sender=Sender.COUNSELLOR, body=f"m{n}", author=counsellor)

    async def scenario():
        child = child_socket(token, after=0)
        assert (await child.connect())[0]
        got = await messages_until(child, 5)
        await child.disconnect()
        return [message["seq"] for message in got]

    assert run(scenario) == [4, 5]


def test_asking_for_the_whole_transcript_again_works_only_once_in_a_while(
    web_chat, counsellor, monkeypatch
):
    monkeypatch.setattr(limits, "REPLAY_MESSAGES", 3)
    conversation, token = web_chat
    take(counsellor, conversation)  # 1
    for n in range(4):  # 2..5
        post_message(conversation, sender=Sender.COUNSELLOR, body=f"m{n}", author=counsellor)

    async def scenario():
        child = child_socket(token, after=5)
        assert (await child.connect())[0]
        await receive_until(child, "status")
        # At once: nothing is sent again. (Frames are handled in order: the ack of the
        # message sent next comes after the resume was.)
        await child.send_json_to({"type": "resume", "after": 0})
        await child.send_json_to({"type": "message", "body": "ok", "client_id": "o"})
        frames = []
        while not frames or frames[-1]["type"] != "ack":
            frames.append(await child.receive_json_from())
        resent = [frame["seq"] for frame in frames if frame["type"] == "message"]
        # Once the interval has passed, the latest REPLAY_MESSAGES come again.
        monkeypatch.setattr(limits, "REWIND_EVERY_SECONDS", 0.0)
        await child.send_json_to({"type": "resume", "after": 0})
        later = [message["seq"] for message in await messages_until(child, 6)]
        while later[0] != 4:  # the echo of "ok" may come first
            later = [message["seq"] for message in await messages_until(child, 6)]
        await child.disconnect()
        return resent, later

    resent, later = run(scenario)
    assert [seq for seq in resent if seq < 6] == []
    assert later == [4, 5, 6]


def test_the_frame_budget_counts_a_sliding_window():
    now = [0.0]
    budget = limits.FrameBudget(clock=lambda: now[0])
    verdicts = [budget.take() for _ in range(limits.FRAMES_PER_WINDOW)]
    assert set(verdicts) == {limits.ALLOW}
    assert budget.take() == limits.SLOW_DOWN
    now[0] += limits.WINDOW_SECONDS  # the first ones leave the window
    assert budget.take() == limits.ALLOW
