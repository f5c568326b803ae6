"""Benchmark: access policy decisions, in process and over HTTP, side by side.

Starts Haven as `haven run --no-worker` starts it (gunicorn with uvicorn workers) on
127.0.0.1 with a temporary data directory and database, seeded with an organisation, an
administrator's token (a school's own system), a policy chain (the organisation's
policy, a school's and a family's, with adjustments) and child profiles. Then, in one
run:

  (a) in process: `haven.access.service.decide` with descriptors, known profiles;
  (b) in process: the same with text to analyse (inline profiles);
  (c) HTTP: POST /api/v1/access/decisions/ with descriptors, one client, back to back;
      then with `--clients` concurrent clients; and with text, one client;
  (d) HTTP: POST /api/v1/access/decisions/batch/ with `--batch-size` items
      (per-decision time = request time / items);
  and, as the floor under any HTTP call, GET /healthz (no token, no database).

Every request carries a content reference, so decisions that hold something back also
look for an adult's approval (the third query). The in-process phases run in a
`haven shell` of their own, with the server's settings and database. Latency is from
just before a request is sent to when its whole answer has been read; the load
generator runs on the same machine. Last, "where the time goes" sends 1,000 single
decisions through Haven's ASGI application in process and times each stage (database
connection, token, rate limit, profile, approval, decision, rendering, the rest).
Target (issue 6): p99 under 5 ms per decision.

    .venv/bin/python benchmarks/access_decisions.py [--requests 3000] [--only sqlite]
        [--clients 4] [--batch-size 100] [--batches 100] [--conn-max-age N] [--pool N]
"""

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import haven, postgres_database, start_server, stop_server

TARGET_MS = 5.0

# Content a platform describes: the common cases, from nothing restricted to locked.
DESCRIPTOR_SETS = [
    {"violence": "realistic_intense"},
    {"sexual": "education"},
    {"gore": "mild", "horror": "intense"},
    {"self_harm": "recovery_support"},
    {"drugs": "references", "profanity": "strong"},
    {"contact_strangers": "unmoderated"},
    {},
    {"nudity": "artistic"},
    {"gambling": "simulated"},
    {"hate": "discussed_critically"},
    {"sexual": "explicit"},
    {"location_sharing": "approximate", "purchases": "in_app"},
    {"violence": "fantasy_intense", "profanity": "mild"},
    {"self_harm": "discussed"},
]
CONTEXTS = ["home", "school", "home", "educational", "home", "supervised"]

# Messages a chat or a parental tool sends for analysis (synthetic, written for this).
TEXTS = [
    "see you at practice tomorrow, bring the blue kit and a water bottle",
    "that film last night was so scary, I could not sleep after the ending",
    "you are such a loser, nobody wants you in our group, just leave",
    "I have been feeling really low and I want to hurt myself tonight",
    "how old are you? you seem mature. don't tell your parents about us, it's our secret",
    "our history project is on the civil rights movement and the speeches of the time",
    "can you send me the homework for maths? I missed the class on fractions. " * 8,
    "the recovery group helped me a lot, there is a helpline you can call any time",
    "add me on snapchat, delete this chat, I'll buy you a new phone if you meet me",
    "we are going to the beach on saturday if the weather stays nice, want to come?" * 20,
]

