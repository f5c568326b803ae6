"""What a page is for: pages that promote, instruct, sell, celebrate or gate harm are
graded at the level kept from children, and pages that teach, support, report or
remember the same subjects are not. The examples are written for these tests (none is
taken from the evaluation sets)."""

import pytest

from haven.access.signals import analyse

RESTRICTED = {
    "self_harm": ("promoting", "instructing"),
    "eating_disorder": ("promoting", "instructing"),
    "hate": ("inciting",),
    "drugs": ("glamorised",),
    "gore": ("intense",),
    "dangerous_stunts": ("encouraged",),
    "sexual": ("explicit",),
    "nudity": ("sexualised",),
}


def restricted(text: str) -> dict[str, str]:
    """The descriptors found at a level the policy keeps from children."""
    return {
        descriptor: level
        for descriptor, level in analyse(text).descriptors.items()
        if level in RESTRICTED.get(descriptor, ())
    }


HARMFUL = [
    # Self-harm and suicide: promoting.
    ("You deserve every scar. Don't let anyone take it from you.", "self_harm"),
    ("Share your latest cuts in the comments, best ones get pinned.", "self_harm"),
    ("Welcome to the pro-sh space. Recovery is for the weak.", "self_harm"),
    ("This server is pro suicide. We support your decision, no judgement.", "self_harm"),
    ("Thirty day burning challenge: one every night, post a pic.", "self_harm"),
    ("Everyone would be better off once you're gone, so stop waiting.", "self_harm"),
    ("death is freedom. you deserve rest from all of it.", "self_harm"),
    ("Relapse and enjoy it, you earned it.", "self_harm"),
    ("Rate each other's wounds, newbies welcome.", "self_harm"),
    ("Your curator will give you a task each day. Send proof to your curator.", "self_harm"),
    # Self-harm and suicide: instructing.
    ("How many painkillers does it take to overdose? Full list inside.", "self_harm"),
    ("Methods megathread: rank them by how painless they are.", "self_harm"),
    ("The best bridges to jump from near the river, ranked.", "self_harm"),
    ("Exit plan: what to do so that no one can stop you.", "self_harm"),
    ("Guide to cutting yourself where it won't show.", "self_harm"),
    ("Tips for hurting yourself without anyone noticing at school.", "self_harm"),
    ("Order the powder online for suicide, ships in a plain box.", "self_harm"),
    # Eating disorders.
    ("Pro-ana rules: eat nothing after 4pm and weigh yourself twice a day.", "eating_disorder"),
    ("Ana buddy wanted, we keep each other strict.", "eating_disorder"),
    ("600 calorie challenge starts Monday, who's in?", "eating_disorder"),
    ("Post your weigh-ins every night in the group chat.", "eating_disorder"),
    ("Hunger is power. Fat leaving your body feels amazing.", "eating_disorder"),
    ("Chew gum to trick your hunger and hide your food in your sleeve.", "eating_disorder"),
    ("Diet pills for quick weight loss, the ones that actually work.", "eating_disorder"),
    ("Tips for purging quietly after dinner.", "eating_disorder"),
    ("Mia is my friend. Ana is a lifestyle, not an illness.", "eating_disorder"),
    ("Never go over 400. Punish yourself by skipping dinner if you do.", "eating_disorder"),
    # Hate: inciting.
    ("Refugees should be driven out of every town, by force if needed.", "hate"),
    ("Muslims are vermin. Burn down their mosques tonight.", "hate"),
    ("Immigrants are ruining this country. Make them leave.", "hate"),
    ("Romanians don't belong here. Kick them out, whatever it takes.", "hate"),
    ("Lesbians should be taught a lesson.", "hate"),
    ("Patriots wanted: take up arms and cleanse our streets.", "hate"),
    ("Read the manifesto and follow in his footsteps.", "hate"),
    ("Jews must be stopped by any means necessary.", "hate"),
    # Drugs: glamorised, sold.
    ("Pingers make every festival better 💊", "drugs"),
    ("Who's getting wasted tonight? Booze is life.", "drugs"),
    ("Plug menu: weed, carts, pills. DM to order, we deliver.", "drugs"),
    ("Vapes, all flavours, no ID needed, same-day delivery.", "drugs"),
    ("Ket is everything. Best high ever, no cap.", "drugs"),
    ("Drinking games for teens: loser downs the vodka.", "drugs"),
    ("Magic mushrooms: best trip of my life, here's where to find them.", "drugs"),
    ("Xans make exams so much easier. Message me for prices.", "drugs"),
    # Gore: intense.
    ("Uncensored beheading video, full length.", "gore"),
    ("Real car crash footage, bodies everywhere, no blur.", "gore"),
    ("Gore site: the bloodiest injuries compilation.", "gore"),
    ("Watch this man get mangled by a machine, uncut.", "gore"),
    ("Close-ups of the worst injuries from the factory accident, unblurred.", "gore"),
    ("Faces of death volume 3: real deaths filmed.", "gore"),
    # Dangerous challenges: encouraged.
    ("Tide pod challenge: bite one and film it for us.", "dangerous_stunts"),
    ("Blackout challenge — who can hold out the longest? Tag your friends.", "dangerous_stunts"),
    ("Roof jumping challenge, no helmet, post your video.", "dangerous_stunts"),
    ("Bus surfing tonight, best views, bring a camera and film yourself.", "dangerous_stunts"),
    ("Skate into the traffic and dodge the cars, tag two friends.", "dangerous_stunts"),
    ("Salt and ice challenge: hold it on your arm, winner gets a prize.", "dangerous_stunts"),
    ("Fire challenge: set yourself on fire for five seconds on camera.", "dangerous_stunts"),
    # Pornography and adult landing pages.
    ("Warning: sexually explicit videos. You must be 18 or over to enter.", "sexual"),
    ("Adults only. Enter or leave.", "sexual"),
    ("Free live cams with hot singles near you.", "sexual"),
    ("Horny singles want to meet for sex tonight.", "sexual"),
    ("Join my page for uncensored pics 🔞 nsfw content daily.", "sexual"),
    ("Explicit erotic stories, new every day, adults only.", "sexual"),
]


