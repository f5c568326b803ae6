"""The gunicorn worker `haven run` serves with: uvicorn, for HTTP and the web chat's
WebSockets on one port."""

from uvicorn_worker import UvicornWorker


class HavenWorker(UvicornWorker):
    # websockets' sans-I/O implementation: the maintained one (the legacy protocol is
    # deprecated). No lifespan events: Django has none to run.
    CONFIG_KWARGS = {"loop": "auto", "http": "auto", "ws": "websockets-sansio", "lifespan": "off"}
