"""Removal statistics on the hand-made takedowns of conftest.py, worked out by hand."""

from datetime import UTC, date, datetime, timedelta

import pytest

from haven.reports.models import ReportUrl
from haven.routing.models import Partner, Referral, ReferralKind, ReferralStatus
from haven.stats import removal
from haven.stats.forms import RemovalRangeForm
from haven.stats.removal import TakedownRow, Timing
from haven.stats.services import DateRange
from haven.stats.tests.conftest import REMOVAL_NOW
from haven.takedown.models import State, Takedown

MARCH = DateRange(date(2024, 3, 1), date(2024, 3, 31))


@pytest.fixture
def figures(organisation, known_takedowns):
    return removal.figures(organisation, MARCH, now=REMOVAL_NOW)


def by_key(groups):
    return {group.key: group for group in groups}


def test_every_takedown_of_a_report_received_in_the_range_is_counted_once(figures):
    overall = figures.overall
    assert overall.takedowns == 15
    assert (overall.notified, overall.removed, overall.still_online) == (12, 11, 3)
    assert (overall.forwarded, overall.escalated, overall.stopped) == (1, 3, 1)
    assert (overall.reappeared, overall.reappearances) == (1, 2)


def test_a_forward_referral_marks_only_the_takedowns_of_its_report_we_never_notified(
    organisation, known_takedowns
):
    a1 = known_takedowns["A1"]
    Referral.objects.create(
        organisation=organisation,
        report=a1.report,
        partner=Partner.objects.get(name="US hotline"),
        kind=ReferralKind.FORWARD,
        channel="email",
        status=ReferralStatus.SENT,
    )
    forwarded = {row.pk for row in removal.takedown_rows(organisation, MARCH) if row.forwarded}
    assert forwarded == {known_takedowns["G2"].pk}


def second_address(takedown, user, **fields):
    """Another address of the same report, never notified by us."""
    url = ReportUrl.objects.create(report=takedown.report, url="https://other.example.net/y")
    return Takedown.objects.create(
        organisation=takedown.organisation,
        report=takedown.report,
        report_url=url,
        host_name=takedown.host_name,
        country=takedown.country,
        opened_by=user,
        **fields,
    )


def forwarded_pks(organisation) -> set[int]:
    return {row.pk for row in removal.takedown_rows(organisation, MARCH) if row.forwarded}


def test_forwarding_one_address_by_hand_marks_only_that_address_forwarded(
    organisation, analyst, known_takedowns
):
    g2 = known_takedowns["G2"]
    other = second_address(g2, analyst, state=State.WAITING)
    referral = Referral.objects.get(report=g2.report)
    # The evidence package lists what went, by address and canonical form.
    referral.evidence = {"urls": [{"ref": "U1", "url": g2.report_url.url, "normalised": ""}]}
    referral.save()
    assert forwarded_pks(organisation) == {g2.pk}
    referral.evidence = {"urls": [{"ref": "U1", "url": "x", "normalised": other.report_url.url}]}
    referral.save()
    assert forwarded_pks(organisation) == {other.pk}
    # A referral that does not list its addresses went with all of them.
    referral.evidence = {}
    referral.save()
    assert forwarded_pks(organisation) == {g2.pk, other.pk}


def test_a_takedown_forwarded_by_the_scheduler_stays_forwarded_once_removed_and_alone(
    organisation, analyst, known_takedowns
):
    a1 = known_takedowns["A1"]
    other = second_address(a1, analyst, state=State.REMOVED, removed_at=a1.removed_at)
    other.referral = Referral.objects.create(
        organisation=organisation,
        report=a1.report,
        partner=Partner.objects.get(name="US hotline"),
        kind=ReferralKind.FORWARD,
        channel="email",
        status=ReferralStatus.ACKNOWLEDGED,
        evidence={"urls": [{"url": other.report_url.url}]},
    )
    other.save()
    # A1 was notified by us and stays so; its sibling went to the hotline.
    assert forwarded_pks(organisation) == {known_takedowns["G2"].pk, other.pk}
    # An escalation's referral is not forwarding.
    known_takedowns["B3"].referral = Referral.objects.create(
        organisation=organisation,
        report=known_takedowns["B3"].report,
        partner=Partner.objects.get(name="US hotline"),
        kind=ReferralKind.ESCALATION,
        channel="email",
        status=ReferralStatus.SENT,
    )
    known_takedowns["B3"].save()
    assert known_takedowns["B3"].pk not in forwarded_pks(organisation)


