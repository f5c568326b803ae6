"""Content descriptors found in the text of a page or post, so that text alone reaches
the policy: sexual content, nudity, hate, drugs, gambling, violence, gore, dangerous
stunts, horror and profanity, each at the level the catalogue grades."""

import pytest

from haven.access.signals import analyse


def level(text: str, descriptor: str) -> str | None:
    return analyse(text).descriptors.get(descriptor)


CONTENT = [
    # Sexual content: education, suggestive, explicit.
    ("Puberty: what happens to your body as you grow", "sexual", "education"),
    ("How condoms prevent pregnancy and STIs", "sexual", "education"),
    ("Consent means agreeing freely, and you can change your mind", "sexual", "education"),
    ("Your first period: what to expect", "sexual", "education"),
    ("Before having sex, talk about contraception", "sexual", "education"),
    ("research shows the effects of porn on teenagers", "sexual", "education"),
    ("you look so sexy in that", "sexual", "suggestive"),
    ("we were making out behind the bike sheds", "sexual", "suggestive"),
    ("I had sex with my boyfriend last night", "sexual", "suggestive"),
    ("free xxx videos, hot teens waiting", "sexual", "explicit"),
    ("watch porn here, no sign up", "sexual", "explicit"),
    ("send nudes", "sexual", "explicit"),
    # Nudity by kind.
    ("Michelangelo's David is a famous nude sculpture", "nudity", "artistic"),
    ("the museum shows Renaissance nudes alongside portraits", "nudity", "artistic"),
    ("tips for breastfeeding in public", "nudity", "natural"),
    ("how to do a testicular self-exam", "nudity", "educational_medical"),
    ("a labelled diagram of the female reproductive system", "nudity", "educational_medical"),
    ("leaked naked pics of celebrities", "nudity", "sexualised"),
    # Self-harm and eating disorders as content.
    ("Suicide rates among young men have risen", "self_harm", "discussed"),
    ("a guide to suicide methods", "self_harm", "instructing"),
    ("thinspo: collarbones goals", "eating_disorder", "promoting"),
    # Hate.
    ("We learned about the Holocaust in history", "hate", "discussed_critically"),
    ("The rise of the far-right in Europe in the 1930s", "hate", "discussed_critically"),
    ("immigrants are vermin", "hate", "derogatory"),
    ("those pakis should go home", "hate", "derogatory"),
    ("immigrants should be deported and killed", "hate", "inciting"),
    ("heil hitler, white power", "hate", "inciting"),
    # Drugs, alcohol and tobacco.
    ("the effects of cannabis on the teenage brain", "drugs", "education"),
    ("vaping: the risks to young people's lungs", "drugs", "education"),
    ("how to help a friend who is too drunk: call 999", "drugs", "education"),
    ("we had beer at the barbecue", "drugs", "references"),
    ("getting wasted is the best", "drugs", "glamorised"),
    ("where can I buy vapes underage", "drugs", "glamorised"),
    ("dm me for weed, cheap", "drugs", "glamorised"),
    # Gambling.
    ("sign up to bet365 and get free bets", "gambling", "real_money"),
    ("deposit £10 and play roulette online", "gambling", "real_money"),
    ("opening loot boxes in FIFA", "gambling", "simulated"),
    ("gambling can become an addiction, GamCare can help", "gambling", "references"),
    # Violence.
    ("a teenager was stabbed to death in the city centre", "violence", "realistic_intense"),
    ("three people were killed in the attack", "violence", "realistic_intense"),
    ("a fight broke out after school", "violence", "realistic_mild"),
    ("police broke up riots in the town centre", "violence", "realistic_mild"),
    ("we had to kill the zombies to win", "violence", "fantasy_mild"),
    ("brutal fatalities in Mortal Kombat", "violence", "fantasy_intense"),
    # Gore.
    ("video of a decapitated body", "gore", "intense"),
    ("the crash scene was gruesome", "gore", "mild"),
    # Dangerous stunts.
    ("parents warned about the blackout challenge after a death", "dangerous_stunts", "depicted"),
    ("let's do the blackout challenge tonight", "dangerous_stunts", "encouraged"),
    ("i dare you to jump off the roof into the pool", "dangerous_stunts", "encouraged"),
    # Horror.
    ("we told ghost stories at camp", "horror", "mild"),
    ("my favourite horror film is The Conjuring", "horror", "intense"),
    # Profanity.
    ("oh shit I forgot my homework", "profanity", "mild"),
    ("what the hell is this", "profanity", "mild"),
    ("what the fuck", "profanity", "strong"),
    ("f*ck this", "profanity", "strong"),
]


