"""Alerts to a trusted adult: one per child and kind of thing in ten minutes, an e-mail
to the right adults that holds no text, pages that show what to do next, and an audit
trail without the child's label."""

import pytest
from django.core import mail

from conftest import make_user, verified_client
from haven.access.alerts import DEDUP_WINDOW, adult_emails, alert_categories, raise_alert
from haven.access.catalogue import Action
from haven.access.models import AdultAlert, ChildProfile, Policy, PolicyGuardian
from haven.access.types import Decision, Reason, Signal
from haven.accounts.models import Role
from haven.audit.models import AuditEvent

SECRET_TEXT = "don't tell your mum, send me a photo"


def grooming_decision(**extra) -> Decision:
    signals = (
        Signal("grooming.secrecy", "grooming", "likely", "don't tell your mum"),
        Signal("grooming.images", "grooming", "likely", "send me a photo"),
    )
    reason = Reason(
        "HVN-GROOMING-1",
        "Grooming patterns",
        "NSPCC",
        "grooming",
        "likely",
        Action.BLOCK,
        "set",
        "default",
        decisive=True,
    )
    return Decision(
        action=Action.BLOCK,
        band="10-12",
        context="home",
        reasons=(reason,),
        alert_adult=True,
        descriptors={"grooming": "likely"},
        signals=signals,
        **extra,
    )


def self_harm_decision() -> Decision:
    return Decision(
        action=Action.GUIDANCE,
        band="13-15",
        context="home",
        reasons=(),
        alert_adult=True,
        show_support=True,
        descriptors={"self_harm": "intent"},
        signals=(Signal("self_harm.intent", "self_harm", "intent", "i want to die"),),
    )


def test_an_alert_holds_categories_signals_and_rules_never_the_text(child, guardian):
    alert = raise_alert(child, grooming_decision(), "chat:room/77")
    assert alert.categories == ["grooming"]
    assert alert.signals == ["grooming.images", "grooming.secrecy"]
    assert alert.rule_ids == ["HVN-GROOMING-1"]
    assert alert.content_ref == "chat:room/77"
    stored = str(AdultAlert.objects.values().get())
    assert "photo" not in stored and "mum" not in stored


def test_the_same_kind_for_the_same_child_alerts_once_in_ten_minutes(child, clock):
    assert raise_alert(child, grooming_decision(), "chat:1") is not None
    clock.advance(minutes=9)
    assert raise_alert(child, grooming_decision(), "chat:1") is None
    # Another kind of thing is another alert.
    assert raise_alert(child, self_harm_decision(), "chat:1") is not None
    clock.advance(seconds=DEDUP_WINDOW.total_seconds() - 9 * 60 + 1)
    assert raise_alert(child, grooming_decision(), "chat:1") is not None
    assert AdultAlert.objects.count() == 3


def test_another_child_gets_their_own_alert(child, organisation, family_policy):
    sibling = ChildProfile.objects.create(
        organisation=organisation, policy=family_policy, label="Sib", birth_year=2012
    )
    assert raise_alert(child, grooming_decision(), "") is not None
    assert raise_alert(sibling, grooming_decision(), "") is not None


