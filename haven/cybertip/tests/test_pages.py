"""The report page's NCMEC CyberTipline panel, its forms, the XML download, and who may
use them (another organisation's staff get 404 on every id of ours)."""

import pytest
from django.urls import reverse

from conftest import verified_client
from haven.audit.models import AuditEvent
from haven.cybertip import services, xml
from haven.cybertip.models import CyberTip, TipState
from haven.hashing import sealing
from haven.reports.models import Category
from haven.triage.tests.support import make_report

PANEL = "?panel=cybertip#panel-cybertip"


def detail(report) -> str:
    return reverse("triage:detail", args=[report.reference])


def page(client, report) -> str:
    response = client.get(detail(report))
    assert response.status_code == 200
    return response.content.decode()


def prepare_data(**fields) -> dict:
    data = {"cybertip-incident_type": xml.CHILD_PORNOGRAPHY, "cybertip-include_description": "on"}
    return data | fields


@pytest.fixture
def draft(case, analyst):
    return services.prepare(case, analyst)


def test_the_panel_offers_to_prepare_and_says_how_to_set_up_sending(case, analyst_client):
    html = page(analyst_client, case)
    assert 'id="panel-cybertip"' in html and "NCMEC CyberTipline" in html
    assert "This case has not been reported to NCMEC." in html
    assert 'id="form-cybertip-prepare"' in html
    assert f'<option value="{xml.CHILD_PORNOGRAPHY}" selected>' in html
    assert "cybertip-include_contact" not in html  # no contact was left


