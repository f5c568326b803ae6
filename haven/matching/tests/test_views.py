"""The hash bank pages: who may see and change what, and what each form does with input."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.demo.synthetic import synthetic_jpeg, synthetic_mp4
from haven.hashing.media import hash_media
from haven.hashing.signals import md5_hex
from haven.jobs.models import Job
from haven.matching import views
from haven.matching.models import BankEntry, HashBank, Match
from haven.triage.tests.support import add_image, make_report

PDQ = "a5" * 32
MD5 = "0123456789abcdef" * 2
SHA256 = "fe" * 32


def make_bank(organisation, name="Known A", **fields) -> HashBank:
    return HashBank.objects.create(
        organisation=organisation, name=name, classification=f"{name} label", **fields
    )


def make_entry(bank, value=MD5, signal_type="md5", **fields) -> BankEntry:
    return BankEntry.objects.create(bank=bank, signal_type=signal_type, value=value, **fields)


def url(name, *args) -> str:
    return reverse(f"matching:{name}", args=args)


def page(response) -> str:
    return response.content.decode()


def six_frame_mp4() -> bytes:
    """Six frames at two a second: three seconds of video."""
    return synthetic_mp4(seed=7, seconds=3, fps=2, size=(64, 64))


def bank_form(**changes) -> dict:
    data = {
        "name": "Known B",
        "classification": "Known material (B)",
        "description": "",
        "enabled": "on",
        "pdq_threshold": "31",
        "vpdq_match_percent": "80",
    }
    return {key: value for key, value in (data | changes).items() if value is not None}


def bank_state(organisation) -> list:
    return list(HashBank.objects.filter(organisation=organisation).order_by("pk").values())


def entry_state(bank) -> list:
    return list(BankEntry.objects.filter(bank=bank).order_by("pk").values())


@pytest.fixture
def bank(organisation):
    return make_bank(organisation)


@pytest.fixture
def match(organisation, bank):
    """A match of the Northern bank's entry on an item of a Northern report."""
    item, _ = add_image(make_report(organisation), 5, keep=False)
    entry = make_entry(bank, value=item.md5)
    return Match.objects.create(item=item, entry=entry, signal_type="md5")


# --- Seeing banks -----------------------------------------------------------------------


def test_an_analyst_sees_the_banks_of_their_organisation_only(
    organisation, other_organisation, analyst_client
):
    make_bank(organisation, "Northern list", enabled=False, pdq_threshold=12)
    make_bank(other_organisation, "Southern list")
    html = page(analyst_client.get(url("banks")))
    assert "Northern list" in html and "Southern list" not in html
    assert "Disabled" in html and "<td>12</td>" in html
    assert url("bank_create") not in html  # analysts do not make banks
    assert reverse("matching:banks") in page(analyst_client.get(reverse("triage:queue")))


def test_the_bank_list_shows_entry_counts_and_the_last_change(organisation, analyst_client):
    bank = make_bank(organisation)
    for n in range(3):
        make_entry(bank, value=f"{n:032x}")
    html = page(analyst_client.get(url("banks")))
    assert "<td>3</td>" in html
    newest = bank.entries.order_by("-pk").first()
    assert newest.added_at.isoformat(timespec="seconds")[:16] in html