@pytest.mark.parametrize(("text", "descriptor", "expected"), CONTENT)
def test_text_alone_carries_the_content_descriptor(text, descriptor, expected):
    assert level(text, descriptor) == expected


@pytest.mark.parametrize(
    ("text", "descriptor"),
    [
        ("Sex: female. Date of birth: 2014", "sexual"),
        ("we talked about budgeting and friendships in PSHE today", "sexual"),
        ("what is sexuality?", "sexual"),
        ("a period of calm after the storm", "sexual"),
        ("the sperm whale is the largest toothed whale", "sexual"),
        ("visible to the naked eye", "nudity"),
        ("my mum is pregnant with my baby brother", "sexual"),
        ("Christians believe in heaven and hell", "profanity"),
        ("he had a bloody nose after PE", "profanity"),
        ("Scunthorpe is a town in England", "profanity"),
        ("prick your finger to test your blood sugar", "profanity"),
        ("Horrible Histories is my favourite show", "horror"),
        ("she killed it on stage", "violence"),
        ("the photo shoot went well", "violence"),
        ("I had a panic attack before my exam", "violence"),
        ("we played a great match and won", "violence"),
        ("a car crash killed two people on the motorway", "violence"),
        ("I'm drinking water after football", "drugs"),
        ("we went to high school together", "drugs"),
        ("you bet! see you at 5", "gambling"),
        ("the ice bucket challenge raised money for charity", "dangerous_stunts"),
        ("a chink in his armour", "hate"),
        ("fire retardant foam", "hate"),
        ("Muslims are celebrating Eid this week", "hate"),
        ("gay people are not mentally ill", "hate"),
        ("people say Muslims are terrorists but that's a racist lie", "hate"),
        ("I'm asexual so I don't want to have sex", "sexual"),
        ("I'm a lesbian but I've never had sex", "sexual"),
        ("the Holy Ghost", "horror"),
        ("I'm dying to see the new film", "self_harm"),
    ],
)
def test_innocent_uses_of_the_same_words_carry_no_descriptor(text, descriptor):
    assert level(text, descriptor) is None


def test_the_most_severe_level_of_a_descriptor_wins():
    text = "I used to self-harm but I'm 6 months clean. Tonight I want to kill myself."
    assert level(text, "self_harm") == "intent"
    assert {"self_harm.recovery_support", "self_harm.intent"} <= {
        signal.kind for signal in analyse(text).signals
    }


def test_a_news_report_with_a_helpline_is_discussed_not_only_support():
    text = "The singer died by suicide last year. If you are struggling, call Samaritans."
    assert level(text, "self_harm") == "discussed"


def test_plain_words_for_sex_are_education_in_a_text_that_teaches():
    assert level("Having sex without a condom risks STIs", "sexual") == "education"
    assert level("we had sex", "sexual") == "suggestive"


def test_a_page_of_sex_education_has_no_other_descriptor():
    page = (
        "Relationships and sex education. Puberty brings changes to your body. Periods "
        "usually start between 10 and 16. Consent means agreeing freely. Condoms help "
        "prevent STIs. If you have questions, talk to a trusted adult or your school nurse."
    )
    assert analyse(page).descriptors == {"sexual": "education"}


def test_a_page_about_drug_harm_reduction_is_education():
    page = (
        "Ketamine can cause bladder damage. Harm reduction: never use alone, and call 999 "
        "if someone collapses. Talk to FRANK for free, confidential advice."
    )
    assert analyse(page).descriptors == {"drugs": "education"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sexting means sending sexual messages or images. It is illegal to share nude "
            "images of anyone under 18.",
            {"sexual": "education"},
        ),
        ("Oral sex can spread STIs such as herpes and gonorrhoea.", {"sexual": "education"}),
        (
            "If you're self-harming, you're not alone. Distraction techniques can help with urges.",
            {"self_harm": "recovery_support"},
        ),
        ("What is MDMA? Effects, risks and the law.", {"drugs": "education"}),
        ("Cannabis can affect memory and mental health.", {"drugs": "education"}),
        ("Kristallnacht: the night of broken glass, 1938.", {"hate": "discussed_critically"}),
        ("Rodin's sculpture The Kiss shows two naked lovers.", {"nudity": "artistic"}),
        ("Breast cancer: how to check your breasts for lumps.", {"nudity": "educational_medical"}),
        ("Protesters clashed with police in the city centre.", {"violence": "realistic_mild"}),
        ("Type 1 diabetes: how to inject insulin.", {}),
    ],
)
def test_legitimate_pages_get_the_gentle_level_of_their_subject(text, expected):
    assert analyse(text).descriptors == expected
