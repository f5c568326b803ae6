"""The decision engine's semantics, on small hand-made rule sets, and the compiled
policy cache on stored policies."""

import pytest

from haven.access.catalogue import Action
from haven.access.compiled import DEFAULT, bump_version, clear_cache, compiled_for
from haven.access.engine import (
    ADULT_RULE,
    APPROVED_RULE,
    NONE_RULE,
    CompiledPolicy,
    Layer,
    apply_approval,
    merge_descriptors,
)
from haven.access.models import Policy, PolicyRule
from haven.access.types import Profile, Rule, Signal

A, G, W, R, B = Action.ALLOW, Action.GUIDANCE, Action.WARN, Action.RESTRICT, Action.BLOCK
CHILD = Profile(band="10-12")


def rule(rule_id, action, kind="grade", descriptor="horror", levels=("intense",), **more):
    return Rule(
        id=rule_id,
        title=rule_id,
        source="test",
        descriptor=descriptor,
        levels=levels,
        action=action,
        kind=kind,
        **more,
    )


def layer(name, overrides, version=1):
    return Layer(public_id=f"pol_{name}", version=version, name=name, overrides=overrides)


def action_of(policy, band="10-12", context="home", flags=frozenset()):
    return policy.cell("horror", "intense", band, context, flags).action


# --- The order of evaluation ------------------------------------------------------------


def test_the_most_restrictive_grade_rule_sets_the_action():
    policy = CompiledPolicy([rule("g1", W), rule("g2", R)])
    cell = policy.cell("horror", "intense", "10-12", "home")
    assert cell.action == R
    assert [(r.rule_id, r.effect, r.decisive) for r in cell.reasons] == [
        ("g1", "set", False),
        ("g2", "set", True),
    ]


def test_a_cell_no_rule_grades_is_allowed():
    assert action_of(CompiledPolicy([])) == A


def test_a_relax_rule_lowers_the_grade_in_its_context_only():
    policy = CompiledPolicy([rule("g", R), rule("r", G, kind="relax", contexts=("school",))])
    assert action_of(policy, context="school") == G
    assert action_of(policy, context="home") == R


def test_a_relax_rule_never_raises_the_action():
    policy = CompiledPolicy([rule("g", A), rule("r", W, kind="relax")])
    assert action_of(policy) == A


def test_an_adjustment_replaces_the_default_layer_even_when_more_lenient():
    policy = CompiledPolicy([rule("g", B)], [layer("org", {("horror", "intense", "10-12", ""): A})])
    cell = policy.cell("horror", "intense", "10-12", "home")
    assert cell.action == A
    assert cell.reasons[-1].rule_id == "pol_org:horror/intense/10-12"
    assert cell.reasons[-1].layer == "org"
    assert cell.reasons[-1].source == "Adjusted by org"
    assert cell.reasons[-1].decisive


def test_the_family_layer_replaces_the_organisation_layer():
    org = layer("org", {("horror", "intense", "10-12", ""): B})
    family = layer("family", {("horror", "intense", "10-12", ""): W})
    assert action_of(CompiledPolicy([rule("g", R)], [org, family])) == W


def test_an_adjustment_for_a_specific_context_beats_one_for_any_context_in_its_layer():
    overrides = {
        ("horror", "intense", "10-12", ""): B,
        ("horror", "intense", "10-12", "supervised"): G,
    }
    policy = CompiledPolicy([rule("g", R)], [layer("family", overrides)])
    assert action_of(policy, context="supervised") == G
    assert action_of(policy, context="home") == B
    cell = policy.cell("horror", "intense", "10-12", "supervised")
    assert cell.reasons[-1].rule_id == "pol_family:horror/intense/10-12/supervised"


def test_an_adjustment_applies_only_to_its_band():
    policy = CompiledPolicy([rule("g", R)], [layer("org", {("horror", "intense", "6-9", ""): A})])
    assert action_of(policy, band="6-9") == A
    assert action_of(policy, band="10-12") == R


