"""HMA's curation endpoints (/c/): banks and their content, and who may change them."""

import time

import pytest
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.hma.tests.samples import BASE, add, make_bank, noise_png, tiny_mp4
from haven.matching.models import BankEntry, HashBank
from haven.matching.services import match_item
from haven.reports.intake import HashSet, ReportInput, submit_report
from haven.reports.models import Source

BANKS = "/hma/c/banks"


def bank_url(name: str, rest: str = "") -> str:
    return f"/hma/c/bank/{name}{rest}"


def message(response) -> str:
    return response.json()["message"]


def upload(data: bytes, name: str = "upload.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# -- banks --------------------------------------------------------------------------------


def test_a_supervisor_creates_a_bank_and_sees_it_listed(supervisor_api, supervisor):
    response = supervisor_api.post(BANKS, {"name": "MY_TEST_BANK_01"}, format="json")

    assert response.status_code == 201
    assert response.json() == {"name": "MY_TEST_BANK_01", "matching_enabled_ratio": 1.0}
    assert supervisor_api.get(BANKS).json() == [response.json()]
    bank = HashBank.objects.get(name="MY_TEST_BANK_01")
    assert bank.organisation == supervisor.organisation
    event = AuditEvent.objects.get(action="bank.created")
    assert event.actor == supervisor and "token" in event.actor_label


def test_a_bank_is_created_off_with_enabled_false_or_a_ratio_of_zero(supervisor_api):
    supervisor_api.post(BANKS, {"name": "A", "enabled": False}, format="json")
    # Some clients send the ratio as text.
    supervisor_api.post(BANKS, {"name": "B", "enabled_ratio": "0"}, format="json")
    assert [b["matching_enabled_ratio"] for b in supervisor_api.get(BANKS).json()] == [0.0, 0.0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, "name is required"),
        ({"name": "  "}, "name is required"),
        ({"name": "A/B"}, "cannot contain '/'"),
        ({"name": "X" * 101}, "at most 100"),
        ({"name": "HALF", "enabled_ratio": 0.5}, "0.0 or 1.0"),
        ({"name": "HALF", "enabled_ratio": "lots"}, "is a number"),
        ({"name": "HALF", "enabled": "perhaps"}, "prefer true/false"),
    ],
)
def test_bad_bank_input_is_a_400(supervisor_api, body, expected):
    response = supervisor_api.post(BANKS, body, format="json")
    assert response.status_code == 400
    assert expected in message(response)
    assert not HashBank.objects.exists()


def test_a_taken_name_is_hmas_403(supervisor_api, supervisor):
    make_bank(supervisor, "TAKEN")
    response = supervisor_api.post(BANKS, {"name": "TAKEN"}, format="json")
    assert response.status_code == 403
    assert message(response) == "Bank already exists"


