"""How a referral reaches a partner: by e-mail, or into the partner's own Haven.

Each channel either delivers or raises `DeliveryFailed` with a sentence an analyst can
act on (never a secret). E-mail carries a readable summary, the acknowledgement link and
the evidence package as a JSON attachment. The API channel submits the report to the
partner's Haven through its report API, exactly as any partner service would: the
partner's answer (its reference) is the acknowledgement of receipt. That call goes
through `haven.fetching.outbound`: https only (unless `ROUTING_ALLOW_HTTP`), the address
policy of the fetcher, no redirects followed, one deadline and a size cap on the answer.
"""

import json
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import URLValidator

from haven.fetching import outbound
from haven.routing import config
from haven.routing.credentials import TokenUnreadable, unseal_token
from haven.routing.models import Referral, ReferralKind

log = logging.getLogger(__name__)

# The report API's own limits (haven.api.serializers): more would fail the whole report.
API_MAX_URLS = 50
API_MAX_HASH_SETS = 100
API_MAX_URL_LENGTH = 2048
# The report API answers with a reference or an error: a few hundred bytes.
API_MAX_ANSWER_BYTES = 256 * 1024
ERROR_LENGTH = 300
_WEB_URL = URLValidator(schemes=["http", "https"])
SUBJECTS: dict[str, str] = {
    ReferralKind.POLICE: "Police referral",
    ReferralKind.ESCALATION: "Escalation",
}
API_PURPOSES: dict[str, str] = {
    ReferralKind.POLICE: "Police referral",
    ReferralKind.ESCALATION: "Escalation (the host has not removed it)",
}


class DeliveryFailed(Exception):
    """The referral did not reach the partner; the message says why and what to do."""


def channel_of(partner) -> str:
    """The channel for a partner: "api" when it runs Haven, "email" otherwise, "" if neither."""
    if partner.api_url and partner.api_token_sealed:
        return "api"
    return "email" if partner.email else ""


# --- E-mail -----------------------------------------------------------------------------


def _reply_to(referral: Referral) -> list[str] | None:
    """The organisation's shared desk (set with its takedown policy), never one
    analyst's own address: partners answer the hotline, not a person."""
    from haven.takedown.policies import policy_for

    address = policy_for(referral.organisation).reply_to
    return [address] if address else None


def send_email(referral: Referral, ack_url: str, *, chase: int = 0) -> None:
    package = referral.evidence
    reference = package["report"]["reference"]
    message = EmailMessage(
        subject=_subject(referral, reference, chase),
        body=_body(referral, ack_url, chase),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[referral.partner.email],
        reply_to=_reply_to(referral),
    )
    message.attach(
        f"haven-evidence-{reference}.json",
        json.dumps(package, indent=2, ensure_ascii=False),
        "application/json",
    )
    try:
        message.send()
    except Exception as exc:  # SMTP errors, refused connections, bad addresses
        log.warning("referral %s: e-mail failed: %s", referral.pk, exc)
        raise DeliveryFailed(
            f"The e-mail to {referral.partner.email} could not be sent "
            f"({type(exc).__name__}); check the mail server, then retry."
        ) from exc


def _subject(referral: Referral, reference: str, chase: int) -> str:
    sender = referral.evidence["from"]["organisation"]
    what = SUBJECTS.get(referral.kind, "Referral")
    reminder = f"Reminder {chase}: " if chase else ""
    return f"{reminder}{what} {reference} from {sender}"


