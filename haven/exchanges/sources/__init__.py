"""Where an exchange's records come from: one source per kind, behind `Source`."""

from haven.exchanges.config import http_timeout
from haven.exchanges.credentials import unseal_credentials
from haven.exchanges.kinds import clean_credentials, clean_settings
from haven.exchanges.models import Exchange, Kind
from haven.exchanges.sources.base import (
    Change,
    CredentialsRefused,
    FetchError,
    Page,
    Source,
)

__all__ = ["Change", "CredentialsRefused", "FetchError", "Page", "Source", "source_for"]


def source_for(exchange: Exchange) -> Source:
    """The source for this exchange, with its credentials decrypted for this fetch only."""
    from haven.exchanges.sources.haven_feed import HavenFeedSource
    from haven.exchanges.sources.library import library_source

    # Checked again at each fetch: the server's rules may have changed since it was saved.
    config = clean_settings(exchange.kind, exchange.settings)
    credentials = clean_credentials(
        exchange.kind, {}, unseal_credentials(exchange.credentials_sealed)
    )
    if exchange.kind == Kind.HAVEN:
        return HavenFeedSource(
            config["base_url"], config["bank"], credentials.get("token", ""), http_timeout()
        )
    return library_source(exchange.kind, exchange.name, config, credentials, http_timeout())
