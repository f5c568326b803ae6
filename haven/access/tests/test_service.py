"""The decision service in process: checks on every field, profiles known and inline,
policies, approvals, alerts, batches, and how few queries a decision takes."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.access import service
from haven.access.access import organisation_policy
from haven.access.catalogue import DESCRIPTORS, VULNERABILITY_KEYS, Action
from haven.access.compiled import bump_version, clear_cache
from haven.access.models import AdultAlert, ChildProfile, Policy, PolicyRule, UnblockRequest
from haven.audit.models import AuditEvent
from haven.audit.services import Actor

pytestmark = pytest.mark.django_db

GROOMING = (
    "you're so mature for your age. how old are you? don't tell your parents about us, "
    "it's our secret. delete this chat and add me on snapchat. send me a photo of you. "
    "let's meet up after school, I'll buy you a new phone"
)


def born_years_ago(years: int) -> tuple[int, int]:
    """(birth_year, birth_month) of a child who turned `years` this month."""
    today = timezone.localdate()
    return today.year - years, today.month


def ask(profile, descriptors=None, context="home", **content) -> dict:
    body = {"profile": profile, "context": context, "content": {**content}}
    if descriptors is not None or not content:
        body["content"]["descriptors"] = descriptors or {}
    return body


def fields_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.errors


def adjust(policy: Policy, descriptor: str, level: str, band: str, action: Action) -> None:
    """An editor's change to one cell, as the editor saves it: a rule and a new version."""
    PolicyRule.objects.create(
        policy=policy, descriptor=descriptor, level=level, age_band=band, action=action.key
    )
    bump_version(policy)


def make_child(organisation, policy, years: int, **fields) -> ChildProfile:
    year, month = born_years_ago(years)
    return ChildProfile.objects.create(
        organisation=organisation,
        policy=policy,
        label="Sam",
        birth_year=year,
        birth_month=month,
        **fields,
    )


# --- A decision -----------------------------------------------------------------------------


def test_a_decision_cites_the_rules_that_produced_it(organisation):
    outcome = service.decide(
        organisation, profile={"age": 11}, descriptors={"violence": "realistic_intense"}
    )

    assert outcome.decision.action is Action.RESTRICT
    assert outcome.data["action"] == "restrict"
    assert outcome.data["age_band"] == "10-12"
    decisive = [reason for reason in outcome.data["reasons"] if reason["decisive"]]
    assert [reason["rule"] for reason in decisive] == ["OARS-VIOL-10"]
    assert decisive[0]["source"]
    assert outcome.data["policy"]["id"] == organisation_policy(organisation).public_id


def test_a_known_profiles_age_counts_from_its_birth_year_and_month(organisation, family_policy):
    today = timezone.localdate()
    turned_13 = make_child(organisation, family_policy, 13)
    not_yet = make_child(organisation, family_policy, 13)
    if today.month < 12:
        # Born next month 13 years ago: still 12 this month.
        not_yet.birth_month = today.month + 1
    else:
        not_yet.birth_year += 1
        not_yet.birth_month = 1
    not_yet.save()

    older = service.decide(organisation, profile=turned_13, descriptors={"gore": "mild"})
    younger = service.decide(organisation, profile=not_yet.public_id, descriptors={"gore": "mild"})

    assert older.data["age_band"] == "13-15"
    assert younger.data["age_band"] == "10-12"


def test_maturity_moves_a_child_one_band(organisation, family_policy):
    child = make_child(organisation, family_policy, 12, maturity="older")

    outcome = service.decide(organisation, profile=child, descriptors={"gore": "mild"})

    assert outcome.data["age_band"] == "13-15"
    assert outcome.decision.action is Action.ALLOW


def test_age_of_is_whole_years_from_the_birth_month():
    child = ChildProfile(birth_year=2014, birth_month=6)

    assert service.age_of(child, date(2026, 5, 31)) == 11
    assert service.age_of(child, date(2026, 6, 1)) == 12
    assert service.age_of(ChildProfile(birth_year=2030, birth_month=1), date(2026, 1, 1)) == 0


