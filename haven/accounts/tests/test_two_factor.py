"""The second factor: entering a code, setting up an authenticator, and the demo hint."""

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User
from haven.accounts.tests.support import (
    SETUP,
    TWO_FACTOR,
    code_for,
    enter_code,
    enter_password,
)
from haven.audit.models import AuditEvent


def test_wrong_code_is_refused_and_the_session_stays_unverified(client, analyst):
    enter_password(client, "ana")

    response = enter_code(client, "000000")

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not client.session.get("otp_device_id")
    assert AuditEvent.objects.filter(action="auth.login").count() == 0


def test_code_that_is_not_six_digits_is_explained(client, analyst):
    enter_password(client, "ana")

    response = enter_code(client, "12ab")

    assert "Enter the 6 digits of the code" in response.content.decode()


def test_code_field_suits_phones_and_password_managers(client, analyst):
    enter_password(client, "ana")

    html = client.get(TWO_FACTOR).content.decode()

    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html


def test_code_typed_with_a_space_is_accepted(client, analyst):
    enter_password(client, "ana")
    code = code_for(TOTPDevice.objects.get(user=analyst))

    response = enter_code(client, f"{code[:3]} {code[3:]}")

    assert response.status_code == 302
    assert client.session.get("otp_device_id")


def test_signed_in_but_unverified_user_is_sent_to_two_factor_from_staff_pages(client, analyst):
    client.force_login(analyst)

    response = client.get("/triage/?page=2")

    assert response.status_code == 302
    assert response.url == f"{TWO_FACTOR}?next=/triage/%3Fpage%3D2"


def test_unverified_session_cannot_use_the_api(client, analyst):
    client.force_login(analyst)

    response = client.get("/api/v1/reports/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"


def test_user_without_a_device_is_sent_to_set_one_up(client, organisation):
    User.objects.create_user(
        "newbie", password="correct horse battery staple 42", organisation=organisation
    )
    enter_password(client, "newbie")

    response = client.get(TWO_FACTOR)

    assert response.status_code == 302
    assert response.url == SETUP


def test_setup_shows_a_qr_code_and_key_then_confirms_the_device(client, organisation):
    newbie = User.objects.create_user(
        "newbie", password="correct horse battery staple 42", organisation=organisation
    )
    enter_password(client, "newbie")

    page = client.get(SETUP)

    html = page.content.decode()
    device = TOTPDevice.objects.get(user=newbie)
    assert not device.confirmed
    assert "<svg" in html
    assert 'role="img"' in html
    assert device.config_url.split("secret=")[1][:8] in html.replace(" ", "")
    # A reload shows the same key, so a half-finished setup is not lost.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=newbie).count() == 1

    response = client.post(SETUP, {"code": code_for(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.session["otp_device_id"] == device.persistent_id
    assert AuditEvent.objects.filter(action="auth.two_factor_enrolled", target_id=str(newbie.pk))


def test_setup_with_a_wrong_code_leaves_the_device_unconfirmed(client, organisation):
    newbie = User.objects.create_user(
        "newbie", password="correct horse battery staple 42", organisation=organisation
    )
    enter_password(client, "newbie")
    client.get(SETUP)

    response = client.post(SETUP, {"code": "000000"})

    assert response.status_code == 200
    assert not TOTPDevice.objects.get(user=newbie).confirmed


def test_someone_with_only_the_password_cannot_replace_a_working_device(client, analyst):
    enter_password(client, "ana")

    response = client.get(SETUP)

    assert response.status_code == 302
    assert response.url == TWO_FACTOR
    assert TOTPDevice.objects.filter(user=analyst).count() == 1


def test_demo_hint_shows_a_working_code_only_in_demo_mode(client, analyst, settings):
    enter_password(client, "ana")
    assert "Demo system only" not in client.get(TWO_FACTOR).content.decode()

    settings.DEMO_MODE = True
    html = client.get(TWO_FACTOR).content.decode()

    assert "Demo system only" in html
    hint = html.split('class="big-number">')[1][:6]
    assert hint.isdigit()
    response = enter_code(client, hint)
    assert response.status_code == 302
    assert client.session.get("otp_device_id")


def test_verified_user_visiting_two_factor_goes_on_to_their_page(analyst_client):
    response = analyst_client.get(TWO_FACTOR)

    assert response.status_code == 302
    assert response.url != TWO_FACTOR


def test_two_factor_page_needs_a_password_first(client, db):
    response = client.get(TWO_FACTOR)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_in_demo_mode_setting_up_shows_the_code_so_new_people_can_try_it(
    client, organisation, settings
):
    User.objects.create_user(
        "newbie", password="correct horse battery staple 42", organisation=organisation
    )
    enter_password(client, "newbie")
    assert "Demo system only" not in client.get(SETUP).content.decode()

    settings.DEMO_MODE = True
    html = client.get(SETUP).content.decode()
    hint = html.split('class="big-number">')[1][:6]
    assert hint.isdigit()
    assert client.post(SETUP, {"code": hint}).status_code == 302
