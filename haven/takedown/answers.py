"""The link in every notice where a host answers without an account.

The token is signed (django.core.signing, with its own salt), names one takedown by id
and reference, and carries the time it was made, checked against `timezone.now()` so the
expiry follows the same clock as everything else. A token for one takedown never opens
another, and nothing in it is secret beyond the signature.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from haven.takedown.models import Takedown

SALT = "haven.takedown.answer"
VALID_FOR = timedelta(days=60)


def token_for(takedown: Takedown) -> str:
    issued = int(timezone.now().timestamp())
    return signing.dumps({"t": takedown.pk, "r": takedown.reference, "at": issued}, salt=SALT)


def answer_url(takedown: Takedown) -> str:
    path = reverse("takedown:answer", kwargs={"answer_token": token_for(takedown)})
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def takedown_for(token: str) -> Takedown | None:
    """The takedown a valid, unexpired token names; None for anything else."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in ("t", "at")):
        return None
    issued = datetime.fromtimestamp(data["at"], tz=UTC)
    if timezone.now() - issued > VALID_FOR:
        return None
    return (
        Takedown.objects.select_related("organisation", "report_url")
        .filter(pk=int(data["t"]), reference=str(data.get("r")))
        .first()
    )
