"""The directory pages, the report page's routing panel, and the evidence download."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.routing import services
from haven.routing.credentials import unseal_token
from haven.routing.models import Partner, PartnerKind, Referral, ReferralKind, ReferralStatus


@pytest.fixture(autouse=True)
def only_this_panel(monkeypatch):
    """The report page with the routing panel alone, so these tests do not depend on the
    panels other apps are building alongside."""
    from haven.routing.panel import KEY, panel
    from haven.triage import panels

    monkeypatch.setattr(panels, "_PANELS", {KEY: panel()})


PARTNER = {
    "kind": "hotline",
    "name": "Meldpunt Kinderporno",
    "country": "NL",
    "email": "meldpunt@example.nl",
    "language": "nl",
    "api_url": "https://haven.meldpunt.example",
    "api_token": "hvn_abc123_secret-token-value",
    "notes": "",
}


# --- The directory ----------------------------------------------------------------------


def test_analysts_see_the_directory_grouped_by_kind(
    analyst_client, german_hotline, police_unit, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        page = analyst_client.get("/routing/partners/")
    body = page.content.decode()
    assert page.status_code == 200
    assert body.index("Hotlines") < body.index("eco Beschwerdestelle") < body.index("Police units")
    assert body.index("Police units") < body.index("CEOP")
    assert "Germany" in body and "United Kingdom" in body
    assert "Add a partner" not in body and "/edit/" not in body


def test_the_directory_filters_by_country_and_kind(analyst_client, german_hotline, police_unit):
    body = analyst_client.get("/routing/partners/?country=DE").content.decode()
    assert "eco Beschwerdestelle" in body and "CEOP" not in body
    body = analyst_client.get("/routing/partners/?kind=police").content.decode()
    assert "eco Beschwerdestelle" not in body and "CEOP" in body


def test_a_supervisor_adds_a_partner_whose_token_is_sealed_and_never_shown_again(
    supervisor_client, organisation
):
    response = supervisor_client.post("/routing/partners/new/", PARTNER)
    assert response.status_code == 302
    partner = Partner.objects.get(name="Meldpunt Kinderporno")
    assert partner.organisation == organisation and partner.country == "NL"
    assert PARTNER["api_token"] not in partner.api_token_sealed
    assert unseal_token(partner.api_token_sealed) == PARTNER["api_token"]
    for url in ("/routing/partners/", f"/routing/partners/{partner.pk}/edit/"):
        assert PARTNER["api_token"] not in supervisor_client.get(url).content.decode()
    event = AuditEvent.objects.get(action="partner.created")
    assert PARTNER["api_token"] not in json.dumps(event.detail)


def test_editing_a_partner_keeps_its_token_unless_a_new_one_is_given_or_it_is_removed(
    supervisor_client, organisation
):
    supervisor_client.post("/routing/partners/new/", PARTNER)
    partner = Partner.objects.get()
    sealed = partner.api_token_sealed
    changed = {**PARTNER, "api_token": "", "name": "Meldpunt", "active": "on"}
    assert (
        supervisor_client.post(f"/routing/partners/{partner.pk}/edit/", changed).status_code == 302
    )
    partner.refresh_from_db()
    assert partner.name == "Meldpunt" and partner.api_token_sealed == sealed
    event = AuditEvent.objects.get(action="partner.changed")
    assert event.detail["changes"]["name"] == ["Meldpunt Kinderporno", "Meldpunt"]
    assert event.detail["token_changed"] is False

    cleared = {**changed, "api_url": "", "clear_token": "on"}
    assert (
        supervisor_client.post(f"/routing/partners/{partner.pk}/edit/", cleared).status_code == 302
    )
    partner.refresh_from_db()
    assert partner.api_token_sealed == "" and partner.api_url == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"country": "ZZ"}, '<a href="#id_country">Choose a country from the list.</a>'),
        ({"country": ""}, "Choose the country this hotline covers."),
        ({"email": "", "api_url": "", "api_token": ""}, "Give an e-mail address"),
        ({"api_token": ""}, "Give the API token"),
        (
            {"email": "meldpunt"},
            '<a href="#id_email">Enter an e-mail address such as abuse@example.net.</a>',
        ),
        ({"language": "Dutch!!"}, "Choose the partner&#x27;s language from the list."),
        ({"language": ""}, "Choose the language the partner works in."),
        ({"api_url": "http://haven.example"}, "Use an https:// address"),
        ({"api_url": "https://127.0.0.1:8443/"}, "Haven may not connect to 127.0.0.1 (loopback)"),
        ({"api_url": "https://haven.example:25/"}, "Haven does not connect to port 25"),
        ({"api_url": "https://me:pw@haven.example/"}, "Leave the user name and password out"),
    ],
)
def test_a_partner_with_bad_details_is_refused_beside_the_field(supervisor_client, change, message):
    response = supervisor_client.post("/routing/partners/new/", {**PARTNER, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Partner.objects.exists()


def test_every_error_in_the_summary_names_its_field(supervisor_client):
    bad = {**PARTNER, "kind": "", "name": "", "language": "xx!", "email": "nope"}
    response = supervisor_client.post("/routing/partners/new/", bad)
    html = response.content.decode()
    summary = html[html.index('class="error-summary"') :]
    summary = summary[: summary.index("</ul>")]
    assert '<a href="#id_kind">Choose what kind of partner this is.</a>' in summary
    assert '<a href="#id_name">Give the partner&#x27;s name.</a>' in summary
    assert "Language: Choose the partner&#x27;s language from the list." not in summary
    assert "Choose the partner&#x27;s language from the list." in summary
    assert '<a href="#id_email">Enter an e-mail address such as abuse@example.net.' in summary
    assert "This field is required." not in html


def test_languages_are_chosen_from_the_template_languages_and_iso_639_1(supervisor_client):
    page = supervisor_client.get("/routing/partners/new/").content.decode()
    assert '<optgroup label="Notice templates built in">' in page
    assert (
        '<option value="nl">Dutch</option>' in page
        and '<option value="it">Italian</option>' in page
    )
    response = supervisor_client.post("/routing/partners/new/", {**PARTNER, "language": "it"})
    assert response.status_code == 302
    assert Partner.objects.get().language == "it"


def test_a_second_active_hotline_for_a_country_needs_a_tick_and_the_first_keeps_the_forwards(
    supervisor_client, german_hotline
):
    second = {**PARTNER, "name": "FSM", "country": "DE", "api_url": "", "api_token": ""}
    response = supervisor_client.post("/routing/partners/new/", second)
    assert response.status_code == 400
    html = response.content.decode()
    assert "eco Beschwerdestelle is already an active hotline for Germany." in html
    assert "Keep two active hotlines for Germany" in html
    assert Partner.objects.count() == 1
    response = supervisor_client.post("/routing/partners/new/", {**second, "second_hotline": "on"})
    assert response.status_code == 302
    fsm = Partner.objects.get(name="FSM")
    listing = supervisor_client.get("/routing/partners/").content.decode()
    eco_row = listing[listing.index("eco Beschwerdestelle") :]
    assert "Receives the forwards for Germany" in eco_row[: eco_row.index("</tr>")]
    # Changing the second one later does not ask again; a police unit never asks.
    edit = {**second, "name": "FSM e.V.", "active": "on"}
    assert supervisor_client.post(f"/routing/partners/{fsm.pk}/edit/", edit).status_code == 302
    police = {**second, "kind": "police", "name": "BKA"}
    assert supervisor_client.post("/routing/partners/new/", police).status_code == 302


def test_the_directory_names_countries_the_same_way_as_every_other_page(
    analyst_client, organisation
):
    for code in ("VN", "BO", "XK"):
        Partner.objects.create(
            organisation=organisation,
            kind=PartnerKind.HOTLINE,
            name=code,
            country=code,
            email="x@y",
        )
    body = analyst_client.get("/routing/partners/").content.decode()
    assert "Vietnam" in body and "Bolivia" in body and "Kosovo" in body
    assert "Viet Nam" not in body and "Plurinational" not in body


def test_a_supervisor_deactivates_a_partner(supervisor_client, german_hotline):
    response = supervisor_client.post(f"/routing/partners/{german_hotline.pk}/deactivate/")
    assert response.status_code == 302
    german_hotline.refresh_from_db()
    assert german_hotline.active is False
    assert AuditEvent.objects.filter(action="partner.deactivated").count() == 1


def test_analysts_cannot_change_the_directory(analyst_client, german_hotline):
    assert analyst_client.get("/routing/partners/new/").status_code == 403
    assert analyst_client.post("/routing/partners/new/", PARTNER).status_code == 403
    edit = f"/routing/partners/{german_hotline.pk}/edit/"
    assert analyst_client.post(edit, {**PARTNER, "name": "x"}).status_code == 403
    deactivate = f"/routing/partners/{german_hotline.pk}/deactivate/"
    assert analyst_client.post(deactivate).status_code == 403
    german_hotline.refresh_from_db()
    assert german_hotline.active and german_hotline.name == "eco Beschwerdestelle"
    assert Partner.objects.count() == 1


def test_partner_services_and_anonymous_visitors_see_no_directory(client, partner, german_hotline):
    assert client.get("/routing/partners/").status_code == 302  # to sign in
    from conftest import verified_client

    partner_client = verified_client(client, partner)
    assert partner_client.get("/routing/partners/").status_code == 403


# --- The report panel -------------------------------------------------------------------


def _page(client, report) -> str:
    page = client.get(f"/triage/{report.reference}/")
    assert page.status_code == 200
    return page.content.decode()


def test_the_report_page_suggests_the_hotline_of_the_hosting_country(
    analyst_client, hosted, german_hotline, police_unit
):
    body = _page(analyst_client, hosted.report)
    assert "Forwarding and police" in body
    assert "Hosted in Germany" in body and "forward to eco Beschwerdestelle" in body
    assert "Hosted in United Kingdom" not in body  # the organisation's own country
    assert "Forward to eco Beschwerdestelle</button>" in body
    assert "Download the evidence package (JSON)" in body
    # The police form lists police units only, the forward form hotlines only.
    police_form = body[body.index('id="form-routing-police"') :]
    police_form = police_form[: police_form.index("</form>")]
    assert "CEOP" in police_form and "eco Beschwerdestelle" not in police_form


def test_the_report_page_says_when_no_hotline_covers_the_hosting_country(analyst_client, hosted):
    body = _page(analyst_client, hosted.report)
    assert "no partner hotline for Germany" in body


def test_the_suggested_forward_sends_only_the_addresses_hosted_there(
    analyst_client, hosted, german_hotline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(
            f"/routing/reports/{hosted.report.reference}/forward/",
            {"forward-partner": german_hotline.pk, "forward-urls": [hosted.abroad.pk]},
        )
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/triage/{hosted.report.reference}/?panel=routing#panel-routing"
    )
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT
    assert [entry["url"] for entry in referral.evidence["urls"]] == [hosted.abroad.url]
    body = analyst_client.get(response["Location"]).content.decode()
    # The e-mail goes after the request's transaction commits (here: when the capture
    # ends), so the message says it is on its way.
    assert "Sending to eco Beschwerdestelle" in body
    assert "Not acknowledged for 0 h" in body
    assert "Already forwarded to eco Beschwerdestelle on <time" in body
    assert "Forward to eco Beschwerdestelle</button>" not in body


def test_no_forward_is_suggested_to_a_hotline_the_takedown_already_escalated_to(
    analyst_client, hosted, german_hotline
):
    Referral.objects.create(
        organisation=hosted.report.organisation,
        report=hosted.report,
        partner=german_hotline,
        kind=ReferralKind.ESCALATION,
        channel="email",
        status=ReferralStatus.ACKNOWLEDGED,
        evidence={"urls": [{"url": hosted.abroad.url}]},
        acknowledged_at=timezone.now(),
    )
    body = _page(analyst_client, hosted.report)
    assert "Already sent to eco Beschwerdestelle by the takedown's escalation on <time" in body
    assert ", acknowledged <time" in body
    assert "Forward to eco Beschwerdestelle</button>" not in body
    assert "Forward the other" not in body


def test_a_failed_referral_does_not_count_and_an_address_left_out_is_offered(
    analyst_client, hosted, german_hotline
):
    Referral.objects.create(
        organisation=hosted.report.organisation,
        report=hosted.report,
        partner=german_hotline,
        kind=ReferralKind.FORWARD,
        channel="email",
        status=ReferralStatus.FAILED,
        evidence={"urls": [{"url": hosted.abroad.url}]},
    )
    assert "Forward to eco Beschwerdestelle</button>" in _page(analyst_client, hosted.report)
    Referral.objects.update(status=ReferralStatus.SENT, evidence={"urls": []})
    body = _page(analyst_client, hosted.report)
    assert "Already forwarded to eco Beschwerdestelle on" in body
    assert "Forward the other 1 address to eco Beschwerdestelle</button>" in body


def test_a_forward_without_a_partner_is_shown_again_with_the_error(analyst_client, hosted):
    response = analyst_client.post(
        f"/routing/reports/{hosted.report.reference}/forward/",
        {"forward-urls": [hosted.abroad.pk]},
    )
    assert response.status_code == 400
    assert "Choose a partner" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_police_referral_from_the_report_page(
    analyst_client, hosted, police_unit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(
            f"/routing/reports/{hosted.report.reference}/police/",
            {"police-partner": police_unit.pk},
        )
    assert response.status_code == 302
    assert Referral.objects.get().partner == police_unit
    assert mail.outbox[0].subject.startswith("Police referral ")


def test_a_referral_waiting_longer_than_a_day_shows_in_red(
    analyst_client, hosted, german_hotline, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.forward(hosted.report, german_hotline, analyst)
    # Moved back rather than the clock forward: the analyst's session would expire.
    Referral.objects.update(sent_at=timezone.now() - timedelta(hours=30, minutes=5))
    body = _page(analyst_client, hosted.report)
    assert '<span class="tag overdue">Not acknowledged for 30 h</span>' in body


def test_staff_mark_a_referral_acknowledged_with_a_note(
    analyst_client, hosted, police_unit, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.refer_to_police(hosted.report, police_unit, analyst)
    url = f"/routing/referrals/{referral.pk}/acknowledged/"
    assert analyst_client.post(url, {f"ack-{referral.pk}-note": ""}).status_code == 400
    response = analyst_client.post(url, {f"ack-{referral.pk}-note": "Phoned DC Smith, 10:15"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACKNOWLEDGED
    assert referral.acknowledged_by == analyst
    assert referral.acknowledgement_note == "Phoned DC Smith, 10:15"
    event = AuditEvent.objects.get(action="referral.acknowledged")
    assert event.actor == analyst and "DC Smith" not in json.dumps(event.detail)
    assert "Phoned DC Smith" in _page(analyst_client, hosted.report)
    again = analyst_client.post(url, {f"ack-{referral.pk}-note": "again"})
    assert again.status_code == 400 and "Already acknowledged" in again.content.decode()


def test_a_failed_referral_shows_its_reason_and_a_retry_button(
    analyst_client, hosted, german_hotline, analyst, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.forward(hosted.report, german_hotline, analyst)
    body = _page(analyst_client, hosted.report)
    assert "Could not be sent" in body and "Retry sending to eco Beschwerdestelle" in body
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(f"/routing/referrals/{referral.pk}/retry/")
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_the_evidence_package_downloads_as_json_and_is_audited(analyst_client, hosted, analyst):
    response = analyst_client.get(f"/routing/reports/{hosted.report.reference}/evidence.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert f"haven-evidence-{hosted.report.reference}.json" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content)["report"]["reference"] == hosted.report.reference
    event = AuditEvent.objects.get(action="report.evidence_downloaded")
    assert event.actor == analyst and event.target_id == str(hosted.report.pk)


def test_a_closed_report_shows_its_referrals_but_no_forms(
    analyst_client, hosted, german_hotline, analyst
):
    from haven.triage import actions

    actions.close(hosted.report, analyst, "done")
    body = _page(analyst_client, hosted.report)
    assert 'id="form-routing-forward"' not in body
    assert "Forward to eco Beschwerdestelle</button>" not in body
    assert "Download the evidence package" in body


def test_partner_kinds_on_the_page_are_named(analyst_client, organisation):
    Partner.objects.create(
        organisation=organisation, kind=PartnerKind.REGISTRAR, name="Reg", email="r@x"
    )
    assert "Registrars" in analyst_client.get("/routing/partners/").content.decode()
