"""The exchange pages: who sees what, and credentials that never come back out."""

import pytest
from django.test import Client

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.exchanges import fetching
from haven.exchanges.credentials import unseal_credentials
from haven.exchanges.models import BankShare, Exchange, ExchangeRun, Kind
from haven.exchanges.services import share_bank
from haven.exchanges.sources.base import Change
from haven.exchanges.sources.memory import MemorySource
from haven.exchanges.tests.conftest import make_exchange
from haven.matching.banks import Signal, create_bank

PASSWORD = "Ncmec-Secret-Passw0rd"


@pytest.fixture
def admin(organisation):
    return make_user(organisation, "nadia", Role.ADMIN)


@pytest.fixture
def admin_client(admin):
    return verified_client(Client(), admin)


@pytest.fixture
def southern_admin_client(other_organisation):
    return verified_client(Client(), make_user(other_organisation, "sol", Role.ADMIN))


@pytest.fixture
def exchange(organisation, bank):
    return make_exchange(
        organisation,
        bank,
        Kind.NCMEC,
        {"environment": "NGO"},
        {"username": "ngo-user", "password": PASSWORD},
        name="NCMEC NGO",
    )


def post_new_ncmec(client, bank, **overrides):
    data = {
        "name": "NCMEC NGO",
        "bank": bank.pk,
        "enabled": "on",
        "interval_minutes": "60",
        "setting_environment": "NGO",
        "setting_only_esp_ids": "43, 42",
        "credential_username": "ngo-user",
        "credential_password": PASSWORD,
        **overrides,
    }
    return client.post("/exchanges/new/?kind=ncmec", data)


def everything_recorded() -> str:
    return str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_an_administrator_adds_an_exchange_whose_credentials_are_stored_encrypted(
    admin_client, bank
):
    response = post_new_ncmec(admin_client, bank)

    exchange = Exchange.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exchanges/{exchange.pk}/"
    assert exchange.settings == {"environment": "NGO", "only_esp_ids": [42, 43]}
    assert PASSWORD not in exchange.credentials_sealed
    assert unseal_credentials(exchange.credentials_sealed)["password"] == PASSWORD
    assert PASSWORD not in everything_recorded()
    created = AuditEvent.objects.get(action="exchange.created")
    assert created.detail["credentials_set"] == ["password", "username"]


def test_credentials_never_appear_on_any_page(admin_client, exchange):
    for url in ("/exchanges/", f"/exchanges/{exchange.pk}/", f"/exchanges/{exchange.pk}/edit"):
        page = admin_client.get(url)
        assert page.status_code == 200, url
        assert PASSWORD not in page.content.decode(), url
    assert "Stored, encrypted: NCMEC API username, NCMEC API password" in (
        admin_client.get(f"/exchanges/{exchange.pk}/").content.decode()
    )


def test_a_form_refused_does_not_echo_the_credentials_typed(admin_client, bank):
    response = post_new_ncmec(admin_client, bank, setting_environment="")

    assert response.status_code == 400
    assert PASSWORD not in response.content.decode()
    assert not Exchange.objects.exists()


def test_a_blank_credential_keeps_the_stored_one_and_a_new_one_replaces_it(
    admin_client, exchange, bank
):
    form = {
        "bank": bank.pk,
        "enabled": "on",
        "interval_minutes": "30",
        "setting_environment": "NGO",
        "credential_username": "",
        "credential_password": "",
    }
    assert admin_client.post(f"/exchanges/{exchange.pk}/edit", form).status_code == 302
    exchange.refresh_from_db()
    assert exchange.interval_minutes == 30
    assert unseal_credentials(exchange.credentials_sealed)["password"] == PASSWORD

    form["credential_password"] = "A-new-passw0rd"
    admin_client.post(f"/exchanges/{exchange.pk}/edit", form)
    exchange.refresh_from_db()
    assert unseal_credentials(exchange.credentials_sealed) == {
        "username": "ngo-user",
        "password": "A-new-passw0rd",
    }
    changed = AuditEvent.objects.filter(action="exchange.changed").last()
    assert changed.detail["credentials_replaced"] == ["password"]
    assert "A-new-passw0rd" not in everything_recorded()


def test_a_custom_base_url_is_offered_only_where_the_server_allows_it(admin_client, bank, settings):
    assert "setting_base_url" in admin_client.get("/exchanges/new/?kind=ncmec").content.decode()
    settings.EXCHANGE_ALLOW_CUSTOM_URLS = False
    assert "setting_base_url" not in (
        admin_client.get("/exchanges/new/?kind=ncmec").content.decode()
    )

    post_new_ncmec(admin_client, bank, setting_base_url="http://127.0.0.1:9")

    assert "base_url" not in Exchange.objects.get().settings


