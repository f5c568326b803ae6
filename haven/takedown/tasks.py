"""Periodic Celery task for takedowns (scheduled in haven/celery.py every
TAKEDOWN_SCHEDULER_SECONDS)."""

from celery import shared_task

from haven.takedown.scheduler import run_due


@shared_task(name="haven.takedown.run_due")
def run_due_task() -> int:
    return run_due()
