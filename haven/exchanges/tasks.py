"""Periodic Celery task for exchanges (scheduled in haven/celery.py)."""

from celery import shared_task

from haven.exchanges.jobs import fetch_due


@shared_task(name="haven.exchanges.fetch_due")
def fetch_due_task() -> None:
    fetch_due()
