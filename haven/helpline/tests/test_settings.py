"""The helpline settings page: supervisors change the times, within sensible bounds."""

import pytest

from haven.audit.models import AuditEvent
from haven.helpline import services
from haven.helpline.models import HelplineSettings

GOOD = {
    "emergency_target_minutes": "45",
    "acknowledge_minutes": "3",
    "realert_minutes": "5",
    "retention_days": "365",
    "chat_idle_minutes": "20",
}


def test_settings_start_from_the_defaults(organisation):
    current = services.settings_for(organisation)
    assert current.emergency_target_minutes == 60 and current.retention_days == 730
    assert services.settings_for(organisation).pk == current.pk


def test_a_supervisor_changes_the_settings_and_the_change_is_audited(
    organisation, supervisor_client
):
    page = supervisor_client.get("/helpline/settings/")
    assert page.status_code == 200 and 'value="60"' in page.content.decode()
    response = supervisor_client.post("/helpline/settings/", GOOD)
    assert response.status_code == 302
    current = HelplineSettings.objects.get(organisation=organisation)
    assert current.emergency_target_minutes == 45 and current.retention_days == 365
    event = AuditEvent.objects.get(action="helpline.settings_changed")
    assert event.detail["changes"]["retention_days"] == [730, 365]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("emergency_target_minutes", "4", "from 5 to 240"),
        ("emergency_target_minutes", "241", "from 5 to 240"),
        ("acknowledge_minutes", "0", "from 1 to 60"),
        ("acknowledge_minutes", "61", "from 1 to 60"),
        ("realert_minutes", "0", "from 1 to 60"),
        ("realert_minutes", "61", "from 1 to 60"),
        ("retention_days", "29", "days from 30 to 3650"),
        ("retention_days", "3651", "days from 30 to 3650"),
        ("chat_idle_minutes", "4", "from 5 to 240"),
        ("chat_idle_minutes", "241", "from 5 to 240"),
        ("retention_days", "two years", "days from 30 to 3650"),
        ("chat_idle_minutes", "", "from 5 to 240"),
    ],
)
def test_settings_out_of_bounds_are_refused_with_the_reason(
    organisation, supervisor_client, field, value, message
):
    response = supervisor_client.post("/helpline/settings/", {**GOOD, field: value})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and 'href="#id_' + field + '"' in body
    assert HelplineSettings.objects.filter(organisation=organisation).get().retention_days == 730
    assert not AuditEvent.objects.filter(action="helpline.settings_changed").exists()


def test_the_acknowledgement_time_must_be_shorter_than_the_target(supervisor_client):
    response = supervisor_client.post(
        "/helpline/settings/",
        {**GOOD, "emergency_target_minutes": "10", "acknowledge_minutes": "10"},
    )
    assert response.status_code == 400
    assert "shorter than the emergency target" in response.content.decode()
