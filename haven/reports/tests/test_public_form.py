import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from haven.accounts.models import Organisation
from haven.audit.models import AuditEvent
from haven.demo.synthetic import synthetic_jpeg, synthetic_mp4_header, synthetic_png
from haven.hashing.media import rejection_message
from haven.reports.intake import unseal_contact
from haven.reports.models import MediaStatus, Report, Source, Urgency
from haven.reports.references import pin_matches
from haven.reports.views import SENT_KEY

REPORT_URL = reverse("reports:report")
SENT_URL = reverse("reports:sent")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def send(client, files=(), **fields):
    data = {"category": "sexual_imagery", "description": "Seen in a group chat."} | fields
    if files:
        data["uploads"] = list(files)
    return client.post(REPORT_URL, data)


def shown_pin(html: str) -> str:
    match = re.search(r'class="big-number">(\d{6})<', html)
    assert match, "the confirmation page shows a six-digit PIN"
    return match.group(1)


class Page(HTMLParser):
    """The parts of a page the accessibility checks look at."""

    def __init__(self, html: str):
        super().__init__()
        self.html_lang = ""
        self.ids: set[str] = set()
        self.label_targets: set[str] = set()
        self.controls: list[dict] = []
        self.summary_links: list[str] = []
        self._in_summary = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "html":
            self.html_lang = attributes.get("lang", "")
        if tag == "label" and "for" in attributes:
            self.label_targets.add(attributes["for"])
        if tag in {"input", "textarea", "select"} and attributes.get("type") != "hidden":
            self.controls.append(attributes)
        if tag == "div" and "error-summary" in attributes.get("class", ""):
            self._in_summary = True
        if tag == "a" and self._in_summary:
            self.summary_links.append(attributes["href"])

    def handle_endtag(self, tag):
        if tag == "div":
            self._in_summary = False


@pytest.mark.parametrize(
    ("language", "anonymous", "title"),
    [
        ("en", "This report is anonymous.", "Report harm to a child online"),
        ("fr", "Ce signalement est anonyme.", "Signaler un danger en ligne pour un enfant"),
        ("es", "Esta denuncia es anónima.", "Denunciar un daño a menores en internet"),
        ("hi", "यह रिपोर्ट गुमनाम है।", "किसी बच्चे को ऑनलाइन होने वाले नुकसान की रिपोर्ट करें"),
    ],
)
def test_the_form_speaks_each_language_with_the_right_lang_attribute(
    client, organisation, language, anonymous, title
):
    response = client.get(REPORT_URL, HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}"' in html
    assert anonymous in html and title in html


def test_the_language_switch_is_a_form_that_works_without_javascript(client, organisation):
    html = client.get(REPORT_URL).content.decode()
    assert f'action="{reverse("set_language")}" method="post"' in html
    for code, name in (("en", "English"), ("fr", "Français"), ("es", "Español"), ("hi", "हिन्दी")):
        assert f'name="language" value="{code}" lang="{code}"' in html
        assert f">{name}</button>" in html

    client.post(reverse("set_language"), {"language": "es", "next": REPORT_URL})
    assert '<html lang="es"' in client.get(REPORT_URL).content.decode()


def test_the_page_opens_with_emergency_numbers_and_a_quick_exit(client, organisation, settings):
    settings.EMERGENCY_NUMBER = "999"
    settings.HELPLINE_NUMBER = "0800 1111"
    html = client.get(REPORT_URL).content.decode()
    main = html[html.index("<main") :]
    assert main.index('class="emergency"') < main.index("<h1")
    assert 'If a child is in danger right now, call <a href="tel:999">999</a>.' in html
    assert '<a href="tel:08001111">0800 1111</a>' in html
    assert 'class="quick-exit" href="https://www.wikipedia.org/"' in html
    quick_exit = re.search(r'<a class="quick-exit"[^>]*>', html).group(0)
    assert "target=" not in quick_exit


def test_a_danger_now_choice_comes_first_with_its_hint(client, organisation):
    html = client.get(REPORT_URL).content.decode()
    radios = re.findall(r'name="category" value="([a-z_]+)"', html)
    assert radios[0] == "danger_now"
    assert 'value="danger_now"' in html and 'aria-describedby="id_category_danger_hint"' in html
    assert "For a child who is in danger right now." in html


def test_contact_hint_says_when_it_is_deleted(client, organisation, settings):
    settings.CONTACT_RETENTION_DAYS = 30
    html = client.get(REPORT_URL).content.decode()
    assert "delete it after 30 days" in html
    assert "(optional)" in html


