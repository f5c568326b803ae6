from unittest import mock

import pytest
from django.core import mail

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.demo.synthetic import synthetic_jpeg, synthetic_mp4_header
from haven.hashing.signals import md5_hex, sha256_hex
from haven.jobs.models import Job
from haven.matching.models import BankEntry, HashBank
from haven.reports.intake import HashSet, ReportInput, Upload, submit_report, unseal_contact
from haven.reports.models import MediaStatus, Source, Urgency
from haven.reports.references import pin_matches


def submit(organisation, django_capture_on_commit_callbacks, **fields):
    data = ReportInput(**({"category": "sexual_imagery"} | fields))
    with django_capture_on_commit_callbacks(execute=True):
        return submit_report(organisation, Source.PUBLIC, data, Actor.public())


def test_image_is_hashed_in_the_background_and_its_bytes_discarded(
    organisation, django_capture_on_commit_callbacks, settings
):
    jpeg = synthetic_jpeg(1)
    submission = submit(
        organisation, django_capture_on_commit_callbacks, uploads=[Upload("photo.jpg", jpeg)]
    )
    item = submission.report.media.get()
    assert item.status == MediaStatus.HASHED
    assert item.md5 == md5_hex(jpeg) and item.sha256 == sha256_hex(jpeg)
    assert len(item.pdq) == 64 and item.pdq_quality >= 50
    assert item.staged_name == "" and item.evidence_name == ""
    assert not any(settings.STAGING_DIR.iterdir())
    assert Job.objects.count() == 0


def test_evidence_is_kept_encrypted_when_the_organisation_retains_it(
    organisation, django_capture_on_commit_callbacks, settings
):
    organisation.evidence_retention = True
    organisation.save()
    jpeg = synthetic_jpeg(2)
    submission = submit(
        organisation, django_capture_on_commit_callbacks, uploads=[Upload("photo.jpg", jpeg)]
    )
    item = submission.report.media.get()
    stored = (settings.EVIDENCE_DIR / item.evidence_name).read_bytes()
    assert jpeg not in stored and jpeg[:64] not in stored


def test_a_bad_file_is_rejected_with_a_reason_and_the_rest_of_the_report_is_kept(
    organisation, django_capture_on_commit_callbacks
):
    jpeg = synthetic_jpeg(3)
    submission = submit(
        organisation,
        django_capture_on_commit_callbacks,
        description="two files",
        urls=["https://example.com/a"],
        uploads=[
            Upload("broken.jpg", jpeg[: len(jpeg) // 2]),
            Upload("ok.jpg", jpeg),
            Upload("notes.txt", b"hello"),
            Upload("clip.mp4", synthetic_mp4_header()),
        ],
    )
    assert [(r.name, r.code) for r in submission.rejected] == [
        ("broken.jpg", "truncated"),
        ("notes.txt", "unsupported"),
    ]
    report = submission.report
    assert report.description == "two files"
    assert list(report.urls.values_list("url", flat=True)) == ["https://example.com/a"]
    statuses = dict(report.media.values_list("original_name", "status"))
    assert statuses == {
        "broken.jpg": "rejected",
        "ok.jpg": "hashed",
        "notes.txt": "rejected",
        "clip.mp4": "hashed",
    }


def test_a_match_labels_the_item_and_raises_the_report_up_the_queue(
    organisation, django_capture_on_commit_callbacks
):
    jpeg = synthetic_jpeg(4)
    bank = HashBank.objects.create(
        organisation=organisation, name="known", classification="Known material (A)"
    )
    BankEntry.objects.create(bank=bank, signal_type="md5", value=md5_hex(jpeg))
    submission = submit(
        organisation,
        django_capture_on_commit_callbacks,
        category="bullying",
        uploads=[Upload("x.jpg", jpeg)],
    )
    report = submission.report
    report.refresh_from_db()
    assert report.media.get().match_label == "Known material (A)"
    assert report.urgency == Urgency.KNOWN_MATERIAL
    assert (report.due_at - report.received_at).total_seconds() <= 24 * 3600 + 1


def test_hashes_only_are_matched_by_pdq_distance(organisation, django_capture_on_commit_callbacks):
    bank = HashBank.objects.create(organisation=organisation, name="k", classification="Known")
    pdq = "f" * 60 + "0000"
    BankEntry.objects.create(bank=bank, signal_type="pdq", value=pdq)
    near = "f" * 56 + "00000000"  # 16 bits away
    far = "0" * 64
    submission = submit(
        organisation,
        django_capture_on_commit_callbacks,
        hashes=[HashSet(pdq=near), HashSet(pdq=far)],
    )
    labels = sorted(submission.report.media.values_list("match_label", flat=True))
    assert labels == ["", "Known"]


def test_another_organisations_bank_never_matches(
    organisation, other_organisation, django_capture_on_commit_callbacks
):
    jpeg = synthetic_jpeg(5)
    bank = HashBank.objects.create(organisation=other_organisation, name="k", classification="K")
    BankEntry.objects.create(bank=bank, signal_type="sha256", value=sha256_hex(jpeg))
    submission = submit(
        organisation, django_capture_on_commit_callbacks, uploads=[Upload("x.jpg", jpeg)]
    )
    assert submission.report.media.get().match_label == ""


def test_danger_now_is_most_urgent_due_in_an_hour_and_alerts_supervisors(
    organisation, supervisor, django_capture_on_commit_callbacks
):
    submission = submit(organisation, django_capture_on_commit_callbacks, category="danger_now")
    report = submission.report
    assert report.urgency == Urgency.DANGER_NOW
    assert (report.due_at - report.received_at).total_seconds() == pytest.approx(3600, abs=2)
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    assert "danger" in mail.outbox[0].subject.lower()


def test_pin_and_contact_are_stored_only_in_protected_form(
    organisation, django_capture_on_commit_callbacks
):
    submission = submit(
        organisation, django_capture_on_commit_callbacks, contact="parent@example.org"
    )
    report = submission.report
    assert submission.pin not in report.pin_digest
    assert pin_matches(report.reference, submission.pin, report.pin_digest)
    assert not pin_matches(
        report.reference, "000000" if submission.pin != "000000" else "1", report.pin_digest
    )
    assert "parent@" not in report.contact_sealed
    assert unseal_contact(report) == "parent@example.org"
    assert AuditEvent.objects.filter(action="report.submitted", target_id=str(report.pk)).exists()


def test_staged_files_are_discarded_when_the_report_cannot_be_stored(organisation, settings):
    data = ReportInput(category="bullying", uploads=[Upload("a.jpg", synthetic_jpeg(9))])
    with (
        mock.patch("haven.reports.intake.record", side_effect=RuntimeError("database gone")),
        pytest.raises(RuntimeError),
    ):
        submit_report(organisation, Source.PUBLIC, data, Actor.public())
    assert not list(settings.STAGING_DIR.glob("*"))
