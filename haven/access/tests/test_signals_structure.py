"""Structural signals (quiet_intent, peer, contact): new phrasings written for these
tests, not taken from the evaluation sets, so that they show the rules generalise."""

import pytest

from haven.access.signals import analyse


def families(text: str) -> set[str]:
    found = set()
    for signal in analyse(text).signals:
        if signal.descriptor == "self_harm" and signal.level == "intent":
            found.add("self_harm_intent")
        elif signal.descriptor in ("grooming", "bullying", "threat"):
            found.add(signal.descriptor)
    return found


@pytest.mark.parametrize(
    "text",
    [
        "i won't be around for my birthday next month so dont plan anything",
        "dont bother saving me a seat, i won't be here much longer",
        "soon none of this will matter",
        "honestly i can't see a future for myself",
        "goodbye forever. tell mum it wasn't her fault",
        "please don't look for me",
        "i'm sorry for everything, love you all, bye",
        "i left notes for my family in my room",
        "can you take care of my hamster when i'm gone",
        "wish i could just vanish and never wake up",
        "i hope i don't wake up tomorrow",
        "i'm so tired of being alive",
        "i deserve to die",
        "been stockpiling my meds for weeks",
        "everyone hates me and they're right. i'm going to do it tonight",
    ],
)
def test_quiet_intent(text):
    assert "self_harm_intent" in families(text)


@pytest.mark.parametrize(
    "text",
    [
        "i won't be around this weekend, we're going camping",
        "goodnight everyone, see you tomorrow",
        "I used to wish I could disappear, but therapy helped",
        "i'm going to do it this weekend, the science project is due monday",
        "saving my pocket money for a new game",
        "she said she wants to die lol the exam was so hard",
        "thanks for everything this year sir, see you next term!",
    ],
)
def test_not_quiet_intent(text):
    assert "self_harm_intent" not in families(text)


@pytest.mark.parametrize(
    "text",
    [
        "ur such a muppet",
        "she's proper butters",
        "you're a total numpty",
        "dweeb, nobody wants you here",
        "his voice is so annoying 🤮",
        "you dress like a tramp",
        "we made a group chat without her",
        "don't invite Sam to the party, he's so cringe",
        "rate the ugliest boys in 9C",
        "post the vid of him falling over again",
        "why are you even alive",
    ],
)
def test_bullying(text):
    assert "bullying" in families(text)


@pytest.mark.parametrize(
    "text",
    [
        "you're so funny",
        "my little brother is a total goof but I love him",
        "ur trash at minecraft lol",
        "they called me a loser at school today, what should I do?",
        "I'm such a nerd, I love maths",
        "let's make a new group chat for the surprise party",
    ],
)
def test_not_bullying(text):
    assert "bullying" not in families(text)


@pytest.mark.parametrize(
    "text",
    [
        "i'm gonna deck you on the way home",
        "we'll smack u after school",
        "you're getting jumped tomorrow",
        "ur dead on friday",
        "just wait and see what we'll do to you",
        "we'll be waiting by the gates for you",
        "send the money or i'm telling everyone your secret",
    ],
)
def test_threat(text):
    assert "threat" in families(text)


@pytest.mark.parametrize(
    "text",
    [
        "i'll smash you at fifa tonight",
        "mum's going to kill you when she sees the kitchen lol",
        "we'll be waiting outside for the bus, hurry up",
        "he said he'd beat me up, what should I do",
    ],
)
def test_not_threat(text):
    assert "threat" not in families(text)


@pytest.mark.parametrize(
    "text",
    [
        "when were you born? you seem older",
        "dm me your age babe",
        "im 14 too lol, hbu?",
        "put your webcam on for me",
        "send a full body pic",
        "let's chat on a different app, more private",
        "I'll send you some airtime, just don't tell anyone",
        "if your dad asks, say I'm your friend from football",
        "your parents are never home, you can trust me instead",
    ],
)
def test_grooming(text):
    assert "grooming" in families(text)


@pytest.mark.parametrize(
    "text",
    [
        "Happy bday Ava!! how old are you now?",
        "everyone please send a photo of your poster for the class display",
        "turn your camera on for the lesson please",
        "are you in year 8 too? we have the same teacher",
    ],
)
def test_not_grooming(text):
    assert "grooming" not in families(text)


def test_blackmail_with_pictures_is_grooming_and_a_threat():
    found = families("send more or i send these to your whole school, i have your pics")
    assert {"grooming", "threat"} <= found
    assert analyse("pay up or these pics go to your mum").descriptors["grooming"] == "likely"


def test_warning_signs_of_pressure_for_nudes_are_education():
    text = "Pressuring someone for nudes is a warning sign of an unhealthy relationship."
    assert analyse(text).descriptors.get("nudity") != "sexualised"
