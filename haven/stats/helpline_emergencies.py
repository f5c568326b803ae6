"""Emergencies in the helpline statistics: how soon a responder acknowledged and
reached the child, the share reached within the target, by district and by week, and
the distribution of arrival times.

Each group (all, a district, a week) is a row of counts that add up (emergencies =
within + missed + not yet due), and each count's column adds up to all; the
distribution's bars and the emergencies never reached add up to all too, and its first
four bars (a quarter of the target each) to those within the target. All of these are
lines for the suppressor."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from haven.emergencies.models import Emergency, EmergencyStatus
from haven.helpline.models import HelplineSettings
from haven.network.models import District
from haven.stats.helpline_suppression import Count, Key, Suppressor
from haven.stats.helpline_tables import CellSpec, Column, Measure, RowSpec, ShareOf, TableSpec
from haven.stats.services import MONTH, WEEK, DateRange, period_spans, period_start

DEFAULT_TARGET_MINUTES = 60
NO_DISTRICT = "none"
# The arrival distribution: eight bars of a quarter of the target each (so the target is
# the boundary after the fourth), then "later" and "no arrival".
QUARTERS = 8
# Between the bounds of a band ("0 to 15 min" with an en dash), in the table and the chart.
DASH = "\N{EN DASH}"


@dataclass(frozen=True)
class Bucket:
    """One bar of the arrival distribution: minutes from `lower` (excluded, but 0
    included) to `upper` (included); `upper` None for "later", both None for none."""

    label: str
    lower: float | None
    upper: float | None
    count: Count


@dataclass(frozen=True)
class EmergencyRow:
    opened_at: datetime
    target_at: datetime
    acknowledged_at: datetime | None
    arrived_at: datetime | None
    district_id: int | None
    closed: bool

    def outcome(self, now: datetime) -> str:
        """within, missed (arrived late, or not and never will or too late), or pending."""
        if self.arrived_at is not None:
            return "within" if self.arrived_at <= self.target_at else "missed"
        if self.closed or self.target_at < now:
            return "missed"
        return "pending"

    def minutes_to(self, moment: datetime | None) -> float | None:
        if moment is None:
            return None
        return max(0.0, (moment - self.opened_at).total_seconds() / 60)


@dataclass(frozen=True)
class Timing:
    median: Measure
    p90: Measure

    @classmethod
    def of(cls, minutes: Iterable[float | None]) -> "Timing":
        ordered = sorted(m for m in minutes if m is not None)
        return cls(Measure.of(ordered, 0.5), Measure.of(ordered, 0.9))


EMERGENCY_MEASURES = ["emergencies", "within", "missed", "pending", "no_arrival"]
EMERGENCY_COLUMNS = [
    Column("emergencies", "Emergencies"),
    Column("within", "Reached within target"),
    Column("missed", "Target missed"),
    Column("pending", "Not yet due"),
    Column("no_arrival", "No arrival"),
    Column("share_within", "Share within target"),
    Column("arrival_median", "Minutes to arrival, median"),
    Column("arrival_p90", "Minutes to arrival, 90th percentile"),
    Column("acknowledge_median", "Minutes to acknowledgement, median"),
    Column("acknowledge_p90", "Minutes to acknowledgement, 90th percentile"),
]


def share_spec(group: tuple) -> ShareOf:
    return ShareOf(
        (*group, "within"), (*group, "missed"), (*group, "emergencies"), (*group, "pending")
    )


class Emergencies:
    """The emergency figures, registered with the suppressor: all, by district and by
    week (each a row of counts that add up, and columns that add up to all), and the
    arrival distribution."""

    def __init__(self, counts: Suppressor, organisation, date_range: DateRange, now):
        self.counts, self.now = counts, now
        self.target_minutes = _target_minutes(organisation)
        start, end = date_range.bounds()
        found = Emergency.objects.filter(
            organisation=organisation, opened_at__gte=start, opened_at__lt=end
        ).values_list(
            "opened_at", "target_at", "acknowledged_at", "arrived_at", "district_id", "status"
        )
        self.rows = [
            EmergencyRow(*values[:5], closed=values[5] == EmergencyStatus.CLOSED)
            for values in found
        ]
        everyone = ("e", "all")
        self._group(everyone, self.rows)
        self.acknowledge = Timing.of(r.minutes_to(r.acknowledged_at) for r in self.rows)
        self.arrival = Timing.of(r.minutes_to(r.arrived_at) for r in self.rows)
        self.granularity = MONTH if date_range.days > 366 else WEEK
        self.tables = [
            self._by_district(organisation, everyone),
            self._by_period(date_range, everyone),
        ]
        self.buckets = self._distribution(everyone)

    def _group(self, group: tuple, rows: list[EmergencyRow]) -> None:
        outcomes = Counter(r.outcome(self.now) for r in rows)
        self.counts.add((*group, "emergencies"), len(rows))
        for outcome in ("within", "missed", "pending"):
            self.counts.add((*group, outcome), outcomes[outcome])
        self.counts.add((*group, "no_arrival"), sum(r.arrived_at is None for r in rows))
        self.counts.line(
            (*group, "emergencies"), [(*group, o) for o in ("within", "missed", "pending")]
        )

    def _row(
        self, key: str, label: str, group: tuple, rows: list[EmergencyRow], times: bool = True
    ) -> RowSpec:
        """Counts and the share; with `times`, the medians and 90th percentiles too (a
        week rarely has the 5 emergencies they need, so the weeks leave them out)."""
        acknowledge = Timing.of(r.minutes_to(r.acknowledged_at) for r in rows)
        arrival = Timing.of(r.minutes_to(r.arrived_at) for r in rows)
        cells: list[CellSpec] = [(*group, m) for m in EMERGENCY_MEASURES]
        cells.append(share_spec(group))
        if times:
            cells += [arrival.median, arrival.p90, acknowledge.median, acknowledge.p90]
        return RowSpec(key, label, cells)

    def _columns_add_up(self, everyone: tuple, groups: list[tuple]) -> None:
        for measure in EMERGENCY_MEASURES:
            self.counts.line((*everyone, measure), [(*g, measure) for g in groups])

    def _by_district(self, organisation, everyone: tuple) -> TableSpec:
        seen = {r.district_id for r in self.rows}
        districts: list[tuple[int | None, str]] = [
            (d.pk, str(d))
            for d in District.objects.filter(organisation=organisation)
            if d.active or d.pk in seen
        ]
        known = {pk for pk, _ in districts}
        districts.append((None, "No district recorded"))
        rows, groups = [], []
        for district_id, name in districts:
            group = ("e", "district", district_id or NO_DISTRICT)
            # A district since deleted (or, impossibly, another organisation's) is none.
            members = [
                r
                for r in self.rows
                if r.district_id == district_id
                or (district_id is None and r.district_id not in known)
            ]
            self._group(group, members)
            groups.append(group)
            rows.append(self._row(str(district_id or NO_DISTRICT), name, group, members))
        self._columns_add_up(everyone, groups)
        return TableSpec(
            "emergencies_by_district",
            "Emergencies by district",
            "District",
            list(EMERGENCY_COLUMNS),
            rows,
            self._row("all", "All emergencies", everyone, self.rows),
        )

    def _by_period(self, date_range: DateRange, everyone: tuple) -> TableSpec:
        by_start: dict[date, list[EmergencyRow]] = {}
        for row in self.rows:
            day = timezone.localtime(row.opened_at).date()
            start = max(period_start(day, self.granularity), date_range.start)
            by_start.setdefault(start, []).append(row)
        rows, groups = [], []
        for start, end in period_spans(date_range, self.granularity):
            group = ("e", "period", start.isoformat())
            members = by_start.get(start, [])
            self._group(group, members)
            groups.append(group)
            label = _period_label(start, end)
            rows.append(self._row(start.isoformat(), label, group, members, times=False))
        self._columns_add_up(everyone, groups)
        return TableSpec(
            "emergencies_by_period",
            f"Emergencies by {self.granularity}",
            "Week starting" if self.granularity == WEEK else "Month",
            EMERGENCY_COLUMNS[:6],
            rows,
            self._row("all", "All emergencies", everyone, self.rows, times=False),
        )

    def _distribution(self, everyone: tuple) -> list[tuple[Key, str, float | None, float | None]]:
        step = self.target_minutes / 4
        edges = [step * n for n in range(QUARTERS + 1)]
        buckets: list[tuple[Key, str, float | None, float | None]] = [
            (
                ("e", "bucket", n),
                f"{_minutes(edges[n])}{DASH}{_minutes(edges[n + 1])} min",
                edges[n],
                edges[n + 1],
            )
            for n in range(QUARTERS)
        ]
        buckets.append(
            (("e", "bucket", "later"), f"Over {_minutes(edges[-1])} min", edges[-1], None)
        )
        tally: Counter = Counter()
        for row in self.rows:
            minutes = row.minutes_to(row.arrived_at)
            if minutes is None:
                continue
            tally[next((n for n in range(QUARTERS) if minutes <= edges[n + 1]), QUARTERS)] += 1
        for index, (key, *_) in enumerate(buckets):
            self.counts.add(key, tally[index])
        # Arrived and not arrived make up all; the first four bars are roughly those
        # within the target (exactly, unless the target changed during the range).
        self.counts.line(
            (*everyone, "emergencies"), [b[0] for b in buckets] + [(*everyone, "no_arrival")]
        )
        self.counts.line((*everyone, "within"), [b[0] for b in buckets[:4]])
        buckets.append(((*everyone, "no_arrival"), "No arrival", None, None))
        return buckets


def band_rule(target_minutes: float) -> str:
    """How the arrival bands meet, said once for the chart and the table alike."""
    first = _minutes(target_minutes / 4)
    return (
        f"Each band includes its upper bound: an arrival after exactly {first} minutes "
        f"counts in “0{DASH}{first} min”, one after {first} minutes and a few seconds in the "
        "next."
    )


def _target_minutes(organisation) -> int:
    found = HelplineSettings.objects.filter(organisation=organisation).first()
    return found.emergency_target_minutes if found else DEFAULT_TARGET_MINUTES


def _minutes(value: float) -> str:
    return f"{value:g}"


def _period_label(start: date, end: date) -> str:
    if start == end:
        return f"{start.day} {start:%b %Y}"
    return f"{start.day} {start:%b} to {end.day} {end:%b %Y}"
