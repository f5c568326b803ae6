"""Administrators set where their organisation works and the language of its notices."""

import pytest
from django.urls import reverse

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent

SETTINGS = reverse("accounts:organisation")


@pytest.fixture
def admin_client(client, organisation):
    return verified_client(client, make_user(organisation, "adele", Role.ADMIN))


def test_only_administrators_change_the_organisation_settings(analyst_client, client, supervisor):
    assert analyst_client.get(SETTINGS).status_code == 403
    assert verified_client(client, supervisor).post(SETTINGS, {"country": "FR"}).status_code == 403


def test_an_administrator_sets_the_country_and_notice_language(admin_client, organisation):
    response = admin_client.post(SETTINGS, {"country": "NL", "language": "nl"})

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.country, organisation.language) == ("NL", "nl")
    event = AuditEvent.objects.get(action="organisation.changed")
    assert event.detail["changes"]["country"] == ["", "NL"]


def test_an_unknown_country_is_refused_with_the_reason(admin_client, organisation):
    response = admin_client.post(SETTINGS, {"country": "XX", "language": "en"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.country == ""


def test_the_settings_of_one_organisation_never_touch_another(admin_client, other_organisation):
    admin_client.post(SETTINGS, {"country": "DE", "language": "de"})

    other_organisation.refresh_from_db()
    assert other_organisation.country == ""
