"""Preparing, sending, finishing and retracting: states, audit rows, failures and retries."""

import pytest
from django.core.exceptions import PermissionDenied
from lxml import etree

from haven.audit.models import AuditEvent
from haven.cybertip import services, states, xml
from haven.cybertip.models import CyberTip, TipAction, TipState
from haven.cybertip.tests import fake_ncmec
from haven.hashing import sealing
from haven.reports.models import Category
from haven.triage.actions import InvalidInput, InvalidTransition
from haven.triage.tests.support import add_image, make_report


def audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


@pytest.fixture
def draft(case, analyst):
    return services.prepare(case, analyst)


@pytest.fixture
def retained(case):
    case.organisation.evidence_retention = True
    case.organisation.save()
    return case


def test_preparing_builds_a_valid_draft_and_audits_it(case, analyst):
    tip = services.prepare(case, analyst)
    assert tip.state == TipState.DRAFT and tip.organisation == case.organisation
    assert xml.validate(tip.xml) == [] and not tip.contact_included
    (event,) = audit("cybertip.prepared")
    assert event.actor == analyst and event.target_id == str(tip.pk)
    assert event.detail == {
        "reference": case.reference,
        "incident_type": xml.CHILD_PORNOGRAPHY,
        "description_included": True,
        "contact_included": False,
    }


def test_preparing_again_replaces_the_draft_that_was_not_sent(case, analyst, draft):
    again = services.prepare(case, analyst, incident_type="Child Sex Trafficking")
    assert again.pk == draft.pk and CyberTip.objects.count() == 1
    assert "<incidentType>Child Sex Trafficking</incidentType>" in again.xml


def test_a_case_outside_ncmecs_remit_needs_an_incident_type(organisation, analyst):
    bullying = make_report(organisation, category=Category.BULLYING)
    with pytest.raises(InvalidInput) as refused:
        services.prepare(bullying, analyst)
    assert refused.value.field == "incident_type"
    with pytest.raises(InvalidInput):
        services.prepare(bullying, analyst, incident_type="Cyberbullying")
    tip = services.prepare(bullying, analyst, incident_type="Child Sexual Molestation")
    assert tip.state == TipState.DRAFT


def test_a_document_the_schema_refuses_is_not_kept(case, analyst, monkeypatch):
    monkeypatch.setattr(xml, "build", lambda *args, **kwargs: "<report><reporter/></report>")
    with pytest.raises(services.InvalidReport) as refused:
        services.prepare(case, analyst)
    assert refused.value.errors and all(e.split(":")[0].isdigit() for e in refused.value.errors)
    assert not CyberTip.objects.exists() and not audit("cybertip.prepared")


def test_the_contact_is_shared_only_when_asked_and_kept_sealed(case, analyst):
    case.contact_sealed = sealing.seal(b"parent@example.com").decode()
    case.save()
    plain = services.prepare(case, analyst)
    assert "parent@example.com" not in plain.xml
    shared = services.prepare(case, analyst, include_contact=True)
    assert shared.contact_included and "parent@example.com" not in shared.xml
    assert "parent@example.com" in services.tip_xml(shared)
    assert xml.validate(services.tip_xml(shared)) == []
    text = services.download(shared, analyst)
    assert "parent@example.com" in text
    assert audit("cybertip.downloaded")[0].detail["contact_included"] is True


def test_asking_for_a_contact_that_is_not_there_is_refused(case, analyst):
    with pytest.raises(InvalidInput) as refused:
        services.prepare(case, analyst, include_contact=True)
    assert refused.value.field == "include_contact"


def test_sending_opens_the_report_at_ncmec(ncmec_settings, ncmec, draft, supervisor):
    tip = services.send(draft, supervisor)
    assert tip.state == TipState.OPEN and tip.attempt == "" and tip.error == ""
    assert tip.ncmec_report_id == str(fake_ncmec.FIRST_REPORT_ID) and tip.opened_at
    assert ncmec.reports[fake_ncmec.FIRST_REPORT_ID].xml == draft.xml
    (event,) = audit("cybertip.sent")
    assert event.actor == supervisor
    assert event.detail["ncmec_report_id"] == tip.ncmec_report_id


def test_without_retention_no_file_is_uploaded(ncmec_settings, ncmec, case, analyst, supervisor):
    add_image(case, 1, keep=False)
    tip = services.send(services.prepare(case, analyst), supervisor)
    assert tip.files == {} and ncmec.paths() == ["/ispws/submit"]
    assert "image-1.jpg" in ncmec.reports[int(tip.ncmec_report_id)].xml


