"""Children's requests to unblock, and the adults' answers.

A child who was shown why something was held back may ask the responsible adult to let
them see it (create_request). The adult approves it for a day, for 30 days or until
they withdraw it, or declines it with a note the child reads (decide_request,
withdraw_request). While an approval lasts, later decisions for the same child and
content allow it, unless a locked rule decided (approved_request, used by the service).

Content is matched by a key: a SHA-256 of the normalised reference (content_key), so
that "HTTPS://Example.org/a#top" and "https://example.org/a" are the same thing.

Every change is audited; the details never hold the child's label, the child's message
or the adult's note (only whether there was one).
"""

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haven.access.alerts import email_adults, page_url
from haven.access.links import WhyPayload
from haven.access.models import ChildProfile, UnblockRequest
from haven.audit.services import Actor, record
from haven.reports import throttle

Status = UnblockRequest.Status
# How many requests one child may make in a day, and one address in an hour: enough for
# a child who really wants something, too few to flood the adults.
PER_CHILD_PER_DAY = 10
PER_ADDRESS_PER_HOUR = 20
# After a "no", asking again about the same thing shows that answer for a day, rather
# than asking the adult again (and again): a new request after that.
DECLINE_STANDS = timedelta(days=1)
# What the adult may choose: days, or None for "until I withdraw it".
APPROVAL_DAYS = (1, 30, None)


class CannotAsk(Exception):
    """The decision cannot be lifted by an adult, or names nothing to lift."""


class NotPending(Exception):
    """The request was answered already (or withdrawn)."""


def content_key(ref: str) -> str:
    """A SHA-256 (hex) of the normalised content reference; "" for no reference.

    A URL's scheme and host are lower-cased and its fragment dropped (they do not
    change what is shown); a platform's own id is only stripped of spaces."""
    ref = (ref or "").strip()
    if not ref:
        return ""
    try:
        parts = urlsplit(ref)
    except ValueError:  # "http://[::1" and the like: an id like any other
        parts = None
    if parts is not None and parts.scheme and parts.netloc:
        netloc = parts.netloc
        userinfo, at, host = netloc.rpartition("@")
        netloc = f"{userinfo}{at}{host.lower()}"
        ref = urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, ""))
    # "surrogatepass": a lone surrogate must not stop a decision (or the alert after it).
    return hashlib.sha256(ref.encode("utf-8", "surrogatepass")).hexdigest()


