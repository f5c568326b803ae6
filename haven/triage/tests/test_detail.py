"""The report page: what it shows, what it audits, and the forms that act on it."""

import pytest
from django.urls import reverse

from conftest import verified_client
from haven.audit.models import AuditEvent
from haven.hashing import sealing
from haven.matching.models import BankEntry, HashBank, Match
from haven.reports.models import MediaItem, ReportUrl, Status
from haven.triage import actions
from haven.triage.models import ActionKind, ActionTaken, Note
from haven.triage.tests.support import add_image, make_report

REPORT_POSTS = ["contact", "claim", "classify", "note", "action", "close", "reopen"]


def detail_url(report, name="detail"):
    return reverse(f"triage:{name}", args=[report.reference])


def events(action):
    return AuditEvent.objects.filter(action=action)


def test_opening_a_report_is_audited(report, analyst, analyst_client):
    response = analyst_client.get(detail_url(report))
    assert response.status_code == 200
    event = events("report.viewed").get()
    assert event.actor == analyst and event.target_id == str(report.pk)
    assert event.ip_address == "127.0.0.1"


def test_addresses_are_plain_text_never_links(organisation, analyst_client):
    report = make_report(organisation)
    ReportUrl.objects.create(report=report, url="https://bad.example/x?a=1&b=<script>")
    html = analyst_client.get(detail_url(report)).content.decode()
    assert '<code class="url-text">https://bad.example/x?a=1&amp;b=&lt;script&gt;</code>' in html
    assert 'href="https://bad.example' not in html
    assert 'src="https://bad.example' not in html


def test_contact_is_hidden_until_asked_for_and_asking_is_audited(organisation, analyst_client):
    report = make_report(organisation, contact_sealed=sealing.seal(b"parent@example.net").decode())
    page = analyst_client.get(detail_url(report)).content.decode()
    assert "parent@example.net" not in page and "Show contact" in page
    assert not events("report.contact_viewed").exists()

    assert analyst_client.get(detail_url(report, "contact")).status_code == 405
    response = analyst_client.post(detail_url(report, "contact"))
    assert response.status_code == 200
    assert "parent@example.net" in response.content.decode()
    assert events("report.contact_viewed").get().target_id == str(report.pk)


def test_media_shows_hashes_match_and_banks(organisation, analyst_client):
    report = make_report(organisation)
    item, _ = add_image(report, 3, keep=False, match_label="Known material (A)")
    item.pdq, item.pdq_quality = "ab" * 32, 88
    item.save()
    bank = HashBank.objects.create(organisation=organisation, name="IWF list", classification="A")
    entry = BankEntry.objects.create(bank=bank, signal_type="md5", value=item.md5)
    Match.objects.create(item=item, entry=entry, signal_type="md5")
    html = analyst_client.get(detail_url(report)).content.decode()
    for text in (item.md5, item.sha256, item.pdq, "quality 88", "Known material (A)", "IWF list"):
        assert text in html
    assert "Matches known material:</strong> Known material (A)." in html


def test_hash_only_items_say_so_and_have_no_preview(organisation, analyst_client):
    report = make_report(organisation)
    item, _ = add_image(report, 4, keep=False)
    html = analyst_client.get(detail_url(report)).content.decode()
    assert "Hash-only:</strong> the file was not kept." in html
    assert reverse("triage:media_preview", args=[item.pk]) not in html
    assert "Reveal original" not in html


def test_kept_images_show_only_a_guarded_preview(organisation, analyst_client):
    report = make_report(organisation)
    item, _ = add_image(report, 5)
    html = analyst_client.get(detail_url(report)).content.decode()
    preview = reverse("triage:media_preview", args=[item.pk])
    assert f'<img class="media-guard" src="{preview}"' in html
    assert reverse("triage:media_original", args=[item.pk]) not in html
    assert "Reveal original" in html


def test_the_timeline_shows_who_did_what_and_when(report, analyst, supervisor, analyst_client):
    actions.claim(report, analyst)
    actions.add_note(report, "Looks like a repeat account.", analyst)
    actions.record_action(report, ActionKind.HOST_NOTICE, "Sent to ExampleHost", analyst)
    actions.close(report, supervisor, "Host removed it")
    timeline = analyst_client.get(detail_url(report)).context["timeline"]
    assert [(entry.what, entry.who) for entry in timeline] == [
        ("Report received", "Public form"),
        ("Claimed", "ana"),
        ("Note", "ana"),
        ("Notice sent to the host", "ana"),
        ("Closed", "sam"),
    ]
    assert timeline[-1].text == "Host removed it"