def test_with_retention_each_kept_file_is_uploaded_with_its_details(
    ncmec_settings, ncmec, retained, analyst, supervisor
):
    first, jpeg = add_image(retained, 1)
    second, _ = add_image(retained, 2)
    add_image(retained, 3, keep=False)  # hashed but not kept: described by hash only
    tip = services.send(services.prepare(retained, analyst), supervisor)
    stored = ncmec.reports[int(tip.ncmec_report_id)]
    assert len(stored.files) == 2 and stored.files[0].data == jpeg
    assert stored.files[0].name == f"{retained.reference}-{first.pk}.jpg"
    assert tip.files == {
        str(first.pk): {"file_id": stored.files[0].file_id, "details": True},
        str(second.pk): {"file_id": stored.files[1].file_id, "details": True},
    }
    details = etree.fromstring(stored.files[0].details.encode())
    assert details.findtext("originalFileName") == "image-1.jpg"
    assert details.findtext("reportId") == tip.ncmec_report_id


def test_a_supervisor_may_send_without_the_files(
    ncmec_settings, ncmec, retained, analyst, supervisor
):
    add_image(retained, 1)
    tip = services.send(services.prepare(retained, analyst), supervisor, upload_files=False)
    assert tip.state == TipState.OPEN and tip.files == {}


def test_finishing_completes_the_submission(ncmec_settings, ncmec, draft, supervisor):
    tip = services.finish(services.send(draft, supervisor), supervisor)
    assert tip.state == TipState.FINISHED and tip.finished_at
    assert ncmec.reports[int(tip.ncmec_report_id)].state == "finished"
    assert audit("cybertip.finished")[0].detail["ncmec_files"] == []


def test_an_open_report_is_retracted_at_ncmec_with_a_reason(
    ncmec_settings, ncmec, draft, supervisor
):
    tip = services.send(draft, supervisor)
    with pytest.raises(InvalidInput):
        services.retract(tip, supervisor, "  ")
    tip = services.retract(tip, supervisor, "Sent for the wrong case")
    assert tip.state == TipState.RETRACTED and tip.retract_reason == "Sent for the wrong case"
    assert ncmec.reports[int(tip.ncmec_report_id)].state == "retracted"
    assert audit("cybertip.retracted")[0].detail["at_ncmec"] is True


def test_a_draft_is_discarded_without_asking_ncmec(ncmec, draft, supervisor):
    tip = services.retract(draft, supervisor, "Not for NCMEC after all")
    assert tip.state == TipState.RETRACTED and not ncmec.requests
    assert audit("cybertip.retracted")[0].detail["at_ncmec"] is False


def test_a_finished_report_cannot_be_retracted(ncmec_settings, ncmec, draft, supervisor):
    tip = services.finish(services.send(draft, supervisor), supervisor)
    with pytest.raises(InvalidTransition, match="does not let a finished report be retracted"):
        services.retract(tip, supervisor, "Too late")
    assert ncmec.paths() == ["/ispws/submit", "/ispws/finish"]


def test_a_failure_is_recorded_and_a_retry_opens_one_report_only(
    ncmec_settings, ncmec, draft, supervisor
):
    ncmec.fail(status=502)
    with pytest.raises(services.SendFailed, match="NCMEC answered HTTP 502"):
        services.send(draft, supervisor)
    draft.refresh_from_db()
    assert draft.state == TipState.FAILED and draft.attempt == TipAction.SEND
    assert draft.error.startswith("NCMEC answered HTTP 502.")
    failed = audit("cybertip.failed")[0]
    assert failed.detail["attempt"] == "send" and failed.detail["error"] == draft.error
    tip = services.send(draft, supervisor)
    assert tip.state == TipState.OPEN and tip.error == "" and len(ncmec.reports) == 1


def test_a_retry_carries_on_where_the_upload_stopped(
    ncmec_settings, ncmec, retained, analyst, supervisor
):
    add_image(retained, 1)
    tip = services.prepare(retained, analyst)
    ncmec.fail(status=500, path="/fileinfo")
    with pytest.raises(services.SendFailed):
        services.send(tip, supervisor)
    tip.refresh_from_db()
    assert tip.state == TipState.FAILED and tip.ncmec_report_id
    (progress,) = tip.files.values()
    assert progress["details"] is False
    with pytest.raises(InvalidTransition, match="send the report again"):
        services.finish(tip, supervisor)
    tip = services.send(tip, supervisor)
    assert tip.state == TipState.OPEN
    assert ncmec.paths() == [
        "/ispws/submit",
        "/ispws/upload",
        "/ispws/fileinfo",
        "/ispws/fileinfo",
    ]
    stored = ncmec.reports[int(tip.ncmec_report_id)]
    assert len(stored.files) == 1 and stored.files[0].details


def test_a_failed_finish_can_be_tried_again(ncmec_settings, ncmec, draft, supervisor):
    tip = services.send(draft, supervisor)
    ncmec.fail(hang=True)
    ncmec_settings.NCMEC_TIMEOUT_SECONDS = 0.3
    with pytest.raises(services.SendFailed, match=r"did not answer within 0\.3 seconds"):
        services.finish(tip, supervisor)
    tip.refresh_from_db()
    assert tip.state == TipState.FAILED and tip.attempt == TipAction.FINISH
    assert services.finish(tip, supervisor).state == TipState.FINISHED


