"""Benchmark: partner API submissions (metadata plus one image) on SQLite and PostgreSQL.

For each database this starts Haven as `haven run` starts it (gunicorn and a Celery
worker), then runs two phases against it over loopback:

1. target rate: submissions arrive at `--rate` per second on a fixed schedule (open
   loop), for `--seconds`, while the worker hashes them; latency is measured from each
   request's scheduled start, so a slow server cannot hide its queueing by slowing the
   clients down;
2. capacity: after the worker has caught up, `--clients` clients send back to back for
   `--seconds`; the throughput is the most the web tier accepts.

It then waits for the worker to hash every image and counts reports stored and hashed
against those acknowledged. Results are printed side by side with PostgreSQL/SQLite
ratios. Target on the 2-core machine (issue 2): 100+ submissions/s, p99 under 300 ms,
none lost.

    .venv/bin/python benchmarks/api_submit.py [--seconds 20] [--clients 16] [--rate 100]
"""

import argparse
import http.client
import json
import os
import platform
import queue
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import haven, postgres_database, start_server, stop_server  # noqa: E402

sys.path.insert(0, str(ROOT))

from haven.demo.synthetic import synthetic_jpeg  # noqa: E402

SETUP = """
from haven.accounts.models import Organisation, Role, User
from haven.api.models import ApiToken
org = Organisation.objects.create(name="Bench", slug="bench")
user = User.objects.create(username="bench-partner", organisation=org, role=Role.PARTNER)
print(ApiToken.issue(user, "bench")[1])
"""
COUNT = """
import json
from haven.jobs.models import Job
from haven.reports.models import MediaItem, Report
print(json.dumps({"reports": Report.objects.count(),
                  "hashed": MediaItem.objects.filter(status="hashed").count(),
                  "jobs": Job.objects.count()}))
"""


@dataclass
class Phase:
    sent: int = 0
    ok: int = 0
    errors: dict = field(default_factory=dict)
    latencies: list = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def add(self, status, elapsed: float) -> None:
        with self.lock:
            self.sent += 1
            if status == 201:
                self.ok += 1
                self.latencies.append(elapsed)
            else:
                self.errors[status] = self.errors.get(status, 0) + 1


@dataclass
class Result:
    name: str
    capacity: Phase
    steady: Phase
    warm: Phase
    stored: int = 0
    hashed: int = 0
    drain_seconds: float = 0.0

    @property
    def acknowledged(self) -> int:
        return self.warm.ok + self.capacity.ok + self.steady.ok

    @property
    def met(self) -> bool:
        return (
            self.capacity.throughput >= 100
            and self.steady.pct(0.99) < 300
            and self.acknowledged == self.stored == self.hashed
        )


