"""Hosting test set-up: a report with addresses, and a fake RDAP server on 127.0.0.1."""

import pytest

from haven.fetching.resolve import StaticResolver
from haven.hosting.tests.fake_rdap import FakeRdapServer
from haven.reports.models import ReportUrl
from haven.triage.tests.support import make_report


@pytest.fixture
def report(organisation):
    return make_report(organisation)


@pytest.fixture
def report_url(report):
    return ReportUrl.objects.create(
        report=report, url="https://img.example-host.com/a/b.jpg", normalised=""
    )


@pytest.fixture
def other_url(other_organisation):
    other = make_report(other_organisation)
    return ReportUrl.objects.create(report=other, url="https://elsewhere.example/x")


@pytest.fixture
def resolver():
    return StaticResolver(
        {
            "img.example-host.com": ["193.0.6.139", "2001:67c:2e8:22::c100:68b"],
            "www.example-host.com": ["8.8.8.8"],
            "fronted.example": ["104.16.1.1"],
            "inside.example": ["10.1.2.3"],
        }
    )


@pytest.fixture
def rdap_server(settings):
    server = FakeRdapServer()
    # The fake server is on 127.0.0.1, which the address policy refuses but for this.
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]
    settings.RDAP_URL = server.url
    settings.RDAP_TIMEOUT_SECONDS = 2.0
    yield server
    server.close()