def approved_request(profile_id: int, key: str) -> UnblockRequest | None:
    """The approval that lets child `profile_id` see the content of `key`, if one lasts."""
    if not key:
        return None
    return (
        UnblockRequest.objects.filter(
            profile_id=profile_id, content_key=key, status=Status.APPROVED
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .order_by("-decided_at")
        .first()
    )


def pending_request(profile_id: int, key: str) -> UnblockRequest | None:
    return UnblockRequest.objects.filter(
        profile_id=profile_id, content_key=key, status=Status.PENDING
    ).first()


def recently_declined(profile_id: int, key: str) -> UnblockRequest | None:
    return (
        UnblockRequest.objects.filter(
            profile_id=profile_id,
            content_key=key,
            status=Status.DECLINED,
            decided_at__gt=timezone.now() - DECLINE_STANDS,
        )
        .order_by("-decided_at")
        .first()
    )


def may_ask_today(profile: ChildProfile) -> bool:
    since = timezone.now() - timedelta(days=1)
    asked = UnblockRequest.objects.filter(profile=profile, created_at__gte=since).count()
    return asked < PER_CHILD_PER_DAY


def may_ask_from(ip_address: str | None) -> bool:
    """Counted by a keyed hash of the address (reports.throttle): no address is kept."""
    return throttle.within_hourly_limit(
        "access-unblock", throttle.sender(ip_address), PER_ADDRESS_PER_HOUR
    )


def create_request(
    actor: Actor, profile: ChildProfile, payload: WhyPayload, message: str = ""
) -> UnblockRequest:
    """The child's request to see what `payload` held back. One waits per child and
    content: asking again returns the waiting (or lasting approved) one unchanged, and a
    "no" given in the last day (DECLINE_STANDS)."""
    if not payload.may_ask or payload.profile_id != profile.public_id:
        raise CannotAsk
    with transaction.atomic():
        # One child's requests are made one at a time: two taps make one request.
        ChildProfile.objects.select_for_update().filter(pk=profile.pk).first()
        key = payload.content_key
        existing = (
            pending_request(profile.pk, key)
            or approved_request(profile.pk, key)
            or recently_declined(profile.pk, key)
        )
        if existing is not None:
            return existing
        unblock_request = UnblockRequest.objects.create(
            organisation_id=profile.organisation_id,
            profile=profile,
            policy_id=profile.policy_id,
            content_ref=payload.content_ref,
            content_title=payload.content_title,
            content_key=payload.content_key,
            descriptors=payload.descriptors,
            action=payload.action.key,
            rule_ids=payload.rule_ids,
            child_message=message.strip()[:500],
        )
        record(
            actor,
            "access.unblock.request",
            unblock_request,
            organisation_id=profile.organisation_id,
            profile=profile.public_id,
            decision=unblock_request.action,
            rule_ids=unblock_request.rule_ids,
            with_message=bool(unblock_request.child_message),
        )
        transaction.on_commit(lambda: _email_request(unblock_request.pk))
    return unblock_request


def decide_request(
    actor: Actor,
    unblock_request: UnblockRequest,
    approve: bool,
    note: str = "",
    expires_in_days: int | None = None,
) -> UnblockRequest:
    """Approve (for `expires_in_days`, or until withdrawn when None) or decline a
    waiting request; `note` is shown to the child."""
    with transaction.atomic():
        unblock_request = UnblockRequest.objects.select_for_update().get(pk=unblock_request.pk)
        if unblock_request.status != Status.PENDING:
            raise NotPending
        now = timezone.now()
        unblock_request.status = Status.APPROVED if approve else Status.DECLINED
        unblock_request.decided_by = actor.user
        unblock_request.decided_at = now
        unblock_request.adult_note = note.strip()[:300]
        unblock_request.expires_at = (
            now + timedelta(days=expires_in_days) if approve and expires_in_days else None
        )
        unblock_request.save(
            update_fields=["status", "decided_by", "decided_at", "adult_note", "expires_at"]
        )
        record(
            actor,
            "access.unblock.approve" if approve else "access.unblock.decline",
            unblock_request,
            profile=unblock_request.profile.public_id,
            days=expires_in_days if approve else None,
            with_note=bool(unblock_request.adult_note),
        )
    return unblock_request


def withdraw_request(
    actor: Actor, unblock_request: UnblockRequest, note: str = ""
) -> UnblockRequest:
    """End an approval before it expires; `note` (if any) replaces the one the child sees."""
    with transaction.atomic():
        unblock_request = UnblockRequest.objects.select_for_update().get(pk=unblock_request.pk)
        if unblock_request.status != Status.APPROVED:
            raise NotPending
        unblock_request.status = Status.WITHDRAWN
        unblock_request.decided_by = actor.user
        unblock_request.decided_at = timezone.now()
        if note.strip():
            unblock_request.adult_note = note.strip()[:300]
        unblock_request.save(update_fields=["status", "decided_by", "decided_at", "adult_note"])
        record(
            actor,
            "access.unblock.withdraw",
            unblock_request,
            profile=unblock_request.profile.public_id,
            with_note=bool(note.strip()),
        )
    return unblock_request


def is_lasting(unblock_request: UnblockRequest) -> bool:
    """An approval that still lets the child see it."""
    return unblock_request.status == Status.APPROVED and (
        unblock_request.expires_at is None or unblock_request.expires_at > timezone.now()
    )


def _email_request(unblock_request_id: int) -> None:
    found = UnblockRequest.objects.select_related("policy").filter(pk=unblock_request_id).first()
    if found is None:
        return
    email_adults(
        found.policy,
        "[Haven] A child asks you to unblock something",
        "A child whose profile you look after has asked you to unblock something that "
        "Haven held back.\n\nPlease sign in to see what it is and answer; the child sees "
        f"your answer:\n{page_url('access:request', unblock_request_id=found.pk)}\n\n"
        "This e-mail deliberately contains no name and no content.\n",
    )