def test_notice_to_removal_counts_still_online_content_with_its_age_so_far(figures):
    # Sorted: 2, 5, 10, 20, 30, 50, 80, 100, 200, 992 (online), 1100, 1235 (online).
    timing = figures.overall.notice_to_removal
    assert (timing.finished, timing.running) == (10, 2)
    assert timing.median == 65.0 and not timing.median_at_least
    # Between 992 (still online) and 1100: a lower bound, since 992 can only grow.
    assert timing.p90 == pytest.approx(1089.2) and timing.p90_at_least


def test_report_to_notice_counts_a_takedown_still_waiting_and_leaves_out_the_forwarded(figures):
    # 13 first notices (the stopped one was notified: that time is real) and one waiting
    # 757 hours; the forwarded one was never notified by us.
    timing = figures.overall.report_to_notice
    assert (timing.finished, timing.running) == (13, 1)
    assert timing.median == 1.0 and not timing.median_at_least
    assert timing.p90 == pytest.approx(3.7) and not timing.p90_at_least


def test_report_to_removal_includes_the_forwarded_and_leaves_out_the_stopped(figures):
    # 3, 6, 12, 21, 33, 51, 81, 96, 101, 202, 757*, 996*, 1101, 1236* (* still online)
    timing = figures.overall.report_to_removal
    assert (timing.finished, timing.running) == (11, 3)
    assert timing.median == 88.5 and not timing.median_at_least
    assert timing.p90 == pytest.approx(1069.5) and timing.p90_at_least


def test_shares_are_of_the_notified_and_count_still_online_content_as_not_removed(figures):
    shares = {share.label: share for share in figures.overall.shares}
    assert [(s.within, s.judged, s.too_recent) for s in shares.values()] == [
        (4, 12, 0),
        (6, 12, 0),
        (8, 12, 0),
    ]
    assert shares["3 days"].share == 0.5
    assert shares["7 days"].share == pytest.approx(8 / 12)


def test_content_notified_more_recently_than_a_window_is_not_yet_judged_for_it():
    notice = datetime(2024, 4, 1, tzinfo=UTC)
    row = TakedownRow(1, 1, "R", notice, "H", "NL", "notified", notice, None, 0, None, 0, False)
    now = notice + timedelta(hours=30)
    figures = removal.figures_of([row], MARCH, now)
    shares = figures.overall.shares
    assert [(s.within, s.judged, s.too_recent) for s in shares] == [(0, 1, 0), (0, 0, 1), (0, 0, 1)]
    assert shares[0].share == 0.0 and shares[1].share is None


def test_the_distribution_has_a_bar_for_content_still_online(figures):
    buckets = figures.overall.distribution
    assert [b.label for b in buckets][-2:] == ["Over 42 days", "Still online"]
    assert [b.count for b in buckets] == [0, 2, 2, 2, 2, 1, 0, 0, 1, 2]
    assert buckets[2].cumulative == pytest.approx(4 / 12)  # the same 4 as within 24 hours
    assert buckets[-1].share == pytest.approx(2 / 12)


def test_a_bucket_includes_its_upper_bound():
    notice = datetime(2024, 3, 1, tzinfo=UTC)
    rows = [
        TakedownRow(
            i,
            i,
            "R",
            notice,
            "H",
            "",
            "removed",
            notice,
            notice + timedelta(hours=h),
            0,
            None,
            0,
            False,
        )
        for i, h in enumerate([1, 24, 42 * 24, 42 * 24 + 1])
    ]
    counts = [b.count for b in removal.figures_of(rows, MARCH, notice).overall.distribution]
    assert counts == [1, 0, 1, 0, 0, 0, 0, 1, 1, 0]


def test_figures_per_host(figures):
    hosts = by_key(figures.by_host)
    assert [g.key for g in figures.by_host] == ["Alpha Hosting", "Beta Servers", "Gamma Net", ""]
    alpha, beta, gamma = hosts["Alpha Hosting"], hosts["Beta Servers"], hosts["Gamma Net"]
    assert (alpha.notice_to_removal.median, alpha.notice_to_removal.p90) == (20.0, 42.0)
    assert [s.within for s in alpha.shares] == [3, 5, 5]
    assert beta.notice_to_removal.median == 200.0 and not beta.notice_to_removal.median_at_least
    assert (
        beta.notice_to_removal.p90 == pytest.approx(1181.0) and beta.notice_to_removal.p90_at_least
    )
    assert [s.within for s in beta.shares] == [0, 0, 2]
    assert (gamma.takedowns, gamma.notified, gamma.stopped, gamma.forwarded) == (4, 1, 1, 1)
    assert gamma.notice_to_removal.median == 992.0 and gamma.notice_to_removal.median_at_least
    assert hosts[""].name == "Unknown host"