def test_a_full_report_with_files_is_stored_and_shows_reference_and_pin(
    client, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client,
            files=[upload("one.jpg", synthetic_jpeg(11)), upload("two.png", synthetic_png(12))],
            urls="https://example.com/a\n\nexample.org/b\n",
            platform="ExampleChat",
            age_band="13-15",
            contact="parent@example.org",
            description="  Someone sent these.  ",
        )
    assert response.status_code == 302 and response["Location"] == SENT_URL

    report = Report.objects.get()
    assert report.organisation == organisation
    assert report.source == Source.PUBLIC and report.submitted_by is None
    assert report.category == "sexual_imagery" and report.urgency == Urgency.STANDARD
    assert report.description == "Someone sent these."
    assert report.platform == "ExampleChat" and report.age_band == "13-15"
    assert report.language == "en"
    assert unseal_contact(report) == "parent@example.org"
    assert [u.url for u in report.urls.order_by("pk")] == [
        "https://example.com/a",
        "https://example.org/b",
    ]
    media = list(report.media.order_by("pk"))
    assert [m.original_name for m in media] == ["one.jpg", "two.png"]
    assert all(m.status == MediaStatus.HASHED for m in media)

    page = client.get(SENT_URL).content.decode()
    assert report.reference in page
    assert pin_matches(report.reference, shown_pin(page), report.pin_digest)
    assert "Write these down now" in page


def test_the_report_records_the_language_it_was_made_in(client, organisation):
    client.post(REPORT_URL, {"category": "bullying", "description": "x"}, HTTP_ACCEPT_LANGUAGE="hi")
    assert Report.objects.get().language == "hi"


def test_the_submission_is_audited_without_the_reporters_address(client, organisation):
    client.post(REPORT_URL, {"category": "other", "description": "x"}, REMOTE_ADDR="203.0.113.9")
    event = AuditEvent.objects.get(action="report.submitted")
    assert event.ip_address is None and event.actor is None
    assert event.organisation_id == organisation.pk


