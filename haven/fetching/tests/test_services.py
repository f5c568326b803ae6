"""Every check is recorded; a capture is hashed and matched like an uploaded file."""

import gzip

import pytest

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.demo.synthetic import synthetic_jpeg, synthetic_mp4
from haven.fetching import jobs as fetching_jobs
from haven.fetching import services
from haven.fetching.client import Result, fetch
from haven.fetching.models import Fetch
from haven.fetching.signals import url_checked
from haven.fetching.tests.servers import body
from haven.hashing.signals import md5_hex, sha256_hex
from haven.jobs import registry
from haven.jobs.models import Job
from haven.matching.models import BankEntry, HashBank
from haven.reports.intake import ReportInput, submit_report
from haven.reports.models import MediaItem, MediaStatus, Source

HTML = b"<!doctype html><title>A page</title><p>Hello</p>"


def report_with(organisation, url):
    data = ReportInput(category="sexual_imagery", urls=[url])
    report = submit_report(organisation, Source.PUBLIC, data, Actor.public()).report
    return report.urls.get()


def fake(outcome="present", **fields):
    """A fetcher other apps' tests can use: returns a fixed Result, touches nothing."""
    return lambda url: Result(outcome=outcome, requested_url=url, final_url=url, **fields)


def test_every_check_is_recorded_with_what_came_back(organisation):
    url = report_with(organisation, "https://example.test/page")
    fetch_row = services.check(
        url,
        "recheck",
        fetcher=fake(
            status_code=200,
            body=HTML,
            content_type="text/html",
            addresses=["93.184.215.14"],
            headers={"Server": "nginx", "Set-Cookie": "id=1", "CF-Ray": "abc", "X-Cache": "HIT"},
        ),
    )
    fetch_row.refresh_from_db()
    assert (fetch_row.outcome, fetch_row.status_code, fetch_row.purpose) == (
        "present",
        200,
        "recheck",
    )
    assert fetch_row.organisation == organisation
    assert fetch_row.sha256 == sha256_hex(HTML) and fetch_row.md5 == md5_hex(HTML)
    assert fetch_row.size == len(HTML) and fetch_row.content_type == "text/html"
    assert fetch_row.addresses == ["93.184.215.14"]
    assert fetch_row.response_headers == {"server": "nginx", "cf-ray": "abc", "x-cache": "HIT"}
    assert fetch_row.started_at and fetch_row.finished_at
    assert fetch_row.media_item is None and not MediaItem.objects.exists()
    event = AuditEvent.objects.get(action="url.checked")
    assert event.detail["outcome"] == "present" and event.organisation_id == organisation.pk


def test_a_refused_or_failed_check_is_recorded_with_its_reason(organisation):
    url = report_with(organisation, "http://169.254.169.254/latest/meta-data/")
    refused = services.check(url, "capture")  # the real client: refused before any socket
    assert (refused.outcome, refused.reason) == ("refused", "forbidden_address")
    assert "cloud metadata service" in refused.detail
    bad = services.check(report_with(organisation, "http://exa mple.test/"), "capture")
    assert (bad.outcome, bad.reason) == ("failed", "bad_url") and bad.detail
    assert Fetch.objects.count() == 2 and not MediaItem.objects.exists()


def test_the_latest_check_is_the_most_recent_one(organisation, clock):
    url = report_with(organisation, "https://example.test/page")
    assert services.latest(url) is None
    services.check(url, "capture", fetcher=fake(body=HTML))
    clock.advance(hours=24)
    second = services.check(url, "recheck", fetcher=fake("gone", reason="not_found"))
    assert services.latest(url) == second and second.outcome == "gone"
    assert second.reason_sentence.startswith("The server says the page does not exist")


