"""Takedown test set-up: a reported address, and the outside world replaced by fakes
(`world`) for every test; `real_world` puts the real apps back for integration tests."""

import pytest

from haven.reports.models import ReportUrl
from haven.takedown import seams
from haven.takedown.models import FirstNotice, Notice, TakedownPolicy
from haven.takedown.tests.fakes import FakeWorld
from haven.triage.tests.support import make_report

URL = "https://files.example.net/share/4f2a9c"


@pytest.fixture(autouse=True)
def world():
    fake = FakeWorld()
    with seams.replaced_by(**fake.parts()):
        yield fake


@pytest.fixture
def real_world(world):
    """The real fetching, hosting, routing and classification modules, and channels."""
    seams._current.append(seams.Outside())
    yield
    seams._current.pop()


@pytest.fixture
def report(organisation):
    return make_report(organisation)


@pytest.fixture
def report_url(report):
    return ReportUrl.objects.create(report=report, url=URL, normalised=URL)


def set_policy(organisation, **values) -> TakedownPolicy:
    policy, _ = TakedownPolicy.objects.update_or_create(organisation=organisation, defaults=values)
    return policy


@pytest.fixture
def after_delay(organisation):
    return set_policy(organisation, first_notice=FirstNotice.AFTER_DELAY)


@pytest.fixture
def after_police(organisation):
    return set_policy(organisation, first_notice=FirstNotice.AFTER_POLICE)


def kinds(takedown) -> list[str]:
    return list(Notice.objects.filter(takedown=takedown).values_list("kind", flat=True))
