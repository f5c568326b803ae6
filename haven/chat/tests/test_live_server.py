"""The chat over a real uvicorn server (the ASGI live server), with a real WebSocket
client: what only a real server shows."""

import json

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from haven.chat.services import open_web_conversation


@pytest.fixture
def chat_socket_url(asgi_live_server, organisation):
    _conversation, token = open_web_conversation(organisation, "en")
    return asgi_live_server.replace("http://", "ws://") + f"/chat/c/{token}/ws"


def test_a_child_connects_over_a_real_websocket(chat_socket_url, asgi_live_server):
    with connect(chat_socket_url, origin=asgi_live_server, open_timeout=5) as socket:
        assert json.loads(socket.recv(timeout=5))["status"] == "waiting"
        socket.send(json.dumps({"type": "message", "body": "hello", "client_id": "x"}))
        frames = [json.loads(socket.recv(timeout=5)) for _ in range(2)]
    assert [frame["type"] for frame in frames] == ["ack", "message"]


def test_a_socket_from_another_site_is_refused(chat_socket_url):
    with pytest.raises(InvalidStatus) as refused:
        connect(chat_socket_url, origin="https://evil.example", open_timeout=5)
    assert refused.value.response.status_code == 403


def test_a_frame_far_bigger_than_any_message_closes_the_socket(chat_socket_url, asgi_live_server):
    with connect(chat_socket_url, origin=asgi_live_server, open_timeout=5) as socket:
        socket.recv(timeout=5)
        socket.send(json.dumps({"type": "message", "body": "x" * 200_000, "client_id": "big"}))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                socket.recv(timeout=5)
    assert closed.value.rcvd.code == 1009  # message too big
