"""Audit events at known times, for the log browser's tests."""

from datetime import datetime
from unittest import mock

from haven.audit.models import AuditEvent


def event_at(when: datetime | None = None, **fields) -> AuditEvent:
    """An event as if written at `when`: `at` is set on creation and can never change."""
    fields = {"actor_label": "worker", "action": "test.event", **fields}
    if when is None:
        return AuditEvent.objects.create(**fields)
    with mock.patch("django.utils.timezone.now", return_value=when):
        return AuditEvent.objects.create(**fields)
