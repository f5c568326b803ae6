"""HMA's hashing (/h/) and matching (/m/) endpoints, in the shapes HMA clients read."""

import json

import pytest
from django.db import DatabaseError

from haven.hashing.signals import hamming
from haven.hma.tests.samples import BASE, add, flip, make_bank, noise_png, tiny_mp4
from haven.matching.live import LiveIndex

HASH = "/hma/h/hash"
LOOKUP = "/hma/m/lookup"
RAW = "/hma/m/raw_lookup"
COMPARE = "/hma/m/compare"
INDEX = "/hma/m/index/status"


def message(response) -> str:
    body = response.json()
    assert body["message"] == body["error"]["message"]
    return body["message"]


# -- /status ------------------------------------------------------------------------------


def test_status_says_alive_to_anyone_and_nothing_more(client, db):
    response = client.get("/hma/status")

    assert response.status_code == 200
    assert response.content == b"I-AM-ALIVE"
    assert response["Content-Type"].startswith("text/plain")


def test_status_says_the_index_is_stale_when_it_cannot_follow_the_banks(
    client, analyst_api, analyst, monkeypatch
):
    make_bank(analyst)
    analyst_api.get(LOOKUP, {"signal_type": "pdq", "signal": BASE})  # loads the index

    def broken(self):
        raise DatabaseError("gone")

    monkeypatch.setattr(LiveIndex, "current", broken)
    response = client.get("/hma/status")

    assert response.status_code == 503
    assert response.content == b"INDEX-STALE"


# -- /h/hash ------------------------------------------------------------------------------


def test_hashing_a_photo_gives_pdq_md5_and_sha256(partner_api):
    png = noise_png(1)

    response = partner_api.post(HASH, {"photo": _file(png)}, format="multipart")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"pdq", "md5", "sha256"}
    assert all(isinstance(value, str) for value in body.values())
    assert len(body["pdq"]) == 64 and len(body["md5"]) == 32 and len(body["sha256"]) == 64


def test_types_narrow_the_signals_computed(partner_api):
    response = partner_api.post(HASH + "?types=pdq", {"photo": _file(noise_png(1))})
    assert set(response.json()) == {"pdq"}


def test_hashing_a_video_gives_video_md5_sha256_and_vpdq_in_hmas_form(partner_api):
    response = partner_api.post(HASH, {"video": _file(tiny_mp4(), "clip.mp4")})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"video_md5", "sha256", "vpdq"}
    frames = json.loads(body["vpdq"])
    assert len(frames) == 3
    pdq, quality, seconds = frames[0].split(",")
    assert len(pdq) == 64 and 0 <= int(quality) <= 100 and float(seconds) == 0.0


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        ({"photo": b"\x89PNG\r\n\x1a\nnot really"}, "damaged or incomplete"),
        ({"photo": b"just some text"}, "not supported"),
        ({"photo": b""}, "Missing multipart/form-data"),
        ({"picture": b"\x89PNG"}, "no such content_type: 'picture'"),
    ],
)
def test_a_bad_file_is_a_400_with_the_reason(partner_api, upload, expected):
    files = {field: _file(data) for field, data in upload.items() if data}
    response = partner_api.post(HASH, files, format="multipart")
    assert response.status_code == 400
    assert expected in message(response)


def test_a_video_sent_as_a_photo_is_refused(partner_api):
    response = partner_api.post(HASH, {"photo": _file(tiny_mp4(), "clip.mp4")})
    assert response.status_code == 400
    assert "field 'video'" in message(response)


def test_two_files_are_refused(partner_api):
    files = {"photo": [_file(noise_png(1)), _file(noise_png(2))]}
    response = partner_api.post(HASH, files, format="multipart")
    assert response.status_code == 400
    assert message(response) == "Only one file allowed per request"


def test_an_unknown_signal_type_to_compute_is_refused(partner_api):
    response = partner_api.post(HASH + "?types=tmk", {"photo": _file(noise_png(1))})
    assert response.status_code == 400
    assert "tmk" in message(response)


