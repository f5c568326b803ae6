"""Stand-ins for the exchanges' servers, on 127.0.0.1, speaking as the library's clients
expect: NCMEC's XML hash API, StopNCII's JSON FetchHashes, ThreatExchange's Graph API
/threat_updates. Each keeps its records in memory, logs the requests it served, checks
credentials, and can fail on demand (an HTTP status, garbage, or no answer at all).

Also a requests adapter that hands requests to Django's test client, so that one Haven
can fetch another's feed inside a single test database.
"""

import base64
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlencode, urlsplit
from xml.sax.saxutils import escape

import requests
from django.test import Client
from requests.adapters import BaseAdapter

NCMEC_TIME = "%Y-%m-%dT%H:%M:%SZ"
HANG = object()  # an app's answer that means: never answer


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Failure:
    """What to answer instead of the real thing, on the `at`-th request from now (0 = next)."""

    status: int = 500
    body: str = "<html>Internal error</html>"
    at: int = 0
    hang: bool = False


class FakeServer:
    """Serve `app(request) -> (status, content type, body) | HANG` on a loopback port."""

    def __init__(self, app):
        self.app = app
        self.released = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                answer = server.app(Request("GET", parts.path, query, dict(self.headers)))
                if answer is HANG:
                    server.released.wait(10)
                    self.close_connection = True
                    return
                status, content_type, body = answer
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


class App:
    """What the fakes share: a request log and failures on demand."""

    def __init__(self):
        self.requests: list[Request] = []
        self.failures: list[Failure] = []

    def fail(self, **kwargs) -> None:
        self.failures.append(Failure(**kwargs))

    def __call__(self, request: Request):
        self.requests.append(request)
        for failure in list(self.failures):
            if failure.at > 0:
                failure.at -= 1
                continue
            self.failures.remove(failure)
            if failure.hang:
                return HANG
            return failure.status, "text/html", failure.body
        return self.answer(request)

    def answer(self, request: Request):
        raise NotImplementedError


# --- NCMEC ---------------------------------------------------------------------------


@dataclass
class NcmecEntry:
    id: str
    timestamp: int
    member: int = 42
    kind: str = "image"  # or video
    classification: str = "A1"
    fingerprints: dict[str, str] = field(default_factory=dict)
    deleted: bool = False


class FakeNCMEC(App):
    """GET /v2/entries?from=&to= (and the `next` paging URLs it hands out), basic auth."""

    def __init__(self, user: str, password: str, page_size: int = 100):
        super().__init__()
        self.credentials = f"{user}:{password}"
        self.page_size = page_size
        self.entries: dict[str, NcmecEntry] = {}

    def add(self, entry_id: str, timestamp: int, **fields) -> None:
        self.entries[entry_id] = NcmecEntry(entry_id, timestamp, **fields)

    def delete(self, entry_id: str, timestamp: int) -> None:
        old = self.entries[entry_id]
        self.entries[entry_id] = NcmecEntry(
            entry_id, timestamp, old.member, old.kind, "", {}, deleted=True
        )

    def answer(self, request: Request):
        expected = "Basic " + base64.b64encode(self.credentials.encode()).decode()
        if request.headers.get("Authorization") != expected:
            return 401, "text/plain", "Unauthorized"
        if request.path != "/v2/entries":
            return 404, "text/plain", "Not found"
        q = request.query
        start, end = _ncmec_time(q["from"]), _ncmec_time(q["to"])
        found = sorted(
            (e for e in self.entries.values() if start <= e.timestamp < end), key=lambda e: e.id
        )
        first, size = int(q.get("start", 0)), int(q.get("size", self.page_size))
        page = found[first : first + size]
        following = ""
        if first + size < len(found):
            params = {
                "from": q["from"],
                "to": q["to"],
                "start": first + size,
                "size": size,
                "max": len(found),
            }
            following = "/v2/entries?" + urlencode(params, quote_via=quote)
        return 200, "application/xml", _ncmec_xml(page, following)

    def windows(self) -> list[tuple[str, str, str]]:
        """(from, to, start) of every entries request served."""
        return [
            (r.query.get("from", ""), r.query.get("to", ""), r.query.get("start", ""))
            for r in self.requests
        ]


def _ncmec_time(text: str) -> int:
    # The library formats local time (datetime.fromtimestamp): read it back the same way.
    return int(datetime.strptime(text, NCMEC_TIME).timestamp())


def ncmec_time(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp).strftime(NCMEC_TIME)


def _ncmec_xml(page: list[NcmecEntry], following: str) -> str:
    sections = []
    for kind in ("image", "video"):
        rows = [e for e in page if e.kind == kind]
        if not rows:
            continue
        latest = datetime.fromtimestamp(max(e.timestamp for e in rows), UTC).strftime(NCMEC_TIME)
        body = "".join(_ncmec_entry(e) for e in rows)
        sections.append(f'<{kind}s count="{len(rows)}" maxTimestamp="{latest}">{body}</{kind}s>')
    paging = f"<paging><next>{escape(following)}</next></paging>" if following else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">'
        f"{''.join(sections)}{paging}</queryResult>"
    )


