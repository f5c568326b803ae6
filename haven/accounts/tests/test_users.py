"""Administrators manage the people of their own organisation, and no one else's."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import STRONG_PASSWORD, make_user, verified_client
from haven.accounts.models import Role, User
from haven.audit.models import AuditEvent

USERS = reverse("accounts:users")
CREATE = reverse("accounts:user_create")


@pytest.fixture
def admin(organisation):
    return make_user(organisation, "adele", Role.ADMIN)


@pytest.fixture
def admin_client(client, admin):
    return verified_client(client, admin)


def url(name, user):
    return reverse(f"accounts:{name}", args=[user.pk])


def test_only_administrators_see_the_people_page(analyst_client, client, supervisor, partner):
    assert analyst_client.get(USERS).status_code == 403
    assert verified_client(client, supervisor).get(USERS).status_code == 403
    assert verified_client(client, partner).get(USERS).status_code == 403


def test_people_page_lists_own_organisation_only(admin_client, analyst, outsider):
    html = admin_client.get(USERS).content.decode()

    assert "ana" in html
    assert "adele" in html
    assert "olly" not in html


def test_people_page_query_count_does_not_grow_with_members(
    admin_client, organisation, django_assert_max_num_queries
):
    for n in range(10):
        make_user(organisation, f"member{n}", Role.ANALYST)

    with django_assert_max_num_queries(8):
        admin_client.get(USERS)


def test_other_organisations_people_are_not_found(admin_client, outsider):
    assert admin_client.get(url("user_detail", outsider)).status_code == 404
    assert admin_client.post(url("user_role", outsider), {"role": "analyst"}).status_code == 404
    assert admin_client.post(url("user_active", outsider), {"active": "0"}).status_code == 404
    assert admin_client.post(url("user_reset_two_factor", outsider)).status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active
    assert outsider.role == Role.SUPERVISOR
    assert TOTPDevice.objects.filter(user=outsider).exists()


def test_administrator_adds_a_person_to_their_organisation(admin_client, admin):
    response = admin_client.post(
        CREATE,
        {
            "username": "nina",
            "first_name": "Nina",
            "last_name": "Okafor",
            "email": "nina@example.org",
            "role": Role.SUPERVISOR,
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
        },
    )

    assert response.status_code == 302
    nina = User.objects.get(username="nina")
    assert nina.organisation_id == admin.organisation_id
    assert nina.role == Role.SUPERVISOR
    assert nina.check_password(STRONG_PASSWORD)
    assert AuditEvent.objects.filter(action="accounts.user_created", target_id=str(nina.pk))


def test_new_person_needs_a_password_that_passes_the_validators(admin_client):
    response = admin_client.post(
        CREATE,
        {"username": "nina", "role": Role.ANALYST, "password1": "short", "password2": "short"},
    )

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not User.objects.filter(username="nina").exists()


def test_username_taken_in_another_case_is_refused(admin_client, analyst):
    response = admin_client.post(
        CREATE,
        {
            "username": "ANA",
            "role": Role.ANALYST,
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert User.objects.filter(username__iexact="ana").count() == 1


def test_administrator_changes_a_role(admin_client, analyst):
    response = admin_client.post(url("user_role", analyst), {"role": Role.SUPERVISOR})

    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.role == Role.SUPERVISOR
    event = AuditEvent.objects.get(action="accounts.role_changed")
    assert event.detail == {"old": "analyst", "new": "supervisor"}


def test_unknown_role_is_refused(admin_client, analyst):
    response = admin_client.post(url("user_role", analyst), {"role": "superuser"})

    assert response.status_code == 400
    analyst.refresh_from_db()
    assert analyst.role == Role.ANALYST


def test_administrator_cannot_change_their_own_role(admin_client, admin):
    admin_client.post(url("user_role", admin), {"role": Role.ANALYST})

    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_administrator_cannot_deactivate_themselves(admin_client, admin):
    response = admin_client.post(url("user_active", admin), {"active": "0"}, follow=True)

    admin.refresh_from_db()
    assert admin.is_active
    assert "You cannot deactivate your own account" in response.content.decode()
    assert not AuditEvent.objects.filter(action="accounts.user_deactivated").exists()


def test_deactivated_person_cannot_sign_in_and_can_be_reactivated(admin_client, analyst):
    admin_client.post(url("user_active", analyst), {"active": "0"})
    analyst.refresh_from_db()
    assert not analyst.is_active
    assert AuditEvent.objects.filter(action="accounts.user_deactivated").count() == 1

    admin_client.post(url("user_active", analyst), {"active": "1"})

    analyst.refresh_from_db()
    assert analyst.is_active
    assert AuditEvent.objects.filter(action="accounts.user_reactivated").count() == 1


def test_reset_two_factor_asks_first_then_removes_the_device(admin_client, analyst):
    assert admin_client.get(url("user_reset_two_factor", analyst)).status_code == 200
    assert TOTPDevice.objects.filter(user=analyst).exists()

    response = admin_client.post(url("user_reset_two_factor", analyst))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=analyst).exists()
    assert AuditEvent.objects.filter(action="accounts.two_factor_reset").count() == 1


def test_analyst_cannot_change_anyone(analyst_client, supervisor):
    assert analyst_client.post(url("user_active", supervisor), {"active": "0"}).status_code == 403
    assert analyst_client.post(url("user_role", supervisor), {"role": "admin"}).status_code == 403
    supervisor.refresh_from_db()
    assert supervisor.is_active
    assert supervisor.role == Role.SUPERVISOR
