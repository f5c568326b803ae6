"""Submitting reports through POST /api/v1/reports/."""

from unittest import mock

import pytest

from haven.audit.models import AuditEvent
from haven.demo.synthetic import synthetic_jpeg, synthetic_mp4_header
from haven.hashing.signals import md5_hex, sha256_hex
from haven.reports.models import MediaStatus, Report, Source

URL = "/api/v1/reports/"
SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
MD5 = "098f6bcd4621d373cade4e832627b4f6"


def file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_partner_submits_urls_and_hashes_as_json(partner_api, partner):
    response = partner_api.post(
        URL,
        {
            "category": "sexual_imagery",
            "urls": ["https://example.com/a", "http://example.net/b?c=1"],
            "hashes": [{"sha256": SHA256.upper()}, {"md5": MD5, "pdq": "f" * 64}],
            "platform": "ExampleSocial",
            "external_id": "case-1",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    report = Report.objects.get(reference=body["reference"])
    assert report.source == Source.API and report.submitted_by == partner
    assert sorted(report.urls.values_list("url", flat=True)) == [
        "http://example.net/b?c=1",
        "https://example.com/a",
    ]
    assert body["status"] == "received" and body["category"] == "sexual_imagery"
    assert body["urgency"] == "standard"
    assert body["status_url"] == f"http://testserver/api/v1/reports/{report.reference}/"
    assert response["Location"] == body["status_url"]
    assert {"received_at", "due_at"} <= body.keys()
    assert [(i["kind"], i["status"], i["rejection"]) for i in body["items"]] == [
        ("hashes", "hashed", ""),
        ("hashes", "hashed", ""),
    ]
    assert list(report.media.order_by("pk").values_list("sha256", "md5")) == [
        (SHA256, ""),
        ("", MD5),
    ]
    event = AuditEvent.objects.get(action="report.submitted", target_id=str(report.pk))
    assert (
        event.actor == partner and event.actor_label == "examplesocial (token examplesocial tests)"
    )


def test_multipart_image_is_hashed_by_the_background_job(
    partner_api, django_capture_on_commit_callbacks
):
    jpeg = synthetic_jpeg(11)
    with django_capture_on_commit_callbacks(execute=True):
        response = partner_api.post(
            URL,
            {
                "category": "sexual_imagery",
                "urls": ["https://example.com/one", "https://example.com/two"],
                "hashes": f'[{{"md5": "{MD5}"}}]',
                "files": [file("photo.jpg", jpeg)],
            },
            format="multipart",
        )

    assert response.status_code == 201, response.json()
    items = response.json()["items"]
    assert [(i["kind"], i["name"], i["rejection"]) for i in items] == [
        ("image", "photo.jpg", ""),
        ("hashes", "", ""),
    ]
    report = Report.objects.get(reference=response.json()["reference"])
    assert report.urls.count() == 2
    image = report.media.get(kind="image")
    assert image.status == MediaStatus.HASHED
    assert image.md5 == md5_hex(jpeg) and image.sha256 == sha256_hex(jpeg)
    assert len(image.pdq) == 64


def test_bad_files_are_listed_as_rejected_and_the_report_is_still_stored(partner_api):
    jpeg = synthetic_jpeg(12)
    response = partner_api.post(
        URL,
        {
            "category": "other",
            "description": "Two files the service could not vouch for.",
            "files": [
                file("broken.jpg", jpeg[: len(jpeg) // 2]),
                file("notes.txt", b"hello"),
                file("clip.mp4", synthetic_mp4_header()),
            ],
        },
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    items = {i["name"]: i for i in response.json()["items"]}
    assert items["broken.jpg"]["status"] == "rejected"
    assert items["broken.jpg"]["rejection"] == "truncated"
    assert items["broken.jpg"]["rejection_message"] == "The file is damaged or incomplete."
    assert items["notes.txt"]["rejection"] == "unsupported"
    assert "not supported" in items["notes.txt"]["rejection_message"]
    assert items["clip.mp4"]["status"] == "pending"
    assert items["clip.mp4"]["rejection_message"] == ""
    report = Report.objects.get(reference=response.json()["reference"])
    assert report.description == "Two files the service could not vouch for."
    assert report.media.count() == 3


def test_an_empty_file_is_rejected_not_refused(partner_api):
    response = partner_api.post(
        URL, {"category": "other", "files": [file("empty.jpg", b"")]}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["items"][0]["rejection"] == "empty"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"category": "nonsense", "description": "x"}, "category"),
        ({"description": "no category"}, "category"),
        ({"category": "other", "hashes": [{"md5": "xyz"}]}, "hashes"),
        ({"category": "other", "hashes": [{"sha256": "ab" * 31}]}, "hashes"),
        ({"category": "other", "hashes": [{}]}, "hashes"),
        ({"category": "other", "urls": ["ftp://example.com/file"]}, "urls"),
        ({"category": "other", "urls": ["javascript:alert(1)"]}, "urls"),
        ({"category": "other", "urls": [f"https://example.com/{n}" for n in range(51)]}, "urls"),
        ({"category": "other", "description": "   "}, "non_field_errors"),
        ({"category": "other"}, "non_field_errors"),
    ],
)
def test_invalid_submissions_are_refused_with_the_error_shape(partner_api, payload, field):
    response = partner_api.post(URL, payload, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"]
    assert field in error["fields"]
    assert Report.objects.count() == 0


def test_bad_hash_in_a_form_is_refused(partner_api):
    response = partner_api.post(
        URL, {"category": "other", "hashes": "not json"}, format="multipart"
    )
    assert response.status_code == 400
    assert "hashes" in response.json()["error"]["fields"]


def test_more_than_ten_files_are_refused(partner_api):
    files = [file(f"{n}.jpg", b"x") for n in range(11)]
    response = partner_api.post(URL, {"category": "other", "files": files}, format="multipart")
    assert response.status_code == 400
    assert "files" in response.json()["error"]["fields"]


def test_malformed_json_gets_the_error_shape(partner_api):
    response = partner_api.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_retry_with_the_same_external_id_returns_the_first_report(partner_api, partner):
    payload = {"category": "bullying", "description": "first", "external_id": "ticket-77"}
    first = partner_api.post(URL, payload, format="json")
    again = partner_api.post(URL, payload | {"description": "retry"}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["reference"] == first.json()["reference"]
    assert Report.objects.filter(submitted_by=partner).count() == 1
    assert Report.objects.get().description == "first"


def test_external_ids_are_per_submitter(partner_api, analyst_api):
    payload = {"category": "bullying", "description": "x", "external_id": "shared-id"}
    first = partner_api.post(URL, payload, format="json")
    other = analyst_api.post(URL, payload, format="json")
    blank = partner_api.post(URL, payload | {"external_id": ""}, format="json")

    assert (first.status_code, other.status_code, blank.status_code) == (201, 201, 201)
    assert Report.objects.count() == 3


def test_staff_with_a_token_may_submit_too(analyst_api, analyst):
    response = analyst_api.post(
        URL, {"category": "danger_now", "description": "now"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["urgency"] == "danger_now"
    assert Report.objects.get().submitted_by == analyst


def test_submitting_one_image_takes_a_fixed_number_of_queries(
    partner_api, django_assert_max_num_queries
):
    jpeg = synthetic_jpeg(13)
    partner_api.get(URL)  # the token's last-used time is written on first use only
    with django_assert_max_num_queries(10):
        response = partner_api.post(
            URL,
            {"category": "other", "external_id": "q-1", "files": [file("a.jpg", jpeg)]},
            format="multipart",
        )
    assert response.status_code == 201


def test_a_retry_that_races_the_first_submission_returns_the_first_report(partner, partner_api):
    body = {"category": "bullying", "external_id": "race-1", "description": "x"}
    first = partner_api.post("/api/v1/reports/", body, format="json")
    assert first.status_code == 201
    stored = Report.objects.get(reference=first.json()["reference"])
    # Losing the race: the look-up before inserting finds nothing, then the insert clashes.
    with mock.patch("haven.api.views._earlier_submission", side_effect=[None, stored]):
        again = partner_api.post("/api/v1/reports/", body, format="json")
    assert again.status_code == 200
    assert again.json()["reference"] == stored.reference
    assert Report.objects.filter(external_id="race-1").count() == 1
