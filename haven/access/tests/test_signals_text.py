"""How text is read before the rules see it (text-speak, leetspeak, drawn-out letters,
long texts), what a signal quotes as evidence, and the rules' own invariants."""

import pytest

from haven.access.catalogue import DESCRIPTOR_BY_KEY, is_valid_level
from haven.access.signals import analyse
from haven.access.signals.analysis import FINDERS
from haven.access.signals.rules import ALL_RULES, _context_allows, _in_word, rule
from haven.access.signals.text import EVIDENCE_CHARS, MAX_CHARS, WORD, normalise
from haven.access.tests.test_signals import GROOMING
from haven.access.tests.test_signals_content import CONTENT
from haven.access.tests.test_signals_fairness import SENTENCES


def test_empty_and_blank_text_find_nothing():
    for text in ("", "   ", "\n\t"):
        analysis = analyse(text)
        assert analysis.signals == ()
        assert analysis.descriptors == {}


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("u r so ugly", "you are so ugly"),
        ("HOW OLD R U", "how old are you"),
        ("dont tell ur mum", "don't tell your mum"),
        ("wanna meet up tmrw", "want to meet up tomorrow"),
        ("k1ll urself", "kill yourself"),
        ("sooooo uglyyyy", "so ugly"),
        ("killll", "kill"),
        ("plzzz", "please"),
        ("I\u2019m fine", "i'm fine"),
        ("kms", "kill myself"),
        ("thinking about unaliving myself", "thinking about killing myself"),
    ],
)
def test_text_speak_leetspeak_and_drawn_out_letters_are_read_as_words(written, read):
    assert normalise(written).norm == read


def test_words_that_merely_contain_text_speak_are_left_alone():
    assert normalise("you bus ur umbrella").norm == "you bus your umbrella"
    assert normalise("covid19 and mp3").norm == "covid19 and mp3"
    assert normalise("xxx videos").norm == "xxx videos"


def test_evidence_quotes_the_writers_own_words():
    (signal,) = analyse("u r sooo ugly").signals
    assert signal.evidence == "u r sooo ugly"
    (signal,) = analyse("Hey, HOW OLD R U?").signals
    assert signal.evidence == "HOW OLD R U"


def test_evidence_is_at_most_80_characters():
    text = "send me " + "a really really really really really really really nice " * 3 + "pic"
    normalised = normalise(text)
    evidence = normalised.evidence(0, len(normalised.norm))
    assert len(evidence) == EVIDENCE_CHARS
    assert evidence.endswith("…")
    long_chat = "if you ever tell your mum or your dad or your teacher or anyone you're dead"
    for signal in analyse(long_chat * 3).signals:
        assert len(signal.evidence) <= EVIDENCE_CHARS


def test_evidence_collapses_runs_of_white_space():
    (signal,) = analyse("watch   your\n back").signals
    assert signal.evidence == "watch your back"


def test_text_over_20000_characters_is_cut():
    filler = "We walked to the park and fed the ducks. " * 500
    assert len(filler) > MAX_CHARS
    assert analyse(filler[:MAX_CHARS] + " I want to kill myself").descriptors == {}
    assert analyse(filler[: MAX_CHARS - 40] + " I want to kill myself").descriptors == {
        "self_harm": "intent"
    }


def test_a_long_page_finds_a_sentence_deep_inside_it():
    page = "The science club meets on Mondays. " * 200 + "Where do you live? " + "Bye. " * 50
    assert analyse(page).descriptors == {"grooming": "possible"}


def test_one_signal_per_kind_in_the_order_of_the_text():
    analysis = analyse("add me on snap. how old are you? add me on kik. how old r u?")
    assert [signal.kind for signal in analysis.signals] == [
        "grooming.private_app",
        "grooming.asking_age",
    ]


def test_every_rule_names_a_catalogue_descriptor_and_level():
    assert len(ALL_RULES) > 150
    for each in ALL_RULES:
        assert each.descriptor in DESCRIPTOR_BY_KEY, each.kind
        assert is_valid_level(each.descriptor, each.level), each.kind


def test_every_trigger_key_can_be_the_start_of_a_word():
    # Words as the text is split into them: "e-cig" is two words, "£20" is "£" and "20".
    for each in ALL_RULES:
        for key in each.triggers:
            assert key in "£$€" or all(c.isalnum() or c == "'" for c in key), (each.kind, key)
            assert WORD.match(key), (each.kind, key)


def test_a_rule_refuses_a_level_its_descriptor_does_not_have():
    with pytest.raises(ValueError, match="not a level"):
        rule("grooming.asking_age", "intent", r"\bhow\s+old\b", "old")


def test_a_rule_refuses_a_fragment_left_unfilled():
    with pytest.raises(ValueError, match="not filled in"):
        rule("grooming.asking_age", "possible", r"\bhow\s+old\s+{YOU}\b", "old")


def test_a_rule_refuses_branches_that_only_sometimes_start_a_word():
    with pytest.raises(ValueError, match="some branches"):
        rule("grooming.asking_age", "possible", r"\bhow\s+old|,\s*age\?", "old age")


CORPUS = (
    [text for texts in GROOMING.values() for text in texts]
    + [text for text, _descriptor, _level in CONTENT]
    + [text for _group, text in SENTENCES]
    + [
        "I want to kill myself",
        "you should just kill yourself",
        "I'll beat you up after school",
        "everyone hates you, nobody likes you, loser",
        "how to make yourself throw up after eating",
        "The singer died by suicide last year. Call Samaritans.",
    ]
)


def _everywhere(text):
    """Every rule's matches in the whole text, with no trigger words to skip it."""
    normalised = normalise(text)
    norm, found = normalised.norm, set()
    for each in ALL_RULES:
        for pattern in each.patterns:
            for m in pattern.finditer(norm):
                start, end = m.span()
                if each.bounded and start and _in_word(norm[start - 1]) and _in_word(norm[start]):
                    continue
                if _context_allows(each, normalised, start, end):
                    found.add((each.kind, start))
    return found


def _triggered(text):
    normalised = normalise(text)
    return {(f.kind, f.start) for finder in FINDERS for f in finder(normalised)}


@pytest.mark.parametrize("text", CORPUS)
def test_trigger_words_never_hide_a_match(text):
    # Rules only run when one of their words is in the text; that must only save time.
    # Bare mentions and support words are kept or dropped by their module, so those
    # kinds are left out.
    decided_by_module = (".mention", ".recovery_support", ".education", ".references")
    everywhere = {f for f in _everywhere(text) if not f[0].endswith(decided_by_module)}
    assert everywhere <= _triggered(text)
