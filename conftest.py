"""Shared test set-up: fast hashing, no network, and the people every test talks about.

Personas: an analyst, a supervisor and a partner service of the Northern Hotline, and
an analyst of another organisation who must never see the Northern Hotline's data.
"""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import Organisation, Role, User

STRONG_PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.DATA_DIR = tmp_path
    settings.STAGING_DIR = tmp_path / "staging"
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REQUIRE_TWO_FACTOR = True
    settings.DEMO_MODE = False
    from django.core.cache import cache

    cache.clear()


def make_user(organisation, username, role, email=""):
    user = User.objects.create_user(
        username=username,
        password=STRONG_PASSWORD,
        organisation=organisation,
        role=role,
        email=email or f"{username}@example.org",
    )
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Northern Hotline", slug="northern")


@pytest.fixture
def other_organisation(db):
    return Organisation.objects.create(name="Southern Helpline", slug="southern")


@pytest.fixture
def analyst(organisation):
    return make_user(organisation, "ana", Role.ANALYST)


@pytest.fixture
def supervisor(organisation):
    return make_user(organisation, "sam", Role.SUPERVISOR)


@pytest.fixture
def partner(organisation):
    return make_user(organisation, "examplesocial", Role.PARTNER)


@pytest.fixture
def outsider(other_organisation):
    return make_user(other_organisation, "olly", Role.SUPERVISOR)


def verified_client(client, user):
    """A test client signed in with both factors, as staff are after login."""
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def analyst_client(client, analyst):
    return verified_client(client, analyst)


@pytest.fixture
def supervisor_client(client, supervisor):
    return verified_client(client, supervisor)


@pytest.fixture
def outsider_client(client, outsider):
    return verified_client(client, outsider)
