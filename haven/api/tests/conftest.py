"""API clients that authenticate as the shared personas with real tokens."""

import pytest
from rest_framework.test import APIClient

from haven.api.models import ApiToken


def token_client(user, rate_per_minute=None) -> APIClient:
    _, plaintext = ApiToken.issue(user, f"{user.username} tests", rate_per_minute)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


@pytest.fixture
def partner_api(partner):
    return token_client(partner)


@pytest.fixture
def analyst_api(analyst):
    return token_client(analyst)


@pytest.fixture
def outsider_api(outsider):
    return token_client(outsider)
