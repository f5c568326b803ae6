"""The chat over a real uvicorn server (the ASGI live server), with a real WebSocket
client: what only a real server shows."""

import json

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect as ws_connect

from haven.chat import cookie
from haven.chat.services import open_web_conversation


@pytest.fixture
def chat_socket_url(asgi_live_server, organisation):
    return asgi_live_server.replace("http://", "ws://") + "/chat/room/ws"


@pytest.fixture
def chat_cookie(organisation):
    _conversation, token = open_web_conversation(organisation, "en")
    return {"Cookie": f"{cookie.NAME}={token}"}


def connect(url, *, headers=None, **options):
    return ws_connect(url, additional_headers=headers, **options)


def test_a_child_connects_over_a_real_websocket(chat_socket_url, chat_cookie, asgi_live_server):
    with connect(
        chat_socket_url, headers=chat_cookie, origin=asgi_live_server, open_timeout=5
    ) as socket:
        assert json.loads(socket.recv(timeout=5))["status"] == "waiting"
        socket.send(json.dumps({"type": "message", "body": "hello", "client_id": "x"}))
        frames = [json.loads(socket.recv(timeout=5)) for _ in range(2)]
    assert [frame["type"] for frame in frames] == ["ack", "message"]


def test_a_socket_from_another_site_is_refused(chat_socket_url, chat_cookie):
    with pytest.raises(InvalidStatus) as refused:
        connect(chat_socket_url, headers=chat_cookie, origin="https://evil.example", open_timeout=5)
    assert refused.value.response.status_code == 403


def test_a_socket_without_the_chat_cookie_is_refused(chat_socket_url, asgi_live_server):
    with pytest.raises(InvalidStatus) as refused:
        connect(chat_socket_url, origin=asgi_live_server, open_timeout=5)
    assert refused.value.response.status_code == 403


def test_a_frame_far_bigger_than_any_message_closes_the_socket(
    chat_socket_url, chat_cookie, asgi_live_server
):
    with connect(
        chat_socket_url, headers=chat_cookie, origin=asgi_live_server, open_timeout=5
    ) as socket:
        socket.recv(timeout=5)
        socket.send(json.dumps({"type": "message", "body": "x" * 200_000, "client_id": "big"}))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                socket.recv(timeout=5)
    assert closed.value.rcvd.code == 1009  # message too big


def test_a_waiting_long_poll_first_closes_the_connection_its_middleware_opened(
    asgi_live_server, organisation, counsellor, monkeypatch
):
    """Under ASGI the middleware's session and two-factor look-ups run on the request's
    thread and open a connection there; the long-poll closes it, on that same thread,
    before it waits (so waiting phones hold no database connection)."""
    import http.client
    import threading

    from django.db import connections

    from haven.accounts.middleware import StaffTwoFactorMiddleware
    from haven.chat import database, staff_views
    from haven.chat.tests.conftest import session_cookie

    monkeypatch.setattr(staff_views, "LONG_POLL_SECONDS", 0.5)
    conversation, _token = open_web_conversation(organisation, "en")
    seen: dict[str, object] = {}
    releases: list[tuple[int, int, int]] = []  # (thread, open before, open after)
    middleware_call = StaffTwoFactorMiddleware.__call__
    release = database.release_request_connections

    def middleware_spy(self, request):
        if request.path.endswith("/messages"):
            seen["middleware_thread"] = threading.get_ident()
        return middleware_call(self, request)

    def open_connections() -> int:
        return sum(1 for c in connections.all(initialized_only=True) if c.connection is not None)

    def release_spy():
        before = open_connections()
        release()
        releases.append((threading.get_ident(), before, open_connections()))

    monkeypatch.setattr(StaffTwoFactorMiddleware, "__call__", middleware_spy)
    monkeypatch.setattr(database, "release_request_connections", release_spy)
    monkeypatch.setattr(staff_views, "release_request_connections", release_spy)
    host, port = asgi_live_server.removeprefix("http://").split(":")
    client = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        client.request(
            "GET",
            f"/chat/conversations/{conversation.pk}/messages?after=0&status=waiting",
            headers={"Cookie": f"sessionid={session_cookie(counsellor)}"},
        )
        response = client.getresponse()
        response.read()
        assert response.status == 200
    finally:
        client.close()
    (thread, opened, left), *later = releases
    assert thread == seen["middleware_thread"]
    assert opened >= 1 and left == 0
    assert all(left == 0 for _thread, _opened, left in later)