def _ncmec_entry(entry: NcmecEntry) -> str:
    tag = f"deleted{entry.kind.capitalize()}" if entry.deleted else entry.kind
    when = datetime.fromtimestamp(entry.timestamp, UTC).strftime(NCMEC_TIME)
    inner = (
        f'<member id="{entry.member}">Member {entry.member}</member>'
        f"<timestamp>{when}</timestamp><id>{escape(entry.id)}</id>"
    )
    if not entry.deleted:
        if entry.classification:
            inner += f"<classification>{escape(entry.classification)}</classification>"
        prints = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in entry.fingerprints.items())
        inner += f"<fingerprints>{prints}</fingerprints>"
    return f"<{tag}>{inner}</{tag}>"


# --- StopNCII --------------------------------------------------------------------------


class FakeStopNCII(App):
    """GET /FetchHashes?startTimestamp=&pageSize=&nextPageToken=, with both keys as headers."""

    def __init__(self, function_key: str, subscription_key: str, page_size: int = 2):
        super().__init__()
        self.keys = (function_key, subscription_key)
        self.page_size = page_size
        self.records: dict[tuple[str, str], dict] = {}

    def add(self, value: str, timestamp: int, *, signal_type="ImagePDQ", status="Active", **more):
        feedbacks = more.pop("feedbacks", [])
        self.records[(signal_type, value)] = {
            "lastModtimestamp": timestamp,
            "signalType": signal_type,
            "hashValue": value,
            "hashStatus": status,
            "caseNumbers": {f"case-{len(self.records)}": status},
            "CSPFeedbacks": feedbacks,
            **more,
        }

    def answer(self, request: Request):
        given = (
            request.headers.get("x-functions-key"),
            request.headers.get("Ocp-Apim-Subscription-Key"),
        )
        if given != self.keys:
            return 401, "application/json", '{"statusCode": 401, "message": "Access denied"}'
        if request.path != "/FetchHashes":
            return 404, "text/plain", "Not found"
        start = int(request.query["startTimestamp"])
        offset = int(request.query.get("nextPageToken") or 0)
        found = sorted(
            (r for r in self.records.values() if r["lastModtimestamp"] >= start),
            key=lambda r: (r["lastModtimestamp"], r["hashValue"]),
        )
        page = found[offset : offset + self.page_size]
        more = offset + self.page_size < len(found)
        if more:
            next_set = page[-1]["lastModtimestamp"]
        else:
            next_set = max((r["lastModtimestamp"] for r in found), default=start - 1) + 1
        body = {
            "count": len(page),
            "nextPageToken": str(offset + self.page_size) if more else None,
            "nextSetTimestamp": next_set,
            "hasMoreRecords": more,
            "hashRecords": page,
        }
        return 200, "application/json", json.dumps(body)


# --- ThreatExchange ----------------------------------------------------------------------


class FakeThreatExchange(App):
    """GET /<privacy group>/threat_updates/?access_token=&start_time=&limit=, Graph API paging."""

    def __init__(self, token: str, privacy_group: int, page_size: int = 2):
        super().__init__()
        self.token = token
        self.privacy_group = privacy_group
        self.page_size = page_size
        self.updates: dict[str, dict] = {}
        self.base_url = ""

    def add(self, update_id: str, indicator: str, last_updated: int, **fields) -> None:
        threat_type = fields.pop("type", "HASH_PDQ")
        status = fields.pop("status", "MALICIOUS")
        tags = fields.pop("tags", ["csam"])
        self.updates[update_id] = {
            "id": update_id,
            "indicator": indicator,
            "type": threat_type,
            "last_updated": last_updated,
            "should_delete": False,
            "descriptors": {
                "data": [
                    {"id": f"9{update_id}", "owner": {"id": "1234"}, "status": status, "tags": tags}
                ]
            },
            **fields,
        }

    def delete(self, update_id: str, last_updated: int) -> None:
        update = self.updates[update_id]
        update.update(last_updated=last_updated, should_delete=True)
        update.pop("descriptors", None)

    def answer(self, request: Request):
        if request.query.get("access_token") != self.token:
            error = {
                "message": "Invalid OAuth access token.",
                "type": "OAuthException",
                "code": 190,
            }
            return 400, "application/json", json.dumps({"error": error})
        if request.path.rstrip("/") != f"/{self.privacy_group}/threat_updates":
            return 404, "application/json", '{"error": {"message": "Unknown path"}}'
        start = int(request.query.get("start_time") or 0)
        after = int(request.query.get("after") or 0)
        found = sorted(
            (u for u in self.updates.values() if u["last_updated"] >= start),
            key=lambda u: (u["last_updated"], u["id"]),
        )
        page = found[after : after + self.page_size]
        body: dict = {"data": page}
        if after + self.page_size < len(found):
            params = {**request.query, "after": after + self.page_size}
            body["paging"] = {
                "next": f"{self.base_url}/{self.privacy_group}/threat_updates/?{urlencode(params)}"
            }
        return 200, "application/json", json.dumps(body)


# --- Haven to Haven inside one test database ------------------------------------------


class DjangoClientAdapter(BaseAdapter):
    """Send requests' requests to Django's test client instead of the network."""

    def __init__(self, respond=None):
        super().__init__()
        self.client = Client(raise_request_exception=True)
        self.respond = respond  # optional override: request -> (status, body)
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.sent.append(request)
        parts = urlsplit(request.url)
        if self.respond is not None:
            status, body = self.respond(request)
        else:
            headers = {"HTTP_AUTHORIZATION": request.headers.get("Authorization", "")}
            answer = self.client.get(f"{parts.path}?{parts.query}", **headers)
            status, body = answer.status_code, answer.content
        response = requests.Response()
        response.status_code = status
        response._content = body if isinstance(body, bytes) else body.encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass
