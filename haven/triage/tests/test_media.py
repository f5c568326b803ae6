"""Media protection: blurred previews, deliberate reveals and one-time grants."""

import io
import re
import time
from urllib.parse import unquote

import pytest
from django.core import signing
from django.urls import reverse
from PIL import Image, ImageChops

from conftest import verified_client
from haven.audit.models import AuditEvent
from haven.demo.synthetic import synthetic_png
from haven.hashing import sealing
from haven.triage import previews
from haven.triage.tests.support import add_image, make_report


def url(name, item, **query):
    path = reverse(f"triage:{name}", args=[item.pk])
    return path + (f"?grant={query['grant']}" if "grant" in query else "")


def reveal(client, item, **data):
    """Press the reveal button; return the response and the grant in the page, if any."""
    response = client.post(url("media_reveal", item), data)
    found = re.search(r"original\?grant=([^\"]+)\"", response.content.decode())
    return response, unquote(found.group(1)) if found else None


@pytest.fixture
def kept(report):
    return add_image(report, 7)


def test_the_preview_is_small_blurred_and_greyscale(kept, analyst_client):
    item, original = kept
    response = analyst_client.get(url("media_preview", item))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store"
    assert response.content != original
    preview = Image.open(io.BytesIO(response.content))
    assert preview.format == "JPEG" and preview.mode == "L"
    assert max(preview.size) <= 320
    # Blurred: the hard edges of the same image merely shrunk and greyed are all gone.
    sharp = Image.open(io.BytesIO(original)).convert("L").resize(preview.size)
    assert strongest_edge(sharp) > 100
    assert strongest_edge(preview) < 16


def strongest_edge(image) -> int:
    """The largest brightness step between horizontally neighbouring pixels."""
    width, height = image.size
    left, right = image.crop((0, 0, width - 1, height)), image.crop((1, 0, width, height))
    return max(ImageChops.difference(left, right).tobytes())


def test_a_colour_png_preview_has_no_colour_left():
    preview = Image.open(io.BytesIO(previews.blurred_preview(synthetic_png(9, (800, 600)))))
    assert preview.mode == "L" and preview.size == (320, 240)
    red, green, blue = preview.convert("RGB").split()
    # getbbox() is None when a difference image is all zero: the channels are equal.
    assert ImageChops.difference(red, green).getbbox() is None
    assert ImageChops.difference(green, blue).getbbox() is None


def test_looking_at_a_preview_is_audited(kept, analyst, analyst_client):
    item, _ = kept
    analyst_client.get(url("media_preview", item))
    event = AuditEvent.objects.get(action="media.preview_viewed")
    assert event.actor == analyst and event.target_id == str(item.pk)


def test_a_hash_only_item_has_no_preview(report, analyst_client):
    item, _ = add_image(report, 8, keep=False)
    assert analyst_client.get(url("media_preview", item)).status_code == 404
    assert analyst_client.post(url("media_reveal", item)).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="media.").exists()


def test_reveal_needs_a_post(kept, analyst_client):
    item, _ = kept
    assert analyst_client.get(url("media_reveal", item)).status_code == 405
    assert not AuditEvent.objects.filter(action="media.revealed").exists()


def test_reveal_is_audited_and_grants_one_look_at_the_original(kept, analyst, analyst_client):
    item, original = kept
    response, grant = reveal(analyst_client, item)
    assert response.status_code == 200 and grant
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.get(action="media.revealed").actor == analyst

    shown = analyst_client.get(url("media_original", item, grant=grant))
    assert shown.status_code == 200
    assert shown.content == original
    assert shown["Content-Type"] == "image/jpeg"
    assert shown["Cache-Control"] == "no-store"
    assert shown["Content-Disposition"] == "inline"
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.get(action="media.original_viewed").target_id == str(item.pk)

    again = analyst_client.get(url("media_original", item, grant=grant))
    assert again.status_code == 403
    assert AuditEvent.objects.filter(action="media.original_viewed").count() == 1


def test_the_original_without_a_grant_is_refused(kept, analyst_client):
    item, _ = kept
    assert analyst_client.get(url("media_original", item)).status_code == 403
    forged = url("media_original", item, grant="eyJ1IjoxfQ:1abc:forged")
    assert analyst_client.get(forged).status_code == 403
    assert not AuditEvent.objects.filter(action="media.original_viewed").exists()


def test_a_grant_is_for_one_person_only(kept, supervisor, analyst_client, client):
    item, _ = kept
    _, grant = reveal(analyst_client, item)
    other = verified_client(client, supervisor)
    assert other.get(url("media_original", item, grant=grant)).status_code == 403


def test_a_grant_is_for_one_item_only(report, analyst_client):
    first, _ = add_image(report, 10)
    second, _ = add_image(report, 11)
    _, grant = reveal(analyst_client, first)
    assert analyst_client.get(url("media_original", second, grant=grant)).status_code == 403


def test_a_grant_expires_after_five_minutes(kept, analyst_client, monkeypatch):
    item, _ = kept
    _, grant = reveal(analyst_client, item)
    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert analyst_client.get(url("media_original", item, grant=grant)).status_code == 403


def test_known_material_needs_a_confirmation_to_reveal(report, analyst_client):
    item, _ = add_image(report, 12, match_label="Known material (A)")
    page = analyst_client.get(reverse("triage:detail", args=[report.reference]))
    assert "Known material — no need to view." in page.content.decode()

    refused, grant = reveal(analyst_client, item)
    assert refused.status_code == 400 and grant is None
    assert "Confirm that you need to see known material." in refused.content.decode()
    assert not AuditEvent.objects.filter(action="media.revealed").exists()

    confirmed, grant = reveal(analyst_client, item, confirm="on")
    assert confirmed.status_code == 200 and grant
    assert AuditEvent.objects.get(action="media.revealed").detail["known_material"] is True


def test_missing_evidence_is_not_found(kept, settings, analyst_client):
    item, _ = kept
    sealing.evidence_store().delete(item.evidence_name)
    assert analyst_client.get(url("media_preview", item)).status_code == 404


@pytest.mark.parametrize("name", ["media_preview", "media_reveal", "media_original"])
def test_another_organisation_cannot_reach_the_media(
    organisation, other_organisation, outsider_client, name
):
    item, _ = add_image(make_report(organisation), 13)
    get_or_post = outsider_client.post if name == "media_reveal" else outsider_client.get
    assert get_or_post(url(name, item, grant="x")).status_code == 404


@pytest.mark.parametrize("name", ["media_preview", "media_reveal", "media_original"])
def test_partner_services_cannot_reach_the_media(kept, client, partner, name):
    item, _ = kept
    partner_client = verified_client(client, partner)
    get_or_post = partner_client.post if name == "media_reveal" else partner_client.get
    assert get_or_post(url(name, item, grant="x")).status_code == 403
