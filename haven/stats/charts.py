"""Geometry for the server-rendered SVG charts on the statistics page.

No JavaScript and no chart library: this module works out where bars, points, ticks
and labels go in a fixed coordinate space, and `stats/_chart.html` draws them. The
same numbers are always shown in a table beside the chart, which is the text
alternative for anyone who cannot see it.
"""

import itertools
import math
from dataclasses import dataclass
from datetime import date

from haven.stats.removal import GroupFigures
from haven.stats.services import DAY, MONTH, WEEK, Summary

# The drawing is scaled to fit its box, so these are proportions, not pixels; the
# font is large for the space because a phone shrinks the whole drawing.
WIDTH, HEIGHT = 480, 260
LEFT, RIGHT, TOP, BOTTOM = 74, 450, 14, 196
FONT_SIZE = 17
MAX_X_LABELS = 5


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    x_label: str
    y_label: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    bars: list[Bar]
    points: list[Point]
    # Each run of periods with a value becomes one line; periods without one leave a gap.
    lines: list[str]
    width: int = WIDTH
    font_size: int = FONT_SIZE
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM

    @property
    def x_tick_label_y(self) -> int:
        return self.bottom + 22

    @property
    def y_tick_label_x(self) -> int:
        return self.left - 6

    @property
    def x_title_position(self) -> tuple[float, int]:
        return (self.left + self.right) / 2, self.height - 8

    @property
    def y_title_position(self) -> tuple[float, int]:
        # The y-axis title is turned a quarter left, so its x and y swap and x flips sign.
        return -(self.top + self.bottom) / 2, 16


