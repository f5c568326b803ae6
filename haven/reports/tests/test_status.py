from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.reports import status as status_module
from haven.reports.intake import ReportInput, submit_report
from haven.reports.models import Report, Source, Status

STATUS_URL = reverse("reports:status")
WRONG = "The reference number or PIN is not right. Check both and try again."
LOCKED = "Too many attempts with this reference number."
THROTTLED = "Too many attempts from this device."


@pytest.fixture
def submitted(organisation):
    data = ReportInput(
        category="solicitation",
        description="A stranger keeps asking to meet.",
        urls=["https://example.com/profile/stranger"],
        platform="ExampleChat",
    )
    return submit_report(organisation, Source.PUBLIC, data, Actor.public())


def check(client, reference, pin, **extra):
    return client.post(STATUS_URL, {"reference": reference, "pin": pin}, **extra)


def wrong_pin(pin: str) -> str:
    return f"{(int(pin) + 1) % 10**6:06d}"


def test_the_status_page_explains_every_status_a_reporter_can_see(client, db):
    html = client.get(STATUS_URL).content.decode()
    for label in ("Received", "Being reviewed", "Action taken", "Closed"):
        assert f"<dt>{label}</dt>" in html
    assert "Joined an existing case" not in html
    assert "An analyst is looking at your report now." in html
    assert set(status_module.EXPLANATIONS) == set(Status) - {Status.JOINED}
    for explanation in status_module.EXPLANATIONS.values():
        assert str(explanation) in html


def test_a_report_that_joined_a_case_reads_as_received_so_no_one_learns_it_was_known(
    client, submitted
):
    report = submitted.report
    case = Report.objects.create(
        organisation=report.organisation,
        reference="HVN-CASE1-AAAAA",
        category=report.category,
        source=report.source,
        due_at=report.due_at,
        status=Status.ACTIONED,
    )
    report.status, report.duplicate_of = Status.JOINED, case
    report.save()

    html = check(client, report.reference, submitted.pin).content.decode()
    assert "Status: Received" in html and "joined" not in html.lower()

    case.status = Status.CLOSED
    case.save()
    html = check(client, report.reference, submitted.pin).content.decode()
    assert "Status: Closed" in html


def test_the_right_pin_shows_only_the_status_and_the_date_received(client, submitted):
    report = submitted.report
    report.status = Status.IN_REVIEW
    report.save()

    response = check(client, report.reference, submitted.pin)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Status: Being reviewed" in html
    assert "An analyst is looking at your report now." in html
    assert formats.date_format(report.received_at, "DATE_FORMAT") in html
    for private in ("stranger", "ExampleChat", "example.com", "Someone asking", "solicitation"):
        assert private not in html
    assert submitted.pin not in html


def test_a_status_view_is_audited_without_the_address(client, submitted):
    check(client, submitted.report.reference, submitted.pin, REMOTE_ADDR="198.51.100.7")
    event = AuditEvent.objects.get(action="report.status_viewed")
    assert event.target_id == str(submitted.report.pk)
    assert event.organisation_id == submitted.report.organisation_id
    assert event.ip_address is None and event.actor_label == "public reporter"


def test_the_reference_may_be_typed_in_lower_case_without_dashes(client, submitted):
    typed = submitted.report.reference.lower().replace("-", " ")
    assert "Status: Received" in check(client, typed, submitted.pin).content.decode()


