"""A helpline with a district and a few more people: a second counsellor and a
responder (staff of a partner organisation, who must see none of the helpline's
contacts)."""

import pytest

from conftest import make_user
from haven.accounts.models import Role
from haven.network.models import District
from haven.web.tests.conftest import browser, new_context, site  # noqa: F401  (browser tests)


@pytest.fixture
def district(organisation):
    return District.objects.create(organisation=organisation, name="Riverside", code="riverside")


@pytest.fixture
def other_counsellor(organisation):
    return make_user(organisation, "casey", Role.COUNSELLOR)


@pytest.fixture
def responder(organisation):
    return make_user(organisation, "rita", Role.RESPONDER)