def test_the_bank_list_costs_the_same_queries_for_one_bank_or_many(
    organisation, analyst_client, django_assert_max_num_queries
):
    make_bank(organisation, "one")
    analyst_client.get(url("banks"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        analyst_client.get(url("banks"))
    for n in range(6):
        make_entry(make_bank(organisation, f"more {n}"), value=f"{n:032x}")
    from django.core.cache import cache

    cache.clear()  # the new banks are counted afresh: still one query for all of them
    with django_assert_max_num_queries(len(one.captured_queries) + 1):
        analyst_client.get(url("banks"))


def test_a_supervisor_sees_the_new_bank_button(supervisor_client):
    assert url("bank_create") in page(supervisor_client.get(url("banks")))


# --- Creating, changing and deleting banks -----------------------------------------------


def test_a_supervisor_creates_a_bank_and_it_is_audited(organisation, supervisor, supervisor_client):
    response = supervisor_client.post(url("bank_create"), bank_form(is_safe="on"))
    bank = HashBank.objects.get(organisation=organisation, name="Known B")
    assert response.status_code == 302 and response["Location"] == url("bank", bank.pk)
    assert bank.is_safe and bank.enabled and bank.classification == "Known material (B)"
    event = AuditEvent.objects.get(action="bank.created")
    assert event.actor == supervisor and event.target_id == str(bank.pk)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pdq_threshold": "64"}, "The PDQ threshold is a whole number from 0 to 63."),
        ({"pdq_threshold": "-1"}, "The PDQ threshold is a whole number from 0 to 63."),
        ({"vpdq_match_percent": "0"}, "The vPDQ match share is a whole number from 1 to 100."),
        ({"name": "  "}, "Give the bank a name."),
        ({"name": "Known A"}, "A bank named &#x27;Known A&#x27; already exists."),
        ({"name": "KNOWN a"}, "A bank named &#x27;KNOWN a&#x27; already exists."),
        ({"classification": ""}, "Say what a match in this bank means."),
    ],
)
def test_bad_bank_settings_show_a_form_error_and_change_nothing(
    organisation, bank, supervisor_client, changes, message
):
    before = bank_state(organisation)
    response = supervisor_client.post(url("bank_create"), bank_form(**changes))
    assert response.status_code == 400
    html = page(response)
    assert "There is a problem" in html and message in html
    assert bank_state(organisation) == before
    # The same input on the settings of an existing bank (renaming it onto another).
    other = make_bank(organisation, "Other")
    before = bank_state(organisation)
    response = supervisor_client.post(url("bank_edit", other.pk), bank_form(**changes))
    assert response.status_code == 400 and message in page(response)
    assert bank_state(organisation) == before


def test_a_supervisor_renames_disables_and_marks_a_bank_safe(bank, supervisor_client):
    form = page(supervisor_client.get(url("bank_edit", bank.pk)))
    assert 'value="Known A"' in form and 'value="31"' in form
    changes = bank_form(name="Renamed", enabled=None, is_safe="on", pdq_threshold="10")
    response = supervisor_client.post(url("bank_edit", bank.pk), changes)
    assert response.status_code == 302
    bank.refresh_from_db()
    assert (bank.name, bank.enabled, bank.is_safe, bank.pdq_threshold) == (
        "Renamed",
        False,
        True,
        10,
    )
    event = AuditEvent.objects.get(action="bank.changed")
    assert event.detail["after"]["name"] == "Renamed"


def test_a_bank_with_matches_cannot_be_deleted_and_says_why(match, supervisor_client):
    bank = match.entry.bank
    shown = page(supervisor_client.get(url("bank_delete", bank.pk)))
    assert "has matches on record" in shown and "Delete bank</button>" not in shown
    response = supervisor_client.post(url("bank_delete", bank.pk))
    assert response.status_code == 400
    assert "This bank has matches on record; disable it instead." in page(response)
    assert HashBank.objects.filter(pk=bank.pk).exists()


def test_a_bank_without_matches_is_deleted_with_its_entries(bank, supervisor_client):
    make_entry(bank)
    response = supervisor_client.post(url("bank_delete", bank.pk))
    assert response.status_code == 302 and response["Location"] == url("banks")
    assert not HashBank.objects.filter(pk=bank.pk).exists()
    assert not BankEntry.objects.exists()
    assert AuditEvent.objects.get(action="bank.deleted").detail["entries"] == 1


# --- Browsing entries -------------------------------------------------------------------


def test_entries_are_paginated_fifty_a_page_newest_first(bank, analyst_client):
    entries = [make_entry(bank, value=f"{n:032x}", note=f"note {n}") for n in range(120)]
    first = page(analyst_client.get(url("bank", bank.pk)))
    assert "Entries 1 to 50 of 120" in first
    assert entries[119].value in first and entries[70].value in first
    assert entries[69].value not in first
    last = page(analyst_client.get(url("bank", bank.pk), {"page": 3}))
    assert "Entries 101 to 120 of 120" in last and entries[0].value in last


