"""The numbers themselves: medians, percentiles, deadlines and periods (see conftest)."""

from datetime import date

import pytest
from django.utils import timezone

from haven.reports.models import Status
from haven.stats import charts, services
from haven.stats.forms import RangeForm
from haven.stats.services import DateRange, percentile

from .conftest import HOUR, at, make_report

MARCH_1_TO_10 = DateRange(date(2024, 3, 1), date(2024, 3, 10))


@pytest.fixture
def summary(organisation, known_reports):
    return services.summarise(organisation, MARCH_1_TO_10, now=timezone.now())


def by_category(summary):
    return {row.category: row for row in summary.by_category}


def test_percentiles_interpolate_between_the_closest_ranks():
    values = [float(v) for v in range(1, 11)]
    assert percentile(values, 0.5) == 5.5
    assert percentile(values, 0.9) == pytest.approx(9.1)
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([], 0.5) is None


def test_median_and_90th_percentile_of_time_to_first_action(summary):
    assert summary.first_action.count == 6
    assert summary.first_action.median == pytest.approx(2.5)
    assert summary.first_action.p90 == pytest.approx(17.0)


def test_time_to_first_action_per_category(summary):
    rows = by_category(summary)
    assert rows["sexual_imagery"].first_action.median == pytest.approx(2.5)
    assert rows["sexual_imagery"].first_action.p90 == pytest.approx(21.9)
    assert rows["danger_now"].first_action.median == pytest.approx(2.25)
    assert rows["danger_now"].first_action.p90 == pytest.approx(3.65)
    assert rows["bullying"].first_action.count == 0
    assert rows["bullying"].first_action.median is None


def test_deadline_share_counts_open_overdue_reports_as_missed_and_leaves_out_not_yet_due(
    summary,
):
    assert (summary.deadlines.met, summary.deadlines.missed) == (5, 3)
    assert summary.deadlines.not_yet_due == 1
    assert summary.deadlines.share == pytest.approx(5 / 8)
    rows = by_category(summary)
    assert (rows["bullying"].deadlines.met, rows["bullying"].deadlines.missed) == (0, 1)
    assert rows["other"].deadlines.share == 1.0


def test_a_report_not_yet_due_is_missed_once_its_deadline_passes(organisation, known_reports):
    later = known_reports["B2"].due_at + timezone.timedelta(minutes=1)
    summary = services.summarise(organisation, MARCH_1_TO_10, now=later)
    assert (summary.deadlines.met, summary.deadlines.missed) == (5, 4)
    assert summary.deadlines.not_yet_due == 0


def test_time_to_close(summary):
    assert summary.to_close.count == 3
    assert summary.to_close.median == pytest.approx(10.0)
    assert summary.to_close.p90 == pytest.approx(18.0)


def test_counts_by_category_and_status(summary):
    assert summary.total == 9
    counts = {row.category: row.count for row in summary.by_category}
    assert counts == {
        "danger_now": 2,
        "sexual_imagery": 4,
        "solicitation": 0,
        "bullying": 2,
        "self_harm": 0,
        "violent_extremism": 0,
        "other": 1,
    }
    statuses = {row.status: row.count for row in summary.by_status}
    assert statuses == {"received": 2, "in_review": 0, "actioned": 4, "closed": 3, "joined": 0}


def test_reports_a_minute_outside_the_range_are_not_counted(organisation, known_reports):
    summary = services.summarise(organisation, DateRange(date(2024, 2, 29), date(2024, 3, 11)))
    assert summary.total == 11
    assert services.summarise(organisation, MARCH_1_TO_10).total == 9


def test_another_organisations_reports_are_never_counted(
    organisation, other_organisation, known_reports
):
    ours = services.summarise(organisation, MARCH_1_TO_10)
    assert by_category(ours)["danger_now"].count == 2
    assert ours.first_action.p90 == pytest.approx(17.0)
    theirs = services.summarise(other_organisation, MARCH_1_TO_10)
    assert theirs.total == 1
    assert theirs.first_action.median == pytest.approx(100.0)


def test_a_short_range_is_counted_per_day(summary):
    assert summary.granularity == "day"
    assert len(summary.periods) == 10
    assert [p.received for p in summary.periods] == [0, 0, 0, 2, 2, 2, 2, 1, 0, 0]
    fourth, fifth, seventh = summary.periods[3], summary.periods[4], summary.periods[6]
    assert fourth.start == fourth.end == date(2024, 3, 4)
    assert fourth.by_category["sexual_imagery"] == 2
    assert fourth.first_action.median == pytest.approx(1.5)
    assert fourth.first_action.p90 == pytest.approx(1.9)
    assert fifth.first_action.median == pytest.approx(16.5)
    assert fifth.deadlines.share == 0.5
    assert (seventh.deadlines.met, seventh.deadlines.missed) == (0, 1)
    assert summary.periods[0].deadlines.share is None


