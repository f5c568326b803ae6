"""The takedown clock: find takedowns whose next action is due and act on each once.

Each due takedown is claimed with one atomic UPDATE that sets a lease (only a row whose
lease is free can be claimed), so any number of workers may run the scheduler at once
and never act on the same takedown together. A run handles at most `BATCH` takedowns,
oldest due first; the next run (every TAKEDOWN_SCHEDULER_SECONDS) takes the rest. A
worker that dies leaves its lease to run out; the takedown is then claimed again.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haven.takedown import lifecycle
from haven.takedown.models import OPEN_STATES, SCHEDULED_STATES, Takedown
from haven.takedown.seams import Outside, outside

log = logging.getLogger(__name__)

BATCH = 200
# Longer than one check plus one notice can take (both have timeouts well under this).
LEASE = timedelta(minutes=10)


def _free(now: datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lt=now)


def due(now: datetime):
    return Takedown.objects.filter(
        _free(now), state__in=SCHEDULED_STATES, next_action_at__lte=now
    ).order_by("next_action_at", "pk")


def claim(takedown_id: int, now: datetime, *, due_only: bool = True) -> datetime | None:
    """Take the lease on one takedown; its expiry (the claim's token), or None if taken."""
    lease = now + LEASE
    rows = Takedown.objects.filter(_free(now), pk=takedown_id, state__in=SCHEDULED_STATES)
    if due_only:
        rows = rows.filter(next_action_at__lte=now)
    # Every write in an atomic block: on SQLite that is what queues writers fairly.
    with transaction.atomic():
        taken = rows.update(leased_until=lease)
    return lease if taken == 1 else None


def release(takedown_id: int, lease: datetime) -> None:
    # Only our own lease: if it ran out and someone else holds a new one, leave theirs.
    with transaction.atomic():
        Takedown.objects.filter(pk=takedown_id, leased_until=lease).update(leased_until=None)


def run_due(now: datetime | None = None, *, limit: int = BATCH) -> int:
    """Act on every due takedown (up to `limit`); returns how many were acted on."""
    now = now or timezone.now()
    out = outside()
    acted = 0
    for takedown_id in list(due(now).values_list("pk", flat=True)[:limit]):
        if act(takedown_id, now, out):
            acted += 1
    return acted


def act(takedown_id: int, now: datetime, out: Outside, *, due_only=True, notify=True) -> bool:
    """Claim one takedown, check its address and move it on; False if someone has it."""
    lease = claim(takedown_id, now, due_only=due_only)
    if lease is None:
        return False
    try:
        takedown = Takedown.objects.select_related("organisation", "report", "report_url").get(
            pk=takedown_id
        )
        if takedown.state in OPEN_STATES:
            # Hosting may have been corrected since (country, abuse contact): note it
            # before acting, also when nothing is sent (statistics count by country).
            takedown = lifecycle.refresh(takedown, out, lifecycle.scheduler_actor(takedown))
        fetch = lifecycle.check(takedown, out)
        lifecycle.after_check(takedown, fetch, out, now, notify=notify)
    except Exception:
        # One broken takedown must not stop the others: try it again in an hour.
        log.exception("takedown %s: the scheduler could not act on it", takedown_id)
        with transaction.atomic():
            Takedown.objects.filter(pk=takedown_id, next_action_at__lte=now).update(
                next_action_at=now + lifecycle.RETRY_AFTER,
                attention="Something went wrong acting on this takedown; it is tried again "
                "every hour and the error is in the server log.",
            )
    finally:
        release(takedown_id, lease)
    return True