def test_a_bank_is_read_renamed_switched_off_and_deleted(supervisor_api, supervisor):
    make_bank(supervisor, "MY_TEST_BANK")

    assert supervisor_api.get(bank_url("MY_TEST_BANK")).json() == {
        "name": "MY_TEST_BANK",
        "matching_enabled_ratio": 1.0,
    }
    renamed = supervisor_api.put(bank_url("MY_TEST_BANK"), {"name": "RENAMED"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "RENAMED"
    off = supervisor_api.put(bank_url("RENAMED"), {"enabled": False}, format="json")
    assert off.json()["matching_enabled_ratio"] == 0.0
    on = supervisor_api.put(bank_url("RENAMED"), {"enabled_ratio": 1}, format="json")
    assert on.json()["matching_enabled_ratio"] == 1.0
    assert supervisor_api.delete(bank_url("RENAMED")).json() == {"message": "Done"}
    assert not HashBank.objects.exists()
    assert supervisor_api.get(bank_url("RENAMED")).status_code == 404


def test_renaming_onto_a_taken_name_is_a_403(supervisor_api, supervisor):
    make_bank(supervisor, "ONE")
    make_bank(supervisor, "TWO")
    response = supervisor_api.put(bank_url("ONE"), {"name": "TWO"}, format="json")
    assert response.status_code == 403
    assert message(response) == "Bank name already exists"


def matched_entry(supervisor) -> BankEntry:
    """An entry that a reported item matched: the record keeps pointing at it."""
    entry = add(supervisor, make_bank(supervisor), "md5", "ab" * 16)
    submission = submit_report(
        supervisor.organisation,
        Source.API,
        ReportInput(category="sexual_imagery", hashes=[HashSet(md5="ab" * 16)]),
        Actor.for_user(supervisor),
        submitted_by=supervisor,
    )
    assert match_item(submission.items[0])
    return entry


def test_a_bank_with_matches_on_record_cannot_be_deleted(supervisor_api, supervisor):
    entry = matched_entry(supervisor)

    response = supervisor_api.delete(bank_url("KNOWN"))

    assert response.status_code == 409
    assert "disable it instead" in message(response)
    assert HashBank.objects.filter(pk=entry.bank_id).exists()


def test_partners_and_analysts_read_banks_but_cannot_change_them(
    partner_api, analyst_api, supervisor
):
    make_bank(supervisor)
    for client in (partner_api, analyst_api):
        assert client.get(BANKS).status_code == 200
        assert client.get(bank_url("KNOWN")).status_code == 200
        refused = [
            client.post(BANKS, {"name": "NEW"}, format="json"),
            client.put(bank_url("KNOWN"), {"enabled": False}, format="json"),
            client.delete(bank_url("KNOWN")),
            client.post(bank_url("KNOWN", "/signal"), {"pdq": BASE}, format="json"),
            client.post(bank_url("KNOWN", "/content"), {"photo": upload(noise_png(1))}),
        ]
        assert [r.status_code for r in refused] == [403] * 5
        assert message(refused[0]) == "Only supervisors and administrators can change banks."
    assert list(HashBank.objects.values_list("name", "enabled")) == [("KNOWN", True)]
    assert not BankEntry.objects.exists()


def test_unauthenticated_calls_are_401(client, db):
    for path in (BANKS, bank_url("KNOWN"), "/hma/m/lookup", "/hma/h/hash", "/hma/m/compare"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"] == "Bearer"
        assert response.json()["message"]


def test_a_revoked_or_made_up_token_is_401(client, db):
    response = client.get(BANKS, HTTP_AUTHORIZATION="Bearer hvn_nope_nope")
    assert response.status_code == 401


def test_a_signed_in_staff_session_works_too(supervisor_client):
    assert supervisor_client.get(BANKS).status_code == 200


def test_the_supported_signal_and_content_types_are_listed(partner_api):
    names = [t["name"] for t in partner_api.get("/hma/c/signal_type").json()]
    assert {"pdq", "video_md5", "vpdq"} <= set(names)
    assert [t["name"] for t in partner_api.get("/hma/c/content_type").json()] == [
        "photo",
        "video",
    ]


def test_a_doubled_slash_after_the_base_address_still_reaches_the_endpoint(partner_api, db):
    assert partner_api.get("/hma//c/banks").status_code == 200


# -- content ------------------------------------------------------------------------------


def test_adding_a_signal_gives_hmas_id_and_signals(supervisor_api, supervisor):
    make_bank(supervisor)

    response = supervisor_api.post(bank_url("KNOWN", "/signal"), {"pdq": BASE}, format="json")

    assert response.status_code == 200
    body = response.json()
    entry = BankEntry.objects.get()
    assert body == {"id": entry.pk, "signals": {"pdq": BASE}, "content_ids": {"pdq": entry.pk}}
    assert entry.source == "hma"
    assert AuditEvent.objects.filter(action="bank.entry_added").count() == 1


def test_adding_several_signals_makes_one_entry_each_and_names_the_pdq_one(
    supervisor_api, supervisor
):
    make_bank(supervisor)
    body = {"video_md5": "AB" * 16, "pdq": BASE}

    response = supervisor_api.post(bank_url("KNOWN", "/signal"), body, format="json")

    ids = response.json()["content_ids"]
    assert response.json()["id"] == ids["pdq"]
    assert response.json()["signals"] == {"video_md5": "ab" * 16, "pdq": BASE}
    assert BankEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, "No signals given"),
        ({"pdq": "nothex"}, "Invalid pdq signal"),
        ({"tmk": BASE}, "No such signal type"),
        ({"pdq": 12}, "is a string"),
        ({"pdq": BASE, "md5": "short"}, "Invalid md5 signal"),
    ],
)
def test_bad_signals_are_400s_and_add_nothing(supervisor_api, supervisor, body, expected):
    make_bank(supervisor)
    response = supervisor_api.post(bank_url("KNOWN", "/signal"), body, format="json")
    assert response.status_code == 400
    assert expected in message(response)
    assert not BankEntry.objects.exists()


def test_adding_a_photo_by_file_banks_each_of_its_hashes(supervisor_api, supervisor):
    make_bank(supervisor)
    metadata = '{"case": 7}'

    response = supervisor_api.post(
        bank_url("KNOWN", "/content"),
        {"photo": upload(noise_png(3)), "content_id": "ext-9", "metadata": metadata},
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body["signals"]) == {"pdq", "md5", "sha256"}
    assert body["id"] == body["content_ids"]["pdq"]
    entries = BankEntry.objects.order_by("pk")
    assert [e.signal_type for e in entries] == ["pdq", "md5", "sha256"]
    assert {e.external_id for e in entries} == {"ext-9"}
    assert entries[0].metadata == {"json": {"case": 7}}


def test_adding_a_video_by_file_banks_its_vpdq(supervisor_api, supervisor):
    make_bank(supervisor)
    response = supervisor_api.post(
        bank_url("KNOWN", "/content") + "?types=vpdq", {"video": upload(tiny_mp4(), "v.mp4")}
    )
    assert response.status_code == 200
    entry = BankEntry.objects.get()
    assert entry.signal_type == "vpdq" and entry.frames.count("\n") == 3


