"""Turn what a reporter sent into a stored report, without losing any of it.

The public form, the partner API and staff entry all call `submit_report`. A file that
cannot be used is recorded as rejected with a reason; it never stops the rest of the
report from being stored. An address that cannot be parsed is kept as sent, with no
normalised form. Addresses and hashes classified before are labelled again at once, and
a report of nothing but what an open case already holds joins that case (see
`haven.reports.duplicates`).
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.classification import automatic
from haven.emergencies import services as emergencies
from haven.fetching.urls import BadUrl, normalise
from haven.hashing import sealing
from haven.hashing.media import MediaRejected, inspect
from haven.hashing.signals import is_pdq_hex
from haven.jobs.services import enqueue
from haven.network.models import District
from haven.reports import duplicates
from haven.reports.models import (
    Category,
    MediaItem,
    MediaKind,
    MediaStatus,
    Report,
    ReportUrl,
    Source,
    Status,
    Urgency,
)
from haven.reports.references import new_pin, new_reference, pin_digest
from haven.triage import deadlines

log = logging.getLogger(__name__)


@dataclass
class Upload:
    name: str
    data: bytes


@dataclass
class HashSet:
    md5: str = ""
    sha256: str = ""
    pdq: str = ""


@dataclass
class DangerNow:
    """The reporter says a child is in danger now, and where: intake opens an emergency so
    that the helpline can try to send someone (haven.emergencies)."""

    location: str = ""
    district_id: int | None = None  # one of the organisation's districts
    district_name: str = ""  # as typed, when the organisation lists no districts
    # Too many reports of a child in danger came from the same sender this hour
    # (haven.reports.throttle): no emergency is opened. The report keeps where the
    # child is and goes to the top of the hotline's queue, for a person to judge.
    throttled: bool = False


@dataclass
class ReportInput:
    category: str
    description: str = ""
    urls: list[str] = field(default_factory=list)
    platform: str = ""
    age_band: str = ""
    contact: str = ""
    language: str = ""
    external_id: str = ""
    uploads: list[Upload] = field(default_factory=list)
    hashes: list[HashSet] = field(default_factory=list)
    danger: DangerNow | None = None


@dataclass
class Rejected:
    name: str
    code: str


@dataclass
class Submission:
    report: Report
    pin: str
    rejected: list[Rejected]
    items: list[MediaItem] = field(default_factory=list)
    emergency: str = ""  # the reference of the emergency opened for `danger`, if one was


def submit_report(
    organisation, source: str, data: ReportInput, actor: Actor, submitted_by=None
) -> Submission:
    # Checking, encrypting and staging files, and looking up the deadline, happen before
    # the transaction: the database (one writer at a time on SQLite) is held only for
    # the inserts.
    files = [_prepare(upload) for upload in data.uploads]
    now = timezone.now()
    due = deadlines.due_at(organisation.pk, data.category, now)
    try:
        with transaction.atomic():
            report, pin = _create_report(organisation, source, data, submitted_by, now, due)
            urls = [_attach_url(report, url) for url in data.urls]
            items = [_attach_file(report, prepared) for prepared in files]
            hash_sets = [_attach_hashes(report, hashes) for hashes in data.hashes]
            items += hash_sets
            rejected = [Rejected(f.name, f.rejection) for f in files if f.rejection]
            record(
                actor,
                "report.submitted",
                report,
                organisation_id=organisation.pk,
                reference=report.reference,
                category=report.category,
                source=source,
                files=len(files),
                rejected=[r.code for r in rejected],
            )
            if data.danger is not None and data.danger.throttled:
                record(
                    actor,
                    "report.emergency_throttled",
                    report,
                    organisation_id=organisation.pk,
                    reference=report.reference,
                )
            _seen_before(report, urls, hash_sets, items)
            if report.category == Category.DANGER_NOW:
                enqueue("triage.alert_danger_now", report_id=report.pk)
            if settings.FETCH_ON_REPORT and report.status != Status.JOINED:
                for report_url in urls:
                    # Capture (hash and match what is there), then locate the host. A
                    # joined report's addresses are its case's, which are fetched already.
                    enqueue("fetching.capture_url", url_id=report_url.pk)
    except BaseException:
        _discard_staged(files)
        raise
    submission = Submission(report, pin, rejected, items)
    if data.danger is not None and not data.danger.throttled:
        submission.emergency = _open_emergency(organisation, report, data.danger, actor)
    return submission


def _open_emergency(organisation, report: Report, danger: DangerNow, actor: Actor) -> str:
    """Open an emergency for a child in danger now, after the report is stored and never
    at its cost: if opening fails, the failure is logged and the report stands (marked
    for the analysts as usual). The reporter stays anonymous: the emergency gets where
    the child is and what the report says, never the reporter's contact details."""
    try:
        district = (
            District.objects.filter(organisation=organisation, pk=danger.district_id).first()
            if danger.district_id
            else None
        )
        location = danger.location.strip()
        if danger.district_name.strip():
            location = f"{location}\n(District as given: {danger.district_name.strip()})".strip()
        emergency = emergencies.open_emergency(
            actor,
            organisation,
            district=district,
            location=location,
            situation=report.description or str(report.get_category_display()),
            report=report,
        )
    except Exception:
        log.exception("report %s: the emergency could not be opened", report.pk)
        return ""
    return emergency.reference


