"""The CyberTipline client against a fake NCMEC on 127.0.0.1, over real HTTP."""

import hashlib
import socket
import time

import pytest
from lxml import etree

from haven.cybertip import xml
from haven.cybertip.client import CyberTiplineClient, CyberTiplineError
from haven.cybertip.tests import fake_ncmec
from haven.triage.tests.support import add_image


@pytest.fixture
def client(ncmec):
    return CyberTiplineClient(ncmec.url, "usr123", "pswd123", timeout=5)


@pytest.fixture
def report_xml(case, analyst):
    return xml.build(case, analyst)


def test_the_status_endpoint_confirms_the_credentials(client, ncmec):
    assert client.status() == "Remote User : usr123, Remote Ip : 127.0.0.1"
    # The fake accepts only "Authorization: Basic base64(usr123:pswd123)".
    assert ncmec.requests[0].authorised


def test_a_report_is_opened_given_a_file_and_its_details_and_finished(
    client, ncmec, case, report_xml
):
    item, jpeg = add_image(case, 2)
    report_id = client.submit(report_xml)
    assert report_id == str(fake_ncmec.FIRST_REPORT_ID)
    file_id = client.upload(report_id, "HVN-1.jpg", jpeg)
    details = xml.build_file_details(item, report_id=report_id, file_id=file_id)
    with pytest.raises(ValueError, match="another report or file"):
        client.fileinfo(report_id, "someone-elses-file", details)
    client.fileinfo(report_id, file_id, details)
    done = client.finish(report_id)
    assert done.report_id == report_id and done.file_ids == [file_id]

    stored = ncmec.reports[int(report_id)]
    assert stored.state == "finished"
    assert stored.xml == report_xml
    assert stored.files[0].name == "HVN-1.jpg" and stored.files[0].data == jpeg
    assert stored.files[0].details == details
    assert ncmec.paths() == [
        "/ispws/submit",
        "/ispws/upload",
        "/ispws/fileinfo",
        "/ispws/finish",
    ]
    submit, upload, fileinfo, finish = ncmec.requests
    assert all(seen.authorised and seen.method == "POST" for seen in ncmec.requests)
    assert submit.content_type == fileinfo.content_type == "text/xml; charset=utf-8"
    assert upload.content_type.startswith("multipart/form-data")
    assert finish.content_type.startswith("multipart/form-data")


def test_an_open_report_can_be_retracted_but_not_once_finished(client, ncmec, report_xml):
    opened = client.submit(report_xml)
    client.retract(opened)
    assert ncmec.reports[int(opened)].state == "retracted"
    finished = client.submit(report_xml)
    client.finish(finished)
    with pytest.raises(CyberTiplineError) as refused:
        client.retract(finished)
    assert refused.value.code == fake_ncmec.REPORT_CLOSED
    assert refused.value.description == f"Report {finished} is finished"
    assert ncmec.reports[int(finished)].state == "finished"


def test_wrong_credentials_are_named_as_such(ncmec, report_xml):
    wrong = CyberTiplineClient(ncmec.url, "usr123", "wrong", timeout=5)
    with pytest.raises(CyberTiplineError) as refused:
        wrong.submit(report_xml)
    assert refused.value.status == 401 and refused.value.code is None
    assert str(refused.value).startswith("NCMEC refused the username or password (HTTP 401).")
    assert not ncmec.reports


def test_ncmecs_own_error_code_and_description_are_kept(client, report_xml):
    broken = report_xml.replace("<reporter>", "<reporter><unknown/>")
    with pytest.raises(CyberTiplineError) as refused:
        client.submit(broken)
    assert refused.value.code == fake_ncmec.INVALID_XML
    assert refused.value.description.startswith("XML validation failed: ")
    assert str(refused.value).startswith(f"NCMEC error {fake_ncmec.INVALID_XML}: XML validation")
    # NCMEC asks for the Request-ID header when someone needs its help with an error.
    assert refused.value.request_id and refused.value.request_id in str(refused.value)


