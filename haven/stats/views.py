"""The statistics pages and their exports, for supervisors and administrators."""

import json
from datetime import date
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from haven.accounts.access import supervisor_required
from haven.audit.services import Actor, client_ip, record
from haven.stats import charts, exports, removal, removal_exports, services
from haven.stats.forms import QUICK_DAYS, RangeForm, RemovalRangeForm
from haven.stats.removal_api import RemovalSerializer


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


def _export(
    request, kind: str, prefix: str, gather, write, form_class=RangeForm, extension="csv"
) -> HttpResponse:
    """One export: check the range, write the rows, audit how many went out."""
    form = form_class(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return HttpResponse(_errors(form), status=400, content_type="text/plain")
    date_range = form.date_range
    filename = f"{prefix}-{date_range.start}-to-{date_range.end}.{extension}"
    response = _download_response(filename, extension)
    rows = write(gather(request.user.organisation, date_range), response)
    _audit_export(request, kind, date_range, rows)
    return response


def _download_response(filename: str, extension: str = "csv") -> HttpResponse:
    content_type = "application/json" if extension == "json" else "text/csv; charset=utf-8"
    response = HttpResponse(content_type=content_type)
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


@require_GET
@supervisor_required
def removal_overview(request):
    today = timezone.localdate()
    form = RemovalRangeForm(request.GET, today=today)
    date_range = form.date_range
    figures = removal.figures(request.user.organisation, date_range)
    last_year = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return render(
        request,
        "stats/removal.html",
        {
            "form": form,
            "figures": figures,
            "overall": figures.overall,
            "date_range": date_range,
            "quick_days": [
                (days, date_range == services.DateRange.last_days(days, today))
                for days in (30, 90, 365)
            ],
            "last_year": {
                "year": today.year - 1,
                "query": urlencode({"from": last_year[0], "to": last_year[1]}),
                "current": date_range == services.DateRange(*last_year),
            },
            "query": urlencode({"from": date_range.start, "to": date_range.end}),
            "chart": charts.removal_chart(figures.overall),
            "distribution_caption": "Notified takedowns by time from first notice to removal",
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


@require_GET
@supervisor_required
@never_cache
def export_takedowns(request):
    def write(rows, out):
        report_ids = sorted({row.report_id for row in rows})
        summaries = removal.classification_summaries(report_ids)
        return removal_exports.write_takedowns(rows, summaries, out, timezone.now())

    return _export(
        request,
        "removal_takedowns",
        "haven-takedowns",
        removal.takedown_rows,
        write,
        form_class=RemovalRangeForm,
    )


@require_GET
@supervisor_required
@never_cache
def export_removal_figures(request):
    return _export(
        request,
        "removal_figures",
        "haven-removal",
        removal.figures,
        removal_exports.write_figures,
        form_class=RemovalRangeForm,
    )


@require_GET
@supervisor_required
@never_cache
def export_removal_json(request):
    def write(figures, out):
        json.dump(RemovalSerializer(figures).data, out, indent=2)
        return 1 + len(figures.by_country) + len(figures.by_host)

    return _export(
        request,
        "removal_figures_json",
        "haven-removal",
        removal.figures,
        write,
        form_class=RemovalRangeForm,
        extension="json",
    )
