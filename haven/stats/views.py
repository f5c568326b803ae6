"""The statistics page and its CSV exports, for supervisors and administrators."""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from haven.accounts.access import supervisor_required
from haven.audit.services import Actor, client_ip, record
from haven.stats import charts, exports, services
from haven.stats.forms import QUICK_DAYS, RangeForm


@require_GET
@supervisor_required
def overview(request):
    today = timezone.localdate()
    form = RangeForm(request.GET, today=today)
    date_range = form.date_range
    summary = services.summarise(request.user.organisation, date_range)
    query = urlencode({"from": date_range.start, "to": date_range.end})
    return render(
        request,
        "stats/overview.html",
        {
            "form": form,
            "summary": summary,
            "date_range": date_range,
            "quick_days": [
                (days, date_range == services.DateRange.last_days(days, today))
                for days in QUICK_DAYS
            ],
            "query": query,
            "received_chart": charts.received_chart(summary),
            "deadline_chart": charts.deadline_chart(summary),
            "periods_caption": f"Reports and deadlines per {summary.granularity}",
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


@require_GET
@supervisor_required
@never_cache
def export_periods(request):
    return _export(request, "periods", "haven-stats", services.summarise, exports.write_periods)


@require_GET
@supervisor_required
@never_cache
def export_reports(request):
    return _export(
        request, "reports", "haven-reports", services.report_lines, exports.write_reports
    )


def _export(request, kind: str, prefix: str, gather, write) -> HttpResponse:
    """One CSV export: check the range, write the rows, audit how many went out."""
    form = RangeForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return HttpResponse(_errors(form), status=400, content_type="text/plain")
    date_range = form.date_range
    response = _csv_response(f"{prefix}-{date_range.start}-to-{date_range.end}.csv")
    rows = write(gather(request.user.organisation, date_range), response)
    _audit_export(request, kind, date_range, rows)
    return response


def _csv_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _errors(form: RangeForm) -> str:
    return "\n".join(str(message) for messages in form.errors.values() for message in messages)


def _audit_export(request, kind: str, date_range: services.DateRange, rows: int) -> None:
    record(
        Actor.for_user(request.user, client_ip(request)),
        "stats.exported",
        export=kind,
        date_from=date_range.start.isoformat(),
        date_to=date_range.end.isoformat(),
        rows=rows,
    )
