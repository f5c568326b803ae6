"""Sexual content and nudity described in text.

Sex and relationships education (puberty, periods, contraception, STIs, consent, body
parts by their names) is "education", and plain words for sex in a text that teaches
are too; the same words with nothing teaching around them are "suggestive".
Pornography, its sites and sexual solicitation are "explicit", except where a sentence
discusses pornography (research, its effects, how to talk about it), which is education.

Orientation and identity are not sexual content: "bisexual", "gay", "lesbian", "trans",
"sexuality" and "coming out" are in none of these lists.
"""

import re

from haven.access.signals.lexicon import NEGATED
from haven.access.signals.rules import Found, Rule, find, rule
from haven.access.signals.text import Text

EDUCATION = (
    r"\bsex(?:ual)?\s+(?:education|ed|health|consent|reproduction|abuse|exploitation|"
    r"educators?)\b|\brelationships\s+and\s+(?:sex|health)\s+education\b|\b(?:rshe|rse|"
    r"menstruat\w+|tampons?|contracepti\w+|condoms?|stis?|stds?|chlamydia|gonorrh?o?ea|syphilis|"
    r"hiv|hpv|fertili[sz]ation|penis|vagina|vulva|testicles?|ovaries|ovulation|erections?|"
    r"masturbat\w+)\b|\bpuberty\b(?!\s+blockers)|\b(?:first|my|your|her)\s+period\b(?!\s*\d|\s+"
    r"of\b)|\bperiods?\s+(?:pain|cramps|products|pads|poverty|tracker|blood|start)\b|\bsanitary\s+"
    r"(?:pads|towels|products)\b|\bbirth\s+control\b|\bmorning[- ]after\s+pill\b|\bsexually\s+"
    r"transmitted\b|\bgenital\s+herpes\b|\bage\s+of\s+consent\b|\bconsent\s+(?:means|is\s+(?:when|"
    r"about|a|an)|in\s+relationships|and\s+(?:sex|relationships)|before\s+sex)\b|\bteach\w*\s+"
    r"consent\b|\bwhat\s+is\s+consent\b|\breproductive\s+(?:health|system|organs)\b|\bwet\s+"
    r"dreams\b|\bhealthy\s+relationships\b|\bpants\s+rule\b|\bprivate\s+parts\b|\bsperm\b(?!\s+"
    r"whales?)"
)
EDUCATION_TRIGGERS = (
    "sex sexual relationships rshe rse puberty menstruation menstrual menstruating period "
    "periods tampon tampons sanitary contraception contraceptive contraceptives condom condoms "
    "birth pill sti stis std stds sexually chlamydia gonorrhoea gonorrhea syphilis hiv hpv "
    "genital consent reproductive reproduction wet pants parts fertilisation fertilization penis "
    "vagina vulva testicle testicles ovaries ovulation sperm erection erections masturbation "
    "masturbate educator educators"
)
SUGGESTIVE = (
    r"\b(?:sexy|horny|make\s+out|making\s+out|made\s+out|nsfw|lewd|thirst\s+traps?|booty\s+call|"
    r"onlyfans|spicy\s+(?:pics|content|vids|videos)|turns?\s+me\s+on|turned\s+me\s+on|naughty\s+"
    r"(?:pics|girl|boy|things|photos)|strip\s*teases?|strippers?|lingerie|seduc\w+|erotic\w*|kinky|"
    r"fetish\w*|bdsm|dtf|netflix\s+and\s+chill|sugar\s+daddy|hook\s*ups?|hooking\s+up)\b"
)
SUGGESTIVE_TRIGGERS = (
    "sexy horny make making made nsfw lewd thirst booty onlyfans spicy turns turn turned "
    "naughty strip striptease stripper strippers lingerie seduce seduced seduction seductive "
    "erotic erotica kinky fetish bdsm dtf netflix sugar hook hookup hookups hooking"
)
# Plain words for sex: suggestive, unless the text teaches.
PLAIN = (
    r"\b(?:have|having|had|has)\s+sex\b|\bsex\s+with\b|\bsleep(?:ing)?\s+with\s+(?:me|him|her|"
    r"them)\b|\b(?:lose|lost|losing)\s+(?:my|your|her|his)\s+virginity\b|\bvirgin(?:ity)?\b|"
    r"\borgasm\w*|\bforeplay\b|\bsexting\b|\bsext(?:s|ed)?\b|\b(?:anal|oral)\s+sex\b|"
    r"\bsex\s+toys?\b"
)
PLAIN_TRIGGERS = (
    "sex sleep sleeping virgin virginity orgasm orgasms foreplay sexting sext sexts sexted"
)
EXPLICIT = (
    r"\b(?:xxx|pornhub|xvideos|xhamster|redtube|youporn|brazzers|deepthroat\w*|hentai|milfs?|"
    r"creampies?|cam\s?girls?|blow\s?jobs?|hand\s?jobs?|cum\s?shots?|gang\s?bangs?|rule\s?34)\b|"
    r"\bhardcore\s+(?:sex|porn)\b|\b(?:suck|lick)\s+(?:my|his|her|your)\s+(?:dick|"
    r"cock|pussy|tits|boobs|balls)\b|\b(?:dick|cock|pussy|tits)\s+pics?\b|\bwebcam\s+(?:sex|girls|"
    r"models)\b|\bsex\s+(?:cams?|chat|videos?|tapes?|scenes?\s+videos?)\b|\b(?:live|free)\s+"
    r"sex\b|\b(?:naked|nude)\s+(?:teens?|girls?|boys?)\b|\bonlyfans\s+leaks?\b|\bfuck\s+(?:me|her|"
    r"him|you)\s+(?:hard|so\s+hard)\b|\bhorny\s+(?:teens?|singles|milfs?|girls?|women)\b|\b(?:send|"
    r"trade|swap)\s+(?:me\s+)?(?:your\s+)?nudes?\b|\b18\+\s+(?:only|videos|content)\b|\badult\s+"
    r"(?:webcams?|cams?|videos?|sites?|movies?|films?|chat\s+rooms?|content\s+site)\b|\blive\s+"
    r"(?:webcams?|cams?)\s+(?:girls?|boys?|models?|shows?)\b"
)
EXPLICIT_TRIGGERS = (
    "xxx pornhub xvideos xhamster redtube youporn brazzers hardcore blow blowjob blowjobs hand "
    "handjob handjobs cum cumshot cumshots creampie creampies gang gangbang gangbangs anal "
    "deepthroat suck lick dick cock pussy tits cam camgirl camgirls webcam sex naked nude nudes "
    "onlyfans hentai rule rule34 milf milfs fuck horny 18 webcams webcam cams videos sites "
    "movies films"
)
PORN = r"\b(?:porn\w*|pr0n)\b"
# A sentence about pornography rather than pornography itself.
ABOUT_PORN = re.compile(
    r"\b(?:effects?|impacts?|harms?|harmful|research|study|studies|survey|report|talk(?:ing)?\s+"
    r"(?:to|about|with)|addict\w*|exposure|exposed|literacy|age\s+verification|law|laws|online\s+"
    r"safety|children\s+(?:see|seeing|who\s+see)|young\s+people|teens?\s+who|protect\w*|help|"
    r"campaign\w*|myths?|unrealistic|not\s+real|consent|parents?|schools?|lessons?|educat\w+|"
    r"what\s+to\s+do|if\s+you(?:'ve|\s+have)?\s+(?:seen|see|come\s+across))\b"
)

