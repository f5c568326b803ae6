"""The helpline statistics page and its CSV and JSON exports, for supervisors and
administrators of the organisation (counsellors, analysts and partners are refused)."""

import json
from datetime import date
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from haven.accounts.access import supervisor_required
from haven.stats import helpline, helpline_charts, helpline_exports
from haven.stats.forms import RangeForm
from haven.stats.helpline_emergencies import band_rule
from haven.stats.services import DateRange
from haven.stats.views import _export

QUICK_DAYS = (30, 90, 365)


class HelplineRangeForm(RangeForm):
    """A quarter by default: helplines report to their network by quarter or by year."""

    default_days = 90


@require_GET
@supervisor_required
def overview(request):
    today = timezone.localdate()
    form = HelplineRangeForm(request.GET, today=today)
    date_range = form.date_range
    figures = helpline.figures(request.user.organisation, date_range)
    last_year = DateRange(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    contact_tables = {table.key: table for table in figures.contact_tables}
    return render(
        request,
        "stats/helpline.html",
        {
            "form": form,
            "figures": figures,
            "date_range": date_range,
            "contact_tables": contact_tables,
            "quick_days": [
                (days, date_range == DateRange.last_days(days, today)) for days in QUICK_DAYS
            ],
            "last_year": {
                "year": last_year.start.year,
                "query": urlencode({"from": last_year.start, "to": last_year.end}),
                "current": date_range == last_year,
            },
            "query": urlencode({"from": date_range.start, "to": date_range.end}),
            "arrival_chart": helpline_charts.arrival_chart(figures),
            "band_rule": band_rule(figures.target_minutes),
            "share_chart": helpline_charts.share_chart(figures),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


@require_GET
@supervisor_required
@never_cache
def export(request, fmt: str):
    if fmt == "csv":

        def write_csv(figures, out):
            # A byte-order mark first: without it Excel reads the file as the local
            # code page and mangles "—" and "<5"'s neighbours; other tools skip it.
            out.write("\ufeff")
            return helpline_exports.write_csv(figures, out)

        return _export(
            request,
            "helpline_csv",
            "haven-helpline",
            helpline.figures,
            write_csv,
            form_class=HelplineRangeForm,
        )
    if fmt == "json":

        def write(figures, out):
            document = helpline_exports.as_json(figures)
            json.dump(document, out, indent=2, ensure_ascii=False)
            return helpline_exports.json_rows(document)

        return _export(
            request,
            "helpline_json",
            "haven-helpline",
            helpline.figures,
            write,
            form_class=HelplineRangeForm,
            extension="json",
        )
    raise Http404("No such export format.")
