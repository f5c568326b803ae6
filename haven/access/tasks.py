"""Periodic Celery task for the access policy service (scheduled in haven/celery.py)."""

from celery import shared_task

from haven.access import retention


@shared_task(name="haven.access.expire_due")
def expire_due_task() -> dict[str, int]:
    return retention.expire_due()
