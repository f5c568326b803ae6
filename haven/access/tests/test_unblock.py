"""The child's why page and requests to unblock, end to end: the link, the words for the
child's age, the monitoring sign, asking, the adult's answer and what the child then
sees; forged and expired links; throttles; and audit events without personal data."""

import base64
import json
import re
import zlib
from datetime import timedelta

import pytest
from cryptography import fernet
from cryptography.fernet import Fernet
from django.core import mail

from conftest import make_user, verified_client
from haven.access import links, unblocking
from haven.access.catalogue import Action
from haven.access.explain import explain_for_child, monitoring_notice
from haven.access.models import ChildProfile, UnblockRequest
from haven.access.types import Content, Decision, Reason
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.hashing.sealing import purpose_cipher

REF = "https://video.example/watch?v=42"
BAND_BIRTH_YEARS = {"0-5": 2023, "6-9": 2018, "10-12": 2014, "13-15": 2012, "16-17": 2009}


def decision(
    band="10-12",
    action=Action.BLOCK,
    descriptor="violence",
    level="realistic_intense",
    unblockable=True,
    **extra,
) -> Decision:
    reason = Reason(
        rule_id="HVN-VIOLENCE-3",
        title="Realistic intense violence",
        source="OARS",
        descriptor=descriptor,
        level=level,
        action=action,
        effect="set",
        layer="default",
        decisive=True,
    )
    return Decision(
        action=action,
        band=band,
        context="home",
        reasons=(reason,),
        unblockable=unblockable,
        descriptors={descriptor: level},
        **extra,
    )


def why_path(child, made=None, ref=REF, title="Street fight compilation") -> str:
    token = links.why_token(child, Content(ref=ref, title=title), made or decision())
    return links.why_url(None, token)


def asked_page(client, child, message="please, it's for history homework", **kwargs):
    path = why_path(child, **kwargs)
    return client.post(path, {"message": message})


@pytest.fixture
def other_family_guardian(organisation, org_policy):
    from haven.access.models import Policy, PolicyGuardian

    family = Policy.objects.create(
        organisation=organisation, kind="family", name="Brennans", parent=org_policy
    )
    user = make_user(organisation, "brennan", Role.GUARDIAN)
    PolicyGuardian.objects.create(policy=family, user=user)
    return user


# --- content_key ---------------------------------------------------------------------------


def test_content_key_ignores_case_of_scheme_and_host_spaces_and_the_fragment():
    key = unblocking.content_key("https://example.org/Path?q=1")
    assert len(key) == 64
    assert unblocking.content_key("  HTTPS://Example.ORG/Path?q=1#comments ") == key
    # The path and the query are what is shown: they keep their case.
    assert unblocking.content_key("https://example.org/path?q=1") != key
    assert unblocking.content_key("https://example.org/Path?q=2") != key


def test_content_key_of_a_platforms_own_id_is_only_stripped_and_of_nothing_is_empty():
    assert unblocking.content_key(" video:ABC ") == unblocking.content_key("video:ABC")
    assert unblocking.content_key("video:ABC") != unblocking.content_key("video:abc")
    assert unblocking.content_key("") == unblocking.content_key("   ") == ""


# --- the link -------------------------------------------------------------------------------


def test_a_why_token_carries_the_decision_and_nothing_the_child_wrote(child):
    made = decision(show_support=True, support_topics=("self_harm",))
    content = Content(ref=REF, title="T" * 500, text="my secret diary")
    token = links.why_token(child, content, made)
    payload = links.read_why_token(token)
    assert payload.profile_id == child.public_id
    assert payload.content_key == unblocking.content_key(REF)
    assert payload.action == Action.BLOCK and payload.band == "10-12"
    assert payload.rule_ids == ["HVN-VIOLENCE-3"] and payload.unblockable
    assert len(payload.content_title) == links.TITLE_CHARS
    assert payload.support_topics == ("self_harm",) and payload.show_support
    inside = zlib.decompress(purpose_cipher(links.PURPOSE).decrypt(token.encode()))
    assert b"diary" not in inside
    rebuilt = payload.decision()
    assert explain_for_child(rebuilt, "Mum") == explain_for_child(made, "Mum")


def test_a_why_token_is_unreadable_without_the_key(child):
    content = Content(ref="https://chat.example/dm/ada", title="DM from a stranger")
    made = decision(descriptor="self_harm", level="intent")
    token = links.why_token(child, content, made)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    for secret in (child.public_id, "chat.example", "stranger", "self_harm", "10-12"):
        assert secret.encode() not in raw


