"""The HMA API tests' shared set-up."""

import pytest


@pytest.fixture(autouse=True)
def _index_follows_every_query(settings):
    # Test requests never commit, so the index is not told of changes after commit; it
    # reads the change log at every query instead, as it would a second later.
    settings.PDQ_INDEX_POLL_SECONDS = 0
