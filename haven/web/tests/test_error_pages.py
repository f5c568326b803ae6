from django.test import Client


def test_a_missing_page_is_haven_s_own_with_the_emergency_number(client, settings, db):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body and settings.EMERGENCY_NUMBER in body


def test_a_form_sent_without_its_cookie_explains_what_to_do(organisation, settings):
    settings.DEBUG = False
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/report/", {"category": "bullying", "description": "help"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "was not sent" in body and "cookies" in body
    assert settings.EMERGENCY_NUMBER in body


def test_error_pages_are_translated(client, settings, db):
    settings.DEBUG = False
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fr")
    assert 'lang="fr"' in response.content.decode()