def test_an_over_long_token_is_refused_before_decrypting(child):
    assert links.read_why_token("A" * (links.MOST_TOKEN_CHARS + 1)) is None


def test_why_url_is_absolute_with_a_request_and_a_path_without(rf, child):
    token = links.why_token(child, Content(ref=REF), decision())
    assert links.why_url(None, token) == f"/access/why/{token}/"
    assert links.why_url(rf.get("/"), token) == f"http://testserver/access/why/{token}/"


def test_a_forged_or_tampered_link_is_a_kind_404(client, child):
    token = links.why_token(child, Content(ref=REF), decision())
    packed = zlib.compress(json.dumps({"v": 1, "p": child.public_id}).encode())
    forged = Fernet(Fernet.generate_key()).encrypt(packed).decode()
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        response = client.get(f"/access/why/{bad}/")
        assert response.status_code == 404
        assert "This link doesn't work any more" in response.content.decode()
    assert client.get("/access/asked/not-a-real-token/").status_code == 404


def test_a_link_older_than_seven_days_is_a_404(client, child, monkeypatch):
    import time
    from types import SimpleNamespace

    # Tokens are timed by the system clock (time.time), moved here for Fernet only.
    now = time.time()
    monkeypatch.setattr(fernet, "time", SimpleNamespace(time=lambda: now))
    path = why_path(child)
    now += timedelta(days=6, hours=23).total_seconds()
    assert client.get(path).status_code == 200
    now += timedelta(hours=2).total_seconds()
    assert client.get(path).status_code == 404


def test_a_link_for_a_deactivated_profile_is_a_404(client, child):
    path = why_path(child)
    ChildProfile.objects.filter(pk=child.pk).update(active=False)
    assert client.get(path).status_code == 404


# --- the child's page -----------------------------------------------------------------------


@pytest.mark.parametrize("band", sorted(BAND_BIRTH_YEARS))
def test_the_why_page_speaks_to_each_age_band_and_shows_the_monitoring_sign(client, child, band):
    child.birth_year = BAND_BIRTH_YEARS[band]
    child.monitored_by = "school"
    child.save()
    made = decision(band=band)
    page = client.get(why_path(child, made))
    assert page.status_code == 200
    html = page.content.decode()
    words = explain_for_child(made, "Mum or Dad")
    assert words and _escaped(words) in html
    assert 'class="monitoring"' in html
    assert _escaped(monitoring_notice("school", band)) in html
    assert "Ask Mum or Dad to unblock this" in html


def test_the_words_differ_between_young_and_older_children(child):
    assert explain_for_child(decision(band="6-9"), "Mum") != explain_for_child(
        decision(band="13-15"), "Mum"
    )


def test_there_is_no_monitoring_sign_when_nobody_monitors(client, child):
    child.monitored_by = ""
    child.save()
    html = client.get(why_path(child)).content.decode()
    assert 'class="monitoring"' not in html


def test_the_child_page_is_private_small_and_works_without_script(client, child):
    response = client.get(why_path(child))
    html = response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "Leave this site quickly" in html and 'href="/access/exit/"' in html
    # Nothing is loaded from anywhere else: every script, stylesheet and image is Haven's.
    assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="https?://', html)
    assert len(response.content) < 20_000
    # The form is a plain form: no script is needed to ask.
    assert '<form method="post"' in html and 'name="message"' in html


def test_the_quick_exit_goes_to_an_ordinary_site_without_a_referrer(client):
    response = client.get("/access/exit/")
    assert response.status_code == 302 and response["Location"].startswith("https://")
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_page_follows_the_language_the_platform_passes(client, child):
    response = client.get(why_path(child) + "?lang=fr")
    assert response["Content-Language"] == "fr"
    assert 'lang="fr"' in response.content.decode()
    asked = client.post(why_path(child) + "?lang=fr", {"message": "", "lang": "fr"})
    assert asked["Location"].endswith("?lang=fr")


