"""A client for NCMEC's CyberTipline Reporting API (https://report.cybertip.org/ispws).

The protocol, from NCMEC's technical documentation: HTTP Basic authentication on every
request; GET /status checks the credentials; POST /submit with a <report> document
(text/xml; charset=utf-8) opens a report and answers with its id; POST /upload
(multipart: `id`, `file`) adds a file and answers with a file id and the MD5 NCMEC
received; POST /fileinfo with a <fileDetails> document describes an uploaded file, once;
POST /finish (form field `id`) completes the report and lists its files; POST /retract
(`id`) cancels a report that is not finished. Every answer is a <reportResponse>
(/finish: <reportDoneResponse>) whose responseCode is 0 on success.

An unfinished report is deleted by NCMEC 24 hours after it was opened (or an hour
after the last change, if later); a finished one can no longer be cancelled.
"""

import hashlib
import ipaddress
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
import urllib3
from lxml import etree

MAX_ANSWER_BYTES = 1024 * 1024
USER_AGENT = "Haven CyberTipline client"
LOOPBACK_NAMES = {"localhost"}


class CyberTiplineError(Exception):
    """NCMEC refused a request (`code` is its responseCode), or could not be reached or
    understood (`code` is None; `status` is the HTTP status when there was one)."""

    def __init__(
        self,
        code: int | None,
        description: str,
        *,
        status: int | None = None,
        request_id: str = "",
    ):
        self.code, self.description = code, description
        self.status, self.request_id = status, request_id
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"NCMEC error {self.code}: {self.description}" if self.code else self.description
        # NCMEC asks for its Request-ID header when someone needs help with an error.
        return f"{text} (NCMEC request id {self.request_id})" if self.request_id else text


@dataclass(frozen=True)
class Finished:
    report_id: str
    file_ids: list[str] = field(default_factory=list)