def test_a_captured_image_is_hashed_and_matched_and_its_bytes_not_kept(
    organisation, server, resolver, allow_loopback, settings, django_capture_on_commit_callbacks
):
    jpeg = synthetic_jpeg(11)
    bank = HashBank.objects.create(organisation=organisation, name="known", classification="Known")
    BankEntry.objects.create(bank=bank, signal_type="md5", value=md5_hex(jpeg))
    server.route("/photo.jpg", body(jpeg, Content_Type="image/jpeg"))
    url = report_with(organisation, f"http://host.test:{server.port}/photo.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        fetch_row = services.check(url, "capture", fetcher=lambda u: fetch(u, resolver=resolver))
    item = MediaItem.objects.get()
    assert fetch_row.media_item == item and item.report_url == url
    assert (item.kind, item.status, item.original_name) == ("image", "hashed", "photo.jpg")
    assert item.md5 == md5_hex(jpeg) and item.sha256 == fetch_row.sha256
    assert len(item.pdq) == 64 and item.match_label == "Known"
    assert item.staged_name == "" and item.evidence_name == ""
    assert not any(settings.STAGING_DIR.iterdir())
    assert not settings.EVIDENCE_DIR.exists() or not any(settings.EVIDENCE_DIR.iterdir())
    assert Job.objects.count() == 0


def test_with_evidence_retention_the_capture_is_kept_encrypted(
    organisation, settings, django_capture_on_commit_callbacks
):
    organisation.evidence_retention = True
    organisation.save()
    jpeg = synthetic_jpeg(12)
    url = report_with(organisation, "https://example.test/p.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        services.check(url, "capture", fetcher=fake(body=jpeg, content_type="image/jpeg"))
    item = MediaItem.objects.get()
    stored = (settings.EVIDENCE_DIR / item.evidence_name).read_bytes()
    assert jpeg not in stored and jpeg[:64] not in stored
    assert not any(settings.STAGING_DIR.iterdir())


def test_an_image_served_as_html_is_still_captured_as_an_image(
    organisation, django_capture_on_commit_callbacks
):
    jpeg = synthetic_jpeg(13)
    url = report_with(organisation, "https://example.test/page.html")
    with django_capture_on_commit_callbacks(execute=True):
        services.check(url, "capture", fetcher=fake(body=jpeg, content_type="text/html"))
    item = MediaItem.objects.get()
    assert (item.kind, item.content_type, item.status) == ("image", "image/jpeg", "hashed")


def test_html_served_as_an_image_is_hashed_but_not_treated_as_one(organisation, settings):
    url = report_with(organisation, "https://example.test/fake.jpg")
    fetch_row = services.check(url, "capture", fetcher=fake(body=HTML, content_type="image/jpeg"))
    assert fetch_row.sha256 == sha256_hex(HTML) and fetch_row.media_item is None
    assert "Not captured as an image or video" in fetch_row.detail
    assert not MediaItem.objects.exists()
    assert not settings.STAGING_DIR.exists() or not any(settings.STAGING_DIR.iterdir())


def test_a_captured_video_is_hashed_as_a_video(organisation, django_capture_on_commit_callbacks):
    video = synthetic_mp4(seed=3, seconds=2)
    url = report_with(organisation, "https://example.test/clip")
    with django_capture_on_commit_callbacks(execute=True):
        services.check(url, "capture", fetcher=fake(body=video, content_type="text/plain"))
    item = MediaItem.objects.get()
    assert (item.kind, item.status, item.original_name) == ("video", "hashed", "clip")
    assert item.vpdq


def test_capturing_the_same_file_again_does_not_make_a_second_item(
    organisation, django_capture_on_commit_callbacks
):
    jpeg = synthetic_jpeg(14)
    url = report_with(organisation, "https://example.test/p.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.check(url, "capture", fetcher=fake(body=jpeg))
        second = services.check(url, "capture", fetcher=fake(body=jpeg))
    assert MediaItem.objects.count() == 1
    assert first.media_item == second.media_item


def test_a_recheck_never_creates_media(organisation):
    url = report_with(organisation, "https://example.test/p.jpg")
    services.check(url, "recheck", fetcher=fake(body=synthetic_jpeg(15)))
    assert not MediaItem.objects.exists()


def test_a_compressed_image_from_a_misbehaving_server_is_captured(
    organisation, server, resolver, allow_loopback, django_capture_on_commit_callbacks
):
    jpeg = synthetic_jpeg(16)
    server.route("/", body(gzip.compress(jpeg), Content_Encoding="gzip"))
    url = report_with(organisation, f"http://host.test:{server.port}/")
    with django_capture_on_commit_callbacks(execute=True):
        services.check(url, "capture", fetcher=lambda u: fetch(u, resolver=resolver))
    assert MediaItem.objects.get().md5 == md5_hex(jpeg)


def test_listeners_hear_of_each_check_after_commit(
    organisation, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, fetch, **kwargs):
        heard.append(fetch.outcome)

    url_checked.connect(listener)
    try:
        url = report_with(organisation, "https://example.test/")
        with django_capture_on_commit_callbacks(execute=True):
            services.check(url, "recheck", fetcher=fake("gone", reason="gone"))
        assert heard == ["gone"]
    finally:
        url_checked.disconnect(listener)


def test_the_capture_job_checks_the_address_then_asks_hosting_to_locate_it(
    organisation, monkeypatch, django_capture_on_commit_callbacks
):
    located = []
    monkeypatch.setitem(
        registry._HANDLERS, "hosting.locate_url", lambda url_id: located.append(url_id)
    )
    monkeypatch.setattr(services, "_default_fetcher", fake(body=HTML))
    url = report_with(organisation, "https://example.test/")
    with django_capture_on_commit_callbacks(execute=True):
        fetching_jobs.capture_url(url_id=url.pk)
    assert Fetch.objects.get().purpose == "capture"
    assert located == [url.pk]


def test_the_capture_job_does_not_ask_for_a_location_nobody_provides(
    organisation, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.delitem(registry._HANDLERS, "hosting.locate_url", raising=False)
    monkeypatch.setattr(services, "_default_fetcher", fake(body=HTML))
    url = report_with(organisation, "https://example.test/")
    with django_capture_on_commit_callbacks(execute=True):
        fetching_jobs.capture_url(url_id=url.pk)
    assert Fetch.objects.count() == 1 and Job.objects.count() == 0


def test_the_capture_job_for_a_deleted_address_does_nothing(db):
    fetching_jobs.capture_url(url_id=999999)
    assert not Fetch.objects.exists()


def test_reports_with_fetching_on_capture_their_addresses_through_the_job(
    organisation, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.FETCH_ON_REPORT = True
    jpeg = synthetic_jpeg(17)
    monkeypatch.setattr(services, "_default_fetcher", fake(body=jpeg))
    with django_capture_on_commit_callbacks(execute=True):
        report = submit_report(
            organisation,
            Source.PUBLIC,
            ReportInput(category="sexual_imagery", urls=["https://example.test/a.jpg"]),
            Actor.public(),
        ).report
    [item] = report.media.all()
    assert item.status == MediaStatus.HASHED and item.report_url == report.urls.get()


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://example.test/a/b/photo%20one.jpg?x=1", "photo one.jpg"),
        ("https://example.test/", "capture"),
        ("https://example.test/dir/", "capture"),
    ],
)
def test_captured_files_are_named_after_the_last_part_of_their_address(url, name):
    assert services._file_name(url) == name
