"""The evidence package a police referral carries: a description, never the material."""

import json

import pytest
from django.core import mail

from haven.routing import services
from haven.routing.evidence import SCHEMA
from haven.routing.models import ReferralKind, ReferralStatus
from haven.routing.tests.conftest import (
    FETCHED_SHA256,
    MD5,
    PDQ,
    REPORTER_CONTACT,
    REPORTER_WORDS,
    SHA256,
)
from haven.triage.models import ActionKind


@pytest.fixture
def police_referral(hosted, police_unit, analyst, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.refer_to_police(hosted.report, police_unit, analyst)
    referral.refresh_from_db()
    return referral


def test_a_police_referral_carries_hashes_capture_details_and_classification(
    hosted, police_referral
):
    package = police_referral.evidence
    assert police_referral.kind == ReferralKind.POLICE
    assert police_referral.status == ReferralStatus.SENT
    assert package["schema"] == SCHEMA
    assert package["from"] == {
        "organisation": "Northern Hotline",
        "country": "GB",
        "country_name": "United Kingdom",
    }
    report = package["report"]
    assert report["reference"] == hosted.report.reference
    assert report["received_at"].endswith("Z")
    assert report["category"] == "sexual_imagery"
    assert {"scheme": "National law", "label": "Illegal here"} in report["classification"]

    abroad, at_home = package["urls"]
    assert abroad["url"] == "https://images.example.de/album/7"
    assert abroad["normalised"] == "https://images.example.de/album/7"
    assert abroad["first_captured_at"].endswith("Z")
    capture = abroad["capture"]
    assert capture["final_url"] == "https://cdn.example.de/album/7.mp4"
    assert capture["addresses"] == ["203.0.113.7"]
    assert capture["status_code"] == 200 and capture["sha256"] == FETCHED_SHA256
    assert capture["headers"] == {"server": "nginx", "via": "1.1 x"}  # never cookies
    assert abroad["hosting"]["country"] == "DE"
    assert abroad["hosting"]["country_name"] == "Germany"
    assert abroad["hosting"]["network"] == "Example Hosting GmbH"
    assert at_home["capture"] is None and at_home["hosting"]["country"] == "GB"

    sent, fetched = package["files"]
    assert (sent["md5"], sent["sha256"], sent["pdq"]) == (MD5, SHA256, PDQ)
    assert sent["from_url"] is None
    assert fetched["kind"] == "video" and fetched["size"] == 123_456
    assert fetched["vpdq_frames"] == 3
    assert fetched["from_url"] == abroad["ref"]
    assert fetched["matches"] == [{"bank": "Known videos", "classification": "Known CSAM (video)"}]
    assert fetched["classification"] == [{"scheme": "National law", "label": "Illegal here"}]
    assert package["material_included"] is False
    assert "retained_evidence" not in package


def test_a_police_referral_never_carries_bytes_or_the_reporters_details(hosted, police_referral):
    text = json.dumps(police_referral.evidence)
    message = mail.outbox[0]
    for sent in (text, message.body, message.attachments[0][1]):
        assert REPORTER_WORDS not in sent
        assert REPORTER_CONTACT not in sent
        assert "secret entry note" not in sent
        assert "session=secret" not in sent
    assert "evidence_name" not in text and "staged_name" not in text
    assert "base64" not in text and "data:" not in text and 'vpdq"' not in text
    # Nothing long enough to be file content hides in the package.
    longest = max(len(value) for value in _strings(police_referral.evidence))
    assert longest < 300


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_a_police_referral_is_recorded_as_a_police_action(hosted, police_referral, analyst):
    action = hosted.report.actions_taken.get()
    assert action.kind == ActionKind.POLICE and "CEOP" in action.detail


def test_with_evidence_retention_the_package_names_the_files_held_on_lawful_request(
    hosted, organisation
):
    organisation.evidence_retention = True
    organisation.save()
    hosted.fetched_file.evidence_name = "ab" * 16
    hosted.fetched_file.save()
    package = services.evidence_package(hosted.report)
    assert package["retained_evidence"] == {
        "available_on_lawful_request": True,
        "files": ["F2"],
    }
    assert package["files"][1]["evidence_retained"] is True
    assert "ab" * 16 not in json.dumps(package)


def test_a_package_for_some_addresses_leaves_out_the_files_fetched_from_the_others(hosted):
    package = services.evidence_package(hosted.report, report_urls=[hosted.at_home])
    assert [entry["url"] for entry in package["urls"]] == ["https://uk.example.co.uk/page"]
    assert [entry["sha256"] for entry in package["files"]] == [SHA256]


def test_rejected_files_without_hashes_are_left_out(hosted):
    from haven.reports.models import MediaItem, MediaKind, MediaStatus

    MediaItem.objects.create(
        report=hosted.report, kind=MediaKind.IMAGE, status=MediaStatus.REJECTED, rejection="empty"
    )
    assert len(services.evidence_package(hosted.report)["files"]) == 2