def test_a_file_over_the_upload_limit_is_refused(partner_api, settings):
    settings.MAX_UPLOAD_BYTES = 100
    response = partner_api.post(HASH, {"photo": _file(noise_png(1))})
    assert response.status_code == 400
    assert "too large" in message(response)


def test_haven_does_not_fetch_addresses(partner_api):
    response = partner_api.get(HASH, {"url": "https://example.com/a.jpg"})
    assert response.status_code == 400
    assert "does not fetch" in message(response)
    assert message(partner_api.get(HASH)) == "url is required"


# -- /m/lookup ----------------------------------------------------------------------------


def test_a_lookup_groups_matches_by_bank_with_content_ids_and_distances(analyst_api, supervisor):
    known = make_bank(supervisor, "KNOWN")
    other = make_bank(supervisor, "OTHER")
    near = add(supervisor, known, "pdq", flip(BASE, 4))
    exact = add(supervisor, other, "pdq", BASE)
    add(supervisor, other, "pdq", flip(BASE, 60))

    response = analyst_api.get(LOOKUP, {"signal_type": "pdq", "signal": BASE})

    assert response.status_code == 200
    assert response.json() == {
        "KNOWN": [{"bank_content_id": near.pk, "distance": "4"}],
        "OTHER": [{"bank_content_id": exact.pk, "distance": "0"}],
    }


def test_no_match_is_an_empty_object(partner_api, supervisor):
    make_bank(supervisor)
    response = partner_api.get(LOOKUP, {"signal_type": "pdq", "signal": BASE})
    assert response.status_code == 200
    assert response.json() == {}


def test_md5_lookups_take_hmas_video_md5_name_and_havens_md5(partner_api, supervisor):
    entry = add(supervisor, make_bank(supervisor), "md5", "ab" * 16)
    for name in ("video_md5", "md5"):
        response = partner_api.get(LOOKUP, {"signal_type": name, "signal": "AB" * 16})
        assert response.json() == {"KNOWN": [{"bank_content_id": entry.pk, "distance": "0"}]}


def test_the_banks_parameter_limits_the_lookup(partner_api, supervisor):
    add(supervisor, make_bank(supervisor, "A"), "pdq", BASE)
    add(supervisor, make_bank(supervisor, "B"), "pdq", BASE)

    response = partner_api.get(LOOKUP, {"signal_type": "pdq", "signal": BASE, "banks": "B,C"})

    assert list(response.json()) == ["B"]


def test_each_banks_threshold_applies_and_a_request_threshold_overrides_it(partner_api, supervisor):
    add(supervisor, make_bank(supervisor, "TIGHT", pdq_threshold=5), "pdq", flip(BASE, 8))
    query = {"signal_type": "pdq", "signal": BASE}

    assert partner_api.get(LOOKUP, query).json() == {}
    assert list(partner_api.get(LOOKUP, {**query, "threshold": 8}).json()) == ["TIGHT"]
    assert partner_api.get(LOOKUP, {**query, "threshold": 7}).json() == {}


def test_disabled_banks_and_content_do_not_match(partner_api, supervisor):
    add(supervisor, make_bank(supervisor, "OFF", enabled=False), "pdq", BASE)
    entry = add(supervisor, make_bank(supervisor, "ON"), "pdq", BASE)
    entry.enabled = False
    entry.save()
    assert partner_api.get(LOOKUP, {"signal_type": "pdq", "signal": BASE}).json() == {}


