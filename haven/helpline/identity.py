"""Identifying details of children: sealed at rest, masked on screen, and recognised on
return by a keyed hash instead of the number itself. Contacts, conversations,
emergencies and cases all use these, so the rules are the same everywhere."""

import hashlib
import hmac

from django.conf import settings

from haven.hashing.sealing import seal_text, unseal_text

_PURPOSE = b"helpline-identifying"


def seal(text: str) -> str:
    return seal_text(_PURPOSE, text.strip())


def unseal(sealed: str) -> str:
    return unseal_text(_PURPOSE, sealed)


def normalise_handle(raw: str) -> str:
    """A phone number as its digits with one leading +; any other handle (an e-mail, a
    messaging user name) trimmed and lower-cased."""
    text = raw.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and all(ch.isdigit() or ch in "+-(). " for ch in text):
        return ("+" if text.startswith("+") or text.startswith("00") else "") + digits.lstrip(
            "0" if text.startswith("00") else ""
        )
    return text.lower()


def contact_key(organisation_id: int, handle: str) -> str:
    """The keyed hash that recognises a returning child; "" for no handle. Keyed per
    organisation, so two helplines' keys for the same number never match."""
    normalised = normalise_handle(handle)
    if not normalised:
        return ""
    key = hmac.new(settings.CONTACT_KEY.encode(), str(organisation_id).encode(), hashlib.sha256)
    return hmac.new(key.digest(), normalised.encode(), hashlib.sha256).hexdigest()


def mask(text: str) -> str:
    """What a screen shows before someone reveals it: the first character and a fixed
    run of dots, so neither the length nor the number of words gives anything away."""
    if not text:
        return ""
    return text.strip()[:1] + "•" * 7


def mask_number(text: str) -> str:
    """A phone number or handle with all but its last two characters hidden."""
    if not text:
        return ""
    return "•" * min(max(len(text) - 2, 1), 8) + text[-2:]
