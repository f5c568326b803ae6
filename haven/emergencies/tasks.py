"""Periodic Celery task for emergencies (scheduled in haven/celery.py every
HELPLINE_SCHEDULER_SECONDS)."""

from celery import shared_task

from haven.emergencies.escalation import escalate_due


@shared_task(name="haven.emergencies.escalate_due")
def escalate_due_task() -> int:
    return escalate_due()
