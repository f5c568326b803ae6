"""The access API besides decisions: the catalogue, policies and their matrices,
children's profiles, requests to unblock, and the OpenAPI schema."""

import pytest

from conftest import token_client
from haven.access.access import organisation_policy
from haven.access.catalogue import AGE_BANDS, DESCRIPTORS, Action
from haven.access.models import ChildProfile, UnblockRequest
from haven.access.tests.test_service import adjust
from haven.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PROFILES = "/api/v1/access/profiles/"


def matrix_url(policy) -> str:
    return f"/api/v1/access/policies/{policy.public_id}/"


# --- Catalogue ------------------------------------------------------------------------------


def test_the_catalogue_lists_every_descriptor_with_its_levels(supervisor_api):
    response = supervisor_api.get("/api/v1/access/catalogue/")

    assert response.status_code == 200
    data = response.json()
    listed = {
        item["key"]: [level["key"] for level in item["levels"]] for item in data["descriptors"]
    }
    assert listed == {d.key: list(d.level_keys) for d in DESCRIPTORS}
    assert all(item["label"] for item in data["descriptors"])
    assert [band["key"] for band in data["bands"]] == [band.key for band in AGE_BANDS]
    assert [action["key"] for action in data["actions"]] == [a.key for a in Action]
    assert {"home", "school", "educational"} <= {c["key"] for c in data["contexts"]}
    assert "self_harm_risk" in {v["key"] for v in data["vulnerabilities"]}


def test_the_catalogue_labels_follow_the_request_language(supervisor_api):
    french = supervisor_api.get("/api/v1/access/catalogue/", HTTP_ACCEPT_LANGUAGE="fr")
    english = supervisor_api.get("/api/v1/access/catalogue/", HTTP_ACCEPT_LANGUAGE="en")

    assert french["Content-Language"] == "fr"
    labels = {action["key"]: action["label"] for action in english.json()["actions"]}
    assert labels["block"] == "Block"


# --- Policies -------------------------------------------------------------------------------


def test_the_policies_of_the_organisation_are_listed_and_no_others(
    supervisor_api, org_policy, family_policy, school_policy, other_organisation
):
    organisation_policy(other_organisation)

    response = supervisor_api.get("/api/v1/access/policies/")

    assert response.status_code == 200
    listed = {item["id"]: item for item in response.json()}
    assert set(listed) == {org_policy.public_id, family_policy.public_id, school_policy.public_id}
    assert listed[family_policy.public_id]["parent"] == org_policy.public_id
    assert listed[org_policy.public_id]["parent"] is None
    assert listed[family_policy.public_id]["kind"] == "family"


def test_a_policy_matrix_shows_adjusted_inherited_and_locked_cells(
    supervisor_api, family_policy, supervisor
):
    adjust(family_policy, "horror", "mild", "10-12", Action.WARN)

    response = supervisor_api.get(matrix_url(family_policy), {"context": "home"})

    assert response.status_code == 200
    data = response.json()
    assert data["policy"]["id"] == family_policy.public_id
    assert data["policy"]["adjustments"] == 1
    assert data["context"] == "home"
    assert [layer["id"] for layer in data["layers"]][-1] == family_policy.public_id
    cells = {
        (descriptor["key"], level["key"]): level["cells"]
        for descriptor in data["descriptors"]
        for level in descriptor["levels"]
    }
    adjusted = cells[("horror", "mild")]["10-12"]
    assert (adjusted["action"], adjusted["inherited"]) == ("warn", "allow")
    assert adjusted["locked"] is False
    explicit = cells[("sexual", "explicit")]["16-17"]
    assert explicit["action"] == "block" and explicit["locked"] is True
    assert "OSA-PPC-1" in explicit["rules"]
    assert len(cells) == sum(len(d.levels) for d in DESCRIPTORS)


