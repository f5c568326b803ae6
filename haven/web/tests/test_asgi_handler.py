import asyncio
import contextlib
import threading

from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.http import HttpResponse

from haven.web.asgi_handler import HavenASGIHandler


class Recorded(HttpResponse):
    """A response that remembers being closed (as a static file's response closes
    its file)."""

    closed_by_handler = threading.Event()

    def close(self):
        self.closed_by_handler.set()
        super().close()


def http_scope(path: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


def test_a_response_still_being_built_when_the_client_leaves_is_closed_once_it_is_built():
    Recorded.closed_by_handler.clear()
    handler = HavenASGIHandler()
    build = threading.Event()

    def slow_view_response(request):
        build.wait(timeout=5)  # the browser has gone by the time this returns
        return Recorded(b"stylesheet")

    handler.get_response_async = _in_thread(slow_view_response)

    async def scenario():
        browser = ApplicationCommunicator(handler, http_scope("/static/web/haven.css"))
        await browser.send_input({"type": "http.request"})
        await asyncio.sleep(0.05)
        await browser.send_input({"type": "http.disconnect"})
        await browser.wait(timeout=2)  # the handler gives up on the request at once
        build.set()
        for _ in range(100):
            if Recorded.closed_by_handler.is_set():
                return
            await asyncio.sleep(0.02)

    async_to_sync(scenario)()

    assert Recorded.closed_by_handler.is_set()


def test_a_request_the_client_waits_for_is_answered_and_closed_as_usual():
    Recorded.closed_by_handler.clear()
    handler = HavenASGIHandler()
    handler.get_response_async = _in_thread(lambda request: Recorded(b"page"))

    async def scenario():
        browser = ApplicationCommunicator(handler, http_scope("/"))
        await browser.send_input({"type": "http.request"})
        start = await browser.receive_output(timeout=2)
        body = await browser.receive_output(timeout=2)
        await browser.wait(timeout=2)
        return start, body

    start, body = async_to_sync(scenario)()

    assert start["status"] == 200
    assert body["body"] == b"page"
    assert Recorded.closed_by_handler.is_set()


def _in_thread(respond):
    async def get_response_async(request):
        return await asyncio.to_thread(respond, request)

    return get_response_async


def test_a_request_the_server_cancels_while_it_waits_leaves_no_body_file_open():
    handler = HavenASGIHandler()
    seen = {}
    waiting = threading.Event()
    release = threading.Event()

    def long_poll(request):
        seen["body"] = request._stream
        waiting.set()
        release.wait(timeout=5)
        return Recorded(b"nothing new")

    handler.get_response_async = _in_thread(long_poll)

    async def scenario():
        browser = ApplicationCommunicator(handler, http_scope("/chat/poll"))
        await browser.send_input({"type": "http.request", "body": b'{"after": 3}'})
        while not waiting.is_set():
            await asyncio.sleep(0.01)
        browser.future.cancel()  # the worker shuts down
        with contextlib.suppress(asyncio.CancelledError):
            await browser.future

    async_to_sync(scenario)()
    release.set()

    assert seen["body"].closed
