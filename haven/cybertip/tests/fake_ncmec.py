"""A stand-in for NCMEC's CyberTipline Reporting API on 127.0.0.1, real HTTP in a thread.

It speaks the protocol of NCMEC's technical documentation: Basic authentication on
every request; GET /status and /xsd; POST /submit and /fileinfo with an XML body
(text/xml; charset=utf-8) that must validate against the schema; POST /upload as
multipart (`id`, `file`); POST /finish and /retract with the form field `id`. Answers
are <reportResponse> documents (/finish: <reportDoneResponse>) with a Request-ID header.

NCMEC's real error codes are not public; the non-zero codes below are the fake's own.
It checks the shape of every request, keeps the reports in memory, logs what it served,
and fails on demand: an HTTP status, garbage, no answer at all, or a trickle of bytes.
"""

import base64
import hashlib
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from lxml import etree

from haven.cybertip import xml

FIRST_REPORT_ID = 4564654
BAD_REQUEST = 1001  # a parameter or the content type is missing or wrong
INVALID_XML = 1002  # the document does not validate against the schema
UNKNOWN_REPORT = 1003
REPORT_CLOSED = 1004  # finished, retracted, or never opened
UNKNOWN_FILE = 1005
DETAILS_TWICE = 1006  # file details may be sent once per file


@dataclass
class Seen:
    method: str
    path: str
    content_type: str
    body: bytes
    authorised: bool


@dataclass
class Failure:
    """Answer the `at`-th matching request from now (0 = the next) with this instead."""

    status: int = 500
    body: str = "<html><body>Internal Server Error</body></html>"
    path: str = ""  # only requests to this endpoint; "" = any
    at: int = 0
    hang: bool = False  # say nothing until the test ends
    trickle: bool = False  # a 200 that sends one byte every 0.1 s, for ever


@dataclass
class FakeFile:
    file_id: str
    name: str
    data: bytes
    details: str = ""


@dataclass
class FakeReport:
    report_id: int
    xml: str
    state: str = "open"  # finished, retracted
    files: list[FakeFile] = field(default_factory=list)


class FakeCyberTipline:
    def __init__(
        self,
        username: str = "usr123",
        password: str = "pswd123",  # noqa: S107  (the example in NCMEC's documentation)
        schema: Path | None = None,
    ):
        self.credentials = f"{username}:{password}"
        self.username = username
        self.schema = schema or xml.PACKAGED_SCHEMA
        self.reports: dict[int, FakeReport] = {}
        self.requests: list[Seen] = []
        self.failures: list[Failure] = []
        self.next_id = FIRST_REPORT_ID
        self.lock = threading.Lock()
        self.released = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/ispws"

    def stop(self) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def fail(self, **kwargs) -> None:
        self.failures.append(Failure(**kwargs))

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    # --- Answering ----------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers, body: bytes):
        """(status, content type, body), or a Failure to act out."""
        authorised = (
            headers.get("Authorization")
            == "Basic " + base64.b64encode(self.credentials.encode()).decode()
        )
        with self.lock:
            self.requests.append(
                Seen(method, path, headers.get("Content-Type", ""), body, authorised)
            )
            failure = self._failure_for(path)
            if failure is not None:
                return failure
            if not authorised:
                return 401, "text/html", "<html><body>Unauthorized</body></html>"
            route = self._routes().get((method, path.removeprefix("/ispws")))
            if route is None:
                return 404, "text/html", "<html><body>Not Found</body></html>"
            try:
                return 200, "application/xml", route(headers, body)
            except Refused as refused:
                return 200, "application/xml", response(refused.code, refused.description)

    def _failure_for(self, path: str) -> Failure | None:
        for failure in list(self.failures):
            if failure.path and not path.endswith(failure.path):
                continue
            if failure.at > 0:
                failure.at -= 1
                continue
            self.failures.remove(failure)
            return failure
        return None

    def _routes(self):
        return {
            ("GET", "/status"): self._status,
            ("GET", "/xsd"): lambda headers, body: self.schema.read_text(),
            ("POST", "/submit"): self._submit,
            ("POST", "/upload"): self._upload,
            ("POST", "/fileinfo"): self._fileinfo,
            ("POST", "/finish"): self._finish,
            ("POST", "/retract"): self._retract,
        }

    def _status(self, headers, body) -> str:
        return response(0, f"Remote User : {self.username}, Remote Ip : 127.0.0.1")

    def _submit(self, headers, body) -> str:
        document = self._xml_body(headers, body, "report")
        report = FakeReport(self.next_id, document)
        self.reports[report.report_id] = report
        self.next_id += 1
        return response(0, "Success", report_id=report.report_id)

    def _upload(self, headers, body) -> str:
        fields = form_fields(headers, body)
        report = self._open_report(fields)
        if "file" not in fields or not fields["file"][0]:
            raise Refused(BAD_REQUEST, "Missing parameter: file")
        name, data = fields["file"]
        fake = FakeFile(uuid.uuid4().hex, name, data)
        report.files.append(fake)
        digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
        return response(0, "Success", report_id=report.report_id, file_id=fake.file_id, md5=digest)

    def _fileinfo(self, headers, body) -> str:
        document = self._xml_body(headers, body, "fileDetails")
        root = etree.fromstring(document.encode())
        report = self._open_report({"id": ("", root.findtext("reportId", "").encode())})
        file_id = root.findtext("fileId", "")
        fake = next((f for f in report.files if f.file_id == file_id), None)
        if fake is None:
            raise Refused(UNKNOWN_FILE, f"File {file_id} is not part of report {report.report_id}")
        if fake.details:
            raise Refused(DETAILS_TWICE, "File details were already submitted for this file")
        fake.details = document
        return response(0, "Success", report_id=report.report_id)

    def _finish(self, headers, body) -> str:
        report = self._open_report(form_fields(headers, body))
        report.state = "finished"
        files = "".join(f"<fileId>{f.file_id}</fileId>" for f in report.files)
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<reportDoneResponse>'
            f"<responseCode>0</responseCode><reportId>{report.report_id}</reportId>"
            f"<files>{files}</files></reportDoneResponse>"
        )

    def _retract(self, headers, body) -> str:
        report = self._open_report(form_fields(headers, body))
        report.state = "retracted"
        return response(0, "Success", report_id=report.report_id)

    def _xml_body(self, headers, body: bytes, root: str) -> str:
        content_type = headers.get("Content-Type", "").replace(" ", "").lower()
        if content_type != "text/xml;charset=utf-8":
            raise Refused(BAD_REQUEST, f"Expected text/xml; charset=utf-8, not {content_type!r}")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(BAD_REQUEST, "The body is not UTF-8") from None
        errors = xml.validate(body, schema=self.schema)
        if not errors and etree.fromstring(body).tag != root:
            errors = [f"1: expected a <{root}> document"]
        if errors:
            raise Refused(INVALID_XML, "XML validation failed: " + errors[0])
        return text

    def _open_report(self, fields) -> FakeReport:
        raw = fields.get("id", ("", b""))[1].decode().strip()
        if not raw.isdigit():
            raise Refused(BAD_REQUEST, "Missing parameter: id")
        report = self.reports.get(int(raw))
        if report is None:
            raise Refused(UNKNOWN_REPORT, f"Report {raw} not found")
        if report.state != "open":
            raise Refused(REPORT_CLOSED, f"Report {raw} is {report.state}")
        return report


