"""Text signals a child's safety depends on: grooming patterns, self-harm intent, bullying
and threats. Every example here was written for these tests; the labelled evaluation
set in haven/access/evaluation is separate and measures the same rules independently."""

import pytest

from haven.access.signals import analyse


def kinds(text: str) -> set[str]:
    return {signal.kind for signal in analyse(text).signals}


def level(text: str, descriptor: str) -> str | None:
    return analyse(text).descriptors.get(descriptor)


# Grooming ---------------------------------------------------------------------------

GROOMING = {
    "grooming.asking_age": [
        "hey how old are u",
        "what's ur age?",
        "asl?",
        "r u 13 or 14?",
        "are you still in primary school?",
        "how old r u really",
    ],
    "grooming.secrecy": [
        "don't tell your mum we talk",
        "this is our little secret",
        "keep it between us ok",
        "delete these messages after you read them",
        "make sure your dad doesn't see this",
        "are you home alone?",
        "dont screenshot anything i send",
        "save me under a different name in your phone",
    ],
    "grooming.isolation": [
        "your parents don't understand you like I do",
        "you can only trust me",
        "I'm the only one who really gets you",
        "your friends are just jealous of you",
        "you're so mature for your age",
        "dont listen to ur mum, she doesnt know u like i do",
    ],
    "grooming.private_app": [
        "add me on snap",
        "let's talk on telegram instead",
        "what's your whatsapp number?",
        "download kik so we can chat privately",
        "my snap is coolguy99, message me there",
    ],
    "grooming.images": [
        "send me a pic of you",
        "show me what you look like",
        "turn on your camera",
        "take a selfie for me",
        "what are you wearing?",
    ],
    "grooming.gifts": [
        "I'll buy you robux if you want",
        "I can send you a gift card",
        "want free vbucks?",
        "i sent u 800 robux, ur welcome",
    ],
    "grooming.meeting": [
        "let's meet up this weekend",
        "where do you live?",
        "I can pick you up after school",
        "what school do you go to?",
        "come over to my house, nobody's there",
    ],
}


@pytest.mark.parametrize(
    ("kind", "text"), [(kind, text) for kind, texts in GROOMING.items() for text in texts]
)
def test_each_grooming_pattern_is_found(kind, text):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "how old is your dog?",
        "how old were you when you learned to swim?",
        "the coach needs your age for the under-11s form, how old are you?",
        "I'm 12 years old",
        "don't tell mum about her surprise party!",
        "the secret ingredient is cinnamon",
        "how do I delete messages on whatsapp?",
        "can you keep a secret? I like Jo",
        "my parents don't understand me",
        "I posted it on Instagram",
        "I can't get signal in the countryside to message you",
        "add me on discord for the raid tonight, same name as here",
        "send me a pic of the homework",
        "send me the link to the video",
        "my mum took a photo of our cat",
        "mum bought me robux for my birthday",
        "I'll pay you back tomorrow",
        "let's meet at the library to revise for the test",
        "Mum will pick you up from the party at 6",
        "leaked naked pics of celebrities are everywhere online",
    ],
)
def test_ordinary_talk_about_ages_apps_photos_and_secrets_is_not_grooming(text):
    assert level(text, "grooming") is None


def test_one_kind_of_grooming_pattern_is_possible():
    assert level("how old are you?", "grooming") == "possible"
    assert level("how old are you? how old really?", "grooming") == "possible"


def test_two_kinds_of_grooming_pattern_are_likely():
    assert level("how old are you? add me on snap", "grooming") == "likely"
    assert level("don't tell your mum. I'll buy you robux", "grooming") == "likely"


def test_images_or_a_meeting_with_another_pattern_are_likely():
    assert level("send me a pic. our little secret ok", "grooming") == "likely"
    assert level("where do you live? you're so mature for your age", "grooming") == "likely"


def test_images_with_a_sexual_framing_are_likely_alone():
    for text in (
        "send a photo without your top on",
        "send nudes",
        "got any naked pics?",
        "are you in bed right now?",
    ):
        assert level(text, "grooming") == "likely", text


def test_each_grooming_signal_says_possible_and_the_descriptor_adds_them_up():
    analysis = analyse("how old are you? add me on snap")
    assert {signal.level for signal in analysis.signals} == {"possible"}
    assert analysis.descriptors == {"grooming": "likely"}


def test_sextortion_is_grooming_and_an_explicit_threat():
    analysis = analyse("send me £50 or I'll post your pics everywhere")
    assert analysis.descriptors["grooming"] == "likely"
    assert analysis.descriptors["threat"] == "explicit"


def test_a_child_asking_for_help_about_secrecy_is_still_flagged_but_not_as_self_harm():
    analysis = analyse("he told me to keep it secret, is that normal?")
    assert "grooming.secrecy" in kinds("he told me to keep it secret, is that normal?")
    assert "self_harm" not in analysis.descriptors