NUDITY_ARTISTIC = (
    r"\b(?:nudes?|naked|nudity)\s+(?:paintings?|sculptures?|statues?|figures?|portraits?|studies|"
    r"study|drawings?|in\s+(?:art|painting|sculpture|western\s+art)|models?\s+for\s+(?:art|life\s+"
    r"drawing))|\b(?:life|figure)\s+drawing\b|\b(?:renaissance|classical|greek|roman|ancient)\s+"
    r"(?:nudes?|sculptures?|statues?)\b|\bmichelangelo's\s+david\b|\bvenus\s+de\s+milo\b|\bbirth\s+"
    r"of\s+venus\b|\bthe\s+nude\b|\b(?:paintings?|sculptures?|statues?|portraits?)\s+of\s+(?:a\s+|"
    r"two\s+)?(?:naked|nude)\b|\bdepict\w*\s+(?:the\s+)?(?:naked|nude)\b|\b(?:paintings?|"
    r"sculptures?|statues?|portraits?|artworks?|artists?)\b[^.!?\n]{0,60}\b(?:naked|nude|nudes|"
    r"nudity)\b"
)
NUDITY_NATURAL = (
    r"\b(?:breast\s?feed\w*|breast-feed\w*|nursing\s+(?:mothers?|mums?|moms?|babies|baby)|"
    r"naturis[mt]s?|nudis[mt]s?|nude\s+beach(?:es)?|naturist\s+beach(?:es)?|skinny[- ]dipping|"
    r"naked\s+(?:babies|baby|toddlers?))\b"
)
NUDITY_MEDICAL = (
    r"\banatom\w+\s+(?:diagrams?|drawings?|illustrations?|models?|images?)\b|\b(?:labelled|"
    r"labeled)\s+(?:diagram|drawing|picture)\s+of\s+(?:the\s+)?(?:penis|vagina|vulva|testicles|"
    r"breasts?|reproductive|female|male)\b|\b(?:breast|testicular)\s+(?:self[- ]?exam\w*|checks?|"
    r"cancer)\b|\bcheck(?:ing)?\s+(?:your|for)\s+(?:lumps|testicles|breasts)\b|\b(?:mastectomy|"
    r"circumcision|fgm)\b|\bgenital\s+(?:anatomy|warts|mutilation)\b|\b(?:photos?|pictures?|"
    r"images?)\s+of\s+(?:a\s+)?(?:rash|skin\s+condition|genital)"
)
NUDITY_SEXUALISED = (
    r"\b(?:naked|nude|topless)\s+(?:pics?|pictures?|photos?|selfies?|girls?|boys?|teens?|women|"
    r"men|models?|celebrit\w+|celebs?|videos?|vids?|snaps?)\b|\bnudes\b|\b(?:leaked|leak|leaks)\s+"
    r"(?:nudes|pics|photos)\b|\b(?:upskirts?|nip\s+slips?|downblouse)\b|\b(?:strip|stripping|"
    r"stripped)\s+naked\b|\b(?:boobs|tits)\s+out\b"
)
# A sentence that teaches or protects: the law, consent, what to do, who to tell.
SAFETY = re.compile(
    r"\b(?:illegal|against\s+the\s+law|law|laws|under\s+18|under-18s?|report(?:ing)?|ceop|"
    r"childline|never|don't|do\s+not|if\s+(?:someone|anyone|somebody|a\s+stranger)|pressur\w*|"
    r"warning\s+signs?|red\s+flags?|(?:un)?healthy\s+relationships?|coerc\w+|"
    r"consent|safe|safety|police|block|tell\s+(?:an?\s+)?(?:trusted\s+)?adult|what\s+to\s+do|"
    r"risks?|dangers?|harmful|teach\w*|lessons?|education|protect\w*|sextortion|abuse|"
    r"exploitation|help|advice|support)\b"
)
# Saying what something is: "Sexting means sending sexual messages."
DEFINES = re.compile(r"\b(?:means|is\s+when|is\s+the|is\s+a|what\s+(?:is|are)|defin\w+)\b")
# Asking about sex is looking for education: "is it normal to think about sex with boys?"
QUESTION = re.compile(
    r"\?|^\s*(?:is\s+it|how\s+(?:do|can|does|old)|what\s+(?:does|is|if|happens)|why\s+do|"
    r"am\s+i|should\s+i|can\s+(?:you|i)|when\s+(?:should|can|do))\b"
)
ART = (
    r"\b(?:paint\w*|sculpt\w*|museum|gallery|galleries|artists?|art|renaissance|portraits?|"
    r"exhibition|canvas|drawings?|statues?)\b"
)