def test_entries_are_filtered_by_type_and_state(bank, analyst_client):
    make_entry(bank, value=PDQ, signal_type="pdq")
    make_entry(bank, value=MD5, enabled=False)
    make_entry(bank, value=SHA256, signal_type="sha256")
    pdq_only = page(analyst_client.get(url("bank", bank.pk), {"signal_type": "pdq"}))
    assert PDQ in pdq_only and MD5 not in pdq_only and SHA256 not in pdq_only
    disabled = page(analyst_client.get(url("bank", bank.pk), {"state": "disabled"}))
    assert MD5 in disabled and PDQ not in disabled
    enabled = page(analyst_client.get(url("bank", bank.pk), {"state": "enabled"}))
    assert MD5 not in enabled and PDQ in enabled and SHA256 in enabled
    # Nonsense in the query string shows everything rather than an error.
    everything = analyst_client.get(url("bank", bank.pk), {"signal_type": "gif", "page": "x"})
    assert everything.status_code == 200 and MD5 in page(everything)


def test_an_entry_is_found_by_its_exact_hash_or_its_reference(bank, analyst_client):
    make_entry(bank, value=PDQ, signal_type="pdq")
    make_entry(bank, value=MD5, external_id="ncmec-77")
    by_hash = page(analyst_client.get(url("bank", bank.pk), {"q": PDQ.upper()}))
    assert PDQ in by_hash and MD5 not in by_hash
    by_reference = page(analyst_client.get(url("bank", bank.pk), {"q": "ncmec-77"}))
    assert MD5 in by_reference and PDQ not in by_reference
    assert "No entries match." in page(analyst_client.get(url("bank", bank.pk), {"q": "a5"}))


def test_browsing_a_huge_bank_stops_at_a_cap_but_search_finds_any_entry(
    bank, analyst_client, monkeypatch
):
    monkeypatch.setattr(views, "BROWSE_CAP", 60)
    oldest = make_entry(bank, value=f"{0:032x}")
    for n in range(1, 100):
        make_entry(bank, value=f"{n:032x}")
    html = page(analyst_client.get(url("bank", bank.pk)))
    assert "Entries 1 to 50 of more than 60" in html
    html = page(analyst_client.get(url("bank", bank.pk), {"page": 2}))
    assert "Browsing stops after 60 entries" in html and oldest.value not in html
    assert oldest.value in page(analyst_client.get(url("bank", bank.pk), {"q": oldest.value}))


def test_a_bank_page_costs_a_fixed_number_of_queries(
    bank, analyst_client, django_assert_max_num_queries
):
    for n in range(80):
        make_entry(bank, value=f"{n:032x}")
    with django_assert_max_num_queries(12):
        assert analyst_client.get(url("bank", bank.pk)).status_code == 200


# --- Adding hashes ----------------------------------------------------------------------


def entry_form(**changes) -> dict:
    data = {"signal_type": "pdq", "value": PDQ.upper(), "note": "seen in case 9"}
    return data | {"labels": "A1, series-12, A1", "metadata": '{"case": "2024-117"}'} | changes


def test_a_hash_is_added_by_type_and_value(bank, supervisor, supervisor_client):
    response = supervisor_client.post(url("entry_add", bank.pk), entry_form(external_id="x-1"))
    entry = BankEntry.objects.get(bank=bank)
    assert response.status_code == 302 and response["Location"] == url("entry", entry.pk)
    assert (entry.signal_type, entry.value, entry.source) == ("pdq", PDQ, "manual")
    assert entry.labels == ["A1", "series-12"] and entry.metadata == {"case": "2024-117"}
    assert entry.note == "seen in case 9" and entry.external_id == "x-1"
    assert AuditEvent.objects.get(action="bank.entry_added").actor == supervisor


