"""The tester: sample content and a child in, the API's own decision out, with the
rules it cites; nothing stored, nothing logged, and no text over 20,000 characters."""

import re

import pytest

from haven.access.default_policy import DEFAULT_RULES
from haven.access.models import AdultAlert, PolicyRule
from haven.access.service import decide_request
from haven.access.views.tester import SAMPLES
from haven.audit.models import AuditEvent

RULE_IDS = {rule.id for rule in DEFAULT_RULES}

# What each sample shows a new user: the decision, and a rule it must cite as decisive.
EXPECTED = {
    "sex-education": ("Allow", "OARS-SEX-2"),
    "grooming": (None, None),  # decided by the text signals: checked below
    "recovery": ("Allow", "HVN-PROTECT-1"),
    "pro-self-harm": ("Block", "OSA-PPC-3"),
    "news-shooting": ("Warn", "HVN-PROTECT-10"),
    "museum-nude": ("Allow", "OARS-NUD-3"),
}


def page_url(policy) -> str:
    return f"/access/policies/{policy.pk}/test/"


def decisive_rules(body: str) -> list[str]:
    rows = re.findall(r'<tr class="is-decisive">(.*?)</tr>', body, re.S)
    return [re.search(r'class="rule-id"[^>]*>([^<]+)<', row).group(1) for row in rows]


def test_every_sample_has_an_expectation():
    assert {sample.key for sample in SAMPLES} == set(EXPECTED)


@pytest.mark.parametrize("sample", [s for s in EXPECTED if EXPECTED[s][0]])
def test_the_tester_shows_the_decision_and_cites_the_rules_for_a_sample(
    analyst_client, org_policy, sample
):
    response = analyst_client.get(f"{page_url(org_policy)}?sample={sample}")
    body = response.content.decode()
    assert response.status_code == 200
    action, rule = EXPECTED[sample]
    assert re.search(rf'Decision: <span class="act act-[a-z_]+ decision-action">{action}', body)
    assert rule in decisive_rules(body)
    assert f'href="/access/rules/#rule-{rule}"' in body
    assert "What the child sees" in body and "What the adult sees" in body


def test_the_grooming_sample_shows_the_signals_with_their_evidence(analyst_client, org_policy):
    body = analyst_client.get(f"{page_url(org_policy)}?sample=grooming").content.decode()
    assert "Signals found in the text" in body
    assert "grooming." in body  # the signal kinds, e.g. grooming.secrecy
    assert 'class="evidence"' in body
    decisive = decisive_rules(body)
    assert decisive and all(rule in RULE_IDS for rule in decisive)
    assert 'Decision: <span class="act act-allow ' not in body


def test_the_tester_answers_exactly_what_the_api_would(supervisor_client, family_policy):
    PolicyRule.objects.create(
        policy=family_policy,
        descriptor="violence",
        level="realistic_mild",
        age_band="10-12",
        action="restrict",
    )
    data = {
        "text": "",
        "age": 11,
        "maturity": "as_age",
        "context": "home",
        "monitored_by": "parent",
        "d_violence": "realistic_mild",
    }
    body = supervisor_client.post(page_url(family_policy), data).content.decode()
    api = decide_request(
        family_policy.organisation,
        {
            "policy": family_policy.public_id,
            "profile": {"age": 11, "monitored_by": "parent"},
            "context": "home",
            "content": {"descriptors": {"violence": "realistic_mild"}},
        },
    )
    assert api["action"] == "restrict"
    assert 'decision-action">Restrict (a trusted adult approves)<' in body
    override = f"{family_policy.public_id}:violence/realistic_mild/10-12"
    assert decisive_rules(body) == [override]
    assert f'href="/access/policies/{family_policy.pk}/"' in body  # the override links home
    assert api["explanation"]["child"] in body.replace("&#x27;", "'")
    assert api["monitoring"]["notice"].replace("'", "&#x27;") in body


def test_an_adult_is_not_restricted(analyst_client, org_policy):
    data = {"age": 18, "maturity": "as_age", "context": "home", "d_sexual": "explicit"}
    body = analyst_client.post(page_url(org_policy), data).content.decode()
    assert 'decision-action">Allow<' in body
    assert decisive_rules(body) == ["HVN-ADULT"]


def test_a_vulnerable_child_gets_the_safeguard(analyst_client, org_policy):
    data = {
        "age": 14,
        "maturity": "as_age",
        "context": "home",
        "vulnerabilities": ["contact_risk"],
        "d_grooming": "likely",
    }
    body = analyst_client.post(page_url(org_policy), data).content.decode()
    assert 'decision-action">Block<' in body
    assert "HVN-VUL-6" in decisive_rules(body)


def test_text_over_20000_characters_is_refused_clearly(analyst_client, org_policy):
    data = {"text": "a" * 20_001, "age": 12, "maturity": "as_age", "context": "home"}
    response = analyst_client.post(page_url(org_policy), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "The sample text is too long: at most 20,000 characters, and this has 20,001" in body
    assert 'href="#id_text"' in body  # the error summary links to the field
    assert "Decision:" not in body


def test_text_of_20000_characters_is_tested(analyst_client, org_policy):
    data = {"text": "a" * 20_000, "age": 12, "maturity": "as_age", "context": "home"}
    assert analyst_client.post(page_url(org_policy), data).status_code == 200


def test_an_empty_sample_asks_for_content(analyst_client, org_policy):
    data = {"text": "  ", "age": 12, "maturity": "as_age", "context": "home"}
    response = analyst_client.post(page_url(org_policy), data)
    assert response.status_code == 400
    assert "Enter some sample text or choose at least one kind of content" in (
        response.content.decode()
    )


def test_a_bad_age_is_refused(analyst_client, org_policy):
    data = {"text": "hello", "age": 19, "maturity": "as_age", "context": "home"}
    response = analyst_client.post(page_url(org_policy), data)
    assert response.status_code == 400
    assert "Child&#x27;s age" in response.content.decode()


def test_testing_stores_and_logs_nothing(supervisor_client, family_policy, child):
    before = AuditEvent.objects.count()
    text = "Don't tell your parents, this is our secret. How old are you?"
    data = {"text": text, "age": 12, "maturity": "as_age", "context": "home"}
    supervisor_client.post(page_url(family_policy), data)
    supervisor_client.get(f"{page_url(family_policy)}?sample=grooming")
    assert AuditEvent.objects.count() == before
    assert not AdultAlert.objects.exists()


def test_the_page_offers_every_sample(analyst_client, org_policy):
    body = analyst_client.get(page_url(org_policy)).content.decode()
    for sample in SAMPLES:
        assert f'href="?sample={sample.key}#result"' in body
    assert "Decision:" not in body  # nothing decided before a sample is chosen


def test_an_unknown_sample_shows_the_empty_form(analyst_client, org_policy):
    response = analyst_client.get(f"{page_url(org_policy)}?sample=nonsense")
    assert response.status_code == 200
    assert "Decision:" not in response.content.decode()