@pytest.mark.parametrize(
    ("path", "data", "expected"),
    [
        ("/content?url=https://example.com/a.jpg", {}, "does not fetch"),
        ("/content", {}, "Neither `url` nor multipart file upload"),
        ("/content", {"photo": upload(b"GIF89a broken")}, "not one we can open"),
        ("/content", {"photo": upload(noise_png(1)), "metadata": "[1]"}, "json object"),
    ],
)
def test_bad_content_is_a_400(supervisor_api, supervisor, path, data, expected):
    make_bank(supervisor)
    response = supervisor_api.post(bank_url("KNOWN", path), data)
    assert response.status_code == 400
    assert expected in message(response)
    assert not BankEntry.objects.exists()


def test_content_reads_in_hmas_shape_with_signals_on_request(analyst_api, supervisor):
    entry = add(supervisor, make_bank(supervisor), "pdq", BASE)
    url = bank_url("KNOWN", f"/content/{entry.pk}")

    plain = analyst_api.get(url).json()
    with_signals = analyst_api.get(url, {"include_signals": "true"}).json()

    assert plain == {
        "id": entry.pk,
        "disable_until_ts": 1,
        "collab_metadata": {},
        "original_media_uri": None,
        "bank": {"name": "KNOWN", "matching_enabled_ratio": 1.0},
        "enabled": True,
    }
    assert with_signals["signals"] == {"pdq": BASE}
    assert analyst_api.get(url, {"signal_type": "pdq"}).json()["signals"] == {"pdq": BASE}
    assert analyst_api.get(url, {"signal_type": "video_md5"}).json()["signals"] == {}
    assert analyst_api.get(url, {"signal_type": "tmk"}).status_code == 400


def test_partners_cannot_read_banked_hashes(partner_api, supervisor):
    entry = add(supervisor, make_bank(supervisor), "pdq", BASE)
    response = partner_api.get(bank_url("KNOWN", f"/content/{entry.pk}"))
    assert response.status_code == 403


def test_content_is_disabled_until_a_date_then_enabled_again(supervisor_api, supervisor):
    entry = add(supervisor, make_bank(supervisor), "pdq", BASE)
    url = bank_url("KNOWN", f"/content/{entry.pk}")
    until = int(time.time()) + 86_400

    response = supervisor_api.put(url, {"disable_until_ts": until}, format="json")

    assert response.status_code == 200
    assert response.json()["disable_until_ts"] == until
    assert response.json()["enabled"] is False
    entry.refresh_from_db()
    assert not entry.enabled and entry.disabled_until > timezone.now()
    enabled = supervisor_api.put(url, {"disable_until_ts": "1"}, format="json").json()
    assert enabled["disable_until_ts"] == 1
    disabled = supervisor_api.put(url, {"disable_until_ts": 0}, format="json").json()
    assert disabled["disable_until_ts"] == 0
    assert AuditEvent.objects.filter(action="bank.entry_changed").count() == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-5, "non-negative"),
        (int(time.time()) + 6 * 365 * 86_400, "less than 5 years"),
        ("soon", "Invalid int"),
    ],
)
def test_bad_disable_dates_are_400s(supervisor_api, supervisor, value, expected):
    entry = add(supervisor, make_bank(supervisor), "pdq", BASE)
    url = bank_url("KNOWN", f"/content/{entry.pk}")
    response = supervisor_api.put(url, {"disable_until_ts": value}, format="json")
    assert response.status_code == 400
    assert expected in message(response)
    entry.refresh_from_db()
    assert entry.enabled


def test_content_is_deleted(supervisor_api, supervisor):
    entry = add(supervisor, make_bank(supervisor), "pdq", BASE)
    response = supervisor_api.delete(bank_url("KNOWN", f"/content/{entry.pk}"))
    assert response.json() == {"deleted": 1}
    assert not BankEntry.objects.exists()
    assert supervisor_api.delete(bank_url("KNOWN", f"/content/{entry.pk}")).status_code == 404


def test_deleting_matched_content_disables_it_to_keep_the_record(supervisor_api, supervisor):
    entry = matched_entry(supervisor)

    response = supervisor_api.delete(bank_url("KNOWN", f"/content/{entry.pk}"))

    assert response.json() == {"deleted": 0, "disabled": True}
    entry.refresh_from_db()
    assert not entry.enabled


def test_content_of_another_bank_of_the_same_organisation_is_404_under_this_bank(
    supervisor_api, supervisor
):
    make_bank(supervisor, "ONE")
    entry = add(supervisor, make_bank(supervisor, "TWO"), "pdq", BASE)
    assert supervisor_api.get(bank_url("ONE", f"/content/{entry.pk}")).status_code == 404