def test_a_vpdq_hash_is_added_from_its_lines(bank, supervisor_client):
    lines = f"0,100,{PDQ},0.000\n1,90,{SHA256},1.000\n"
    supervisor_client.post(url("entry_add", bank.pk), entry_form(signal_type="vpdq", value=lines))
    entry = BankEntry.objects.get(bank=bank)
    assert entry.signal_type == "vpdq" and entry.frames == lines and len(entry.value) == 64


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": "abc"}, "A pdq hash is 64 hexadecimal digits."),
        ({"signal_type": "md5", "value": "zz" * 16}, "A md5 hash is 32 hexadecimal digits."),
        ({"signal_type": "vpdq", "value": "not vpdq"}, "Not vPDQ"),
        ({"signal_type": "gif"}, "Select a valid choice."),
        ({"metadata": "{not json"}, "The metadata is not valid JSON."),
        ({"metadata": "[1, 2]"}, "The metadata must be a JSON object"),
        ({"labels": ",".join(f"l{n}" for n in range(21))}, "Give at most 20 labels."),
        ({"value": ""}, "Give the hash."),
    ],
)
def test_bad_input_for_a_hash_shows_a_form_error_and_adds_nothing(
    bank, supervisor_client, changes, message
):
    response = supervisor_client.post(url("entry_add", bank.pk), entry_form(**changes))
    assert response.status_code == 400
    html = page(response)
    assert "There is a problem" in html and message in html
    assert not BankEntry.objects.exists()


def test_adding_a_hash_the_bank_already_holds_says_so_and_changes_nothing(bank, supervisor_client):
    make_entry(bank, value=PDQ, signal_type="pdq", note="original")
    response = supervisor_client.post(url("entry_add", bank.pk), entry_form(), follow=True)
    assert "already holds this hash" in page(response)
    assert entry_state(bank)[0]["note"] == "original" and bank.entries.count() == 1


def upload(data: bytes, name: str, **fields):
    return {"file": SimpleUploadedFile(name, data), **fields}


def test_an_uploaded_picture_is_hashed_and_only_its_hashes_are_kept(
    bank, supervisor_client, settings
):
    jpeg = synthetic_jpeg(21)
    hashes = hash_media(jpeg, "image")
    form = upload(jpeg, "photo.jpg", hashes=["pdq", "md5", "vpdq"], labels="upload")
    response = supervisor_client.post(url("entry_upload", bank.pk), form, follow=True)
    assert "2 hashes added." in page(response)
    kept = {(e.signal_type, e.value, e.source, tuple(e.labels)) for e in bank.entries.all()}
    assert kept == {
        ("pdq", hashes.pdq, "upload", ("upload",)),
        ("md5", hashes.md5, "upload", ("upload",)),
    }
    # Nothing of the file stays behind: not staged, not kept as evidence.
    for folder in (settings.STAGING_DIR, settings.EVIDENCE_DIR):
        assert not folder.exists() or not any(folder.rglob("*"))


def test_an_uploaded_video_adds_every_frames_vpdq_and_its_md5(bank, supervisor_client):
    video = six_frame_mp4()
    form = upload(video, "clip.mp4", hashes=["vpdq", "md5", "pdq"])
    response = supervisor_client.post(url("entry_upload", bank.pk), form)
    assert response.status_code == 302
    vpdq = bank.entries.get(signal_type="vpdq")
    # A bank entry keeps every frame (reported videos are hashed one frame a second).
    assert vpdq.frames.count("\n") == 6 and vpdq.source == "upload"
    assert bank.entries.get(signal_type="md5").value == md5_hex(video)
    assert bank.entries.count() == 2


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (synthetic_jpeg(3)[:400], "cut.jpg", "The file is damaged or incomplete."),
        (b"\x00\x00\x00\x18ftypmp42" + bytes(2000), "fake.mp4", "it is not one we can open"),
        (b"just some text", "notes.txt", "This type of file is not supported."),
    ],
)
def test_a_corrupt_upload_shows_the_rejection_message_and_adds_nothing(
    bank, supervisor_client, data, name, message
):
    form = upload(data, name, hashes=["pdq", "vpdq", "md5"])
    response = supervisor_client.post(url("entry_upload", bank.pk), form)
    assert response.status_code == 400
    assert message in page(response)
    assert not BankEntry.objects.exists()


