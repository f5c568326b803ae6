"""An exchange held in memory, for tests: pages of changes, and a failure on demand."""

from collections.abc import Iterator

from haven.exchanges.sources.base import Change, FetchError, Page


class MemorySource:
    """Pages in order; the checkpoint is the number of pages applied.

    `fail_at` raises a FetchError instead of yielding that page (0-based), to test resume.
    """

    def __init__(self, pages: list[list[Change]], fail_at: int | None = None):
        self.pages = pages
        self.fail_at = fail_at
        self.requested: list[int] = []  # which pages were asked for, in order

    def is_stale(self, checkpoint: dict) -> bool:
        return bool(checkpoint.get("stale"))

    def fetch(self, checkpoint: dict | None) -> Iterator[Page]:
        start = (checkpoint or {}).get("page", 0)
        for number in range(start, len(self.pages)):
            self.requested.append(number)
            if number == self.fail_at:
                raise FetchError(f"page {number} failed")
            yield Page(list(self.pages[number]), {"page": number + 1})
