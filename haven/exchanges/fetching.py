"""Run one exchange's fetch: take its lease, apply page after page, record the run.

Each page is applied in one transaction together with its checkpoint and counters, so a
fetch interrupted anywhere resumes exactly after the last page applied. The lease (a
conditional UPDATE on `running_since`, renewed with every page) keeps two workers from
fetching the same exchange; a worker that lost its lease stops before writing.

Failures are the exchange's news, not the worker's: they are recorded on the exchange
and its run, never raised, and the next scheduled run tries again.
"""

import logging
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.exchanges.config import lease_minutes
from haven.exchanges.credentials import CredentialsUnreadable
from haven.exchanges.kinds import ExchangeError
from haven.exchanges.merging import CHUNK, Outcome, merge_changes, retire
from haven.exchanges.models import Exchange, ExchangeItem, ExchangeRun, RunStatus, Trigger
from haven.exchanges.sources import FetchError, Page, source_for

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 1000


class LeaseLost(Exception):
    """Another worker took this exchange over (this one was too slow to renew its lease)."""


def lease_duration() -> timedelta:
    return timedelta(minutes=lease_minutes())


def fetch_exchange(
    exchange_id: int, trigger: str = Trigger.SCHEDULE, user=None
) -> ExchangeRun | None:
    """Fetch what is new; None if the exchange is disabled, gone or being fetched already."""
    claimed = _claim(exchange_id, trigger, user)
    if claimed is None:
        return None
    exchange, run, token = claimed
    actor = Actor.system(f"exchange {exchange.name}"[:200])
    try:
        _fetch(actor, exchange, run, token)
    except LeaseLost:
        _finish(exchange, run, token, "another worker took over this fetch")
    except (FetchError, ExchangeError, CredentialsUnreadable) as problem:
        _finish(exchange, run, token, str(problem))
    except Exception as exc:
        log.exception("exchange %s: unexpected failure", exchange.pk)
        _finish(exchange, run, token, f"unexpected error ({type(exc).__name__}); see the logs")
    else:
        _finish(exchange, run, token)
    run.refresh_from_db()
    return run


def _claim(exchange_id: int, trigger: str, user):
    now, token = timezone.now(), secrets.token_hex(16)
    with transaction.atomic():
        free = Q(running_since__isnull=True) | Q(running_since__lt=now - lease_duration())
        won = Exchange.objects.filter(free, pk=exchange_id, enabled=True).update(
            running_since=now, lease_token=token, last_run_at=now
        )
        if not won:
            return None
        exchange = Exchange.objects.select_related("bank").get(pk=exchange_id)
        # A run left "running" was a worker that died: its lease ran out.
        exchange.runs.filter(status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, finished_at=now, error="the worker stopped mid-fetch"
        )
        run = ExchangeRun.objects.create(
            exchange=exchange, trigger=trigger, requested_by=user, started_at=now
        )
    return exchange, run, token


def _fetch(actor: Actor, exchange: Exchange, run: ExchangeRun, token: str) -> None:
    source = source_for(exchange)
    checkpoint = exchange.checkpoint
    if checkpoint is not None and source.is_stale(checkpoint):
        checkpoint = None  # too old to resume: fetch everything, then sweep
    if checkpoint is None and not exchange.sweep_pending:
        _start_full_fetch(exchange, token)
    for page in source.fetch(checkpoint):
        _apply(actor, exchange, run, token, page)
    if exchange.sweep_pending:
        _sweep(actor, exchange, run, token)


def _start_full_fetch(exchange: Exchange, token: str) -> None:
    with transaction.atomic():
        _renew(exchange, token)
        Exchange.objects.filter(pk=exchange.pk).update(
            checkpoint=None, epoch=F("epoch") + 1, sweep_pending=True
        )
    exchange.refresh_from_db(fields=["checkpoint", "epoch", "sweep_pending"])


def _apply(actor: Actor, exchange: Exchange, run: ExchangeRun, token: str, page: Page) -> None:
    with transaction.atomic():
        _renew(exchange, token)
        outcome = merge_changes(actor, exchange, page.changes)
        for problem in page.unreadable:
            outcome.reject(problem)
        Exchange.objects.filter(pk=exchange.pk).update(checkpoint=page.checkpoint)
        _count(exchange, run, outcome, pages=1)


def _sweep(actor: Actor, exchange: Exchange, run: ExchangeRun, token: str) -> None:
    """After a full fetch: withdraw what the exchange no longer lists, chunk by chunk."""
    while True:
        with transaction.atomic():
            _renew(exchange, token)
            stale = ExchangeItem.objects.filter(exchange=exchange, epoch__lt=exchange.epoch)
            rows = list(stale.values_list("pk", "signal_type", "value")[:CHUNK])
            if not rows:
                Exchange.objects.filter(pk=exchange.pk).update(sweep_pending=False)
                return
            ExchangeItem.objects.filter(pk__in=[pk for pk, _, _ in rows]).delete()
            removed = retire(actor, exchange, {(kind, value) for _, kind, value in rows})
            _count(exchange, run, Outcome(removed=removed))


def _renew(exchange: Exchange, token: str) -> None:
    renewed = Exchange.objects.filter(pk=exchange.pk, lease_token=token).update(
        running_since=timezone.now()
    )
    if not renewed:
        raise LeaseLost


def _count(exchange: Exchange, run: ExchangeRun, outcome: Outcome, pages: int = 0) -> None:
    Exchange.objects.filter(pk=exchange.pk).update(
        fetched_count=F("fetched_count") + outcome.fetched,
        added_count=F("added_count") + outcome.added,
        updated_count=F("updated_count") + outcome.updated,
        removed_count=F("removed_count") + outcome.removed,
        rejected_count=F("rejected_count") + outcome.rejected,
    )
    run.refresh_from_db(fields=["rejections"])
    problems = "\n".join(filter(None, [run.rejections, *outcome.problems]))
    ExchangeRun.objects.filter(pk=run.pk).update(
        pages=F("pages") + pages,
        fetched=F("fetched") + outcome.fetched,
        added=F("added") + outcome.added,
        updated=F("updated") + outcome.updated,
        removed=F("removed") + outcome.removed,
        rejected=F("rejected") + outcome.rejected,
        rejections="\n".join(problems.splitlines()[:20]),
    )


def _finish(exchange: Exchange, run: ExchangeRun, token: str, error: str = "") -> None:
    now = timezone.now()
    status = RunStatus.FAILED if error else RunStatus.SUCCEEDED
    error = error[:MAX_ERROR_LENGTH]
    with transaction.atomic():
        ExchangeRun.objects.filter(pk=run.pk).update(status=status, finished_at=now, error=error)
        run.refresh_from_db()
        # Only the lease holder writes the outcome; a lost lease leaves it to the new holder.
        Exchange.objects.filter(pk=exchange.pk, lease_token=token).update(
            running_since=None,
            lease_token="",
            last_status=status,
            last_error=error,
            consecutive_failures=F("consecutive_failures") + 1 if error else 0,
        )
        record(
            Actor.system(f"exchange {exchange.name}"[:200]),
            "exchange.fetched",
            exchange,
            organisation_id=exchange.organisation_id,
            run=run.pk,
            status=status,
            trigger=run.trigger,
            fetched=run.fetched,
            added=run.added,
            updated=run.updated,
            removed=run.removed,
            rejected=run.rejected,
            error=error,
        )