def test_hashes_that_do_not_fit_the_file_are_refused(bank, supervisor_client):
    form = upload(synthetic_jpeg(4), "photo.jpg", hashes=["vpdq"])
    response = supervisor_client.post(url("entry_upload", bank.pk), form)
    assert response.status_code == 400
    assert "None of the chosen hashes applies to a picture." in page(response)
    assert not BankEntry.objects.exists()


def test_an_upload_over_the_limit_is_refused_and_never_written_anywhere(
    bank, supervisor_client, settings, tmp_path
):
    settings.MAX_UPLOAD_BYTES = 1000
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    form = upload(synthetic_jpeg(5, (640, 480)) + bytes(300_000), "big.jpg", hashes=["md5"])
    response = supervisor_client.post(url("entry_upload", bank.pk), form)
    assert response.status_code == 400
    assert "The file is too large." in page(response) and "Choose a file" not in page(response)
    assert not any((tmp_path / "uploads").iterdir())
    assert not BankEntry.objects.exists()


def test_the_upload_page_checks_the_csrf_token(bank, supervisor, settings):
    from django.test import Client

    client = verified_client(Client(enforce_csrf_checks=True), supervisor)
    form = upload(synthetic_jpeg(6), "photo.jpg", hashes=["md5"])
    response = client.post(url("entry_upload", bank.pk), form)
    assert response.status_code == 403
    assert not BankEntry.objects.exists()


# --- An entry's page --------------------------------------------------------------------


def edit_form(**changes) -> dict:
    return {"state": "enabled", "note": "", "labels": "", "metadata": ""} | changes


def test_an_entry_is_disabled_until_a_future_date_and_enabled_again(bank, supervisor_client):
    entry = make_entry(bank)
    until = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)
    changes = edit_form(
        state="until",
        disabled_until=until.strftime("%Y-%m-%dT%H:%M"),
        labels="reviewed",
        metadata='{"by": "sam"}',
    )
    response = supervisor_client.post(url("entry_edit", entry.pk), changes)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert not entry.enabled and entry.disabled_until == until
    assert entry.labels == ["reviewed"] and entry.metadata == {"by": "sam"}
    assert "Disabled until" in page(supervisor_client.get(url("entry", entry.pk)))

    supervisor_client.post(url("entry_edit", entry.pk), edit_form(labels="reviewed"))
    entry.refresh_from_db()
    assert entry.enabled and entry.disabled_until is None
    assert AuditEvent.objects.filter(action="bank.entry_changed").count() == 2


def test_an_entry_is_disabled_for_good(bank, supervisor_client):
    entry = make_entry(bank)
    supervisor_client.post(url("entry_edit", entry.pk), edit_form(state="disabled"))
    entry.refresh_from_db()
    assert not entry.enabled and entry.disabled_until is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"state": "until", "disabled_until": "2001-01-01T10:00"},
            "A &#x27;disabled until&#x27; date must be in the future.",
        ),
        ({"state": "until", "disabled_until": ""}, "Give the date and time it should match"),
        ({"state": "until", "disabled_until": "soon"}, "Enter a date and time"),
        ({"metadata": '"text"'}, "The metadata must be a JSON object"),
        ({"state": ""}, "Choose whether this hash matches."),
    ],
)
def test_bad_input_for_an_entry_shows_a_form_error_and_changes_nothing(
    bank, supervisor_client, changes, message
):
    entry = make_entry(bank, note="kept")
    before = entry_state(bank)
    response = supervisor_client.post(url("entry_edit", entry.pk), edit_form(**changes))
    assert response.status_code == 400
    assert "There is a problem" in page(response) and message in page(response)
    assert entry_state(bank) == before


def test_the_entry_page_lists_its_matches_with_links_to_the_reports(match, analyst_client):
    html = page(analyst_client.get(url("entry", match.entry_id)))
    reference = match.item.report.reference
    assert reverse("triage:detail", args=[reference]) in html and reference in html
    assert "0 confirmed, 0 rejected" in html
    assert url("entry_edit", match.entry_id) not in html  # analysts only look


