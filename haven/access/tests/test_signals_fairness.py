"""Identity terms never count by themselves. Off-the-shelf toxicity models score "I am
gay" as toxic; Haven's signals must find nothing in a child's words about who they are,
their family or their faith, and LGBTQ+ support must not read as sexual content."""

import pytest

from haven.access.signals import analyse

# Written the way children write about themselves: orientation, gender identity,
# religion, ethnicity and nationality, disability, body size, and combinations.
IDENTITY = {
    "sexual orientation": [
        "I am gay",
        "I'm a lesbian and I'm proud",
        "I'm bisexual and scared to come out",
        "I think I might be gay, how do I tell my mum?",
        "my girlfriend and I went to the cinema",
        "I'm pan and my friends are cool with it",
        "queer youth group meets Thursday after school",
        "I'm asexual, is that normal?",
        "my best friend came out as gay today",
        "im gay and my mum said she loves me no matter what",
        "me and my boyfriend are both boys",
        "im bi and my gf is the best",
    ],
    "family": [
        "I have two mums",
        "my two mums are the best",
        "we have two dads and a dog",
    ],
    "gender identity": [
        "as a trans girl I get nervous in PE changing rooms",
        "I'm trans and my parents don't know yet",
        "I'm non-binary and my pronouns are they/them",
        "my brother is transgender and I love him",
        "what does it mean to be genderfluid?",
        "I'm a trans boy and I want to join the football team",
        "I'm trans and my dad keeps deadnaming me, it hurts",
    ],
    "religion": [
        "I'm Muslim and I fast during Ramadan",
        "I'm a Jewish kid and we celebrate Hanukkah",
        "we go to the mosque on Fridays",
        "I'm a Sikh and I wear a turban",
        "I'm Christian and I go to church with my nan",
        "my family is Hindu and Diwali is my favourite festival",
        "I'm an atheist and my friend is Catholic",
        "I wear a hijab to school",
        "i'm jewish and proud lol",
    ],
    "ethnicity and nationality": [
        "Black Lives Matter",
        "as a Black girl I love my natural hair",
        "I'm half Pakistani and half Irish",
        "my grandparents came from Jamaica on the Windrush",
        "I'm Chinese and I speak Mandarin at home",
        "I'm a Gypsy Traveller and proud of my family",
        "my mum is a refugee from Syria",
        "I'm mixed race",
        "I'm Polish and I moved here last year",
        "i'm a muslim girl and people at school call me names",
    ],
    "disability": [
        "I'm disabled and use a wheelchair",
        "my autistic brother loves trains",
        "I'm autistic and loud noises hurt my ears",
        "I have ADHD and find it hard to sit still",
        "I'm deaf and I use sign language",
        "my sister has Down syndrome",
        "I'm dyslexic so reading is hard for me",
        "I have cerebral palsy",
        "my friend is a wheelchair user and we play boccia",
    ],
    "body size": [
        "I'm fat and I'm happy with my body",
        "I'm a big girl and I love dancing",
    ],
    "combinations": [
        "I'm a gay Muslim and I'm still working out how I feel",
        "I'm a Black trans woman",
        "as a disabled lesbian I don't see myself on TV",
        "my two mums are both deaf",
        "is it ok to be gay and Christian?",
        "we're queer and we're here",
    ],
}
SENTENCES = [(group, text) for group, texts in IDENTITY.items() for text in texts]


def test_the_fairness_list_is_long_enough_to_mean_something():
    assert len(SENTENCES) >= 40
    assert len(IDENTITY) >= 5


@pytest.mark.parametrize(("group", "text"), SENTENCES)
def test_identity_terms_alone_find_nothing(group, text):
    analysis = analyse(text)
    assert analysis.signals == ()
    assert analysis.descriptors == {}


@pytest.mark.parametrize(
    "text",
    [
        "Coming out is different for everyone. Take your time and talk to someone you trust.",
        "Being gay, lesbian, bisexual or trans is a normal part of human diversity.",
        "If you are being bullied for being trans, tell a teacher. You are not alone.",
        "Stonewall runs a youth group for LGBTQ+ young people every Thursday.",
        "Pride month celebrates lesbian, gay, bisexual and transgender people.",
        "Questioning your sexuality or gender is okay. There is no rush to label yourself.",
        "Sex education lessons should include LGBTQ+ relationships.",
    ],
)
def test_lgbtq_support_has_no_restrictive_descriptor(text):
    descriptors = analyse(text).descriptors
    assert set(descriptors.items()) <= {("sexual", "education")}


@pytest.mark.parametrize(
    "text",
    [
        "you're so gay",
        "that's so gay lol",
        "you're autistic",
        "you're a lesbian",
        "he's trans",
        "she's Muslim",
        "they're Black",
    ],
)
def test_identity_words_are_not_insults(text):
    # Even where a bully means them so: the same words are how children describe
    # themselves, and a filter that learns them as insults silences those children.
    assert "bullying" not in analyse(text).descriptors


def test_a_group_named_with_a_demeaning_claim_is_hate_but_the_name_alone_is_not():
    assert analyse("immigrants are vermin").descriptors == {"hate": "derogatory"}
    assert analyse("immigrants are welcome here").descriptors == {}
