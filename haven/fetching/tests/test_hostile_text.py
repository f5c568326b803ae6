"""Text from a hostile server (NUL bytes, control characters) never stops a check from
being recorded: the client cleans it, the service cleans it again before saving, and a
row the database still refuses is replaced by a minimal one. Runs on PostgreSQL too,
which cannot store NUL in text or \\u0000 in JSON."""

import pytest
from django.db import DatabaseError

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.demo.synthetic import synthetic_jpeg
from haven.fetching import services
from haven.fetching.client import Result, clean_text, fetch
from haven.fetching.models import Fetch
from haven.hashing import sealing
from haven.reports.intake import ReportInput, submit_report
from haven.reports.models import MediaItem, Source

NUL = "\x00"


def report_url_for(organisation, url):
    data = ReportInput(category="sexual_imagery", urls=[url])
    return submit_report(organisation, Source.PUBLIC, data, Actor.public()).report.urls.get()


def raw(*answers: bytes):
    """A route answering the n-th request with the n-th raw answer (the last one after)."""
    sent = []

    def route(request, sock):
        sent.append(request.target)
        sock.sendall(answers[min(len(sent) - 1, len(answers) - 1)])

    return route


def no_controls(value) -> bool:
    """Nothing in `value` (text, or JSON of lists and dicts) has NUL or a C0 control."""
    if isinstance(value, dict):
        return all(no_controls(k) and no_controls(v) for k, v in value.items())
    if isinstance(value, list):
        return all(no_controls(item) for item in value)
    if isinstance(value, str):
        return not any(ord(ch) < 0x20 and ch != "\t" for ch in value)
    return True


def saved_fields_are_clean(row: Fetch) -> bool:
    row.refresh_from_db()
    fields = ("requested_url", "final_url", "reason", "detail", "content_type")
    json_fields = ("addresses", "redirects", "response_headers")
    return all(no_controls(getattr(row, name)) for name in fields + json_fields)


def test_clean_text_replaces_nul_controls_and_lone_surrogates_but_keeps_tabs():
    assert clean_text("a\x00b\x1bc\td\r\ne\ud800") == "a\ufffdb\ufffdc\td  e\ufffd"
    assert clean_text("ordinary text, “quoted” ünïcode") == "ordinary text, “quoted” ünïcode"


def test_nul_in_headers_content_type_and_a_relative_location_is_cleaned(
    server, resolver, allow_loopback, organisation
):
    def hostile():
        return raw(
            b"HTTP/1.1 302 Found\r\nLocation: /next\x00x\r\nServer: evil\x00srv\r\n"
            b"Content-Length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nServer: a\x00b\r\nContent-Type: text/html\x00\r\n"
            b"X-\x00Odd: 1\r\nContent-Length: 2\r\n\r\nhi",
        )

    server.route("/", hostile())
    url = f"http://host.test:{server.port}/start"
    result = fetch(url, resolver=resolver)
    assert (result.outcome, result.body) == ("present", b"hi")
    assert result.redirects[0]["location"] == "/next\ufffdx"
    assert result.headers["server"] == "a\ufffdb"
    assert result.content_type == "text/html\ufffd"
    assert no_controls(result.headers) and no_controls(result.redirects)

    server.route("/", hostile())
    row = services.check(
        report_url_for(organisation, url), "recheck", fetcher=lambda u: fetch(u, resolver=resolver)
    )
    assert row.outcome == "present" and saved_fields_are_clean(row)
    assert row.response_headers["server"] == "a\ufffdb"
    assert row.content_type == "text/html\ufffd"
    assert row.redirects[0]["location"] == "/next\ufffdx"


def test_nul_in_the_port_of_a_location_is_a_bad_redirect_with_a_clean_detail(
    server, resolver, allow_loopback, organisation
):
    server.route(
        "/",
        raw(b"HTTP/1.1 302 Found\r\nLocation: http://x.test:\x00/\r\nContent-Length: 0\r\n\r\n"),
    )
    url = f"http://host.test:{server.port}/"
    result = fetch(url, resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "bad_redirect")
    assert result.detail == "The port “\ufffd” is not a number."

    row = services.check(
        report_url_for(organisation, url), "recheck", fetcher=lambda u: fetch(u, resolver=resolver)
    )
    assert (row.outcome, row.reason) == ("failed", "bad_redirect")
    assert saved_fields_are_clean(row) and "\ufffd" in row.detail


