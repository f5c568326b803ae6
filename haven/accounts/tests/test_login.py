"""Signing in with a password and a code from an authenticator app."""

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.tests.support import TWO_FACTOR, code_for, enter_code, enter_password
from haven.audit.models import AuditEvent


def test_staff_sign_in_with_password_and_code_reaches_the_queue(client, analyst):
    response = enter_password(client, "ana")
    assert response.status_code == 302
    assert response.url == TWO_FACTOR

    response = enter_code(client, code_for(TOTPDevice.objects.get(user=analyst)))

    assert response.status_code == 302
    assert response.url == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert client.get(reverse("accounts:tokens")).status_code == 200
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["auth.password_accepted", "auth.login"]
    assert AuditEvent.objects.get(action="auth.login").detail == {"two_factor": True}


def test_password_alone_does_not_open_account_pages(client, analyst):
    enter_password(client, "ana")

    response = client.get(reverse("accounts:tokens"))

    assert response.status_code == 302
    assert response.url.startswith(TWO_FACTOR)


def test_wrong_password_is_refused_with_a_generic_message(client, analyst):
    response = enter_password(client, "ana", "not the password at all")

    assert response.status_code == 200
    assert "The username or password is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.organisation_id == analyst.organisation_id
    assert event.detail == {"stage": "password"}


def test_unknown_user_gets_exactly_the_same_page_as_a_wrong_password(client, analyst):
    wrong_password = enter_password(client, "ana", "not the password at all")
    unknown_user = enter_password(client, "nobody", "not the password at all")

    def error_summary(response):
        html = response.content.decode()
        return html[html.index('class="error-summary"') : html.index("</ul>")]

    assert error_summary(unknown_user) == error_summary(wrong_password)
    assert unknown_user.status_code == wrong_password.status_code == 200


def test_inactive_user_cannot_sign_in(client, analyst):
    analyst.is_active = False
    analyst.save()

    response = enter_password(client, "ana")

    assert response.status_code == 200
    assert "The username or password is not right" in response.content.decode()


def test_safe_next_is_followed_after_both_factors(client, analyst):
    response = client.post(
        reverse("accounts:login"),
        {"username": "ana", "password": "correct horse battery staple 42", "next": "/stats/"},
    )
    assert response.url == f"{TWO_FACTOR}?next=/stats/"

    response = enter_code(client, code_for(TOTPDevice.objects.get(user=analyst)), "/stats/")

    assert response.url == "/stats/"


def test_next_pointing_at_another_site_is_ignored(client, analyst):
    evil = "https://evil.example/steal"
    response = client.post(
        reverse("accounts:login") + "?next=" + evil,
        {"username": "ana", "password": "correct horse battery staple 42", "next": evil},
    )
    assert response.url == TWO_FACTOR

    response = enter_code(client, code_for(TOTPDevice.objects.get(user=analyst)), evil)

    assert "evil.example" not in response.url
    assert response.url == resolve_url(settings.LOGIN_REDIRECT_URL)


def test_partner_service_lands_on_its_tokens_page(client, partner):
    enter_password(client, "examplesocial")

    response = enter_code(client, code_for(TOTPDevice.objects.get(user=partner)), "/triage/")

    assert response.url == reverse("accounts:tokens")


def test_partner_organisation_staff_land_on_their_portal(client, organisation):
    from conftest import make_user
    from haven.accounts.models import Role

    responder = make_user(organisation, "rita", Role.RESPONDER)
    device = TOTPDevice.objects.get(user=responder)

    enter_password(client, "rita")
    response = enter_code(client, code_for(device), "/triage/")
    assert response.url == reverse("network:portal")
    assert client.get("/").url == reverse("network:portal")


def test_partner_organisation_staff_reach_the_portal_page_a_link_sent_them_to(client, organisation):
    from conftest import make_user
    from haven.accounts.models import Role

    responder = make_user(organisation, "rita", Role.RESPONDER)

    enter_password(client, "rita")
    code = code_for(TOTPDevice.objects.get(user=responder))
    response = enter_code(client, code, "/cases/partner/referrals/7/")

    assert response.url == "/cases/partner/referrals/7/"


def test_without_required_two_factor_the_password_completes_sign_in(client, analyst, settings):
    settings.REQUIRE_TWO_FACTOR = False

    response = enter_password(client, "ana")

    assert response.url == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert AuditEvent.objects.get(action="auth.login").detail == {"two_factor": False}


def test_login_page_labels_fields_for_password_managers(client, db):
    html = client.get(reverse("accounts:login")).content.decode()

    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html


def test_logout_needs_post_and_is_audited(analyst_client, analyst):
    assert analyst_client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in analyst_client.session

    response = analyst_client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in analyst_client.session
    assert AuditEvent.objects.filter(action="auth.logout", actor=analyst).count() == 1
