"""Reading HMA's request parameters, with HMA's error messages where it has them.

Each reader returns a value Haven's functions take, or raises BadRequest naming what is
wrong, so views stay a line per step.
"""

import json
import time
from datetime import UTC, datetime, timedelta

from haven.hma.banking import ContentMetadata
from haven.hma.errors import BadRequest
from haven.hma.shapes import DISABLED_TS, ENABLED_TS
from haven.hma.signals import ParsedSignal, parse_signal
from haven.matching.banks import InvalidSignal
from haven.matching.models import MAX_PDQ_THRESHOLD

BANK_NAME_LENGTH = 100
# HMA refuses dates further ahead: a disabled hash should be looked at again.
DISABLE_AT_MOST = timedelta(days=5 * 365)


def flag(params, name: str, default: bool = False) -> bool:
    """HMA's booleans: true/false or 1/0 (JSON true and false too)."""
    value = params.get(name)
    if value is None:
        return default
    text = str(value).lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise BadRequest(f"invalid boolean parameter {name} - prefer true/false")


def threshold(params) -> int | None:
    """Haven's `threshold`: the PDQ distance to match within, instead of each bank's."""
    value = params.get("threshold")
    if value in (None, ""):
        return None
    try:
        found = int(value)
    except (TypeError, ValueError):
        found = -1
    if not 0 <= found <= MAX_PDQ_THRESHOLD:
        raise BadRequest(f"threshold is a whole number between 0 and {MAX_PDQ_THRESHOLD}")
    return found


def query_signal(params) -> ParsedSignal:
    signal, signal_type = params.get("signal"), params.get("signal_type")
    if not signal or not signal_type:
        raise BadRequest("Either url or both signal and signal_type are required")
    try:
        return parse_signal(signal_type, signal)
    except InvalidSignal as error:
        raise BadRequest(f"invalid signal: {error}") from None


def body_signals(body: dict) -> list[ParsedSignal]:
    """The signals of HMA's `{signal_type: value}` body, each one valid, or BadRequest."""
    if not body:
        raise BadRequest("No signals given")
    signals = []
    for name, value in body.items():
        try:
            signals.append(parse_signal(name, value))
        except InvalidSignal as error:
            raise BadRequest(f"Invalid {name} signal: {error}") from None
    return signals


def json_object(request) -> dict:
    if not isinstance(request.data, dict):
        raise BadRequest("this endpoint expects a json object payload")
    return request.data


def bank_name(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadRequest("name is required")
    name = value.strip()
    if len(name) > BANK_NAME_LENGTH:
        raise BadRequest(f"a bank name has at most {BANK_NAME_LENGTH} characters")
    if "/" in name:
        # HMA's paths carry the name (/c/bank/<name>): a slash would make it unreachable.
        raise BadRequest("a bank name cannot contain '/'")
    return name


def enabled(body: dict) -> bool | None:
    """A bank's on/off from HMA's `enabled` or `enabled_ratio` (the ratio wins, as in HMA).

    Haven has no sampling of matches: a ratio other than 0 or 1 is refused rather than
    rounded, so a client never gets more (or fewer) matches than it asked for.
    """
    found = None
    if body.get("enabled") is not None:
        found = flag(body, "enabled")
    if body.get("enabled_ratio") is not None:
        try:
            ratio = float(body["enabled_ratio"])
        except (TypeError, ValueError):
            raise BadRequest("enabled_ratio is a number") from None
        if ratio not in (0.0, 1.0):
            raise BadRequest("Haven banks match all or nothing: enabled_ratio is 0.0 or 1.0")
        found = ratio == 1.0
    return found


def disable_until(value) -> dict:
    """Entry fields for HMA's `disable_until_ts`: 0 disables, 1 (or a time past) enables,
    a future Unix time disables until then."""
    try:
        stamp = int(str(value))
    except ValueError:
        raise BadRequest(f"Invalid int: '{value}'") from None
    if stamp < 0:
        raise BadRequest("disable_until_ts must be a non-negative integer")
    now = time.time()
    if stamp > now + DISABLE_AT_MOST.total_seconds():
        raise BadRequest("disable_until_ts must be less than 5 years in the future")
    if stamp == DISABLED_TS:
        return {"enabled": False, "disabled_until": None}
    if stamp == ENABLED_TS or stamp <= now:
        return {"enabled": True}
    return {"disabled_until": datetime.fromtimestamp(stamp, tz=UTC)}


def content_metadata(request) -> ContentMetadata:
    """HMA's content metadata, from the query or the form: `content_id`, `content_uri`
    and `metadata` (a JSON object, kept as the content's `json`)."""

    def field(name: str) -> str:
        value = request.query_params.get(name) or request.POST.get(name) or ""
        return str(value).strip()

    extra = field("metadata")
    try:
        data = json.loads(extra) if extra else {}
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise BadRequest("metadata should be a json object")
    return ContentMetadata(field("content_id")[:200], field("content_uri")[:500], data)
