"""The triage queue page: order, filters, overdue marking, cost and who may see it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from haven.classification.services import classify
from haven.reports.models import Category, Status, Urgency
from haven.triage.queue import short_duration
from haven.triage.tests.support import add_image, make_report

QUEUE = reverse("triage:queue")


def listed(response) -> list[str]:
    return [report.reference for report, _, _ in response.context["rows"]]


def test_danger_now_comes_first_then_known_material_then_by_due_time(organisation, analyst_client):
    soon = make_report(organisation, due_in_hours=1)
    later = make_report(organisation, due_in_hours=10)
    middle = make_report(organisation, due_in_hours=5)
    known = make_report(organisation, urgency=Urgency.KNOWN_MATERIAL, due_in_hours=24)
    danger = make_report(
        organisation, urgency=Urgency.DANGER_NOW, category=Category.DANGER_NOW, due_in_hours=30
    )
    response = analyst_client.get(QUEUE)
    assert response.status_code == 200
    expected = [danger, known, soon, middle, later]
    assert listed(response) == [report.reference for report in expected]


def test_only_open_reports_are_shown_by_default(organisation, analyst_client):
    open_report = make_report(organisation, status=Status.ACTIONED)
    closed = make_report(organisation, status=Status.CLOSED)
    assert listed(analyst_client.get(QUEUE)) == [open_report.reference]
    assert listed(analyst_client.get(QUEUE, {"status": "closed"})) == [closed.reference]
    assert set(listed(analyst_client.get(QUEUE, {"status": "all"}))) == {
        open_report.reference,
        closed.reference,
    }


def test_mine_and_unassigned_filters(organisation, analyst, supervisor, analyst_client):
    mine = make_report(organisation, assigned_to=analyst)
    theirs = make_report(organisation, assigned_to=supervisor)
    nobody = make_report(organisation)
    assert listed(analyst_client.get(QUEUE, {"assigned": "mine"})) == [mine.reference]
    assert listed(analyst_client.get(QUEUE, {"assigned": "unassigned"})) == [nobody.reference]
    assert len(listed(analyst_client.get(QUEUE))) == 3
    assert theirs.reference in listed(analyst_client.get(QUEUE))


def test_category_filter_uses_the_analysts_classification_when_there_is_one(
    organisation, analyst_client
):
    bullying = make_report(organisation, category=Category.BULLYING)
    reclassified = make_report(
        organisation, category=Category.BULLYING, classified_category=Category.SOLICITATION
    )
    make_report(organisation, category=Category.OTHER)
    assert listed(analyst_client.get(QUEUE, {"category": "bullying"})) == [bullying.reference]
    response = analyst_client.get(QUEUE, {"category": "solicitation"})
    assert listed(response) == [reclassified.reference]


def test_nonsense_filters_fall_back_to_the_open_queue(organisation, analyst_client):
    report = make_report(organisation)
    make_report(organisation, status=Status.CLOSED)
    response = analyst_client.get(QUEUE, {"status": "deleted", "category": "x", "page": "zz"})
    assert response.status_code == 200
    assert listed(response) == [report.reference]


def test_overdue_reports_carry_a_text_tag_and_acted_on_ones_do_not(organisation, analyst_client):
    late = make_report(organisation, due_in_hours=-3)
    late_but_acted = make_report(organisation, due_in_hours=-3, first_action_at=timezone.now())
    on_time = make_report(organisation, due_in_hours=2.5)
    response = analyst_client.get(QUEUE)
    flags = {report.reference: (overdue, due) for report, overdue, due in response.context["rows"]}
    assert flags[late.reference] == (True, "3h overdue")
    assert flags[late_but_acted.reference] == (False, "")
    assert flags[on_time.reference] == (False, "due in 2h")
    html = response.content.decode()
    assert html.count('<span class="tag overdue">Overdue</span>') == 1
    assert "due in 2h" in html


def test_known_material_matches_and_items_are_counted(organisation, analyst_client):
    report = make_report(organisation, urgency=Urgency.KNOWN_MATERIAL)
    add_image(report, 1, keep=False, match_label="Known material (A)")
    add_image(report, 2, keep=False)
    row = analyst_client.get(QUEUE).context["rows"][0][0]
    assert (row.item_count, row.match_count) == (2, 1)


def test_supervisors_see_how_many_reports_are_overdue(
    organisation, other_organisation, supervisor_client
):
    make_report(organisation, due_in_hours=-1)
    make_report(organisation, due_in_hours=-5)
    make_report(organisation, due_in_hours=-5, status=Status.CLOSED)
    make_report(organisation, due_in_hours=4)
    make_report(other_organisation, due_in_hours=-1)
    response = supervisor_client.get(QUEUE)
    assert response.context["overdue_count"] == 2
    assert "2 overdue reports." in response.content.decode()


def test_analysts_do_not_get_the_overdue_banner(organisation, analyst_client):
    make_report(organisation, due_in_hours=-1)
    response = analyst_client.get(QUEUE)
    assert response.context["overdue_count"] is None
    assert "overdue-banner" not in response.content.decode()


def test_the_queue_is_paginated_and_pages_keep_the_filters(organisation, analyst_client):
    for hours in range(30):
        make_report(organisation, due_in_hours=hours + 1)
    first = analyst_client.get(QUEUE, {"assigned": "unassigned"})
    assert len(first.context["rows"]) == 25
    assert "?assigned=unassigned&amp;page=2" in first.content.decode()
    second = analyst_client.get(QUEUE, {"assigned": "unassigned", "page": 2})
    assert len(second.context["rows"]) == 5


def count_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE, params).status_code == 200
    return len(queries)


def test_the_queue_costs_the_same_few_queries_however_many_reports_it_shows(
    organisation, analyst, supervisor, supervisor_client, django_assert_max_num_queries
):
    def add(count):
        for n in range(count):
            report = make_report(organisation, assigned_to=analyst if n % 2 else supervisor)
            item, _ = add_image(report, n, keep=False, match_label="known" if n % 3 else "")
            classify(report, labels={"interpol": "baseline"}, by=analyst)
            classify(report, target=item, labels={"age": "7-10"}, by=analyst)

    add(2)
    few = count_queries(supervisor_client)
    add(20)
    many = count_queries(supervisor_client)
    assert few == many
    # One of them reads every row's classification summary.
    with django_assert_max_num_queries(7):
        response = supervisor_client.get(QUEUE)
    assert "INTERPOL baseline: Baseline (illegal everywhere)<br>Apparent age: 7 to 10" in (
        response.content.decode()
    )


def test_other_organisations_reports_never_appear(
    organisation, other_organisation, outsider_client
):
    make_report(organisation)
    theirs = make_report(other_organisation)
    assert listed(outsider_client.get(QUEUE)) == [theirs.reference]


def test_partner_services_are_refused(client, partner):
    response = verified_client(client, partner).get(QUEUE)
    assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(minutes=5), "5m"),
        (timedelta(hours=2, minutes=59), "2h"),
        (timedelta(hours=47), "47h"),
        (timedelta(days=3, hours=5), "3d"),
        (timedelta(seconds=-5), "0m"),
    ],
)
def test_short_durations_read_naturally(delta, text):
    assert short_duration(delta) == text
