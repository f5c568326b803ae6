"""Enqueue, run and recover durable jobs.

`enqueue` writes the job row inside the caller's transaction and sends the Celery
message only after commit (a transactional outbox). `run_job` takes a lease with one
atomic UPDATE so that two workers never run the same job, and deletes the row when the
work is done. `sweep` re-sends jobs whose message was lost or whose worker died.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from haven.jobs.models import Job
from haven.jobs.registry import handler_for, queue_for

log = logging.getLogger(__name__)


def enqueue(name: str, **payload) -> Job:
    # sent_at is when the message is (about to be) sent; if sending fails, the sweep
    # notices the job was never taken and sends it again.
    job = Job.objects.create(name=name, payload=payload, sent_at=timezone.now())
    transaction.on_commit(lambda: _send(job.pk, name))
    return job


def _send(job_id: int, name: str) -> None:
    from haven.jobs.tasks import run_job

    try:
        run_job.apply_async((job_id,), queue=queue_for(name))
    except Exception:
        # The broker is down: the row stays, and the sweep sends it when it is back.
        log.exception("could not send job %s; the sweep will retry", job_id)


def _take_lease(job_id: int) -> bool:
    now = timezone.now()
    # Every write is in an atomic block, even single statements: on SQLite that is what
    # queues writers fairly (see haven.sqlite).
    with transaction.atomic():
        taken = (
            Job.objects.filter(pk=job_id, failed_at__isnull=True)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
            .update(
                leased_until=now + timedelta(seconds=settings.JOB_LEASE_SECONDS),
                attempts=F("attempts") + 1,
            )
        )
    return taken == 1


def run_job(job_id: int) -> bool:
    """Run one job if no one else holds it. Returns whether it ran to the end."""
    if not _take_lease(job_id):
        return False
    job = Job.objects.get(pk=job_id)
    if settings.JOB_TEST_DELAY_SECONDS:
        time.sleep(settings.JOB_TEST_DELAY_SECONDS)
    try:
        handler_for(job.name)(**job.payload)
    except Exception as exc:
        log.exception("job %s failed", job)
        with transaction.atomic():
            _record_failure(job, exc)
        return False
    with transaction.atomic():
        Job.objects.filter(pk=job_id).delete()
    return True


def _record_failure(job: Job, exc: Exception) -> None:
    attempts = job.attempts
    fields: dict[str, object] = {"last_error": f"{type(exc).__name__}: {exc}"[:2000]}
    if attempts >= settings.JOB_MAX_ATTEMPTS:
        fields["failed_at"] = timezone.now()
    else:
        # Back off: the sweep will pick it up once this short lease runs out.
        fields["leased_until"] = timezone.now() + timedelta(seconds=10 * 2**attempts)
    Job.objects.filter(pk=job.pk).update(**fields)


def sweep(stale_after_seconds: int | None = None) -> int:
    """Re-send every unfinished job whose lease ran out or whose message may be lost."""
    now = timezone.now()
    stale = now - timedelta(seconds=stale_after_seconds or settings.JOB_SWEEP_SECONDS)
    never_taken = Q(leased_until__isnull=True) & (Q(sent_at__isnull=True) | Q(sent_at__lt=stale))
    due = Job.objects.filter(failed_at__isnull=True).filter(Q(leased_until__lt=now) | never_taken)
    jobs = list(due.values_list("pk", "name")[:1000])
    ids = [job_id for job_id, _ in jobs]
    Job.objects.filter(pk__in=ids).update(sent_at=now)
    for job_id, name in jobs:
        _send(job_id, name)
    if ids:
        log.info("sweep re-sent %d jobs", len(ids))
    return len(ids)


def pending_count() -> int:
    return Job.objects.filter(failed_at__isnull=True).count()
