import asyncio
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from haven.chat import bus
from haven.chat.models import ChatMessage, Sender
from haven.chat.tests.conftest import run


def _message(conversation, seq: int, pk: int | None = None) -> ChatMessage:
    return ChatMessage.objects.create(
        pk=pk,
        conversation=conversation,
        seq=seq,
        sender=Sender.CHILD,
        body=f"m{seq}",
        created_at=timezone.now(),
    )


def test_the_cursor_reports_conversations_with_new_messages(web_chat, organisation):
    from haven.chat.services import open_web_conversation

    conversation, _ = web_chat
    other, _ = open_web_conversation(organisation, "en")
    _message(conversation, 1)
    cursor = bus.MessageCursor()
    cursor.start()
    assert cursor.fetch() == {}
    _message(conversation, 2)
    _message(conversation, 3)
    _message(other, 1)
    assert cursor.fetch() == {conversation.pk: 3, other.pk: 1}
    assert cursor.fetch() == {}


def test_the_cursor_finds_a_message_that_commits_after_a_later_one(web_chat):
    """PostgreSQL hands out ids before commit: id 11 can appear after id 12."""
    conversation, _ = web_chat
    first = _message(conversation, 1)
    cursor = bus.MessageCursor()
    cursor.start()
    _message(conversation, 3, pk=first.pk + 2)  # the later id is visible first
    assert cursor.fetch() == {conversation.pk: 3}
    assert first.pk + 1 in cursor.holes
    _message(conversation, 2, pk=first.pk + 1)  # the earlier one commits late
    assert cursor.fetch() == {conversation.pk: 2}
    assert first.pk + 1 not in cursor.holes


def test_the_cursor_forgets_holes_that_never_fill(web_chat, monkeypatch):
    conversation, _ = web_chat
    first = _message(conversation, 1)
    cursor = bus.MessageCursor()
    cursor.start()
    _message(conversation, 2, pk=first.pk + 5)
    cursor.fetch()
    assert {first.pk + n for n in range(1, 5)} <= set(cursor.holes)
    monkeypatch.setattr(bus.MessageCursor, "GAP_SECONDS", -1.0)
    cursor.fetch()
    assert cursor.holes == {}


def test_the_bus_is_chosen_by_the_setting(settings):
    settings.CHAT_BUS = "poll"
    assert isinstance(bus.get_bus(), bus.PollingBus)
    settings.CHAT_BUS = "memory"
    assert isinstance(bus.get_bus(), bus.InProcessBus)
    settings.CHAT_BUS = "redis://127.0.0.1:6379/0"
    assert isinstance(bus.get_bus(), bus.RedisBus)
    settings.CHAT_BUS = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        bus.get_bus()


def test_a_hint_published_in_any_thread_wakes_the_subscriber(db):
    async def scenario():
        async with bus.subscribe(42) as hints, bus.subscribe(43) as other:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, bus.publish, 42, 7)
            assert await hints.wait(2.0)
            assert hints.news_after(6) and not hints.news_after(7)
            assert not await other.wait(0.1)
            assert not await hints.wait(0.1)  # a hint is used up by one wait

    run(scenario)


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_available(), reason="no Redis on 127.0.0.1:6379")
def test_redis_carries_hints_between_processes(db, settings):
    settings.CHAT_BUS = "redis://127.0.0.1:6379/15"
    redis_bus = bus.get_bus()

    async def scenario():
        async with bus.subscribe(77) as hints:
            loop = asyncio.get_running_loop()
            # Only the broadcast, as another process would send it: no local hint.
            await loop.run_in_executor(None, redis_bus.broadcast, 77, 5)
            assert await hints.wait(3.0)
            assert hints.latest == 5

    run(scenario)
