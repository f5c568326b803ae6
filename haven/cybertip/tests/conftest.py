"""CyberTipline test set-up: a fake NCMEC on 127.0.0.1, the reference schema, and cases."""

import os
from pathlib import Path

import pytest

from haven.cybertip.tests.fake_ncmec import FakeCyberTipline
from haven.reports.models import Category
from haven.triage.tests.support import make_report

# The browser test's fixtures (a Chromium per module, contexts on the live server).
from haven.web.tests.conftest import browser, new_context, site  # noqa: F401

REPOSITORY = Path(__file__).resolve().parents[3]


def reference_schema() -> Path | None:
    """The schema the issue names (shared/data/reference/ncmec beside the repository):
    HAVEN_REFERENCE_DATA, else ../shared/data/reference, else the workplace's copy."""
    for folder in (
        os.environ.get("HAVEN_REFERENCE_DATA"),
        REPOSITORY.parent / "shared" / "data" / "reference",
        "/work/shared/data/reference",
    ):
        if folder and (Path(folder) / "ncmec" / "cybertipline-report.xsd").exists():
            return Path(folder) / "ncmec" / "cybertipline-report.xsd"
    return None


REFERENCE_SCHEMA = reference_schema()
needs_reference = pytest.mark.skipif(
    REFERENCE_SCHEMA is None,
    reason="reference schema not found: set HAVEN_REFERENCE_DATA to shared/data/reference",
)


@pytest.fixture
def ncmec():
    server = FakeCyberTipline(schema=REFERENCE_SCHEMA)
    yield server
    server.stop()


@pytest.fixture
def ncmec_settings(settings, ncmec):
    settings.NCMEC_API_URL = ncmec.url
    settings.NCMEC_USERNAME = "usr123"
    settings.NCMEC_PASSWORD = "pswd123"
    settings.NCMEC_TIMEOUT_SECONDS = 5
    return settings


@pytest.fixture
def case(organisation):
    """A report of sexual imagery at one address, as the public sends them."""
    report = make_report(
        organisation,
        category=Category.SEXUAL_IMAGERY,
        description="Pictures of a child on this page.",
        platform="Example Forum",
    )
    report.urls.create(url="https://bad.example.net/gallery/1.html")
    return report