def test_a_server_error_is_reported_with_its_status(client, ncmec, report_xml):
    ncmec.fail(status=503)
    with pytest.raises(CyberTiplineError) as failed:
        client.submit(report_xml)
    assert failed.value.status == 503
    assert str(failed.value).startswith("NCMEC answered HTTP 503.")
    ncmec.fail(
        status=400, body=fake_ncmec.response(fake_ncmec.BAD_REQUEST, "Missing parameter: id")
    )
    with pytest.raises(CyberTiplineError) as bad:
        client.finish("1")
    assert (bad.value.status, bad.value.code) == (400, fake_ncmec.BAD_REQUEST)
    assert bad.value.description == "Missing parameter: id"


def test_an_answer_that_is_not_a_cybertipline_response_is_refused(client, ncmec, report_xml):
    ncmec.fail(status=200, body="<html><body>Maintenance</body></html>")
    with pytest.raises(CyberTiplineError, match="not a CyberTipline response"):
        client.submit(report_xml)
    ncmec.fail(status=200, body="<reportResponse><responseCode>0</responseCode></reportResponse>")
    with pytest.raises(CyberTiplineError, match="has no reportId"):
        client.submit(report_xml)


def test_a_server_that_never_answers_times_out(ncmec, report_xml):
    patient = CyberTiplineClient(ncmec.url, "usr123", "pswd123", timeout=0.3)
    ncmec.fail(hang=True)
    started = time.monotonic()
    with pytest.raises(CyberTiplineError) as failed:
        patient.submit(report_xml)
    assert str(failed.value) == "NCMEC did not answer within 0.3 seconds."
    assert time.monotonic() - started < 3


def test_a_server_that_trickles_bytes_is_cut_off(ncmec, report_xml):
    patient = CyberTiplineClient(ncmec.url, "usr123", "pswd123", timeout=0.5)
    ncmec.fail(trickle=True)
    started = time.monotonic()
    with pytest.raises(CyberTiplineError, match=r"did not answer within 0\.5 seconds"):
        patient.submit(report_xml)
    assert time.monotonic() - started < 3


def test_an_unreachable_server_is_reported(report_xml):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    closed = CyberTiplineClient(f"http://127.0.0.1:{port}/ispws", "u", "p", timeout=2)
    with pytest.raises(CyberTiplineError, match=r"^NCMEC could not be reached: "):
        closed.submit(report_xml)


def test_a_file_ncmec_received_differently_is_caught(client, ncmec):
    ncmec.fail(
        status=200,
        body=fake_ncmec.response(0, "Success", report_id=1, file_id="f1", md5="0" * 32),
    )
    with pytest.raises(CyberTiplineError, match="MD5 differs"):
        client.upload("1", "a.jpg", b"bytes")


def test_the_credentials_never_travel_in_clear_beyond_this_machine():
    with pytest.raises(ValueError, match="https://"):
        CyberTiplineClient("http://report.cybertip.org/ispws", "u", "p")
    with pytest.raises(ValueError):
        CyberTiplineClient("ftp://127.0.0.1/ispws", "u", "p")
    for local in ("http://127.0.0.1:8080/ispws", "http://localhost/ispws", "http://[::1]/x"):
        CyberTiplineClient(local, "u", "p")
    secure = CyberTiplineClient("https://exttest.cybertip.org/ispws/", "u", "p")
    assert secure.base_url == "https://exttest.cybertip.org/ispws"
    assert secure.session.verify is True


def test_the_latest_schema_can_be_fetched(client):
    text = client.schema()
    assert (
        hashlib.sha256(text.encode()).digest()
        == hashlib.sha256(xml.PACKAGED_SCHEMA.read_bytes()).digest()
    )
    assert etree.fromstring(text.encode()).tag.endswith("schema")