def test_a_safe_bank_hit_leaves_the_suppressed_hits_out(partner_api, supervisor):
    add(supervisor, make_bank(supervisor, "KNOWN"), "pdq", BASE)
    safe = add(supervisor, make_bank(supervisor, "SAFE", is_safe=True), "pdq", flip(BASE, 2))

    response = partner_api.get(LOOKUP, {"signal_type": "pdq", "signal": BASE})

    assert response.json() == {"SAFE": [{"bank_content_id": safe.pk, "distance": "2"}]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"signal_type": "pdq", "signal": "zz" * 32}, "invalid signal"),
        ({"signal_type": "pdq", "signal": "ab" * 8}, "64 hexadecimal digits"),
        ({"signal_type": "tmk", "signal": BASE}, "No such signal type 'tmk'"),
        ({"signal_type": "pdq"}, "both signal and signal_type are required"),
        ({"signal": BASE}, "both signal and signal_type are required"),
        ({"signal_type": "pdq", "signal": BASE, "threshold": 64}, "between 0 and 63"),
        ({"signal_type": "pdq", "signal": BASE, "threshold": "-1"}, "between 0 and 63"),
        ({"signal_type": "pdq", "signal": BASE, "threshold": "x"}, "between 0 and 63"),
        ({"signal_type": "vpdq", "signal": '["nonsense"]'}, "not vPDQ"),
        ({"url": "https://example.com/a.jpg"}, "does not fetch"),
    ],
)
def test_bad_lookups_are_400s_with_a_message(partner_api, query, expected):
    response = partner_api.get(LOOKUP, query)
    assert response.status_code == 400
    assert expected in message(response)


def test_a_lookup_by_file_answers_per_signal_type(partner_api, supervisor):
    png = noise_png(7)
    hashed = partner_api.post(HASH, {"photo": _file(png)}).json()
    bank = make_bank(supervisor)
    by_md5 = add(supervisor, bank, "md5", hashed["md5"])
    by_pdq = add(supervisor, bank, "pdq", flip(hashed["pdq"], 3))

    response = partner_api.post(LOOKUP, {"photo": _file(png)})

    assert response.status_code == 200
    assert response.json() == {
        "pdq": {"KNOWN": [{"bank_content_id": by_pdq.pk, "distance": "3"}]},
        "md5": {"KNOWN": [{"bank_content_id": by_md5.pk, "distance": "0"}]},
        "sha256": {},
    }


def test_a_video_lookup_by_file_finds_the_banked_vpdq(partner_api, supervisor):
    video = tiny_mp4(seed=3)
    vpdq = partner_api.post(HASH + "?types=vpdq", {"video": _file(video, "v.mp4")}).json()
    bank = make_bank(supervisor)
    added = supervisor_signal(supervisor, bank, "vpdq", vpdq["vpdq"])

    response = partner_api.post(LOOKUP, {"video": _file(video, "v.mp4")})

    assert response.json()["vpdq"] == {"KNOWN": [{"bank_content_id": added.pk, "distance": "100%"}]}
    assert response.json()["video_md5"] == {}


# -- /m/raw_lookup ------------------------------------------------------------------------


def test_raw_lookup_lists_content_ids_and_on_request_distances(partner_api, supervisor):
    bank = make_bank(supervisor)
    exact, near = add(supervisor, bank, "pdq", BASE), add(supervisor, bank, "pdq", flip(BASE, 9))
    query = {"signal_type": "pdq", "signal": BASE}

    assert partner_api.get(RAW, query).json() == {"matches": [exact.pk, near.pk]}
    with_distance = partner_api.get(RAW, {**query, "include_distance": "true"}).json()
    assert with_distance == {
        "matches": [
            {"bank_content_id": exact.pk, "distance": "0"},
            {"bank_content_id": near.pk, "distance": "9"},
        ]
    }


def test_raw_lookup_refuses_a_bad_boolean(partner_api):
    response = partner_api.get(
        RAW, {"signal_type": "pdq", "signal": BASE, "include_distance": "maybe"}
    )
    assert response.status_code == 400
    assert "prefer true/false" in message(response)


# -- /m/compare ---------------------------------------------------------------------------


def test_compare_gives_hmas_match_and_distance_per_signal_type(partner_api):
    body = {"pdq": [BASE, flip(BASE, 9)], "md5": ["ab" * 16, "cd" * 16]}

    response = partner_api.post(COMPARE, body, format="json")

    assert response.status_code == 200
    assert response.json() == {"pdq": [True, {"distance": 9}], "md5": [False, {}]}
    far = partner_api.post(COMPARE, {"pdq": [BASE, flip(BASE, 40)]}, format="json").json()
    assert far == {"pdq": [False, {"distance": hamming(BASE, flip(BASE, 40))}]}


