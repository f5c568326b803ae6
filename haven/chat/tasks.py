"""Periodic Celery task for the chat (scheduled every minute in haven/celery.py)."""

from celery import shared_task

from haven.chat.idle import end_idle


@shared_task(name="haven.chat.end_idle")
def end_idle_task() -> int:
    return end_idle()
