"""Turn what a reporter sent into a stored report, without losing any of it.

The public form, the partner API and staff entry all call `submit_report`. A file that
cannot be used is recorded as rejected with a reason; it never stops the rest of the
report from being stored.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.hashing import sealing
from haven.hashing.media import MediaRejected, inspect
from haven.hashing.signals import is_pdq_hex
from haven.jobs.services import enqueue
from haven.reports.models import (
    Category,
    MediaItem,
    MediaKind,
    MediaStatus,
    Report,
    ReportUrl,
    Source,
)
from haven.reports.references import new_pin, new_reference, pin_digest
from haven.triage import deadlines


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


@dataclass
class Rejected:
    name: str
    code: str


@dataclass
class Submission:
    report: Report
    pin: str
    rejected: list[Rejected]


def submit_report(
    organisation, source: str, data: ReportInput, actor: Actor, submitted_by=None
) -> Submission:
    with transaction.atomic():
        report, pin = _create_report(organisation, source, data, submitted_by)
        rejected = [r for upload in data.uploads if (r := _attach_upload(report, upload))]
        for hashes in data.hashes:
            _attach_hashes(report, hashes)
        record(
            actor,
            "report.submitted",
            report,
            organisation_id=organisation.pk,
            reference=report.reference,
            category=report.category,
            source=source,
            files=len(data.uploads),
            rejected=[r.code for r in rejected],
        )
        if report.category == Category.DANGER_NOW:
            enqueue("triage.alert_danger_now", report_id=report.pk)
    return Submission(report, pin, rejected)


def _create_report(organisation, source, data: ReportInput, submitted_by):
    now = timezone.now()
    reference, pin = new_reference(), new_pin()
    contact = data.contact.strip()
    report = Report.objects.create(
        organisation=organisation,
        reference=reference,
        pin_digest=pin_digest(reference, pin) if source == Source.PUBLIC else "",
        category=data.category,
        description=data.description.strip(),
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
        urgency=deadlines.urgency_for(data.category),
        due_at=deadlines.due_at(organisation.pk, data.category, now),
    )
    # received_at is set by the database default; keep the deadline relative to it.
    ReportUrl.objects.bulk_create(ReportUrl(report=report, url=url) for url in data.urls)
    return report, pin


def _attach_upload(report: Report, upload: Upload) -> Rejected | None:
    name = upload.name[:255]
    try:
        inspected = inspect(upload.data)
    except MediaRejected as exc:
        MediaItem.objects.create(
            report=report,
            kind=MediaKind.IMAGE,
            original_name=name,
            size=len(upload.data),
            status=MediaStatus.REJECTED,
            rejection=exc.code,
        )
        return Rejected(name, exc.code)
    staged = sealing.staging_store().put(upload.data)
    item = MediaItem.objects.create(
        report=report,
        kind=inspected.kind,
        original_name=name,
        content_type=inspected.content_type,
        size=len(upload.data),
        staged_name=staged,
    )
    enqueue("hashing.hash_media", item_id=item.pk)
    return None


def _attach_hashes(report: Report, hashes: HashSet) -> None:
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


def unseal_contact(report: Report) -> str:
    if not report.contact_sealed:
        return ""
    return sealing.unseal(report.contact_sealed.encode()).decode()