def test_an_adult_is_allowed_with_the_adult_rule(organisation):
    outcome = service.decide(organisation, profile={"age": 30}, descriptors={"gore": "intense"})

    assert outcome.data["action"] == "allow"
    assert outcome.data["age_band"] is None
    assert [reason["rule"] for reason in outcome.data["reasons"]] == ["HVN-ADULT"]


def test_content_without_descriptors_is_allowed_as_nothing_restricted(organisation):
    outcome = service.decide(organisation, profile={"age": 8}, descriptors={})

    assert outcome.data["action"] == "allow"
    assert [reason["rule"] for reason in outcome.data["reasons"]] == ["HVN-NONE"]


def test_an_inline_profile_stores_nothing(organisation):
    tables = (ChildProfile, AdultAlert, UnblockRequest, AuditEvent, Policy)
    organisation_policy(organisation)  # made on first use; not what is measured
    before = [model.objects.count() for model in tables]

    outcome = service.decide(
        organisation, profile={"age": 11, "monitored_by": "school"}, text=GROOMING, ref="x"
    )

    assert outcome.data["alert_adult"] is True
    assert outcome.data["alert_raised"] is False  # nobody to tell: the profile is unknown
    assert outcome.data["why_url"] is None
    assert [model.objects.count() for model in tables] == before


def test_monitoring_is_shown_for_a_monitored_child(organisation, child):
    outcome = service.decide(organisation, profile=child, descriptors={"horror": "mild"})

    assert outcome.data["monitoring"]["active"] is True
    assert outcome.data["monitoring"]["by"] == "parent"
    assert outcome.data["monitoring"]["notice"]


def test_the_explanations_are_given_for_the_child_and_the_adult(organisation, child):
    outcome = service.decide(organisation, profile=child, descriptors={"gore": "intense"})

    assert outcome.data["explanation"]["child"]
    assert outcome.data["explanation"]["adult"]


def test_support_resources_come_with_self_harm_content(organisation):
    outcome = service.decide(
        organisation, profile={"age": 14}, descriptors={"self_harm": "recovery_support"}
    )

    assert outcome.data["action"] == "allow"
    assert outcome.data["show_support"] is True
    assert outcome.data["support"]
    assert {"name", "phone", "url", "text", "topics"} <= set(outcome.data["support"][0])


def test_declared_descriptors_stand_and_text_adds_the_undeclared_ones(organisation):
    outcome = service.decide(
        organisation,
        profile={"age": 13},
        descriptors={"violence": "fantasy_mild"},
        text="Uncensored brutal footage of the attack, real blood and gore, no blur.",
    )

    assert outcome.decision.descriptors["violence"] == "fantasy_mild"
    assert "gore" in outcome.decision.descriptors


# --- Known children: why-links, alerts, approvals -------------------------------------------


def test_a_why_link_is_given_for_a_known_child_from_warn_up(organisation, child):
    held = service.decide(organisation, profile=child, descriptors={"gore": "intense"})
    guided = service.decide(organisation, profile=child, descriptors={"gore": "mild"})
    inline = service.decide(organisation, profile={"age": 12}, descriptors={"gore": "intense"})

    assert held.data["why_url"].startswith("/access/why/")
    assert guided.decision.action < Action.WARN
    assert guided.data["why_url"] is None
    assert inline.data["why_url"] is None


def test_grooming_text_for_a_known_child_alerts_an_adult_without_keeping_the_text(
    organisation, child
):
    outcome = service.decide(organisation, profile=child, text=GROOMING, ref="chat:42")

    assert outcome.data["action"] in ("restrict", "block")
    assert outcome.data["alert_adult"] is True
    assert outcome.data["alert_raised"] is True
    assert outcome.data["show_support"] is True
    assert outcome.data["descriptors"]["grooming"] == "likely"
    assert outcome.data["signals"]
    alert = AdultAlert.objects.get(profile=child)
    assert "grooming" in alert.categories
    stored = repr([getattr(alert, f.attname) for f in AdultAlert._meta.concrete_fields])
    assert "secret" not in stored and "snapchat" not in stored
    assert alert.content_ref == "chat:42"


