"""Who may read and change which policy: one family never sees another's, a guardian
cannot change the organisation's policy, other staff only read it, and another
organisation sees nothing at all."""

import pytest
from django.test import Client

from conftest import make_user, verified_client
from haven.access.access import organisation_policy
from haven.access.models import Policy, PolicyRule
from haven.accounts.models import Role

CHANGE = {"version": 1, "context": "", "cell:violence:realistic_mild:10-12": "block"}


def pages(policy) -> list[str]:
    base = f"/access/policies/{policy.pk}/"
    return [base, f"{base}edit/", f"{base}guardians/", f"{base}test/"]


def test_a_guardian_reads_and_changes_their_own_familys_policy(guardian_client, family_policy):
    body = guardian_client.get(f"/access/policies/{family_policy.pk}/").content.decode()
    assert "Save changes" in body
    response = guardian_client.post(f"/access/policies/{family_policy.pk}/", CHANGE)
    assert response.status_code == 302
    assert PolicyRule.objects.filter(policy=family_policy).count() == 1


def test_a_guardian_of_one_family_gets_404_for_another_familys_policy(
    guardian_client, other_family_policy, school_policy
):
    for policy in (other_family_policy, school_policy):
        for url in pages(policy):
            assert guardian_client.get(url).status_code == 404, url
        assert guardian_client.post(pages(policy)[0], CHANGE).status_code == 404
    assert not PolicyRule.objects.exists()


def test_a_guardian_reads_the_organisation_policy_but_gets_403_changing_it(
    guardian_client, org_policy
):
    response = guardian_client.get(f"/access/policies/{org_policy.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Save changes" not in body and 'name="cell:' not in body
    assert guardian_client.post(f"/access/policies/{org_policy.pk}/", CHANGE).status_code == 403
    assert guardian_client.get(f"/access/policies/{org_policy.pk}/edit/").status_code == 403
    assert not PolicyRule.objects.exists()


def test_a_guardian_lists_only_the_organisation_policy_and_their_own(
    guardian_client, org_policy, family_policy, other_family_policy, school_policy
):
    body = guardian_client.get("/access/").content.decode()
    assert "The Okafor family" in body and "Northern Hotline" in body
    assert "The Brennan family" not in body and "Hillside Primary" not in body
    assert "New school or family policy" not in body


def test_a_guardian_may_not_make_policies_or_choose_guardians(guardian_client, family_policy):
    assert guardian_client.get("/access/policies/new/").status_code == 403
    url = f"/access/policies/{family_policy.pk}/guardians/"
    assert guardian_client.get(url).status_code == 403
    assert guardian_client.post(url, {"username": "parent"}).status_code == 403


@pytest.mark.parametrize("persona", ["analyst", "counsellor"])
def test_other_staff_read_the_organisation_policy_only(
    request, client, persona, org_policy, family_policy
):
    staff_client = verified_client(client, request.getfixturevalue(persona))
    body = staff_client.get(f"/access/policies/{org_policy.pk}/").content.decode()
    assert "Balanced access" in body or org_policy.name in body
    assert 'name="cell:' not in body
    assert staff_client.post(f"/access/policies/{org_policy.pk}/", CHANGE).status_code == 403
    assert staff_client.get(f"/access/policies/{org_policy.pk}/test/").status_code == 200
    for url in pages(family_policy):
        assert staff_client.get(url).status_code == 404, url
    assert staff_client.get("/access/policies/new/").status_code == 403
    assert not PolicyRule.objects.exists()


def test_another_organisation_gets_404_for_every_policy_page(
    outsider_client, org_policy, family_policy
):
    for policy in (org_policy, family_policy):
        for url in pages(policy):
            assert outsider_client.get(url).status_code == 404, url
        assert outsider_client.post(pages(policy)[0], CHANGE).status_code == 404
    assert not PolicyRule.objects.exists()


def test_a_supervisor_of_another_organisation_gets_404(other_organisation, family_policy):
    boss = make_user(other_organisation, "boss", Role.SUPERVISOR)
    client = verified_client(Client(), boss)
    for url in pages(family_policy):
        assert client.get(url).status_code == 404, url
    # Their own pages work, on their own organisation's policy.
    assert client.get("/access/").status_code == 200
    assert Policy.objects.filter(organisation=other_organisation).count() == 1
    assert organisation_policy(other_organisation).name == "Southern Helpline"


def test_signing_in_is_needed(client, org_policy):
    for url in ["/access/", "/access/rules/", "/access/test/", *pages(org_policy)]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_someone_without_access_pages_gets_404(organisation, org_policy, partner):
    client = verified_client(Client(), partner)
    for url in ["/access/", "/access/rules/", *pages(org_policy)]:
        assert client.get(url).status_code == 404, url
