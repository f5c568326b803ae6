"""Changing your own password, held to the same validators as every password."""

from django.urls import reverse

from conftest import STRONG_PASSWORD
from haven.audit.models import AuditEvent

URL = reverse("accounts:password_change")
NEW = "a quieter river at dawn 97"


def change(client, new, old=STRONG_PASSWORD, again=None):
    return client.post(
        URL, {"old_password": old, "new_password1": new, "new_password2": again or new}
    )


def test_password_change_page_uses_the_right_autocomplete(analyst_client):
    html = analyst_client.get(URL).content.decode()

    assert 'autocomplete="current-password"' in html
    assert html.count('autocomplete="new-password"') == 2


def test_password_is_changed_and_this_session_stays_signed_in(analyst_client, analyst):
    response = change(analyst_client, NEW)

    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.check_password(NEW)
    assert analyst_client.get(URL).status_code == 200
    assert AuditEvent.objects.filter(action="auth.password_changed", actor=analyst).count() == 1


def test_short_password_is_refused(analyst_client, analyst):
    response = change(analyst_client, "Short1!")

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    analyst.refresh_from_db()
    assert analyst.check_password(STRONG_PASSWORD)


def test_common_and_numeric_passwords_are_refused(analyst_client, analyst):
    html = change(analyst_client, "123456123456").content.decode()

    assert "too common" in html
    assert "entirely numeric" in html
    assert 'class="error-summary"' in html


def test_password_like_the_username_is_refused(analyst_client, analyst):
    html = change(analyst_client, "ana@example.org").content.decode()

    assert "too similar" in html


def test_wrong_current_password_is_refused(analyst_client, analyst):
    response = change(analyst_client, NEW, old="not my password")

    assert response.status_code == 200
    analyst.refresh_from_db()
    assert not analyst.check_password(NEW)
    assert not AuditEvent.objects.filter(action="auth.password_changed").exists()


def test_password_change_needs_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