def test_an_approved_request_to_unblock_allows_the_same_content_for_the_same_child(
    organisation, child, guardian
):
    ref = "https://video.example/watch/1"
    first = service.decide(organisation, profile=child, descriptors={"gore": "intense"}, ref=ref)
    approve(first, child, guardian)

    again = service.decide(organisation, profile=child, descriptors={"gore": "intense"}, ref=ref)
    other = service.decide(
        organisation, profile=child, descriptors={"gore": "intense"}, ref=ref + "?v=2"
    )

    assert first.data["action"] == "block"
    assert again.data["action"] == "allow"
    decisive = [reason["rule"] for reason in again.data["reasons"] if reason["decisive"]]
    assert decisive == ["HVN-APPROVED"]
    assert other.data["action"] == "block"


def test_an_approval_does_not_lift_a_locked_rule(organisation, child, guardian):
    ref = "https://video.example/watch/2"
    allowed = service.decide(organisation, profile=child, descriptors={"gore": "intense"}, ref=ref)
    approve(allowed, child, guardian)

    locked = service.decide(
        organisation,
        profile=child,
        descriptors={"gore": "intense", "sexual": "explicit"},
        ref=ref,
    )

    assert locked.data["action"] == "block"
    assert locked.data["unblockable"] is False
    assert "HVN-APPROVED" not in [reason["rule"] for reason in locked.data["reasons"]]


def approve(outcome, child, guardian) -> UnblockRequest:
    from haven.access import unblocking
    from haven.access.links import read_why_token

    token = outcome.data["why_url"].rstrip("/").rsplit("/", 1)[-1]
    payload = read_why_token(token)
    request = unblocking.create_request(Actor.public(), child, payload)
    return unblocking.decide_request(Actor.for_user(guardian), request, approve=True)


# --- Policies -------------------------------------------------------------------------------


def test_an_adjusted_family_policy_changes_the_next_decision(
    organisation, child, family_policy, supervisor
):
    before = service.decide(organisation, profile=child, descriptors={"horror": "mild"})
    adjust(family_policy, "horror", "mild", before.data["age_band"], Action.WARN)

    after = service.decide(organisation, profile=child, descriptors={"horror": "mild"})

    assert before.data["action"] == "allow"
    assert after.data["action"] == "warn"
    assert after.data["policy"] == {
        "id": family_policy.public_id,
        "version": before.data["policy"]["version"] + 1,
    }
    decisive = [reason for reason in after.data["reasons"] if reason["decisive"]]
    assert decisive[0]["rule"].startswith(f"{family_policy.public_id}:horror/mild/")
    assert decisive[0]["layer"] == family_policy.name


def test_a_policy_named_in_the_request_wins_over_the_profiles(
    organisation, child, school_policy, supervisor
):
    band = service.profile_of(child).band
    adjust(school_policy, "horror", "mild", band, Action.BLOCK)

    at_home = service.decide(organisation, profile=child, descriptors={"horror": "mild"})
    at_school = service.decide(
        organisation,
        profile=child,
        policy=school_policy.public_id,
        context="school",
        descriptors={"horror": "mild"},
    )

    assert at_home.data["action"] == "allow"
    assert at_school.data["action"] == "block"
    assert at_school.data["policy"]["id"] == school_policy.public_id


# --- Checks ---------------------------------------------------------------------------------


def test_an_unknown_descriptor_is_named_with_the_valid_ones(organisation):
    with pytest.raises(service.Invalid) as excinfo:
        service.decide_request(organisation, ask({"age": 9}, {"violense": "mild"}))

    message = fields_of(excinfo)["content.descriptors.violense"][0]
    assert "Unknown descriptor" in message
    assert all(descriptor.key in message for descriptor in DESCRIPTORS)


def test_an_unknown_level_is_named_with_the_descriptors_levels(organisation):
    with pytest.raises(service.Invalid) as excinfo:
        service.decide_request(organisation, ask({"age": 9}, {"violence": "extreme"}))

    message = fields_of(excinfo)["content.descriptors.violence"][0]
    assert "'extreme'" in message
    assert "fantasy_mild, fantasy_intense, realistic_mild, realistic_intense" in message


