"""The functions that jobs may run, by name.

Jobs are plain functions taking keyword arguments; apps register them at import time.
"""

from collections.abc import Callable

DEFAULT_QUEUE = "celery"
# Matching jobs need the PDQ index in memory: they go to a queue that dedicated matcher
# processes can serve (see `haven run --matcher-processes`).
MATCH_QUEUE = "match"

_HANDLERS: dict[str, Callable[..., None]] = {}
_QUEUES: dict[str, str] = {}


def job_handler(
    name: str, queue: str = DEFAULT_QUEUE
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(func: Callable[..., None]) -> Callable[..., None]:
        _HANDLERS[name] = func
        _QUEUES[name] = queue
        return func

    return register


def handler_for(name: str) -> Callable[..., None]:
    return _HANDLERS[name]


def queue_for(name: str) -> str:
    return _QUEUES.get(name, DEFAULT_QUEUE)