def _body(referral: Referral, ack_url: str, chase: int) -> str:
    package = referral.evidence
    sender, report = package["from"], package["report"]
    origin = f" ({sender['country_name']})" if sender["country_name"] else ""
    lines = [f"Dear {referral.partner.name},", ""]
    if chase:
        lines += [
            f"This is reminder {chase} of {config.max_chases()}: we sent the referral below "
            f"on {referral.sent_at:%d %B %Y %H:%M} UTC and have not had an acknowledgement.",
            "",
        ]
    lines += [
        f"{sender['organisation']}{origin} {_purpose(referral)}",
        "",
        f"Our reference: {report['reference']}",
        f"Received: {report['received_at']}",
        f"Category: {report['category_name'] or report['category']}",
    ]
    if report["classification"]:
        lines.append("Classification: " + _labels(report["classification"]))
    lines += ["", *_address_lines(package), "", *_file_lines(package), ""]
    lines += [
        "Please confirm that you have received this referral (one click, nothing else is needed):",
        ack_url,
        "",
        f"The attached haven-evidence-{report['reference']}.json (schema {package['schema']}) "
        "lists everything above with hashes, capture details and classifications.",
        package["notice"],
    ]
    retained = package.get("retained_evidence")
    if retained and retained["files"]:
        lines.append(
            f"{sender['organisation']} holds the files {', '.join(retained['files'])} as "
            "evidence; they are available on lawful request."
        )
    return "\n".join(lines) + "\n"


def _purpose(referral: Referral) -> str:
    if referral.kind == ReferralKind.POLICE:
        return "refers the following report to you for investigation."
    if referral.kind == ReferralKind.ESCALATION:
        return "escalates the following report to you: the host has not removed it."
    return "forwards the following report to you: the content is hosted in your country."


def _labels(labels: list[dict]) -> str:
    return "; ".join(f"{entry['scheme']}: {entry['label']}" for entry in labels)


def _address_lines(package: dict) -> list[str]:
    if not package["urls"]:
        return ["No addresses."]
    lines = ["Addresses (as text; open them only in a safe environment):"]
    for entry in package["urls"]:
        hosting = entry["hosting"] or {}
        where = hosting.get("country_name") or "hosting country unknown"
        if hosting.get("network"):
            where += f", {hosting['network']}"
        lines.append(f"  {entry['ref']}  {entry['url']}  ({where})")
        if entry["classification"]:
            lines.append(f"      {_labels(entry['classification'])}")
    return lines


def _file_lines(package: dict) -> list[str]:
    if not package["files"]:
        return ["No files."]
    lines = ["Files (hashes only):"]
    for entry in package["files"]:
        matched = ", ".join(m["classification"] or m["bank"] for m in entry["matches"])
        lines.append(
            f"  {entry['ref']}  {entry['kind']}  sha256 {entry['sha256'] or '-'}"
            + (f"  matched: {matched}" if matched else "")
        )
    return lines


# --- A partner's Haven ----------------------------------------------------------------


def submit_to_haven(referral: Referral) -> str:
    """Submit the referral to the partner's Haven; returns the partner's reference."""
    partner = referral.partner
    endpoint = reports_endpoint(partner.api_url)
    try:
        token = unseal_token(partner.api_token_sealed)
    except TokenUnreadable as exc:
        raise DeliveryFailed(str(exc).capitalize() + ".") from exc
    timeout = config.api_timeout()
    try:
        # A redirect is not followed (it would carry the report and the token
        # elsewhere): it comes back as a 3xx answer, reported below.
        response = outbound.post_json(
            endpoint,
            api_submission(referral),
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            connect_timeout=min(timeout, outbound.CONNECT_TIMEOUT_SECONDS),
            max_bytes=API_MAX_ANSWER_BYTES,
            allow_http=config.http_allowed(),
        )
    except outbound.OutboundError as exc:
        raise DeliveryFailed(_api_failure(exc, endpoint, timeout)) from exc
    return _reference_from(response)


def _api_failure(error: outbound.OutboundError, endpoint: str, timeout: float) -> str:
    if error.reason == "timeout":
        return f"The partner's Haven did not answer within {timeout:g} seconds; retry later."
    if error.refused:
        return (
            f"The partner's Haven address was refused and nothing was sent: {error} "
            "Correct it in the directory."
        )
    if error.reason == "too_large":
        return f"The partner's Haven answered too much: {error} Check its API address."
    return (
        f"Could not connect to the partner's Haven at {_host(endpoint)}: {error} "
        "Check its API address, then retry."
    )


def reports_endpoint(api_url: str) -> str:
    """The report API under a partner's Haven address (https://haven.example.org)."""
    parts = urlsplit(api_url)
    if parts.scheme != "https" and not (parts.scheme == "http" and config.http_allowed()):
        raise DeliveryFailed(
            "The partner's Haven address must start with https://; correct it in the directory."
        )
    return api_url.rstrip("/") + "/api/v1/reports/"