SETUP = """
import json
from haven.access.access import organisation_policy
from haven.access.compiled import bump_version
from haven.access.models import ChildProfile, Policy, PolicyRule
from haven.accounts.models import Organisation, Role, User
from haven.api.models import ApiToken
org = Organisation.objects.create(name="Bench", slug="bench", country="GB")
user = User.objects.create(username="bench-school", organisation=org, role=Role.ADMIN)
token = ApiToken.issue(user, "bench")[1]
top = organisation_policy(org)
school = Policy.objects.create(organisation=org, kind="school", name="Bench School",
                               parent=top, adult_label="your teacher")
family = Policy.objects.create(organisation=org, kind="family", name="Bench family",
                               parent=top, adult_label="Mum or Dad")
cells = [(top, "horror", "mild", "6-9", "warn"), (school, "gore", "mild", "10-12", "warn"),
         (school, "violence", "realistic_mild", "13-15", "allow_with_guidance"),
         (family, "profanity", "mild", "10-12", "warn"),
         (family, "gambling", "simulated", "13-15", "restrict")]
for policy, descriptor, level, band, action in cells:
    PolicyRule.objects.create(policy=policy, descriptor=descriptor, level=level,
                              age_band=band, action=action)
for policy in (top, school, family):
    bump_version(policy)
profiles = []
for n in range(20):
    child = ChildProfile.objects.create(
        organisation=org, policy=school if n % 2 else family, label=f"child {n}",
        birth_year=2008 + n % 12, birth_month=1 + n % 12,
        vulnerabilities=["self_harm_risk"] if n % 5 == 0 else [],
        monitored_by="school" if n % 2 else "parent")
    profiles.append(child.public_id)
print(json.dumps({"token": token, "profiles": profiles, "school": school.public_id}))
"""

# Run in `haven shell`: times service.decide over the workload and prints the latencies.
IN_PROCESS = """
import json, time
from haven.accounts.models import Organisation
from haven.access import service
args = json.loads(open(PLAN).read())
org = Organisation.objects.get(slug="bench")
def run(requests):
    times = []
    for body in requests:
        started = time.perf_counter()
        service.decide_request(org, body)
        times.append(time.perf_counter() - started)
    return times
run(args["warm"])
print(json.dumps({name: run(requests) for name, requests in args["phases"].items()}))
"""


# Run in `haven shell`: the same single decisions through Haven's ASGI application in
# process (as uvicorn calls it, without the server and the network), with the stages of
# a request timed by wrapping the functions that do them. Prints ms per request.
STAGES = """
import asyncio, json, time
from django.db import connections
from django.db.backends import utils
from haven.access import api_views, service, unblocking
from haven.api import auth, throttling
from haven.asgi import application
from rest_framework import renderers
args = json.loads(open(PLAN).read())
spent = {}
def timed(owner, name, label):
    inner = getattr(owner, name)
    def wrapper(*a, **k):
        started = time.perf_counter()
        try:
            return inner(*a, **k)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - started
            spent[label + " calls"] = spent.get(label + " calls", 0) + 1
    setattr(owner, name, wrapper)
timed(auth.TokenAuthentication, "authenticate", "auth")
timed(throttling.TokenRateThrottle, "allow_request", "throttle")
timed(api_views.DecisionView, "post", "view")
timed(service, "child_in", "profile")
timed(unblocking, "approved_request", "approval")
timed(renderers.JSONRenderer, "render", "render")
timed(type(connections["default"]), "connect", "connect")
timed(utils.CursorWrapper, "execute", "queries")
async def call(method, path, body=b""):
    headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
               (b"authorization", ("Bearer " + args["token"]).encode()),
               (b"content-length", str(len(body)).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "path": path, "raw_path": path.encode(), "root_path": "",
             "query_string": b"", "headers": headers, "scheme": "http",
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 50000)}
    messages, sent = [{"type": "http.request", "body": body, "more_body": False}], []
    async def receive():
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # no disconnect: the answer is read whole
    async def send(message):
        sent.append(message)
    await application(scope, receive, send)
    assert sent[0]["status"] == 200, sent
async def run(method, path, bodies):
    started = time.perf_counter()
    for body in bodies:
        await call(method, path, body)
    return time.perf_counter() - started
async def main():
    bodies = [body.encode() for body in args["bodies"]]
    await run("POST", "/api/v1/access/decisions/", [b.encode() for b in args["warm"]])
    spent.clear()
    total = await run("POST", "/api/v1/access/decisions/", bodies)
    counts = dict(spent)
    robots = await run("GET", "/robots.txt", [b""] * len(bodies))
    spent.clear()
    healthz = await run("GET", "/healthz", [b""] * len(bodies))
    counts.update(total=total, robots=robots, healthz=healthz)
    return counts
n = len(args["bodies"])
counts = asyncio.run(main())
print(json.dumps({k: v / n if k.endswith(" calls") else v * 1000 / n for k, v in counts.items()}))
"""


