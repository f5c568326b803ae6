"""Drugs and alcohol, gambling, and dangerous stunts and challenges.

Drugs: education and harm reduction (effects, risks, how to quit, what to do in an
emergency) when the text teaches about a substance it names; "glamorised" when it
celebrates getting high or drunk, or says where to buy; otherwise a plain reference.
Gambling: real money, simulated (loot boxes, packs, social casinos) or a reference;
a sentence about problem gambling and its support is a reference, not an advert.
Stunts: a named dangerous challenge is "depicted", and "encouraged" when the sentence
invites someone to do it rather than warns about it.
"""

from haven.access.signals.rules import Found, Rule, find, rule
from haven.access.signals.self_harm import on_topic
from haven.access.signals.text import Text

SUBSTANCE = (
    r"(?:weed|cannabis|marijuana|thc|vapes?|vaping|e-?cigs?|e-?cigarettes?|nicotine|cigarettes?|"
    r"cigs|ciggies?|tobacco|smoking|alcohol|booze|vodka|beer|cider|alcopops|drinking|drunk|"
    r"hungover|hangover|cocaine|"
    r"heroin|mdma|ecstasy|xanax|xans|ketamine|ket|lsd|shrooms|magic\s+mushrooms|meth|nitrous\s+"
    r"oxide|laughing\s+gas|nos|codeine|fentanyl|opioids?|edibles|spliffs?|blunts?|bongs?|benzos|"
    r"oxycodone|oxycontin|percocet|percs|adderall|drugs?|snus|solvents|poppers)"
)
SUBSTANCE_TRIGGERS = (
    "weed cannabis marijuana thc vape vapes vaping cig ecig ecigs "
    "nicotine cigarette cigarettes cigs ciggie ciggies tobacco smoking alcohol booze "
    "vodka beer cider alcopops drinking drunk hungover hangover cocaine heroin mdma ecstasy xanax "
    "xans ketamine ket lsd shrooms magic meth nitrous nos codeine fentanyl opioid opioids edibles "
    "spliff spliffs blunt blunts bong bongs benzos oxycodone oxycontin percocet percs adderall "
    "drug drugs snus solvents poppers"
)
HIGH = (
    r"(?:wasted|high|drunk|smashed|hammered|stoned|faded|trashed|blazed|baked|fucked\s+up|mashed|"
    r"munted|off\s+(?:my|your|our|their)\s+(?:face|head|tits)|lit)"
)