def _create_report(organisation, source, data: ReportInput, submitted_by, now, due):
    reference, pin = new_reference(), new_pin()
    contact = data.contact.strip()
    description, urgency = data.description.strip(), deadlines.urgency_for(data.category)
    if data.danger is not None and data.danger.throttled:
        description = "\n\n".join(
            filter(None, [description, _where_held(organisation, data.danger)])
        )
        urgency = Urgency.DANGER_NOW
        due = min(due, deadlines.due_at(organisation.pk, Category.DANGER_NOW, now))
    report = Report.objects.create(
        organisation=organisation,
        reference=reference,
        pin_digest=pin_digest(reference, pin) if source == Source.PUBLIC else "",
        category=data.category,
        description=description,
        platform=data.platform.strip()[:200],
        age_band=data.age_band,
        contact_sealed=sealing.seal(contact.encode()).decode() if contact else "",
        contact_expires_at=(
            now + timedelta(days=settings.CONTACT_RETENTION_DAYS) if contact else None
        ),
        language=data.language[:10],
        source=source,
        submitted_by=submitted_by,
        external_id=data.external_id[:200],
        urgency=urgency,
        due_at=due,
    )
    return report, pin


def _where_held(organisation, danger: DangerNow) -> str:
    """Where the child is, kept in the report when no emergency could be opened for it,
    so that nothing the reporter said is lost and an analyst can open one by hand."""
    district = danger.district_name.strip()
    if danger.district_id is not None:
        found = District.objects.filter(organisation=organisation, pk=danger.district_id).first()
        district = found.name if found is not None else district
    lines = [
        "[Haven] The reporter said a child is in danger now. No emergency was opened: too "
        "many reports of a child in danger came from the same device this hour. Judge "
        "this report and raise an emergency from it if the danger is real.",
        f"Where the child is: {danger.location.strip() or 'not given'}",
    ]
    if district:
        lines.append(f"District: {district}")
    return "\n".join(lines)


def _attach_url(report: Report, url: str) -> ReportUrl:
    try:
        normalised = normalise(url)
    except BadUrl:
        normalised = ""  # kept as sent; fetching records why it cannot be used
    return ReportUrl.objects.create(report=report, url=url, normalised=normalised)


def _seen_before(report: Report, urls: list[ReportUrl], hash_sets, items) -> None:
    """Label what was classified before, and join an open case holding all of it.

    Files are looked at again once hashed (`haven.hashing.jobs`); hash sets and
    addresses are known now.
    """
    automatic.reclassify_urls(urls)
    for item in hash_sets:
        automatic.reclassify_item(item)
    duplicates.join_new_report(report, urls, items)


@dataclass
class _PreparedFile:
    name: str
    size: int
    kind: str = MediaKind.IMAGE
    content_type: str = ""
    staged_name: str = ""
    rejection: str = ""


def _prepare(upload: Upload) -> _PreparedFile:
    prepared = _PreparedFile(upload.name[:255], len(upload.data))
    try:
        inspected = inspect(upload.data)
    except MediaRejected as exc:
        prepared.rejection = exc.code
        return prepared
    prepared.kind, prepared.content_type = inspected.kind, inspected.content_type
    prepared.staged_name = sealing.staging_store().put(upload.data)
    return prepared


def _discard_staged(files: list[_PreparedFile]) -> None:
    staging = sealing.staging_store()
    for prepared in files:
        if prepared.staged_name:
            staging.delete(prepared.staged_name)


def _attach_file(report: Report, prepared: _PreparedFile) -> MediaItem:
    item = MediaItem.objects.create(
        report=report,
        kind=prepared.kind,
        original_name=prepared.name,
        content_type=prepared.content_type,
        size=prepared.size,
        staged_name=prepared.staged_name,
        status=MediaStatus.REJECTED if prepared.rejection else MediaStatus.PENDING,
        rejection=prepared.rejection,
    )
    if not prepared.rejection:
        enqueue("hashing.hash_media", item_id=item.pk)
    return item


def _attach_hashes(report: Report, hashes: HashSet) -> MediaItem:
    item = MediaItem.objects.create(
        report=report,
        kind=MediaKind.HASHES,
        md5=hashes.md5.lower(),
        sha256=hashes.sha256.lower(),
        pdq=hashes.pdq.lower() if is_pdq_hex(hashes.pdq) else "",
        status=MediaStatus.HASHED,
        hashed_at=timezone.now(),
    )
    enqueue("matching.match_item", item_id=item.pk)
    return item


def unseal_contact(report: Report) -> str:
    if not report.contact_sealed:
        return ""
    return sealing.unseal(report.contact_sealed.encode()).decode()
