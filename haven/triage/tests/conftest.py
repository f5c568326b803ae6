"""Triage test set-up: a report and API clients for the shared personas."""

import pytest

from haven.triage.tests.support import api_client_for, make_report


@pytest.fixture
def report(organisation):
    return make_report(organisation)


@pytest.fixture
def analyst_api(analyst):
    return api_client_for(analyst)


@pytest.fixture
def supervisor_api(supervisor):
    return api_client_for(supervisor)


@pytest.fixture
def partner_api(partner):
    return api_client_for(partner)


@pytest.fixture
def outsider_api(outsider):
    return api_client_for(outsider)