DRUGS = (
    rule(
        "drugs.education",
        "education",
        r"\b(?:effects|risks|dangers|harms|affects?|affecting)\b|\b(?:effect|risk|danger|"
        r"harm)\s+of\b|\bharm\s+reduction\b|\b(?:mental\s+health|memory|psychosis|paranoia)\b|"
        rf"\bwhat\s+(?:is|are)\s+{SUBSTANCE}\b|"
        r"\bdrug\s+(?:education|awareness|safety|and\s+alcohol\s+(?:education|services|support))\b|"
        r"\btalk\s?to\s?frank\b|\b(?:drugwise|withdrawal|naloxone|rehab|recovery|addictive|"
        r"addiction|lungs?|liver)\b|\b(?:quit|quitting|stop|stopping|give\s+up|giving\s+up|cut\s+"
        r"down\s+on)\s+(?:smoking|vaping|drinking)\b|\boverdose\s+(?:signs|symptoms)\b|"
        r"\bsigns\s+of\s+"
        r"(?:an\s+)?overdose\b|\bunits\s+of\s+alcohol\b|\blegal\s+age\b|\bpeer\s+pressure\b|"
        r"\bcall\s+"
        r"(?:999|111|911)\b|\bdrink[- ]driving\b|\bbrain\s+development\b|\bhealth\s+risks\b|"
        rf"\b(?:is|are)\s+{SUBSTANCE}\s+(?:bad|harmful|dangerous|safe|addictive|legal)\b|"
        rf"\bthe\s+law\s+"
        r"on\b|\billegal\s+to\b|\bit's\s+illegal\b|\byoung\s+people's\s+(?:health|brains)\b",
        "effect effects risk risks danger dangers harm harms side drug frank talktofrank drugwise "
        "addiction addictive smoking vaping drinking overdose units legal peer pressure "
        "withdrawal naloxone rehab recovery 999 111 911 drink driving brain bad "
        "harmful dangerous safe lung lungs liver law illegal health brains affect affects "
        "affecting mental memory psychosis paranoia what",
    ),
    rule(
        "drugs.glamorised",
        "glamorised",
        rf"\b(?:getting|get|got|being)\s+(?:so\s+|super\s+|really\s+|proper\s+)?{HIGH}\b"
        r"[^.!?\n]{0,20}?\s(?:is|was)\s+(?:a\s+)?(?:rite\s+of\s+passage|"
        r"the\s+best|amazing|so\s+fun|fun|lit|awesome|sick|the\s+only\s+way|everything|great|"
        r"class|mint|the\s+vibe|a\s+vibe|elite|worth\s+it|worth\s+the\s+risk)\b",
        "wasted high drunk smashed hammered stoned faded trashed blazed baked fucked mashed "
        "munted off lit",
    ),
    rule(
        "drugs.glamorised",
        "glamorised",
        r"\b(?:let's|lets|want\s+to|who\s+wants\s+to|time\s+to|we're\s+going\s+to|i'm\s+going\s+to|"
        r"trying\s+to|can't\s+wait\s+to)\s+(?:go\s+)?(?:get\s+)?(?:so\s+|super\s+|"
        r"proper\s+)?(?:high|"
        r"wasted|drunk|smashed|hammered|stoned|faded|blazed|baked|trashed|fucked\s+up|mashed|"
        r"munted|"
        r"smoke\s+(?:weed|a\s+joint|some)|roll\s+a\s+joint|do\s+(?:drugs|coke|lines|mdma|ket|"
        r"shrooms))\b",
        "high wasted drunk smashed hammered stoned faded blazed baked trashed fucked mashed "
        "munted smoke roll drugs coke lines mdma ket shrooms",
        unless=r"\b(?:not|never|don't|won't|shouldn't|dangerous|worried|scared)\b",
    ),
    rule(
        "drugs.where_to_buy",
        "glamorised",
        r"\b(?:where|how)\s+(?:can\s+i|do\s+i|to|do\s+you|can\s+you|could\s+i|can\s+we)\s+(?:buy|"
        r"get|"
        r"find|score|cop|order|grab)\s+(?:some\s+)?(?:weed|cannabis|vapes?|coke|cocaine|mdma|pills|"
        r"xans|xanax|ket|ketamine|lsd|shrooms|edibles|carts|thc|drugs|booze|alcohol|vodka|nos|"
        r"nitrous|lean|dabs|acid|fake\s+id)\b(?!\s+(?:help|support|advice|treatment)\b)",
        "weed cannabis vape vapes coke cocaine mdma pills xans xanax ket ketamine lsd shrooms "
        "edibles carts thc drugs booze alcohol vodka nos nitrous lean dabs acid fake",
    ),
    rule(
        "drugs.where_to_buy",
        "glamorised",
        r"\b(?:dm|message|hmu|hit\s+me\s+up|text\s+me)\s+(?:me\s+)?(?:for|4)\s+(?:weed|carts|pills|"
        r"plugs?|bud|gas|za|xans|coke|ket|vapes|the\s+menu)\b|\b(?:selling|got)\s+(?:weed|carts|"
        r"pills|xans|coke|ket|mdma|edibles|vapes|bud)\s+(?:for\s+sale|cheap|£|\$|dm|hmu|\d)|"
        r"\b(?:plug|"
        r"dealer)\s+(?:near\s+me|dm|hmu|here)\b|\b(?:buy|order)\s+(?:weed|cannabis|cocaine|mdma|"
        r"xanax|"
        r"ketamine|lsd|shrooms|edibles|vapes|carts)\s+(?:online|here|now|cheap|today|with\s+crypto|"
        r"discreet\w*)\b",
        "weed carts pills plug plugs bud gas za xans coke ket vapes menu mdma edibles dealer "
        "cannabis cocaine xanax ketamine lsd shrooms",
    ),
    rule(
        "drugs.glamorised",
        "glamorised",
        r"\b(?:guide|tips|how)\s+to\s+(?:getting|get)\s+(?:high|drunk|wasted|stoned|smashed|"
        r"hammered|faded|blazed|baked|trashed)\b|\b(?:vape|smoke)\s+tricks\b|\b(?:vapes?|weed|"
        r"pills|"
        r"xans|carts|edibles|booze|alcohol)\b[^.!?\n]{0,40}\bwhere\s+to\s+(?:buy|get|cop|score)\b|"
        r"\b(?:best|strongest|favourite|fave|top)\s+(?:\w+\s+){0,2}(?:weed|strains?|buzz|trip|"
        r"pills|"
        r"vapes|edibles|carts|highs?)\b|\bhow\s+to\s+(?:roll|smoke|grow|cook|snort|make)\s+(?:a\s+|"
        r"the\s+|your\s+)?(?:perfect\s+|own\s+)?(?:joints?|blunts?|spliffs?|weed|cannabis|coke|"
        r"lines?|"
        r"bongs?|edibles|meth|lean)\b|\b(?:pills|weed|xans|carts|vapes|edibles|mdma|coke|bud)\s+"
        r"(?:delivered|for\s+sale|available\s+now|in\s+stock|shipped)\b|\b(?:delivered|shipped)\s+"
        r"discreetly\b",
        "best strongest favourite fave top roll smoke grow cook snort make delivered shipped sale "
        "stock discreetly guide tips how tricks where",
        unless=r"\b(?:not|never|danger\w*|risks?|harm\w*|illegal|police|arrested|warn\w*)\b",
    ),
    rule(
        "drugs.glamorised",
        "glamorised",
        rf"\b{SUBSTANCE}\s+(?:makes?|made)\s+(?:\w+\s+){{0,3}}(?:amazing|better|fun|"
        rf"so\s+much\s+better|"
        r"the\s+best|lit|awesome|epic)\b",
        SUBSTANCE_TRIGGERS,
        unless=r"\b(?:not|never|doesn't|don't|myth)\b",
    ),
    rule(
        "drugs.glamorised",
        "glamorised",
        r"\b(?:weed|drugs|alcohol|vaping|vapes|booze|getting\s+high|mdma|coke|cocaine|ket|shrooms|"
        r"lsd|xans|edibles)\s+(?:is|are)\s+(?:so\s+|literally\s+)?(?:amazing|the\s+best|awesome|"
        r"good|harmless|fun|life|great|lit|totally\s+safe|elite|a\s+vibe)\b|\bblaze\s+it\b|"
        r"\bwake\s+and\s+bake\b|\bhow\s+(?:to|do\s+i|can\s+i)\s+(?:hide|hiding)\s+(?:my\s+|a\s+|"
        r"the\s+)?"
        r"(?:vape|vaping|weed|smell\s+of\s+weed|alcohol|drinking|being\s+high)\s+from\s+(?:my\s+)?"
        r"(?:parents|mum|mom|dad|teachers?)|\bhow\s+to\s+pass\s+a\s+drug\s+test\b",
        "weed drugs alcohol vaping vapes vape booze high mdma coke cocaine ket shrooms lsd xans "
        "edibles 420 blaze bake drinking test",
        unless=r"\b(?:not|isn't|aren't|myth|never)\b",
    ),
    rule(
        "drugs.mention",
        "references",
        rf"\b{SUBSTANCE}\b|\b(?:get|getting|got)\s+(?:high|drunk|stoned|wasted)\b|\b(?:smoke|"
        r"roll|rolling|smoking)\s+a\s+joint\b|\bline\s+of\s+coke\b",
        f"{SUBSTANCE_TRIGGERS} high drunk stoned wasted joint coke",
        unless=r"\b(?:smoking\s+(?:gun|hot)|no\s+smoking|drinking\s+(?:water|fountain|milk|juice|"
        r"tea|enough)|ginger\s+beer|root\s+beer|high\s+(?:school|five|scores?|marks|grades)|"
        r"hash\s+browns?)\b",
    ),
)

