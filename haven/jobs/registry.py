"""The functions that jobs may run, by name.

Jobs are plain functions taking keyword arguments; apps register them at import time.
"""

from collections.abc import Callable

_HANDLERS: dict[str, Callable[..., None]] = {}


def job_handler(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(func: Callable[..., None]) -> Callable[..., None]:
        _HANDLERS[name] = func
        return func

    return register


def handler_for(name: str) -> Callable[..., None]:
    return _HANDLERS[name]