# Self-harm and suicide -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself",
        "i dont want to be here anymore",
        "I'm going to hurt myself tonight",
        "nobody would miss me",
        "nobody would even notice if I was gone",
        "kms fr",
        "everyone would be better off without me",
        "I've been cutting again",
        "I wish I was dead",
        "I've saved up my pills for tonight",
        "i just wanna die",
        "I'm so tired, I want it all to end forever",
        "if i die tmrw nobody would care lol",
        "I'm planning to unalive myself",
        "I've been having suicidal thoughts",
    ],
)
def test_a_childs_own_words_of_intent_are_self_harm_intent(text):
    assert level(text, "self_harm") == "intent"


@pytest.mark.parametrize(
    "text",
    [
        "this homework is killing me",
        "I'd kill for a pizza",
        "I was dying of laughter",
        "kill the process and restart the server",
        "my feet are killing me",
        "I nearly died of embarrassment",
        "ugh i want to die of cringe",
        "kms this maths homework 😂",
        "I'd rather die than wear that jumper",
        "my mum is going to kill me for being late",
        "she killed it on stage",
        "I could murder a burger",
    ],
)
def test_idioms_and_jokes_are_not_self_harm(text):
    assert "self_harm" not in analyse(text).descriptors


@pytest.mark.parametrize(
    "text",
    [
        "he told me to kill myself, what should I do?",
        "I would never hurt myself",
        "two years ago I wanted to die, now I'm happy",
        "I cut myself on a tin can making dinner",
        "I hurt myself at football practice",
    ],
)
def test_reported_words_denials_the_past_and_accidents_are_not_intent(text):
    assert level(text, "self_harm") != "intent"


@pytest.mark.parametrize(
    "text",
    [
        "I used to self-harm but I'm 6 months clean",
        "how do I help a friend who self-harms?",
        "If you are thinking about suicide, call Samaritans on 116 123",
        "I'm in recovery from self-harm and my counsellor helps a lot",
    ],
)
def test_recovery_and_seeking_help_are_recovery_and_support(text):
    assert level(text, "self_harm") == "recovery_support"


def test_recovery_words_without_the_subject_find_nothing():
    for text in (
        "my counsellor says I'm doing great, 6 months clean from vaping",
        "talk to someone you trust about exam stress",
        "Childline is free to call",
    ):
        assert "self_harm" not in analyse(text).descriptors, text


@pytest.mark.parametrize(
    "text",
    [
        "Suicide rates among young men have risen",
        "The singer died by suicide last year",
        "my friend wants to kill herself",
        "what is self-harm?",
    ],
)
def test_news_awareness_and_other_peoples_words_are_discussed(text):
    assert level(text, "self_harm") == "discussed"


@pytest.mark.parametrize(
    "text",
    [
        "what's the most painless way to kill yourself",
        "how many paracetamol would it take to overdose",
        "how to cut deeper without anyone noticing",
        "what is the lethal dose of ibuprofen",
    ],
)
def test_methods_are_instructing(text):
    assert level(text, "self_harm") == "instructing"


def test_a_child_asking_for_a_method_is_also_intent():
    assert {"self_harm.instructing", "self_harm.intent"} <= kinds("how do I kill myself")


@pytest.mark.parametrize(
    "text", ["self harm is beautiful", "who wants to do the blue whale challenge", "#shtwt"]
)
def test_glorifying_self_harm_is_promoting(text):
    assert level(text, "self_harm") == "promoting"


@pytest.mark.parametrize(
    "text", ["you should just kill yourself", "kys", "just kys already", "go jump off a bridge"]
)
def test_telling_someone_to_kill_themselves_is_harassment_and_promoting_not_a_threat(text):
    # The evaluation set labels "kys" as bullying, not a threat: the speaker does not
    # say they will harm anyone ("kys or I'll do it for you" is a threat).
    descriptors = analyse(text).descriptors
    assert "threat" not in descriptors
    assert descriptors["bullying"] == "harassment"
    assert descriptors["self_harm"] == "promoting"


@pytest.mark.parametrize(
    "text",
    [
        "do you ever feel like you want to kill yourself?",
        "please don't kill yourself, you matter",
        "she keeps telling me to kys, what do I do",
    ],
)
def test_asking_or_pleading_is_not_telling_someone_to_kill_themselves(text):
    descriptors = analyse(text).descriptors
    assert "threat" not in descriptors
    assert descriptors.get("self_harm") != "promoting"


# Eating disorders ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thinspo and pro-ana tips", "promoting"),
        ("nothing tastes as good as skinny feels", "promoting"),
        ("how to make yourself throw up after eating", "instructing"),
        ("tips to ignore hunger for days", "instructing"),
        ("I'm in recovery from anorexia and doing better", "recovery_support"),
        ("signs of an eating disorder and how to help a friend", "recovery_support"),
        ("anorexia is a serious illness", "discussed"),
        ("pro-ana websites are dangerous, report them", "discussed"),
    ],
)
def test_eating_disorder_levels(text, expected):
    assert level(text, "eating_disorder") == expected


# Bullying and threats ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "you're so ugly",
        "shut up loser",
        "LOSER",
        "he's such a freak",
        "nobody likes you",
        "you smell disgusting",
        "u r sooo ugly lol",
        "your drawings are trash and so are you",
        "go cry to your mummy",
    ],
)
def test_insults_aimed_at_someone_are_bullying(text):
    assert level(text, "bullying") in ("insult", "harassment")


