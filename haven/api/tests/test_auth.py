"""Who gets in: bearer tokens only, never revoked ones, and never too often."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import token_client
from haven.api import throttling
from haven.api.models import ApiToken

URL = "/api/v1/reports/"


def bearer(value: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=value)
    return client


def assert_unauthorised(response, code: str) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == code


@pytest.mark.django_db
def test_no_token_is_401_with_a_bearer_challenge():
    assert_unauthorised(APIClient().get(URL), "not_authenticated")
    assert_unauthorised(
        APIClient().post(URL, {"category": "other"}, format="json"), "not_authenticated"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer nonsense", "Bearer hvn_nounderscore", "Bearer hvn_abc_def"]
)
def test_a_malformed_or_unknown_token_is_401(header):
    assert_unauthorised(bearer(header).get(URL), "authentication_failed")


def test_a_token_with_the_wrong_secret_is_401(partner):
    _, plaintext = ApiToken.issue(partner, "t")
    assert_unauthorised(bearer(f"Bearer {plaintext[:-2]}xx").get(URL), "authentication_failed")


def test_a_revoked_token_is_401(partner):
    token, plaintext = ApiToken.issue(partner, "t")
    assert bearer(f"Bearer {plaintext}").get(URL).status_code == 200
    token.revoked_at = timezone.now()
    token.save()
    assert_unauthorised(bearer(f"Bearer {plaintext}").get(URL), "authentication_failed")


def test_a_disabled_account_cannot_use_its_token(partner):
    _, plaintext = ApiToken.issue(partner, "t")
    partner.is_active = False
    partner.save()
    assert_unauthorised(bearer(f"Bearer {plaintext}").get(URL), "authentication_failed")


def test_use_of_a_token_is_recorded(partner):
    token, plaintext = ApiToken.issue(partner, "t")
    bearer(f"Bearer {plaintext}").get(URL)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_session_without_the_second_factor_cannot_use_the_api(client, analyst):
    client.force_login(analyst)
    assert client.get(URL).status_code == 403


def test_over_the_token_rate_is_429_with_retry_after(partner, monkeypatch):
    monkeypatch.setattr(throttling, "_now", lambda: 1_200_020.5)  # 20.5 s into a minute
    client = token_client(partner, rate_per_minute=2)

    statuses = [client.get(URL).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    response = client.get(URL)
    assert response["Retry-After"] == "40"
    assert response.json()["error"]["code"] == "throttled"
    monkeypatch.setattr(throttling, "_now", lambda: 1_200_061.0)  # the next minute
    assert client.get(URL).status_code == 200


def test_each_token_has_its_own_count(partner, analyst, settings, monkeypatch):
    monkeypatch.setattr(throttling, "_now", lambda: 2_000_000.0)
    settings.API_RATE_PER_MINUTE = 1
    first, second = token_client(partner), token_client(analyst)

    assert [first.get(URL).status_code, first.get(URL).status_code] == [200, 429]
    assert second.get(URL).status_code == 200
