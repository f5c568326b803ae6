"""Children's profiles: who may see and change them, what the form keeps, and that the
audit log records the change without the child's personal data."""

from datetime import date

import pytest

from conftest import make_user, verified_client
from haven.access.forms_children import ChildForm, age_of, birth_for_age
from haven.access.models import ChildProfile, Policy, PolicyGuardian
from haven.accounts.models import Role
from haven.audit.models import AuditEvent


@pytest.fixture
def other_family(organisation, org_policy):
    return Policy.objects.create(
        organisation=organisation,
        kind=Policy.Kind.FAMILY,
        name="The Brennan family",
        parent=org_policy,
    )


@pytest.fixture
def other_child(organisation, other_family):
    return ChildProfile.objects.create(
        organisation=organisation, policy=other_family, label="B", birth_year=2016
    )


def form_data(policy, **changes):
    data = {
        "label": "Kit",
        "policy": policy.pk,
        "birth_year": 2015,
        "birth_month": 6,
        "maturity": "as_age",
        "vulnerabilities": [],
        "monitored_by": "",
    }
    return data | changes


def test_a_guardian_sees_only_the_children_of_the_policies_they_guard(
    guardian_client, child, other_child
):
    page = guardian_client.get("/access/children/")
    assert page.status_code == 200
    assert child.public_id in page.content.decode()
    assert other_child.public_id not in page.content.decode()


def test_a_guardian_cannot_open_or_change_another_familys_child(guardian_client, other_child):
    assert guardian_client.get(f"/access/children/{other_child.pk}/").status_code == 404
    response = guardian_client.post(f"/access/children/{other_child.pk}/", {"label": "X"})
    assert response.status_code == 404
    response = guardian_client.post(f"/access/children/{other_child.pk}/deactivate/")
    assert response.status_code == 404
    other_child.refresh_from_db()
    assert other_child.label == "B" and other_child.active


def test_a_guardian_may_put_a_child_only_under_a_policy_they_guard(
    guardian_client, family_policy, other_family, org_policy
):
    page = guardian_client.get("/access/children/new/")
    assert family_policy.name in page.content.decode()
    assert other_family.name not in page.content.decode()
    for policy in (other_family, org_policy):
        response = guardian_client.post("/access/children/new/", form_data(policy))
        assert response.status_code == 400
    assert not ChildProfile.objects.exists()
    response = guardian_client.post("/access/children/new/", form_data(family_policy))
    child = ChildProfile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/access/children/{child.pk}/"
    assert (child.label, child.policy, child.birth_year, child.birth_month) == (
        "Kit",
        family_policy,
        2015,
        6,
    )


def test_a_supervisor_may_look_after_every_child_of_the_organisation(
    supervisor_client, child, other_child, school_policy
):
    page = supervisor_client.get("/access/children/").content.decode()
    assert child.public_id in page and other_child.public_id in page
    response = supervisor_client.post("/access/children/new/", form_data(school_policy))
    assert response.status_code == 302
    assert ChildProfile.objects.filter(policy=school_policy).count() == 1


def test_a_child_is_never_put_under_the_organisations_own_policy(
    supervisor_client, org_policy, school_policy
):
    response = supervisor_client.post("/access/children/new/", form_data(org_policy))

    assert response.status_code == 400
    assert not ChildProfile.objects.filter(policy=org_policy).exists()


@pytest.mark.parametrize("persona", ["analyst", "counsellor"])
def test_other_staff_cannot_see_children_requests_or_alerts(client, request, persona, child):
    signed_in = verified_client(client, request.getfixturevalue(persona))
    for path in (
        "/access/children/",
        "/access/children/new/",
        f"/access/children/{child.pk}/",
        "/access/requests/",
        "/access/alerts/",
    ):
        assert signed_in.get(path).status_code == 404, path