def api_submission(referral: Referral) -> dict:
    """The JSON the report API takes, made from the evidence package and nothing else."""
    package = referral.evidence
    urls: list[str] = []
    unusable: list[str] = []
    for entry in package["urls"]:
        url = entry["normalised"] or entry["url"]
        (urls if _is_web_url(url) else unusable).append(url)
    hash_sets = [
        {name: entry[name] for name in ("md5", "sha256", "pdq") if entry[name]}
        for entry in package["files"]
    ]
    return {
        "category": package["report"]["category"],
        "external_id": f"{package['report']['reference']}/referral-{referral.pk}",
        "urls": urls[:API_MAX_URLS],
        "hashes": hash_sets[:API_MAX_HASH_SETS],
        "description": _api_note(
            referral, unusable, len(urls) - API_MAX_URLS, len(hash_sets) - API_MAX_HASH_SETS
        ),
    }


def _api_note(referral: Referral, unusable: list[str], urls_over: int, hashes_over: int) -> str:
    """A short referral note for the partner's analysts: never the reporter's words."""
    package = referral.evidence
    sender, report = package["from"], package["report"]
    origin = f" ({sender['country_name']})" if sender["country_name"] else ""
    lines = [
        f"{_purpose_line(referral)} from {sender['organisation']}{origin}, "
        f"their reference {report['reference']}, received {report['received_at']}."
    ]
    if report["classification"]:
        lines.append("Their classification: " + _labels(report["classification"]) + ".")
    countries = sorted(
        {e["hosting"]["country_name"] for e in package["urls"] if e["hosting"]} - {""}
    )
    if countries:
        lines.append("Hosted in: " + ", ".join(countries) + ".")
    if unusable:
        lines.append("Addresses the API could not take, as text: " + " ".join(unusable))
    if urls_over > 0 or hashes_over > 0:
        lines.append(
            f"{max(urls_over, 0)} more addresses and {max(hashes_over, 0)} more hash sets "
            f"did not fit: ask {sender['organisation']} for the full evidence package."
        )
    lines.append(package["notice"])
    return "\n".join(lines)


def _purpose_line(referral: Referral) -> str:
    return API_PURPOSES.get(referral.kind, "Forwarded: hosted in your country")


def _is_web_url(url: str) -> bool:
    if len(url) > API_MAX_URL_LENGTH:
        return False
    try:
        _WEB_URL(url)
    except ValidationError:
        return False
    return True


def _reference_from(response: outbound.Response) -> str:
    code = response.status
    if code in (200, 201):
        try:
            reference = response.json()["reference"]
        except (ValueError, KeyError, TypeError) as exc:
            raise DeliveryFailed(
                f"The partner's Haven answered HTTP {code} without a reference; "
                "is the address right?"
            ) from exc
        return str(reference)[:100]
    if 300 <= code < 400:
        raise DeliveryFailed(
            f"The partner's Haven answered with a redirect (HTTP {code}); "
            "check its API address in the directory."
        )
    if code in (401, 403):
        raise DeliveryFailed(
            f"The partner's Haven refused the token (HTTP {code}); "
            "ask the partner for a new one and enter it in the directory."
        )
    if code == 429:
        raise DeliveryFailed("The partner's Haven asked us to slow down (HTTP 429); retry later.")
    if code >= 500:
        raise DeliveryFailed(f"The partner's Haven failed (HTTP {code}); retry later.")
    raise DeliveryFailed(
        f"The partner's Haven refused the report (HTTP {code}): {_api_error(response)}"
    )


def _api_error(response: outbound.Response) -> str:
    try:
        error = response.json()["error"]
        text = f"{error.get('message', '')} {json.dumps(error.get('fields', {}))}"
    except (ValueError, KeyError, TypeError, AttributeError):
        text = response.text
    return " ".join(text.split())[:150]


def _host(url: str) -> str:
    return urlsplit(url).netloc.rpartition("@")[2]  # never a password