def test_figures_per_country_carry_the_country_name(figures):
    assert [(g.key, g.name, g.takedowns) for g in figures.by_country] == [
        ("DE", "Germany", 5),
        ("NL", "Netherlands", 5),
        ("US", "United States", 4),
        ("", "Unknown", 1),
    ]
    assert by_key(figures.by_country)["DE"].notice_to_removal.median == 200.0


def test_the_slowest_hosts_need_enough_takedowns_to_be_ranked(figures):
    # Gamma Net's only notified takedown has been online longest of all, but one
    # takedown is not enough to rank a host.
    assert [h.key for h in figures.slowest_hosts] == ["Beta Servers", "Alpha Hosting"]


def test_hosts_with_content_still_online_longest(figures):
    assert [(h.key, round(h.longest_online)) for h in figures.longest_online_hosts] == [
        ("Beta Servers", 1235),
        ("Gamma Net", 992),
    ]
    assert figures.overall.longest_online == pytest.approx(1235.0)


def test_the_period_is_chosen_by_the_day_the_report_was_received(organisation, known_takedowns):
    first_week = removal.figures(
        organisation, DateRange(date(2024, 3, 1), date(2024, 3, 7)), now=REMOVAL_NOW
    )
    assert first_week.overall.takedowns == 7
    assert (
        removal.figures(
            organisation, DateRange(date(2024, 2, 29), date(2024, 2, 29)), now=REMOVAL_NOW
        ).overall.takedowns
        == 1
    )
    assert (
        removal.figures(
            organisation, DateRange(date(2024, 4, 1), date(2024, 4, 1)), now=REMOVAL_NOW
        ).overall.takedowns
        == 1
    )


def test_another_organisations_takedowns_are_never_counted(
    organisation, other_organisation, known_takedowns
):
    theirs = removal.figures(other_organisation, MARCH, now=REMOVAL_NOW)
    assert theirs.overall.takedowns == 1
    assert [g.key for g in theirs.by_host] == ["Alpha Hosting"]
    ours = removal.figures(organisation, MARCH, now=REMOVAL_NOW)
    assert "SOUTH" not in {row.reference[4:9] for row in removal.takedown_rows(organisation, MARCH)}
    assert ours.overall.takedowns == 15


def test_nothing_in_the_range_gives_empty_figures_not_errors(organisation):
    figures = removal.figures(organisation, MARCH, now=REMOVAL_NOW)
    assert figures.overall.takedowns == 0
    assert figures.overall.notice_to_removal.median is None
    assert figures.overall.shares[0].share is None
    assert figures.slowest_hosts == [] and figures.by_host == []


def test_the_rows_are_read_in_one_query_and_one_more_for_a_report_forwarded_by_hand(
    organisation, known_takedowns, django_assert_num_queries
):
    # G2's report was forwarded by hand: its referral says which addresses went.
    with django_assert_num_queries(2):
        removal.figures(organisation, MARCH, now=REMOVAL_NOW)
    g2 = known_takedowns["G2"]
    g2.referral = Referral.objects.get(report=g2.report)
    g2.save()
    with django_assert_num_queries(1):
        removal.figures(organisation, MARCH, now=REMOVAL_NOW)


def test_a_percentile_is_a_lower_bound_only_when_it_rests_on_something_still_running():
    assert Timing.of([(1, False), (2, False), (9, True)]).median_at_least is False
    assert Timing.of([(1, False), (2, True), (9, False)]).median_at_least is True
    # Four values: the median reads the second and third.
    four = Timing.of([(1, False), (2, False), (3, True), (4, False)])
    assert four.median == 2.5 and four.median_at_least
    assert Timing.of([]).median is None


def test_the_removal_range_defaults_to_the_last_365_days():
    today = date(2024, 12, 31)
    assert RemovalRangeForm({}, today=today).date_range == DateRange(date(2024, 1, 2), today)
    assert RemovalRangeForm({"days": "30"}, today=today).date_range.days == 30
    bad = RemovalRangeForm({"from": "2024-03-10", "to": "2024-03-01"}, today=today)
    assert not bad.is_valid() and bad.date_range.days == 365


def test_country_names_come_from_pycountry_and_unknown_codes_stay_as_they_are():
    assert removal.country_name("gb") == "United Kingdom"
    assert removal.country_name("") == "Unknown"
    assert removal.country_name("XX") == "XX"