def decision(n: int, profiles: list[str], text: bool = False) -> dict:
    """The n-th request of the workload: known profiles and descriptors, or (text) an
    inline profile and a message to analyse."""
    content: dict = {"ref": f"https://video.example/watch/{n % 500}"}
    if text:
        content["text"] = TEXTS[n % len(TEXTS)]
        profile: dict = {"age": 8 + n % 10, "monitored_by": "parent"}
    else:
        content["descriptors"] = DESCRIPTOR_SETS[n % len(DESCRIPTOR_SETS)]
        profile = {"id": profiles[n % len(profiles)]}
    return {"profile": profile, "context": CONTEXTS[n % len(CONTEXTS)], "content": content}


@dataclass
class Phase:
    name: str
    per_request: int = 1  # decisions per request (a batch's size)
    latencies: list = field(default_factory=list)  # seconds per request
    errors: dict = field(default_factory=dict)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status, elapsed: float) -> None:
        with self.lock:
            if status == 200:
                self.latencies.append(elapsed)
            else:
                self.errors[status] = self.errors.get(status, 0) + 1

    def pct(self, q: float) -> float:
        """Milliseconds per decision at quantile q."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 / self.per_request

    @property
    def mean(self) -> float:
        return statistics.fmean(self.latencies) * 1000 / self.per_request

    @property
    def rate(self) -> float:
        """Decisions a second."""
        busy = self.seconds or sum(self.latencies)
        return len(self.latencies) * self.per_request / busy if busy else 0.0


class Client:
    """One keep-alive connection."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(self, method: str, path: str, body: bytes | None = None):
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        try:
            started = time.perf_counter()
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            response.read()
            return response.status, time.perf_counter() - started
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return type(exc).__name__, 0.0


def http_phase(phase: Phase, port, token, method, path, bodies, clients: int = 1) -> Phase:
    """Send `bodies` (in order, shared out) from `clients` connections, back to back."""
    position = iter(range(len(bodies)))
    lock = threading.Lock()

    def loop() -> None:
        client = Client(port, token)
        while True:
            with lock:
                n = next(position, None)
            if n is None:
                return
            status, elapsed = client.send(method, path, bodies[n])
            phase.add(status, elapsed)

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.monotonic() - started
    return phase