def test_someone_from_another_organisation_gets_a_404_for_a_child(outsider_client, child):
    assert outsider_client.get(f"/access/children/{child.pk}/").status_code == 404
    assert child.public_id not in outsider_client.get("/access/children/").content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, child):
    response = client.get("/access/children/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_profile_page_shows_the_age_and_the_id_for_platforms(guardian_client, child):
    page = guardian_client.get(f"/access/children/{child.pk}/").content.decode()
    age = age_of(2014, 1)
    assert f"{age} years old" in page
    assert f'value="{child.public_id}"' in page
    assert "not necessarily a name" in page


def test_changing_a_profile_is_audited_without_personal_data(guardian_client, child):
    data = form_data(
        child.policy,
        label="Ada L",
        birth_year=2013,
        vulnerabilities=["self_harm_risk"],
        monitored_by="parent",
    )
    response = guardian_client.post(f"/access/children/{child.pk}/", data)
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.vulnerabilities == ["self_harm_risk"] and child.birth_year == 2013
    event = AuditEvent.objects.get(action="access.child.update")
    assert event.detail["profile"] == child.public_id
    assert sorted(event.detail["changed"]) == [
        "birth_month",
        "birth_year",
        "label",
        "vulnerabilities",
    ]
    text = str(event.detail)
    for personal in ("Ada", "2013", "self_harm_risk"):
        assert personal not in text


def test_creating_a_profile_is_audited_without_the_label(guardian_client, family_policy):
    guardian_client.post("/access/children/new/", form_data(family_policy, label="Zed"))
    event = AuditEvent.objects.get(action="access.child.create")
    child = ChildProfile.objects.get()
    assert event.detail == {"profile": child.public_id, "policy": family_policy.public_id}
    assert event.target_id == str(child.pk)


def test_a_deactivated_profile_opens_no_why_page_and_can_be_reactivated(guardian_client, child):
    response = guardian_client.post(f"/access/children/{child.pk}/deactivate/")
    assert response.status_code == 302
    child.refresh_from_db()
    assert not child.active
    guardian_client.post(f"/access/children/{child.pk}/reactivate/")
    child.refresh_from_db()
    assert child.active
    events = AuditEvent.objects.filter(action="access.child.update")
    assert [e.detail["changed"] for e in events.order_by("pk")] == [["active"], ["active"]]


def test_the_form_keeps_only_month_and_year_and_refuses_adults_and_the_future(family_policy):
    today = date(2026, 5, 10)
    policies = Policy.objects.filter(pk=family_policy.pk)
    assert "birth_day" not in ChildForm(policies=policies).fields
    adult = ChildForm(
        form_data(family_policy, birth_year=2008, birth_month=5), policies=policies, today=today
    )
    assert not adult.is_valid() and "birth_year" in adult.errors
    future = ChildForm(
        form_data(family_policy, birth_year=2026, birth_month=6), policies=policies, today=today
    )
    assert not future.is_valid() and "birth_month" in future.errors
    seventeen = ChildForm(
        form_data(family_policy, birth_year=2008, birth_month=6), policies=policies, today=today
    )
    assert seventeen.is_valid(), seventeen.errors


def test_age_counts_whole_years_from_the_birth_month():
    assert age_of(2014, 6, date(2026, 5, 31)) == 11
    assert age_of(2014, 6, date(2026, 6, 1)) == 12


def test_the_vulnerabilities_are_explained_on_the_form(guardian_client):
    page = guardian_client.get("/access/children/new/").content.decode()
    assert "At risk of self-harm or suicide" in page
    assert "help and recovery content is always shown" in page


def test_the_children_list_takes_a_fixed_number_of_queries(
    guardian_client, django_assert_max_num_queries, family_policy, organisation
):
    for n in range(15):
        ChildProfile.objects.create(
            organisation=organisation, policy=family_policy, label=f"c{n}", birth_year=2015
        )
    with django_assert_max_num_queries(12):
        assert guardian_client.get("/access/children/").status_code == 200


def test_a_guardian_of_two_policies_chooses_between_them(
    client, organisation, family_policy, school_policy
):
    both = make_user(organisation, "gran", Role.GUARDIAN)
    PolicyGuardian.objects.create(policy=family_policy, user=both)
    PolicyGuardian.objects.create(policy=school_policy, user=both)
    page = verified_client(client, both).get("/access/children/new/").content.decode()
    assert family_policy.name in page and school_policy.name in page


def test_a_birth_for_an_age_gives_that_age_today_and_for_eleven_months():
    for today in (date(2026, 1, 15), date(2026, 6, 1), date(2026, 12, 31)):
        year, month = birth_for_age(12, today)
        assert age_of(year, month, today) == 12
        ten_months_on = date(today.year + (today.month + 9) // 12, (today.month + 9) % 12 + 1, 1)
        assert age_of(year, month, ten_months_on) == 12
        eleven_months_on = date(
            today.year + (today.month + 10) // 12, (today.month + 10) % 12 + 1, 1
        )
        assert age_of(year, month, eleven_months_on) == 13
