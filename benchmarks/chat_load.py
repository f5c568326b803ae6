"""Benchmark: 200 concurrent web chats, over WebSocket and over the long-poll fallback.

Starts Haven as `haven run --no-worker` starts it (gunicorn with uvicorn workers, the
default polling chat bus) on 127.0.0.1 with a temporary data directory, then, for each
transport in turn:

1. opens `--chats` web chats through the public start page (as children do, each from
   an address of its own: Haven allows only a few chats an hour from one address, so
   the server trusts one proxy and each child sends its own X-Forwarded-For); the
   child's key comes back in the chat cookie, as in a browser;
2. supervisors take them (POST to the take button, as the queue page does), signed in
   with sessions made before the server starts (password and TOTP verified, as after
   the real sign-in);
3. connects both sides — a child and a counsellor per chat — over WebSockets, or over
   the JSON long-poll and send endpoints that chat.js falls back to;
4. for `--seconds`, every child and every counsellor sends a message every
   `--interval` seconds (staggered, open loop), each carrying a unique id;
5. stops sending and waits until every acknowledged message has reached the other side
   (or `--drain` seconds pass).

End-to-end latency runs from just before a message is sent to when the other side
receives it. A message is lost if it was acknowledged (stored) but never arrived at the
other side. Reconnects count WebSockets that closed and were opened again (resuming
after the last message they had).

    .venv/bin/python benchmarks/chat_load.py [--chats 200] [--seconds 30] [--interval 4]
"""

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import haven, postgres_database, start_server, stop_server  # noqa: E402

SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from haven.accounts.models import Organisation, Role, User
org = Organisation.objects.create(name="Bench helpline", slug="bench")
sessions = []
for n in range(SUPERVISORS):
    user = User.objects.create(username=f"bench-sup-{n}", organisation=org, role=Role.SUPERVISOR)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    sessions.append(session.session_key)
