"""What a page is for: pages that push harm on their reader rather than talk about it.

The other rule sets read what a text is about; these read its function, from how it
addresses the reader. A page that tells "you" to do something harmful ("post your fresh
cuts", "drive them out", "film yourself doing it"), sells it ("DM to buy", "next-day
delivery, no age check"), celebrates it ("the best high ever"), or gates it ("you must
be 18 or over to enter") is graded at the level the catalogue keeps from children:
self-harm and eating disorders promoting or instructing, hate inciting, drugs
glamorised, gore intense, dangerous stunts encouraged, sexual content explicit.

Education, support, news and history win: a page that also says what to do if you are
struggling, gives warning signs or a helpline, reports what happened, teaches the
history of something or the law about it, finds nothing here at all (the other rule
sets still grade it as discussion, recovery or education). The framing is read on the
whole text, and only when a rule here has matched, so most texts pay nothing for it.
A group's name is never enough by itself: incitement needs a call to act against them.
"""

import re

from haven.access.signals.hate import GROUP, GROUP_TRIGGERS
from haven.access.signals.risks import CHALLENGE
from haven.access.signals.rules import Found, Rule, find, rule
from haven.access.signals.text import Text

YOU = r"(?:you|your|you're|yourself|ya)"

# Pages that teach, support, report or remember. Negated forms ("no recovery talk",
# "recovery is fake") are not support: they are checked first and taken out.
PROTECTIVE = re.compile(
    r"\b(?:if\s+you(?:'re|\s+are)\s+(?:struggling|worried|feeling|thinking|affected|"
    r"concerned|being)|if\s+(?:a|your)\s+(?:friend|child|son|daughter|pupil|student)|"
    r"warning\s+signs?|signs\s+(?:of|to\s+look\s+for|and\s+symptoms)|what\s+to\s+do\s+if|"
    r"harm\s+reduction|history\s+of|historians?|in\s+(?:1[0-9]|20)\d\d|reported|report\s+it|"
    r"according\s+to|police\s+(?:said|say|are|have|warn\w*)|court|jury|inquest|museum|"
    r"gallery|nhs|gp|doctor|helplines?|childline|samaritans|shout\s+85258|papyrus|"
    r"beat\s+eating|talk\s+to\s+(?:someone|somebody|a\s+trusted|an?\s+adult|your\s+(?:gp|"
    r"doctor|parents?|teacher))|get\s+help|seek\s+help|ask\s+for\s+help|you(?:'re|\s+are)\s+"
    r"not\s+alone|charity|campaign\w*|research\w*|study|studies|awareness|prevent\w*|"
    r"lesson\s+(?:plans?|on|about)|in\s+(?:\w+\s+)?lessons?|teachers?\s+(?:can|should)|parents?\s+(?:can|should|guide|warned)|"
    r"(?:is|are|it's)\s+(?:illegal|dangerous|harmful|deadly)|can\s+(?:kill|cause|lead\s+to)|"
    r"has\s+(?:killed|led\s+to)|(?:died|deaths)\s+(?:after|from)|don't\s+try|never\s+try|"
    r"please\s+don't|stay\s+safe|keep\s+(?:yourself|children|kids)\s+safe|"
    r"how\s+to\s+(?:help|spot|support|talk\s+to)|propaganda|myths?)\b"
)
# "No recovery talk", "recovery is fake": what a pro page says against help.
AGAINST_HELP = re.compile(
    r"\b(?:no|without|fake|fuck|against)\s+(?:\w+\s+)?(?:recovery|help|helplines?)\b|"
    r"\b(?:recovery|help|helplines?|therapy)\s+(?:is|are)\s+(?:fake|a\s+lie|for\s+the\s+weak|"
    r"pointless|useless|a\s+scam)\b|\bwon't\s+(?:try\s+to\s+)?talk\s+you\s+out\b|"
    r"\bwon't\s+tell\s+you\s+to\s+stop\b"
)


def _r(kind: str, level: str, pattern: str, triggers: str, **context) -> Rule:
    return rule(kind, level, pattern, triggers, **context)


