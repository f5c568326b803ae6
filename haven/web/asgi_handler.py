"""Django's ASGI handler, closing the responses of requests whose client has gone.

Django cancels a request's processing when the client disconnects. If that happens
while the view (or WhiteNoise) is still building the response, the response is built
anyway in its thread and then dropped without `close()`: a static file's handle is left
to the garbage collector and `request_finished` never runs for it. Browsers do this
often — a page navigated away from while its stylesheet loads — so Haven lets the
response finish and closes it.
"""

import asyncio

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

# Closing runs as a task of its own; keep a reference until it is done, or the event
# loop may collect it half-way.
_closing: set[asyncio.Task] = set()


class HavenASGIHandler(ASGIHandler):
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