print(json.dumps(sessions))
"""
IDS = """
import json
from haven.chat.models import Conversation
print(json.dumps(dict(Conversation.objects.values_list("token_digest", "pk"))))
"""
COUNT = """
import json
from haven.chat.models import ChatMessage
print(json.dumps({"messages": ChatMessage.objects.exclude(sender="system").count()}))
"""


# --- A small asyncio HTTP/1.1 client (keep-alive; enough for Haven's JSON) -------------


class Http:
    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"", headers=None):
        for attempt in range(2):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
                return await self._exchange(method, path, body, headers or {})
            except (OSError, asyncio.IncompleteReadError, ConnectionError):
                await self.close()
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    async def _exchange(self, method, path, body, headers):
        assert self.reader is not None and self.writer is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for name, value in headers.items():
            lines.append(f"{name}: {value}")
        lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        response_headers: dict[str, str] = {}
        while True:
            line = (await self.reader.readline()).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
            response_headers[name] = value
        if response_headers.get("transfer-encoding") == "chunked":
            content = b""
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                content += chunk[:-2]
        else:
            content = await self.reader.readexactly(int(response_headers.get("content-length", 0)))
        if response_headers.get("connection") == "close":
            await self.close()
        return status, response_headers, content

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


# --- Measuring ----------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    chats: int = 0
    sent: int = 0
    acked: int = 0
    received: int = 0
    refused: dict = field(default_factory=dict)
    reconnects: int = 0
    latencies: list = field(default_factory=list)
    seconds: float = 0.0
    pending: dict = field(default_factory=dict)  # id -> time sent, until received
    acked_ids: set = field(default_factory=set)
    received_ids: set = field(default_factory=set)

    @property
    def lost(self) -> int:
        """Stored (acknowledged to the sender) but never seen by the other side."""
        return len(self.acked_ids - self.received_ids)

    def ack(self, marker: str) -> None:
        self.acked += 1
        self.acked_ids.add(marker)

    @property
    def throughput(self) -> float:
        return self.received / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def arrived(self, body: str) -> None:
        marker = body.rsplit(" ", 1)[-1]
        started = self.pending.pop(marker, None)
        if started is not None:
            self.received += 1
            self.received_ids.add(marker)
            self.latencies.append(time.monotonic() - started)


@dataclass
class Chat:
    token: str  # the chat cookie's value
    conversation_id: int = 0
    child_last: int = 0
    staff_last: int = 0
    child_status: str = "waiting"
    staff_status: str = "active"


CSRF = secrets.token_hex(16)  # 32 characters: Django accepts a token the client chose


def csrf_headers(extra=None) -> dict:
    return {"X-CSRFToken": CSRF, **(extra or {})}


# Children do not all press "Start" in the same millisecond: starts and takes are made
# this many at a time (the phases then run with every chat open at once).
STARTING_AT_ONCE = 10


CHAT_COOKIE = "haven_chat"


async def open_chats(port: int, count: int, first: int = 0) -> list[Chat]:
    gate = asyncio.Semaphore(STARTING_AT_ONCE)

    async def one(n: int) -> Chat:
        async with gate:
            return await _start(port, n)

    return list(await asyncio.gather(*(one(first + n) for n in range(count))))


async def _start(port: int, n: int) -> Chat:
    client = Http(port, {"csrftoken": CSRF})
    body = urlencode({"language": "en", "csrfmiddlewaretoken": CSRF}).encode()
    address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256 + 1}"
    status, _headers, _ = await client.request(
        "POST",
        "/chat/",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": address},
    )
    await client.close()
    if status != 302 or CHAT_COOKIE not in client.cookies:
        raise RuntimeError(f"starting a chat answered {status}")
    return Chat(token=client.cookies[CHAT_COOKIE])


async def take_all(port: int, chats: list[Chat], sessions: list[str]) -> None:
    gate = asyncio.Semaphore(STARTING_AT_ONCE)

    async def take(n: int, chat: Chat) -> None:
        async with gate:
            await _take(n, chat)

    async def _take(n: int, chat: Chat) -> None:
        client = Http(port, {"sessionid": sessions[n % len(sessions)], "csrftoken": CSRF})
        status, headers, _ = await client.request(
            "POST", f"/chat/conversations/{chat.conversation_id}/take", b"", csrf_headers()
        )
        await client.close()
        if status != 302 or "/chat/conversations/" not in headers.get("location", ""):
            raise RuntimeError(f"taking chat {chat.conversation_id} answered {status}")

    await asyncio.gather(*(take(n, chat) for n, chat in enumerate(chats)))


async def sender_loop(phase: Phase, send, offset: float, args, stop_at: float) -> None:
    """Send every args.interval seconds on a fixed schedule until stop_at."""
    due = time.monotonic() + offset
    while due < stop_at:
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        marker = uuid.uuid4().hex
        phase.pending[marker] = time.monotonic()
        phase.sent += 1
        await send(f"bench message {marker}", marker)
        due += args.interval


# --- WebSocket transport --------------------------------------------------------------


async def websocket_side(phase, port, chat, side, session, done, delay=0.0):
    if side == "child":
        path = "/chat/room/ws"
        headers = {"Cookie": f"{CHAT_COOKIE}={chat.token}"}
    else:
        path = f"/chat/ws/{chat.conversation_id}"
        headers = {"Cookie": f"sessionid={session}"}
    origin = f"http://127.0.0.1:{port}"
    attr = f"{side}_last"
    state = {"socket": None}
    connected = asyncio.Event()

    async def receive() -> None:
        await asyncio.sleep(delay)
        first = True
        while not done.is_set():
            try:
                async with websockets.connect(
                    f"ws://127.0.0.1:{port}{path}?after={getattr(chat, attr)}",
                    origin=origin,
                    additional_headers=headers,
                    open_timeout=30,
                    max_queue=None,
                ) as ws:
                    if not first:
                        phase.reconnects += 1
                    first = False
                    state["socket"] = ws
                    connected.set()
                    async for raw in ws:
                        frame = json.loads(raw)
                        kind = frame.get("type")
                        if kind == "message":
                            if frame["seq"] > getattr(chat, attr):
                                setattr(chat, attr, frame["seq"])
                                if not frame["mine"] and frame["sender"] != "system":
                                    phase.arrived(frame["body"])
                        elif kind == "ack":
                            phase.ack(frame["client_id"])
                        elif kind == "error":
                            code = frame.get("code")
                            phase.refused[code] = phase.refused.get(code, 0) + 1
                            phase.pending.pop(frame.get("client_id"), None)
            except (OSError, websockets.exceptions.WebSocketException):
                state["socket"] = None
                connected.clear()
                await asyncio.sleep(0.5)

    async def send(body: str, marker: str) -> None:
        while True:
            await connected.wait()
            ws = state["socket"]
            try:
                await ws.send(json.dumps({"type": "message", "body": body, "client_id": marker}))
                return
            except websockets.exceptions.WebSocketException:
                await asyncio.sleep(0.2)  # resent after the reconnect, same client_id

    receiver = asyncio.create_task(receive())
    await asyncio.wait_for(connected.wait(), 60)
    return receiver, send


# --- Long-poll transport --------------------------------------------------------------


async def longpoll_side(phase, port, chat, side, session, done, delay=0.0):
    if side == "child":
        base = "/chat/room"
        cookies = {"csrftoken": CSRF, CHAT_COOKIE: chat.token}
    else:
        base = f"/chat/conversations/{chat.conversation_id}"
        cookies = {"csrftoken": CSRF, "sessionid": session}
    attr = f"{side}_last"
    status_attr = f"{side}_status"
    poller, poster = Http(port, cookies), Http(port, cookies)

    async def receive() -> None:
        await asyncio.sleep(delay)
        while not done.is_set():
            query = urlencode({"after": getattr(chat, attr), "status": getattr(chat, status_attr)})
            try:
                status, _, content = await poller.request("GET", f"{base}/messages?{query}")
            except (OSError, ConnectionError, asyncio.IncompleteReadError):
                await asyncio.sleep(0.5)
                continue
            if status != 200:
                await asyncio.sleep(0.5)
                continue
            try:
                data = json.loads(content)
            except ValueError:
                await asyncio.sleep(0.5)
                continue
            setattr(chat, status_attr, data["status"]["status"])
            for frame in data["messages"]:
                if frame["seq"] > getattr(chat, attr):
                    setattr(chat, attr, frame["seq"])
                    if not frame["mine"] and frame["sender"] != "system":
                        phase.arrived(frame["body"])
        await poller.close()

    async def send(body: str, marker: str) -> None:
        payload = json.dumps({"body": body, "client_id": marker}).encode()
        for _attempt in range(5):
            try:
                status, _, content = await poster.request(
                    "POST",
                    f"{base}/send",
                    payload,
                    csrf_headers({"Content-Type": "application/json"}),
                )
            except (OSError, ConnectionError, asyncio.IncompleteReadError):
                await asyncio.sleep(0.5)
                continue
            try:
                frame = json.loads(content) if content else {}
            except ValueError:
                frame = {}  # an error page
            if status == 200 and frame.get("type") == "ack":
                phase.ack(marker)
            else:
                code = frame.get("code", status)
                phase.refused[code] = phase.refused.get(code, 0) + 1
                phase.pending.pop(marker, None)
            return

    receiver = asyncio.create_task(receive())
    return receiver, send


# --- One phase ------------------------------------------------------------------------


async def run_phase(name, transport, port, sessions, env, args, first=0) -> Phase:
    phase = Phase(name)
    chats = await open_chats(port, args.chats, first)
    ids = json.loads(haven(env, "shell", code=IDS).strip().splitlines()[-1])
    for chat in chats:
        chat.conversation_id = ids[hashlib.sha256(chat.token.encode()).hexdigest()]
    await take_all(port, chats, sessions)
    phase.chats = len(chats)
    done = asyncio.Event()
    count = 2 * len(chats)
    sides = [
        transport(
            phase,
            port,
            chat,
            side,
            sessions[n % len(sessions)],
            done,
            args.ramp * (2 * n + k) / count,
        )
        for n, chat in enumerate(chats)
        for k, side in enumerate(("child", "staff"))
    ]
    connected = await asyncio.gather(*sides)
    # The joined messages arrive (and every client has connected); then the clock starts.
    await asyncio.sleep(1.0 + args.ramp)
    started = time.monotonic()
    stop_at = started + args.seconds
    count = len(connected)
    senders = [
        asyncio.create_task(sender_loop(phase, send, args.interval * index / count, args, stop_at))
        for index, (_receiver, send) in enumerate(connected)
    ]
    await asyncio.gather(*senders)
    drain_until = time.monotonic() + args.drain
    while phase.pending and time.monotonic() < drain_until:
        await asyncio.sleep(0.1)
    phase.seconds = time.monotonic() - started
    done.set()
    for receiver, _send in connected:
        receiver.cancel()
    await asyncio.gather(*(receiver for receiver, _ in connected), return_exceptions=True)
    return phase


# --- The server -----------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def report(phases: list[Phase], args, stored: int, database: str) -> None:
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores ({cpu_model()}), Python "
        f"{platform.python_version()}. Server: `haven run --no-worker`, {args.web_workers} "
        f"gunicorn (uvicorn) processes, {database}, chat bus {args.bus}; load generator on "
        f"the same machine. {args.chats} chats per transport, each side sending every "
        f"{args.interval:g} s for {args.seconds:g} s"
        + (f"; clients opened over {args.ramp:g} s." if args.ramp else "; clients opened at once.")
    )
    print(
        f"{'transport':<11}{'chats':>6}{'sent':>7}{'acked':>7}{'recv':>7}{'lost':>6}"
        f"{'msg/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}{'reconn':>7}  refused"
    )
    for p in phases:
        print(
            f"{p.name:<11}{p.chats:>6}{p.sent:>7}{p.acked:>7}{p.received:>7}{p.lost:>6}"
            f"{p.throughput:>8.1f}{p.pct(0.5):>8.1f}{p.pct(0.99):>8.1f}{p.pct(1.0):>8.1f}"
            f"{p.reconnects:>7}  {p.refused or '-'}"
        )
    acked = sum(p.acked for p in phases)
    print(f"messages stored by the server (not system): {stored}; acknowledged: {acked}")
    if len(phases) == 2:
        ws, lp = phases
        print(
            f"ratio long-poll/websocket: p99 {lp.pct(0.99) / ws.pct(0.99):.1f}x, "
            f"p50 {lp.pct(0.5) / ws.pct(0.5):.1f}x; throughput websocket/long-poll "
            f"{ws.throughput / lp.throughput:.2f}x"
        )
    lost = sum(p.lost for p in phases)
    print("lost messages:", lost, "(target 0)", "MET" if lost == 0 else "NOT MET")


async def run_all(env, sessions, port, args) -> list[Phase]:
    phases = []
    if args.only in (None, "websocket"):
        phases.append(await run_phase("websocket", websocket_side, port, sessions, env, args))
    if args.only in (None, "longpoll"):
        phases.append(
            await run_phase("long-poll", longpoll_side, port, sessions, env, args, args.chats)
        )
    return phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--interval", type=float, default=4.0, help="seconds between sends")
    parser.add_argument("--drain", type=float, default=30.0)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--supervisors", type=int, default=10)
    parser.add_argument("--bus", default="poll", help="poll, or a redis:// URL")
    parser.add_argument(
        "--postgres",
        default="",
        help="a PostgreSQL server URL to run on (a temporary database is made there); "
        "default: SQLite in the temporary data directory",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="override the database's CONN_MAX_AGE (0: a connection per request, as "
        "Django advises under ASGI)",
    )
    parser.add_argument(
        "--pool",
        type=int,
        default=0,
        help="PostgreSQL: use Django's psycopg pool with at most this many connections "
        "per web process (needs psycopg[pool])",
    )
    parser.add_argument("--only", choices=["websocket", "longpoll"])
    parser.add_argument(
        "--ramp",
        type=float,
        default=0.0,
        help="open the clients over this many seconds instead of all at once",
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="haven-bench-chat-"))
    database, drop = f"sqlite:///{data_dir}/bench.sqlite3", None
    if args.postgres:
        database, drop = postgres_database(args.postgres, "haven_bench_chat")
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="haven.settings",
        HAVEN_DATA_DIR=str(data_dir),
        DATABASE_URL=database,
        HAVEN_CHAT_BUS=args.bus,
        HAVEN_LOG_LEVEL="WARNING",
        # Each simulated child comes from an address of its own (X-Forwarded-For).
        HAVEN_TRUSTED_PROXY_COUNT="1",
    )
    if args.conn_max_age is not None or args.pool:
        # A settings module of the benchmark's own, in its temporary directory.
        lines = ["from haven.settings import *  # noqa: F403"]
        if args.conn_max_age is not None:
            lines.append(f"DATABASES['default']['CONN_MAX_AGE'] = {args.conn_max_age}")
        if args.pool:
            # Django's psycopg pool (needs psycopg[pool]): at most --pool connections
            # per web process; a request waits for one instead of failing.
            lines.append(
                "DATABASES['default']['OPTIONS']['pool'] = "
                f"{{'min_size': 2, 'max_size': {args.pool}, 'timeout': 30}}"
            )
        (data_dir / "bench_settings.py").write_text("\n".join(lines) + "\n")
        env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(data_dir), env.get("PYTHONPATH")]))
    server = None
    try:
        haven(env, "migrate", "-v0")
        setup = SETUP.replace("SUPERVISORS", str(args.supervisors))
        sessions = json.loads(haven(env, "shell", code=setup).strip().splitlines()[-1])
        server, port = start_server(
            env, data_dir, ["--no-worker", "--web-workers", str(args.web_workers)]
        )
        try:
            phases = asyncio.run(run_all(env, sessions, port, args))
        except Exception:
            print((data_dir / "server.log").read_text(errors="replace")[-4000:])
            raise
        stored = json.loads(haven(env, "shell", code=COUNT).strip().splitlines()[-1])["messages"]
        if any(500 in phase.refused for phase in phases):
            print("server errors; the end of the server's log:")
            print((data_dir / "server.log").read_text(errors="replace")[-3000:])
        name = "SQLite" if database.startswith("sqlite") else "PostgreSQL"
        if args.conn_max_age is not None:
            name += f" (CONN_MAX_AGE={args.conn_max_age})"
        if args.pool:
            name += f" (pool of {args.pool} per process)"
        report(phases, args, stored, name)
    finally:
        if server is not None:
            stop_server(server)
        if drop is not None:
            drop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
