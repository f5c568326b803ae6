"""HMA-compatible API (Hasher-Matcher-Actioner's paths), scoped to the caller's banks.

Paths are HMA's, without trailing slashes. Extra slashes before a path are allowed:
clients join a base address ending in "/" with paths starting with one, and HMA (like
Werkzeug) accepts the doubled slash.
"""

from django.urls import re_path

from haven.hma import curation, views

_BANK = r"c/bank/(?P<bank_name>[^/]+)"
_CONTENT_ID = r"(?P<content_id>[0-9]{1,18})"


def hma_path(pattern: str, view, name: str):
    # "(?:/)*" rather than "/*": Django's checks take a leading "/" for a mistake.
    return re_path(rf"^(?:/)*{pattern}/?$", view, name=name)


app_name = "hma"
urlpatterns = [
    hma_path("status", views.status, "status"),
    hma_path("h/hash", views.HashView.as_view(), "hash"),
    hma_path("m/lookup", views.LookupView.as_view(), "lookup"),
    hma_path("m/raw_lookup", views.RawLookupView.as_view(), "raw-lookup"),
    hma_path("m/compare", views.CompareView.as_view(), "compare"),
    hma_path("m/index/status", views.IndexStatusView.as_view(), "index-status"),
    hma_path("c/banks", curation.BanksView.as_view(), "banks"),
    hma_path(_BANK, curation.BankView.as_view(), "bank"),
    hma_path(_BANK + "/content", curation.BankContentView.as_view(), "bank-content"),
    hma_path(_BANK + "/content/" + _CONTENT_ID, curation.BankContentItemView.as_view(), "content"),
    hma_path(_BANK + "/signal", curation.BankSignalView.as_view(), "bank-signal"),
    hma_path("c/signal_type", curation.SignalTypesView.as_view(), "signal-types"),
    hma_path("c/content_type", curation.ContentTypesView.as_view(), "content-types"),
]
