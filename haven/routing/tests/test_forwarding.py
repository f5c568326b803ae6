"""Forwarding by e-mail, the acknowledgement link, and the public acknowledgement page."""

import json
import re

import pytest
from django.core import mail

from haven.audit.models import AuditEvent
from haven.routing import services
from haven.routing.models import AckLink, Partner, PartnerKind, Referral, ReferralStatus
from haven.routing.tests.conftest import REPORTER_CONTACT, REPORTER_WORDS
from haven.triage import actions
from haven.triage.models import ActionKind

LINK = re.compile(r"https?://\S+/routing/ack/([\w-]+)/")


def _forward(hosted, partner, analyst, capture, **kwargs):
    with capture(execute=True):
        referral = services.forward(hosted.report, partner, analyst, **kwargs)
    referral.refresh_from_db()
    return referral


def _link(message) -> str:
    return LINK.search(message.body).group(0)


def test_the_partner_hotline_is_chosen_by_the_hosting_country(organisation, german_hotline):
    Partner.objects.create(
        organisation=organisation, kind=PartnerKind.POLICE, name="BKA", country="DE", email="b@x"
    )
    assert services.partner_hotline_for(organisation, "DE") == german_hotline
    assert services.partner_hotline_for(organisation, "de") == german_hotline
    assert services.partner_hotline_for(organisation, "FR") is None
    assert services.partner_hotline_for(organisation, "") is None


def test_inactive_hotlines_and_other_organisations_hotlines_are_never_chosen(
    organisation, other_organisation, german_hotline
):
    german_hotline.active = False
    german_hotline.save()
    Partner.objects.create(
        organisation=other_organisation, kind=PartnerKind.HOTLINE, name="x", country="DE", email="y"
    )
    assert services.partner_hotline_for(organisation, "DE") is None


def test_a_forward_by_email_carries_a_summary_the_package_and_an_acknowledgement_link(
    hosted, german_hotline, analyst, django_capture_on_commit_callbacks, settings
):
    settings.PUBLIC_BASE_URL = "https://haven.example.org"
    referral = _forward(
        hosted,
        german_hotline,
        analyst,
        django_capture_on_commit_callbacks,
        report_urls=[hosted.abroad],
    )

    assert referral.status == ReferralStatus.SENT
    assert referral.channel == "email" and referral.chase_at is not None
    [message] = mail.outbox
    assert message.to == ["hotline@eco.example"]
    assert hosted.report.reference in message.subject
    assert "https://images.example.de/album/7" in message.body
    assert "Germany" in message.body
    assert "uk.example.co.uk" not in message.body  # only the address hosted abroad
    assert _link(message).startswith("https://haven.example.org/routing/ack/")
    [(name, content, kind)] = message.attachments
    assert name == f"haven-evidence-{hosted.report.reference}.json"
    assert kind == "application/json"
    assert json.loads(content)["report"]["reference"] == hosted.report.reference
    for text in (message.body, content):
        assert REPORTER_WORDS not in text and REPORTER_CONTACT not in text


def test_replies_to_a_referral_go_to_the_organisations_desk_never_the_analyst(
    hosted, german_hotline, analyst, django_capture_on_commit_callbacks
):
    from haven.takedown.models import TakedownPolicy

    analyst.email = "ana@northern.example"
    analyst.save()
    _forward(hosted, german_hotline, analyst, django_capture_on_commit_callbacks)
    TakedownPolicy.objects.create(
        organisation=hosted.report.organisation, reply_to="desk@n.example"
    )
    _forward(hosted, german_hotline, analyst, django_capture_on_commit_callbacks)

    first, second = mail.outbox
    assert first.reply_to == [] and second.reply_to == ["desk@n.example"]


def test_only_the_digest_of_the_acknowledgement_token_is_stored(
    hosted, german_hotline, analyst, django_capture_on_commit_callbacks
):
    referral = _forward(hosted, german_hotline, analyst, django_capture_on_commit_callbacks)
    token = LINK.search(mail.outbox[0].body).group(1)
    link = AckLink.objects.get(referral=referral)
    assert token not in link.digest and len(link.digest) == 64
    assert token not in json.dumps(
        list(Referral.objects.filter(pk=referral.pk).values()), default=str
    )


def test_forwarding_records_an_action_so_the_report_counts_as_acted_on(
    hosted, german_hotline, analyst, django_capture_on_commit_callbacks
):
    _forward(hosted, german_hotline, analyst, django_capture_on_commit_callbacks)
    hosted.report.refresh_from_db()
    action = hosted.report.actions_taken.get()
    assert action.kind == ActionKind.FORWARDED and action.actor == analyst
    assert "eco Beschwerdestelle (Germany)" in action.detail
    assert hosted.report.first_action_at is not None