def test_a_policy_matrix_follows_the_context_and_vulnerabilities(supervisor_api, org_policy):
    home = supervisor_api.get(matrix_url(org_policy)).json()
    school = supervisor_api.get(
        matrix_url(org_policy), {"context": "school", "vulnerabilities": "self_harm_risk"}
    ).json()

    def cell(data, descriptor, level, band):
        found = next(d for d in data["descriptors"] if d["key"] == descriptor)
        return next(lv for lv in found["levels"] if lv["key"] == level)["cells"][band]

    assert home["context"] == "home"
    assert school["vulnerabilities"] == ["self_harm_risk"]
    assert cell(home, "sexual", "education", "6-9")["action"] == "allow_with_guidance"
    assert cell(school, "sexual", "education", "6-9")["action"] == "allow"
    assert cell(school, "self_harm", "discussed", "13-15")["action"] == "warn"


def test_a_policy_matrix_with_an_unknown_context_or_vulnerability_is_400(
    supervisor_api, org_policy
):
    response = supervisor_api.get(
        matrix_url(org_policy), {"context": "moon", "vulnerabilities": "x"}
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"context", "vulnerabilities"}


def test_another_organisations_policy_matrix_is_not_found(supervisor_api, other_organisation):
    theirs = organisation_policy(other_organisation)

    response = supervisor_api.get(matrix_url(theirs))

    assert response.status_code == 404
    assert (
        response.json()["error"]["message"] == f"No policy {theirs.public_id} in your organisation."
    )


# --- Profiles -------------------------------------------------------------------------------


def profile_body(policy, **fields) -> dict:
    return {
        "label": "Kim",
        "policy": policy.public_id,
        "birth_year": 2016,
        "birth_month": 4,
        "maturity": "younger",
        "vulnerabilities": ["contact_risk"],
        "monitored_by": "parent",
        **fields,
    }


def test_a_supervisor_creates_a_childs_profile_under_a_family_policy_audited(
    supervisor_api, family_policy
):
    response = supervisor_api.post(PROFILES, profile_body(family_policy), format="json")

    assert response.status_code == 201
    data = response.json()
    child = ChildProfile.objects.get(public_id=data["id"])
    assert (child.policy, child.label, child.birth_year, child.birth_month) == (
        family_policy,
        "Kim",
        2016,
        4,
    )
    assert child.vulnerabilities == ["contact_risk"]
    assert data["policy"] == family_policy.public_id
    event = AuditEvent.objects.get(action="access.child.create")
    assert event.target_id == str(child.pk)
    assert "Kim" not in repr(event.detail) and "Kim" not in event.actor_label
    assert event.detail["policy"] == family_policy.public_id


def test_the_new_profile_is_used_by_the_next_decision(supervisor_api, family_policy):
    created = supervisor_api.post(
        PROFILES, profile_body(family_policy, vulnerabilities=[]), format="json"
    ).json()

    response = supervisor_api.post(
        "/api/v1/access/decisions/",
        {"profile": {"id": created["id"]}, "content": {"descriptors": {"gore": "mild"}}},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["profile"] == created["id"]


def test_a_profile_needs_a_school_or_family_policy_of_the_organisation(
    supervisor_api, org_policy, other_organisation
):
    theirs = organisation_policy(other_organisation)

    on_org = supervisor_api.post(PROFILES, profile_body(org_policy), format="json")
    on_theirs = supervisor_api.post(PROFILES, profile_body(theirs), format="json")

    assert on_org.status_code == 400
    assert "school or family" in on_org.json()["error"]["fields"]["policy"][0]
    assert on_theirs.status_code == 400
    assert on_theirs.json()["error"]["fields"]["policy"] == [
        f"No policy {theirs.public_id} in your organisation."
    ]
    assert not ChildProfile.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"birth_year": 1990}, "birth_year"),
        ({"birth_year": 2200}, "birth_year"),
        ({"birth_month": 13}, "birth_month"),
        ({"maturity": "wise"}, "maturity"),
        ({"vulnerabilities": ["shy"]}, "vulnerabilities"),
        ({"monitored_by": "aunt"}, "monitored_by"),
        ({"label": ""}, "label"),
    ],
)
def test_a_profile_with_a_bad_field_is_refused_by_field(
    supervisor_api, family_policy, fields, field
):
    response = supervisor_api.post(PROFILES, profile_body(family_policy, **fields), format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_profiles_are_listed_with_public_ids_and_labels_of_the_organisation_only(
    supervisor_api, child, other_organisation
):
    ChildProfile.objects.create(
        organisation=other_organisation,
        policy=organisation_policy(other_organisation),
        label="Theirs",
        birth_year=2015,
    )

    response = supervisor_api.get(PROFILES)

    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": child.public_id, "label": "Ada", "policy": child.policy.public_id}
    ]


