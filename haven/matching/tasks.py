"""Periodic Celery task: a fresh PDQ index snapshot when the banks have changed."""

from celery import shared_task

from haven.matching.jobs import write_snapshot_if_stale


@shared_task(name="haven.matching.snapshot")
def snapshot_task() -> None:
    write_snapshot_if_stale()