def test_the_status_is_shown_in_the_readers_language(client, submitted):
    html = check(
        client, submitted.report.reference, submitted.pin, HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert '<html lang="es"' in html and "Estado: Recibida" in html


def test_a_wrong_pin_gets_a_generic_error_that_does_not_say_whether_the_reference_exists(
    client, submitted
):
    report = submitted.report
    real = check(client, report.reference, wrong_pin(submitted.pin))
    made_up = check(client, "HVN-ZZZZZ-ZZZZZ", submitted.pin)
    for response in (real, made_up):
        html = response.content.decode()
        assert response.status_code == 200
        assert WRONG in html and "Status:" not in html
        assert 'href="#id_reference"' in html
    assert real.content.decode().count(WRONG) == made_up.content.decode().count(WRONG)

    report.refresh_from_db()
    assert report.pin_failures == 1
    assert AuditEvent.objects.filter(action="report.status_pin_failed").count() == 1
    assert not AuditEvent.objects.filter(action="report.status_viewed").exists()


def test_the_pin_is_never_shown_back_after_a_wrong_try(client, submitted):
    pin = wrong_pin(submitted.pin)
    html = check(client, submitted.report.reference, pin).content.decode()
    assert pin not in html
    assert submitted.report.reference in html


def test_status_lookups_lock_after_too_many_wrong_pins(client, submitted, settings):
    settings.STATUS_PIN_ATTEMPTS = 3
    reference, bad = submitted.report.reference, wrong_pin(submitted.pin)
    assert WRONG in check(client, reference, bad).content.decode()
    assert WRONG in check(client, reference, bad).content.decode()
    third = check(client, reference, bad)
    assert third.status_code == 429 and LOCKED in third.content.decode()

    with_right_pin = check(client, reference, submitted.pin)
    assert with_right_pin.status_code == 429
    assert LOCKED in with_right_pin.content.decode()
    assert "Status:" not in with_right_pin.content.decode()
    assert Report.objects.get().pin_failures == 3


def test_an_unknown_reference_locks_the_same_way_so_locks_reveal_nothing(client, db, settings):
    settings.STATUS_PIN_ATTEMPTS = 2
    assert WRONG in check(client, "HVN-ABCDE-23456", "111111").content.decode()
    second = check(client, "HVN-ABCDE-23456", "222222")
    assert second.status_code == 429 and LOCKED in second.content.decode()


def test_a_right_pin_before_the_limit_clears_earlier_mistakes(client, submitted, settings):
    settings.STATUS_PIN_ATTEMPTS = 3
    reference = submitted.report.reference
    check(client, reference, wrong_pin(submitted.pin))
    check(client, reference, wrong_pin(submitted.pin))
    assert "Status: Received" in check(client, reference, submitted.pin).content.decode()
    assert Report.objects.get().pin_failures == 0


def test_one_address_is_throttled_whatever_reference_it_tries(client, submitted):
    for n in range(status_module.IP_ATTEMPTS):
        response = check(client, f"HVN-ABCDE-{n:05d}", "000000", REMOTE_ADDR="192.0.2.1")
        assert response.status_code in (200, 429)
        assert THROTTLED not in response.content.decode()

    throttled = check(client, submitted.report.reference, submitted.pin, REMOTE_ADDR="192.0.2.1")
    assert throttled.status_code == 429
    assert THROTTLED in throttled.content.decode() and "Status:" not in throttled.content.decode()

    elsewhere = check(client, submitted.report.reference, submitted.pin, REMOTE_ADDR="192.0.2.2")
    assert "Status: Received" in elsewhere.content.decode()


def test_a_report_without_a_pin_cannot_be_looked_up(client, organisation):
    from_api = submit_report(
        organisation, Source.API, ReportInput(category="other"), Actor.public()
    )
    html = check(client, from_api.report.reference, from_api.pin).content.decode()
    assert WRONG in html and "Status:" not in html


def test_missing_fields_are_listed_in_the_error_summary(client, db):
    html = client.post(STATUS_URL, {"reference": "", "pin": ""}).content.decode()
    assert 'href="#id_reference">Enter your reference number.' in html
    assert 'href="#id_pin">Enter your PIN.' in html
    assert not AuditEvent.objects.exists()


def test_labels_are_bound_and_the_pin_is_not_in_the_url(client, db):
    html = client.get(STATUS_URL).content.decode()
    assert '<label for="id_reference">' in html and 'id="id_reference"' in html
    assert '<label for="id_pin">' in html and 'id="id_pin"' in html
    assert '<form method="post"' in html


def test_a_locked_reference_opens_again_after_an_hour(client, submitted, settings):
    settings.STATUS_PIN_ATTEMPTS = 2
    reference, bad = submitted.report.reference, wrong_pin(submitted.pin)
    check(client, reference, bad)
    check(client, reference, bad)
    report = Report.objects.get()
    assert report.pin_locked_until > timezone.now() + timedelta(minutes=59)
    assert check(client, reference, submitted.pin).status_code == 429

    Report.objects.update(pin_locked_until=timezone.now() - timedelta(seconds=1))
    reopened = check(client, reference, submitted.pin)
    assert reopened.status_code == 200 and "Status:" in reopened.content.decode()
    assert Report.objects.get().pin_locked_until is None