def test_analysts_do_not_manage_profiles(analyst_api, family_policy):
    assert analyst_api.get(PROFILES).status_code == 403
    assert analyst_api.post(PROFILES, profile_body(family_policy), format="json").status_code == 403


def test_supervisors_manage_profiles(supervisor_api, family_policy):
    response = supervisor_api.post(PROFILES, profile_body(family_policy), format="json")

    assert response.status_code == 201


# --- Requests to unblock --------------------------------------------------------------------


def make_request(child, **fields) -> UnblockRequest:
    return UnblockRequest.objects.create(
        organisation_id=child.organisation_id,
        profile=child,
        policy=child.policy,
        content_ref="https://films.example/9",
        content_title="A film",
        content_key="k" * 64,
        action="restrict",
        child_message="please, it is for homework",
        **fields,
    )


def test_a_platform_reads_where_a_request_to_unblock_stands(supervisor_api, child):
    waiting = make_request(child)

    response = supervisor_api.get(f"/api/v1/access/unblock-requests/{waiting.token}/")

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "pending"
    assert data["in_force"] is False
    assert data["profile"] == child.public_id
    assert "homework" not in repr(data)


def test_another_organisations_request_to_unblock_is_not_found(outsider, child):
    waiting = make_request(child)

    response = token_client(outsider).get(f"/api/v1/access/unblock-requests/{waiting.token}/")

    assert response.status_code == 404


# --- The schema -----------------------------------------------------------------------------


def test_the_schema_describes_the_access_endpoints(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    paths = schema["paths"]
    decide = paths["/api/v1/access/decisions/"]["post"]
    assert {"200", "400", "401", "403", "404", "429"} <= set(decide["responses"])
    assert {"HavenToken": []} in decide["security"]
    assert "post" in paths["/api/v1/access/decisions/batch/"]
    assert "get" in paths["/api/v1/access/catalogue/"]
    assert "get" in paths["/api/v1/access/policies/{policy_public_id}/"]
    assert {"get", "post"} <= set(paths["/api/v1/access/profiles/"])
    assert "get" in paths["/api/v1/access/unblock-requests/{request_token}/"]


@pytest.mark.parametrize("caller", ["partner_api", "analyst_api"])
def test_partner_services_and_analysts_decide_with_the_organisations_policy_only(
    request, caller, org_policy, family_policy, child
):
    api = request.getfixturevalue(caller)
    decisions = "/api/v1/access/decisions/"
    inline = {"profile": {"age": 12}, "content": {"descriptors": {"horror": "intense"}}}
    assert api.post(decisions, inline, format="json").status_code == 200
    with_org_policy = {**inline, "policy": org_policy.public_id}
    assert api.post(decisions, with_org_policy, format="json").status_code == 200
    # A family's policy and a child's profile are for the organisation's supervisors.
    with_family = {**inline, "policy": family_policy.public_id}
    assert api.post(decisions, with_family, format="json").status_code == 404
    known_child = {"profile": {"id": child.public_id}, "content": {"descriptors": {}}}
    assert api.post(decisions, known_child, format="json").status_code == 404
    listed = [row["id"] for row in api.get("/api/v1/access/policies/").json()]
    assert listed == [org_policy.public_id]
    assert api.get(matrix_url(family_policy)).status_code == 404
    assert api.get(PROFILES).status_code == 403


def test_a_partner_service_cannot_read_a_childs_request_to_unblock(partner_api, child):
    found = UnblockRequest.objects.create(
        organisation=child.organisation,
        profile=child,
        policy=child.policy,
        content_ref="https://example.org/page",
        content_key="0" * 64,
        action="restrict",
    )
    response = partner_api.get(f"/api/v1/access/unblock-requests/{found.token}/")
    assert response.status_code == 404