def test_an_analyst_prepares_a_report_and_downloads_it(case, analyst_client):
    response = analyst_client.post(
        reverse("cybertip:prepare", args=[case.reference]), prepare_data()
    )
    assert response.status_code == 302 and response["Location"] == detail(case) + PANEL
    tip = CyberTip.objects.get()
    assert tip.state == TipState.DRAFT
    html = page(analyst_client, case)
    assert "Built, not sent" in html and reverse("cybertip:download", args=[tip.pk]) in html
    assert "A supervisor sends, finishes or retracts reports to NCMEC." in html
    assert "form-cybertip-send" not in html

    download = analyst_client.get(reverse("cybertip:download", args=[tip.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/xml; charset=utf-8"
    assert (
        download["Content-Disposition"]
        == f'attachment; filename="cybertip-{case.reference}-{tip.pk}.xml"'
    )
    assert download["Cache-Control"] == "no-store"
    assert xml.validate(download.content) == []
    assert AuditEvent.objects.filter(action="cybertip.downloaded", target_id=str(tip.pk)).exists()


def test_the_contact_is_offered_unticked_and_sent_only_when_ticked(case, analyst_client):
    case.contact_sealed = sealing.seal(b"+44 7700 900123").decode()
    case.save()
    html = page(analyst_client, case)
    assert 'name="cybertip-include_contact"' in html
    assert 'name="cybertip-include_contact" id="id_cybertip-include_contact" checked' not in html
    analyst_client.post(reverse("cybertip:prepare", args=[case.reference]), prepare_data())
    assert "+44 7700 900123" not in services.tip_xml(CyberTip.objects.get())
    analyst_client.post(
        reverse("cybertip:prepare", args=[case.reference]),
        prepare_data(**{"cybertip-include_contact": "on"}),
    )
    assert "+44 7700 900123" in services.tip_xml(CyberTip.objects.get())


def test_a_case_outside_ncmecs_remit_shows_the_form_again_with_the_error(
    organisation, analyst_client
):
    bullying = make_report(organisation, category=Category.BULLYING)
    html = page(analyst_client, bullying)
    assert '<option value="" selected>Choose…</option>' in html
    response = analyst_client.post(
        reverse("cybertip:prepare", args=[bullying.reference]), {"cybertip-incident_type": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "<title>Error: " in body and "Choose the incident type." in body
    assert 'href="#id_cybertip-incident_type"' in body
    assert not CyberTip.objects.exists()


def test_schema_errors_are_listed_line_by_line(case, analyst_client, monkeypatch):
    monkeypatch.setattr(xml, "build", lambda *args, **kwargs: "<report>\n<reporter/></report>")
    response = analyst_client.post(
        reverse("cybertip:prepare", args=[case.reference]), prepare_data()
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "What NCMEC's schema refuses" in body and "<code>2: " in body


def test_analysts_cannot_send_finish_or_retract(draft, analyst_client):
    for name in ("send", "finish", "retract"):
        response = analyst_client.post(reverse(f"cybertip:{name}", args=[draft.pk]), {})
        assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.state == TipState.DRAFT


def test_without_settings_the_panel_says_how_to_configure_sending(draft, supervisor_client):
    html = page(supervisor_client, draft.report)
    assert "Sending is not set up" in html and "HAVEN_NCMEC_API_URL" in html
    assert "form-cybertip-send" not in html
    assert "Discard the draft" in html
    response = supervisor_client.post(reverse("cybertip:send", args=[draft.pk]), {}, follow=True)
    assert "Sending to NCMEC is not set up." in response.content.decode()


def test_a_supervisor_sends_finishes_and_sees_the_ncmec_report_id(
    ncmec_settings, ncmec, draft, supervisor_client
):
    html = page(supervisor_client, draft.report)
    assert 'id="form-cybertip-send"' in html
    response = supervisor_client.post(reverse("cybertip:send", args=[draft.pk]), {}, follow=True)
    body = response.content.decode()
    assert "NCMEC opened report 4564654." in body
    assert "Opened at NCMEC" in body and "<code>4564654</code>" in body
    assert "Finish by" in body and 'id="form-cybertip-finish"' in body
    response = supervisor_client.post(reverse("cybertip:finish", args=[draft.pk]), follow=True)
    assert "Report 4564654 is submitted to NCMEC." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == TipState.FINISHED
    html = page(supervisor_client, draft.report)
    assert "was reported to NCMEC as report 4564654" in html and "form-cybertip-prepare" not in html


def test_a_failure_is_shown_with_what_went_wrong_and_a_way_to_try_again(
    ncmec_settings, ncmec, draft, supervisor_client
):
    ncmec.fail(status=500)
    response = supervisor_client.post(reverse("cybertip:send", args=[draft.pk]), {}, follow=True)
    body = response.content.decode()
    assert "NCMEC answered HTTP 500." in body and "Nothing was lost" in body
    assert "What went wrong" in body and "Send to NCMEC again" in body
    supervisor_client.post(reverse("cybertip:send", args=[draft.pk]), {})
    draft.refresh_from_db()
    assert draft.state == TipState.OPEN


def test_retracting_needs_a_reason(ncmec_settings, ncmec, draft, supervisor, supervisor_client):
    services.send(draft, supervisor)
    url = reverse("cybertip:retract", args=[draft.pk])
    response = supervisor_client.post(url, {"cybertip-retract-reason": ""})
    assert response.status_code == 400
    assert "Reason: Say why: it is kept with the report." in response.content.decode()
    response = supervisor_client.post(url, {"cybertip-retract-reason": "Duplicate"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == TipState.RETRACTED and draft.retract_reason == "Duplicate"
    assert "Earlier reports" not in page(supervisor_client, draft.report)


def test_a_refused_retraction_is_shown_beside_the_reason(
    ncmec_settings, ncmec, draft, supervisor, supervisor_client
):
    services.finish(services.send(draft, supervisor), supervisor)
    response = supervisor_client.post(
        reverse("cybertip:retract", args=[draft.pk]), {"cybertip-retract-reason": "Oops"}
    )
    assert response.status_code == 400
    assert "does not let a finished report be retracted" in response.content.decode()


def test_the_connection_can_be_checked(ncmec_settings, ncmec, case, supervisor_client):
    url = reverse("cybertip:check_connection", args=[case.reference])
    body = supervisor_client.post(url, follow=True).content.decode()
    assert "NCMEC answered: Remote User : usr123, Remote Ip : 127.0.0.1" in body
    ncmec_settings.NCMEC_PASSWORD = "wrong"
    body = supervisor_client.post(url, follow=True).content.decode()
    assert "The connection to NCMEC failed: NCMEC refused the username or password" in body


def test_partners_get_nothing(draft, client, partner):
    partner_client = verified_client(client, partner)
    assert partner_client.get(reverse("cybertip:download", args=[draft.pk])).status_code == 403
    response = partner_client.post(reverse("cybertip:prepare", args=[draft.report.reference]))
    assert response.status_code == 403


def test_another_organisation_gets_404_on_every_id_and_changes_nothing(
    ncmec_settings, ncmec, draft, outsider_client
):
    reference = draft.report.reference
    assert outsider_client.get(reverse("cybertip:download", args=[draft.pk])).status_code == 404
    for name, args, data in (
        ("prepare", [reference], prepare_data()),
        ("check_connection", [reference], {}),
        ("send", [draft.pk], {}),
        ("finish", [draft.pk], {}),
        ("retract", [draft.pk], {"cybertip-retract-reason": "Mine now"}),
    ):
        response = outsider_client.post(reverse(f"cybertip:{name}", args=args), data)
        assert response.status_code == 404, name
    draft.refresh_from_db()
    assert draft.state == TipState.DRAFT and CyberTip.objects.count() == 1
    assert not ncmec.requests
    assert not AuditEvent.objects.filter(action="cybertip.downloaded").exists()


def test_a_report_being_sent_offers_no_buttons_until_it_is_done_or_interrupted(
    ncmec_settings, draft, supervisor_client, clock
):
    CyberTip.objects.filter(pk=draft.pk).update(
        state=TipState.BUSY, attempt="send", busy_since=clock.now
    )
    html = page(supervisor_client, draft.report)
    assert "Haven is talking to NCMEC about this report right now." in html
    assert "form-cybertip-send" not in html and "form-cybertip-prepare" not in html
    clock.advance(hours=2)
    html = page(supervisor_client, draft.report)
    assert "Interrupted: try again" in html and 'id="form-cybertip-send"' in html


def test_a_report_that_joined_a_case_points_to_that_case(case, organisation, analyst_client):
    joined = make_report(organisation, category=Category.SEXUAL_IMAGERY, duplicate_of=case)
    html = page(analyst_client, joined)
    assert f"This report joined case {case.reference}" in html
    assert "form-cybertip-prepare" not in html
