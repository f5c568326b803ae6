"""Queued work survives a worker killed with SIGKILL, on whichever broker is configured.

These tests start real Celery worker processes against the test database, so they
exercise the real broker (a folder by default; Redis or RabbitMQ in CI).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from haven.jobs.models import Job
from haven.reports.models import MediaItem, MediaStatus

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

REPORTS = 8
BIN = Path(sys.executable).parent


def _database_url() -> str:
    db = connection.settings_dict
    if "sqlite" in db["ENGINE"]:
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_env(tmp_path):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="haven.settings",
        DATABASE_URL=_database_url(),
        HAVEN_DATA_DIR=str(tmp_path / "data"),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_TASK_ALWAYS_EAGER="false",
        HAVEN_JOB_LEASE_SECONDS="4",
        HAVEN_JOB_SWEEP_SECONDS="2",
    )
    return env


def _haven(env, code: str) -> None:
    subprocess.run([str(BIN / "haven"), "shell", "-c", code], env=env, check=True, timeout=120)


def _start_worker(env, **extra) -> subprocess.Popen:
    with (Path(env["HAVEN_DATA_DIR"]) / "worker.log").open("ab") as log:
        return subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "haven",
                "worker",
                "--beat",
                "--concurrency",
                "2",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "WARNING",
                "--schedule",
                str(Path(env["HAVEN_DATA_DIR"]) / "beat-schedule"),
            ],
            env=env | extra,
            start_new_session=True,  # its own process group, so SIGKILL takes every child
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


SUBMIT = f"""
from haven.accounts.models import Organisation
from haven.audit.services import Actor
from haven.demo.synthetic import synthetic_jpeg
from haven.reports.intake import ReportInput, Upload, submit_report
org = Organisation.objects.create(name="Crash test", slug="crash")
for seed in range({REPORTS}):
    submit_report(org, "public", ReportInput(category="bullying",
                  uploads=[Upload(f"{{seed}}.jpg", synthetic_jpeg(seed))]), Actor.public())
"""


def test_no_queued_work_is_lost_when_the_worker_is_killed_and_restarted(worker_env):
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        worker_env["CELERY_BROKER_URL"] = "filesystem://localhost/"
    # Queue the work while no worker runs: the messages wait in the broker.
    _haven(worker_env, SUBMIT)
    assert Job.objects.count() == REPORTS

    slow = _start_worker(worker_env, HAVEN_JOB_TEST_DELAY_SECONDS="1.5")
    try:
        started = _wait_until(lambda: Job.objects.filter(attempts__gt=0).exists(), 60)
        assert started, "the worker never started a job"
    finally:
        os.killpg(slow.pid, signal.SIGKILL)
        slow.wait(timeout=10)
    unfinished = Job.objects.count()
    assert unfinished > 0, "the worker finished everything before it was killed"

    fresh = _start_worker(worker_env)
    try:
        done = _wait_until(lambda: not Job.objects.exists(), 90)
    finally:
        os.killpg(fresh.pid, signal.SIGKILL)
        fresh.wait(timeout=10)
    log = (Path(worker_env["HAVEN_DATA_DIR"]) / "worker.log").read_text(errors="replace")
    assert done, f"{Job.objects.count()} jobs were never finished; worker log:\n{log[-3000:]}"
    statuses = list(MediaItem.objects.values_list("status", flat=True))
    assert statuses == [MediaStatus.HASHED] * REPORTS
    assert all(item.md5 and item.pdq for item in MediaItem.objects.all())