def test_removing_an_entry_with_matches_disables_it_instead(match, supervisor_client):
    response = supervisor_client.post(url("entry_remove", match.entry_id), follow=True)
    assert "it was disabled instead of removed" in page(response)
    entry = BankEntry.objects.get(pk=match.entry_id)
    assert not entry.enabled


def test_removing_an_entry_without_matches_deletes_it(bank, supervisor_client):
    entry = make_entry(bank)
    response = supervisor_client.post(url("entry_remove", entry.pk))
    assert response.status_code == 302 and response["Location"] == url("bank", bank.pk)
    assert not BankEntry.objects.exists()
    assert AuditEvent.objects.filter(action="bank.entry_removed").exists()


# --- Import and export ------------------------------------------------------------------


def test_an_import_is_staged_and_enqueued_for_the_bank(bank, supervisor, supervisor_client):
    data = f"pdq {PDQ}\nmd5 {MD5}\n".encode()
    form = {"file": SimpleUploadedFile("../../list.txt", data), "format": "te-file"}
    response = supervisor_client.post(url("bank_import", bank.pk), form)
    assert response.status_code == 302 and response["Location"] == url("bank", bank.pk)
    job = Job.objects.get(name="matching.import_file")
    path = job.payload.pop("path")
    assert job.payload == {
        "bank_id": bank.pk,
        "fmt": "te-file",
        "user_id": supervisor.pk,
        "restart": False,
    }
    from pathlib import Path

    from django.conf import settings

    staged = Path(path)
    assert staged.read_bytes() == data and staged.name == "list.txt"
    assert staged.resolve().is_relative_to(Path(settings.STAGING_DIR).resolve())
    assert AuditEvent.objects.get(action="bank.import_requested").detail["format"] == "te-file"


def test_an_import_needs_a_file_and_a_known_format(bank, supervisor_client):
    response = supervisor_client.post(url("bank_import", bank.pk), {"format": "xml"})
    assert response.status_code == 400
    assert "Choose a file." in page(response) and "Select a valid choice." in page(response)
    assert not Job.objects.exists()


def test_the_import_job_imports_the_staged_file_then_deletes_it(
    bank, supervisor, supervisor_client
):
    pytest.importorskip("haven.matching.imports")
    from haven.matching.import_jobs import import_staged_file, stage_upload

    lines = f"pdq {PDQ}\nmd5 {MD5}\nmd5 nothex\n".encode()
    staged = stage_upload(SimpleUploadedFile("list.txt", lines))
    import_staged_file(bank_id=bank.pk, path=str(staged), fmt="te-file", user_id=supervisor.pk)
    assert {(e.signal_type, e.value) for e in bank.entries.all()} == {("pdq", PDQ), ("md5", MD5)}
    assert {e.source for e in bank.entries.all()} == {"import:list.txt"}
    assert not staged.exists()
    # The bank page lists the import: file, status, lines read, added, held, malformed.
    html = page(supervisor_client.get(url("bank", bank.pk)))
    assert '<th scope="row">list.txt</th>' in html
    cells = ["Done", "3", "2", "0"]
    assert "".join(f"<td>{cell}</td>" for cell in cells) in "".join(html.split())
    # The malformed line is one click away, with its number and reason.
    bank_import = bank.imports.get()
    errors = supervisor_client.get(reverse("matching:import_errors", args=[bank_import.pk]))
    assert b"".join(errors.streaming_content) == b"line 3: a md5 hash is 32 hexadecimal digits\n"


def test_a_file_that_cannot_be_read_is_refused_on_the_form_not_in_the_background(
    bank, supervisor_client
):
    png = SimpleUploadedFile("picture.png", synthetic_jpeg(3))
    response = supervisor_client.post(url("bank_import", bank.pk), {"file": png, "format": "auto"})
    assert response.status_code == 400
    assert "Cannot tell the format from the first lines" in page(response)
    csv = SimpleUploadedFile("list.csv", f"pdq {PDQ}\n".encode())
    response = supervisor_client.post(url("bank_import", bank.pk), {"file": csv, "format": "csv"})
    assert response.status_code == 400 and "header" in page(response)
    assert not Job.objects.exists()


