"""`haven token create|list|revoke`."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from haven.accounts.models import Role, User
from haven.api.models import ApiToken
from haven.audit.models import AuditEvent


def create(capsys, *args) -> str:
    call_command("token", "create", *args)
    return capsys.readouterr().out


def plaintext_in(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("hvn_"))


def test_create_for_a_partner_makes_the_service_account_and_a_working_token(organisation, capsys):
    out = create(
        capsys,
        "--org",
        "northern",
        "--name",
        "intake",
        "--partner",
        "Example Social",
        "--rate",
        "30",
    )

    user = User.objects.get(username="example-social")
    assert user.role == Role.PARTNER and user.organisation == organisation
    assert not user.has_usable_password()
    token = ApiToken.objects.get(user=user)
    assert token.rate_per_minute == 30 and token.name == "intake"
    plaintext = plaintext_in(out)
    assert plaintext.startswith(f"hvn_{token.key_id}_")
    assert f'curl -H "Authorization: Bearer {plaintext}"' in out
    assert plaintext not in str(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert set(AuditEvent.objects.values_list("action", "actor_label")) == {
        ("account.created", "cli"),
        ("api_token.issued", "cli"),
    }
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert client.get("/api/v1/reports/").status_code == 200


def test_create_reuses_the_partner_account_of_the_same_service(organisation, capsys):
    create(capsys, "--org", "northern", "--name", "one", "--partner", "Example Social")
    create(capsys, "--org", "northern", "--name", "two", "--partner", "Example Social")
    assert User.objects.filter(username="example-social").count() == 1
    assert ApiToken.objects.filter(user__username="example-social").count() == 2


def test_create_for_an_existing_member(analyst, capsys):
    create(capsys, "--org", "northern", "--name", "scripts", "--user", "ana")
    assert ApiToken.objects.get().user == analyst


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "nowhere", "--name", "x", "--user", "ana"], "No organisation 'nowhere'"),
        (["--org", "northern", "--name", "x", "--user", "nobody"], "No user 'nobody'"),
        (["--org", "northern", "--name", "x", "--user", "olly"], "not a member of northern"),
        (["--org", "northern", "--name", "x", "--partner", "ana"], "taken by an account"),
        (["--org", "northern", "--name", "x", "--partner", "!!!"], "letters or digits"),
    ],
)
def test_create_explains_what_is_wrong(analyst, outsider, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("token", "create", *args)
    assert ApiToken.objects.count() == 0


def test_list_shows_an_organisations_tokens_and_no_secrets(partner, outsider, capsys):
    mine, plaintext = ApiToken.issue(partner, "intake")
    ApiToken.issue(outsider, "theirs")
    call_command("token", "list", "--org", "northern")
    out = capsys.readouterr().out

    header, row = out.splitlines()
    assert header.split() == ["KEY", "ID", "NAME", "USER", "CREATED", "LAST", "USED", "REVOKED"]
    assert row.split()[:3] == [mine.key_id, "intake", "examplesocial"]
    assert "theirs" not in out and plaintext.split("_")[2] not in out


def test_revoke_stops_the_token_and_is_audited(partner, capsys):
    token, plaintext = ApiToken.issue(partner, "intake")
    call_command("token", "revoke", token.key_id)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in capsys.readouterr().out
    event = AuditEvent.objects.get(action="api_token.revoked")
    assert event.actor_label == "cli" and event.organisation_id == partner.organisation_id
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert client.get("/api/v1/reports/").status_code == 401

    call_command("token", "revoke", token.key_id)
    assert "already revoked" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


@pytest.mark.django_db
def test_revoking_an_unknown_key_is_an_error():
    with pytest.raises(CommandError, match="No token with key id"):
        call_command("token", "revoke", "000000000000")
