"""Accounts test set-up: pages are rendered through the whole middleware stack."""

import pytest


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path):
    # WhiteNoise warns (an error here) when STATIC_ROOT does not exist, as it does not
    # before `collectstatic`; the stylesheet is found through the finders instead.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