RULES: tuple[Rule, ...] = (
    rule("sexual.education", "education", EDUCATION, EDUCATION_TRIGGERS),
    rule("sexual.suggestive", "suggestive", SUGGESTIVE, SUGGESTIVE_TRIGGERS),
    # "I'm asexual so I don't want to have sex": not a sexual text.
    rule("sexual.plain", "suggestive", PLAIN, PLAIN_TRIGGERS, not_after=NEGATED),
    rule("sexual.explicit", "explicit", EXPLICIT, EXPLICIT_TRIGGERS, unless=ART),
    rule("sexual.pornography", "explicit", PORN, "porn porno pornography pornographic pr0n"),
    rule(
        "nudity.artistic",
        "artistic",
        NUDITY_ARTISTIC,
        "nude nudes naked nudity drawing renaissance classical greek roman ancient venus "
        "painting paintings sculpture sculptures statue statues portrait portraits artwork "
        "artworks artist artists "
        "michelangelo's michelangelo",
    ),
    rule(
        "nudity.natural",
        "natural",
        NUDITY_NATURAL,
        "breastfeeding breastfeed breastfed breast nursing naturism naturist naturists nudism "
        "nudist nudists nude skinny naked",
    ),
    rule(
        "nudity.educational_medical",
        "educational_medical",
        NUDITY_MEDICAL,
        "anatomy anatomical labelled labeled breast breasts testicular testicles lumps "
        "mastectomy genital circumcision fgm rash",
    ),
    rule(
        "nudity.sexualised",
        "sexualised",
        NUDITY_SEXUALISED,
        "naked nude topless nudes leaked leak leaks upskirt upskirts nip downblouse strip "
        "stripping stripped boobs tits",
        unless=ART,
    ),
)


def signals(text: Text) -> list[Found]:
    hits = find(RULES, text)
    teaches = any(hit.rule.kind == "sexual.education" for hit in hits)
    found = []
    for hit in hits:
        sentence = text.norm[slice(*text.sentence(hit.start, hit.end))]
        kind = hit.rule.kind
        if kind == "nudity.sexualised" and SAFETY.search(sentence):
            continue  # "sending nudes is illegal under 18": not a picture at all
        found.append(hit.found("education" if _teaching(kind, sentence, teaches) else None))
    return found


def _teaching(kind: str, sentence: str, teaches: bool) -> bool:
    """Whether words that are otherwise suggestive or explicit are here education."""
    if kind == "sexual.plain":
        return teaches or any(r.search(sentence) for r in (QUESTION, SAFETY, DEFINES))
    if kind == "sexual.pornography":
        return bool(ABOUT_PORN.search(sentence))
    if kind == "sexual.explicit":
        # "It's illegal to ask anyone under 18 to send nudes."
        return bool(SAFETY.search(sentence) or ABOUT_PORN.search(sentence))
    return False