@pytest.mark.parametrize("age", [-1, 121, 12.5, "12", True, None])
def test_age_must_be_a_whole_number_from_0_to_120(organisation, age):
    with pytest.raises(service.Invalid) as excinfo:
        service.decide_request(organisation, ask({"age": age}, {}))

    assert list(fields_of(excinfo)) == ["profile.age"]


def test_ages_0_and_120_are_accepted(organisation):
    assert service.decide_request(organisation, ask({"age": 0}, {}))["age_band"] == "0-5"
    assert service.decide_request(organisation, ask({"age": 120}, {}))["age_band"] is None


def test_an_unknown_context_maturity_or_monitor_is_named_with_the_valid_ones(organisation):
    body = ask({"age": 9, "maturity": "wise", "monitored_by": "aunt"}, {}, context="library")

    with pytest.raises(service.Invalid) as excinfo:
        service.decide_request(organisation, body)

    errors = fields_of(excinfo)
    assert "home, school, supervised, educational, medical, news, art" in errors["context"][0]
    assert "as_age, younger, older" in errors["profile.maturity"][0]
    assert "parent, school" in errors["profile.monitored_by"][0]


def test_an_unknown_vulnerability_is_named_with_the_valid_ones(organisation):
    body = ask({"age": 9, "vulnerabilities": ["self_harm_risk", "shy"]}, {})

    with pytest.raises(service.Invalid) as excinfo:
        service.decide_request(organisation, body)

    message = fields_of(excinfo)["profile.vulnerabilities"][0]
    assert "'shy'" in message and "'self_harm_risk'" not in message
    assert all(key in message for key in VULNERABILITY_KEYS)


def test_text_over_20000_characters_is_an_error_not_cut(organisation):
    ok = service.decide_request(organisation, ask({"age": 9}, text="a" * 20_000))
    with pytest.raises(service.Invalid) as excinfo:
        service.decide_request(organisation, ask({"age": 9}, text="a" * 20_001))

    assert ok["action"] == "allow"
    assert "20,000" in fields_of(excinfo)["content.text"][0]
    assert "20,001" in fields_of(excinfo)["content.text"][0]


def test_a_reference_over_2000_characters_is_an_error(organisation):
    with pytest.raises(service.Invalid) as excinfo:
        service.decide_request(organisation, ask({"age": 9}, {}, ref="r" * 2001))

    assert "2,000" in fields_of(excinfo)["content.ref"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "non_field_errors"),
        ({"content": {"descriptors": {}}}, "profile"),
        ({"profile": {"age": 9}}, "content"),
        ({"profile": {"age": 9}, "content": {"ref": "x"}}, "content"),
        ({"profile": "chd_x", "content": {"descriptors": {}}}, "profile"),
        ({"profile": {"id": "chd_x", "age": 9}, "content": {"text": ""}}, "profile"),
        ({"profile": {"id": ""}, "content": {"text": ""}}, "profile.id"),
        ({"profile": {"age": 9, "name": "Ada"}, "content": {"text": ""}}, "profile.name"),
        ({"profile": {"age": 9}, "content": {"text": "", "body": "x"}}, "content.body"),
        ({"profile": {"age": 9}, "content": {"descriptors": ["gore"]}}, "content.descriptors"),
        ({"profile": {"age": 9}, "content": {"text": 5}}, "content.text"),
        ({"profile": {"age": 9}, "content": {"text": ""}, "polisy": "x"}, "polisy"),
        ({"profile": {"age": 9}, "content": {"text": ""}, "policy": 7}, "policy"),
    ],
)
def test_malformed_requests_name_the_field_at_fault(organisation, body, field):
    with pytest.raises(service.Invalid) as excinfo:
        service.decide_request(organisation, body)

    assert field in fields_of(excinfo)


def test_every_problem_is_reported_at_once(organisation):
    body = ask({"age": 200}, {"gore": "lots"}, context="moon", ref="r" * 2001)

    with pytest.raises(service.Invalid) as excinfo:
        service.decide_request(organisation, body)

    assert set(fields_of(excinfo)) == {
        "profile.age",
        "content.descriptors.gore",
        "context",
        "content.ref",
    }


