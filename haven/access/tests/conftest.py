"""Fixtures for the access policy service: a family and a school under the
organisation's policy, their guardians, and a child in the family."""

import pytest

from conftest import make_user, verified_client
from haven.access.access import organisation_policy
from haven.access.forms_children import birth_for_age
from haven.access.models import ChildProfile, Policy, PolicyGuardian
from haven.accounts.models import Role


@pytest.fixture
def org_policy(organisation):
    return organisation_policy(organisation)


@pytest.fixture
def family_policy(organisation, org_policy):
    return Policy.objects.create(
        organisation=organisation,
        kind=Policy.Kind.FAMILY,
        name="The Okafor family",
        parent=org_policy,
        adult_label="Mum or Dad",
    )


@pytest.fixture
def school_policy(organisation, org_policy):
    return Policy.objects.create(
        organisation=organisation,
        kind=Policy.Kind.SCHOOL,
        name="Hillside Primary",
        parent=org_policy,
        adult_label="your teacher",
    )


@pytest.fixture
def guardian(organisation, family_policy):
    user = make_user(organisation, "parent", Role.GUARDIAN)
    PolicyGuardian.objects.create(policy=family_policy, user=user)
    return user


@pytest.fixture
def guardian_client(client, guardian):
    return verified_client(client, guardian)


@pytest.fixture
def teacher(organisation, school_policy):
    user = make_user(organisation, "teacher", Role.GUARDIAN)
    PolicyGuardian.objects.create(policy=school_policy, user=user)
    return user


@pytest.fixture
def child(organisation, family_policy):
    # 12 whenever the suite runs: many tests decide for the 10-12 band.
    birth_year, birth_month = birth_for_age(12)
    return ChildProfile.objects.create(
        organisation=organisation,
        policy=family_policy,
        label="Ada",
        birth_year=birth_year,
        birth_month=birth_month,
        monitored_by="parent",
    )


@pytest.fixture
def other_family_policy(organisation, org_policy):
    """A second family in the same organisation, which the first family's guardian must
    never see."""
    return Policy.objects.create(
        organisation=organisation,
        kind=Policy.Kind.FAMILY,
        name="The Brennan family",
        parent=org_policy,
        adult_label="Dad",
    )


@pytest.fixture
def other_guardian(organisation, other_family_policy):
    user = make_user(organisation, "brennan", Role.GUARDIAN)
    PolicyGuardian.objects.create(policy=other_family_policy, user=user)
    return user


# The browser tests' fixtures (a headless Chromium, a live server, fresh contexts).
from haven.web.tests.conftest import browser, new_context, site  # noqa: E402, F401
