"""Explanations in words for the child's age, for the adult, the monitoring sign, and
the support contacts shown with a decision."""

import pytest
from django.utils import translation

from haven.access.catalogue import BAND_KEYS
from haven.access.compiled import DEFAULT
from haven.access.explain import explain_for_adult, explain_for_child, monitoring_notice
from haven.access.resources import resources_for
from haven.access.types import Profile


def decide(band, descriptors, context="home", flags=frozenset()):
    return DEFAULT.decide(Profile(band=band, vulnerabilities=flags), context, descriptors)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- For the child ----------------------------------------------------------------------


def test_a_young_child_is_told_simply_to_ask_the_adult_they_know():
    text = explain_for_child(decide("6-9", {"violence": "realistic_intense"}), "Mum or Dad")
    assert text == "This is for older people. You can ask Mum or Dad."


def test_a_young_child_gets_a_grown_up_when_no_adult_is_named():
    text = explain_for_child(decide("0-5", {"horror": "intense"}))
    assert "a grown-up you trust" in text


def test_an_older_child_is_told_the_kind_of_content_and_that_they_can_ask():
    text = explain_for_child(decide("10-12", {"horror": "intense"}), "your teacher")
    assert "scary scenes" in text
    assert "your teacher" in text


def test_an_older_child_is_told_when_something_cannot_be_unblocked_and_why():
    text = explain_for_child(decide("16-17", {"sexual": "explicit"}, context="art"), "Mum")
    assert "can't be unblocked because" in text
    assert "sexual content" in text
    assert "ask Mum" not in text


def test_the_words_differ_by_band_for_the_same_decision():
    texts = {
        band: explain_for_child(decide(band, {"gambling": "simulated"}, "home"))
        for band in BAND_KEYS
    }
    assert texts["6-9"] != texts["10-12"] != texts["13-15"]
    assert texts["13-15"] != texts["16-17"]


def test_self_harm_always_brings_a_warm_line_that_help_is_there():
    for band in BAND_KEYS:
        for level in ("recovery_support", "discussed", "promoting"):
            text = explain_for_child(decide(band, {"self_harm": level}), "Mum or Dad")
            assert "not alone" in text, (band, level)


def test_self_harm_intent_tells_the_child_the_adult_will_be_told_to_help_without_blame():
    text = explain_for_child(decide("13-15", {"self_harm": "intent"}), "Mum or Dad")
    assert "not alone" in text
    assert "We will let Mum or Dad know, so they can help you." in text
    assert "You have not done anything wrong." in text
    assert "blocked" not in text


def test_an_adult_gets_no_child_explanation():
    assert explain_for_child(decide(None, {"horror": "intense"})) == ""


# --- For the adult ----------------------------------------------------------------------


def test_the_adult_explanation_lists_the_rules_and_marks_the_decisive_ones():
    text = explain_for_adult(decide("16-17", {"sexual": "explicit"}, context="art"))
    assert text.splitlines()[0] == "Block for ages 16-17 in the art context."
    assert "* OSA-PPC-1" in text
    assert "s.61" in text
    assert "no one can unblock it" in text


def test_the_adult_explanation_says_an_adult_is_alerted_and_support_shown():
    text = explain_for_adult(decide("10-12", {"grooming": "likely"}))
    assert "A trusted adult is alerted." in text
    assert "The child is shown support contacts." in text


# --- Monitoring -------------------------------------------------------------------------


def test_no_one_monitoring_shows_no_sign():
    assert monitoring_notice("", "10-12") == ""


def test_a_monitored_child_sees_who_monitors_in_words_for_their_age():
    assert monitoring_notice("school", "6-9") == "Your school can see what you do here."
    assert "right to know" in monitoring_notice("parent", "13-15")
    assert "parent" in monitoring_notice("parent", "16-17")


def test_explanations_are_translated():
    with translation.override("fr"):
        text = monitoring_notice("school", "6-9")
    assert text  # the lead's catalogues translate it; it must never be empty


# --- Support contacts -------------------------------------------------------------------


def test_a_child_in_the_uk_at_risk_of_self_harm_gets_childline_and_samaritans():
    names = [r["name"] for r in resources_for(("self_harm",), "GB")]
    assert names == ["Samaritans", "Childline"]


def test_eating_disorder_and_drugs_topics_bring_the_uk_specialists():
    assert resources_for(("eating_disorder",), "gb")[0]["url"] == (
        "https://www.beateatingdisorders.org.uk"
    )
    assert resources_for(("drugs",), "UK")[0]["url"] == "https://www.talktofrank.com"


def test_a_child_in_the_us_gets_988_for_self_harm_and_childhelp_for_grooming():
    assert resources_for(("self_harm",), "US")[0]["phone"] == "988"
    assert resources_for(("grooming",), "US")[0]["phone"] == "1-800-422-4453"


def test_a_child_in_the_eu_gets_116_111():
    assert [r["phone"] for r in resources_for(("bullying",), "FR")] == ["116 111"]


def test_a_child_in_canada_gets_kids_help_phone():
    assert resources_for(("threat",), "CA")[0]["phone"] == "1-800-668-6868"


def test_an_unknown_country_falls_back_to_the_directory_of_child_helplines():
    found = resources_for(("self_harm",), "")
    assert [r["url"] for r in found] == ["https://childhelplineinternational.org/helplines/"]


def test_a_topic_without_a_specialist_gets_the_general_helpline():
    found = resources_for(("contact_strangers",), "US")
    assert [r["name"] for r in found] == ["Childhelp National Child Abuse Hotline"]
    assert found[0]["topics"] == ["general"]


def test_every_contact_has_a_name_text_and_a_phone_or_a_url():
    for country in ("GB", "IE", "US", "CA", "DE", "JP"):
        for topic in ("self_harm", "eating_disorder", "grooming", "bullying", "threat", "drugs"):
            for found in resources_for((topic,), country):
                assert found["name"] and found["text"]
                assert found["phone"] or found["url"]
