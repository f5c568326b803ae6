"""Periodic Celery tasks for reports."""

from celery import shared_task
from django.utils import timezone

from haven.reports.models import Report


def expire_contacts(now=None) -> int:
    """Wipe reporters' contact details once their retention period is over."""
    now = now or timezone.now()
    return Report.objects.filter(contact_expires_at__lt=now).update(
        contact_sealed="", contact_expires_at=None
    )


@shared_task(name="haven.reports.expire_contacts")
def expire_contacts_task() -> None:
    expire_contacts()