def test_a_longer_range_is_counted_per_week_from_monday_clipped_to_the_range(
    organisation, known_reports
):
    summary = services.summarise(organisation, DateRange(date(2024, 3, 1), date(2024, 4, 30)))
    assert summary.granularity == "week"
    first, second, last = summary.periods[0], summary.periods[1], summary.periods[-1]
    assert (first.start, first.end, first.received) == (date(2024, 3, 1), date(2024, 3, 3), 0)
    assert (second.start, second.end, second.received) == (
        date(2024, 3, 4),
        date(2024, 3, 10),
        9,
    )
    assert (summary.periods[2].start, summary.periods[2].received) == (date(2024, 3, 11), 1)
    assert (last.start, last.end) == (date(2024, 4, 29), date(2024, 4, 30))
    assert sum(p.received for p in summary.periods) == summary.total == 10


def test_more_than_a_year_is_counted_per_month(organisation, known_reports):
    summary = services.summarise(organisation, DateRange(date(2023, 7, 15), date(2024, 12, 31)))
    assert summary.granularity == "month"
    assert summary.periods[0].start == date(2023, 7, 15)
    assert summary.periods[0].end == date(2023, 7, 31)
    march = next(p for p in summary.periods if p.start == date(2024, 3, 1))
    assert (march.end, march.received) == (date(2024, 3, 31), 10)
    assert len(summary.periods) == 18


def test_days_are_counted_in_the_sites_time_zone(organisation, settings):
    settings.TIME_ZONE = "Europe/Paris"
    # 23:30 UTC on 4 March is 00:30 on 5 March in Paris.
    make_report(organisation, "PARIS", "other", at(4, 23, 30))
    summary = services.summarise(organisation, DateRange(date(2024, 3, 5), date(2024, 3, 5)))
    assert summary.total == 1
    assert (
        services.summarise(organisation, DateRange(date(2024, 3, 4), date(2024, 3, 4))).total == 0
    )


def test_report_lines_carry_the_deadline_outcome_and_nothing_identifying(
    organisation, known_reports
):
    lines = {line.reference: line for line in services.report_lines(organisation, MARCH_1_TO_10)}
    assert len(lines) == 9
    outcomes = {known_reports[k].reference: k for k in ("S1", "S4", "B1", "B2", "O1", "D1")}
    assert {outcomes[ref]: lines[ref].deadline for ref in outcomes} == {
        "S1": "met",
        "S4": "missed",
        "B1": "missed",
        "B2": "not yet due",
        "O1": "met",
        "D1": "met",
    }
    assert lines[known_reports["D1"].reference].urgency == "danger_now"
    assert not hasattr(next(iter(lines.values())), "description")


def test_the_range_defaults_to_the_last_30_days_and_accepts_quick_ranges():
    today = date(2024, 3, 31)
    assert RangeForm({}, today=today).date_range == DateRange(date(2024, 3, 2), today)
    assert RangeForm({"days": "7"}, today=today).date_range == DateRange(date(2024, 3, 25), today)
    explicit = RangeForm({"from": "2024-01-01", "to": "2024-01-31"}, today=today)
    assert explicit.date_range == DateRange(date(2024, 1, 1), date(2024, 1, 31))


def test_a_backwards_or_too_long_range_is_refused():
    today = date(2024, 3, 31)
    backwards = RangeForm({"from": "2024-03-10", "to": "2024-03-01"}, today=today)
    assert not backwards.is_valid()
    assert backwards.date_range == DateRange(date(2024, 3, 2), today)
    assert not RangeForm({"from": "2010-01-01"}, today=today).is_valid()
    assert not RangeForm({"from": "not a date"}, today=today).is_valid()
    assert not RangeForm({"days": "12"}, today=today).is_valid()


def test_chart_axis_uses_round_steps():
    assert charts.count_scale(0) == (1, 1)
    assert charts.count_scale(4) == (4, 1)
    assert charts.count_scale(9) == (10, 2)
    assert charts.count_scale(23) == (25, 5)
    assert charts.count_scale(480) == (500, 100)


def test_chart_bars_are_as_tall_as_their_counts(summary):
    chart = charts.received_chart(summary)
    assert len(chart.bars) == 10
    # The axis tops out at 2, so a bar of 2 fills the plot and a bar of 1 fills half.
    full = charts.BOTTOM - charts.TOP
    assert [bar.height for bar in chart.bars[3:9]] == [full, full, full, full, full / 2, 0]
    assert chart.bars[3].title == "4 Mar 2024: 2 received"


def test_deadline_chart_leaves_gaps_where_nothing_could_be_judged(summary):
    chart = charts.deadline_chart(summary)
    assert len(chart.points) == 5
    assert len(chart.lines) == 1
    assert chart.points[0].title == "4 Mar 2024: 100% of 2 deadlines met"
    assert chart.points[0].y == charts.TOP and chart.points[3].y == charts.BOTTOM


def test_a_report_that_joined_a_case_is_left_out_of_the_deadlines(organisation, known_reports):
    joined = make_report(
        organisation,
        "J1",
        "sexual_imagery",
        at(9, 10),
        HOUR,
        status=Status.JOINED,
        duplicate_of=known_reports["S1"],
    )
    summary = services.summarise(organisation, MARCH_1_TO_10)
    assert summary.total == 10
    assert (summary.deadlines.met, summary.deadlines.missed) == (5, 3)
    assert {row.status: row.count for row in summary.by_status}["joined"] == 1
    lines = {line.reference: line for line in services.report_lines(organisation, MARCH_1_TO_10)}
    assert lines[joined.reference].deadline == "joined a case"