class CyberTiplineClient:
    def __init__(self, base_url: str, username: str, password: str, timeout: float = 60.0):
        parts = urlsplit(base_url)
        if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(parts.hostname)):
            # The credentials travel with every request: never in clear over a network.
            raise ValueError("The CyberTipline API address must start with https://")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.auth = (username, password)
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.verify = True
        self.session.trust_env = False  # no proxy or .netrc credentials picked up silently

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "CyberTiplineClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- The endpoints ----------------------------------------------------------------------

    def status(self) -> str:
        """NCMEC's greeting ("Remote User : …, Remote Ip : …") when the credentials work."""
        return _text(self._call("GET", "/status"), "responseDescription")

    def schema(self) -> str:
        """The latest XML schema NCMEC publishes."""
        return self._request("GET", "/xsd").decode("utf-8")

    def submit(self, report_xml: str) -> str:
        """Open a report; returns NCMEC's report id."""
        answer = self._call("POST", "/submit", data=report_xml.encode(), headers=_XML)
        return _required(answer, "reportId")

    def upload(self, report_id: str, filename: str, data: bytes) -> str:
        """Add a file to an open report; returns NCMEC's file id."""
        answer = self._call(
            "POST",
            "/upload",
            files={"id": (None, report_id), "file": (filename, data, "application/octet-stream")},
        )
        received = _text(answer, "hash").lower()
        if received and received != hashlib.md5(data, usedforsecurity=False).hexdigest():
            raise CyberTiplineError(None, "NCMEC received a different file (its MD5 differs).")
        return _required(answer, "fileId")

    def fileinfo(self, report_id: str, file_id: str, details_xml: str) -> None:
        """Describe an uploaded file with a <fileDetails> document, which must name the
        same report and file (NCMEC reads them from the document)."""
        named = _parse_document(details_xml)
        if (named.findtext("reportId"), named.findtext("fileId")) != (report_id, file_id):
            raise ValueError("The file details name another report or file.")
        self._call("POST", "/fileinfo", data=details_xml.encode(), headers=_XML)

    def finish(self, report_id: str) -> Finished:
        """Complete the report: NCMEC's answer is the notice of receipt under 2258A."""
        answer = self._call("POST", "/finish", files={"id": (None, report_id)})
        files = [str(fid.text or "") for fid in answer.iterfind("files/fileId")]
        return Finished(_required(answer, "reportId"), files)

    def retract(self, report_id: str) -> None:
        """Cancel a report that is not finished."""
        self._call("POST", "/retract", files={"id": (None, report_id)})

    # --- Talking to NCMEC ---------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs) -> etree._Element:
        """Send a request and return the answer's root, or raise CyberTiplineError."""
        body, request_id = self._exchange(method, path, **kwargs)
        answer = _parse(body, request_id)
        code = _text(answer, "responseCode")
        if code != "0":
            raise CyberTiplineError(
                _code(code),
                _text(answer, "responseDescription") or "NCMEC refused the request.",
                request_id=request_id,
            )
        return answer

    def _request(self, method: str, path: str, **kwargs) -> bytes:
        return self._exchange(method, path, **kwargs)[0]

    def _exchange(self, method: str, path: str, **kwargs) -> tuple[bytes, str]:
        """The body of a 200 answer and NCMEC's Request-ID header; anything else raises."""
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
                **kwargs,
            )
        except requests.Timeout:
            raise CyberTiplineError(None, self._timed_out()) from None
        except requests.RequestException as error:
            raise CyberTiplineError(None, f"NCMEC could not be reached: {_reason(error)}") from None
        with response:
            request_id = response.headers.get("Request-ID", "")
            body = self._read(response)
            status = response.status_code
        if status in (401, 403):
            raise CyberTiplineError(
                None,
                f"NCMEC refused the username or password (HTTP {status}).",
                status=status,
                request_id=request_id,
            )
        if status != 200:
            raise _http_error(body, status, request_id)
        return body, request_id

    def _read(self, response: requests.Response) -> bytes:
        """The whole body, within the size cap and the time allowed, even from a server
        that trickles bytes (the read timeout alone restarts with every byte)."""
        deadline = time.monotonic() + self.timeout
        chunks, size = [], 0
        try:
            # read1 returns whatever has arrived, so the deadline is checked as bytes come.
            while chunk := response.raw.read1(64 * 1024, decode_content=True):
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise CyberTiplineError(None, "NCMEC's answer was far too long.")
                if time.monotonic() > deadline:
                    raise CyberTiplineError(None, self._timed_out())
                chunks.append(chunk)
        except (urllib3.exceptions.TimeoutError, TimeoutError):
            raise CyberTiplineError(None, self._timed_out()) from None
        except (urllib3.exceptions.HTTPError, OSError) as error:
            raise CyberTiplineError(None, f"NCMEC's answer broke off: {_reason(error)}") from None
        return b"".join(chunks)

    def _timed_out(self) -> str:
        return f"NCMEC did not answer within {self.timeout:g} seconds."


def _http_error(body: bytes, status: int, request_id: str) -> CyberTiplineError:
    """An HTTP error: NCMEC's own code and description when the body carries them."""
    try:
        answer = _parse(body, request_id)
    except CyberTiplineError:
        return CyberTiplineError(
            None, f"NCMEC answered HTTP {status}.", status=status, request_id=request_id
        )
    return CyberTiplineError(
        _code(_text(answer, "responseCode")),
        _text(answer, "responseDescription") or f"NCMEC answered HTTP {status}.",
        status=status,
        request_id=request_id,
    )


_XML = {"Content-Type": "text/xml; charset=utf-8"}


def _parse_document(text: str | bytes) -> etree._Element:
    data = text.encode() if isinstance(text, str) else text
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser)


def _parse(body: bytes, request_id: str) -> etree._Element:
    try:
        root = _parse_document(body)
    except etree.XMLSyntaxError:
        root = None
    if root is None or root.tag not in ("reportResponse", "reportDoneResponse"):
        raise CyberTiplineError(
            None, "NCMEC's answer was not a CyberTipline response.", request_id=request_id
        )
    return root


def _text(answer: etree._Element, tag: str) -> str:
    found = answer.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _required(answer: etree._Element, tag: str) -> str:
    value = _text(answer, tag)
    if not value:
        raise CyberTiplineError(None, f"NCMEC's answer has no {tag}.")
    return value


def _code(text: str) -> int | None:
    try:
        return int(text) or None
    except ValueError:
        return None


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reason(error: Exception) -> str:
    return str(error)[:300]
