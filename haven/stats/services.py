"""Statistics for an organisation's reports over a date range.

Everything here is computed in Python from a handful of columns, fetched in one query,
so that the same numbers come out on SQLite and PostgreSQL. Percentiles interpolate
between the closest ranks, as PostgreSQL's `percentile_cont` and numpy do, so that a
future move into SQL gives the same answers.

Periods and days are calendar days in the site's time zone (settings.TIME_ZONE).
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice

from django.utils import timezone

from haven.classification.services import summary_rows
from haven.reports.models import Category, Report, Status, Urgency

DAY, WEEK, MONTH = "day", "week", "month"
MET, MISSED, NOT_YET_DUE = "met", "missed", "not yet due"
# A report of something already in an open case joins that case and needs no response
# of its own, so it is left out of the deadlines.
JOINED_CASE = "joined a case"


@dataclass(frozen=True)
class DateRange:
    """Calendar days from `start` to `end`, both included."""

    start: date
    end: date

    @classmethod
    def last_days(cls, days: int, today: date) -> "DateRange":
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """The first instant of `start` and the first instant after `end`."""
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )


@dataclass(frozen=True)
class Durations:
    """How long something took, in hours: how many, the median and the 90th percentile."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, hours: Iterable[float]) -> "Durations":
        ordered = sorted(hours)
        return cls(len(ordered), percentile(ordered, 0.5), percentile(ordered, 0.9))


@dataclass(frozen=True)
class Deadlines:
    """Deadlines met and missed; reports not yet due and without a response are left out."""

    met: int = 0
    missed: int = 0
    not_yet_due: int = 0

    @property
    def assessed(self) -> int:
        return self.met + self.missed

    @property
    def share(self) -> float | None:
        return self.met / self.assessed if self.assessed else None

    @classmethod
    def of(cls, outcomes: Iterable[str]) -> "Deadlines":
        counts = Counter(outcomes)
        return cls(counts[MET], counts[MISSED], counts[NOT_YET_DUE])


@dataclass(frozen=True)
class CategoryStats:
    category: str
    label: str
    count: int
    first_action: Durations
    to_close: Durations
    deadlines: Deadlines


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class PeriodStats:
    """Reports received in one day, week or month, clipped to the range."""

    start: date
    end: date
    received: int
    by_category: dict[str, int]
    first_action: Durations
    deadlines: Deadlines


@dataclass(frozen=True)
class Summary:
    date_range: DateRange
    granularity: str
    total: int
    first_action: Durations
    to_close: Durations
    deadlines: Deadlines
    by_category: list[CategoryStats] = field(default_factory=list)
    by_status: list[StatusCount] = field(default_factory=list)
    periods: list[PeriodStats] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    category: str
    status: str
    received_at: datetime
    due_at: datetime
    first_action_at: datetime | None
    closed_at: datetime | None


_ROW_FIELDS = ("category", "status", "received_at", "due_at", "first_action_at", "closed_at")


