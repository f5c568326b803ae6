"""One organisation can never see or change another's banks or content through HMA.

The outsider is a supervisor of another organisation, so nothing but the organisation
boundary stands in the way: every bank name and content id of the Northern Hotline must
answer 404 to them, exactly as one that does not exist, and change nothing.
"""

import time

import pytest

from haven.audit.models import AuditEvent
from haven.hma.tests.samples import BASE, add, flip, make_bank, noise_png
from haven.matching.models import BankEntry, HashBank

NEVER = "NO_SUCH_BANK"


@pytest.fixture
def theirs(supervisor):
    """The Northern Hotline's bank and entry, which the outsider tries to reach."""
    bank = make_bank(supervisor, "NORTHERN")
    return bank, add(supervisor, bank, "pdq", BASE)


def _snapshot():
    banks = list(HashBank.objects.order_by("pk").values())
    entries = list(BankEntry.objects.order_by("pk").values())
    return banks, entries


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("upload.png", noise_png(5))


def _calls(bank_name: str, content_id: int):
    bank = f"/hma/c/bank/{bank_name}"
    content = f"{bank}/content/{content_id}"
    until = int(time.time()) + 3600
    return [
        ("get", bank, None, None),
        ("put", bank, {"name": "STOLEN", "enabled": False}, "json"),
        ("delete", bank, None, None),
        ("post", f"{bank}/signal", {"pdq": flip(BASE, 1)}, "json"),
        ("post", f"{bank}/content", {"photo": _upload()}, "multipart"),
        ("get", content, None, None),
        ("get", content + "?include_signals=true", None, None),
        ("put", content, {"disable_until_ts": until}, "json"),
        ("delete", content, None, None),
    ]


def _call(client, method, path, data, fmt):
    if data is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, data, format=fmt)


def test_every_bank_and_content_endpoint_answers_404_to_another_organisation(
    outsider_api, outsider, theirs
):
    bank, entry = theirs
    make_bank(outsider, "SOUTHERN")  # the outsider has banks of its own
    before = _snapshot()
    audit_before = AuditEvent.objects.filter(organisation_id=bank.organisation_id).count()

    for call in _calls(bank.name, entry.pk):
        response = _call(outsider_api, *call)
        assert response.status_code == 404, (call, response.content)
        assert response.json()["message"] == "No such bank"

    assert _snapshot() == before
    after = AuditEvent.objects.filter(organisation_id=bank.organisation_id).count()
    assert after == audit_before


def test_the_404_is_the_same_as_for_a_bank_that_does_not_exist(outsider_api, theirs):
    bank, _ = theirs
    for theirs_call, absent_call in zip(_calls(bank.name, 1), _calls(NEVER, 1), strict=True):
        got = _call(outsider_api, *theirs_call)
        absent = _call(outsider_api, *absent_call)
        assert (got.status_code, got.json()) == (absent.status_code, absent.json())


def test_another_organisations_content_id_under_ones_own_bank_is_404(
    outsider_api, outsider, theirs
):
    _, entry = theirs
    make_bank(outsider, "SOUTHERN")
    before = _snapshot()
    content = f"/hma/c/bank/SOUTHERN/content/{entry.pk}"

    for method, data in (("get", None), ("put", {"disable_until_ts": 0}), ("delete", None)):
        response = _call(outsider_api, method, content, data, "json")
        assert response.status_code == 404
        assert response.json()["message"] == "No such entry"
    assert _snapshot() == before


def test_the_bank_list_shows_only_the_callers_banks(outsider_api, outsider, theirs):
    make_bank(outsider, "SOUTHERN")
    assert [b["name"] for b in outsider_api.get("/hma/c/banks").json()] == ["SOUTHERN"]


def test_a_bank_may_share_a_name_with_another_organisations(outsider_api, theirs):
    response = outsider_api.post("/hma/c/banks", {"name": "NORTHERN"}, format="json")
    assert response.status_code == 201
    assert HashBank.objects.filter(name="NORTHERN").count() == 2


def test_a_lookup_never_returns_another_organisations_entries(
    outsider_api, outsider, analyst_api, theirs
):
    _, entry = theirs
    mine = add(outsider, make_bank(outsider, "SOUTHERN"), "pdq", BASE)
    query = {"signal_type": "pdq", "signal": BASE}

    assert outsider_api.get("/hma/m/lookup", query).json() == {
        "SOUTHERN": [{"bank_content_id": mine.pk, "distance": "0"}]
    }
    assert analyst_api.get("/hma/m/lookup", query).json() == {
        "NORTHERN": [{"bank_content_id": entry.pk, "distance": "0"}]
    }
    assert outsider_api.get("/hma/m/raw_lookup", query).json() == {"matches": [mine.pk]}
    named = outsider_api.get("/hma/m/lookup", {**query, "banks": "NORTHERN"}).json()
    assert named == {}


def test_a_file_lookup_never_returns_another_organisations_entries(
    outsider_api, outsider, supervisor
):
    png = noise_png(5)
    hashed = outsider_api.post("/hma/h/hash", {"photo": _upload()}).json()
    add(supervisor, make_bank(supervisor, "NORTHERN"), "md5", hashed["md5"])
    make_bank(outsider, "SOUTHERN")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = outsider_api.post("/hma/m/lookup", {"photo": SimpleUploadedFile("a.png", png)})

    assert response.json() == {"pdq": {}, "md5": {}, "sha256": {}}


def test_index_status_counts_only_the_callers_entries(outsider_api, theirs):
    assert outsider_api.get("/hma/m/index/status").json()["pdq"]["size"] == 0