def test_wrong_credentials_leave_the_draft_failed_with_the_reason(
    ncmec_settings, ncmec, draft, supervisor
):
    ncmec_settings.NCMEC_PASSWORD = "expired"
    with pytest.raises(services.SendFailed, match="refused the username or password"):
        services.send(draft, supervisor)
    draft.refresh_from_db()
    assert draft.state == TipState.FAILED and not draft.ncmec_report_id


def test_an_unexpected_error_does_not_leave_the_tip_busy(
    ncmec_settings, draft, supervisor, monkeypatch
):
    def broken(self, text):
        raise RuntimeError("bug")

    monkeypatch.setattr("haven.cybertip.client.CyberTiplineClient.submit", broken)
    with pytest.raises(RuntimeError):
        services.send(draft, supervisor)
    draft.refresh_from_db()
    assert draft.state == TipState.FAILED and "RuntimeError" in draft.error


def test_only_supervisors_send_finish_and_retract(ncmec_settings, ncmec, draft, analyst, outsider):
    for user in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            services.send(draft, user)
        with pytest.raises(PermissionDenied):
            services.finish(draft, user)
        with pytest.raises(PermissionDenied):
            services.retract(draft, user, "No")
    with pytest.raises(PermissionDenied):
        services.prepare(draft.report, outsider)
    with pytest.raises(PermissionDenied):
        services.download(draft, outsider)
    assert not ncmec.requests


def test_sending_needs_the_operators_endpoint_and_credentials(draft, supervisor):
    with pytest.raises(InvalidTransition, match="HAVEN_NCMEC_API_URL"):
        services.send(draft, supervisor)
    draft.refresh_from_db()
    assert draft.state == TipState.DRAFT


def test_the_endpoint_must_be_https(settings, draft, supervisor):
    settings.NCMEC_API_URL, settings.NCMEC_USERNAME = "http://report.cybertip.org/ispws", "u"
    with pytest.raises(InvalidTransition, match="https://"):
        services.send(draft, supervisor)


def test_a_report_is_sent_once_even_when_two_supervisors_press_send(
    ncmec_settings, ncmec, draft, supervisor, clock
):
    CyberTip.objects.filter(pk=draft.pk).update(
        state=TipState.BUSY, attempt=TipAction.SEND, busy_since=clock.now
    )
    with pytest.raises(InvalidTransition, match="talking to NCMEC"):
        services.send(draft, supervisor)
    # A claim left by a process that died is taken over after an hour.
    clock.advance(hours=2)
    assert services.send(draft, supervisor).state == TipState.OPEN
    assert len(ncmec.reports) == 1


def test_a_case_is_reported_once_unless_retracted(ncmec_settings, ncmec, case, analyst, supervisor):
    tip = services.send(services.prepare(case, analyst), supervisor)
    with pytest.raises(InvalidTransition, match="still open"):
        services.prepare(case, analyst)
    services.retract(tip, supervisor, "Wrong incident type")
    second = services.prepare(case, analyst, incident_type="Child Sex Trafficking")
    assert second.pk != tip.pk
    services.finish(services.send(second, supervisor), supervisor)
    with pytest.raises(InvalidTransition, match="was reported to NCMEC as report"):
        services.prepare(case, analyst)


def test_an_open_report_not_finished_in_a_day_is_gone(
    ncmec_settings, ncmec, case, analyst, supervisor, clock
):
    tip = services.send(services.prepare(case, analyst), supervisor)
    clock.advance(hours=24, minutes=30)
    assert not states.expired(tip)
    assert states.actions_for(tip, supervisor) == ["finish", "retract"]
    clock.advance(hours=1)
    assert states.expired(tip)
    with pytest.raises(InvalidTransition, match="is gone"):
        services.finish(tip, supervisor)
    assert services.prepare(case, analyst).pk != tip.pk


def test_missing_evidence_leaves_the_file_described_by_its_hashes(
    ncmec_settings, ncmec, retained, analyst, supervisor
):
    item, _ = add_image(retained, 1)
    sealing.evidence_store().delete(item.evidence_name)
    tip = services.send(services.prepare(retained, analyst), supervisor)
    assert tip.state == TipState.OPEN and tip.files == {}
    assert audit("cybertip.sent")[0].detail["files_missing"] == [item.pk]


def test_the_actions_offered_follow_the_state(ncmec_settings, ncmec, draft, analyst, supervisor):
    assert states.actions_for(draft, analyst) == []
    assert states.actions_for(draft, supervisor) == ["send", "retract"]
    tip = services.send(draft, supervisor)
    assert states.actions_for(tip, supervisor) == ["finish", "retract"]
    tip = services.finish(tip, supervisor)
    assert states.actions_for(tip, supervisor) == []


def test_a_report_that_joined_a_case_is_reported_with_that_case(case, organisation, analyst):
    joined = make_report(organisation, category=Category.SEXUAL_IMAGERY, duplicate_of=case)
    with pytest.raises(InvalidTransition, match=f"joined case {case.reference}"):
        services.prepare(joined, analyst)
    assert services.prepare_refusal(joined, None).startswith("This report joined case")
