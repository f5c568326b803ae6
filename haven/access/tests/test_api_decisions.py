"""The decision API over HTTP: a school's and a parental tool's calls, batches, errors,
who may call it, rate limits, and what is (not) stored."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_user, token_client
from haven.access.access import organisation_policy
from haven.access.catalogue import Action
from haven.access.models import AdultAlert, ChildProfile
from haven.access.serializers import DecisionSerializer
from haven.access.tests.test_service import adjust
from haven.accounts.models import Role
from haven.api import throttling
from haven.audit.models import AuditEvent
from haven.audit.services import Actor

pytestmark = pytest.mark.django_db

URL = "/api/v1/access/decisions/"
BATCH_URL = "/api/v1/access/decisions/batch/"
GROOMING = (
    "you're so mature for your age. how old are you? don't tell your parents about us, "
    "it's our secret. delete this chat and add me on snapchat. send me a photo of you. "
    "let's meet up after school, I'll buy you a new phone"
)


def post(client, body, url=URL):
    return client.post(url, body, format="json")


def decisive_rules(data) -> list[str]:
    return [reason["rule"] for reason in data["reasons"] if reason["decisive"]]


def test_a_school_gets_a_reasoned_decision_with_cited_rules(supervisor_api, school_policy):
    response = post(
        supervisor_api,
        {
            "policy": school_policy.public_id,
            "profile": {"age": 11, "monitored_by": "school"},
            "context": "school",
            "content": {
                "descriptors": {"violence": "realistic_intense", "profanity": "mild"},
                "ref": "https://video.example/watch/1",
                "title": "A documentary",
            },
        },
    )

    assert response.status_code == 200
    data = response.json()
    assert data["action"] == "restrict"
    assert data["age_band"] == "10-12"
    assert data["context"] == "school"
    assert decisive_rules(data) == ["OARS-VIOL-10"]
    cited = {reason["rule"]: reason for reason in data["reasons"]}
    assert cited["OARS-VIOL-10"]["source"]
    assert cited["OARS-VIOL-10"]["action"] == "restrict"
    assert "OARS-LANG-2" in cited and not cited["OARS-LANG-2"]["decisive"]
    assert data["monitoring"]["active"] is True and data["monitoring"]["notice"]
    assert data["explanation"]["child"] and data["explanation"]["adult"]
    assert data["policy"] == {"id": school_policy.public_id, "version": school_policy.version}
    assert data["why_url"] is None  # an inline profile: nobody to send a link for


def test_every_field_of_the_schema_is_in_a_decision_and_nothing_else(supervisor_api):
    response = post(supervisor_api, {"profile": {"age": 9}, "content": {"descriptors": {}}})

    assert set(response.json()) == set(DecisionSerializer().fields)


def test_a_parental_tool_sends_text_and_a_known_child_gets_help_and_an_adult_alert(
    supervisor_api, child
):
    response = post(
        supervisor_api,
        {"profile": {"id": child.public_id}, "content": {"text": GROOMING, "ref": "chat:7"}},
    )

    data = response.json()
    assert response.status_code == 200
    assert data["action"] == "restrict"
    assert data["alert_adult"] is True and data["alert_raised"] is True
    assert data["show_support"] is True and data["support"]
    assert "grooming" in {signal["descriptor"] for signal in data["signals"]}
    assert data["why_url"].startswith("http://testserver/access/why/")
    assert data["profile"] == child.public_id
    alert = AdultAlert.objects.get(profile=child)
    assert "grooming" in alert.categories
    stored = repr([getattr(alert, f.attname) for f in AdultAlert._meta.concrete_fields])
    assert "secret" not in stored and "snapchat" not in stored and "photo" not in stored


def test_no_text_is_stored_anywhere_by_a_decision(supervisor_api, child):
    events_before = AuditEvent.objects.count()

    post(supervisor_api, {"profile": {"id": child.public_id}, "content": {"text": GROOMING}})

    new_events = AuditEvent.objects.order_by("pk")[events_before:]
    assert [event.action for event in new_events] == ["access.alert.raise"]
    assert "secret" not in repr([event.detail for event in new_events])
    assert "snapchat" not in repr(list(ChildProfile.objects.values()))


def test_decisions_are_not_audited_one_by_one(supervisor_api, child):
    before = AuditEvent.objects.count()

    for _ in range(3):
        post(supervisor_api, {"profile": {"id": child.public_id}, "content": {"descriptors": {}}})

    assert AuditEvent.objects.count() == before


def test_an_approved_request_to_unblock_allows_with_hvn_approved(supervisor_api, child, guardian):
    from haven.access import unblocking
    from haven.access.links import read_why_token

    body = {
        "profile": {"id": child.public_id},
        "content": {"descriptors": {"horror": "intense"}, "ref": "https://films.example/9"},
    }
    first = post(supervisor_api, body).json()
    token = first["why_url"].rstrip("/").rsplit("/", 1)[-1]
    request = unblocking.create_request(Actor.public(), child, read_why_token(token))
    unblocking.decide_request(Actor.for_user(guardian), request, approve=True)

    again = post(supervisor_api, body).json()

    assert first["action"] == "restrict"
    assert again["action"] == "allow"
    assert decisive_rules(again) == ["HVN-APPROVED"]
    assert again["why_url"] is None


def test_an_adjusted_family_policy_changes_the_next_decision(
    supervisor_api, child, family_policy, supervisor
):
    body = {"profile": {"id": child.public_id}, "content": {"descriptors": {"horror": "mild"}}}
    before = post(supervisor_api, body).json()
    adjust(family_policy, "horror", "mild", before["age_band"], Action.RESTRICT)

    after = post(supervisor_api, body).json()

    assert (before["action"], after["action"]) == ("allow", "restrict")
    assert after["policy"]["version"] == before["policy"]["version"] + 1
    assert decisive_rules(after)[0].startswith(family_policy.public_id + ":")


# --- Batches --------------------------------------------------------------------------------


def test_a_batch_with_a_bad_item_in_the_middle_decides_the_others(supervisor_api, child):
    items = [
        {"profile": {"id": child.public_id}, "content": {"descriptors": {"gore": "intense"}}},
        {"profile": {"age": 130}, "content": {"descriptors": {"gore": "mild"}}},
        {"profile": {"age": 15}, "content": {"descriptors": {"gore": "mild"}}},
    ]

    response = post(supervisor_api, {"items": items}, BATCH_URL)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [result["index"] for result in results] == [0, 1, 2]
    assert results[0]["action"] == "block"
    assert results[1] == {
        "index": 1,
        "error": {
            "code": "invalid",
            "message": "Some fields are not valid.",
            "fields": {"profile.age": ["A whole number of years from 0 to 120."]},
        },
    }
    assert results[2]["action"] == "allow"


def test_a_batch_over_500_items_is_refused_with_a_clear_message(supervisor_api):
    item = {"profile": {"age": 9}, "content": {"descriptors": {}}}

    response = post(supervisor_api, {"items": [item] * 501}, BATCH_URL)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["items"] == [
        "At most 500 items in one batch; this one has 501. Split it."
    ]


def test_a_batch_of_500_items_is_decided(supervisor_api):
    item = {"profile": {"age": 9}, "content": {"descriptors": {"horror": "mild"}}}

    response = post(supervisor_api, {"items": [item] * 500}, BATCH_URL)

    assert response.status_code == 200
    assert len(response.json()["results"]) == 500


@pytest.mark.parametrize("body", [{}, {"items": {}}, [1, 2]])
def test_a_batch_without_a_list_of_items_is_refused(supervisor_api, body):
    response = post(supervisor_api, body, BATCH_URL)

    assert response.status_code == 400
    assert "items" in response.json()["error"]["fields"]


# --- Errors ---------------------------------------------------------------------------------


def test_invalid_input_is_answered_in_the_api_error_shape_by_field(supervisor_api):
    response = post(
        supervisor_api,
        {
            "profile": {"age": 9, "vulnerabilities": ["shy"]},
            "context": "library",
            "content": {"descriptors": {"violence": "extreme", "swearing": "mild"}},
        },
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {
        "profile.vulnerabilities",
        "context",
        "content.descriptors.violence",
        "content.descriptors.swearing",
    }
    assert "realistic_intense" in error["fields"]["content.descriptors.violence"][0]
    assert "profanity" in error["fields"]["content.descriptors.swearing"][0]


def test_text_over_20000_characters_is_refused_not_cut(supervisor_api):
    response = post(supervisor_api, {"profile": {"age": 9}, "content": {"text": "x" * 20_001}})

    assert response.status_code == 400
    assert "20,000" in response.json()["error"]["fields"]["content.text"][0]


def test_a_body_that_is_not_json_is_a_parse_error(supervisor_api):
    response = supervisor_api.post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_another_organisations_profile_and_policy_are_not_found(supervisor_api, other_organisation):
    their_policy = organisation_policy(other_organisation)
    their_child = ChildProfile.objects.create(
        organisation=other_organisation,
        policy=their_policy,
        label="Theirs",
        birth_year=2015,
    )
    content = {"descriptors": {}}

    by_profile = post(
        supervisor_api, {"profile": {"id": their_child.public_id}, "content": content}
    )
    missing_profile = post(supervisor_api, {"profile": {"id": "chd_none"}, "content": content})
    by_policy = post(
        supervisor_api,
        {"policy": their_policy.public_id, "profile": {"age": 9}, "content": content},
    )

    for response in (by_profile, missing_profile, by_policy):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert by_profile.json()["error"]["message"] == (
        f"No profile {their_child.public_id} in your organisation."
    )
    assert missing_profile.json()["error"]["message"] == "No profile chd_none in your organisation."


# --- Who may call it ------------------------------------------------------------------------


def test_without_a_token_a_decision_is_401(client):
    response = client.post(URL, {}, content_type="application/json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.GUARDIAN])
def test_counsellors_and_guardians_are_refused(organisation, role):
    api = token_client(make_user(organisation, "someone", role))

    response = post(api, {"profile": {"age": 9}, "content": {"descriptors": {}}})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("persona", ["analyst_api", "supervisor_api", "supervisor_api"])
def test_staff_and_partner_services_may_ask(request, persona):
    api = request.getfixturevalue(persona)

    response = post(api, {"profile": {"age": 9}, "content": {"descriptors": {}}})

    assert response.status_code == 200


def test_the_token_rate_limit_applies(partner, monkeypatch):
    monkeypatch.setattr(throttling, "_now", lambda: 3_000_000.0)
    api = token_client(partner, rate_per_minute=2)
    body = {"profile": {"age": 9}, "content": {"descriptors": {}}}

    statuses = [post(api, body).status_code for _ in range(2)]
    statuses.append(post(api, {"items": [body]}, BATCH_URL).status_code)

    assert statuses == [200, 200, 429]


# --- Speed ----------------------------------------------------------------------------------


def test_a_decision_for_a_known_child_takes_at_most_three_queries(supervisor_api, child):
    body = {"profile": {"id": child.public_id}, "content": {"descriptors": {"gore": "mild"}}}
    post(supervisor_api, body)  # compiles the policy and records the token's use

    with CaptureQueriesContext(connection) as queries:
        response = post(supervisor_api, body)

    assert response.status_code == 200
    assert len(queries) <= 3, [query["sql"] for query in queries]


def approve_first_decision(api, child, guardian, body) -> None:
    from haven.access import unblocking
    from haven.access.links import read_why_token

    token = post(api, body).json()["why_url"].rstrip("/").rsplit("/", 1)[-1]
    request = unblocking.create_request(Actor.public(), child, read_why_token(token))
    unblocking.decide_request(Actor.for_user(guardian), request, approve=True)


def test_an_approval_covers_what_the_adult_saw_and_nothing_more_severe(
    supervisor_api, child, guardian
):
    ref = "https://films.example/feed"
    approved = {"profile": {"id": child.public_id}, "content": {"ref": ref}}
    approve_first_decision(
        supervisor_api,
        child,
        guardian,
        {**approved, "content": {"descriptors": {"horror": "intense"}, "ref": ref}},
    )

    same = post(
        supervisor_api, {**approved, "content": {"descriptors": {"horror": "intense"}, "ref": ref}}
    )
    worse = post(
        supervisor_api,
        {
            **approved,
            "content": {"descriptors": {"horror": "intense", "gore": "intense"}, "ref": ref},
        },
    )
    groomed = post(supervisor_api, {**approved, "content": {"text": GROOMING, "ref": ref}})

    assert same.json()["action"] == "allow"
    assert worse.json()["action"] == "block"
    assert groomed.json()["action"] == "restrict"
    assert "HVN-APPROVED" not in decisive_rules(groomed.json())


def test_grooming_held_back_is_for_the_adults_not_a_childs_request(supervisor_api, child):
    data = post(
        supervisor_api,
        {"profile": {"id": child.public_id}, "content": {"text": GROOMING, "ref": "chat:1"}},
    ).json()

    assert data["action"] == "restrict" and data["alert_adult"]
    assert data["unblockable"] is False


def test_a_child_is_told_an_adult_will_know_only_when_one_is_alerted(supervisor_api, child):
    words = "i want to kill myself tonight"
    known = post(supervisor_api, {"profile": {"id": child.public_id}, "content": {"text": words}})
    inline = post(supervisor_api, {"profile": {"age": 12}, "content": {"text": words}})

    assert known.json()["alert_adult"] and inline.json()["alert_adult"]
    assert "know" in known.json()["explanation"]["child"]
    assert "We will" not in inline.json()["explanation"]["child"]


@pytest.mark.parametrize(
    "content",
    [
        {"text": "hello\x00there"},
        {"ref": "https://example.org/\x00"},
        {"title": "broken \udfff"},
    ],
)
def test_text_with_nul_or_broken_unicode_is_refused_with_a_clear_error(supervisor_api, content):
    body = {"profile": {"age": 12}, "content": {"descriptors": {}, **content}}
    # json.dumps escapes the lone surrogate (\udfff), as a hostile client would send it.
    response = supervisor_api.post(URL, json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    field = f"content.{next(iter(content))}"
    assert field in response.json()["error"]["fields"]


def test_a_malformed_url_as_a_reference_still_gets_a_decision_and_the_alert(supervisor_api, child):
    body = {"profile": {"id": child.public_id}, "content": {"text": GROOMING, "ref": "http://[::1"}}
    response = post(supervisor_api, body)

    assert response.status_code == 200
    assert AdultAlert.objects.filter(profile=child).count() == 1


def test_a_batch_with_too_much_text_in_all_is_refused(supervisor_api):
    item = {"profile": {"age": 12}, "content": {"text": "a" * 20_000}}
    response = post(supervisor_api, {"items": [item] * 11}, BATCH_URL)

    assert response.status_code == 400
    assert "200,000 characters" in response.json()["error"]["fields"]["items"][0]


def test_a_form_post_is_refused_as_an_unsupported_media_type(supervisor_api):
    response = supervisor_api.post(URL, {"profile": "x"}, format="multipart")

    assert response.status_code == 415
