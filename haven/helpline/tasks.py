"""Periodic Celery task for the helpline (scheduled in haven/celery.py)."""

from celery import shared_task

from haven.helpline import retention


@shared_task(name="haven.helpline.anonymise_due")
def anonymise_due_task() -> dict[int, dict[str, int]]:
    return retention.anonymise_due()
