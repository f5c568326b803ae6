"""Another Haven's shared bank, read page by page from its feed (see haven.exchanges.feed).

The checkpoint is the feed's opaque cursor. An entry the other Haven disabled or deleted
comes back as a withdrawn record, keyed by its id there.
"""

from collections.abc import Iterator
from urllib.parse import quote

import requests

from haven.exchanges.sources.base import (
    Change,
    FetchError,
    Page,
    http_failure,
    status_failure,
)
from haven.matching.banks import Signal
from haven.matching.models import SignalType

PAGE_SIZE = 500
MAX_LABELS = 20


def new_session() -> requests.Session:
    """The HTTP session; tests replace it with one that routes to a test client."""
    return requests.Session()


class HavenFeedSource:
    service = "the other Haven"

    def __init__(self, base_url: str, bank: str, token: str, timeout: float):
        self.url = f"{base_url.rstrip('/')}/exchanges/feed/{quote(bank, safe='')}/"
        self.bank = bank
        self.token = token
        self.timeout = timeout

    def is_stale(self, checkpoint: dict) -> bool:
        return not isinstance(checkpoint.get("cursor"), str)

    def fetch(self, checkpoint: dict | None) -> Iterator[Page]:
        cursor = (checkpoint or {}).get("cursor", "")
        with new_session() as session:
            while True:
                page, next_cursor, more = _read_page(self._get(session, cursor))
                yield page
                if not more:
                    return
                if next_cursor == cursor:
                    raise FetchError("the other Haven's feed did not move forward")
                cursor = next_cursor

    def _get(self, session: requests.Session, cursor: str) -> object:
        params: dict[str, str | int] = {"limit": PAGE_SIZE}
        if cursor:
            params["since"] = cursor
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        try:
            response = session.get(self.url, params=params, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise http_failure(self.service, exc, self.timeout) from None
        if response.status_code == 404:
            raise FetchError(f"the other Haven shares no bank named {self.bank!r} with this token")
        if response.status_code != 200:
            raise status_failure(self.service, response.status_code)
        try:
            return response.json()
        except ValueError:
            raise FetchError("the other Haven sent a response that is not JSON") from None


def _read_page(body: object) -> tuple[Page, str, bool]:
    if not isinstance(body, dict):
        raise FetchError("the other Haven sent something that is not a feed page")
    entries, cursor, more = body.get("entries"), body.get("next"), body.get("more")
    if not isinstance(entries, list) or not isinstance(cursor, str) or not isinstance(more, bool):
        raise FetchError("the other Haven sent a feed page without entries, next and more")
    changes, unreadable = [], []
    for position, entry in enumerate(entries):
        change = _change(entry)
        if change is None:
            unreadable.append(f"feed entry {position + 1}: not an entry with an id")
        else:
            changes.append(change)
    return Page(changes, {"cursor": cursor}, unreadable), cursor, more and bool(entries)


def _change(entry: object) -> Change | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), int | str):
        return None
    key = f"haven:{entry['id']}"[:255]
    if entry.get("deleted") or entry.get("enabled") is False:
        return Change(key)
    signal_type = str(entry.get("signal_type") or "")
    # A video's identity is its frames: Haven recomputes the value from them.
    value = entry.get("frames") if signal_type == SignalType.VPDQ else entry.get("value")
    raw_labels, raw_note = entry.get("labels"), entry.get("note")
    labels: list = raw_labels if isinstance(raw_labels, list) else []
    note: str = raw_note if isinstance(raw_note, str) else ""
    signal = Signal(
        signal_type,
        str(value or ""),
        note=note[:200],
        labels=[str(label)[:100] for label in labels[:MAX_LABELS]],
        metadata={"exchange": "haven", "remote_id": entry["id"]},
        external_id=str(entry["id"])[:200],
    )
    return Change(key, [signal])