def run_one(name: str, database: str, args) -> tuple[list[Phase], dict]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"haven-bench-access-{name}-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="haven.settings",
               HAVEN_DATA_DIR=str(data_dir), DATABASE_URL=database,
               HAVEN_API_RATE_PER_MINUTE="100000000", HAVEN_LOG_LEVEL="WARNING")  # fmt: skip
    settings = ["from haven.settings import *  # noqa: F403"]
    if args.conn_max_age is not None:
        settings.append(f"DATABASES['default']['CONN_MAX_AGE'] = {args.conn_max_age}")
    if args.pool and name == "postgres":
        settings.append("DATABASES['default']['OPTIONS']['pool'] = "
                        f"{{'min_size': 2, 'max_size': {args.pool}, 'timeout': 30}}")  # fmt: skip
    if len(settings) > 1:
        # A settings module of the benchmark's own, in its temporary directory.
        (data_dir / "bench_settings.py").write_text("\n".join(settings) + "\n")
        env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(data_dir), env.get("PYTHONPATH")]))
    server = None
    try:
        haven(env, "migrate", "-v0")
        seeded = json.loads(haven(env, "shell", code=SETUP).strip().splitlines()[-1])
        token, profiles = seeded["token"], seeded["profiles"]
        n = args.requests
        phases = in_process(env, data_dir, profiles, args)
        stages = where_the_time_goes(env, data_dir, token, profiles)
        server, port = start_server(
            env, data_dir, ["--no-worker", "--web-workers", str(args.web_workers)]
        )

        def bodies(count: int, text: bool = False, offset: int = 0) -> list[bytes]:
            return [json.dumps(decision(offset + i, profiles, text)).encode() for i in range(count)]

        size = args.batch_size
        batches = [
            json.dumps({"items": [decision(b * size + i, profiles) for i in range(size)]}).encode()
            for b in range(max(args.batches, 1))
        ]
        single = "/api/v1/access/decisions/"
        # Warm up every server process: imports, compiled policies, connections.
        http_phase(Phase("warm"), port, token, "POST", single, bodies(400), clients=8)
        http_phase(Phase("warm"), port, token, "POST", single, bodies(100, text=True), clients=8)
        http_phase(Phase("warm"), port, token, "POST", single + "batch/", batches[:4], clients=4)
        phases += [
            http_phase(Phase("HTTP GET /healthz (floor)"), port, token, "GET", "/healthz",
                       [None] * n),
            http_phase(Phase("HTTP single, 1 client"), port, token, "POST", single, bodies(n)),
            http_phase(Phase(f"HTTP single, {args.clients} clients"), port, token, "POST",
                       single, bodies(n, offset=n), clients=args.clients),
            http_phase(Phase("HTTP single with text, 1 client"), port, token, "POST", single,
                       bodies(n, text=True)),
            http_phase(Phase(f"HTTP batch of {size}, 1 client", per_request=size), port,
                       token, "POST", single + "batch/", batches),
        ]  # fmt: skip
        errors = [phase for phase in phases if phase.errors]
        if errors:
            print("errors:", {phase.name: phase.errors for phase in errors})
            print((data_dir / "server.log").read_text(errors="replace")[-3000:])
        return phases, stages
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(data_dir, ignore_errors=True)


def in_process(env, data_dir: Path, profiles: list[str], args) -> list[Phase]:
    n = args.requests
    plan = {
        "warm": [decision(i, profiles) for i in range(300)]
        + [decision(i, profiles, text=True) for i in range(100)],
        "phases": {
            "in process, descriptors": [decision(i, profiles) for i in range(n)],
            "in process, text": [decision(i, profiles, text=True) for i in range(n)],
        },
    }
    # Through a file: the plan is too long for one command-line argument.
    plan_file = data_dir / "plan.json"
    plan_file.write_text(json.dumps(plan))
    code = IN_PROCESS.replace("PLAN", repr(str(plan_file)))
    timings = json.loads(haven(env, "shell", code=code).strip().splitlines()[-1])
    return [Phase(name, latencies=times) for name, times in timings.items()]


def where_the_time_goes(env, data_dir: Path, token: str, profiles: list[str]) -> dict:
    plan = {
        "token": token,
        "warm": [json.dumps(decision(i, profiles)) for i in range(300)],
        "bodies": [json.dumps(decision(i, profiles)) for i in range(1000)],
    }
    plan_file = data_dir / "stages.json"
    plan_file.write_text(json.dumps(plan))
    code = STAGES.replace("PLAN", repr(str(plan_file)))
    return json.loads(haven(env, "shell", code=code).strip().splitlines()[-1])


def report_stages(stages: dict) -> None:
    def get(key: str) -> float:
        return stages.get(key, 0.0)

    # The connection is opened by the first query, the token's, so it is inside "auth".
    view, connect = get("view"), get("connect")
    counted = get("auth") + get("throttle") + view + get("render")
    print(
        "where the time goes: one decision through Haven's ASGI application in process "
        f"(no server, no network), mean ms; {get('queries calls'):.2f} queries a decision, "
        f"{get('queries'):.2f} ms of them in the database driver:"
    )
    for label, value in [
        ("database connection (one per request)", connect),
        ("token authentication (1 query)", get("auth") - connect),
        ("rate limit (cache add + incr)", get("throttle")),
        ("profile with its policies (1 query)", get("profile")),
        ("adult's approval (1 query, if held back)", get("approval")),
        ("decision: checks, engine, explanations", view - get("profile") - get("approval")),
        ("JSON rendering", get("render")),
        ("ASGI handler, middleware, DRF, parsing", get("total") - counted),
        ("request total", get("total")),
        ("GET /robots.txt (no database), for comparison", get("robots")),
        ("GET /healthz (connection, SELECT 1)", get("healthz")),
    ]:
        print(f"  {label:<46}{value:>7.2f}")


