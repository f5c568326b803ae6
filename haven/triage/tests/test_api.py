"""The staff triage API: happy paths with a token, refusals, and the error shape."""

import pytest
from django.urls import reverse

from conftest import verified_client
from haven.audit.models import AuditEvent
from haven.reports.models import Category, Status, Urgency
from haven.triage import actions
from haven.triage.models import ActionKind
from haven.triage.tests.support import add_image, make_report


def endpoint(name, report=None):
    return reverse(f"api:triage-{name}", args=[report.reference] if report else [])


ACTIONS = {
    "claim": {},
    "assign": {"username": "ana"},
    "classify": {"category": "solicitation", "severity": "high"},
    "notes": {"text": "A note"},
    "actions": {"kind": "police", "detail": "Unit 4"},
    "close": {"reason": "Done"},
    "reopen": {"reason": "More came in"},
}


def test_the_queue_has_the_same_order_and_filters_as_the_page(organisation, analyst_api):
    standard = make_report(organisation, due_in_hours=1)
    danger = make_report(organisation, urgency=Urgency.DANGER_NOW, due_in_hours=5)
    late = make_report(organisation, due_in_hours=-1)
    make_report(organisation, status=Status.CLOSED)
    add_image(standard, 1, keep=False, match_label="Known (A)")
    response = analyst_api.get(endpoint("queue"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    rows = body["results"]
    assert [row["reference"] for row in rows] == [
        danger.reference,
        late.reference,
        standard.reference,
    ]
    assert rows[0]["urgency"] == "danger_now"
    assert rows[1]["overdue"] is True and rows[0]["overdue"] is False
    assert (rows[2]["item_count"], rows[2]["match_count"]) == (1, 1)

    closed = analyst_api.get(endpoint("queue"), {"status": "closed"}).json()
    assert closed["count"] == 1


def test_queue_filters_are_checked(analyst_api):
    response = analyst_api.get(endpoint("queue"), {"status": "deleted"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "status" in response.json()["error"]["fields"]


def test_the_detail_has_items_hashes_notes_and_actions_and_is_audited(report, analyst, analyst_api):
    item, _ = add_image(report, 2, keep=False, match_label="Known (A)")
    actions.add_note(report, "Checked", analyst)
    actions.record_action(report, ActionKind.HOST_NOTICE, "ExampleHost", analyst)
    response = analyst_api.get(endpoint("report", report))
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == report.reference and body["status"] == "actioned"
    assert body["media"][0]["md5"] == item.md5
    assert body["media"][0]["evidence_kept"] is False
    assert body["media"][0]["match_label"] == "Known (A)"
    assert body["notes"][0] == {
        "id": body["notes"][0]["id"],
        "text": "Checked",
        "author": "ana",
        "created_at": body["notes"][0]["created_at"],
    }
    assert body["actions"][0]["kind"] == "host_notice"
    assert "contact" not in body and body["has_contact"] is False
    event = AuditEvent.objects.get(action="report.viewed")
    assert event.actor == analyst and event.actor_label == "ana (token ana tests)"


def test_every_action_works_through_the_api(report, analyst, supervisor_api):
    expected = {
        "claim": ("in_review", 200),
        "assign": ("in_review", 200),
        "classify": ("in_review", 200),
        "notes": (None, 201),
        "actions": (None, 201),
        "close": ("closed", 200),
        "reopen": ("in_review", 200),
    }
    for name, data in ACTIONS.items():
        response = supervisor_api.post(endpoint(name, report), data, format="json")
        status, code = expected[name]
        assert response.status_code == code, (name, response.json())
        if status:
            assert response.json()["status"] == status
    report.refresh_from_db()
    assert report.assigned_to == analyst
    assert (report.classified_category, report.severity) == ("solicitation", "high")
    assert report.first_action_at is not None
    logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "report.claimed",
        "report.assigned",
        "report.classified",
        "report.note_added",
        "report.action_recorded",
        "report.closed",
        "report.reopened",
    } <= logged


def test_an_impossible_transition_is_a_conflict(report, analyst, analyst_api):
    actions.close(report, analyst, "Done")
    response = analyst_api.post(endpoint("close", report), {"reason": "Again"}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "error": {"code": "invalid_transition", "message": "This report is already closed."}
    }


def test_no_action_without_a_reason_is_invalid(report, analyst_api):
    response = analyst_api.post(endpoint("actions", report), {"kind": "no_action"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"detail": ["Say why no action is being taken."]}


def test_missing_fields_are_invalid(report, analyst_api):
    response = analyst_api.post(endpoint("classify", report), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"category", "severity"}


def test_analysts_cannot_assign(report, analyst_api):
    response = analyst_api.post(endpoint("assign", report), {"username": "ana"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_assigning_to_another_organisations_user_is_refused(report, outsider, supervisor_api):
    response = supervisor_api.post(endpoint("assign", report), {"username": "olly"}, format="json")
    assert response.status_code == 400
    assert "username" in response.json()["error"]["fields"]
    report.refresh_from_db()
    assert report.assigned_to is None


def test_assigning_to_a_partner_service_is_refused(report, partner, supervisor_api):
    data = {"username": partner.username}
    response = supervisor_api.post(endpoint("assign", report), data, format="json")
    assert response.status_code == 400


def test_classify_can_raise_a_report_to_danger_now(report, analyst_api):
    data = {"category": Category.DANGER_NOW, "severity": "critical"}
    response = analyst_api.post(endpoint("classify", report), data, format="json")
    assert response.json()["urgency"] == "danger_now"


def all_endpoints(report):
    yield "get", endpoint("queue")
    yield "get", endpoint("report", report)
    for name in ACTIONS:
        yield "post", endpoint(name, report)


def test_partner_services_are_refused_everywhere(report, partner_api):
    for method, path in all_endpoints(report):
        response = getattr(partner_api, method)(path, {}, format="json")
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "permission_denied"


def test_another_organisation_finds_no_such_report(report, outsider_api):
    for method, path in all_endpoints(report):
        if path == endpoint("queue"):
            assert outsider_api.get(path).json()["count"] == 0
            continue
        response = getattr(outsider_api, method)(
            path, ACTIONS.get(path.split("/")[-2], {}), format="json"
        )
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    report.refresh_from_db()
    assert report.assigned_to is None and report.status == Status.RECEIVED
    assert not AuditEvent.objects.exists()


def test_without_a_token_the_api_asks_for_one(report, client):
    response = client.get(endpoint("report", report))
    assert response.status_code == 401


@pytest.mark.parametrize("verified", [True, False])
def test_a_browser_session_needs_two_factor(report, analyst, client, verified):
    if verified:
        verified_client(client, analyst)
    else:
        client.force_login(analyst)
    response = client.get(endpoint("report", report))
    assert response.status_code == (200 if verified else 403)