def test_importing_the_same_file_again_asks_first_then_starts_over(
    bank, supervisor, supervisor_client, django_capture_on_commit_callbacks
):
    data = f"pdq {PDQ}\n".encode()

    def send(**extra):
        form = {"file": SimpleUploadedFile("list.txt", data), "format": "auto", **extra}
        return supervisor_client.post(url("bank_import", bank.pk), form)

    with django_capture_on_commit_callbacks(execute=True):
        assert send().status_code == 302
    bank.entries.all().delete()
    again = send()
    assert again.status_code == 400 and "was imported into this bank already" in page(again)
    with django_capture_on_commit_callbacks(execute=True):
        assert send(restart="on").status_code == 302
    assert bank.entries.filter(value=PDQ).exists()


def test_an_import_that_can_never_succeed_is_recorded_not_retried(bank, supervisor):
    from haven.matching.import_jobs import import_staged_file, stage_upload

    staged = stage_upload(SimpleUploadedFile("x.csv", b"no header here\n"))
    import_staged_file(bank_id=bank.pk, path=str(staged), fmt="csv", user_id=supervisor.pk)
    refused = AuditEvent.objects.get(action="bank.import_refused")
    assert "header" in refused.detail["reason"] and not staged.exists()


def test_the_import_job_reads_nothing_outside_the_staging_area(bank, supervisor, tmp_path):
    from haven.matching.import_jobs import import_staged_file

    outside = tmp_path / "secrets.txt"
    outside.write_text(f"md5 {MD5}\n")
    with pytest.raises(ValueError, match="not a staged import"):
        import_staged_file(bank_id=bank.pk, path=str(outside), fmt="auto", user_id=supervisor.pk)
    assert outside.exists() and not BankEntry.objects.exists()


