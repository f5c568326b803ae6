"""Hotline and helpline staff see their own side: counsellors never see reported
material, analysts never read counselling records, and partner organisations' staff
reach neither, nor the API."""

import pytest
from django.urls import reverse

from conftest import make_user, token_client, verified_client
from haven.accounts.models import Role
from haven.audit.services import Actor
from haven.reports.intake import ReportInput, submit_report
from haven.reports.models import Category, Source


@pytest.fixture
def report(organisation):
    data = ReportInput(category=Category.SEXUAL_IMAGERY, description="Hotline report")
    return submit_report(organisation, Source.PUBLIC, data, Actor.public()).report


def test_counsellors_do_not_reach_the_hotline_queue_reports_banks_or_takedowns(
    counsellor_client, report
):
    for url in (
        reverse("triage:queue"),
        reverse("triage:detail", args=[report.reference]),
        reverse("matching:banks"),
        reverse("takedown:list"),
    ):
        assert counsellor_client.get(url).status_code in (403, 404), url


def test_analysts_do_not_read_helpline_contacts_or_cases(analyst_client):
    for url in (reverse("helpline:home"), reverse("helpline:contacts"), reverse("cases:list")):
        assert analyst_client.get(url).status_code in (403, 404), url
    # The emergency board is everyone's: an analyst may raise an emergency from a report.
    assert analyst_client.get(reverse("emergencies:board")).status_code == 200


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.RESPONDER])
def test_helpline_and_partner_organisation_staff_cannot_use_the_api(organisation, report, role):
    user = make_user(organisation, "someone", role)
    api = token_client(user)

    assert api.get(reverse("api:reports")).status_code == 403
    assert api.get(reverse("api:report-status", args=[report.reference])).status_code == 403


def test_partner_organisation_staff_cannot_make_api_tokens(client, organisation):
    responder = make_user(organisation, "rita", Role.RESPONDER)
    page = verified_client(client, responder)

    assert "Make token" not in page.get(reverse("accounts:tokens")).content.decode()
    assert page.post(reverse("accounts:tokens"), {"name": "mine"}).status_code == 403
    assert not responder.api_tokens.exists()