def test_the_guardians_are_emailed_the_kind_of_thing_and_nothing_else(
    child, guardian, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = raise_alert(child, grooming_decision(), "https://chat.example/room/77")
    [message] = mail.outbox
    assert message.to == [guardian.email]
    text = message.subject + message.body
    assert "grooming patterns" in text
    assert f"/access/alerts/{alert.pk}/" in text
    for private in ("photo", "mum", "Ada", "chat.example", "secrecy"):
        assert private not in text


def test_a_child_with_no_guardian_alerts_the_supervisors(
    organisation, org_policy, supervisor, analyst
):
    child = ChildProfile.objects.create(
        organisation=organisation, policy=org_policy, label="Org child", birth_year=2013
    )
    assert adult_emails(child.policy) == [supervisor.email]


def test_raising_an_alert_is_audited_as_the_system_without_the_label(child):
    alert = raise_alert(child, grooming_decision(), "chat:1")
    event = AuditEvent.objects.get(action="access.alert.raise")
    assert event.actor is None and event.organisation_id == child.organisation_id
    assert event.target_id == str(alert.pk)
    assert event.detail["profile"] == child.public_id
    assert event.detail["categories"] == ["grooming"]
    assert "Ada" not in str(event.detail) and "photo" not in str(event.detail)


def test_categories_come_from_signals_and_signal_descriptors_else_the_deciding_rules():
    assert alert_categories(self_harm_decision()) == ["self_harm"]
    declared = Decision(
        action=Action.BLOCK,
        band="10-12",
        context="home",
        reasons=(
            Reason("R", "t", "s", "violence", "realistic_intense", Action.BLOCK, "set", "d", True),
        ),
        alert_adult=True,
        descriptors={"violence": "realistic_intense", "threat": "explicit"},
    )
    assert alert_categories(declared) == ["threat"]
    only_rules = Decision(
        action=Action.BLOCK,
        band="10-12",
        context="home",
        reasons=declared.reasons,
        alert_adult=True,
        descriptors={"violence": "realistic_intense"},
    )
    assert alert_categories(only_rules) == ["violence"]


def test_the_alert_page_says_what_to_do_and_marking_it_seen_is_audited(
    guardian_client, child, organisation
):
    organisation.country = "GB"
    organisation.save()
    alert = raise_alert(child, grooming_decision(), "chat:room/77")
    listing = guardian_client.get("/access/alerts/").content.decode()
    assert "Grooming patterns" in listing and "Ada" in listing and "Not yet" in listing
    page = guardian_client.get(f"/access/alerts/{alert.pk}/").content.decode()
    assert "What to do next" in page and "Childline" in page
    assert "Do not confront the other person" in page
    assert "chat:room/77" in page
    response = guardian_client.post(f"/access/alerts/{alert.pk}/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.seen_at is not None and alert.seen_by.username == "parent"
    guardian_client.post(f"/access/alerts/{alert.pk}/")  # a second time changes nothing
    event = AuditEvent.objects.get(action="access.alert.seen")
    assert event.detail == {"profile": child.public_id, "categories": ["grooming"]}


def test_self_harm_alerts_say_asking_is_safe(guardian_client, child):
    alert = raise_alert(child, self_harm_decision(), "")
    page = guardian_client.get(f"/access/alerts/{alert.pk}/").content.decode()
    assert "asking does not put the idea in their head" in page


@pytest.fixture
def other_guardian(organisation, org_policy):
    family = Policy.objects.create(
        organisation=organisation, kind="family", name="Other", parent=org_policy
    )
    user = make_user(organisation, "other-parent", Role.GUARDIAN)
    PolicyGuardian.objects.create(policy=family, user=user)
    return user


def test_only_the_childs_own_adults_see_the_alert(
    client, child, other_guardian, outsider, supervisor
):
    alert = raise_alert(child, grooming_decision(), "")
    for user in (other_guardian, outsider):
        signed_in = verified_client(client, user)
        assert signed_in.get(f"/access/alerts/{alert.pk}/").status_code == 404
        assert signed_in.post(f"/access/alerts/{alert.pk}/").status_code == 404
        assert "Ada" not in signed_in.get("/access/alerts/").content.decode()
    alert.refresh_from_db()
    assert alert.seen_at is None
    assert verified_client(client, supervisor).get(f"/access/alerts/{alert.pk}/").status_code == 200


def test_the_alerts_list_takes_a_fixed_number_of_queries(
    guardian_client, child, clock, django_assert_max_num_queries
):
    for _ in range(12):
        raise_alert(child, grooming_decision(), "")
        clock.advance(minutes=11)
    with django_assert_max_num_queries(10):
        assert guardian_client.get("/access/alerts/").status_code == 200