def test_the_timeline_names_classification_changes_in_words(report, analyst, analyst_client):
    from haven.classification.services import classify

    address = ReportUrl.objects.create(report=report, url="https://example.com/a")
    classify(report, target=address, labels={"interpol": "baseline"}, by=analyst)
    timeline = analyst_client.get(detail_url(report)).context["timeline"]
    assert (timeline[-1].what, timeline[-1].text) == (
        "Address https://example.com/a classified",
        "INTERPOL baseline — Baseline (illegal everywhere)",
    )


def test_the_claim_form_claims_and_comes_back_to_the_report(report, analyst, analyst_client):
    response = analyst_client.post(detail_url(report, "claim"))
    assert response.status_code == 302 and response.url == detail_url(report)
    report.refresh_from_db()
    assert report.assigned_to == analyst
    follow = analyst_client.get(response.url)
    assert "You have claimed this report." in follow.content.decode()


def test_forms_post_their_actions(report, analyst, analyst_client):
    posts = [
        ("classify", {"classify-category": "solicitation", "classify-severity": "high"}),
        ("note", {"note-text": "Checked the account."}),
        ("action", {"action-kind": "police", "action-detail": "Unit 4"}),
        ("close", {"close-reason": "Handed to police"}),
        ("reopen", {"reopen-reason": "Police asked for more"}),
    ]
    for name, data in posts:
        response = analyst_client.post(detail_url(report, name), data)
        assert response.status_code == 302, (name, response.content.decode()[:500])
    report.refresh_from_db()
    assert report.classified_category == "solicitation" and report.severity == "high"
    assert Note.objects.get().text == "Checked the account."
    assert ActionTaken.objects.get().detail == "Unit 4"
    assert report.status == Status.IN_REVIEW and report.first_action_at is not None


def test_a_refused_form_shows_an_error_summary_linked_to_the_field(report, analyst_client):
    response = analyst_client.post(
        detail_url(report, "action"), {"action-kind": "no_action", "action-detail": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_action-detail">Details: Say why no action is being taken.</a>' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Error: " in html
    assert not ActionTaken.objects.exists()


def test_a_missing_choice_links_to_the_first_radio_button(report, analyst_client):
    response = analyst_client.post(detail_url(report, "action"), {"action-detail": "x"})
    assert response.status_code == 400
    assert '<a href="#id_action-kind_0">Choose what was done.</a>' in response.content.decode()


def test_an_impossible_transition_is_explained(report, analyst, analyst_client):
    actions.close(report, analyst, "Done")
    response = analyst_client.post(detail_url(report, "close"), {"close-reason": "Again"})
    assert response.status_code == 400
    assert "This report is already closed." in response.content.decode()


def test_analysts_cannot_use_the_assign_form(report, supervisor, analyst_client):
    response = analyst_client.post(detail_url(report, "assign"), {"assign-assignee": "sam"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.assigned_to is None


def test_supervisors_assign_only_to_their_own_staff(report, analyst, outsider, supervisor_client):
    refused = supervisor_client.post(detail_url(report, "assign"), {"assign-assignee": "olly"})
    assert refused.status_code == 400
    assert "Choose a member of staff in your organisation." in refused.content.decode()
    done = supervisor_client.post(detail_url(report, "assign"), {"assign-assignee": "ana"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.assigned_to == analyst


@pytest.mark.parametrize("name", ["detail", *REPORT_POSTS])
def test_another_organisation_cannot_reach_the_report(report, outsider_client, name):
    response = (
        outsider_client.get(detail_url(report))
        if name == "detail"
        else outsider_client.post(detail_url(report, name), {})
    )
    assert response.status_code == 404
    assert not events("report.viewed").exists()


@pytest.mark.parametrize("name", [*REPORT_POSTS, "detail", "assign"])
def test_partner_services_are_refused_on_every_report_page(report, client, partner, name):
    partner_client = verified_client(client, partner)
    response = (
        partner_client.get(detail_url(report))
        if name == "detail"
        else partner_client.post(detail_url(report, name), {})
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == Status.RECEIVED and report.assigned_to is None


def test_a_rejected_file_says_why_and_that_it_was_not_kept(report, analyst_client):
    MediaItem.objects.create(
        report=report,
        kind="image",
        original_name="broken.jpg",
        status="rejected",
        rejection="truncated",
    )
    html = analyst_client.get(detail_url(report)).content.decode()
    assert "The file is damaged or incomplete." in html and "<code>truncated</code>" not in html
    assert "Not kept:</strong> the file could not be used." in html
    assert "Not checked: the file could not be used" in html and "No match" not in html


def test_claiming_a_taken_report_explains_who_has_it(report, supervisor, analyst_client):
    actions.claim(report, supervisor)
    response = analyst_client.post(detail_url(report, "claim"))
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#form-claim">This report is assigned to sam.' in html
    assert 'id="form-claim"' in html
