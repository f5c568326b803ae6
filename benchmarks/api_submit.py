"""Benchmark: partner API submissions (metadata plus one image) on SQLite and PostgreSQL.

For each database this starts Haven as `haven run` starts it (gunicorn and a Celery
worker), sends reports from concurrent clients over loopback, waits for the worker to
hash every image, and prints throughput, p50/p99 latency and reports stored versus
sent, side by side, with the PostgreSQL/SQLite ratios.

    .venv/bin/python benchmarks/api_submit.py [--clients 16] [--seconds 20]

Target on the 2-core machine (issue 2): 100+ submissions/s, p99 under 300 ms, none lost.
"""

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
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
from haven.jobs.models import Job
from haven.reports.models import MediaItem, Report
import json
print(json.dumps({"reports": Report.objects.count(),
                  "hashed": MediaItem.objects.filter(status="hashed").count(),
                  "jobs": Job.objects.count()}))
"""


@dataclass
class Result:
    name: str
    sent: int = 0
    ok: int = 0
    errors: dict = field(default_factory=dict)
    latencies: list = field(default_factory=list)
    seconds: float = 0.0
    stored: int = 0
    hashed: int = 0
    drain_seconds: float = 0.0

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def haven(env, *args, code=None) -> str:
    cmd = [str(BIN / "haven"), *args] + (["-c", code] if code else [])
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout


def multipart(image: bytes, external_id: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    fields = {
        "category": "sexual_imagery",
        "description": "benchmark report",
        "platform": "BenchSocial",
        "external_id": external_id,
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


def client(port, token, images, stop_at, result, lock, worker_id):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = 0
    while time.monotonic() < stop_at:
        body, ctype = multipart(images[n % len(images)], f"w{worker_id}-{n}")
        n += 1
        started = time.monotonic()
        try:
            conn.request(
                "POST",
                "/api/v1/reports/",
                body,
                {"Authorization": f"Bearer {token}", "Content-Type": ctype},
            )
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = time.monotonic() - started
        with lock:
            result.sent += 1
            if status == 201:
                result.ok += 1
                result.latencies.append(elapsed)
            else:
                result.errors[status] = result.errors.get(status, 0) + 1
    conn.close()


def wait_ready(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def run_one(name, database_url, args) -> Result:
    data_dir = Path(tempfile.mkdtemp(prefix=f"haven-bench-{name}-"))
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="haven.settings",
        HAVEN_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        HAVEN_API_RATE_PER_MINUTE="1000000",
        HAVEN_LOG_LEVEL="WARNING",
    )
    env.pop("CELERY_BROKER_URL", None)
    if name == "postgres" and args.broker:
        env["CELERY_BROKER_URL"] = args.broker
    haven(env, "migrate", "-v0")
    token = haven(env, "shell", code=SETUP).strip().splitlines()[-1]
    port = free_port()
    log = (data_dir / "server.log").open("wb")
    server = subprocess.Popen(
        [
            str(BIN / "haven"),
            "run",
            "--port",
            str(port),
            "--web-workers",
            str(args.web_workers),
            "--worker-processes",
            str(args.worker_processes),
            "--web-threads",
            str(args.web_threads),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    result = Result(name)
    try:
        try:
            wait_ready(port)
        except RuntimeError:
            print((data_dir / "server.log").read_text(errors="replace")[-3000:])
            raise
        images = [synthetic_jpeg(seed) for seed in range(50)]
        lock = threading.Lock()
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = [
            threading.Thread(target=client, args=(port, token, images, stop_at, result, lock, i))
            for i in range(args.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        result.seconds = time.monotonic() - started
        drain_started = time.monotonic()
        while True:
            counts = json.loads(haven(env, "shell", code=COUNT).strip().splitlines()[-1])
            if counts["jobs"] == 0 or time.monotonic() - drain_started > args.drain_timeout:
                break
            time.sleep(1)
        result.drain_seconds = time.monotonic() - drain_started
        result.stored, result.hashed = counts["reports"], counts["hashed"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(data_dir, ignore_errors=True)
    return result


def postgres_database(base_url: str) -> tuple[str, callable]:
    import psycopg

    name = f"haven_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(base_url, autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")

    def drop():
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()

    return base_url.rsplit("/", 1)[0] + "/" + name, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--web-threads", type=int, default=4)
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

    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {args.clients} clients for {args.seconds:.0f} s, "
        f"{args.web_workers} web workers, 1 hashing worker"
    )
    header = (
        f"{'database':<10}{'sent':>7}{'ok':>7}{'stored':>8}{'hashed':>8}{'lost':>6}"
        f"{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'drain s':>9}  errors"
    )
    print(header)
    for r in results:
        print(
            f"{r.name:<10}{r.sent:>7}{r.ok:>7}{r.stored:>8}{r.hashed:>8}{r.ok - r.stored:>6}"
            f"{r.throughput:>9.1f}{r.pct(0.5):>9.1f}{r.pct(0.99):>9.1f}{r.drain_seconds:>9.1f}"
            f"  {r.errors or '-'}"
        )
    if len(results) == 2:
        sqlite, pg = results
        print(
            f"ratio postgres/sqlite: throughput {pg.throughput / sqlite.throughput:.2f}x, "
            f"p99 {pg.pct(0.99) / sqlite.pct(0.99):.2f}x"
        )
    for r in results:
        met = r.throughput >= 100 and r.pct(0.99) < 300 and r.ok == r.stored == r.hashed
        print(f"{r.name}: target (>=100/s, p99<300 ms, none lost) {'MET' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