def multipart(image: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    fields = {
        "category": "sexual_imagery",
        "description": "benchmark report",
        "platform": "BenchSocial",
        "urls": "https://example.com/bench",
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="b.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + image
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Sender:
    """One keep-alive connection that posts prepared reports."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def post(self, body: bytes, ctype: str):
        try:
            headers = {"Authorization": f"Bearer {self.token}", "Content-Type": ctype}
            self.conn.request("POST", "/api/v1/reports/", body, headers)
            response = self.conn.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return type(exc).__name__


def run_capacity(port, token, bodies, args) -> Phase:
    phase = Phase()
    stop_at = time.monotonic() + args.seconds

    def loop(offset: int) -> None:
        sender, n = Sender(port, token), offset
        while time.monotonic() < stop_at:
            body, ctype = bodies[n % len(bodies)]
            n += 1
            started = time.monotonic()
            status = sender.post(body, ctype)
            phase.add(status, time.monotonic() - started)

    started = time.monotonic()
    _run_threads([lambda i=i: loop(i * 7) for i in range(args.clients)])
    phase.seconds = time.monotonic() - started
    return phase


def run_steady(port, token, bodies, args) -> Phase:
    phase = Phase()
    total = int(args.rate * args.seconds)
    start = time.monotonic() + 0.2
    schedule: queue.Queue = queue.Queue()
    for n in range(total):
        schedule.put((start + n / args.rate, n))

    def loop() -> None:
        sender = Sender(port, token)
        while True:
            try:
                due, n = schedule.get_nowait()
            except queue.Empty:
                return
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            body, ctype = bodies[n % len(bodies)]
            status = sender.post(body, ctype)
            # Measured from when the request was due, not when a client got to it.
            phase.add(status, time.monotonic() - due)

    _run_threads([loop for _ in range(args.steady_connections)])
    phase.seconds = time.monotonic() - start
    return phase


def _run_threads(targets: list[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def run_one(name, database_url, args) -> Result:
    data_dir = Path(tempfile.mkdtemp(prefix=f"haven-bench-{name}-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="haven.settings",
               HAVEN_DATA_DIR=str(data_dir), DATABASE_URL=database_url,
               HAVEN_API_RATE_PER_MINUTE="1000000", HAVEN_LOG_LEVEL="WARNING")  # fmt: skip
    env.pop("CELERY_BROKER_URL", None)
    if name == "postgres" and args.broker:
        # The scaled-out set-up of docs/operations.md: Redis as broker and shared cache.
        env["CELERY_BROKER_URL"] = args.broker
        env["HAVEN_CACHE_URL"] = args.broker.rsplit("/", 1)[0] + "/1"
    haven(env, "migrate", "-v0")
    token = haven(env, "shell", code=SETUP).strip().splitlines()[-1]
    bodies = [multipart(synthetic_jpeg(seed)) for seed in range(50)]
    server, port = start_server(
        env,
        data_dir,
        ["--web-workers", str(args.web_workers), "--worker-processes", str(args.worker_processes)],
    )
    try:
        # Warm up: the first requests in each server process import and cache things.
        warm = run_capacity(port, token, bodies, argparse.Namespace(seconds=3, clients=8))
        wait_drained(env, args)
        steady = run_steady(port, token, bodies, args)
        wait_drained(env, args)
        capacity = run_capacity(port, token, bodies, args)
        result = Result(name, capacity, steady, warm)
        result.drain_seconds, counts = wait_drained(env, args)
        result.stored, result.hashed = counts["reports"], counts["hashed"]
    finally:
        stop_server(server)
        shutil.rmtree(data_dir, ignore_errors=True)
    return result


def wait_drained(env, args) -> tuple[float, dict]:
    """Wait until the worker has hashed everything; returns the wait and the counts."""
    started = time.monotonic()
    while True:
        counts = json.loads(haven(env, "shell", code=COUNT).strip().splitlines()[-1])
        if counts["jobs"] == 0 or time.monotonic() - started > args.drain_timeout:
            return time.monotonic() - started, counts
        time.sleep(1)


def report(results: list[Result], args) -> None:
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}. Server: {args.web_workers} gunicorn (uvicorn) "
        f"processes, {args.worker_processes} solo hashing worker(s); "
        f"load generator on the same machine. {args.seconds:.0f} s per phase."
    )
    print(f"{'database':<10}{'capacity/s':>11}{'rate/s':>8}{'p50 ms':>8}{'p99 ms':>8}"
          f"{'acked':>7}{'stored':>8}{'hashed':>8}{'lost':>6}{'drain s':>9}  errors")  # fmt: skip
    for r in results:
        errors = {**r.capacity.errors, **r.steady.errors} or "-"
        print(
            f"{r.name:<10}{r.capacity.throughput:>11.1f}{r.steady.throughput:>8.1f}"
            f"{r.steady.pct(0.5):>8.1f}{r.steady.pct(0.99):>8.1f}{r.acknowledged:>7}"
            f"{r.stored:>8}{r.hashed:>8}{r.acknowledged - r.stored:>6}"
            f"{r.drain_seconds:>9.1f}  {errors}"
        )
    for r in results:
        print(
            f"  {r.name}: at capacity ({args.clients} clients back to back) p50 "
            f"{r.capacity.pct(0.5):.0f} ms, p99 {r.capacity.pct(0.99):.0f} ms"
        )
    if len(results) == 2:
        sqlite, pg = results
        capacity = pg.capacity.throughput / sqlite.capacity.throughput
        p99 = pg.steady.pct(0.99) / sqlite.steady.pct(0.99)
        print(
            f"ratio postgres/sqlite: capacity {capacity:.2f}x, p99 at {args.rate:.0f}/s {p99:.2f}x"
        )
    for r in results:
        verdict = "MET" if r.met else "NOT MET"
        print(f"{r.name}: target (>=100/s, p99 < 300 ms at {args.rate:.0f}/s, none lost) {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16, help="capacity phase clients")
    parser.add_argument("--rate", type=float, default=100, help="steady phase arrivals/s")
    parser.add_argument("--steady-connections", type=int, default=32)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--worker-processes", type=int, default=1)
    parser.add_argument("--drain-timeout", type=float, default=180)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument(
        "--broker",
        default="redis://127.0.0.1:6379/0",
        help="Celery broker for the PostgreSQL run ('' for the embedded one)",
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()

    results = []
    if args.only in (None, "sqlite"):
        sqlite_dir = tempfile.mkdtemp(prefix="haven-bench-db-")
        results.append(run_one("sqlite", f"sqlite:///{sqlite_dir}/bench.sqlite3", args))
        shutil.rmtree(sqlite_dir, ignore_errors=True)
    if args.only in (None, "postgres"):
        url, drop = postgres_database(args.postgres)
        try:
            results.append(run_one("postgres", url, args))
        finally:
            drop()
    report(results, args)


if __name__ == "__main__":
    main()
