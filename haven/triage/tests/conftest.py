"""Triage test set-up: a report for the shared personas (API clients: root conftest)."""

import pytest

from haven.triage.tests.support import make_report


@pytest.fixture
def report(organisation):
    return make_report(organisation)
