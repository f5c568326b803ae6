from datetime import timedelta

import pytest
from django.utils import timezone

from haven.jobs import services
from haven.jobs.models import Job
from haven.jobs.registry import job_handler

calls: list[int] = []


@job_handler("tests.record")
def _record(n: int) -> None:
    calls.append(n)


@job_handler("tests.explode")
def _explode() -> None:
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _reset():
    calls.clear()


def test_a_job_runs_once_and_its_row_is_deleted(db):
    job = Job.objects.create(name="tests.record", payload={"n": 7})
    assert services.run_job(job.pk) is True
    assert calls == [7]
    assert not Job.objects.exists()
    assert services.run_job(job.pk) is False


def test_a_job_leased_by_another_worker_is_not_run(db):
    job = Job.objects.create(
        name="tests.record", payload={"n": 1}, leased_until=timezone.now() + timedelta(minutes=5)
    )
    assert services.run_job(job.pk) is False
    assert calls == []


def test_a_failing_job_backs_off_then_stops_after_the_last_attempt(db, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job = Job.objects.create(name="tests.explode")
    assert services.run_job(job.pk) is False
    job.refresh_from_db()
    assert job.attempts == 1 and job.failed_at is None and job.leased_until > timezone.now()
    assert "boom" in job.last_error
    Job.objects.filter(pk=job.pk).update(leased_until=timezone.now() - timedelta(seconds=1))
    services.run_job(job.pk)
    job.refresh_from_db()
    assert job.attempts == 2 and job.failed_at is not None
    assert services.pending_count() == 0


def test_enqueue_sends_only_after_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.enqueue("tests.record", n=3)
    assert calls == [] and len(callbacks) == 1
    callbacks[0]()
    assert calls == [3]


def test_sweep_resends_expired_leases_and_lost_messages_but_not_live_ones(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    old = timezone.now() - timedelta(minutes=10)
    expired = Job.objects.create(
        name="tests.record", payload={"n": 1}, leased_until=timezone.now() - timedelta(seconds=1)
    )
    lost = Job.objects.create(name="tests.record", payload={"n": 2}, sent_at=old)
    Job.objects.create(
        name="tests.record", payload={"n": 3}, leased_until=timezone.now() + timedelta(minutes=5)
    )
    Job.objects.create(name="tests.record", payload={"n": 4}, sent_at=timezone.now())
    assert services.sweep() == 2
    assert sorted(calls) == [1, 2]
    assert not Job.objects.filter(pk__in=[expired.pk, lost.pk]).exists()
