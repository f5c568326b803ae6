"""`haven exchange ...` on the command line."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from haven.audit.models import AuditEvent
from haven.exchanges.credentials import unseal_credentials
from haven.exchanges.models import BankShare, Exchange, ExchangeRun
from haven.exchanges.tests.conftest import (
    STOPNCII_FUNCTION_KEY,
    STOPNCII_SUBSCRIPTION_KEY,
)

PDQ = "3c" * 32


def run(*args, stdin: str | None = None, monkeypatch=None) -> str:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("exchange", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def added(organisation, bank, stopncii, monkeypatch):
    _, server = stopncii
    keys = {
        "fetch_function_key": STOPNCII_FUNCTION_KEY,
        "subscription_key": STOPNCII_SUBSCRIPTION_KEY,
    }
    run(
        "add",
        "--org=northern",
        "--name=StopNCII",
        "--kind=stopncii",
        "--bank=Known",
        f"--set=base_url={server.url}",
        "--credentials-stdin",
        stdin=json.dumps(keys),
        monkeypatch=monkeypatch,
    )
    return Exchange.objects.get()


def test_add_reads_the_credentials_from_standard_input_and_stores_them_encrypted(added):
    assert added.kind == "stopncii" and added.bank.name == "Known"
    assert unseal_credentials(added.credentials_sealed)["fetch_function_key"] == (
        STOPNCII_FUNCTION_KEY
    )
    assert STOPNCII_FUNCTION_KEY not in str(list(AuditEvent.objects.values("detail")))


def test_add_asks_for_each_credential_without_echoing_it(organisation, bank, monkeypatch):
    asked = []

    def fake_getpass(prompt):
        asked.append(prompt)
        return "hvn_1_secret"

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    run(
        "add",
        "--org=northern",
        "--name=Peer",
        "--kind=haven",
        "--bank=Known",
        "--set=base_url=https://peer.example",
        "--set=bank=Shared",
    )
    assert asked == ["API token: "]
    assert Exchange.objects.get().settings == {"base_url": "https://peer.example", "bank": "Shared"}


def test_fetch_runs_here_and_prints_the_counts(added, stopncii):
    app, _ = stopncii
    app.add(PDQ, 100)

    output = run("fetch", str(added.pk))

    assert "succeeded: 1 fetched, 1 added" in output
    assert ExchangeRun.objects.get().trigger == "cli"


def test_fetch_fails_with_the_exchanges_error(added, stopncii):
    app, _ = stopncii
    app.fail(status=401, body="{}")

    with pytest.raises(CommandError, match="StopNCII refused the credentials"):
        run("fetch", str(added.pk))


def test_list_and_show_never_print_credentials(added):
    listing = run("list", "--org=northern")
    shown = run("show", str(added.pk))

    assert "StopNCII" in listing and "stopncii" in listing
    assert "Credentials:  stored, encrypted" in shown
    for output in (listing, shown):
        assert STOPNCII_FUNCTION_KEY not in output and STOPNCII_SUBSCRIPTION_KEY not in output


def test_reset_makes_the_next_fetch_start_over(added, stopncii):
    app, _ = stopncii
    app.add(PDQ, 100)
    run("fetch", str(added.pk))

    run("reset", str(added.pk))
    run("fetch", str(added.pk))

    assert [r.query["startTimestamp"] for r in app.requests] == ["10", "10"]


def test_share_and_unshare_a_bank(bank, partner):
    assert "/exchanges/feed/Known/" in run(
        "share", "--org=northern", "--bank=Known", f"--user={partner.username}"
    )
    assert BankShare.objects.filter(bank=bank, user=partner).exists()
    run("unshare", "--org=northern", "--bank=Known", f"--user={partner.username}")
    assert not BankShare.objects.exists()


def test_a_bank_cannot_be_shared_with_another_organisations_account(bank, outsider):
    with pytest.raises(CommandError, match="No account 'olly' in northern"):
        run("share", "--org=northern", "--bank=Known", "--user=olly")


def test_bad_settings_are_refused_with_the_reason(organisation, bank, monkeypatch):
    with pytest.raises(CommandError, match="NCMEC environment: choose one of"):
        run(
            "add",
            "--org=northern",
            "--name=N",
            "--kind=ncmec",
            "--bank=Known",
            "--set=environment=Nowhere",
            "--credentials-stdin",
            stdin='{"username": "u", "password": "p"}',
            monkeypatch=monkeypatch,
        )