def test_a_floor_raises_whatever_a_layer_says():
    policy = CompiledPolicy(
        [rule("g", R), rule("f", B, kind="floor", locked=True)],
        [layer("family", {("horror", "intense", "10-12", ""): A})],
    )
    cell = policy.cell("horror", "intense", "10-12", "home")
    assert cell.action == B
    assert cell.locked
    assert cell.locked_rule == "f"
    assert [r.effect for r in cell.reasons] == ["set", "set", "raised"]


def test_a_floor_for_a_vulnerability_applies_only_to_children_with_it():
    policy = CompiledPolicy(
        [
            rule("g", G),
            rule("f", R, kind="floor", vulnerabilities=("contact_risk", "self_harm_risk")),
        ]
    )
    assert action_of(policy) == G
    assert action_of(policy, flags=frozenset({"self_harm_risk"})) == R


def test_a_protect_rule_caps_after_floors_and_layers():
    policy = CompiledPolicy(
        [rule("g", B), rule("f", B, kind="floor"), rule("p", W, kind="protect")],
        [layer("family", {("horror", "intense", "10-12", ""): B})],
    )
    cell = policy.cell("horror", "intense", "10-12", "home")
    assert cell.action == W
    assert [r.rule_id for r in cell.reasons if r.decisive] == ["p"]


def test_a_protect_rule_caps_a_locked_floor_and_the_cell_is_then_not_locked():
    policy = CompiledPolicy([rule("f", B, kind="floor", locked=True), rule("p", G, kind="protect")])
    cell = policy.cell("horror", "intense", "10-12", "home")
    assert (cell.action, cell.locked) == (G, False)


def test_rules_match_only_their_bands_and_contexts():
    policy = CompiledPolicy([rule("g", R, bands=("6-9",), contexts=("school",))])
    assert action_of(policy, band="6-9", context="school") == R
    assert action_of(policy, band="10-12", context="school") == A
    assert action_of(policy, band="6-9", context="home") == A


def test_the_any_context_cell_has_only_the_rules_and_adjustments_for_any_context():
    overrides = {
        ("horror", "intense", "10-12", ""): W,
        ("horror", "intense", "10-12", "school"): A,
    }
    policy = CompiledPolicy(
        [rule("g", R), rule("r", G, kind="relax", contexts=("school",))],
        [layer("family", overrides)],
    )
    cell = policy.cell("horror", "intense", "10-12", "")
    assert cell.action == W
    assert [r.rule_id for r in cell.reasons] == ["g", "pol_family:horror/intense/10-12"]


def test_a_decision_needs_a_real_context():
    with pytest.raises(ValueError):
        DEFAULT.decide(CHILD, "", {"horror": "mild"})


# --- Inherited and own, for the editor ----------------------------------------------------


def test_inherited_is_the_cell_without_the_top_layers_own_adjustment():
    org = layer("org", {("horror", "intense", "10-12", ""): W})
    family = layer("family", {("horror", "intense", "10-12", ""): A})
    cell = CompiledPolicy([rule("g", R)], [org, family]).cell("horror", "intense", "10-12", "home")
    assert (cell.action, cell.inherited, cell.own) == (A, W, A)


def test_a_cell_without_an_own_adjustment_inherits_its_own_action():
    org = layer("org", {("horror", "intense", "10-12", ""): W})
    family = layer("family", {})
    cell = CompiledPolicy([rule("g", R)], [org, family]).cell("horror", "intense", "10-12", "home")
    assert (cell.action, cell.inherited, cell.own) == (W, W, None)


# --- Decisions ----------------------------------------------------------------------------

RULES = [
    rule("horror", R),
    rule("swear", G, descriptor="profanity", levels=("strong",), support=True),
    rule("porn", B, kind="floor", descriptor="sexual", levels=("explicit",), locked=True),
    rule("groom", R, descriptor="grooming", levels=("likely",), alert_adult=True),
]


