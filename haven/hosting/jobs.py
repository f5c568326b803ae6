"""Background jobs of the hosting app (registered by HostingConfig.ready)."""

from haven.hosting import services
from haven.jobs.registry import job_handler
from haven.reports.models import ReportUrl


@job_handler("hosting.locate_url")
def locate_url(url_id: int) -> None:
    """Look up where a reported address is hosted (queued after each capture)."""
    report_url = ReportUrl.objects.select_related("report").filter(pk=url_id).first()
    if report_url is None:
        return  # the report was deleted meanwhile: nothing to do
    services.locate(report_url)