SH_PROMOTING = "self_harm.page_promoting"
SH_INSTRUCTING = "self_harm.page_instructing"
HURT = (
    r"(?:cut|cuts|cutting|self[- ]?harm\w*|sh|burn(?:ing|s)?|scars?|wounds?|pain|hurt\w*|"
    r"suicid\w*|die|dying|death|overdos\w*|od|relapse)"
)
SELF_HARM = (
    _r(
        SH_PROMOTING,
        "promoting",
        rf"\b{YOU}\s+deserve\s+(?:the\s+|this\s+|all\s+the\s+)?(?:pain|to\s+(?:suffer|hurt|bleed|"
        r"die|feel\s+pain)|every\s+(?:cut|scar))\b|\b(?:cutting|self[- ]?harm\w*|pain|it)\s+is\s+"
        r"the\s+only\s+(?:thing|way)\s+(?:that\s+)?(?:makes|helps|works|stops)\b|\b(?:post|share|"
        r"show|rate)\s+(?:your|ur|our|the|each\s+other's)\s+(?:fresh\s+|latest\s+|new\s+)?"
        r"(?:cuts|scars|wounds|burns|tools|blades)\b|\bpro[- ]?(?:self[- ]?harm|sh|suicide|"
        r"cutting)\b|\b(?:self[- ]?harm|cutting|suicide|sh|burning)\s+challenge\b|\brelapse\s+"
        r"and\s+(?:feel|enjoy|do)\b|\brecovery\s+is\s+(?:fake|a\s+lie|for\s+the\s+weak|"
        r"pointless)\b|\bno\s+recovery\s+(?:talk|posts|allowed)\b|\bsupport\s+your\s+decision\b|"
        r"\btell\s+us\s+your\s+(?:date|plan|method)\b|\bpick\s+(?:a|your)\s+date\b|\b(?:to|for)\s+"
        r"your\s+curator\b|\b(?:world|everyone)\s+(?:will|would)\s+be\s+better\s+(?:off\s+)?"
        r"(?:when|if|once)\s+you(?:'re|\s+are)?\s+(?:gone|dead)\b|\b(?:the\s+end|death|dying)\s+"
        r"is\s+(?:peace|freedom|beautiful|the\s+answer|a\s+relief)\b|\bdeserve\s+"
        r"(?:peace|rest)\b[^.!?\n]{0,40}\b(?:die|death|end)\b|\b(?:aesthetic|beautiful|romantic)\s+"
        r"(?:quotes|posts|pics|edits)\s+about\s+(?:wanting\s+to\s+die|suicide|death|self[- ]?"
        r"harm|cutting)\b|\bdon't\s+let\s+(?:anyone|anybody|them)\s+(?:take\s+it\s+from\s+you|"
        r"stop\s+you)\b|\bhide\s+it\s+from\s+(?:your\s+)?(?:parents|mum|mom|dad|family)\b",
        "deserve cutting self pain only cuts scars wounds burns tools blades pro sh suicide "
        "burning relapse recovery decision date curator gone dead peace freedom relief answer "
        "aesthetic anyone anybody hide",
    ),
    _r(
        SH_INSTRUCTING,
        "instructing",
        r"\bhow\s+many\s+(?:pills|tablets|paracetamol|painkillers)\b[^.!?\n]{0,30}\b(?:overdose|"
        r"od|die|kill|lethal|fatal)\b|\b(?:dosage|dose|overdose)\s+calculator\b|\bmethods?\s+"
        r"(?:thread|megathread|list|guide|tier\s+list)\b|\bwhat\s+worked\s+for\s+you\b[^.!?\n]{0,60}"
        r"\bmaterials\b|\bbest\s+(?:places?|spots?|bridges?|buildings?|heights?)\s+to\s+(?:jump|"
        r"hang)\b|\bexit\s+(?:guide|bag|kit|plan)\b|\bmake\s+sure\s+it\s+works\s+(?:the\s+first\s+"
        r"time|first\s+time)\b|\bso\s+(?:that\s+)?(?:nobody|no\s?one)\s+(?:stops|can\s+stop|"
        r"finds|notices)\s+you\b|\b(?:buy|order)\s+(?:the\s+)?(?:\w+\s+){0,2}(?:online\s+)?for\s+"
        r"suicide\b|\bsuicide\s+(?:note\s+templates?|kits?|planning|checklist|bags?)\b|\bnote\s+"
        r"templates\b|\bplanning\s+checklist\b|\bwithout\s+(?:anyone|anybody|your\s+parents)\s+"
        r"(?:noticing|knowing|finding\s+out)\b|\b(?:tutorial|guide|tips|steps|instructions)\s+"
        r"(?:for|on|to)\s+(?:burning|cutting|hurting|harming|poisoning|strangling|choking)\s+"
        r"(?:yourself|myself)\b|\blooks?\s+like\s+an\s+accident\b",
        "pills tablets paracetamol painkillers dosage dose overdose method methods materials "
        "jump hang exit works stops stop finds notices suicide note planning noticing knowing "
        "finding tutorial guide tips steps instructions accident",
    ),
)

