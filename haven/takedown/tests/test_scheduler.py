"""The scheduler: leases so that many workers never act twice, a bounded run, and the
ways to run it (Celery beat, `haven takedown run-due`)."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from haven.reports.models import ReportUrl
from haven.takedown import scheduler, seams, services
from haven.takedown.models import FirstNotice, Notice, State, Takedown
from haven.takedown.scheduler import run_due
from haven.takedown.tasks import run_due_task
from haven.takedown.tests.conftest import set_policy
from haven.takedown.tests.fakes import FakeChecker


def test_a_claimed_takedown_cannot_be_claimed_again_until_its_lease_runs_out(
    report_url, analyst, clock
):
    takedown = services.open_takedown(report_url, analyst)
    lease = scheduler.claim(takedown.pk, clock.now)
    assert lease == clock.now + scheduler.LEASE
    assert scheduler.claim(takedown.pk, clock.now) is None
    assert run_due() == 0  # the other worker sees it leased
    # A worker that died: its lease runs out and the takedown is claimed again.
    clock.advance(minutes=11)
    assert run_due() == 1


def test_releasing_leaves_someone_elses_newer_lease_alone(report_url, analyst, clock):
    takedown = services.open_takedown(report_url, analyst)
    old = scheduler.claim(takedown.pk, clock.now)
    clock.advance(minutes=11)
    new = scheduler.claim(takedown.pk, clock.now)
    scheduler.release(takedown.pk, old)
    assert Takedown.objects.get().leased_until == new


def test_two_runs_at_the_same_instant_send_one_notice(report_url, analyst, world, clock):
    services.open_takedown(report_url, analyst)
    now = clock.now
    assert run_due(now) == 1
    assert run_due(now) == 0
    assert Notice.objects.count() == 1 and len(world.sent) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_at_once_act_on_each_takedown_once(organisation, analyst, world):
    """Two real threads, each with its own database connection: while one is checking
    an address, the other's run finds that takedown leased and leaves it."""
    from haven.triage.tests.support import make_report

    report = make_report(organisation)
    # After a delay, so that no "at once" job acts before the workers do.
    set_policy(organisation, first_notice=FirstNotice.AFTER_DELAY)
    urls = [ReportUrl.objects.create(report=report, url=f"https://h.example/{n}") for n in range(3)]
    for url in urls:
        services.open_takedown(url, analyst)
    later = timezone.now() + timedelta(hours=2)
    checking, release = threading.Event(), threading.Event()
    real = FakeChecker()

    def slow_check(report_url, purpose):
        checking.set()
        release.wait(10)
        return real(report_url, purpose)

    results: dict[str, int] = {}

    def worker(name: str) -> None:
        try:
            with seams.replaced_by(check=slow_check):
                results[name] = run_due(later)
        finally:
            connection.close()

    first = threading.Thread(target=worker, args=("first",))
    first.start()
    assert checking.wait(10)
    # The first worker holds the first takedown; the second takes the two others.
    with seams.replaced_by(check=real):
        results["second"] = run_due(later)
    release.set()
    first.join(20)
    assert results["second"] == 2
    assert results["first"] == 1
    assert Notice.objects.count() == 3 == len(world.sent)
    assert set(Notice.objects.values_list("takedown_id", flat=True)) == set(
        Takedown.objects.values_list("pk", flat=True)
    )
    assert not Takedown.objects.exclude(leased_until=None).exists()


def test_a_run_is_bounded_and_the_next_one_takes_the_rest(report, analyst, world, clock):
    for n in range(5):
        url = ReportUrl.objects.create(report=report, url=f"https://h.example/{n}")
        services.open_takedown(url, analyst)
    assert run_due(limit=3) == 3
    assert run_due(limit=3) == 2
    assert Takedown.objects.filter(state=State.NOTIFIED).count() == 5


def test_the_oldest_due_goes_first(report, analyst, world, clock):
    later = services.open_takedown(
        ReportUrl.objects.create(report=report, url="https://h.example/later"), analyst
    )
    earlier = services.open_takedown(
        ReportUrl.objects.create(report=report, url="https://h.example/earlier"), analyst
    )
    Takedown.objects.filter(pk=earlier.pk).update(next_action_at=clock.now - timedelta(hours=1))
    run_due(limit=1)
    assert Takedown.objects.get(pk=earlier.pk).state == State.NOTIFIED
    assert Takedown.objects.get(pk=later.pk).state == State.WAITING


def test_one_broken_takedown_does_not_stop_the_others(report, analyst, world, clock):
    broken = services.open_takedown(
        ReportUrl.objects.create(report=report, url="https://h.example/broken"), analyst
    )
    fine = services.open_takedown(
        ReportUrl.objects.create(report=report, url="https://h.example/fine"), analyst
    )

    def check(report_url, purpose):
        if report_url.pk == broken.report_url_id:
            raise RuntimeError("boom")
        return world.checker(report_url, purpose)

    with seams.replaced_by(check=check):
        assert run_due() == 2
    broken.refresh_from_db()
    assert broken.state == State.WAITING and broken.leased_until is None
    assert broken.next_action_at == clock.now + timedelta(hours=1)
    assert "server log" in broken.attention
    assert Takedown.objects.get(pk=fine.pk).state == State.NOTIFIED


def test_the_management_command_runs_the_scheduler_once(report_url, analyst, world, clock):
    services.open_takedown(report_url, analyst)
    out = StringIO()
    call_command("takedown", "run-due", stdout=out)
    assert out.getvalue().strip() == "Acted on 1 takedown."
    assert len(world.sent) == 1


def test_the_periodic_task_runs_the_scheduler(report_url, analyst, world, clock):
    services.open_takedown(report_url, analyst)
    assert run_due_task.delay().get() == 1
    assert run_due_task.name == "haven.takedown.run_due"
