"""Haven's default policy: every rule does what its kind promises, every cell is graded,
and the guarantees the issue asks for hold (help is never blocked, what all children
must be kept from is locked)."""

import itertools
from pathlib import Path

import pytest

from haven.access.catalogue import (
    BAND_KEYS,
    CONTEXT_KEYS,
    DESCRIPTOR_BY_KEY,
    DESCRIPTORS,
    VULNERABILITY_KEYS,
    Action,
)
from haven.access.compiled import DEFAULT, clear_cache, compiled_for
from haven.access.default_policy import DEFAULT_RULES, rules_markdown
from haven.access.engine import EFFECTS, CompiledPolicy, Layer
from haven.access.models import PolicyRule
from haven.access.types import Profile

A, G, W, R, B = Action.ALLOW, Action.GUIDANCE, Action.WARN, Action.RESTRICT, Action.BLOCK
OLDER = ("10-12", "13-15", "16-17")
ALL_FLAGS = frozenset(VULNERABILITY_KEYS)
GRADES_ONLY = CompiledPolicy([rule for rule in DEFAULT_RULES if rule.kind == "grade"])
DEFAULT_LAYER = CompiledPolicy([rule for rule in DEFAULT_RULES if rule.kind in ("grade", "relax")])
DOC = Path(__file__).resolve().parents[3] / "docs" / "access-policy.md"


def cells_of(rule):
    """Every cell the rule matches: its levels x bands x contexts, with its first
    vulnerability when it needs one."""
    flags = frozenset(rule.vulnerabilities[:1])
    for level, band, context in itertools.product(
        rule.levels, rule.bands or BAND_KEYS, rule.contexts or CONTEXT_KEYS
    ):
        yield level, band, context, flags


def layer_setting(action, rule, level, band):
    overrides = {(rule.descriptor, level, band, ""): action}
    return Layer(public_id="pol_test", version=1, name="Test family", overrides=overrides)


def protect_cap(cell):
    caps = [r.action for r in cell.reasons if r.effect == "capped"]
    return min(caps, default=B)


# --- Every rule ---------------------------------------------------------------------------


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=[rule.id for rule in DEFAULT_RULES])
def test_every_default_rule_takes_part_in_the_decisions_it_matches(rule):
    for level, band, context, flags in cells_of(rule):
        cell = DEFAULT.cell(rule.descriptor, level, band, context, flags)
        mine = [r for r in cell.reasons if r.rule_id == rule.id]
        assert len(mine) == 1, (level, band, context)
        assert mine[0].effect == EFFECTS[rule.kind]
        assert mine[0].action == rule.action
        assert (mine[0].title, mine[0].source, mine[0].layer) == (
            rule.title,
            rule.source,
            "default",
        )
        if rule.alert_adult:
            assert cell.alert_adult
        if rule.support:
            assert cell.support

        if rule.kind == "grade":
            assert GRADES_ONLY.cell(rule.descriptor, level, band, context).action == rule.action
        elif rule.kind == "relax":
            relaxed = DEFAULT_LAYER.cell(rule.descriptor, level, band, context)
            assert relaxed.action <= rule.action
        elif rule.kind == "floor":
            lenient = CompiledPolicy(DEFAULT_RULES, [layer_setting(A, rule, level, band)])
            raised = lenient.cell(rule.descriptor, level, band, context, flags)
            assert raised.action >= min(rule.action, protect_cap(raised))
            if rule.locked and raised.action == rule.action:
                assert raised.locked
                decision = lenient.decide(
                    Profile(band=band, vulnerabilities=flags), context, {rule.descriptor: level}
                )
                assert not decision.unblockable
        else:
            strict = CompiledPolicy(DEFAULT_RULES, [layer_setting(B, rule, level, band)])
            capped = strict.cell(rule.descriptor, level, band, context, ALL_FLAGS | flags)
            assert capped.action <= rule.action


def test_default_rule_ids_are_unique_and_every_rule_cites_its_source():
    assert len({rule.id for rule in DEFAULT_RULES}) == len(DEFAULT_RULES)
    for rule in DEFAULT_RULES:
        assert rule.title and rule.source and rule.kind in EFFECTS, rule.id


def test_every_cell_of_every_descriptor_is_graded_by_exactly_one_rule():
    for descriptor, band in itertools.product(DESCRIPTORS, BAND_KEYS):
        for level in descriptor.level_keys:
            cell = GRADES_ONLY.cell(descriptor.key, level, band, "home")
            assert [r.effect for r in cell.reasons] == ["set"], (descriptor.key, level, band)