def test_bad_files_are_named_and_the_rest_of_the_report_is_kept(
    client, organisation, django_capture_on_commit_callbacks
):
    jpeg = synthetic_jpeg(13)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client,
            files=[
                upload("broken.jpg", jpeg[: len(jpeg) // 2]),
                upload("notes.txt", b"just some words"),
                upload("clip.mp4", synthetic_mp4_header()),
            ],
            description="Three files.",
        )
    assert response.status_code == 302

    report = Report.objects.get()
    assert report.description == "Three files."
    rejected = {m.original_name: m.rejection for m in report.media.filter(status="rejected")}
    assert rejected == {"broken.jpg": "truncated", "notes.txt": "unsupported"}
    assert report.media.exclude(status="rejected").get().original_name == "clip.mp4"

    page = client.get(SENT_URL).content.decode()
    assert "“broken.jpg” could not be added." in page
    assert str(rejection_message("truncated")) in page
    assert "“notes.txt” could not be added." in page
    assert str(rejection_message("unsupported")) in page
    assert "The rest of your report was received." in page
    assert "clip.mp4" not in page


def test_rejection_messages_are_translated(client, organisation):
    client.post(
        REPORT_URL,
        {"category": "other", "uploads": [upload("notes.txt", b"words")]},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    page = unescape(client.get(SENT_URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert "« notes.txt » n'a pas pu être ajouté." in page.replace("\u00a0", " ")
    assert "Ce type de fichier n'est pas accepté." in page


@pytest.mark.parametrize(
    "bad_line", ["ftp://example.com/file", "javascript:alert(1)", "https://", "mailto:a@b.org"]
)
def test_addresses_that_are_not_web_pages_get_a_per_line_error(client, organisation, bad_line):
    response = send(client, urls=f"https://example.com/fine\n{bad_line}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Line 2:" in html and "is not a web address we can use" in html
    assert "Line 1:" not in html
    assert not Report.objects.exists()


def test_more_than_twenty_addresses_are_refused(client, organisation):
    urls = "\n".join(f"https://example.com/{n}" for n in range(21))
    html = send(client, urls=urls).content.decode()
    assert "Please give at most 20 web addresses. You gave 21." in html
    assert not Report.objects.exists()


def test_twenty_addresses_are_accepted(client, organisation):
    urls = "\n".join(f"https://example.com/{n}" for n in range(20))
    assert send(client, urls=urls).status_code == 302
    assert Report.objects.get().urls.count() == 20


def test_more_than_ten_files_are_refused(client, organisation):
    files = [upload(f"{n}.png", synthetic_png(n)) for n in range(11)]
    html = send(client, files=files).content.decode()
    assert "You can send at most 10 files. You chose 11." in html
    assert "Please choose your files again" not in html
    assert not Report.objects.exists()


def test_files_chosen_before_another_error_are_asked_for_again(client, organisation):
    html = send(client, files=[upload("a.png", synthetic_png(1))], contact="???").content.decode()
    assert "Please choose your files again" in html
    assert not Report.objects.exists()


def test_contact_must_look_like_an_email_or_a_phone_number(client, organisation):
    assert "does not look right" in send(client, contact="me@").content.decode()
    assert (
        "Enter an e-mail address or a phone number"
        in send(client, contact="call me").content.decode()
    )
    assert send(client, contact="+44 20 7946 0000").status_code == 302


def test_an_empty_report_asks_for_something_to_act_on(client, organisation):
    html = client.post(REPORT_URL, {"category": "bullying"}).content.decode()
    assert "Tell us what happened, where you saw it, or add a file" in html
    assert not Report.objects.exists()


def test_a_child_in_danger_leads_the_confirmation_with_emergency_help(
    client, organisation, settings
):
    settings.EMERGENCY_NUMBER = "112"
    send(client, category="danger_now", description="He says he is coming now.")
    report = Report.objects.get()
    assert report.urgency == Urgency.DANGER_NOW

    page = client.get(SENT_URL).content.decode()
    main = page[page.index("<main") :]
    first_heading = re.search(r"<h1[^>]*>(.*?)</h1>", main, re.S).group(1)
    assert "call 112" in first_heading
    assert main.index('class="panel danger urgent"') < main.index(report.reference)
    assert 'href="tel:112"' in main


def test_an_ordinary_report_does_not_lead_with_the_urgent_panel(client, organisation):
    send(client)
    page = client.get(SENT_URL).content.decode()
    assert "urgent" not in page
    assert "Thank you. Your report was received" in page


def test_the_danger_panel_is_shown_without_javascript_when_danger_is_chosen(client, organisation):
    assert 'id="danger-now-panel" class="panel danger danger-now" role="alert" hidden' in (
        client.get(REPORT_URL).content.decode()
    )
    html = client.post(REPORT_URL, {"category": "danger_now"}).content.decode()
    assert 'id="danger-now-panel" class="panel danger danger-now" role="alert">' in html


def test_the_pin_is_shown_once_and_never_in_a_url(client, organisation):
    response = send(client)
    assert response["Location"] == SENT_URL
    page = client.get(SENT_URL).content.decode()
    pin = shown_pin(page)
    report = Report.objects.get()

    assert SENT_KEY not in client.session
    again = client.get(SENT_URL)
    assert again.status_code == 200
    assert pin not in again.content.decode() and report.reference not in again.content.decode()
    assert "This page has already been shown" in again.content.decode()
    assert pin not in client.get(REPORT_URL).content.decode()
    assert "no-store" in again["Cache-Control"]


def test_the_confirmation_page_is_not_cached(client, organisation):
    send(client)
    response = client.get(SENT_URL)
    assert "no-store" in response["Cache-Control"]


def test_without_an_organisation_the_page_says_reporting_is_unavailable(client, db):
    response = client.get(REPORT_URL)
    assert response.status_code == 503
    assert "Reporting is not available right now" in response.content.decode()
    assert "If a child is in danger right now" in response.content.decode()
    assert client.post(REPORT_URL, {"category": "other", "description": "x"}).status_code == 503
    assert not Report.objects.exists()


def test_reports_go_to_the_configured_public_organisation(
    client, organisation, other_organisation, settings
):
    settings.PUBLIC_ORGANISATION = other_organisation.slug
    send(client)
    assert Report.objects.get().organisation == other_organisation


def test_without_a_setting_reports_go_to_the_first_organisation(
    client, organisation, other_organisation
):
    send(client)
    assert Report.objects.get().organisation == organisation


def test_an_unknown_public_organisation_slug_refuses_reports(client, organisation, settings):
    settings.PUBLIC_ORGANISATION = "nobody"
    assert client.get(REPORT_URL).status_code == 503
    assert Organisation.objects.count() == 1


def test_every_control_has_a_label_and_the_files_input_takes_media(client, organisation):
    page = Page(client.get(REPORT_URL).content.decode())
    assert page.html_lang == "en"
    for control in page.controls:
        if control.get("type") == "submit":
            continue
        assert control["id"] in page.label_targets, control
    files = next(c for c in page.controls if c.get("name") == "uploads")
    assert files["type"] == "file" and "multiple" in files
    assert files["accept"] == "image/*,video/*"


def test_an_invalid_submit_shows_an_error_summary_linking_to_each_field(client, organisation):
    html = client.post(
        REPORT_URL, {"urls": "ftp://example.com", "contact": "nope"}
    ).content.decode()
    page = Page(html)
    assert page.summary_links == ["#id_category_0", "#id_urls", "#id_contact"]
    for link in page.summary_links:
        assert link[1:] in page.ids
    assert "<title>Error:" in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_urls_helptext id_urls_error"' in html
    assert "<legend>What happened?</legend>" in html


def test_a_long_description_is_refused_with_a_message_not_cut_off(client, organisation):
    page = client.get("/report/")
    assert 'maxlength="10000"' not in page.content.decode()
    response = client.post("/report/", {"category": "bullying", "description": "x" * 10001})
    assert response.status_code == 200
    assert "10000" in response.content.decode()


def test_more_files_than_django_would_take_get_the_forms_own_message(client, organisation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(f"{n}.jpg", b"x", "image/jpeg") for n in range(25)]
    response = client.post(
        "/report/", {"category": "bullying", "description": "d", "uploads": files}
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_an_empty_form_lists_every_problem_at_once(client, organisation):
    html = client.post("/report/", {}).content.decode()
    assert "Tell us what happened, where you saw it, or add a file" in html
    assert "Choose what happened." in html
