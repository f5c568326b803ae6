"""Background fetches of reported addresses."""

from django.db import transaction

from haven.fetching import services
from haven.fetching.models import Purpose
from haven.jobs.registry import handler_for, job_handler
from haven.jobs.services import enqueue
from haven.reports.models import ReportUrl

LOCATE_JOB = "hosting.locate_url"


@job_handler("fetching.capture_url")
def capture_url(url_id: int) -> None:
    """Capture what a reported address serves (hash and match it), then locate its host."""
    report_url = ReportUrl.objects.select_related("report").filter(pk=url_id).first()
    if report_url is None:
        return  # the report was deleted meanwhile
    services.check(report_url, Purpose.CAPTURE)
    if _registered(LOCATE_JOB):
        with transaction.atomic():
            enqueue(LOCATE_JOB, url_id=url_id)


def _registered(name: str) -> bool:
    try:
        handler_for(name)
    except KeyError:
        return False
    return True
