"""Chat test set-up: a child's web chat, an SMS channel, and WebSocket clients that speak
to the real ASGI application (origin check, sessions, routing and all)."""

import json
from urllib.parse import urlparse

import pytest
from asgiref.sync import SyncToAsync, async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.db import connections
from django.test import Client

from conftest import verified_client
from haven.chat import cookie
from haven.chat.database import close_connections
from haven.chat.services import open_web_conversation
from haven.messaging.models import ProviderKind, SmsChannel
from haven.messaging.providers.fake import FakeProvider

CHILD_NUMBER = "+447700900123"
ORIGIN = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]


@pytest.fixture(autouse=True)
def _quiet_fake_provider():
    FakeProvider.reset()
    yield
    FakeProvider.reset()


@pytest.fixture(autouse=True)
def _bus_in_process(settings):
    """Hints within the process: the tests of the polling watcher turn it on. Afterwards,
    close the connections of the chat's database thread and asgiref's shared thread, so
    that none outlives the test database."""
    settings.CHAT_BUS = "memory"
    yield
    close_connections()
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture
def web_chat(organisation):
    """(conversation, token): a child waiting in the queue."""
    return open_web_conversation(organisation, "en")


@pytest.fixture
def sms_channel(organisation) -> SmsChannel:
    return SmsChannel.objects.create(
        organisation=organisation,
        name="Helpline SMS",
        provider=ProviderKind.FAKE,
        number="+441234567890",
        public_id="chat-tests-channel",
    )


class WebsocketCommunicator(ApplicationCommunicator):
    """A WebSocket client for an ASGI application in this process (channels' own needs
    daphne, which Haven does not install)."""

    def __init__(self, application, path: str, headers=None):
        parsed = urlparse(path)
        scope = {
            "type": "websocket",
            "path": parsed.path,
            "query_string": parsed.query.encode(),
            "headers": headers or [],
            "subprotocols": [],
        }
        super().__init__(application, scope)

    async def connect(self, timeout: float = 3.0) -> tuple[bool, int | None]:
        """(True, None) when accepted, (False, close code) when refused."""
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept"
        return True, None

    async def send_json_to(self, data) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout: float = 3.0) -> dict:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 3.0) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def run(scenario):
    """Run an async test scenario. Its database calls run in this thread, on the test's
    connection (so the test needs transactional_db to see its own commits)."""
    return async_to_sync(scenario)()


def child_socket(token: str, after: int | None = None) -> WebsocketCommunicator:
    """The child's socket, with the chat cookie holding `token` (as the page has it)."""
    from haven.asgi import application

    path = "/chat/room/ws" + (f"?after={after}" if after is not None else "")
    headers = [*ORIGIN, (b"cookie", f"{cookie.NAME}={token}".encode())]
    return WebsocketCommunicator(application, path, headers=headers)


def as_child(client: Client, token: str) -> Client:
    """A browser that holds the chat cookie for `token`, as after starting the chat."""
    client.cookies[cookie.NAME] = token
    return client


def session_cookie(user, *, verified: bool = True) -> str:
    """A session cookie for `user`, signed in with both factors unless not `verified`."""
    client = Client()
    if verified:
        verified_client(client, user)
    else:
        client.force_login(user)
    return client.cookies["sessionid"].value


def staff_socket(conversation_id: int, cookie: str = "") -> WebsocketCommunicator:
    """A counsellor's socket with the session `cookie` (none: anonymous)."""
    from haven.asgi import application

    headers = list(ORIGIN)
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, f"/chat/ws/{conversation_id}", headers=headers)


async def receive_until(socket: WebsocketCommunicator, kind: str, timeout: float = 3.0) -> dict:
    """The next frame of `kind`, skipping others."""
    while True:
        frame = await socket.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


async def messages_until(socket: WebsocketCommunicator, seq: int, timeout: float = 3.0) -> list:
    """Message frames up to and including number `seq`."""
    found: list[dict] = []
    while not found or found[-1]["seq"] < seq:
        found.append(await receive_until(socket, "message", timeout))
    return found


async def frames_until_close(socket: WebsocketCommunicator, timeout: float = 3.0):
    """(the frames sent before the server closed the socket, the close code)."""
    frames: list[dict] = []
    while True:
        response = await socket.receive_output(timeout)
        if response["type"] == "websocket.close":
            return frames, response.get("code", 1000)
        frames.append(json.loads(response["text"]))
