from datetime import timedelta

from django.utils import timezone

from haven.audit.services import Actor
from haven.reports.intake import ReportInput, submit_report
from haven.reports.models import Source
from haven.reports.tasks import expire_contacts


def test_contact_details_are_wiped_once_their_retention_ends(organisation, settings):
    settings.CONTACT_RETENTION_DAYS = 30
    kept = submit_report(
        organisation,
        Source.PUBLIC,
        ReportInput(category="bullying", contact="a@example.org"),
        Actor.public(),
    ).report
    expired = submit_report(
        organisation,
        Source.PUBLIC,
        ReportInput(category="bullying", contact="b@example.org"),
        Actor.public(),
    ).report
    assert kept.contact_expires_at > timezone.now() + timedelta(days=29)
    type(expired).objects.filter(pk=expired.pk).update(
        contact_expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert expire_contacts() == 1
    kept.refresh_from_db()
    expired.refresh_from_db()
    assert expired.contact_sealed == "" and expired.contact_expires_at is None
    assert kept.contact_sealed != ""


def test_a_report_without_contact_keeps_nothing_to_expire(organisation):
    report = submit_report(
        organisation, Source.PUBLIC, ReportInput(category="bullying"), Actor.public()
    ).report
    assert report.contact_sealed == "" and report.contact_expires_at is None
