"""The classification API: schemes in use, classifying, and the labels in triage reads."""

import pytest
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.classification.services import classifications_for, classify, labels_of
from haven.classification.tests.support import add_image, add_url, make_report

SCHEMES = reverse("api:classification-schemes")


def endpoint(report) -> str:
    return reverse("api:classification-classify", args=[report.reference])


@pytest.fixture
def report(organisation):
    return make_report(organisation)


def test_the_schemes_in_use_are_listed_with_their_labels(analyst_api):
    response = analyst_api.get(SCHEMES)
    assert response.status_code == 200
    body = response.json()
    assert [scheme["key"] for scheme in body] == ["interpol", "age", "content"]
    interpol = body[0]
    assert interpol["builtin"] is True and interpol["required"] is False
    assert interpol["applies_to"] == "both"
    assert interpol["labels"][0] == {
        "key": "baseline",
        "name": "Baseline (illegal everywhere)",
        "description": interpol["labels"][0]["description"],
        "actionable": True,
    }


def test_classifying_the_report_returns_its_labels_and_is_audited_with_the_token(
    report, analyst_api
):
    response = analyst_api.post(
        endpoint(report), {"labels": {"interpol": "baseline", "age": "11-13"}}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["target"] == {"type": "report", "id": None}
    assert [(c["scheme"], c["label"], c["source"]) for c in body["classifications"]] == [
        ("interpol", "baseline", "analyst"),
        ("age", "11-13", "analyst"),
    ]
    assert body["classifications"][0]["classified_by"] == "ana"
    event = AuditEvent.objects.get(action="classification.changed")
    assert "token" in event.actor_label


def test_items_and_addresses_are_classified_by_id(report, analyst_api):
    item, _ = add_image(report, 1, keep=False)
    address = add_url(report, "https://example.com/a")
    analyst_api.post(
        endpoint(report),
        {"target": {"type": "item", "id": item.pk}, "labels": {"content": "image"}},
        format="json",
    )
    response = analyst_api.post(
        endpoint(report),
        {"target": {"type": "url", "id": address.pk}, "labels": {"interpol": "national"}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["target"] == {"type": "url", "id": address.pk}
    found = classifications_for(report)
    assert labels_of(found.for_target(item)) == {"content": "image"}
    assert labels_of(found.for_target(address)) == {"interpol": "national"}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"labels": {"uk": "a"}},
            {"labels": {"uk": ["“uk” is not a scheme your organisation uses for whole reports."]}},
        ),
        (
            {"labels": {"interpol": "a1"}},
            {"labels": {"interpol": ["“a1” is not a label of INTERPOL baseline."]}},
        ),
        ({"labels": {}}, None),
        ({"target": {"type": "item"}, "labels": {"content": "image"}}, None),
        ({"target": {"type": "folder", "id": 1}, "labels": {"content": "image"}}, None),
    ],
)
def test_refused_labels_come_back_in_the_error_shape(report, analyst_api, body, fields):
    response = analyst_api.post(endpoint(report), body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    if fields is not None:
        assert error["fields"] == fields


def test_a_closed_report_is_a_conflict(organisation, analyst_api):
    from haven.reports.models import Status

    closed = make_report(organisation, status=Status.CLOSED)
    response = analyst_api.post(
        endpoint(closed), {"labels": {"interpol": "baseline"}}, format="json"
    )
    assert response.status_code == 409


def test_partner_tokens_are_refused(report, partner_api):
    assert partner_api.get(SCHEMES).status_code == 403
    response = partner_api.post(
        endpoint(report), {"labels": {"interpol": "baseline"}}, format="json"
    )
    assert response.status_code == 403


def test_another_organisations_report_and_items_are_not_found(
    organisation, report, analyst_api, outsider_api
):
    response = outsider_api.post(
        endpoint(report), {"labels": {"interpol": "baseline"}}, format="json"
    )
    assert response.status_code == 404
    theirs = make_report(organisation)
    item, _ = add_image(theirs, 1, keep=False)
    address = add_url(theirs, "https://example.com/a")
    mine = make_report(organisation)
    for target in ({"type": "item", "id": item.pk}, {"type": "url", "id": address.pk}):
        response = analyst_api.post(
            endpoint(mine), {"target": target, "labels": {"content": "image"}}, format="json"
        )
        assert response.status_code == 404
    assert not classifications_for(theirs).items


def test_the_report_detail_shows_labels_per_item_and_address_and_the_summary(
    report, analyst, analyst_api, django_assert_max_num_queries
):
    item, _ = add_image(report, 1, keep=False)
    address = add_url(report, "https://Example.com/a")
    classify(report, labels={"interpol": "baseline"}, by=analyst)
    classify(report, target=item, labels={"content": "image"}, by=analyst)
    classify(report, target=address, labels={"content": "website"}, by=analyst)
    body = analyst_api.get(reverse("api:triage-report", args=[report.reference])).json()
    assert [c["label"] for c in body["labels"]] == ["baseline"]
    assert [c["label"] for c in body["media"][0]["labels"]] == ["image"]
    assert body["addresses"] == [
        {
            "id": address.pk,
            "url": "https://Example.com/a",
            "normalised": "https://example.com/a",
            "labels": body["addresses"][0]["labels"],
        }
    ]
    assert body["addresses"][0]["labels"][0]["label"] == "website"
    assert [(s["scheme"], s["label"]) for s in body["classification"]] == [
        ("interpol", "baseline"),
        ("content", "image"),
        ("content", "website"),
    ]
    assert body["duplicate_of"] is None and body["duplicate_count"] == 0


def test_the_api_queue_shows_each_reports_summary_in_one_query(organisation, analyst, analyst_api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queue = reverse("api:triage-queue")

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert analyst_api.get(queue).status_code == 200
        return len(queries)

    def add(count):
        for _ in range(count):
            classify(make_report(organisation), labels={"interpol": "national"}, by=analyst)

    add(2)
    analyst_api.get(queue)  # the token's last-used time is written on first use only
    few = cost()
    add(10)
    assert cost() == few
    rows = analyst_api.get(queue).json()["results"]
    assert rows[0]["classification"] == [
        {
            "scheme": "interpol",
            "scheme_name": "INTERPOL baseline",
            "label": "national",
            "label_name": "Nationally illegal",
        }
    ]


def test_the_schema_documents_the_classification_endpoints(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    post = schema["paths"]["/api/v1/reports/{reference}/classifications"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(post["responses"])
    assert "get" in schema["paths"]["/api/v1/classification/schemes"]