def received_chart(summary: Summary) -> Chart:
    periods = summary.periods
    values = [p.received for p in periods]
    top, step = count_scale(max(values, default=0))
    slot = _slot(len(periods))
    bars = []
    for index, (period, value) in enumerate(zip(periods, values, strict=True)):
        height = (BOTTOM - TOP) * value / top
        bars.append(
            Bar(
                x=round(LEFT + index * slot + slot * 0.15, 1),
                y=round(BOTTOM - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                title=f"{period_name(period.start, period.end)}: {value} received",
            )
        )
    busiest = max(range(len(values)), key=values.__getitem__, default=None)
    peak = (
        f" The most in one {summary.granularity} was {values[busiest]}, "
        f"{period_name(periods[busiest].start, periods[busiest].end)}."
        if busiest is not None and values[busiest]
        else ""
    )
    return Chart(
        title=f"Reports received per {summary.granularity}",
        description=f"Bar chart: {summary.total} reports received in all.{peak}",
        x_label=_x_label(summary.granularity),
        y_label="Reports",
        y_ticks=[Tick(_y(v, top), str(v)) for v in range(0, top + 1, step)],
        x_ticks=_x_ticks([p.start for p in periods], summary.granularity),
        bars=bars,
        points=[],
        lines=[],
    )


def deadline_chart(summary: Summary) -> Chart:
    periods = summary.periods
    slot = _slot(len(periods))
    points: list[Point] = []
    lines: list[str] = []
    run: list[str] = []
    for index, period in enumerate(periods):
        share = period.deadlines.share
        if share is None:
            lines.extend([" ".join(run)] if run else [])
            run = []
            continue
        x, y = round(LEFT + index * slot + slot / 2, 1), _y(share * 100, 100)
        run.append(f"{x},{y}")
        points.append(
            Point(
                x,
                y,
                f"{period_name(period.start, period.end)}: {share:.0%} of "
                f"{period.deadlines.assessed} deadlines met",
            )
        )
    lines.extend([" ".join(run)] if run else [])
    overall = summary.deadlines.share
    return Chart(
        title=f"Share of deadlines met per {summary.granularity}",
        description=(
            "Line chart, from 0% to 100%. "
            + (f"Overall {overall:.0%} met." if overall is not None else "No deadlines yet.")
            + " Periods with no deadline to judge are left blank."
        ),
        x_label=_x_label(summary.granularity),
        y_label="Deadlines met (%)",
        y_ticks=[Tick(_y(v, 100), f"{v}%") for v in range(0, 101, 25)],
        x_ticks=_x_ticks([p.start for p in periods], summary.granularity),
        bars=[],
        points=points,
        lines=lines,
    )


# The removal chart has ten bars, each labelled, so it is drawn wider and in a smaller
# type than the charts over time.
REMOVAL_WIDTH, REMOVAL_RIGHT, REMOVAL_FONT_SIZE = 680, 664, 14
REMOVAL_TICKS = [
    "≤1h",
    "1-6h",
    "6-24h",
    "1-3d",
    "3-7d",
    "7-14d",
    "14-28d",
    "28-42d",
    ">42d",
    "Online",
]


def removal_chart(group: GroupFigures) -> Chart:
    """Notified takedowns by time from first notice to removal; the last bar is still online."""
    buckets = group.distribution
    top, step = count_scale(max((b.count for b in buckets), default=0))
    slot = (REMOVAL_RIGHT - LEFT) / len(buckets)
    bars = []
    for index, bucket in enumerate(buckets):
        height = (BOTTOM - TOP) * bucket.count / top
        bars.append(
            Bar(
                x=round(LEFT + index * slot + slot * 0.15, 1),
                y=round(BOTTOM - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                title=f"{bucket.label}: {bucket.count} takedown{'' if bucket.count == 1 else 's'}",
            )
        )
    within_day = sum(b.count for b in buckets[:3])
    return Chart(
        title="Time from first notice to removal",
        description=(
            f"Bar chart of {group.notified} notified takedowns by how long the content "
            f"stayed online after the first notice: {within_day} removed within 24 hours, "
            f"{buckets[-2].count} after more than 42 days, and {buckets[-1].count} still online."
            if group.notified
            else "Bar chart: no takedown was notified in this range."
        ),
        x_label="Time to removal",
        y_label="Takedowns",
        y_ticks=[Tick(_y(v, top), str(v)) for v in range(0, top + 1, step)],
        x_ticks=[
            Tick(round(LEFT + index * slot + slot / 2, 1), text)
            for index, text in enumerate(REMOVAL_TICKS)
        ],
        bars=bars,
        points=[],
        lines=[],
        width=REMOVAL_WIDTH,
        right=REMOVAL_RIGHT,
        font_size=REMOVAL_FONT_SIZE,
    )


def count_scale(maximum: int) -> tuple[int, int]:
    """A round top for the axis and a round whole-number step giving at most 5 ticks."""
    for magnitude in itertools.count():
        for base in (1, 2, 5):
            step = base * 10**magnitude
            if step * 5 >= maximum:
                return step * max(1, math.ceil(maximum / step)), step
    raise AssertionError("unreachable")


def period_name(start: date, end: date) -> str:
    if start == end:
        return f"{_day_month(start)} {start.year}"
    return f"{_day_month(start)} to {_day_month(end)} {end.year}"


def _day_month(day: date) -> str:
    # Not strftime's %-d, which only some C libraries understand.
    return f"{day.day} {day:%b}"


def _slot(count: int) -> float:
    return (RIGHT - LEFT) / max(count, 1)


def _y(value: float, top: float) -> float:
    return round(BOTTOM - (BOTTOM - TOP) * value / top, 1)


def _x_label(granularity: str) -> str:
    return {DAY: "Day", WEEK: "Week starting", MONTH: "Month"}[granularity]


def _x_ticks(starts: list[date], granularity: str) -> list[Tick]:
    slot = _slot(len(starts))
    every = math.ceil(len(starts) / MAX_X_LABELS) or 1
    return [
        Tick(
            round(LEFT + index * slot + slot / 2, 1),
            f"{start:%b %Y}" if granularity == MONTH else _day_month(start),
        )
        for index, start in enumerate(starts)
        if index % every == 0
    ]