def test_another_organisations_profile_is_not_found_as_a_missing_one(
    organisation, other_organisation
):
    theirs_policy = organisation_policy(other_organisation)
    theirs = make_child(other_organisation, theirs_policy, 10)

    with pytest.raises(service.NotFound) as theirs_error:
        service.decide_request(organisation, ask({"id": theirs.public_id}, {}))
    with pytest.raises(service.NotFound) as missing_error:
        service.decide_request(organisation, ask({"id": "chd_missing"}, {}))

    assert str(theirs_error.value) == str(missing_error.value).replace(
        "chd_missing", theirs.public_id
    )


def test_another_organisations_policy_is_not_found_as_a_missing_one(
    organisation, other_organisation
):
    theirs = organisation_policy(other_organisation)
    body = {**ask({"age": 10}, {}), "policy": theirs.public_id}

    with pytest.raises(service.NotFound) as theirs_error:
        service.decide_request(organisation, body)
    with pytest.raises(service.NotFound) as missing_error:
        service.decide_request(organisation, {**body, "policy": "pol_missing"})

    assert str(theirs_error.value) == str(missing_error.value).replace(
        "pol_missing", theirs.public_id
    )


def test_a_profile_object_of_another_organisation_is_not_found(organisation, other_organisation):
    theirs = make_child(other_organisation, organisation_policy(other_organisation), 10)

    with pytest.raises(service.NotFound):
        service.decide(organisation, profile=theirs, descriptors={})


def test_an_inactive_profile_is_not_found(organisation, child):
    child.active = False
    child.save()

    with pytest.raises(service.NotFound):
        service.decide(organisation, profile=child.public_id, descriptors={})


# --- Batches --------------------------------------------------------------------------------


def test_a_batch_decides_every_good_item_and_reports_the_bad_one_in_place(organisation, child):
    items = [
        ask({"id": child.public_id}, {"gore": "intense"}),
        ask({"age": 9}, {"gore": "gory"}),
        ask({"id": "chd_nobody"}, {}),
        ask({"age": 9}, {"gore": "mild"}),
    ]

    results = service.decide_batch(organisation, items)

    assert [result["index"] for result in results] == [0, 1, 2, 3]
    assert results[0]["action"] == "block"
    assert results[1]["error"]["code"] == "invalid"
    assert "content.descriptors.gore" in results[1]["error"]["fields"]
    assert results[2]["error"]["code"] == "not_found"
    assert results[3]["action"] == "warn"


def test_a_batch_of_more_than_500_items_is_refused(organisation):
    with pytest.raises(service.Invalid) as excinfo:
        service.decide_batch(organisation, [ask({"age": 9}, {})] * 501)

    assert "At most 500 items in one batch; this one has 501" in fields_of(excinfo)["items"][0]


@pytest.mark.parametrize("items", [[], None, {"profile": {}}])
def test_a_batch_needs_a_list_of_requests(organisation, items):
    with pytest.raises(service.Invalid) as excinfo:
        service.decide_batch(organisation, items)

    assert "items" in fields_of(excinfo)


def test_a_batch_reads_each_profile_once(organisation, child, family_policy):
    items = [ask({"id": child.public_id}, {"gore": "mild"})] * 50
    service.decide_batch(organisation, items[:1])  # compiles the policy

    with CaptureQueriesContext(connection) as queries:
        results = service.decide_batch(organisation, items)

    assert len(results) == 50
    assert len(queries) == 1


# --- Speed ----------------------------------------------------------------------------------


def test_a_decision_for_a_known_child_reads_the_profile_with_its_policies_in_one_query(
    organisation, child
):
    service.decide(organisation, profile=child.public_id, descriptors={"gore": "mild"})

    with CaptureQueriesContext(connection) as queries:
        service.decide(organisation, profile=child.public_id, descriptors={"gore": "mild"})

    assert len(queries) == 1


def test_a_changed_policy_is_compiled_again_with_one_more_query(organisation, child):
    clear_cache()

    with CaptureQueriesContext(connection) as queries:
        service.decide(organisation, profile=child.public_id, descriptors={"gore": "mild"})

    assert len(queries) == 2  # the profile with its policies, then their adjustments