SUPPORT = (
    r"\b(?:gamcare|gambleaware|gamstop|problem\s+gambling|gambling\s+(?:addiction|harms?|"
    r"disorder|support|problems?|helpline)|self-exclusion|quit\s+gambling|stop\s+gambling|"
    r"helpline|support|recovery|risks?|dangers?|warning|ban|banned|law|laws|research|study)\b"
)
GAMBLING = (
    rule(
        "gambling.real_money",
        "real_money",
        r"\b(?:online\s+casinos?|online\s+slots|sportsbooks?|bookies|bookmakers?|bet365|ladbrokes|"
        r"betfair|betway|draftkings|fanduel|accumulators?|acca|blackjack|skin\s+gambling)\b|"
        r"\bcasino\s+"
        r"(?:bonus|sites?|online)\b|\bcrypto\s+casinos?\b|\bbetting\s+(?:sites?|apps?|odds|tips|"
        r"accounts?)\b|\bslot\s+machines?\b|\breal\s+money\b|\bdeposit\s+(?:£|\$|€|\d+|now|bonus)|"
        r"\bfree\s+bets?\b|\b(?:place|placing|put|putting)\s+(?:a\s+)?bets?\b|\b(?:bet|betting|"
        r"wager\w*)\s+(?:£|\$|€|\d+|real\s+money|money)|\bpaddy\s+power\b|\bwilliam\s+hill\b|"
        r"\bsky\s?"
        r"bet\b|\bstake\.com\b|\bscratch\s?cards?\b|\blottery\s+tickets?\b|\bin-play\s+betting\b|"
        r"\bwin\s+(?:real\s+)?cash\b|\broulette\s+(?:wheel|table|online)\b|\bplay(?:ing)?\s+"
        r"(?:roulette|blackjack|slots)\b|\bpoker\s+(?:online|tournaments?|site)\b|"
        r"\bcase\s+opening\s+sites?\b",
        "casino casinos sportsbook sportsbooks betting bookies bookmaker bookmakers slot slots "
        "money deposit bet bets wager wagers wagering bet365 paddy william ladbrokes betfair "
        "skybet sky betway stake draftkings fanduel scratch scratchcard scratchcards lottery "
        "accumulator accumulators acca cash roulette blackjack poker gambling opening",
        unless=SUPPORT,
    ),
    rule(
        "gambling.simulated",
        "simulated",
        r"\b(?:loot\s?box(?:es)?|gacha|card\s+packs?|fifa\s+points|fut\s+packs?|ultimate\s+team\s+"
        r"packs?|pack\s+openings?|spin\s+the\s+wheel|social\s+casinos?|coin\s+pushers?|"
        r"free\s+spins|daily\s+spins?|virtual\s+(?:coins|chips)|in-game\s+casino)\b",
        "loot lootbox lootboxes gacha pack packs fifa fut wheel casino casinos pusher pushers "
        "spins spin virtual",
    ),
    rule(
        "gambling.references",
        "references",
        r"\b(?:gambl\w+|betting|casinos?|bookies|poker|gamcare|gambleaware|gamstop)\b",
        "gamble gambling gambler gamblers gambled betting casino casinos bookies poker gamcare "
        "gambleaware gamstop",
    ),
)