def test_the_decision_is_the_most_restrictive_descriptor_and_only_its_rules_decide():
    decision = CompiledPolicy(RULES).decide(
        CHILD, "home", {"horror": "intense", "profanity": "strong"}
    )
    assert decision.action == R
    assert {(r.rule_id, r.decisive) for r in decision.reasons} == {
        ("horror", True),
        ("swear", False),
    }
    assert decision.show_support
    assert decision.support_topics == ("profanity",)
    assert decision.unblockable
    assert decision.band == "10-12" and decision.context == "home"


def test_a_locked_floor_that_decides_makes_the_decision_not_unblockable():
    decision = CompiledPolicy(RULES).decide(
        CHILD, "art", {"sexual": "explicit", "horror": "intense"}
    )
    assert decision.action == B
    assert not decision.unblockable


def test_a_rules_alert_flag_survives_an_adjustment_of_the_action():
    family = layer("family", {("grooming", "likely", "10-12", ""): A})
    decision = CompiledPolicy(RULES, [family]).decide(CHILD, "home", {"grooming": "likely"})
    assert decision.action == A
    assert decision.alert_adult


def test_a_childs_own_words_of_intent_raise_what_was_declared():
    merged = merge_descriptors(
        {"self_harm": "discussed", "horror": "mild"}, {"self_harm": "intent"}
    )
    assert merged == {"self_harm": "intent", "horror": "mild"}
    assert merge_descriptors({"self_harm": "promoting"}, {"self_harm": "intent"}) == {
        "self_harm": "promoting"
    }


def test_what_a_platform_declares_about_its_content_stands_over_patterns_in_its_text():
    merged = merge_descriptors(
        {"nudity": "artistic"}, {"nudity": "sexualised", "violence": "realistic_mild"}
    )
    assert merged == {"nudity": "artistic", "violence": "realistic_mild"}


def test_grooming_found_in_messages_raises_a_declared_level():
    assert merge_descriptors({"grooming": "possible"}, {"grooming": "likely"}) == {
        "grooming": "likely"
    }


def test_a_decision_carries_the_signals_as_evidence():
    signal = Signal("grooming.secrecy", "grooming", "likely", "our secret")
    decision = CompiledPolicy(RULES).decide(CHILD, "home", {"grooming": "likely"}, (signal,))
    assert decision.descriptors == {"grooming": "likely"}
    assert decision.signals == (signal,)
    assert decision.alert_adult


def test_an_adult_is_always_allowed_with_one_reason():
    decision = DEFAULT.decide(Profile(band=None), "home", {"sexual": "explicit"})
    assert decision.action == A
    assert [r.rule_id for r in decision.reasons] == [ADULT_RULE]


def test_content_with_no_descriptors_is_allowed_because_nothing_was_found():
    decision = DEFAULT.decide(CHILD, "home", {})
    assert decision.action == A
    assert [r.rule_id for r in decision.reasons] == [NONE_RULE]


@pytest.mark.parametrize(
    "descriptors, context, profile",
    [
        ({"violence": "extreme"}, "home", CHILD),
        ({"spiders": "mild"}, "home", CHILD),
        ({"horror": "mild"}, "cinema", CHILD),
        ({"horror": "mild"}, "home", Profile(band="11-14")),
        ({"horror": "mild"}, "home", Profile(band="10-12", vulnerabilities=frozenset({"x"}))),
        ({"spiders": "mild"}, "home", Profile(band=None)),
    ],
)
def test_an_unknown_key_is_a_value_error(descriptors, context, profile):
    with pytest.raises(ValueError):
        DEFAULT.decide(profile, context, descriptors)


def test_an_unknown_found_level_is_a_value_error():
    with pytest.raises(ValueError):
        merge_descriptors({}, {"grooming": "certain"})


