"""A report of what an open case already holds joins that case instead of queueing again.

A new report joins an earlier open case of the same organisation when everything it
points to is already in that case: each address (compared in normalised form, see
`haven.fetching.urls.normalise`) and each file (compared by hash, see `same_file`).
A report that brings anything new stays a case of its own, so that no new material
waits unseen behind a case an analyst thinks they know.

Joining is checked at intake (addresses and hash sets) and again when each file has
been hashed; it happens only while the report is untouched (received, unassigned).
The joined report keeps everything it was sent with; its status is JOINED, it points to
the case, and the case counts it. Never joined: reports of a child in danger now (they
alert and are triaged on their own, with the earlier case noted in the audit log), and
anything into a closed case (the repeat opens a new case; `haven.classification.
automatic` still labels what was classified before). An analyst can take a joined
report out of its case again with `separate`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.reports.models import (
    OPEN_STATUSES,
    Category,
    MediaItem,
    MediaStatus,
    Report,
    ReportUrl,
    Status,
)

ACTOR = "deduplication"
REASON_MAX_LENGTH = 2000
ELSEWHERE_SHOWN = 20


def same_file(item: MediaItem) -> Q | None:
    """Items holding the same file as `item`, by the strongest hash both sides have.

    SHA-256 decides when both have one. MD5 collisions can be made on purpose, so MD5
    counts only where one side has no SHA-256; an exact PDQ (of a usable quality) only
    where one side has neither. None when `item` has no hash at all.
    """
    same = Q()
    if item.sha256:
        same |= Q(sha256=item.sha256)
    if item.md5:
        same |= Q(md5=item.md5, sha256="") if item.sha256 else Q(md5=item.md5)
    if item.pdq and _pdq_usable(item.pdq_quality):
        good = Q(pdq_quality__isnull=True) | Q(pdq_quality__gte=settings.PDQ_MIN_QUALITY)
        pdq = Q(pdq=item.pdq) & good
        same |= (pdq & Q(sha256="", md5="")) if (item.sha256 or item.md5) else pdq
    return same or None


def _pdq_usable(quality) -> bool:
    return quality is None or quality >= settings.PDQ_MIN_QUALITY


@dataclass(frozen=True)
class Contents:
    """What a report points to, for comparison: normalised addresses and hashed files."""

    addresses: frozenset[str]
    items: tuple[MediaItem, ...]

    @property
    def empty(self) -> bool:
        return not self.addresses and not self.items


def join_new_report(report: Report, urls: list[ReportUrl], items: list[MediaItem]):
    """At intake, inside its transaction. Returns the case joined, or None.

    A report with files still to hash is decided when the last one is hashed.
    """
    if any(item.status == MediaStatus.PENDING for item in items):
        return None
    return _join_if_held(report, _contents(urls, items))


def join_if_duplicate(report_id: int):
    """After a file of the report has been hashed or refused. Returns the case joined."""
    with transaction.atomic():
        report = _locked(report_id)
        if report is None or not _untouched(report):
            return None
        items = list(report.media.all())
        if any(item.status == MediaStatus.PENDING for item in items):
            return None
        return _join_if_held(report, _contents(list(report.urls.all()), items))


def _contents(urls: list[ReportUrl], items: list[MediaItem]) -> Contents | None:
    if any(not url.normalised for url in urls):
        return None  # an address we cannot compare might be new
    # Files fetched from a reported address stand for that address, already compared.
    hashed = tuple(
        item for item in items if item.status == MediaStatus.HASHED and item.report_url_id is None
    )
    return Contents(frozenset(url.normalised for url in urls), hashed)


def _untouched(report: Report) -> bool:
    return (
        report.status == Status.RECEIVED
        and report.assigned_to_id is None
        and report.duplicate_of_id is None
    )


def _join_if_held(report: Report, contents: Contents | None):
    if contents is None or contents.empty or not _untouched(report):
        return None
    for case_id in sorted(_cases_holding(report, contents)):
        case = _locked(case_id)
        if case is None or case.status not in OPEN_STATUSES or case.duplicate_of_id is not None:
            continue
        if report.category == Category.DANGER_NOW:
            record(
                Actor.system(ACTOR),
                "report.duplicate_not_joined",
                report,
                organisation_id=report.organisation_id,
                reference=report.reference,
                case=case.reference,
                reason="danger_now",
            )
            return None
        _join(report, case, contents)
        return case
    return None


def _open_cases(report: Report):
    # Only earlier cases: the existing case is the older one, and locking the newer
    # report before the older case keeps two joins from ever waiting on each other.
    return Report.objects.filter(
        organisation_id=report.organisation_id,
        status__in=OPEN_STATUSES,
        duplicate_of=None,
        pk__lt=report.pk,
    )


def _cases_holding(report: Report, contents: Contents) -> set[int]:
    """Open cases that hold every address and every file of `contents`."""
    cases = _open_cases(report)
    candidates: set[int] | None = None
    if contents.addresses:
        held: dict[int, set[str]] = {}
        found = ReportUrl.objects.filter(
            normalised__in=contents.addresses, report__in=cases
        ).values_list("report_id", "normalised")
        for case_id, address in found:
            held.setdefault(case_id, set()).add(address)
        candidates = {case_id for case_id, got in held.items() if got >= contents.addresses}
    for item in contents.items:
        if candidates is not None and not candidates:
            break
        same = same_file(item)
        if same is None:
            return set()
        holding = set(
            MediaItem.objects.filter(same, report__in=cases).values_list("report_id", flat=True)
        )
        candidates = holding if candidates is None else candidates & holding
    return candidates or set()


def _locked(report_id: int) -> Report | None:
    return Report.objects.select_for_update(of=("self",)).filter(pk=report_id).first()


def _join(report: Report, case: Report, contents: Contents) -> None:
    report.status, report.duplicate_of = Status.JOINED, case
    report.save(update_fields=["status", "duplicate_of", "updated_at"])
    Report.objects.filter(pk=case.pk).update(
        duplicate_count=F("duplicate_count") + 1, updated_at=timezone.now()
    )
    matched = {"addresses": len(contents.addresses), "files": len(contents.items)}
    actor = Actor.system(ACTOR)
    record(
        actor,
        "report.joined",
        report,
        organisation_id=report.organisation_id,
        reference=report.reference,
        case=case.reference,
        **matched,
    )
    record(
        actor,
        "report.duplicate_joined",
        case,
        organisation_id=case.organisation_id,
        reference=case.reference,
        joined=report.reference,
        **matched,
    )


def separate(report: Report, by, reason: str, *, actor: Actor | None = None) -> Report:
    """Take a joined report out of its case, back into the queue as a case of its own."""
    if not by.is_org_staff or by.organisation_id != report.organisation_id:
        raise PermissionDenied("Only staff of the report's organisation can do this.")
    from haven.triage.actions import InvalidInput, InvalidTransition

    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why this report should be worked on separately.", "reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(f"Keep this under {REASON_MAX_LENGTH} characters.", "reason")
    with transaction.atomic():
        locked = _locked(report.pk)
        case_id = locked.duplicate_of_id if locked is not None else None
        if locked is None or locked.status != Status.JOINED or case_id is None:
            raise InvalidTransition("This report has not joined another case.")
        report = locked
        case = Report.objects.get(pk=case_id)
        report.status, report.duplicate_of = Status.RECEIVED, None
        report.save(update_fields=["status", "duplicate_of", "updated_at"])
        Report.objects.filter(pk=case.pk, duplicate_count__gt=0).update(
            duplicate_count=F("duplicate_count") - 1, updated_at=timezone.now()
        )
        actor = actor or Actor.for_user(by)
        record(
            actor,
            "report.separated",
            report,
            reference=report.reference,
            case=case.reference,
            reason=reason,
        )
        record(
            actor,
            "report.duplicate_separated",
            case,
            reference=case.reference,
            separated=report.reference,
        )
    return report


def same_content_elsewhere(report: Report) -> list[Report]:
    """Other reports of the organisation with any of this report's addresses or files
    (open or closed), apart from its case and the reports that joined it."""
    addresses = {url.normalised for url in report.urls.all() if url.normalised}
    files = [same_file(item) for item in report.media.filter(status=MediaStatus.HASHED)]
    sought = Q(urls__normalised__in=addresses) if addresses else Q()
    for same in files:
        if same is not None:
            sought |= Q(pk__in=MediaItem.objects.filter(same).values("report_id"))
    if not sought:
        return []
    others = (
        Report.objects.filter(organisation_id=report.organisation_id)
        .filter(sought)
        .exclude(pk=report.pk)
        .exclude(duplicate_of=report)
    )
    if report.duplicate_of_id is not None:
        others = others.exclude(pk=report.duplicate_of_id).exclude(
            duplicate_of_id=report.duplicate_of_id
        )
    return list(others.distinct().order_by("-received_at", "-pk")[:ELSEWHERE_SHOWN])