def test_every_self_harm_and_eating_disorder_level_brings_support():
    for descriptor in ("self_harm", "eating_disorder"):
        for level, band, context in itertools.product(
            DESCRIPTOR_BY_KEY[descriptor].level_keys,
            BAND_KEYS,
            CONTEXT_KEYS,
        ):
            assert DEFAULT.cell(descriptor, level, band, context).support


# --- The guarantees, by name ------------------------------------------------------------

LEGITIMATE = [
    {"sexual": "education"},
    {"self_harm": "recovery_support"},
    {"self_harm": "discussed"},
    {"eating_disorder": "recovery_support"},
    {"eating_disorder": "discussed"},
    {"drugs": "education"},
    {"hate": "discussed_critically"},
    {"nudity": "artistic"},
    {"nudity": "natural"},
    {"nudity": "educational_medical"},
    {"sexual": "education", "nudity": "educational_medical"},
]
HARMFUL = [
    {"sexual": "explicit"},
    {"nudity": "sexualised"},
    {"self_harm": "promoting"},
    {"self_harm": "instructing"},
    {"eating_disorder": "promoting"},
    {"eating_disorder": "instructing"},
    {"drugs": "glamorised"},
    {"hate": "inciting"},
    {"gore": "intense"},
]


def test_pornography_is_blocked_for_16_to_17_even_in_an_art_context():
    decision = DEFAULT.decide(Profile(band="16-17"), "art", {"sexual": "explicit"})
    assert decision.action == B
    assert not decision.unblockable
    assert "OSA-PPC-1" in [r.rule_id for r in decision.reasons if r.decisive]


def test_sex_education_is_never_blocked_for_10_and_over_in_any_context():
    blocking_family = Layer(
        "pol_strict",
        1,
        "Strict family",
        {("sexual", "education", band, ""): B for band in BAND_KEYS},
    )
    strict = CompiledPolicy(DEFAULT_RULES, [blocking_family])
    for policy, band, context in itertools.product((DEFAULT, strict), OLDER, CONTEXT_KEYS):
        profile = Profile(band=band, vulnerabilities=ALL_FLAGS)
        assert policy.decide(profile, context, {"sexual": "education"}).action <= G


@pytest.mark.parametrize("content", LEGITIMATE, ids=lambda c: "+".join(c.values()))
def test_legitimate_content_is_never_blocked_for_10_and_over(content):
    for band, context, flags in itertools.product(OLDER, CONTEXT_KEYS, (frozenset(), ALL_FLAGS)):
        decision = DEFAULT.decide(Profile(band=band, vulnerabilities=flags), context, content)
        assert decision.action < B, (band, context, flags)


def test_news_of_violence_is_never_blocked_for_10_and_over():
    for band, level in itertools.product(OLDER, ("realistic_mild", "realistic_intense")):
        decision = DEFAULT.decide(Profile(band=band), "news", {"violence": level})
        assert decision.action <= W


@pytest.mark.parametrize("content", HARMFUL, ids=lambda c: "+".join(c.values()))
def test_harmful_content_is_at_least_restricted_for_every_child_at_home(content):
    for band in BAND_KEYS:
        assert DEFAULT.decide(Profile(band=band), "home", content).action >= R, band


def test_recovery_content_is_allowed_with_support_for_every_band():
    for descriptor, band, context in itertools.product(
        ("self_harm", "eating_disorder"), BAND_KEYS, CONTEXT_KEYS
    ):
        profile = Profile(band=band, vulnerabilities=ALL_FLAGS)
        decision = DEFAULT.decide(profile, context, {descriptor: "recovery_support"})
        assert decision.action == A
        assert decision.show_support
        assert decision.support_topics == (descriptor,)


def test_self_harm_intent_is_never_blocked_and_alerts_an_adult():
    for band, context, flags in itertools.product(
        BAND_KEYS, CONTEXT_KEYS, (frozenset(), ALL_FLAGS)
    ):
        profile = Profile(band=band, vulnerabilities=flags)
        decision = DEFAULT.decide(profile, context, {"self_harm": "intent"})
        assert decision.action == G
        assert decision.alert_adult and decision.show_support


def test_self_harm_discussed_is_never_blocked_for_10_and_over_even_for_a_child_at_risk():
    for band in OLDER:
        profile = Profile(band=band, vulnerabilities=frozenset({"self_harm_risk"}))
        decision = DEFAULT.decide(profile, "home", {"self_harm": "discussed"})
        assert decision.action == W
        assert decision.show_support


def test_an_adult_is_allowed_anything():
    decision = DEFAULT.decide(Profile(band=None, age=30), "home", {"self_harm": "instructing"})
    assert decision.action == A


