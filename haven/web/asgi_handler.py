"""Django's ASGI handler, closing what a request opened however it ends.

Django cancels a request's processing when the client disconnects. If that happens
while the view (or WhiteNoise) is still building the response, the response is built
anyway in its thread and then dropped without `close()`: a static file's handle is left
to the garbage collector and `request_finished` never runs for it. Browsers do this
often — a page navigated away from while its stylesheet loads — so Haven lets the
response finish and closes it.

And when the server cancels a request outright (a long-poll still waiting when a worker
shuts down), Django never closes the request's body file; Haven does.
"""

import asyncio
from contextvars import ContextVar

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

# Closing runs as a task of its own; keep a reference until it is done, or the event
# loop may collect it half-way.
_closing: set[asyncio.Task] = set()
# The request's body file, read in the request's own task (coroutines awaited directly
# share their task's context).
_body = ContextVar("haven_asgi_request_body", default=None)


class HavenASGIHandler(ASGIHandler):
    async def handle(self, scope, receive, send):
        try:
            await super().handle(scope, receive, send)
        finally:
            body = _body.get()
            if body is not None:
                body.close()  # closing twice is harmless
                _body.set(None)

    async def read_body(self, receive):
        body = await super().read_body(receive)
        _body.set(body)
        return body

    async def run_get_response(self, request):
        building = asyncio.ensure_future(super().run_get_response(request))
        try:
            return await asyncio.shield(building)
        except asyncio.CancelledError:
            building.add_done_callback(_close_abandoned)
            raise


def _close_abandoned(building: asyncio.Future) -> None:
    if building.cancelled() or building.exception() is not None:
        return
    task = asyncio.ensure_future(sync_to_async(building.result().close)())
    _closing.add(task)
    task.add_done_callback(_closing.discard)
