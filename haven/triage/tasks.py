"""Periodic Celery tasks for triage."""

from celery import shared_task

from haven.triage.jobs import flag_overdue


@shared_task(name="haven.triage.flag_overdue")
def flag_overdue_task() -> None:
    flag_overdue()