def test_a_cell_is_worked_out_once():
    policy = CompiledPolicy(RULES)
    first = policy.cell("horror", "intense", "10-12", "home")
    assert policy.cell("horror", "intense", "10-12", "home") is first


def test_an_approval_allows_what_was_restricted_and_says_so():
    decision = apply_approval(CompiledPolicy(RULES).decide(CHILD, "home", {"horror": "intense"}))
    assert decision.action == A
    assert decision.reasons[-1].rule_id == APPROVED_RULE
    assert decision.reasons[-1].effect == "approved"
    assert [r.rule_id for r in decision.reasons if r.decisive] == [APPROVED_RULE]


def test_an_approval_cannot_lift_a_locked_rule():
    decision = CompiledPolicy(RULES).decide(CHILD, "home", {"sexual": "explicit"})
    assert apply_approval(decision) == decision


# --- Compiled policies for stored policies ------------------------------------------------


@pytest.fixture(autouse=True)
def empty_cache():
    clear_cache()
    yield
    clear_cache()


def test_no_policy_compiles_to_havens_default():
    assert compiled_for(None) is DEFAULT
    assert DEFAULT.policy_ids == ()


@pytest.mark.django_db
def test_a_stored_policy_is_compiled_with_its_layers_and_cached(family_policy, org_policy):
    PolicyRule.objects.create(
        policy=org_policy, descriptor="horror", level="intense", age_band="10-12", action="block"
    )
    PolicyRule.objects.create(
        policy=family_policy,
        descriptor="horror",
        level="intense",
        age_band="10-12",
        context="supervised",
        action="allow",
    )
    compiled = compiled_for(family_policy)
    assert compiled.policy_ids == ((org_policy.public_id, 1), (family_policy.public_id, 1))
    assert compiled.cell("horror", "intense", "10-12", "home").action == B
    assert compiled.cell("horror", "intense", "10-12", "supervised").action == A
    assert compiled_for(family_policy) is compiled


@pytest.mark.django_db
def test_a_version_bump_is_seen_by_the_next_compile(family_policy):
    before = compiled_for(family_policy)
    PolicyRule.objects.create(
        policy=family_policy, descriptor="horror", level="intense", age_band="10-12", action="allow"
    )
    assert compiled_for(family_policy) is before  # not bumped: still the cached one
    bump_version(family_policy)
    after = compiled_for(family_policy)
    assert family_policy.version == 2
    assert after is not before
    assert after.cell("horror", "intense", "10-12", "home").action == A


@pytest.mark.django_db
def test_a_version_bump_of_the_organisation_policy_is_seen_by_its_families(
    family_policy, org_policy
):
    before = compiled_for(family_policy)
    bump_version(org_policy)
    reloaded = Policy.objects.select_related("parent").get(pk=family_policy.pk)
    assert compiled_for(reloaded) is not before


@pytest.mark.django_db
def test_two_bumps_from_stale_copies_both_count(family_policy):
    stale = Policy.objects.get(pk=family_policy.pk)
    bump_version(family_policy)
    bump_version(stale)
    family_policy.refresh_from_db()
    assert family_policy.version == 3


@pytest.mark.django_db
def test_compiling_a_family_policy_reads_its_rules_in_one_query(
    family_policy, django_assert_num_queries
):
    loaded = Policy.objects.select_related("parent").get(pk=family_policy.pk)
    bump_version(family_policy)  # a fresh key, so the compile is not cached
    loaded.version = family_policy.version
    with django_assert_num_queries(1):
        compiled_for(loaded)


@pytest.mark.django_db
def test_a_stored_rule_the_catalogue_no_longer_knows_is_ignored(family_policy):
    PolicyRule.objects.create(
        policy=family_policy, descriptor="spiders", level="many", age_band="10-12", action="block"
    )
    compiled = compiled_for(family_policy)
    assert compiled.layers[-1].overrides == {}