ED_PROMOTING = "eating_disorder.page_promoting"
ED_INSTRUCTING = "eating_disorder.page_instructing"
EATING = (
    _r(
        ED_PROMOTING,
        "promoting",
        r"\bstarve\s+(?:for|to\s+be)\s+(?:perfection|beauty|thin|skinny|pretty)\b|\bhunger\s+is\s+"
        r"(?:just\s+)?(?:weakness|power|control|good|your\s+friend)\b|\b(?:weakness|fat)\s+leaving"
        r"\s+(?:the|your)\s+body\b|\b\d{2,4}\s*(?:calorie|cal|kcal)\s+(?:challenge|a\s+day\s+"
        r"challenge|club)\b|\bpost\s+(?:your\s+)?(?:daily\s+)?weigh[- ]?ins?\b|"
        r"\b(?:ana|mia)\s+is\s+(?:a\s+)?(?:choice|lifestyle|beautiful|my\s+friend)\b|\beating\s+disorders?\s+(?:is|are)"
        r"(?:n't|\s+not)\s+(?:an?\s+)?(?:illness|illnesses|disease)\b|\b(?:a|is\s+a)\s+lifestyle,?"
        r"\s+not\s+an?\s+(?:illness|disease)\b|\bpunish\s+yourself\s+(?:with|by)\b|\bcount\s+every"
        r"\s+calorie\b|\bnever\s+go\s+over\s+\d{2,4}\b|\bpro[- ]?(?:ana|mia)\s+(?:tips|rules|"
        r"buddy|coach|group|community)\b|\bana\s+buddy\b",
        "starve hunger weakness fat calorie cal kcal weigh weighins ana mia eating lifestyle "
        "punish never pro proana",
    ),
    _r(
        ED_INSTRUCTING,
        "instructing",
        r"\b(?:laxatives?|diet\s+pills|diuretics)\s+(?:tips|hacks|for\s+(?:fast\s+|quick\s+)?"
        r"weight\s+loss)\b|\blaxative\s+tips\b|\b(?:drink|chew)\s+(?:ice\s+water|gum|black\s+"
        r"coffee|water)\s+to\s+(?:stop|kill|curb|trick|fight)\s+(?:the\s+|your\s+)?hunger\b|"
        r"\bhide\s+(?:your\s+)?food\s+in\b|\bso\s+(?:your\s+)?(?:parents|mum|mom|dad|family)\s+"
        r"(?:don't|won't)\s+(?:notice|find\s+out|see)\b|\b(?:tips|tricks|hacks)\s+"
        r"(?:to|for)\s+(?:purging|purge|throwing\s+up|skipping\s+meals|fasting)\b",
        "laxative laxatives diet diuretics hunger food notice tips tricks hacks",
    ),
)