@pytest.mark.parametrize(("text", "descriptor"), HARMFUL)
def test_harmful_pages_are_found_at_a_restricted_level(text, descriptor):
    assert descriptor in restricted(text), analyse(text).descriptors


LEGITIMATE = [
    # Self-harm recovery and help.
    "If you are struggling with self-harm, talk to someone you trust or call Childline.",
    "Warning signs that a friend may be self-harming include hiding their arms in summer.",
    "Recovery is possible. Many people who used to cut now use coping skills instead.",
    "What to do if your child tells you they have been hurting themselves.",
    "Suicide prevention day: you are not alone, and help is available 24/7.",
    "Samaritans are there day or night on 116 123, whatever you're going through.",
    "Researchers studied how pro-suicide forums affect young people.",
    "The coroner's inquest heard the teenager had searched for methods online.",
    "Self-harm scars fade with time; some people choose to cover them, some don't.",
    # Eating disorders: help and health.
    "Signs of an eating disorder include skipping meals and making yourself sick.",
    "Beat's helpline supports anyone worried about an eating disorder.",
    "A calorie is a unit of energy. Teenagers need around 2,000 to 2,500 a day.",
    "Pro-ana sites are dangerous and are being removed by social media companies.",
    "Ask your GP about a meal plan if you are recovering from anorexia.",
    "Charity warns parents about pro-ana tips spreading on video apps.",
    # History of extremism, news, hate education.
    "In 1938 Nazis burned synagogues across Germany in what became known as Kristallnacht.",
    "History of the civil rights movement: how Black Americans fought segregation.",
    "Propaganda told Germans that Jews must be driven out. Historians explain how it worked.",
    "The police said the attacker had posted a manifesto online before the shooting.",
    "Muslims in Britain: a community history, from the first mosques to today.",
    "Refugees arriving in Dover were given food and blankets by volunteers.",
    "I'm gay and my family is proud of me.",
    "Our trans pupils' group meets on Thursdays after school.",
    "Immigrants make up a fifth of NHS staff.",
    "Travellers have lived in Britain for over 500 years.",
    "The teacher said we'd learn about the Holocaust in our lesson on Friday.",
    "Black people, disabled people and women all won rights after long campaigns.",
    # Drug education and harm reduction.
    "Harm reduction: if you do take pills, start with a small amount and never alone.",
    "Cannabis can affect memory and mental health, especially for teenagers.",
    "Warning signs of county lines: young people delivering drugs for gangs.",
    "Lean is a mix of cough syrup and soda; the codeine in it can stop your breathing.",
    "Vapes are illegal to sell to under-18s. Report shops that sell them.",
    "Police warn that pills sold as MDMA at festivals may contain something stronger.",
    "Drinking games can lead to alcohol poisoning. Here is what to do if a friend passes out.",
    "Our takeaway menu: pizza, chips and drinks. We deliver until 11pm.",
    "Next-day delivery on all school shoes, no questions asked returns.",
    # News of violence, medicine, history.
    "The court heard the victim died of head injuries after the crash.",
    "A man was killed in a crash on the M6, police said.",
    "First aid: how to treat a broken bone until the ambulance arrives.",
    "Watch the full video of the King's speech here.",
    "Documentary: the history of the First World War, with real footage from the trenches.",
    "Surgeons film operations to teach students at the medical school.",
    "Watch the highlights: Arsenal beat Chelsea 3-1, full video in our app.",
    # Dangerous challenges, warned about.
    "Parents warned about the blackout challenge after a boy died.",
    "The tide pod challenge is dangerous: please don't try it and tell an adult.",
    "Ice bucket challenge: film yourself and tag three friends to raise money for charity.",
    "Reading challenge: tag a friend and share the best book you read this term.",
    "Bake-off challenge! Film your cake and post your video by Friday.",
    "Train surfing has killed teenagers in several cities, police say.",
    # Sex education, art, health.
    "Sex education: consent, contraception and how to say no.",
    "Porn often shows sex in ways that are unrealistic; talk to a trusted adult.",
    "Films rated 18 are for adults only, so you can't watch them at the cinema yet.",
    "The museum's gallery of nude sculptures is open to all ages.",
    "Check your breasts for lumps once a month and see a GP if anything changes.",
    "Life drawing class: our models pose nude for artists.",
    "Our choir is adults only on Tuesdays and open to everyone on Saturdays.",
    "You must be 18 or over to enter the casino floor, says the law.",
]


@pytest.mark.parametrize("text", LEGITIMATE)
def test_legitimate_pages_find_nothing_restricted(text):
    assert restricted(text) == {}, analyse(text).signals


IDENTITY = [
    "I'm a Muslim girl and I wear a hijab to school.",
    "My two dads took me to Pride.",
    "I'm trans and I'm starting at a new school.",
    "We're Jewish and we light candles for Hanukkah.",
    "I'm autistic and I love trains.",
    "My mum is a refugee from Syria.",
    "I'm fat and I'm fine with it.",
    "We're Travellers and we live on a site near town.",
]


@pytest.mark.parametrize("text", IDENTITY)
def test_identity_words_find_nothing(text):
    assert analyse(text).signals == ()


def test_against_help_words_do_not_count_as_support():
    # A pro page that names recovery only to reject it is still a pro page.
    assert restricted("No recovery talk here. Post your fresh cuts.") == {"self_harm": "promoting"}


def test_a_page_that_reports_a_call_to_violence_is_not_incitement():
    text = "Police said the group had told followers to drive them out of the town."
    assert "hate" not in restricted(text)