def test_supervisors_see_exchanges_and_fetch_now_but_only_administrators_change_them(
    supervisor_client, exchange, bank, monkeypatch, django_capture_on_commit_callbacks
):
    source = MemorySource([[Change("r1", [Signal("md5", "ab" * 16)])]])
    monkeypatch.setattr(fetching, "source_for", lambda exchange: source)

    assert supervisor_client.get("/exchanges/").status_code == 200
    assert supervisor_client.get(f"/exchanges/{exchange.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = supervisor_client.post(f"/exchanges/{exchange.pk}/fetch")
    assert response.status_code == 302

    run = ExchangeRun.objects.get()
    assert run.trigger == "manual" and run.requested_by.username == "sam"
    assert bank.entries.count() == 1
    assert supervisor_client.get(f"/exchanges/{exchange.pk}/edit").status_code == 403
    assert supervisor_client.get("/exchanges/new/?kind=ncmec").status_code == 403
    assert supervisor_client.post(f"/exchanges/{exchange.pk}/delete").status_code == 403


def test_analysts_do_not_see_exchanges(analyst_client, exchange):
    assert analyst_client.get("/exchanges/").status_code == 403
    assert analyst_client.get(f"/exchanges/{exchange.pk}/").status_code == 403


def test_another_organisation_cannot_see_change_fetch_or_delete_an_exchange(
    southern_admin_client, exchange, bank
):
    listed = southern_admin_client.get("/exchanges/")
    assert "NCMEC NGO" not in listed.content.decode()
    for method, url in [
        ("get", f"/exchanges/{exchange.pk}/"),
        ("get", f"/exchanges/{exchange.pk}/edit"),
        ("post", f"/exchanges/{exchange.pk}/edit"),
        ("post", f"/exchanges/{exchange.pk}/fetch"),
        ("post", f"/exchanges/{exchange.pk}/delete"),
    ]:
        assert getattr(southern_admin_client, method)(url).status_code == 404, url
    assert Exchange.objects.filter(pk=exchange.pk).exists()
    assert not ExchangeRun.objects.exists()


def test_an_exchange_cannot_fill_another_organisations_bank(
    southern_admin_client, bank, other_organisation
):
    response = post_new_ncmec(southern_admin_client, bank)
    assert response.status_code == 400
    assert not Exchange.objects.exists()


def test_deleting_an_exchange_keeps_its_hashes(admin_client, exchange, bank):
    from haven.matching.banks import add_entries

    add_entries(Actor.system("t"), bank, [Signal("md5", "cd" * 16)], exchange.source_label)

    response = admin_client.post(f"/exchanges/{exchange.pk}/delete")

    assert response.status_code == 302
    assert not Exchange.objects.exists() and bank.entries.count() == 1


def test_an_administrator_shares_a_bank_and_stops_sharing_it(admin_client, bank, partner):
    response = admin_client.post("/exchanges/shares/", {"bank": bank.pk, "user": partner.username})
    assert response.status_code == 302
    share = BankShare.objects.get()
    assert (share.bank, share.user, share.include_notes) == (bank, partner, False)
    assert "Known" in admin_client.get("/exchanges/shares/").content.decode()

    assert admin_client.post(f"/exchanges/shares/{share.pk}/delete").status_code == 302
    assert not BankShare.objects.exists()
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="bank.")][-2:] == [
        "bank.shared",
        "bank.unshared",
    ]


def test_another_organisation_cannot_see_or_remove_a_share(
    southern_admin_client, bank, partner, outsider
):
    share = share_bank(Actor.system("t"), bank, partner)
    assert "Known" not in southern_admin_client.get("/exchanges/shares/").content.decode()
    assert southern_admin_client.post(f"/exchanges/shares/{share.pk}/delete").status_code == 404
    # Nor share a bank of ours, or with one of ours.
    response = southern_admin_client.post(
        "/exchanges/shares/", {"bank": bank.pk, "user": partner.username}
    )
    assert response.status_code == 400
    assert BankShare.objects.count() == 1


def test_the_list_shows_each_exchanges_status(supervisor_client, organisation, exchange):
    Exchange.objects.filter(pk=exchange.pk).update(last_status="failed", last_error="boom")
    other = create_bank(Actor.system("t"), organisation, "Other", "Other")
    make_exchange(
        organisation,
        other,
        Kind.HAVEN,
        {"base_url": "https://x.example", "bank": "B"},
        {"token": "hvn_a_b"},
        name="Peer",
    )

    page = supervisor_client.get("/exchanges/").content.decode()

    assert "Failed" in page and "Not fetched yet" in page
    detail = supervisor_client.get(f"/exchanges/{exchange.pk}/").content.decode()
    assert "The last fetch failed:</strong> boom" in detail


def test_the_public_is_sent_to_sign_in_from_the_pages_and_refused_by_the_feed(
    client, exchange, bank, partner
):
    share = share_bank(Actor.system("t"), bank, partner)
    for method, url in (
        ("get", "/exchanges/"),
        ("get", "/exchanges/new/"),
        ("post", "/exchanges/shares/"),
        ("get", f"/exchanges/{exchange.pk}/"),
        ("post", f"/exchanges/{exchange.pk}/edit"),
        ("post", f"/exchanges/{exchange.pk}/fetch"),
        ("post", f"/exchanges/{exchange.pk}/delete"),
        ("post", f"/exchanges/shares/{share.pk}/delete"),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    feed = client.get("/exchanges/feed/Known/")
    assert feed.status_code == 401
    assert feed.json()["error"]["code"] == "not_authenticated"
