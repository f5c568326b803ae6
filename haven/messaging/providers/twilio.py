"""Twilio's Programmable Messaging REST API, and providers that copy it (SignalWire's
compatibility API, for one: give its address as the channel's API address).

Sending: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json with the form fields
To, From (or MessagingServiceSid), Body and StatusCallback, HTTP Basic auth
AccountSid:AuthToken. The answer is 201 with JSON {"sid": ..., "status": ...}. The call
goes through `haven.fetching.outbound`: https only (unless SMS_API_ALLOW_HTTP), the
fetcher's address policy, no redirects followed, one deadline, a capped answer.

Webhooks: X-Twilio-Signature is the base64 HMAC-SHA1, keyed with the auth token, of
the full URL followed by every POST parameter sorted by name (then value), each name
then value with nothing between.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from haven.fetching import outbound
from haven.messaging.links import status_url
from haven.messaging.models import OutboundStatus, ProviderKind
from haven.messaging.providers.base import (
    MAX_ID_LENGTH,
    MAX_NUMBER_LENGTH,
    InboundSms,
    MalformedWebhook,
    Provider,
    ProviderError,
    SendResult,
    StatusUpdate,
    field,
)

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.twilio.com"
SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
# The answer is a small JSON object describing the message.
MAX_ANSWER_BYTES = 64 * 1024

# Twilio's message statuses, as Haven's. The ones that say nothing new (it was taken,
# it is on its way) map to "": a late "queued" must not undo a "delivered".
STATUSES = {
    "sent": OutboundStatus.SENT,
    "delivered": OutboundStatus.DELIVERED,
    "read": OutboundStatus.DELIVERED,
    "partially_delivered": OutboundStatus.DELIVERED,
    "undelivered": OutboundStatus.FAILED,
    "failed": OutboundStatus.FAILED,
    "canceled": OutboundStatus.FAILED,
}
# The delivery errors a counsellor meets most; any other is shown by its number.
ERROR_CODES = {
    "30003": "the phone is switched off or out of reach",
    "30004": "the message was blocked (the number may have opted out by texting STOP)",
    "30005": "the number is unknown or no longer in service",
    "30006": "the number is a landline or its network cannot receive SMS",
    "30007": "the mobile network filtered the message",
    "30008": "the mobile network gave no reason",
}
_NUMBER_LIKE = re.compile(r"\+?\d[\d\s().-]{4,}\d")
_MESSAGING_SERVICE = re.compile(r"^MG[0-9a-fA-F]{32}$")


class TwilioProvider(Provider):
    kind = ProviderKind.TWILIO
    signature_header = SIGNATURE_HEADER

    # --- Sending -------------------------------------------------------------------

    def send(self, to: str, body: str) -> SendResult:
        secret, problem = self.secret_problem()
        if problem:
            raise ProviderError(f"Not sent: {problem}.", retryable=False)
        account = self.channel.account_id.strip()
        if not account:
            raise ProviderError(
                "Not sent: the channel has no account SID; add it on the channel page.",
                retryable=False,
            )
        timeout = float(settings.SMS_API_TIMEOUT_SECONDS)
        credentials = base64.b64encode(f"{account}:{secret}".encode()).decode()
        try:
            response = outbound.request(
                "POST",
                messages_url(self.channel.api_base_url, account),
                body=urlencode(self.form(to, body)).encode(),
                headers={
                    "Authorization": f"Basic {credentials}",
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                },
                timeout=timeout,
                connect_timeout=min(timeout, outbound.CONNECT_TIMEOUT_SECONDS),
                max_bytes=MAX_ANSWER_BYTES,
                allow_http=bool(settings.SMS_API_ALLOW_HTTP),
            )
        except outbound.OutboundError as error:
            raise _transport_failure(error, timeout) from error
        return _result(response)

    def form(self, to: str, body: str) -> dict[str, str]:
        number = self.channel.number.strip()
        sender = "MessagingServiceSid" if _MESSAGING_SERVICE.match(number) else "From"
        return {"To": to, sender: number, "Body": body, "StatusCallback": status_url(self.channel)}

    # --- Webhooks ------------------------------------------------------------------

    def signature_problem(self, request: HttpRequest, url: str) -> str:
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not given:
            return "missing signature"
        secret, problem = self.secret_problem()
        if problem:
            return problem
        params = [(name, value) for name, values in request.POST.lists() for value in values]
        for candidate in url_variants(url):
            expected = signature(secret, candidate, params)
            if hmac.compare_digest(expected.encode(), given.encode()):
                return ""
        return "bad signature"

    def parse_inbound(self, request: HttpRequest) -> InboundSms:
        sid = request.POST.get("MessageSid") or request.POST.get("SmsSid", "")
        if not sid.strip():
            raise MalformedWebhook("missing MessageSid")
        if len(sid) > MAX_ID_LENGTH:
            raise MalformedWebhook("MessageSid too long")
        body = field(request, "Body", required=False)
        return InboundSms(
            from_number=field(request, "From", limit=MAX_NUMBER_LENGTH),
            to_number=field(request, "To", required=False, limit=MAX_NUMBER_LENGTH),
            body=_with_media_note(body, request.POST.get("NumMedia", "0")),
            provider_message_id=sid.strip(),
        )

    def parse_status(self, request: HttpRequest) -> StatusUpdate:
        sid = request.POST.get("MessageSid") or request.POST.get("SmsSid", "")
        status = request.POST.get("MessageStatus") or request.POST.get("SmsStatus", "")
        if not sid.strip() or not status.strip():
            raise MalformedWebhook("missing MessageSid or MessageStatus")
        if len(sid) > MAX_ID_LENGTH:
            raise MalformedWebhook("MessageSid too long")
        mapped = STATUSES.get(status.strip().lower(), "")
        code = request.POST.get("ErrorCode", "").strip()
        error = describe_error(code) if mapped == OutboundStatus.FAILED else ""
        if mapped == OutboundStatus.FAILED and not error:
            error = f"The provider reports the message {status.strip().lower()[:20]}."
        return StatusUpdate(sid.strip(), mapped, error)

    def inbound_response(self) -> HttpResponse:
        # Twilio reads the answer as TwiML: an empty <Response/> sends no automatic reply.
        return HttpResponse(EMPTY_TWIML, content_type="text/xml")


# --- The pieces, for tests and the docs ------------------------------------------


def messages_url(api_base_url: str, account: str) -> str:
    base = (api_base_url or DEFAULT_BASE_URL).strip().rstrip("/")
    return f"{base}/2010-04-01/Accounts/{quote(account, safe='')}/Messages.json"


def signature(secret: str, url: str, params: list[tuple[str, str]]) -> str:
    """Twilio's X-Twilio-Signature for a form POST to `url` with `params`."""
    signed = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(secret.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def url_variants(url: str) -> list[str]:
    """The address as called, then with its default port removed or added: Twilio's
    own libraries accept either, as a proxy may add or drop ":443"."""
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    host = parts.hostname or ""
    if default is None or not host:
        return [url]
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return [url]
    other = host if port == default else f"{host}:{default}" if port is None else ""
    if not other:
        return [url]
    return [url, urlunsplit(parts._replace(netloc=other))]


def describe_error(code: str) -> str:
    if not code:
        return ""
    code = code[:10]
    meaning = ERROR_CODES.get(code)
    if meaning:
        return f"Not delivered: {meaning} (error {code})."
    return f"Not delivered: the provider reports error {code}."


def scrub(text: str) -> str:
    """A provider's error text without anything that looks like a phone number: it is
    shown to staff and kept, and the recipient's number is sealed everywhere else."""
    return " ".join(_NUMBER_LIKE.sub("•••", text).split())


def _with_media_note(body: str, count: str) -> str:
    try:
        files = int(count)
    except ValueError:
        files = 0
    if files <= 0:
        return body
    # Haven receives the text only; pictures stay with the provider (never fetched).
    what = "picture or file" if files == 1 else "pictures or files"
    note = f"[{files} {what} not shown: SMS brings text only]"
    return f"{body}\n{note}" if body else note


def _host(url: str) -> str:
    return urlsplit(url).netloc.rpartition("@")[2]


def _result(response: outbound.Response) -> SendResult:
    code = response.status
    host = _host(response.url)
    if 200 <= code < 300:
        try:
            sid = str(response.json()["sid"])
        except (ValueError, KeyError, TypeError):
            # Taken (2xx) but without an id: sending again would send twice, so it
            # counts as sent; only delivery reports cannot be matched to it.
            log.warning("SMS provider %s answered HTTP %s without a message id", host, code)
            sid = ""
        return SendResult(sid[:MAX_ID_LENGTH])
    if 300 <= code < 400:
        raise ProviderError(
            f"The provider ({host}) answered with a redirect (HTTP {code}); "
            "check the channel's API address.",
            retryable=False,
        )
    if code in (401, 403):
        raise ProviderError(
            f"The provider ({host}) refused the account SID or auth token (HTTP {code}); "
            "enter them again on the channel page.",
            retryable=False,
        )
    if code == 404:
        raise ProviderError(
            f"The provider ({host}) does not know this account (HTTP 404); "
            "check the account SID and the API address.",
            retryable=False,
        )
    if code == 429:
        raise ProviderError(
            f"The provider ({host}) asked Haven to slow down (HTTP 429).", retryable=True
        )
    if code >= 500:
        raise ProviderError(f"The provider ({host}) failed (HTTP {code}).", retryable=True)
    raise ProviderError(
        f"The provider ({host}) refused the message (HTTP {code}): {_api_error(response)}",
        retryable=False,
    )


def _api_error(response: outbound.Response) -> str:
    try:
        answer = response.json()
        code, message = answer.get("code", ""), str(answer.get("message", ""))
    except (ValueError, AttributeError):
        code, message = "", response.text
    text = scrub(message)[:150] or "no reason given"
    return f"error {str(code)[:10]}: {text}" if code else text


def _transport_failure(error: outbound.OutboundError, timeout: float) -> ProviderError:
    if error.reason == "not_https":
        return ProviderError(
            "Not sent: the channel's API address must start with https:// "
            "(plain http only with HAVEN_SMS_API_ALLOW_HTTP, in tests and closed networks).",
            retryable=False,
        )
    if error.refused:
        return ProviderError(
            f"Not sent: the channel's API address was refused: {error}", retryable=False
        )
    if error.reason == "timeout":
        return ProviderError(
            f"The provider did not answer within {timeout:g} seconds.", retryable=True
        )
    return ProviderError(f"Could not reach the provider: {error}", retryable=True)
