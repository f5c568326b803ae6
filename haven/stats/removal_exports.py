"""CSV files of the removal statistics, for an annual report.

`takedowns`: one row per takedown, with its own reference and its report's, the
classification of its address (or of the report, when the address has none), the host
and country, the times and what it took (reminders, escalation, forwarding). Never the
reported address, which points at the material itself.

`figures`: one row for all takedowns, then one per country and one per host, with the
same figures as the page (counts, medians, 90th percentiles, shares, distribution).

No count is suppressed, as in the other statistics exports: the figures describe hosts
and countries, not people, and every median comes with the count it rests on so that
a reader can judge a figure resting on few takedowns. Host names and classification
labels are text that came from outside or from an administrator, so a cell that a
spreadsheet would read as a formula is prefixed with an apostrophe.
"""

import csv
from collections.abc import Iterable
from datetime import datetime
from typing import TextIO

from django.utils import timezone

from haven.stats.removal import (
    GroupFigures,
    RemovalFigures,
    TakedownRow,
    country_name,
    takedown_classifications,
)

TAKEDOWN_COLUMNS = [
    "takedown_reference",
    "report_reference",
    "classification",
    "host",
    "country",
    "country_name",
    "state",
    "received_at",
    "first_notice_at",
    "removed_at",
    "hours_report_to_notice",
    "hours_notice_to_removal",
    "hours_report_to_removal",
    "still_online",
    "hours_online_so_far",
    "reminders",
    "escalated",
    "forwarded",
    "reappeared",
]

_WINDOW_KEYS = ["24h", "3d", "7d"]
_BUCKET_KEYS = [
    "up_to_1h",
    "1h_to_6h",
    "6h_to_24h",
    "1d_to_3d",
    "3d_to_7d",
    "7d_to_14d",
    "14d_to_28d",
    "28d_to_42d",
    "over_42d",
    "still_online",
]

_TIMINGS = ["report_to_notice", "notice_to_removal", "report_to_removal"]


def figure_columns() -> list[str]:
    columns = [
        "group",
        "key",
        "name",
        "takedowns",
        "notified",
        "removed",
        "still_online",
        "forwarded",
        "escalated",
        "stopped",
        "reappeared",
    ]
    for timing in _TIMINGS:
        columns += [
            f"{timing}_measured",
            f"{timing}_still_running",
            f"{timing}_median_hours",
            f"{timing}_median_at_least",
            f"{timing}_p90_hours",
            f"{timing}_p90_at_least",
        ]
    for key in _WINDOW_KEYS:
        columns += [f"removed_within_{key}", f"judged_{key}", f"share_within_{key}"]
    columns += [f"bucket_{key}" for key in _BUCKET_KEYS]
    columns.append("longest_online_hours")
    return columns


def write_figures(figures: RemovalFigures, out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(figure_columns())
    groups = [("all", figures.overall)]
    groups += [("country", g) for g in figures.by_country]
    groups += [("host", g) for g in figures.by_host]
    for kind, group in groups:
        writer.writerow([kind, *_figure_cells(group)])
    return len(groups)


def _figure_cells(group: GroupFigures) -> list[str | int]:
    cells: list[str | int] = [
        cell(group.key),
        cell(group.name),
        group.takedowns,
        group.notified,
        group.removed,
        group.still_online,
        group.forwarded,
        group.escalated,
        group.stopped,
        group.reappeared,
    ]
    for timing in (group.report_to_notice, group.notice_to_removal, group.report_to_removal):
        cells += [
            timing.finished,
            timing.running,
            number(timing.median),
            _yes_no(timing.median_at_least),
            number(timing.p90),
            _yes_no(timing.p90_at_least),
        ]
    for share in group.shares:
        cells += [share.within, share.judged, number(share.share, 4)]
    cells += [bucket.count for bucket in group.distribution]
    cells.append(number(group.longest_online))
    return cells


def write_takedowns(
    rows: Iterable[TakedownRow], classifications: dict[int, str], out: TextIO, now: datetime
) -> int:
    """`classifications`: each report's, by report id; a takedown's own address's labels
    are shown instead when it has any (one more query per 500 takedowns)."""
    rows = list(rows)
    labels = takedown_classifications(rows, classifications)
    writer = csv.writer(out)
    writer.writerow(TAKEDOWN_COLUMNS)
    count = 0
    for row in rows:
        online = row.still_online
        writer.writerow(
            [
                row.takedown_reference,
                row.reference,
                cell(labels.get(row.pk, "")),
                cell(row.host_name),
                row.country,
                cell(country_name(row.country) if row.country else ""),
                row.state,
                _time(row.received_at),
                _time(row.first_notice_at),
                _time(row.removed_at),
                number(row.report_to_notice()),
                number(row.notice_to_removal()),
                number(row.report_to_removal()),
                _yes_no(online),
                number((now - row.received_at).total_seconds() / 3600 if online else None),
                row.reminders_sent,
                _yes_no(row.escalated_at is not None),
                _yes_no(row.forwarded),
                row.reappeared_count,
            ]
        )
        count += 1
    return count


def cell(text: str) -> str:
    """Text a spreadsheet would take for a formula, made inert."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def number(value: float | None, places: int = 2) -> str:
    return "" if value is None else f"{value:.{places}f}"


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _time(value: datetime | None) -> str:
    return "" if value is None else timezone.localtime(value).isoformat(timespec="seconds")