def test_nul_in_a_reason_phrase_or_garbage_answer_never_reaches_the_detail(
    server, resolver, allow_loopback
):
    server.route("/", raw(b"HTTP/1.1 500 Bad\x00Thing\r\nContent-Length: 0\r\n\r\n"))
    result = fetch(f"http://host.test:{server.port}/", resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "server_error")
    assert no_controls(result.detail)


def test_the_service_cleans_whatever_a_fetcher_returns_before_saving(organisation):
    hostile = Result(
        outcome="failed",
        reason="bad_redirect",
        detail="The port “\x00” is not a number.\ud800",
        requested_url="https://example.test/",
        final_url="https://example.test/\x00",
        addresses=["93.184.215.14"],
        redirects=[{"url": "https://example.test/", "location": "/a\x00b", "status": 302}],
        headers={"Server": "x\x00y", "Content-Type": "text/html\x00", "Via": "\x01\x02"},
        content_type="text/html\x00",
    )
    url = report_url_for(organisation, "https://example.test/")
    row = services.check(url, "recheck", fetcher=lambda u: hostile)
    assert Fetch.objects.get() == row and saved_fields_are_clean(row)
    assert row.detail == "The port “\ufffd” is not a number.\ufffd"
    assert row.redirects[0]["location"] == "/a\ufffdb"
    assert row.response_headers["server"] == "x\ufffdy"
    assert row.content_type == "text/html\ufffd"


def test_a_row_the_database_refuses_is_replaced_by_a_minimal_one(organisation, monkeypatch):
    real_save = Fetch.save
    refused = []

    def save_refusing_the_first(self, *args, **kwargs):
        if not refused:
            refused.append(self)
            raise DatabaseError("unsupported Unicode escape sequence")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Fetch, "save", save_refusing_the_first)
    url = report_url_for(organisation, "https://example.test/")
    row = services.check(
        url,
        "recheck",
        fetcher=lambda u: Result(outcome="gone", reason="not_found", headers={"Server": "x"}),
    )
    stored = Fetch.objects.get()
    assert stored == row and (stored.outcome, stored.reason) == ("failed", "error")
    assert stored.report_url == url and stored.purpose == "recheck"
    assert "could not be saved (DatabaseError)" in stored.detail
    assert "ended gone (not_found)" in stored.detail and stored.response_headers == {}
    assert AuditEvent.objects.get(action="url.checked").detail["reason"] == "error"


def test_a_fetcher_that_raises_is_recorded_as_an_error(organisation):
    def broken(url):
        raise RuntimeError("boom\x00")

    url = report_url_for(organisation, "https://example.test/")
    row = services.check(url, "recheck", fetcher=broken)
    assert (row.outcome, row.reason) == ("failed", "error")
    assert row.detail == "RuntimeError: boom\ufffd" and saved_fields_are_clean(row)


@pytest.mark.parametrize("step", ["inspect", "stage"])
def test_a_capture_that_cannot_be_examined_or_staged_is_recorded_not_lost(
    organisation, monkeypatch, settings, step
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    if step == "inspect":
        monkeypatch.setattr(services, "inspect", broken)
    else:
        monkeypatch.setattr(sealing.staging_store().__class__, "put", broken)
    jpeg = synthetic_jpeg(21)
    url = report_url_for(organisation, "https://example.test/p.jpg")
    row = services.check(url, "capture", fetcher=lambda u: Result(outcome="present", body=jpeg))
    row.refresh_from_db()
    assert (row.outcome, row.reason) == ("present", "capture_error")
    assert "could not be" in row.detail and "(OSError)" in row.detail
    assert row.sha256 and row.media_item is None and not MediaItem.objects.exists()
    assert row.reason_sentence.startswith("The content came back but could not be captured")


def test_a_capture_whose_media_item_cannot_be_saved_leaves_no_staged_file(
    organisation, monkeypatch, settings
):
    def refused(*args, **kwargs):
        raise DatabaseError("refused")

    monkeypatch.setattr(MediaItem.objects, "create", refused)
    url = report_url_for(organisation, "https://example.test/p.jpg")
    jpeg = synthetic_jpeg(22)
    row = services.check(url, "capture", fetcher=lambda u: Result(outcome="present", body=jpeg))
    stored = Fetch.objects.get()
    assert stored == row and (stored.outcome, stored.reason) == ("present", "capture_error")
    assert "could not be kept" in stored.detail and stored.media_item is None
    assert not settings.STAGING_DIR.exists() or not any(settings.STAGING_DIR.iterdir())
