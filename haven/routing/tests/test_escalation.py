"""escalate(): where a takedown the host ignores goes next, or that it goes nowhere."""

import pytest
from django.core import mail

from haven.audit.models import AuditEvent
from haven.routing import services
from haven.routing.models import Partner, PartnerKind, ReferralKind, ReferralStatus
from haven.takedown.models import EscalateTo, Takedown


@pytest.fixture
def takedown(hosted, analyst):
    return Takedown.objects.create(
        organisation=hosted.report.organisation,
        report=hosted.report,
        report_url=hosted.abroad,
        opened_by=analyst,
        country="DE",
    )


def _escalate(takedown, to, capture):
    with capture(execute=True):
        referral = services.escalate(takedown, to)
    if referral is not None:
        referral.refresh_from_db()
    return referral


def _unavailable(takedown) -> AuditEvent:
    return AuditEvent.objects.get(action="referral.escalation_unavailable")


def test_escalating_to_the_partner_hotline_sends_to_the_hosting_countrys_hotline(
    takedown, german_hotline, django_capture_on_commit_callbacks
):
    referral = _escalate(takedown, EscalateTo.PARTNER_HOTLINE, django_capture_on_commit_callbacks)
    assert referral.partner == german_hotline
    assert referral.kind == ReferralKind.ESCALATION and referral.sent_by is None
    assert referral.status == ReferralStatus.SENT
    assert [entry["url"] for entry in referral.evidence["urls"]] == [takedown.report_url.url]
    assert mail.outbox[0].subject.startswith("Escalation ")
    # The scheduler acted, not a person: the audit log says so, no action is recorded.
    created = AuditEvent.objects.get(action="referral.created")
    assert created.actor_label == "takedown scheduler" and created.actor is None
    assert created.organisation_id == takedown.organisation_id
    assert created.detail["takedown"] == takedown.pk
    assert not takedown.report.actions_taken.exists()


def test_escalating_twice_makes_one_referral(
    takedown, german_hotline, django_capture_on_commit_callbacks
):
    referral = _escalate(takedown, EscalateTo.PARTNER_HOTLINE, django_capture_on_commit_callbacks)
    takedown.referral = referral
    takedown.save()
    again = _escalate(takedown, EscalateTo.PARTNER_HOTLINE, django_capture_on_commit_callbacks)
    assert again == referral and german_hotline.referrals.count() == 1


def test_escalating_to_a_country_without_a_hotline_returns_none_and_says_why(
    takedown, django_capture_on_commit_callbacks
):
    assert (
        _escalate(takedown, EscalateTo.PARTNER_HOTLINE, django_capture_on_commit_callbacks) is None
    )
    event = _unavailable(takedown)
    assert event.detail["to"] == "partner_hotline"
    assert "no active partner hotline for Germany" in event.detail["why"]


def test_escalating_with_an_unknown_hosting_country_returns_none(
    takedown, german_hotline, django_capture_on_commit_callbacks
):
    takedown.country = ""
    assert (
        _escalate(takedown, EscalateTo.PARTNER_HOTLINE, django_capture_on_commit_callbacks) is None
    )
    assert "not known" in _unavailable(takedown).detail["why"]


def test_escalating_to_police_sends_to_the_police_of_the_organisations_country(
    takedown, police_unit, organisation, django_capture_on_commit_callbacks
):
    Partner.objects.create(
        organisation=organisation, kind=PartnerKind.POLICE, name="BKA", country="DE", email="b@x"
    )
    referral = _escalate(takedown, EscalateTo.POLICE, django_capture_on_commit_callbacks)
    assert referral.partner == police_unit


def test_escalating_to_police_uses_the_only_police_unit_when_none_is_national(
    takedown, organisation, django_capture_on_commit_callbacks
):
    only = Partner.objects.create(
        organisation=organisation, kind=PartnerKind.POLICE, name="Europol", email="e@x"
    )
    assert (
        _escalate(takedown, EscalateTo.POLICE, django_capture_on_commit_callbacks).partner == only
    )


def test_escalating_to_police_with_several_foreign_units_returns_none(
    takedown, organisation, django_capture_on_commit_callbacks
):
    for name, country in (("BKA", "DE"), ("Politie", "NL")):
        Partner.objects.create(
            organisation=organisation,
            kind=PartnerKind.POLICE,
            name=name,
            country=country,
            email="x@x",
        )
    assert _escalate(takedown, EscalateTo.POLICE, django_capture_on_commit_callbacks) is None
    assert _unavailable(takedown).detail["to"] == "police"


def test_escalating_to_a_registrar_in_the_directory_sends_to_it(
    takedown, organisation, django_capture_on_commit_callbacks
):
    registrar = Partner.objects.create(
        organisation=organisation,
        kind=PartnerKind.REGISTRAR,
        name="example registrar ag",
        email="abuse@registrar.example",
    )
    referral = _escalate(takedown, EscalateTo.REGISTRAR, django_capture_on_commit_callbacks)
    assert referral.partner == registrar
    assert AuditEvent.objects.get(action="referral.created").detail["to"] == "registrar"


def test_escalating_to_a_registrar_not_in_the_directory_leaves_it_to_the_takedown(
    takedown, django_capture_on_commit_callbacks
):
    assert _escalate(takedown, EscalateTo.REGISTRAR, django_capture_on_commit_callbacks) is None
    why = _unavailable(takedown).detail["why"]
    assert "Example Registrar AG is not in the directory" in why
    assert "writes to the registrar's abuse contact itself" in why


def test_escalating_does_not_choose_other_organisations_partners(
    takedown, other_organisation, django_capture_on_commit_callbacks
):
    Partner.objects.create(
        organisation=other_organisation, kind=PartnerKind.HOTLINE, name="x", country="DE", email="y"
    )
    Partner.objects.create(
        organisation=other_organisation, kind=PartnerKind.POLICE, name="p", country="GB", email="y"
    )
    for to in EscalateTo.values:
        assert _escalate(takedown, to, django_capture_on_commit_callbacks) is None