def test_an_export_downloads_every_entry_and_is_audited(bank, supervisor, supervisor_client):
    pytest.importorskip("haven.matching.imports")
    make_entry(bank, value=PDQ, signal_type="pdq")
    make_entry(bank, value=MD5)
    response = supervisor_client.get(url("bank_export", bank.pk), {"format": "te-file"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="known-a-te-file.txt"'
    body = b"".join(response.streaming_content).decode()
    assert PDQ in body and MD5 in body
    event = AuditEvent.objects.get(action="bank.exported")
    assert event.actor == supervisor and event.detail == {"format": "te-file", "entries": 2}


def test_an_export_larger_than_memory_spills_to_a_temporary_file_and_is_whole(
    bank, supervisor_client, monkeypatch, settings
):
    pytest.importorskip("haven.matching.imports")
    monkeypatch.setattr(views, "EXPORT_SPOOL_BYTES", 100)
    values = {f"{n:032x}" for n in range(300)}
    for value in values:
        make_entry(bank, value=value)
    response = supervisor_client.get(url("bank_export", bank.pk), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert values <= set(body.replace(",", "\n").split())
    assert not any(settings.STAGING_DIR.iterdir())  # the temporary file is gone


def test_an_export_that_is_never_downloaded_exports_nothing(bank, supervisor_client):
    supervisor_client.get(url("bank_export", bank.pk), {"format": "csv"})
    assert not AuditEvent.objects.filter(action="bank.exported").exists()


def test_an_unknown_export_format_is_a_bad_request(bank, supervisor_client):
    response = supervisor_client.get(url("bank_export", bank.pk), {"format": "xml"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="bank.exported").exists()


# --- Who may do what --------------------------------------------------------------------


def every_page(bank, entry, match) -> list[tuple[str, str]]:
    """(method, url) of every bank page, for the permission sweeps."""
    gets = [
        url("banks"),
        url("bank_create"),
        url("bank", bank.pk),
        url("bank_edit", bank.pk),
        url("bank_delete", bank.pk),
        url("entry_add", bank.pk),
        url("entry_upload", bank.pk),
        url("bank_import", bank.pk),
        url("bank_export", bank.pk) + "?format=csv",
        url("entry", entry.pk),
    ]
    posts = [
        url("bank_create"),
        url("bank_edit", bank.pk),
        url("bank_delete", bank.pk),
        url("entry_add", bank.pk),
        url("entry_upload", bank.pk),
        url("bank_import", bank.pk),
        url("entry_edit", entry.pk),
        url("entry_remove", entry.pk),
        url("match_feedback", match.pk),
    ]
    return [("get", u) for u in gets] + [("post", u) for u in posts]


SWEEP_POST = {
    "name": "sweep",
    "classification": "sweep",
    "pdq_threshold": "5",
    "vpdq_match_percent": "50",
    "signal_type": "md5",
    "value": "f" * 32,
    "state": "disabled",
    "format": "auto",
    "verdict": "rejected",
}


def snapshot(organisation) -> dict:
    return {
        "banks": bank_state(organisation),
        "entries": list(
            BankEntry.objects.filter(bank__organisation=organisation).order_by("pk").values()
        ),
        "matches": list(
            Match.objects.filter(entry__bank__organisation=organisation).order_by("pk").values()
        ),
        "jobs": Job.objects.count(),
    }


def test_analysts_see_banks_but_get_403_for_every_change(bank, match, analyst_client):
    before = snapshot(bank.organisation)
    read_only = {url("banks"), url("bank", bank.pk), url("entry", match.entry_id)}
    for method, address in every_page(bank, match.entry, match):
        response = getattr(analyst_client, method)(address, SWEEP_POST if method == "post" else {})
        if address == url("match_feedback", match.pk):
            assert response.status_code == 302  # analysts give feedback: test_feedback
        elif method == "get" and address in read_only:
            assert response.status_code == 200, address
        else:
            assert response.status_code == 403, (method, address)
    match.refresh_from_db()
    assert snapshot(bank.organisation)["banks"] == before["banks"]
    assert snapshot(bank.organisation)["entries"][0]["enabled"]


def test_partners_get_403_on_every_bank_page(bank, match, partner):
    from django.test import Client

    client = verified_client(Client(), partner)
    before = snapshot(bank.organisation)
    for method, address in every_page(bank, match.entry, match):
        response = getattr(client, method)(address, SWEEP_POST if method == "post" else {})
        assert response.status_code == 403, (method, address)
    assert snapshot(bank.organisation) == before


def test_another_organisations_staff_get_404_for_every_bank_entry_and_match(
    organisation, other_organisation, bank, match, outsider_client
):
    make_bank(other_organisation, "Southern list")  # the outsider has banks of their own
    admin = make_user(other_organisation, "sol", Role.ADMIN)
    from django.test import Client

    clients = [outsider_client, verified_client(Client(), admin)]
    before = snapshot(organisation)
    events = AuditEvent.objects.count()
    for client in clients:
        for method, address in every_page(bank, match.entry, match):
            if address in (url("banks"), url("bank_create")):
                continue  # no identifier: their own organisation's pages
            response = getattr(client, method)(address, SWEEP_POST if method == "post" else {})
            assert response.status_code == 404, (method, address, response.status_code)
    assert snapshot(organisation) == before
    assert not AuditEvent.objects.filter(pk__gt=events, organisation=organisation).exists()
    # Their own list shows their own bank only.
    html = page(outsider_client.get(url("banks")))
    assert "Southern list" in html and "Known A" not in html


def test_signing_in_is_needed_for_every_bank_page(bank, match, client):
    for method, address in every_page(bank, match.entry, match):
        response = getattr(client, method)(address, SWEEP_POST if method == "post" else {})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_metadata_of_an_entry_round_trips_through_its_form(bank, supervisor_client):
    entry = make_entry(bank, metadata={"case": "ü-7", "n": 3}, labels=["a", "b"])
    html = page(supervisor_client.get(url("entry", entry.pk)))
    assert "a, b" in html
    from haven.matching.forms import EntryEditForm

    form = EntryEditForm.for_entry(entry)
    assert json.loads(form.initial["metadata"]) == {"case": "ü-7", "n": 3}
