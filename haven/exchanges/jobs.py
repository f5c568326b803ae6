"""Background work for exchanges: fetch one, and find the ones due.

`fetch_due` runs every minute (Celery beat, haven.exchanges.fetch_due). Claiming an
exchange moves its next_run_at forward with a conditional UPDATE, so that however many
schedulers run, each due exchange is queued once.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haven.exchanges.fetching import fetch_exchange
from haven.exchanges.models import Exchange, Trigger
from haven.jobs.registry import job_handler
from haven.jobs.services import enqueue

DUE_BATCH = 200


@job_handler("exchanges.fetch")
def fetch(exchange_id: int, trigger: str = Trigger.SCHEDULE, user_id: int | None = None) -> None:
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    fetch_exchange(exchange_id, trigger, user)


@job_handler("exchanges.fetch_due")
def fetch_due_job() -> None:
    fetch_due()


def fetch_due(now=None) -> int:
    """Queue a fetch for every enabled exchange whose time has come; return how many."""
    now = now or timezone.now()
    due = (
        Exchange.objects.filter(enabled=True)
        .filter(Q(next_run_at__isnull=True) | Q(next_run_at__lte=now))
        .order_by("next_run_at")
        .values_list("pk", "next_run_at", "interval_minutes")[:DUE_BATCH]
    )
    queued = 0
    for exchange_id, when, interval in due:
        with transaction.atomic():
            won = Exchange.objects.filter(pk=exchange_id, next_run_at=when).update(
                next_run_at=now + timedelta(minutes=interval)
            )
            if won:
                enqueue("exchanges.fetch", exchange_id=exchange_id, trigger=Trigger.SCHEDULE)
                queued += 1
    return queued