@pytest.mark.parametrize(
    "text",
    [
        "I'm so ugly today",
        "that film was stupid",
        "they called me a loser at school",
        "you're not ugly!",
        "I'm such a loser at this game lol",
        "my cat is so fat",
        "who said you're stupid? you're amazing",
    ],
)
def test_insult_words_not_aimed_at_someone_are_not_bullying(text):
    assert "bullying" not in analyse(text).descriptors


@pytest.mark.parametrize(
    "text",
    [
        "everyone hates you",
        "go die",
        "don't let her sit with us",
        "let's all ignore him tomorrow",
        "we're starting a hate page about her",
        "you're ugly. you're fat. you're a loser.",
    ],
)
def test_exclusion_pile_ons_and_wishing_death_are_harassment(text):
    assert level(text, "bullying") == "harassment"


def test_three_insults_make_a_pile_on():
    assert "bullying.pile_on" in kinds("you're ugly. you're fat. you're a loser.")
    assert "bullying.pile_on" not in kinds("you're ugly. you're fat.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'll beat you up after school", "explicit"),
        ("I'm going to stab you", "explicit"),
        ("you're dead after school", "explicit"),
        ("I'm bringing a knife to school tomorrow", "explicit"),
        ("ill punch u so hard tmrw", "explicit"),
        ("if you tell sir you're dead", "explicit"),
        ("watch your back", "veiled"),
        ("I know where you live", "veiled"),
        ("you'll regret this", "veiled"),
        ("just wait till Monday", "veiled"),
        ("see what happens if you tell", "veiled"),
    ],
)
def test_threats_are_explicit_or_veiled(text, expected):
    assert level(text, "threat") == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'll beat you at chess",
        "I'm going to destroy you in Fortnite lol",
        "I would never hurt you",
        "my mum is going to kill me for being late",
        "he said he's going to beat me up",
        "I'll get you a drink",
        "I'll kill you if you spoil the ending",
        "you're dead to me lol",
    ],
)
def test_games_hyperbole_denials_and_reports_are_not_threats(text):
    assert "threat" not in analyse(text).descriptors


# Many ways of saying each thing ----------------------------------------------------------

VARIED = [
    ("grooming", "hey cutie what year r u in at school"),
    ("grooming", "ur parents don't need to know about us"),
    ("grooming", "lets video call later when everyones asleep"),
    ("grooming", "got any more pics? the last one was cute"),
    ("grooming", "u should send me one in ur pjs"),
    ("grooming", "want me to buy you those trainers?"),
    ("grooming", "i'll wait for you outside your school"),
    ("grooming", "move to snap its easier"),
    ("grooming", "you're special to me"),
    ("grooming", "i'll give you £20 for a pic"),
    ("self_harm", "i don't see the point in living"),
    ("self_harm", "i'm thinking of ending it all"),
    ("self_harm", "i'm better off dead"),
    ("self_harm", "i want to sleep and never wake up"),
    ("self_harm", "if i'm not here tomorrow, it's not your fault"),
    ("self_harm", "i wrote my suicide note"),
    ("bullying", "no one in this class likes you"),
    ("bullying", "loser loser loser"),
    ("bullying", "why would anyone be friends with you"),
    ("bullying", "stop crying you baby"),
    ("bullying", "imagine being this ugly"),
    ("bullying", "we're all laughing at you"),
    ("threat", "i'm going to punch your face in"),
    ("threat", "you're dead meat"),
    ("threat", "we'll get you after school"),
    ("threat", "don't come to school tomorrow if you know what's good for you"),
    ("threat", "ill get my mates to jump u"),
    ("threat", "I'll break every bone in your body"),
]


@pytest.mark.parametrize(("descriptor", "text"), VARIED)
def test_varied_phrasings_are_found(descriptor, text):
    found = analyse(text).descriptors
    if descriptor == "self_harm":
        assert found.get("self_harm") == "intent"
    else:
        assert descriptor in found


@pytest.mark.parametrize(
    "text",
    [
        "what year are you in? i'm in year 8 too",
        "my mum will pick you up after practice",
        "i'll beat you at fifa tonight",
        "happy birthday! i'll buy you a cake",
        "nobody wants homework on a friday",
        "i'm going to smash this exam",
        "my dad says I can't have snapchat until I'm 13",
        "i used to want to die but therapy helped",
        "my friend told me he wants to kill himself, what do i do?",
        "he said that i should kill myself, should I tell someone?",
        "you can trust me to feed your fish",
        "look at this clown fish",
        "he smells of pizza lol",
        "get out of the group chat if you're not in year 7",
        "smoking will kill you",
        "I know where you live, I'm dropping off your birthday present",
    ],
)
def test_ordinary_chat_and_asking_for_help_raise_no_alarm(text):
    found = analyse(text).descriptors
    assert not {"grooming", "bullying", "threat"} & found.keys()
    assert found.get("self_harm") != "intent"
