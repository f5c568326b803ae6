"""Refusals read right for who meets them: staff keep their navigation, the public gets
the emergency numbers."""

from django.urls import reverse

from conftest import verified_client

POLICY = reverse("takedown:policy")


def test_staff_refused_a_page_keep_the_staff_navigation_and_no_public_banner(analyst_client):
    response = analyst_client.get(POLICY)

    html = response.content.decode()
    assert response.status_code == 403
    assert "You cannot open this page" in html
    assert 'class="staff-nav"' in html
    assert 'class="emergency"' not in html


def test_anyone_but_staff_refused_a_page_sees_the_public_page_with_emergency_numbers(
    client, partner
):
    response = verified_client(client, partner).get(POLICY)

    html = response.content.decode()
    assert response.status_code == 403
    assert 'class="emergency"' in html and 'class="staff-nav"' not in html