HATE = (
    _r(
        "hate.page_inciting",
        "inciting",
        rf"\b{GROUP}\b[^.!?\n]{{0,40}}\b(?:should|must|need\s+to|deserve\s+to|ought\s+to)\s+(?:all\s+)?"
        r"be\s+(?:hunted(?:\s+down)?|stopped\s+by\s+any\s+means|got\s+rid\s+of|gotten\s+rid\s+of|"
        r"eliminated|wiped\s+out|driven\s+out|thrown\s+out|purged|put\s+down|sterili[sz]ed|"
        r"beaten|attacked|taught\s+a\s+lesson|removed\s+by\s+force)\b",
        GROUP_TRIGGERS,
    ),
    _r(
        "hate.page_call",
        "inciting",
        r"\b(?:drive|kick|throw|chase|force|run|burn|smoke|hunt)\s+them\s+(?:all\s+)?(?:out|"
        r"down|off|away)\b|\bmake\s+them\s+(?:leave|pay|suffer|go\s+back)\b|\bby\s+(?:force|any\s+"
        r"means\s+necessary)\b|\bwhatever\s+it\s+takes\b|\bburn\s+(?:down\s+)?(?:their|the)\s+"
        r"(?:mosques?|synagogues?|churches|temples?|gurdwaras?|caravans?|homes|houses|shops|"
        r"camps?|hotels?)\b|\bteach\s+them\s+a\s+lesson\b|\btake\s+up\s+arms\b|\bfight\s+back\s+"
        r"(?:and|against)\b|\bcleanse\s+(?:our|the)\s+(?:nation|country|race|streets|land|"
        r"towns?|city)\b|\b(?:don't|do\s+not)\s+belong\s+here\b|\bfollow\s+in\s+his\s+footsteps\b|"
        r"\bdownload\s+the\s+manifesto\b|\b(?:he|they)\s+(?:was|were)\s+(?:a\s+)?(?:hero|heroes|"
        r"saint|martyrs?)\b",
        "drive kick throw chase burn smoke hunt leave pay suffer force means whatever lesson "
        "arms fight cleanse belong footsteps manifesto hero heroes saint martyr martyrs",
    ),
)
# A call counts as incitement only on a page about a group, or a movement's call to
# join it ("message us to join the movement", "young patriots wanted").
RECRUITING = re.compile(
    r"\b(?:join\s+(?:the|our)\s+(?:movement|cause|fight|ranks)|patriots\s+wanted|manifesto|"
    r"our\s+(?:race|people|nation|blood))\b"
)

DRUG = (
    r"(?:molly|mdma|pingers|pills|xanax|xans|bars|lean|codeine|weed|bud|za|cannabis|coke|"
    r"cocaine|ket|ketamine|shrooms|(?:magic\s+)?mushrooms?|lsd|acid|tabs|carts|thc|dabs|"
    r"edibles|vapes?|vaping|nos|nitrous|balloons|spliffs?|joints?|blunts?|shots?|vodka|"
    r"booze|alcohol|drinking|drugs?|trip|high|wasted|rolling)"
)
DRUG_TRIGGERS = (
    "molly mdma pingers pills xanax xans bars lean codeine weed bud za cannabis coke cocaine "
    "ket ketamine shrooms magic mushroom mushrooms lsd acid tabs carts thc dabs edibles vape "
    "vapes vaping nos nitrous balloons spliff spliffs joint joints blunt blunts shot shots "
    "vodka booze alcohol drinking drug drugs trip high wasted rolling"
)
DRUGS = (
    # Selling: a menu, delivery, "DM to buy", no age check.
    _r(
        "drugs.page_selling",
        "glamorised",
        r"\b(?:dm|message|text|snap|hmu)\s+(?:me\s+|us\s+)?(?:to\s+(?:buy|order)|for\s+(?:prices|"
        r"the\s+menu))\b|\b(?:dealer|plug)\s+menu\b|\bmenu\s*:\s*(?:weed|pills|coke|bud)\b|"
        r"\bwe\s+deliver\b|\bno\s+(?:age\s+check|id\s+(?:check|needed|required)|questions\s+"
        r"asked)\b|\b(?:next[- ]day|same[- ]day|fast|discreet|24/7)\s+delivery\b|\bwhere\s+to\s+"
        r"(?:pick|buy|find|get)\s+them\b",
        "dm hmu buy order prices menu deliver check needed required questions delivery where",
    ),
    # Celebrating: "molly makes every party better", "best high ever", "X is life".
    _r(
        "drugs.page_celebrating",
        "glamorised",
        rf"\b{DRUG}\s+(?:makes?|made)\s+(?:every|any|the|school|life|parties|partying|"
        r"everything)\b[^.!?\n]{0,30}\b(?:better|easier|fun|amazing)\b|\bwho's\s+(?:rolling|"
        r"tripping|getting\s+(?:high|wasted|drunk|smashed))\b|\b(?:lean|molly|weed|xans|ket|"
        r"shrooms|coke|booze|vodka|pills)\s+is\s+(?:life|bae|everything|my\s+best\s+friend)\b|"
        r"\bbest\s+(?:high|trip|drink|buzz|feeling)\s+(?:ever|of\s+my\s+life)\b|\bbest\s+"
        r"(?:drink|high)\s+ever\s+made\b|\btrip\s+vlog\b[^.!?\n]{0,40}\bbest\b|\bdrinking\s+"
        r"games?\s+for\s+(?:teens|kids|under[- ]?age|school)\b|\bdown\s+a\s+shot\s+every\b|"
        r"\b(?:getting|get)\s+(?:wasted|high|drunk|smashed|stoned)\s+(?:every\s+\w+\s+)?is\s+"
        r"what\s+being\s+(?:young|a\s+teen)\s+is\s+for\b|\bsip\s+sip\b",
        f"{DRUG_TRIGGERS} who's drink sip",
    ),
)
# On a drug page with nothing teaching, "sip sip" is lean; on a page about the dangers,
# any of it is a quotation.
DRUG_PAGE = re.compile(rf"\b{DRUG}\b")