def test_the_page_follows_the_browser_without_a_lang(client, child):
    response = client.get(why_path(child), HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "es"


def test_self_harm_always_brings_support_even_when_the_decision_does_not_say_so(
    client, child, organisation
):
    organisation.country = "GB"
    organisation.save()
    made = decision(descriptor="self_harm", level="discussed", action=Action.WARN)
    html = client.get(why_path(child, made)).content.decode()
    assert "Samaritans" in html and "116 123" in html


def test_when_no_one_can_unblock_it_the_child_is_told_kindly_and_shown_help(client, child):
    made = decision(descriptor="sexual", level="explicit", unblockable=False)
    html = client.get(why_path(child, made)).content.decode()
    assert 'name="message"' not in html
    assert "Why nobody can unblock this" in html
    assert "Want to talk to someone?" in html
    assert client.post(why_path(child, made), {"message": "x"}).status_code == 400
    assert not UnblockRequest.objects.exists()


def test_without_a_content_reference_there_is_nothing_to_ask_for(client, child):
    html = client.get(why_path(child, ref="")).content.decode()
    assert 'name="message"' not in html and "talk to Mum or Dad" in html


# --- asking and answering ---------------------------------------------------------------------


def test_a_child_asks_and_the_guardian_is_emailed_without_the_content(
    client, child, guardian, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = asked_page(client, child)
    unblock_request = UnblockRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(f"/access/asked/{unblock_request.token}/")
    assert unblock_request.status == "pending"
    assert unblock_request.content_ref == REF
    assert unblock_request.content_key == unblocking.content_key(REF)
    assert unblock_request.rule_ids == ["HVN-VIOLENCE-3"]
    assert unblock_request.action == "block"
    assert unblock_request.policy == child.policy
    assert unblock_request.child_message == "please, it's for history homework"
    assert [m.to for m in mail.outbox] == [[guardian.email]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    for private in ("homework", "Ada", "video.example", "Street fight"):
        assert private not in body
    assert f"/access/requests/{unblock_request.pk}/" in body
    status = client.get(response["Location"]).content.decode()
    assert "Waiting for Mum or Dad to answer." in status


def test_asking_twice_for_the_same_thing_shows_the_same_request(
    client, child, guardian, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = asked_page(client, child)
        again = asked_page(client, child, message="pleeease", ref=REF + "#t=10")
    assert first["Location"] == again["Location"]
    assert UnblockRequest.objects.count() == 1
    assert UnblockRequest.objects.get().child_message == "please, it's for history homework"
    assert len(mail.outbox) == 1
    html = client.get(why_path(child)).content.decode()
    assert "You already asked Mum or Dad about this." in html


def test_a_message_over_500_characters_is_refused(client, child):
    response = asked_page(client, child, message="x" * 501)
    assert response.status_code == 400
    assert not UnblockRequest.objects.exists()


def test_a_child_may_ask_ten_times_a_day(client, child, clock):
    for n in range(10):
        assert asked_page(client, child, ref=f"{REF}&n={n}").status_code == 302
    refused = asked_page(client, child, ref=f"{REF}&n=10")
    assert refused.status_code == 429
    assert "You have asked a lot of times today" in refused.content.decode()
    # Asking again about something already asked is never refused.
    assert asked_page(client, child, ref=f"{REF}&n=3").status_code == 302
    clock.advance(days=1, minutes=1)
    assert asked_page(client, child, ref=f"{REF}&n=10").status_code == 302


def test_one_address_may_ask_twenty_times_an_hour_whatever_the_profile(
    client, organisation, family_policy
):
    children = [
        ChildProfile.objects.create(
            organisation=organisation, policy=family_policy, label=f"k{n}", birth_year=2014
        )
        for n in range(3)
    ]
    made = 0
    for n in range(unblocking.PER_ADDRESS_PER_HOUR):
        made += asked_page(client, children[n % 3], ref=f"{REF}&n={n}").status_code == 302
    assert made == unblocking.PER_ADDRESS_PER_HOUR
    assert asked_page(client, children[0], ref=f"{REF}&n=99").status_code == 429
    other_address = client.post(
        why_path(children[0], ref=f"{REF}&n=99"), {"message": ""}, REMOTE_ADDR="10.0.0.9"
    )
    assert other_address.status_code == 302


def test_an_approval_lets_later_decisions_find_it_until_it_expires(
    client, child, guardian_client, clock
):
    asked_page(client, child)
    unblock_request = UnblockRequest.objects.get()
    key = unblocking.content_key(REF)
    assert unblocking.approved_request(child.pk, key) is None
    response = guardian_client.post(
        f"/access/requests/{unblock_request.pk}/", {"answer": "approve_1", "note": "Just today"}
    )
    assert response.status_code == 302
    found = unblocking.approved_request(child.pk, unblocking.content_key(REF + "#x"))
    assert found == unblock_request
    assert found.expires_at == clock.now + timedelta(days=1)
    status = client.get(f"/access/asked/{unblock_request.token}/").content.decode()
    assert "Yes! Mum or Dad said you can see it." in status and "Just today" in status
    assert f'href="{REF}"' in status
    clock.advance(days=1, seconds=1)
    assert unblocking.approved_request(child.pk, key) is None
    status = client.get(f"/access/asked/{unblock_request.token}/").content.decode()
    assert "that time is over" in status


def test_an_approval_until_withdrawn_lasts_until_the_guardian_withdraws_it(
    client, child, guardian, clock
):
    asked_page(client, child)
    unblock_request = UnblockRequest.objects.get()
    guardian_client = verified_client(client, guardian)
    guardian_client.post(f"/access/requests/{unblock_request.pk}/", {"answer": "approve"})
    clock.advance(days=400)
    key = unblocking.content_key(REF)
    assert unblocking.approved_request(child.pk, key) == unblock_request
    guardian_client = verified_client(client, guardian)  # a new day, a new sign-in
    response = guardian_client.post(
        f"/access/requests/{unblock_request.pk}/withdraw/", {"note": "Let's talk first"}
    )
    assert response.status_code == 302
    assert unblocking.approved_request(child.pk, key) is None
    status = client.get(f"/access/asked/{unblock_request.token}/").content.decode()
    assert "has changed their mind" in status and "Let&#x27;s talk first" in status
    # Withdrawn, the child may ask again.
    assert 'name="message"' in client.get(why_path(child)).content.decode()


def test_a_declined_request_shows_the_adults_note_to_the_child(client, child, guardian_client):
    asked_page(client, child)
    unblock_request = UnblockRequest.objects.get()
    guardian_client.post(
        f"/access/requests/{unblock_request.pk}/",
        {"answer": "decline", "note": "Too gory, we can watch a documentary instead"},
    )
    unblock_request.refresh_from_db()
    assert unblock_request.status == "declined"
    status = client.get(f"/access/asked/{unblock_request.token}/").content.decode()
    assert "Mum or Dad said no this time." in status
    assert "we can watch a documentary instead" in status
    assert unblocking.approved_request(child.pk, unblock_request.content_key) is None


def test_an_answered_request_cannot_be_answered_again(client, child, guardian_client):
    asked_page(client, child)
    unblock_request = UnblockRequest.objects.get()
    guardian_client.post(f"/access/requests/{unblock_request.pk}/", {"answer": "decline"})
    guardian_client.post(f"/access/requests/{unblock_request.pk}/", {"answer": "approve"})
    unblock_request.refresh_from_db()
    assert unblock_request.status == "declined"
    with pytest.raises(unblocking.NotPending):
        unblocking.withdraw_request(None, unblock_request)


def test_another_familys_guardian_cannot_see_or_answer_the_request(
    client, child, other_family_guardian, outsider
):
    asked_page(client, child)
    unblock_request = UnblockRequest.objects.get()
    for user in (other_family_guardian, outsider):
        signed_in = verified_client(client, user)
        assert signed_in.get(f"/access/requests/{unblock_request.pk}/").status_code == 404
        response = signed_in.post(f"/access/requests/{unblock_request.pk}/", {"answer": "approve"})
        assert response.status_code == 404
        assert "history homework" not in signed_in.get("/access/requests/").content.decode()
    unblock_request.refresh_from_db()
    assert unblock_request.status == "pending"


def test_the_requests_page_lists_waiting_ones_first(
    client, child, guardian_client, supervisor_client
):
    asked_page(client, child, ref=REF + "&a")
    asked_page(client, child, ref=REF + "&b", title="Second")
    first = UnblockRequest.objects.get(content_ref=REF + "&a")
    guardian_client.post(f"/access/requests/{first.pk}/", {"answer": "decline"})
    for signed_in in (guardian_client, supervisor_client):
        page = signed_in.get("/access/requests/").content.decode()
        assert page.index("Second") < page.index("Street fight")


def test_the_request_page_shows_the_adult_what_and_why(client, child, guardian_client):
    asked_page(client, child)
    unblock_request = UnblockRequest.objects.get()
    page = guardian_client.get(f"/access/requests/{unblock_request.pk}/").content.decode()
    assert "Street fight compilation" in page and "history homework" in page
    assert "Realistic, intense" in page and "HVN-VIOLENCE-3" in page
    assert "Yes, for one day" in page and "Yes, for 30 days" in page


def test_the_request_flow_is_audited_without_the_label_message_or_note(
    client, child, guardian_client
):
    asked_page(client, child)
    unblock_request = UnblockRequest.objects.get()
    guardian_client.post(
        f"/access/requests/{unblock_request.pk}/", {"answer": "approve_30", "note": "ok Ada"}
    )
    guardian_client.post(f"/access/requests/{unblock_request.pk}/withdraw/", {"note": "sorry"})
    events = AuditEvent.objects.filter(action__startswith="access.unblock").order_by("pk")
    assert [e.action for e in events] == [
        "access.unblock.request",
        "access.unblock.approve",
        "access.unblock.withdraw",
    ]
    asked, approved, _withdrawn = events
    assert asked.actor is None and asked.ip_address is None
    assert asked.organisation_id == child.organisation_id
    assert asked.detail["profile"] == child.public_id and asked.detail["with_message"]
    assert approved.detail["days"] == 30 and approved.detail["with_note"]
    for event in events:
        text = str(event.detail)
        for private in ("Ada", "homework", "sorry", "ok Ada", "video.example"):
            assert private not in text


def test_the_service_offers_a_why_link_that_opens_this_page(client, child, organisation):
    from haven.access import service

    answer = service.decide_request(
        organisation,
        {
            "profile": {"id": child.public_id},
            "content": {"descriptors": {"sexual": "explicit"}, "ref": REF},
        },
    )
    assert answer["why_url"]
    page = client.get(answer["why_url"])
    assert page.status_code == 200
    assert _escaped(answer["explanation"]["child"]) in page.content.decode()


def _escaped(text: str) -> str:
    from django.utils.html import escape

    return escape(text)


def test_a_warning_has_no_form_since_the_child_may_go_on(client, child):
    made = decision(action=Action.WARN)
    html = client.get(why_path(child, made)).content.decode()
    assert "Before you look at this" in html
    assert 'name="message"' not in html and "nobody can unblock" not in html


def test_after_a_no_asking_again_shows_that_answer_for_a_day_then_asks_anew(
    client, child, guardian, guardian_client, clock, mailoutbox, django_capture_on_commit_callbacks
):
    asked_page(client, child)
    declined = UnblockRequest.objects.get()
    guardian_client.post(f"/access/requests/{declined.pk}/", {"answer": "decline"})

    with django_capture_on_commit_callbacks(execute=True):
        again = asked_page(client, child, message="pleeease")

    assert f"/access/asked/{declined.token}/" in again["Location"]
    assert UnblockRequest.objects.count() == 1 and mailoutbox == []
    clock.advance(days=1, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        asked_page(client, child, message="it's for school, honestly")
    assert UnblockRequest.objects.filter(status="pending").count() == 1
    assert [message.to for message in mailoutbox] == [[guardian.email]]


def test_after_an_approval_expires_the_child_may_ask_again(client, child, guardian_client, clock):
    asked_page(client, child)
    unblock_request = UnblockRequest.objects.get()
    guardian_client.post(f"/access/requests/{unblock_request.pk}/", {"answer": "approve_1"})
    assert "said yes to this before" in client.get(why_path(child)).content.decode()
    clock.advance(days=2)
    html = client.get(why_path(child)).content.decode()
    assert 'name="message"' in html
    assert asked_page(client, child, message="again").status_code == 302
    assert UnblockRequest.objects.filter(status="pending").count() == 1


def test_the_adult_reads_a_policys_change_in_words_not_as_a_rule_id(
    guardian_client, child, family_policy
):
    asked = UnblockRequest.objects.create(
        organisation=child.organisation,
        profile=child,
        policy=family_policy,
        content_ref="https://example.org/page",
        content_key="0" * 64,
        action="restrict",
        rule_ids=[f"{family_policy.public_id}:horror/intense/10-12/school", "OSA-PPC-1"],
    )

    page = guardian_client.get(f"/access/requests/{asked.pk}/").content.decode()

    assert "The Okafor family&#x27;s change: Horror and fear (Intense), ages 10-12" in page
    assert family_policy.public_id not in page
    assert "OSA-PPC-1: " in page