def report(name: str, phases: list[Phase], stages: dict, args) -> None:
    print(f"\n{name}")
    print(f"{'phase':<34}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'mean ms':>9}"
          f"{'decisions/s':>13}")  # fmt: skip
    for phase in phases:
        count = len(phase.latencies) * phase.per_request
        print(
            f"{phase.name:<34}{count:>7}{phase.pct(0.5):>9.2f}{phase.pct(0.95):>9.2f}"
            f"{phase.pct(0.99):>9.2f}{phase.mean:>9.2f}{phase.rate:>13.0f}"
        )

    def named(prefix: str) -> Phase:
        return next(phase for phase in phases if phase.name.startswith(prefix))

    descriptors, text = named("in process, descriptors"), named("in process, text")
    single, batch = named("HTTP single, 1 client"), named("HTTP batch")
    concurrent = named(f"HTTP single, {args.clients} clients")
    print("ratios (p50 / p99):")
    for label, top, bottom in [
        ("HTTP single / in process", single, descriptors),
        ("HTTP single / HTTP batch per decision", single, batch),
        ("HTTP batch per decision / in process", batch, descriptors),
        (f"HTTP {args.clients} clients / 1 client", concurrent, single),
        ("in process text / descriptors", text, descriptors),
    ]:
        print(
            f"  {label:<40}{top.pct(0.5) / bottom.pct(0.5):>7.1f}x"
            f"{top.pct(0.99) / bottom.pct(0.99):>7.1f}x"
        )
    report_stages(stages)
    for phase in (single, concurrent, batch):
        verdict = "MET" if phase.pct(0.99) < TARGET_MS else "NOT MET"
        print(f"target p99 < {TARGET_MS:.0f} ms per decision, {phase.name}: {verdict}")


def _variant(args, extra: str = "") -> str:
    age = f"CONN_MAX_AGE={args.conn_max_age}" if args.conn_max_age is not None else ""
    found = ", ".join(filter(None, [age, extra.lstrip(", ")]))
    return f" ({found})" if found else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="decisions per phase")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--batches", type=int, default=100, help="batch requests")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument(
        "--pool",
        type=int,
        default=0,
        help="PostgreSQL: Django's psycopg pool of at most this many connections per web "
        "process (default: a connection per request, as Haven is configured)",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="keep database connections this many seconds (Haven's default: 0). Under "
        "ASGI each request has a thread, so on PostgreSQL this runs out of connections",
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()

    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}. Server: {args.web_workers} gunicorn (uvicorn) "
        f"processes; load generator on the same machine; {args.requests} decisions a phase."
    )
    # A shared machine: other work running at the same time shows in the tail.
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if args.only in (None, "sqlite"):
        sqlite_dir = tempfile.mkdtemp(prefix="haven-bench-db-")
        phases, stages = run_one("sqlite", f"sqlite:///{sqlite_dir}/bench.sqlite3", args)
        shutil.rmtree(sqlite_dir, ignore_errors=True)
        report("SQLite" + _variant(args), phases, stages, args)
    if args.only in (None, "postgres"):
        url, drop = postgres_database(args.postgres)
        try:
            phases, stages = run_one("postgres", url, args)
        finally:
            drop()
        label = f", pool of {args.pool} per process" if args.pool else ""
        report("PostgreSQL" + _variant(args, label), phases, stages, args)
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