GORE = (
    _r(
        "gore.page_shock",
        "intense",
        r"\b(?:uncensored|uncut|unblurred|no\s+blur|not\s+blurred|full\s+video|in\s+full|"
        r"compilation|caught\s+on\s+camera|close[- ]ups?\s+of|shock\s+site|gore\s+(?:channel|"
        r"site|videos?|compilation)|faces\s+of\s+death|real\s+(?:deaths?|videos?|footage)|"
        r"watch\s+(?:this|him|her|them|the|a)\b)",
        "uncensored uncut unblurred blur blurred full compilation caught close closeup closeups "
        "shock gore faces deaths death videos video footage watch",
    ),
)
GORY = re.compile(
    r"\b(?:bod(?:y|ies)|corpses?|dead|deaths?|dying|killed|execution|beheading|decapitat\w+|"
    r"injur(?:y|ies)|fractures?|crushed|mangled|torture|blood|bloody|gruesome|gory|guts|"
    r"dismember\w*|accident\s+footage|murder|suicide\s+video|🩸)"
)

STUNTS = (
    # After a challenge's name, an instruction to the reader: "Fire challenge: set yourself
    # alight", "film it and tag us", "who's brave enough?", "winner gets the crown".
    _r(
        "dangerous_stunts.page_urging",
        "encouraged",
        r"\b(?:film|record|video)\s+(?:it|yourself|what\s+you|your|the\s+whole)\b|\b(?:who's|who\s+is)\s+(?:next|in|up\s+for\s+it)\b|\byour\s+turn\b|"
        r"\btry\s+it\b|\bchallenge\s+accepted\b|\btag\s+(?:us|"
        r"\w+\s+friends?|your\s+friends?|a\s+friend|three|two|\d)\b|\bwho's\s+brave\s+enough\b|"
        r"\bwho\s+can\s+(?:go|last|hold)\s+(?:the\s+)?longest\b|\bwinner\s+gets\b|\bon\s+camera\b|"
        r"\bpost\s+(?:proof|your\s+(?:video|attempt|clip))\b|\bno\s+helmet\b|\bno\s+spotter\b|"
        r"\bbest\s+views\b|\bdodge\s+the\s+(?:cars|traffic|trains?)\b|\b(?:ride|cycle|run|skate)\s+"
        r"(?:your\s+\w+\s+)?into\s+(?:the\s+)?traffic\b|\bset\s+yourself\s+(?:alight|on\s+fire)\b|"
        r"\btake\s+loads\s+at\s+once\b|\bkick\s+(?:your\s+)?(?:friend's|their|his|her)\s+legs\b|"
        r"\b(?:hold|holding)\s+your\s+breath\s+until\b",
        "film record video tag who's turn try accepted winner camera proof attempt clip helmet "
        "spotter views dodge traffic alight fire loads legs hold holding longest",
    ),
)
# A stunt page: a named dangerous challenge (risks.CHALLENGE) or a dangerous act. An
# ordinary challenge ("reading challenge: tag a friend") urges nothing harmful.
STUNT_PAGE = re.compile(
    rf"{CHALLENGE}|\b(?:train|car|bus|tube|lorry)\s+(?:surfing|roof)\b|\binto\s+(?:the\s+)?"
    r"traffic\b|\b(?:roofs?|rooftops?|cliffs?|bridges?|balcon(?:y|ies)|railway|tracks)\b|"
    r"\bpass\s+out\b|\bblack\s+out\b|\bwithout\s+(?:breathing|water|a\s+helmet)\b|"
    r"\b(?:alight|on\s+fire|bleach|lighter\s+fluid|petrol|choke|choking|strangl\w*|"
    r"overdose|take\s+loads|swallow|inhale|huff\w*|sniff\w*)\b"
)

