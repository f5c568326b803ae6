"""Each kind's settings and credentials are checked; credentials are sealed at rest."""

import pytest

from haven.exchanges.credentials import (
    CredentialsUnreadable,
    seal_credentials,
    unseal_credentials,
)
from haven.exchanges.kinds import ExchangeError, clean_credentials, clean_settings
from haven.exchanges.sources.base import redact


def test_credentials_round_trip_and_do_not_open_under_another_key(settings):
    sealed = seal_credentials({"token": "hvn_1_secret"})
    assert "hvn_1_secret" not in sealed
    assert unseal_credentials(sealed) == {"token": "hvn_1_secret"}
    settings.EVIDENCE_KEY = "bm90LXRoZS1zYW1lLWtleS1ub3QtdGhlLXNhbWUta2V5IQ=="
    with pytest.raises(CredentialsUnreadable):
        unseal_credentials(sealed)


def test_credentials_still_open_after_the_key_is_rotated(settings):
    old = settings.EVIDENCE_KEY
    sealed = seal_credentials({"token": "hvn_1_secret"})
    settings.EVIDENCE_KEY = "bm90LXRoZS1zYW1lLWtleS1ub3QtdGhlLXNhbWUta2V5IQ==," + old
    assert unseal_credentials(sealed) == {"token": "hvn_1_secret"}


@pytest.mark.parametrize(
    ("kind", "raw", "problem"),
    [
        ("ncmec", {}, "NCMEC environment is needed"),
        ("ncmec", {"environment": "Moon"}, "choose one of"),
        ("ncmec", {"environment": "NGO", "only_esp_ids": "1, x"}, "'x' is not a whole number"),
        ("threatexchange", {"privacy_group": "abc"}, "is not a whole number"),
        ("haven", {"bank": "Known"}, "Haven address is needed"),
        ("haven", {"base_url": "ftp://x", "bank": "B"}, "is not an http(s) address"),
        ("haven", {"base_url": "https://u:p@x.example", "bank": "B"}, "without a query"),
        ("fax", {}, "unknown kind"),
    ],
)
def test_settings_are_checked(kind, raw, problem):
    with pytest.raises(ExchangeError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        clean_settings(kind, raw)


def test_without_the_testing_flag_a_real_exchange_keeps_its_own_address_and_havens_use_https(
    settings,
):
    settings.EXCHANGE_ALLOW_CUSTOM_URLS = False
    with pytest.raises(ExchangeError, match="HAVEN_EXCHANGE_ALLOW_CUSTOM_URLS"):
        clean_settings("stopncii", {"base_url": "https://evil.example"})
    with pytest.raises(ExchangeError, match="over https only"):
        clean_settings("haven", {"base_url": "http://peer.example", "bank": "B"})
    assert clean_settings("haven", {"base_url": "https://peer.example/", "bank": "B"}) == {
        "base_url": "https://peer.example",
        "bank": "B",
    }


def test_credentials_are_checked_and_blank_ones_keep_the_stored_value():
    with pytest.raises(ExchangeError, match="App access token is needed"):
        clean_credentials("threatexchange", {})
    with pytest.raises(ExchangeError, match=r"<app id>\|<secret>"):
        clean_credentials("threatexchange", {"api_token": "nonsense"})
    with pytest.raises(ExchangeError, match="starts with hvn_"):
        clean_credentials("haven", {"token": "abc"})
    stored = {"username": "u", "password": "p"}
    assert clean_credentials("ncmec", {"password": " "}, stored) == stored


def test_error_messages_lose_credentials_and_url_query_strings():
    message = "401 for url: https://graph.example/v1/777/threat_updates/?access_token=1|abc&x=1"
    assert redact(message, []) == (
        "401 for url: https://graph.example/v1/777/threat_updates/?[query removed]"
    )
    assert redact("user ngo-user pass s3cret!", ["s3cret!", "ngo-user"]) == (
        "user [credential] pass [credential]"
    )
