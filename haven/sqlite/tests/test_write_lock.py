"""Writers queue on the lock file instead of polling SQLite's busy handler."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from haven.accounts.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the write lock is part of the SQLite backend")


def test_a_second_writer_waits_for_the_first_and_both_commit():
    events: list[tuple[str, float]] = []
    first_inside = threading.Event()

    def first():
        with transaction.atomic():
            Organisation.objects.create(name="first", slug="first")
            events.append(
                ("first holds the OS lock", time.monotonic())
                if connection._locked
                else ("no lock", 0)
            )
            first_inside.set()
            time.sleep(0.3)
            events.append(("first committed", time.monotonic()))
        connections.close_all()

    def second():
        first_inside.wait(5)
        with transaction.atomic():
            events.append(("second began", time.monotonic()))
            Organisation.objects.create(name="second", slug="second")
        connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert [name for name, _ in sorted(events, key=lambda e: e[1])] == [
        "first holds the OS lock",
        "first committed",
        "second began",
    ]
    assert set(Organisation.objects.values_list("slug", flat=True)) >= {"first", "second"}


def test_the_lock_is_released_after_a_rollback():
    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.create(name="gone", slug="gone")
        raise RuntimeError("roll back")
    assert connection._locked is False
    with transaction.atomic():
        Organisation.objects.create(name="kept", slug="kept")
    assert connection._locked is False
    assert Organisation.objects.filter(slug="kept").exists()