def test_the_scheduler_forwards_without_a_person_and_records_no_persons_action(
    hosted, german_hotline, django_capture_on_commit_callbacks
):
    referral = _forward(hosted, german_hotline, None, django_capture_on_commit_callbacks)

    assert referral.status == ReferralStatus.SENT and referral.sent_by is None
    assert not hosted.report.actions_taken.exists()
    event = AuditEvent.objects.get(action="referral.created")
    assert event.actor is None and event.actor_label == "routing"


def test_the_scheduler_cannot_forward_a_closed_report_either(hosted, german_hotline, analyst):
    actions.close(hosted.report, analyst, "done")
    with pytest.raises(actions.InvalidTransition):
        services.forward(hosted.report, german_hotline, None)
    assert not german_hotline.referrals.exists()


def test_the_partner_acknowledges_through_the_public_page_once(
    client, hosted, german_hotline, analyst, django_capture_on_commit_callbacks
):
    referral = _forward(hosted, german_hotline, analyst, django_capture_on_commit_callbacks)
    path = _link(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    path = "/" + path

    page = client.get(path)
    assert page.status_code == 200
    body = page.content.decode()
    assert hosted.report.reference in body and "eco Beschwerdestelle" in body
    assert "images.example.de" not in body and "Confirm receipt" in body

    assert client.post(path).status_code == 200
    referral.refresh_from_db()
    first = referral.acknowledged_at
    assert referral.status == ReferralStatus.ACKNOWLEDGED and first is not None
    assert referral.chase_at is None

    again = client.post(path)
    assert again.status_code == 200 and "was acknowledged on" in again.content.decode()
    referral.refresh_from_db()
    assert referral.acknowledged_at == first
    events = AuditEvent.objects.filter(action="referral.acknowledged", target_id=str(referral.pk))
    assert events.count() == 1
    assert events.get().actor_label == "eco Beschwerdestelle (acknowledgement link)"
    assert events.get().organisation_id == referral.organisation_id


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 43, "%00"])
def test_an_unknown_acknowledgement_link_gets_a_clear_page_and_no_information(
    client, hosted, german_hotline, analyst, django_capture_on_commit_callbacks, token
):
    _forward(hosted, german_hotline, analyst, django_capture_on_commit_callbacks)
    for response in (client.get(f"/routing/ack/{token}/"), client.post(f"/routing/ack/{token}/")):
        assert response.status_code == 404
        body = response.content.decode()
        assert "This link is not recognised" in body
        assert hosted.report.reference not in body
        assert "Beschwerdestelle" not in body
    assert not AuditEvent.objects.filter(action="referral.acknowledged").exists()


def test_acknowledge_refuses_an_unknown_token(db):
    with pytest.raises(services.UnknownLink):
        services.acknowledge("nope")


def test_a_closed_report_cannot_be_forwarded(hosted, german_hotline, analyst):
    actions.close(hosted.report, analyst, "done")
    with pytest.raises(actions.InvalidTransition):
        services.forward(hosted.report, german_hotline, analyst)
    assert not german_hotline.referrals.exists()


def test_forwarding_refuses_partners_without_a_channel_or_of_the_wrong_kind(
    hosted, german_hotline, police_unit, analyst
):
    with pytest.raises(actions.InvalidInput, match="hotline or online service"):
        services.forward(hosted.report, police_unit, analyst)
    with pytest.raises(actions.InvalidInput, match="police unit"):
        services.refer_to_police(hosted.report, german_hotline, analyst)
    german_hotline.email = ""
    german_hotline.save()
    with pytest.raises(actions.InvalidInput, match="no e-mail address or API"):
        services.forward(hosted.report, german_hotline, analyst)


def test_forwarding_refuses_addresses_of_another_report(
    hosted, german_hotline, analyst, other_organisation
):
    from haven.audit.services import Actor
    from haven.reports.intake import ReportInput, submit_report

    other = submit_report(
        other_organisation,
        "public",
        ReportInput("bullying", urls=["https://x.example/"]),
        Actor.public(),
    ).report
    with pytest.raises(actions.InvalidInput, match="addresses of this report"):
        services.forward(hosted.report, german_hotline, analyst, report_urls=[other.urls.get()])


def test_a_failed_email_is_recorded_with_its_reason_and_can_be_retried(
    hosted, german_hotline, analyst, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    referral = _forward(hosted, german_hotline, analyst, django_capture_on_commit_callbacks)
    assert referral.status == ReferralStatus.FAILED
    assert "could not be sent" in referral.error and referral.chase_at is None
    assert AuditEvent.objects.filter(action="referral.failed").exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.retry(referral, analyst)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and referral.error == ""
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="referral.retried").exists()
    with pytest.raises(actions.InvalidTransition):
        services.retry(referral, analyst)