def test_compare_takes_a_threshold(partner_api):
    response = partner_api.post(
        COMPARE + "?threshold=8", {"pdq": [BASE, flip(BASE, 9)]}, format="json"
    )
    assert response.json() == {"pdq": [False, {"distance": 9}]}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"pdq": BASE}, "was not a list"),
        ({"pdq": [BASE]}, "exactly 2"),
        ({"pdq": [BASE, "nothex"]}, "Invalid pdq hash"),
        ({"tmk": [BASE, BASE]}, "No such signal type"),
        ([BASE, BASE], "was not a dict"),
    ],
)
def test_bad_comparisons_are_400s(partner_api, body, expected):
    response = partner_api.post(COMPARE, body, format="json")
    assert response.status_code == 400
    assert expected in message(response)


# -- /m/index/status ----------------------------------------------------------------------


def test_index_status_describes_each_signal_type_for_the_callers_banks_only(
    analyst_api, supervisor, outsider
):
    bank = make_bank(supervisor)
    add(supervisor, bank, "pdq", BASE)
    add(supervisor, bank, "pdq", flip(BASE, 50))
    add(outsider, make_bank(outsider), "pdq", flip(BASE, 20))

    response = analyst_api.get(INDEX)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"pdq", "video_md5", "vpdq", "md5", "sha256"}
    assert body["pdq"]["present"] is True and body["pdq"]["size"] == 2
    assert isinstance(body["pdq"]["built_to"], int) and body["pdq"]["built_to"] > 0
    assert body["md5"] == {**body["md5"], "size": 0}


def test_index_status_for_one_signal_type_and_an_unknown_one(analyst_api):
    assert list(analyst_api.get(INDEX, {"signal_type": "pdq"}).json()) == ["pdq"]
    response = analyst_api.get(INDEX, {"signal_type": "tmk"})
    assert response.status_code == 400
    assert message(response) == "No such signal type 'tmk'"


# -- helpers --------------------------------------------------------------------------------


def _file(data: bytes, name: str = "upload.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def supervisor_signal(supervisor, bank, signal_type: str, value: str):
    from haven.hma.signals import parse_signal

    parsed = parse_signal(signal_type, value)
    return add(supervisor, bank, parsed.signal_type, parsed.frames or parsed.value)


def test_status_answers_head_requests_for_load_balancers(client, db):
    assert client.head("/hma/status").status_code == 200


def test_an_empty_file_is_refused(partner_api):
    response = partner_api.post(HASH, {"photo": _file(b"")})
    assert response.status_code == 400
    assert message(response) in ("The file is empty.", "Missing multipart/form-data file upload")


def test_a_vpdq_lookup_by_hash_takes_hmas_json_form(partner_api, supervisor):
    video = tiny_mp4(seed=4)
    vpdq = partner_api.post(HASH + "?types=vpdq", {"video": _file(video, "v.mp4")}).json()
    added = supervisor_signal(supervisor, make_bank(supervisor), "vpdq", vpdq["vpdq"])

    response = partner_api.get(LOOKUP, {"signal_type": "vpdq", "signal": vpdq["vpdq"]})

    assert response.json() == {"KNOWN": [{"bank_content_id": added.pk, "distance": "100%"}]}


def test_compare_measures_two_videos_shares_of_each_other(partner_api):
    frames = [f"{flip(BASE, n * 40)},100,{n}.000" for n in range(4)]
    left, right = json.dumps(frames), json.dumps(frames[:2])

    response = partner_api.post(COMPARE, {"vpdq": [left, right]}, format="json")

    assert response.json() == {
        "vpdq": [False, {"query_match_percent": 50.0, "compared_match_percent": 100.0}]
    }
