"""Database calls from the chat's async code: the WebSocket consumers, the bus's
watcher and the long-poll's reads.

They all run on one thread per process of their own, which keeps its database
connection open for as long as it works. Two reasons:

- channels' `database_sync_to_async` closes the connection after every call unless
  CONN_MAX_AGE keeps it, and Haven's SQLite set-up has CONN_MAX_AGE 0: every chat
  message would open a new connection (1.3 ms measured, more than reading the message);
- a long-poll waits up to 20 s. Had it read on its request's thread, it would hold that
  thread's connection all the while: a few hundred waiting phones would exhaust
  PostgreSQL's connections. Here a process uses one, however many chats are open.

Each call is short (one message stored, or the messages after N read), so one thread
keeps up: see docs/benchmarks.md.
"""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import SyncToAsync
from django.db import connections

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="haven-chat-db")


class ChatDatabaseCall(SyncToAsync):
    def __init__(self, func):
        super().__init__(func, thread_sensitive=False, executor=_executor)

    def thread_handler(self, loop, *args, **kwargs):
        drop_broken_connections()
        return super().thread_handler(loop, *args, **kwargs)


def drop_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or connection.in_atomic_block:
            continue
        if connection.errors_occurred:
            if connection.is_usable():
                connection.errors_occurred = False
            else:
                connection.close()


def close_connections() -> None:
    """Close the chat thread's connections (tests, before their database goes)."""
    _executor.submit(connections.close_all).result()


def release_request_connections() -> None:
    """Close this thread's connections unless a transaction is open: called on a
    request's thread before a long-poll waits, so the wait holds no connection."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


database_call = ChatDatabaseCall
