"""The audit log browser: who may read it, what they see, and how they narrow it down."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import verified_client
from haven.audit.models import AuditEvent

from .conftest import event_at

URL = "/audit/"


def at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=UTC)


def listed(response) -> list[tuple[str, str, str]]:
    return [(row.actor, row.action, row.target) for row in response.context["rows"]]


def test_the_page_is_named_log():
    assert reverse("audit:log") == URL


def test_analysts_may_not_read_the_audit_log(analyst_client, organisation):
    assert analyst_client.get(URL).status_code == 403


def test_partner_services_may_not_read_the_audit_log(client, partner):
    assert verified_client(client, partner).get(URL).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_only_the_organisations_own_events_are_listed(
    supervisor_client, organisation, other_organisation
):
    event_at(at(4), organisation=organisation, action="northern.viewed")
    event_at(at(5), organisation=other_organisation, action="southern.viewed", actor_label="olly")
    event_at(at(6), organisation=None, action="system.swept")
    response = supervisor_client.get(URL)
    assert listed(response) == [("worker", "northern.viewed", "")]
    page = response.content.decode()
    assert "southern.viewed" not in page and "olly" not in page
    assert "system.swept" not in page
    assert response.context["actions"] == ["northern.viewed"]


def test_another_organisations_supervisor_sees_none_of_ours(
    outsider_client, organisation, other_organisation
):
    event_at(at(4), organisation=organisation, action="northern.viewed")
    event_at(at(5), organisation=other_organisation, action="southern.viewed")
    response = outsider_client.get(URL, {"action": "northern.viewed"})
    assert listed(response) == []
    assert listed(outsider_client.get(URL, {"action": "southern.viewed"})) == [
        ("worker", "southern.viewed", "")
    ]


def test_events_are_listed_newest_first_with_who_when_and_what(supervisor_client, organisation):
    event_at(at(4), organisation=organisation, action="first")
    event_at(at(6), organisation=organisation, action="third")
    event_at(at(5), organisation=organisation, action="second")
    response = supervisor_client.get(URL)
    assert [action for _, action, _ in listed(response)] == ["third", "second", "first"]
    assert '<time datetime="2024-03-06T12:00:00+00:00">6 Mar 2024 12:00:00</time>' in (
        response.content.decode()
    )


def test_filtering_by_action(supervisor_client, organisation):
    event_at(at(4), organisation=organisation, action="report.viewed")
    event_at(at(5), organisation=organisation, action="report.closed")
    response = supervisor_client.get(URL, {"action": "report.closed"})
    assert listed(response) == [("worker", "report.closed", "")]
    assert '<option value="report.closed" selected>' in response.content.decode()


def test_filtering_by_actor_username_or_label(supervisor_client, organisation, supervisor):
    event_at(at(4), organisation=organisation, actor=supervisor, actor_label="sam")
    event_at(at(5), organisation=organisation, actor_label="token ExampleSocial")
    event_at(at(6), organisation=organisation, actor_label="worker")
    only_tests = {"action": "test.event"}
    assert listed(supervisor_client.get(URL, {**only_tests, "actor": "SAM"})) == [
        ("sam", "test.event", "")
    ]
    assert listed(supervisor_client.get(URL, {**only_tests, "actor": "examplesocial"})) == [
        ("token ExampleSocial", "test.event", "")
    ]


def test_filtering_by_target_reference_or_id(supervisor_client, organisation):
    event_at(
        at(4),
        organisation=organisation,
        target_type="report",
        target_id="41",
        detail={"reference": "HVN-ABCDE-FGHJK"},
    )
    event_at(
        at(5),
        organisation=organisation,
        target_type="report",
        target_id="42",
        detail={"reference": "HVN-23456-789AB"},
    )
    event_at(at(6), organisation=organisation, target_type="user", target_id="7")
    by_reference = supervisor_client.get(URL, {"target": "hvn abcde fghjk"})
    assert listed(by_reference) == [("worker", "test.event", "HVN-ABCDE-FGHJK")]
    assert listed(supervisor_client.get(URL, {"target": "42"})) == [
        ("worker", "test.event", "HVN-23456-789AB")
    ]
    assert listed(supervisor_client.get(URL, {"target": "7"})) == [
        ("worker", "test.event", "user 7")
    ]


def test_filtering_by_date_range_includes_both_days(supervisor_client, organisation):
    event_at(at(3, 23, 59), organisation=organisation, action="too.early")
    event_at(at(4, 0, 0), organisation=organisation, action="first.day")
    event_at(at(5, 23, 59), organisation=organisation, action="last.day")
    event_at(at(6, 0, 0), organisation=organisation, action="too.late")
    response = supervisor_client.get(URL, {"from": "2024-03-04", "to": "2024-03-05"})
    assert [action for _, action, _ in listed(response)] == ["last.day", "first.day"]


def test_a_backwards_date_range_is_explained_and_nothing_is_hidden(supervisor_client, organisation):
    event_at(at(4), organisation=organisation)
    response = supervisor_client.get(URL, {"from": "2024-03-05", "to": "2024-03-04"})
    assert "The start date must be on or before the end date." in response.content.decode()
    assert len(listed(response)) == 1


def test_a_report_target_links_to_its_triage_page(supervisor_client, organisation):
    event_at(
        at(4),
        organisation=organisation,
        target_type="report",
        target_id="41",
        detail={"reference": "HVN-ABCDE-FGHJK"},
    )
    event_at(
        at(5),
        organisation=organisation,
        target_type="report",
        target_id="42",
        detail={"reference": "../../accounts/users/"},
    )
    page = supervisor_client.get(URL).content.decode()
    assert '<a href="/triage/HVN-ABCDE-FGHJK/">HVN-ABCDE-FGHJK</a>' in page
    assert 'href="/triage/../' not in page and '<a href="../../' not in page


def test_detail_is_shown_as_compact_escaped_json(supervisor_client, organisation):
    event_at(
        at(4), organisation=organisation, detail={"reason": "<script>alert(1)</script>", "files": 2}
    )
    page = supervisor_client.get(URL).content.decode()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"{{&quot;files&quot;: 2, &quot;reason&quot;: &quot;{escaped}&quot;}}" in page
    assert "<script>alert" not in page


def test_pages_hold_50_events_and_keep_the_filters(supervisor_client, organisation):
    start = at(1)
    for n in range(120):
        event_at(start + timedelta(minutes=n), organisation=organisation, detail={"n": n})
    first = supervisor_client.get(URL, {"action": "test.event"})
    assert [row.detail for row in first.context["rows"]][:2] == ['{"n": 119}', '{"n": 118}']
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.num_pages == 3
    assert 'href="?action=test.event&amp;page=2" rel="next"' in first.content.decode()
    third = supervisor_client.get(URL, {"action": "test.event", "page": 3})
    assert [row.detail for row in third.context["rows"]][-1] == '{"n": 0}'
    assert len(third.context["rows"]) == 20
    beyond = supervisor_client.get(URL, {"action": "test.event", "page": 99})
    assert beyond.context["page"].number == 3


def queries_for_a_page(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_log(
    supervisor_client, organisation, supervisor, django_assert_max_num_queries
):
    for n in range(5):
        event_at(organisation=organisation, actor=supervisor, actor_label="sam", detail={"n": n})
    few = queries_for_a_page(supervisor_client)
    for n in range(120):
        event_at(
            organisation=organisation,
            actor=supervisor,
            actor_label="sam",
            action=f"test.event{n % 7}",
            detail={"n": n},
        )
    assert queries_for_a_page(supervisor_client) == few
    # Eight today: session, user, device, organisation name, actions, count, page and
    # the audit row for this viewing; a little room for middleware, none for a loop.
    with django_assert_max_num_queries(10):
        supervisor_client.get(URL)


def test_viewing_the_log_is_itself_audited(supervisor_client, supervisor, organisation):
    supervisor_client.get(URL, {"action": "report.viewed", "from": "2024-03-01", "page": 1})
    viewed = AuditEvent.objects.get(action="audit.viewed")
    assert (viewed.actor_id, viewed.organisation_id) == (supervisor.pk, organisation.pk)
    assert viewed.detail == {
        "page": 1,
        "filters": {"action": "report.viewed", "from": "2024-03-01"},
    }
    assert viewed.ip_address == "127.0.0.1"


@pytest.mark.parametrize("persona", ["analyst", "partner"])
def test_a_refused_viewer_leaves_no_viewing_record(client, request, persona):
    verified_client(client, request.getfixturevalue(persona)).get(URL)
    assert not AuditEvent.objects.filter(action="audit.viewed").exists()


def test_report_and_file_targets_are_named_by_the_report_reference(supervisor_client, organisation):
    from haven.audit.services import Actor, record
    from haven.reports.intake import ReportInput, submit_report
    from haven.reports.models import MediaItem

    report = submit_report(
        organisation, "public", ReportInput(category="bullying", description="x"), Actor.public()
    ).report
    item = MediaItem.objects.create(report=report, kind="hashes", status="hashed")
    record(Actor.system(), "media.viewed", item, organisation_id=organisation.pk)
    record(Actor.system(), "report.viewed", report, organisation_id=organisation.pk)
    html = supervisor_client.get("/audit/").content.decode()
    assert f"file in {report.reference}" in html
    assert f"mediaitem {item.pk}" not in html and f"report {report.pk}<" not in html