def test_a_vulnerability_raises_the_action():
    plain = DEFAULT.decide(Profile(band="13-15"), "home", {"contact_strangers": "moderated"})
    at_risk = DEFAULT.decide(
        Profile(band="13-15", vulnerabilities=frozenset({"contact_risk"})),
        "home",
        {"contact_strangers": "moderated"},
    )
    assert (plain.action, at_risk.action) == (G, R)
    assert [r.rule_id for r in at_risk.reasons if r.effect == "raised"] == ["HVN-VUL-3"]


def test_likely_grooming_alerts_an_adult_and_offers_support_at_every_age():
    for band in BAND_KEYS:
        decision = DEFAULT.decide(Profile(band=band), "home", {"grooming": "likely"})
        assert decision.action == R
        assert decision.alert_adult and decision.show_support


def test_a_possible_sign_of_grooming_alerts_an_adult_only_for_under_13s():
    alerts = {
        band: DEFAULT.decide(Profile(band=band), "home", {"grooming": "possible"}).alert_adult
        for band in BAND_KEYS
    }
    assert alerts == {"0-5": True, "6-9": True, "10-12": True, "13-15": False, "16-17": False}


def test_an_adult_beside_the_child_softens_restrict_to_warn_for_graded_content():
    child = Profile(band="10-12")
    assert DEFAULT.decide(child, "home", {"horror": "intense"}).action == R
    assert DEFAULT.decide(child, "supervised", {"horror": "intense"}).action == W
    assert DEFAULT.decide(child, "supervised", {"sexual": "explicit"}).action == B


def test_precise_location_sharing_is_blocked_under_13_and_restricted_after():
    actions = [
        DEFAULT.decide(Profile(band=band), "home", {"location_sharing": "precise"}).action
        for band in BAND_KEYS
    ]
    assert actions == [B, B, B, R, R]


# --- With stored adjustments ------------------------------------------------------------


@pytest.fixture
def fresh_cache():
    clear_cache()
    yield
    clear_cache()


def adjust(policy, descriptor, level, band, action, context=""):
    PolicyRule.objects.create(
        policy=policy,
        descriptor=descriptor,
        level=level,
        age_band=band,
        context=context,
        action=action,
    )


@pytest.mark.django_db
def test_a_family_can_relax_horror_for_10_to_12_but_cannot_unlock_self_harm_instructions(
    family_policy, fresh_cache
):
    adjust(family_policy, "horror", "intense", "10-12", "allow")
    adjust(family_policy, "self_harm", "instructing", "10-12", "allow")
    compiled = compiled_for(family_policy)
    child = Profile(band="10-12")

    horror = compiled.decide(child, "home", {"horror": "intense"})
    assert horror.action == A
    assert [r.layer for r in horror.reasons if r.decisive] == ["The Okafor family"]

    instructions = compiled.decide(child, "home", {"self_harm": "instructing"})
    assert instructions.action == B
    assert not instructions.unblockable
    assert compiled.cell("self_harm", "instructing", "10-12", "home").locked


@pytest.mark.django_db
def test_the_adjustment_for_a_specific_context_beats_the_any_context_adjustment(
    family_policy, fresh_cache
):
    adjust(family_policy, "profanity", "strong", "10-12", "block")
    adjust(family_policy, "profanity", "strong", "10-12", "allow", context="school")
    compiled = compiled_for(family_policy)
    child = Profile(band="10-12")
    assert compiled.decide(child, "school", {"profanity": "strong"}).action == A
    assert compiled.decide(child, "home", {"profanity": "strong"}).action == B


@pytest.mark.django_db
def test_a_school_adjustment_sits_on_the_organisations(org_policy, school_policy, fresh_cache):
    adjust(org_policy, "gambling", "simulated", "13-15", "block")
    adjust(school_policy, "horror", "mild", "6-9", "warn")
    compiled = compiled_for(school_policy)
    assert compiled.cell("gambling", "simulated", "13-15", "home").action == B
    cell = compiled.cell("horror", "mild", "6-9", "home")
    assert (cell.action, cell.inherited, cell.own) == (W, G, W)


# --- The documentation ------------------------------------------------------------------


def test_the_policy_doc_lists_every_default_rule_id():
    text = DOC.read_text()
    missing = [rule.id for rule in DEFAULT_RULES if f"| {rule.id} |" not in text]
    assert not missing, "regenerate with: python -m haven.access.default_policy"


def test_the_policy_docs_rule_table_is_the_generated_one():
    assert rules_markdown() in DOC.read_text(), (
        "docs/access-policy.md is out of date: paste `python -m haven.access.default_policy`"
    )