CHALLENGE = (
    r"\b(?:blackout|choking|pass[- ]?out|skull[- ]?breaker|tide\s+pod|benadryl|fire|salt\s+and\s+"
    r"ice|ice\s+and\s+salt|cinnamon|milk\s+crate|crate|kia|nyquil\s+chicken|sleepy\s+chicken|one\s+"
    r"chip|hot\s+chip|outlet|penny|bird\s+box|kiki|eraser|hot\s+water|boiling\s+water|chroming|"
    r"super\s?glue|orbeez|devious\s+lick|dry\s+scoop(?:ing)?|paracetamol|scarf|fainting|knockout|"
    r"deodorant|aerosol|jumping|hold\s+your\s+breath)\s+challenge\b|\b(?:choking|fainting|"
    r"pass[- ]?out|scarf)\s+game\b|\b(?:car|train|subway|tube|bus)\s+surfing\b|"
    r"\b(?:roof\s?-?topping|buildering|chroming|russian\s+roulette|tombstoning)\b|"
    r"\bhuffing\s+(?:deodorant|aerosols?|"
    r"glue|gas)\b|\bsniffing\s+(?:glue|deodorant|aerosols?|gas|petrol)\b|\b(?:hold|holding)\s+"
    r"(?:your|my)\s+breath\s+(?:until|till)\s+(?:you|i)\s+(?:pass\s+out|faint|black\s+out)\b|"
    r"\b(?:lie|lying|lay)\s+(?:down\s+)?(?:on|across)\s+(?:the\s+)?(?:railway|tracks|train\s+"
    r"tracks)\b|\bplay(?:ing)?\s+chicken\s+(?:on|with)\s+(?:the\s+)?(?:road|trains?|traffic)\b"
)
CHALLENGE_TRIGGERS = (
    "challenge surfing rooftopping roof topping buildering chroming huffing sniffing breath "
    "roulette tombstoning railway tracks chicken choking fainting scarf"
)
ENCOURAGE = (
    r"\b(?:try|do|doing|let's\s+do|let's\s+try|you\s+should\s+(?:do|try)|dare\s+you\s+to|"
    r"i\s+dare\s+"
    r"you\s+to|who's\s+doing|join|take|who\s+wants\s+to\s+(?:do|try)|how\s+to\s+(?:do|win|beat)|"
    r"tutorial\s+(?:for|on)|tag\s+\w+\s+to\s+do|nominate\s+\w+\s+(?:for|to\s+do)|did\s+the|doing\s+"
    r"the|i\s+did\s+the|just\s+did\s+the|try\s+the|post\s+your(?:\s+best)?|film\s+your(?:self)?|"
    r"show\s+us\s+your)\s+(?:the\s+)?$"
)
WARNING = (
    r"\b(?:don't|never|warn\w*|dangers?|dangerous|died|dies|death|deaths|hospital\w*|parents|"
    r"police|banned|killed|deadly|risks?|please\s+don't|not|stop|injur\w+|seizures?|brain\s+"
    r"damage|news|reported|report)\b"
)
STUNTS = (
    rule(
        "dangerous_stunts.encouraged",
        "encouraged",
        CHALLENGE,
        CHALLENGE_TRIGGERS,
        only_after=ENCOURAGE,
        unless=WARNING,
    ),
    rule(
        "dangerous_stunts.encouraged",
        "encouraged",
        r"\bdare\s+(?:you|ya)\s+to\s+(?:jump\s+(?:off|from)|drink\s+(?:bleach|a\s+whole|"
        r"the\s+whole)|eat\s+(?:a\s+)?(?:tide\s+pod|laundry|soap)|swallow|climb\s+(?:the|onto|up)|"
        r"lick\s+"
        r"(?:the\s+)?(?:socket|battery)|hold\s+your\s+breath|run\s+across\s+(?:the\s+)?(?:road|"
        r"motorway|tracks)|lie\s+(?:on|down\s+on))\b",
        "dare",
    ),
    # After the name: "subway surfing tips", "the tide pod challenge: who's brave enough?"
    rule(
        "dangerous_stunts.encouraged",
        "encouraged",
        r"\b(?:tips|tricks|tutorial|guide|how\s+to|who's\s+(?:brave|in|next|up\s+for\s+it)|"
        r"try\s+it|"
        r"your\s+turn|challenge\s+accepted|brave\s+enough|tag\s+(?:a|your|\d+)\s+friends?)\b",
        "tips tricks tutorial guide how who's try turn accepted brave tag",
        only_after=rf"(?:{CHALLENGE})[^.!?\n]{{0,20}}$",
        unless=WARNING,
    ),
    rule(
        "dangerous_stunts.encouraged",
        "encouraged",
        r"\bchallenge\s+(?:your\s+)?(?:friends?|mates|someone|a\s+friend|"
        r"each\s+other)\s+to\s+(?:eat|swallow|drink|jump|hold|choke|lick|inhale|try|sniff|huff)\b",
        "challenge",
        unless=WARNING,
    ),
    # An instruction: "Hold your breath until you pass out."
    rule(
        "dangerous_stunts.encouraged",
        "encouraged",
        r"\bhold\s+your\s+breath\s+(?:until|till)\s+you\s+(?:pass\s+out|faint|black\s+out)\b",
        "breath",
        only_after=r"^\s*(?:just\s+|now\s+|then\s+)?$",
        unless=WARNING,
    ),
    rule("dangerous_stunts.depicted", "depicted", CHALLENGE, CHALLENGE_TRIGGERS),
)

DRUGS_SUBJECT = tuple(r for r in DRUGS if r.level != "education")
DRUGS_EDUCATION = tuple(r for r in DRUGS if r.level == "education")
RULES: tuple[Rule, ...] = DRUGS + GAMBLING + STUNTS


def signals(text: Text) -> list[Found]:
    found = on_topic(DRUGS_SUBJECT, DRUGS_EDUCATION, text)
    hits = find(GAMBLING + STUNTS, text)
    real = any(hit.rule.level in ("real_money", "simulated") for hit in hits)
    found.extend(
        hit.found() for hit in hits if not (real and hit.rule.kind == "gambling.references")
    )
    return found
