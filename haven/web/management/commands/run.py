"""`haven run`: migrate, optionally seed the demo, then run web server and worker together.

One command for one machine. At scale, run gunicorn (`haven.asgi:application` with
`-k haven.web.worker.HavenWorker`) and `celery -A haven worker` as separate services
instead (see docs/operations.md).
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start Haven: web server and background worker together."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="seed the demo organisation")
        parser.add_argument("--host", default=os.environ.get("HAVEN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("HAVEN_PORT", "8000")))
        parser.add_argument("--web-workers", type=int, default=3, help="web server processes")
        parser.add_argument(
            "--worker-processes",
            type=int,
            default=1,
            help="single-threaded worker processes (the first also runs the scheduler)",
        )
        parser.add_argument(
            "--matcher-processes",
            type=int,
            default=0,
            help="dedicated matcher processes for the match queue (0: workers match too)",
        )
        parser.add_argument("--no-worker", action="store_true", help="web server only")
        parser.add_argument("--access-log", action="store_true", help="log every request")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        banner = ""
        if options["demo"]:
            from haven.demo.management.commands.seed_demo import demo_banner
            from haven.demo.seed import seed_demo

            banner = demo_banner(seed_demo())
        commands = [_web_command(options)]
        if not options["no_worker"]:
            matchers = options["matcher_processes"]
            queues = "celery" if matchers else "celery,match"
            commands += [_worker_command(n, queues) for n in range(options["worker_processes"])]
            commands += [_worker_command(n, "match", role="matcher") for n in range(matchers)]
        env = _child_env(options)
        children = [subprocess.Popen(commands[0], env=env)]
        # Workers run at a lower priority: people waiting on a page or an API call come
        # first, and background hashing catches up whenever the web is quiet.
        children += [
            subprocess.Popen(command, env=env, preexec_fn=_background_priority)
            for command in commands[1:]
        ]
        address = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"\nHaven is running at {address}"))
        self.stdout.write(f"  Public report form: {address}report/")
        self.stdout.write(f"  Staff sign-in:      {address}accounts/login/")
        self.stdout.write(f"  API docs:           {address}api/docs/")
        if banner:
            self.stdout.write(banner)
        self.stdout.write("Press Ctrl+C to stop.\n")
        sys.exit(_supervise(children))


def _web_command(options) -> list[str]:
    command = [
        _bin("gunicorn"), "haven.asgi:application",
        "--bind", f"{options['host']}:{options['port']}",
        "--workers", str(options["web_workers"]),
        # ASGI: pages and the API as before, plus the web chat's WebSockets.
        "--worker-class", "haven.web.worker.HavenWorker",
        # Open chats and long polls end within this on Ctrl+C, before `haven run` gives
        # up waiting and kills what is left.
        "--graceful-timeout", "5",
        "--log-level", "warning",
    ]  # fmt: skip
    if options["access_log"]:
        command += ["--access-logfile", "-"]
    return command


def _worker_command(number: int, queues: str, role: str = "worker") -> list[str]:
    # Solo workers run each job in their own process: on one machine that is as fast as
    # a pool (hashing is CPU-bound) and leaves no pool hand-offs to go wrong on the polled
    # file-system broker. Scale out with more processes or hosts.
    command = [
        _bin("celery"), "-A", "haven", "worker", "--pool", "solo",
        "--hostname", f"{role}{number}@%h", "--queues", queues,
        "--without-gossip", "--without-mingle", "--loglevel", "WARNING",
    ]  # fmt: skip
    if number == 0 and role == "worker":
        command += ["--beat", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME]
    return command


def _background_priority() -> None:
    os.nice(10)


def _bin(name: str) -> str:
    return os.path.join(os.path.dirname(sys.executable), name)


def _child_env(options) -> dict:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    # Links in e-mails to hosts and partners (answer and acknowledgement links) point
    # at this server unless the operator says where Haven is reachable from outside.
    env.setdefault("HAVEN_PUBLIC_BASE_URL", f"http://{options['host']}:{options['port']}")
    return env


def _supervise(children: list[subprocess.Popen]) -> int:
    """Wait until Ctrl+C or until a child dies; then stop the others."""
    stopping = False

    def stop(_signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    while not stopping:
        dead = [c for c in children if c.poll() is not None]
        if dead:
            code = dead[0].returncode or 1
            break
        time.sleep(0.5)
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return 0 if stopping else code
