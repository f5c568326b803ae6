"""Making a school's or family's policy, renaming it, and choosing its guardians."""

from conftest import make_user
from haven.access.models import Policy, PolicyGuardian
from haven.accounts.models import Role
from haven.audit.models import AuditEvent


def test_a_supervisor_makes_a_family_policy_on_the_organisations(supervisor_client, org_policy):
    response = supervisor_client.post(
        "/access/policies/new/",
        {"kind": "family", "name": "The Adeyemi family", "adult_label": "Grandma"},
    )
    policy = Policy.objects.get(name="The Adeyemi family")
    assert response["Location"] == f"/access/policies/{policy.pk}/"
    assert (policy.kind, policy.parent, policy.adult_label) == ("family", org_policy, "Grandma")
    event = AuditEvent.objects.get(action="access.policy.create")
    assert event.detail == {"kind": "family", "policy": policy.public_id}  # no family name


def test_a_new_policy_makes_the_organisation_policy_if_needed(supervisor_client, organisation):
    supervisor_client.post("/access/policies/new/", {"kind": "school", "name": "Hillside"})
    school = Policy.objects.get(kind="school")
    assert school.parent.kind == Policy.Kind.ORGANISATION


def test_a_second_organisation_policy_cannot_be_made(supervisor_client, org_policy):
    response = supervisor_client.post(
        "/access/policies/new/", {"kind": "organisation", "name": "Another"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Policy.objects.count() == 1


def test_the_new_policy_form_names_missing_fields(supervisor_client, org_policy):
    response = supervisor_client.post("/access/policies/new/", {})
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and 'href="#id_name"' in body


def test_a_guardian_renames_their_policy_and_the_version_is_bumped(guardian_client, family_policy):
    response = guardian_client.post(
        f"/access/policies/{family_policy.pk}/edit/",
        {"name": "The Okafor-Smith family", "adult_label": "Mum, Dad or Auntie"},
    )
    assert response.status_code == 302
    family_policy.refresh_from_db()
    assert family_policy.name == "The Okafor-Smith family"
    assert family_policy.adult_label == "Mum, Dad or Auntie"
    assert family_policy.version == 2  # reasons name the policy: decisions see the new name
    event = AuditEvent.objects.get(action="access.policy.update")
    assert event.detail == {"fields": ["name", "adult_label"]}


def test_saving_the_same_name_changes_nothing(guardian_client, family_policy):
    guardian_client.post(
        f"/access/policies/{family_policy.pk}/edit/",
        {"name": family_policy.name, "adult_label": family_policy.adult_label},
    )
    family_policy.refresh_from_db()
    assert family_policy.version == 1
    assert not AuditEvent.objects.filter(action="access.policy.update").exists()


def test_a_supervisor_adds_and_removes_a_guardian(supervisor_client, organisation, family_policy):
    carer = make_user(organisation, "carer", Role.GUARDIAN)
    url = f"/access/policies/{family_policy.pk}/guardians/"
    response = supervisor_client.post(url, {"username": "carer"})
    assert response.status_code == 302
    guardian = PolicyGuardian.objects.get(policy=family_policy, user=carer)
    assert "carer" in supervisor_client.get(url).content.decode()
    response = supervisor_client.post(url, {"remove": guardian.pk})
    assert response.status_code == 302
    assert not PolicyGuardian.objects.filter(user=carer).exists()
    events = AuditEvent.objects.filter(action__startswith="access.guardian").order_by("pk")
    assert [(e.action, e.detail) for e in events] == [
        ("access.guardian.add", {"user": carer.pk}),
        ("access.guardian.remove", {"user": carer.pk}),
    ]


def test_only_a_guardian_of_this_organisation_can_be_added(
    supervisor_client, analyst, other_organisation, family_policy
):
    make_user(other_organisation, "faraway", Role.GUARDIAN)
    url = f"/access/policies/{family_policy.pk}/guardians/"
    for username in ("ana", "faraway", "nobody"):
        response = supervisor_client.post(url, {"username": username})
        assert response.status_code == 400, username
        assert "There is no parent, carer or teacher with that username" in (
            response.content.decode()
        )
    assert not PolicyGuardian.objects.exists()


def test_a_guardian_is_not_added_twice(supervisor_client, guardian, family_policy):
    url = f"/access/policies/{family_policy.pk}/guardians/"
    response = supervisor_client.post(url, {"username": "parent"})
    assert response.status_code == 400
    assert "already a guardian" in response.content.decode()
    assert PolicyGuardian.objects.count() == 1


def test_a_guardian_of_another_policy_cannot_be_removed_here(
    supervisor_client, family_policy, other_guardian
):
    other = PolicyGuardian.objects.get(user=other_guardian)
    url = f"/access/policies/{family_policy.pk}/guardians/"
    assert supervisor_client.post(url, {"remove": other.pk}).status_code == 404
    assert supervisor_client.post(url, {"remove": "x"}).status_code == 404
    assert PolicyGuardian.objects.filter(pk=other.pk).exists()


def test_the_organisation_policy_has_no_guardians_page(supervisor_client, org_policy):
    assert supervisor_client.get(f"/access/policies/{org_policy.pk}/guardians/").status_code == 404