def percentile(ordered: list[float], fraction: float) -> float | None:
    """The value below which `fraction` of the sorted values fall, interpolated linearly."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def hours_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def deadline_outcome(
    due_at: datetime,
    first_action_at: datetime | None,
    closed_at: datetime | None,
    now: datetime,
    status: str = "",
) -> str:
    """Met, missed or not yet due (or joined a case, which is not judged).

    The response is the first action, or the closing of a report closed without one:
    closing is then the decision. With no response, the deadline is missed once it has
    passed and not yet judged before.
    """
    if status == Status.JOINED:
        return JOINED_CASE
    responded_at = first_action_at or closed_at
    if responded_at is not None:
        return MET if responded_at <= due_at else MISSED
    return MISSED if due_at < now else NOT_YET_DUE


def granularity_for(date_range: DateRange) -> str:
    # About 4 to 50 bars whatever the range, so the chart stays readable on a phone.
    if date_range.days <= 31:
        return DAY
    if date_range.days <= 366:
        return WEEK
    return MONTH


def reports_in_range(organisation, date_range: DateRange):
    start, end = date_range.bounds()
    return Report.objects.filter(
        organisation=organisation, received_at__gte=start, received_at__lt=end
    )


def summarise(organisation, date_range: DateRange, now: datetime | None = None) -> Summary:
    now = now or timezone.now()
    rows = [
        _Row(*values)
        for values in reports_in_range(organisation, date_range).values_list(*_ROW_FIELDS)
    ]
    granularity = granularity_for(date_range)
    return Summary(
        date_range=date_range,
        granularity=granularity,
        total=len(rows),
        first_action=_first_action(rows),
        to_close=_to_close(rows),
        deadlines=_deadlines(rows, now),
        by_category=_by_category(rows, now),
        by_status=_by_status(rows),
        periods=_periods(rows, date_range, granularity, now),
    )


def _first_action(rows: list[_Row]) -> Durations:
    return Durations.of(
        hours_between(r.received_at, r.first_action_at) for r in rows if r.first_action_at
    )


def _to_close(rows: list[_Row]) -> Durations:
    return Durations.of(hours_between(r.received_at, r.closed_at) for r in rows if r.closed_at)


def _deadlines(rows: list[_Row], now: datetime) -> Deadlines:
    return Deadlines.of(
        deadline_outcome(r.due_at, r.first_action_at, r.closed_at, now, r.status) for r in rows
    )


def _by_category(rows: list[_Row], now: datetime) -> list[CategoryStats]:
    grouped: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        grouped[row.category].append(row)
    return [
        CategoryStats(
            category=category.value,
            label=str(category.label),
            count=len(grouped[category.value]),
            first_action=_first_action(grouped[category.value]),
            to_close=_to_close(grouped[category.value]),
            deadlines=_deadlines(grouped[category.value], now),
        )
        for category in Category
    ]


def _by_status(rows: list[_Row]) -> list[StatusCount]:
    counts = Counter(row.status for row in rows)
    return [StatusCount(s.value, str(s.label), counts[s.value]) for s in Status]


def period_start(day: date, granularity: str) -> date:
    """The first day of the calendar day, ISO week (from Monday) or month holding `day`."""
    if granularity == WEEK:
        return day - timedelta(days=day.weekday())
    if granularity == MONTH:
        return day.replace(day=1)
    return day


def _next_period(start: date, granularity: str) -> date:
    if granularity == WEEK:
        return start + timedelta(days=7)
    if granularity == MONTH:
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def period_spans(date_range: DateRange, granularity: str) -> list[tuple[date, date]]:
    """Each period's first and last day, the first and last clipped to the range."""
    spans = []
    start = period_start(date_range.start, granularity)
    while start <= date_range.end:
        following = _next_period(start, granularity)
        spans.append(
            (max(start, date_range.start), min(following - timedelta(days=1), date_range.end))
        )
        start = following
    return spans


def _periods(
    rows: list[_Row], date_range: DateRange, granularity: str, now: datetime
) -> list[PeriodStats]:
    grouped: dict[date, list[_Row]] = defaultdict(list)
    for row in rows:
        local_day = timezone.localtime(row.received_at).date()
        grouped[max(period_start(local_day, granularity), date_range.start)].append(row)
    periods = []
    for start, end in period_spans(date_range, granularity):
        in_period = grouped[start]
        counts = Counter(row.category for row in in_period)
        periods.append(
            PeriodStats(
                start=start,
                end=end,
                received=len(in_period),
                by_category={c.value: counts[c.value] for c in Category},
                first_action=_first_action(in_period),
                deadlines=_deadlines(in_period, now),
            )
        )
    return periods


@dataclass(frozen=True)
class ReportLine:
    """One report for export: no description, contact, URL or anything else identifying."""

    reference: str
    category: str
    source: str
    status: str
    urgency: str
    received_at: datetime
    due_at: datetime
    first_action_at: datetime | None
    closed_at: datetime | None
    deadline: str
    # Labels as codes, `scheme:label;…` (no free text: see exports.py).
    classification: str = ""


def report_lines(
    organisation, date_range: DateRange, now: datetime | None = None
) -> Iterator[ReportLine]:
    now = now or timezone.now()
    columns = ("pk", "reference", "category", "source", "status", "urgency", *_ROW_FIELDS[2:])
    values = (
        reports_in_range(organisation, date_range)
        .order_by("received_at", "pk")
        .values_list(*columns)
        .iterator(chunk_size=_LINES_CHUNK)
    )
    while chunk := list(islice(values, _LINES_CHUNK)):
        # The labels of a chunk's reports in one query, not one per report.
        labels = classification_codes([row[0] for row in chunk])
        for pk, ref, category, source, status, urgency, received, due, first, closed in chunk:
            yield ReportLine(
                reference=ref,
                category=category,
                source=source,
                status=status,
                urgency=Urgency(urgency).name.lower(),
                received_at=received,
                due_at=due,
                first_action_at=first,
                closed_at=closed,
                deadline=deadline_outcome(due, first, closed, now, status),
                classification=labels.get(pk, ""),
            )


_LINES_CHUNK = 2000


def classification_codes(report_ids: list[int]) -> dict[int, str]:
    """`scheme:label;…` per report, each pair once, in the organisation's scheme order."""
    found = {}
    for report_id, rows in summary_rows(report_ids).items():
        pairs = dict.fromkeys(f"{row.scheme_key}:{row.label_key}" for row in rows)
        found[report_id] = ";".join(pairs)
    return found
