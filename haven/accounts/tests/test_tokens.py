"""Your API tokens: made with the secret shown once, listed, and revoked."""

from django.urls import reverse

from haven.api.models import TOKEN_PREFIX, ApiToken
from haven.audit.models import AuditEvent

URL = reverse("accounts:tokens")


def revoke_url(token):
    return reverse("accounts:token_revoke", args=[token.pk])


def test_new_token_is_shown_once_and_only_its_digest_is_kept(analyst_client, analyst):
    response = analyst_client.post(URL, {"name": "reporting bot"})

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    plaintext = html.split('id="new-token">')[1].split("<")[0]
    assert plaintext.startswith(TOKEN_PREFIX)
    token = ApiToken.objects.get(user=analyst)
    assert token.name == "reporting bot"
    assert token.digest == ApiToken.digest_of(plaintext[len(TOKEN_PREFIX) :].partition("_")[2])
    assert plaintext not in analyst_client.get(URL).content.decode()
    assert token.key_id in analyst_client.get(URL).content.decode()
    assert AuditEvent.objects.filter(action="api.token_created", target_id=str(token.pk)).exists()


def test_token_without_a_name_is_refused(analyst_client, analyst):
    response = analyst_client.post(URL, {"name": ""})

    assert 'class="error-summary"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_list_shows_only_your_own_tokens(analyst_client, analyst, supervisor):
    ApiToken.issue(analyst, "mine")
    ApiToken.issue(supervisor, "not mine")

    html = analyst_client.get(URL).content.decode()

    assert "mine" in html
    assert "not mine" not in html


def test_revoke_asks_first_then_revokes_on_post(analyst_client, analyst):
    token, _ = ApiToken.issue(analyst, "old bot")

    confirm = analyst_client.get(revoke_url(token))
    token.refresh_from_db()
    assert confirm.status_code == 200
    assert token.revoked_at is None

    response = analyst_client.post(revoke_url(token))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in analyst_client.get(URL).content.decode()
    assert AuditEvent.objects.filter(action="api.token_revoked").count() == 1


def test_revoked_token_no_longer_authenticates(analyst_client, analyst):
    token, plaintext = ApiToken.issue(analyst, "old bot")
    analyst_client.post(revoke_url(token))

    response = analyst_client.get("/api/v1/reports/", HTTP_AUTHORIZATION=f"Bearer {plaintext}")

    assert response.status_code == 401


def test_someone_elses_token_cannot_be_revoked(analyst_client, supervisor, outsider):
    colleague_token, _ = ApiToken.issue(supervisor, "colleague")
    outsider_token, _ = ApiToken.issue(outsider, "outsider")

    assert analyst_client.get(revoke_url(colleague_token)).status_code == 404
    assert analyst_client.post(revoke_url(colleague_token)).status_code == 404
    assert analyst_client.post(revoke_url(outsider_token)).status_code == 404
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_partner_service_manages_its_tokens(client, partner):
    from conftest import verified_client

    partner_client = verified_client(client, partner)

    response = partner_client.post(URL, {"name": "ExampleSocial reporting"})

    assert response.status_code == 200
    assert ApiToken.objects.filter(user=partner).count() == 1


def test_tokens_page_needs_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
