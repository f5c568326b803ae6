"""Scheduling: exchanges whose time has come are queued once, and fetched by the job."""

from datetime import timedelta

import pytest
from django.utils import timezone

from haven.exchanges import fetching
from haven.exchanges.jobs import fetch_due
from haven.exchanges.models import Exchange, ExchangeRun, Kind
from haven.exchanges.sources.base import Change
from haven.exchanges.sources.memory import MemorySource
from haven.exchanges.tests.conftest import make_exchange
from haven.jobs.models import Job
from haven.jobs.registry import handler_for
from haven.matching.banks import Signal


@pytest.fixture
def exchange(organisation, bank):
    return make_exchange(
        organisation,
        bank,
        Kind.HAVEN,
        {"base_url": "https://elsewhere.example", "bank": "Known"},
        {"token": "hvn_abc_def"},
    )


def test_a_new_exchange_is_due_at_once_and_then_every_interval(exchange):
    now = timezone.now()

    assert fetch_due(now) == 1
    assert fetch_due(now) == 0  # queued once, however often the scheduler asks
    exchange.refresh_from_db()
    assert exchange.next_run_at == now + timedelta(minutes=60)
    assert Job.objects.filter(name="exchanges.fetch").count() == 1
    assert Job.objects.get().payload == {"exchange_id": exchange.pk, "trigger": "schedule"}
    assert fetch_due(now + timedelta(minutes=59)) == 0
    assert fetch_due(now + timedelta(minutes=60)) == 1


def test_disabled_exchanges_are_not_scheduled(exchange):
    Exchange.objects.filter(pk=exchange.pk).update(enabled=False)
    assert fetch_due() == 0


def test_the_due_job_queues_fetches_that_run_after_commit(
    exchange, bank, monkeypatch, django_capture_on_commit_callbacks
):
    source = MemorySource([[Change("r1", [Signal("md5", "ab" * 16)])]])
    monkeypatch.setattr(fetching, "source_for", lambda exchange: source)

    with django_capture_on_commit_callbacks(execute=True):
        handler_for("exchanges.fetch_due")()

    assert ExchangeRun.objects.get().trigger == "schedule"
    assert bank.entries.count() == 1
    assert not Job.objects.exists()  # done jobs are deleted


def test_the_fetch_job_of_a_deleted_exchange_does_nothing(db):
    handler_for("exchanges.fetch")(exchange_id=999)
    assert not ExchangeRun.objects.exists()


def test_the_beat_task_is_registered_under_its_schedule_name():
    from haven.exchanges.tasks import fetch_due_task

    assert fetch_due_task.name == "haven.exchanges.fetch_due"
