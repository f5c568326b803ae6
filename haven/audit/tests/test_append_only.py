"""Audit events can be added, never changed or deleted: not by the model, not by a
queryset, and not by SQL that goes around Django (the database triggers refuse it)."""

import pytest
from django.db import DatabaseError, connection, models, transaction

from haven.audit.models import AppendOnlyError, AuditEvent

from .conftest import event_at


@pytest.fixture
def event(organisation):
    return event_at(organisation=organisation, action="report.viewed", detail={"n": 1})


def assert_unchanged(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.detail, stored.at) == ("report.viewed", {"n": 1}, event.at)


def test_saving_a_changed_event_through_the_model_fails(event):
    event.action = "report.hidden"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert_unchanged(event)


def test_deleting_an_event_through_the_model_fails(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert_unchanged(event)


def test_updating_events_through_the_queryset_fails(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="report.hidden")
    assert_unchanged(event)


def test_deleting_events_through_the_queryset_fails(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert_unchanged(event)


def test_a_plain_queryset_that_skips_the_guards_is_stopped_by_the_database(event):
    plain = models.QuerySet(AuditEvent).filter(pk=event.pk)
    with pytest.raises(DatabaseError), transaction.atomic():
        plain.update(action="report.hidden")
    with pytest.raises(DatabaseError), transaction.atomic():
        plain._raw_delete(connection.alias)
    assert_unchanged(event)


def test_raw_sql_update_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = %s WHERE id = %s", ["report.hidden", event.pk]
        )
    assert_unchanged(event)


def test_raw_sql_delete_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert_unchanged(event)


def test_the_triggers_that_refuse_changes_are_installed(db):
    # The tests above would pass vacuously if the migration had not run; say which backend.
    assert connection.vendor in {"sqlite", "postgresql"}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_auditevent' ORDER BY name"
            )
            assert [row[0] for row in cursor.fetchall()] == [
                "audit_event_no_delete",
                "audit_event_no_update",
            ]
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass "
                "AND NOT tgisinternal"
            )
            assert [row[0] for row in cursor.fetchall()] == ["audit_event_no_change"]


def test_new_events_can_still_be_added(organisation, event):
    event_at(organisation=organisation, action="report.viewed")
    assert AuditEvent.objects.filter(action="report.viewed").count() == 2
