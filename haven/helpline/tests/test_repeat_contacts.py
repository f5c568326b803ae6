"""A returning child is recognised, and their earlier contacts are shown with the
consent they gave each time applied."""

from haven.audit.models import AuditEvent
from haven.helpline import repeats
from haven.helpline.tests.factories import CHILD_NUMBER, record_contact

SECRET_SUMMARY = "Told us about her uncle"
KEPT_SUMMARY = "Exams are too much"


def test_earlier_contacts_of_the_same_number_are_found_whoever_took_them(
    counsellor, other_counsellor
):
    first = record_contact(other_counsellor, handle=CHILD_NUMBER, complete=True)
    record_contact(other_counsellor, handle="+44 7700 900999", complete=True)
    now = record_contact(counsellor, handle="0044 7700 900123")
    assert [c.pk for c in repeats.earlier_contacts(now)] == [first.pk]
    assert list(repeats.earlier_contacts(first)) == []


def test_the_counsellor_sees_only_date_channel_and_categories_without_consent(
    counsellor, other_counsellor, counsellor_client
):
    record_contact(
        other_counsellor,
        handle=CHILD_NUMBER,
        summary=SECRET_SUMMARY,
        child_name="Meera",
        risk_level="high",
        categories=["violence.sexual"],
        consent_record=False,
        complete=True,
    )
    kept = record_contact(
        other_counsellor,
        handle=CHILD_NUMBER,
        summary=KEPT_SUMMARY,
        child_name="Meera",
        risk_level="low",
        categories=["education.school_pressure"],
        consent_record=True,
        complete=True,
    )
    now = record_contact(counsellor, handle=CHILD_NUMBER)

    body = counsellor_client.get(f"/helpline/contacts/{now.reference}/").content.decode()
    assert "This child has contacted us 2 times before" in body
    assert "Violence and abuse: Sexual violence" in body
    assert "No details kept at the child's wish" in body
    assert SECRET_SUMMARY not in body and "Risk: High" not in body
    assert KEPT_SUMMARY in body and "Risk: Low" in body
    # Names are masked even where a record was kept.
    assert "Meera" not in body and "M•••••••" in body
    # The earlier contacts are another counsellor's: listed, but not to be opened.
    assert f"/helpline/contacts/{kept.reference}/" not in body


def test_the_same_history_shows_on_the_contact_form(counsellor, counsellor_client):
    record_contact(counsellor, handle=CHILD_NUMBER, complete=True)
    now = record_contact(counsellor, handle=CHILD_NUMBER)
    body = counsellor_client.get(f"/helpline/contacts/{now.reference}/edit/").content.decode()
    assert "This child has contacted us 1 time before" in body


def test_looking_at_the_history_is_audited(counsellor, other_counsellor):
    earlier = record_contact(other_counsellor, handle=CHILD_NUMBER, complete=True)
    now = record_contact(counsellor, handle=CHILD_NUMBER)
    history = repeats.repeat_history(counsellor, counsellor, now)
    assert history.count == 1 and history.shown[0].reference == earlier.reference
    event = AuditEvent.objects.get(action="contact.history_viewed")
    assert event.actor == counsellor
    assert event.detail["earlier"] == [earlier.reference]


def test_a_contact_without_a_number_has_no_history_and_nothing_is_audited(counsellor):
    record_contact(counsellor, complete=True)
    now = record_contact(counsellor)
    assert repeats.repeat_history(counsellor, counsellor, now).count == 0
    assert not AuditEvent.objects.filter(action="contact.history_viewed").exists()


def test_another_organisations_contacts_with_the_same_number_are_never_matched(
    counsellor, outsider
):
    record_contact(outsider, handle=CHILD_NUMBER, complete=True)
    now = record_contact(counsellor, handle=CHILD_NUMBER)
    assert list(repeats.earlier_contacts(now)) == []


def test_a_supervisor_may_open_each_earlier_contact(counsellor, supervisor, supervisor_client):
    earlier = record_contact(counsellor, handle=CHILD_NUMBER, complete=True)
    now = record_contact(counsellor, handle=CHILD_NUMBER)
    body = supervisor_client.get(f"/helpline/contacts/{now.reference}/").content.decode()
    assert f"/helpline/contacts/{earlier.reference}/" in body
