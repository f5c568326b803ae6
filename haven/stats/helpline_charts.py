"""The helpline statistics' two charts, drawn on the server as the other statistics'
charts are (see charts.py): how long responders took to reach the child, with the
target marked, and the share reached within the target per week.

Suppression holds in the drawing too: a bar of fewer than 5 is drawn as a dashed
outline up to 4 (it is somewhere from 1 to 4), a bar withheld to protect another is
not drawn at all but marked "x", and a week whose share is not shown in the table has
no point.
"""

from dataclasses import dataclass, field
from datetime import date

from haven.stats.charts import (
    BOTTOM,
    LEFT,
    REMOVAL_FONT_SIZE,
    REMOVAL_RIGHT,
    REMOVAL_WIDTH,
    RIGHT,
    TOP,
    Bar,
    Chart,
    Point,
    Tick,
    count_scale,
)
from haven.stats.helpline import HelplineFigures, Row, Share
from haven.stats.helpline_emergencies import band_rule
from haven.stats.helpline_suppression import COMPLEMENT, SMALL, THRESHOLD
from haven.stats.services import WEEK


@dataclass(frozen=True)
class ArrivalChart(Chart):
    # Bars of fewer than 5, drawn as an outline up to 4; bars withheld, marked "x".
    outlines: list[Bar] = field(default_factory=list)
    marks: list[Point] = field(default_factory=list)
    target_x: float = 0
    target_label: str = ""
    # The bands' names ("105 to 120") are wider than one number: a size that keeps them apart.
    x_tick_font_size: int = 12


def arrival_chart(figures: HelplineFigures) -> ArrivalChart:
    buckets = figures.distribution
    shown = [b.count.value for b in buckets if not b.count.withheld]
    small = [THRESHOLD - 1 for b in buckets if b.count.state == SMALL]
    top, step = count_scale(max(shown + small, default=0))
    slot = (REMOVAL_RIGHT - LEFT) / len(buckets)
    bars: list[Bar] = []
    outlines: list[Bar] = []
    marks: list[Point] = []
    for index, bucket in enumerate(buckets):
        x = round(LEFT + index * slot + slot * 0.15, 1)
        width = round(slot * 0.7, 1)
        count = bucket.count
        if count.state == COMPLEMENT:
            marks.append(Point(round(x + width / 2, 1), BOTTOM - 8, f"{bucket.label}: withheld"))
            continue
        value = THRESHOLD - 1 if count.state == SMALL else count.value
        height = round((BOTTOM - TOP) * value / top, 1)
        bar = Bar(x, round(BOTTOM - height, 1), width, height, f"{bucket.label}: {count.text}")
        (outlines if count.state == SMALL else bars).append(bar)
    quarter = slot  # each of the first eight bars is a quarter of the target
    target = figures.target_minutes
    return ArrivalChart(
        title="Time from opening to a responder's arrival",
        description=(
            f"Bar chart of {figures.emergencies.text} emergencies by minutes from opening to "
            f"arrival, in steps of a quarter of the {target}-minute target, then later, then "
            f"no arrival; a vertical line marks the target. {band_rule(target)} "
            "Bars of fewer than 5 are dashed outlines up to 4."
            if figures.emergencies.value
            else "Bar chart: no emergency was opened in this range."
        ),
        x_label="Minutes to arrival",
        y_label="Emergencies",
        y_ticks=[Tick(_y(v, top), str(v)) for v in range(0, top + 1, step)],
        x_ticks=[
            Tick(round(LEFT + index * slot + slot / 2, 1), _short(bucket.label))
            for index, bucket in enumerate(buckets)
        ],
        bars=bars,
        points=[],
        lines=[],
        width=REMOVAL_WIDTH,
        right=REMOVAL_RIGHT,
        font_size=REMOVAL_FONT_SIZE,
        outlines=outlines,
        marks=marks,
        target_x=round(LEFT + 4 * quarter, 1),
        target_label=f"Target {target} min",
    )


def _short(label: str) -> str:
    """The table's band without its unit, so that chart and table say the same:
    "15-30 min" -> "15-30" (with an en dash); "Over 120 min" -> ">120"; "No arrival" ->
    "None"."""
    if label.startswith("Over "):
        return ">" + label.split()[1]
    if label == "No arrival":
        return "None"
    return label.removesuffix(" min")


def share_chart(figures: HelplineFigures) -> Chart:
    """The share reached within the target per week (or month): a point where the table
    shows an exact share, a gap where it shows none."""
    rows: list[Row] = list(figures.table("emergencies_by_period").rows)
    slot = (RIGHT - LEFT) / max(len(rows), 1)
    points: list[Point] = []
    lines: list[str] = []
    run: list[str] = []
    for index, row in enumerate(rows):
        share = row.cells[5]
        assert isinstance(share, Share)
        if share.value is None:
            lines.extend([" ".join(run)] if run else [])
            run = []
            continue
        x, y = round(LEFT + index * slot + slot / 2, 1), _y(share.value * 100, 100)
        run.append(f"{x},{y}")
        points.append(Point(x, y, f"{row.label}: {share.text} within target"))
    lines.extend([" ".join(run)] if run else [])
    every = max(1, -(-len(rows) // 5))
    unit = "week" if figures.weekly_granularity == WEEK else "month"
    overall = figures.share_within_target
    return Chart(
        title=f"Share reached within the target per {unit}",
        description=(
            "Line chart, from 0% to 100%. "
            + (f"Overall {overall.text}. " if overall.data is not None else "")
            + f"A {unit} with fewer than 5 emergencies to judge, or whose share would give "
            "away a count under 5, is left blank."
        ),
        x_label="Week starting" if unit == "week" else "Month",
        y_label="Within target (%)",
        y_ticks=[Tick(_y(v, 100), f"{v}%") for v in range(0, 101, 25)],
        x_ticks=[
            Tick(round(LEFT + index * slot + slot / 2, 1), _tick(row.key, unit))
            for index, row in enumerate(rows)
            if index % every == 0
        ],
        bars=[],
        points=points,
        lines=lines,
    )


def _tick(iso_day: str, unit: str) -> str:
    day = date.fromisoformat(iso_day)
    return f"{day:%b %Y}" if unit == "month" else f"{day.day} {day:%b}"


def _y(value: float, top: float) -> float:
    return round(BOTTOM - (BOTTOM - TOP) * value / top, 1)
