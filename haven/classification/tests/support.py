"""Helpers for classification tests: reports with addresses and files, and submissions."""

from haven.audit.services import Actor
from haven.fetching.urls import normalise
from haven.reports.intake import ReportInput, submit_report
from haven.reports.models import ReportUrl, Source
from haven.triage.tests.support import add_image, make_report

__all__ = ["add_image", "add_url", "make_report", "submit"]


def add_url(report, url: str) -> ReportUrl:
    return ReportUrl.objects.create(report=report, url=url, normalised=normalise(url))


def submit(organisation, capture, **fields):
    """A public report through intake, with its background jobs run."""
    data = ReportInput(**({"category": "sexual_imagery"} | fields))
    with capture(execute=True):
        return submit_report(organisation, Source.PUBLIC, data, Actor.public())