class Refused(Exception):
    def __init__(self, code: int, description: str):
        self.code, self.description = code, description


def response(code: int, description: str, *, report_id=None, file_id="", md5="") -> str:
    parts = [f"<responseCode>{code}</responseCode>"]
    parts.append(f"<responseDescription>{escape(description)}</responseDescription>")
    if report_id is not None:
        parts.append(f"<reportId>{report_id}</reportId>")
    if file_id:
        parts.append(f"<fileId>{file_id}</fileId><hash>{md5}</hash>")
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    return f"{declaration}\n<reportResponse>{''.join(parts)}</reportResponse>"


def form_fields(headers, body: bytes) -> dict[str, tuple[str, bytes]]:
    """{name: (file name, value)} from a multipart or URL-encoded form."""
    content_type = headers.get("Content-Type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        pairs = parse_qs(body.decode())
        return {name: ("", values[-1].encode()) for name, values in pairs.items()}
    if not content_type.startswith("multipart/form-data"):
        raise Refused(BAD_REQUEST, "Expected a form")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        fields[str(name)] = (part.get_filename() or "", part.get_payload(decode=True) or b"")
    return fields


def _handler(fake: FakeCyberTipline):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self._serve("GET")

        def do_POST(self):
            self._serve("POST")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            answer = fake.handle(method, self.path, self.headers, body)
            if isinstance(answer, Failure):
                self._act_out(answer)
                return
            status, content_type, text = answer
            self._send(status, content_type, text.encode())

        def _send(self, status: int, content_type: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-ID", uuid.uuid4().hex[:12])
            if status == 401:
                self.send_header("WWW-Authenticate", 'Basic realm="ispws"')
            self.end_headers()
            self.wfile.write(data)

        def _act_out(self, failure: Failure) -> None:
            if failure.hang:
                fake.released.wait(10)
                self.close_connection = True
                return
            if failure.trickle:
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.end_headers()
                while not fake.released.is_set():
                    try:
                        self.wfile.write(b" ")
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.1)
                return
            self._send(failure.status, "text/html", failure.body.encode())

        def log_message(self, *args):
            pass

    return Handler
