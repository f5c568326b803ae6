"""Periodic Celery task for routing (scheduled in haven/celery.py)."""

from celery import shared_task

from haven.routing.services import chase_due


@shared_task(name="haven.routing.chase_due")
def chase_due_task() -> int:
    return chase_due()
