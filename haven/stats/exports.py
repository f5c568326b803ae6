"""CSV files of the statistics: one row per period, or one row per report.

The per-report file carries codes, times, the deadline outcome and the classification
labels (as `scheme:label` codes) only: no description, contact, URL, platform or file,
so that it identifies as little as possible. Every
value is a code, a number or a time, never free text, so no cell can be read as a
spreadsheet formula.
"""

import csv
from collections.abc import Iterable
from datetime import datetime
from typing import TextIO

from django.utils import timezone

from haven.reports.models import Category
from haven.stats.services import ReportLine, Summary

REPORT_COLUMNS = [
    "reference",
    "category",
    "source",
    "status",
    "urgency",
    "received_at",
    "due_at",
    "first_action_at",
    "closed_at",
    "deadline",
    "classification",
]


def period_columns() -> list[str]:
    return [
        "period_start",
        "period_end",
        "received",
        *Category.values,
        "first_action_median_hours",
        "first_action_p90_hours",
        "deadlines_met",
        "deadlines_missed",
        "deadlines_met_share",
    ]


def write_periods(summary: Summary, out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(period_columns())
    for period in summary.periods:
        writer.writerow(
            [
                period.start.isoformat(),
                period.end.isoformat(),
                period.received,
                *(period.by_category[c] for c in Category.values),
                _number(period.first_action.median),
                _number(period.first_action.p90),
                period.deadlines.met,
                period.deadlines.missed,
                _number(period.deadlines.share, 4),
            ]
        )
    return len(summary.periods)


def write_reports(lines: Iterable[ReportLine], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    count = 0
    for line in lines:
        writer.writerow(
            [
                line.reference,
                line.category,
                line.source,
                line.status,
                line.urgency,
                _time(line.received_at),
                _time(line.due_at),
                _time(line.first_action_at),
                _time(line.closed_at),
                line.deadline,
                line.classification,
            ]
        )
        count += 1
    return count


def _number(value: float | None, places: int = 2) -> str:
    return "" if value is None else f"{value:.{places}f}"


def _time(value: datetime | None) -> str:
    return "" if value is None else timezone.localtime(value).isoformat(timespec="seconds")