SEXUAL = (
    _r(
        "sexual.page_adult",
        "explicit",
        r"\b(?:sexually\s+explicit|explicit\s+(?:erotic|sexual|adult)|graphic\s+sexual|"
        r"explicit\s+(?:content|material|videos?|stories|photos))\b|\b(?:must\s+be|only\s+if\s+"
        r"you(?:'re|\s+are)|over)\s+18\s+(?:or\s+(?:over|older)\s+)?to\s+(?:enter|view|continue|"
        r"watch)\b|\badults\s+only\b|\benter\s+or\s+leave\b|\buncensored\s+(?:nudes|hentai|"
        r"content|pics|videos)\b|\bfree\s+(?:adult\s+|sex\s+|live\s+)?cams?\b|\bhot\s+singles\b|"
        r"\bhorny\s+singles\b|\bmeet\s+for\s+sex\b|\bnaked\s+cam\b|\bnsfw\s+(?:content|pics|"
        r"videos|server|link)\b",
        "sexually explicit graphic 18 adults leave uncensored cam cams singles sex naked nsfw",
    ),
)
# An adult page says so: the age gate or the content is sexual.
SEXUAL_PAGE = re.compile(
    r"\b(?:enter\s+or\s+leave|sex\w*|xxx|porn\w*|nudes?|naked|nsfw|erotic\w*|hentai|adult|cams?|explicit|"
    r"horny|singles|18\+|over\s+18)\b|🔞"
)

RULES: tuple[Rule, ...] = SELF_HARM + EATING + HATE + DRUGS + GORE + STUNTS + SEXUAL
GROUP_WORD = re.compile(rf"\b{GROUP}\b")
SEX_EDUCATION = re.compile(
    r"\b(?:educat\w+|consent|puberty|contracepti\w+|relationships|health|myths?|"
    r"unrealistic|talk\s+to|parents?|research|effects?|age\s+verification|law)\b"
)


def signals(text: Text) -> list[Found]:
    hits = find(RULES, text)
    if not hits:
        return []
    norm = text.norm
    if _protective(norm):
        return []
    # What the whole page says, asked once per page, not once per hit: a page of
    # thousands of hits would otherwise search its whole text thousands of times.
    page: dict[str, bool] = {}

    def says(name: str, pattern) -> bool:
        if name not in page:
            page[name] = bool(pattern.search(norm))
        return page[name]

    found = []
    for hit in hits:
        kind = hit.rule.kind
        if kind == "hate.page_call" and not (
            says("group", GROUP_WORD) or says("recruiting", RECRUITING)
        ):
            continue
        if kind.startswith("drugs.page") and not says("drugs", DRUG_PAGE):
            continue
        if kind == "gore.page_shock" and not says("gory", GORY):
            continue
        if kind == "dangerous_stunts.page_urging" and not says("stunt", STUNT_PAGE):
            continue
        if kind == "sexual.page_adult" and (
            not says("sexual", SEXUAL_PAGE) or says("sex education", SEX_EDUCATION)
        ):
            continue
        found.append(hit.found())
    return found


def _protective(norm: str) -> bool:
    """Whether the page teaches, supports, reports or remembers (see the module's note)."""
    cleaned = AGAINST_HELP.sub(" ", norm) if AGAINST_HELP.search(norm) else norm
    return bool(PROTECTIVE.search(cleaned))
