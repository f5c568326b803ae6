"""The gunicorn worker `haven run` serves with: uvicorn, for HTTP and the web chat's
WebSockets on one port."""

from uvicorn_worker import UvicornWorker

# A chat message is at most CHAT_MAX_MESSAGE_CHARS (2,000 by default) characters, a few
# kilobytes of JSON: a bigger frame is refused before it is read into memory.
WS_MAX_BYTES = 64 * 1024


class HavenWorker(UvicornWorker):
    # websockets' sans-I/O implementation: the maintained one (the legacy protocol is
    # deprecated). No lifespan events: Django has none to run. uvicorn pings every open
    # WebSocket (20 s), so a phone that vanished is noticed and its chat let go.
    CONFIG_KWARGS = {
        "loop": "auto",
        "http": "auto",
        "ws": "websockets-sansio",
        "lifespan": "off",
        "ws_max_size": WS_MAX_BYTES,
    }
