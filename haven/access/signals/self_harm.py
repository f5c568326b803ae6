"""Self-harm and suicide: a child's own words of intent, instructions, encouragement,
recovery and support, and discussion (news, awareness).

Intent is first person and present, said outright ("I want to kill myself", "kms fr")
or quietly ("nobody would miss me", "they'd be better off without me", giving things
away, farewells). Not intent: idioms ("this homework is killing me", "dying of
laughter"), the stock hyperboles said laughing or about something trivial ("kms 😂",
"if I have to hear that song again I'll kill myself"), the past ("I used to want to
die"), denials ("I would never hurt myself"), and reported words ("he told me to kill
myself": a child asking for help). Laughter does not cancel the quiet forms: children
mask them with "lol". Recovery words (helplines, "6 months clean", "how do I help a
friend who…") count only when the text is about self-harm, and then a bare mention of
self-harm is recovery and support rather than discussion.
"""

from haven.access.signals.lexicon import LAUGHTER, NEGATED, NUMBER_WORDS, PAST, REPORTED
from haven.access.signals.rules import Found, Rule, find, rule
from haven.access.signals.text import Text

NOT_INTENT_AFTER = rf"{NEGATED}|{REPORTED}"
ACCIDENT = (
    r"\b(?:by\s+accident|accidentally|on\s+(?:a|the|some|my)\s|shaving|cooking|chopping|peeling|"
    r"slipped|fell|tripped|playing|at\s+(?:football|rugby|pe|training|practice|the\s+park)|in\s+"
    r"(?:pe|the\s+kitchen|a\s+match)|a\s+(?:slice|piece)|some\s+(?:cake|bread|pizza)|paper\s+cut)\b"
)
TRIVIAL = (
    r"\b(?:homework|maths|math|exam|exams|test|tests|quiz|teacher|lesson|class|song|game|match|"
    r"cringe|cringy|cringey|embarrass\w*|awkward|bored|boring|queue|traffic|wifi|episode|"
    r"the\s+ending|"
    r"spoiler|my\s+(?:mum|mom|dad|parents?)\s+(?:is|are|will)\s+(?:going\s+to\s+)?kill|rather\b.*"
    r"\bthan|if\s+i\s+(?:have|had)\s+to|if\s+(?:i\s+)?(?:hear|see)\s+that)\b"
)
# The stock hyperboles ("kms", "I want to die") are not intent when said laughing or
# about something trivial.
HYPERBOLE = rf"{PAST}|{LAUGHTER}|{TRIVIAL}"
I_WILL = (
    r"(?:i'll|ill|i\s+will|i'm\s+going\s+to|i\s+am\s+going\s+to|i'm\s+about\s+to|i\s+might|i\s+"
    r"want\s+to|i\s+need\s+to|i\s+plan\s+to|i'm\s+planning\s+to|i'm\s+ready\s+to|i\s+feel\s+"
    r"like|i\s+should\s+just|i\s+just\s+want\s+to|i\s+really\s+want\s+to|i\s+think\s+i'll|"
    r"i'm\s+thinking\s+(?:about|of)|i\s+have\s+the\s+urge\s+to|i\s+keep\s+thinking\s+about)"
)
STOP_AFTER = r"(?=\s*(?:[.!?,;:]|$|and\b|but\b|because\b|so\b|i\b|any\s?more|like\s+this|now\b))"
# The writer speaking: at the start of a sentence or after "I", with fillers.
MY_OWN = (
    r"(?:^|\bi|[,;:\-]|\b(?:and|but|so|tbh|honestly|just|lowkey|ngl))\s*(?:(?:just|really|"
    r"honestly|literally|actually|seriously|kind\s+of|kinda|sometimes|still|genuinely|truly|"
    r"lowkey|highkey|deadass|so|rn|tbh|ngl|think\s+i|feel\s+like\s+i)\s+)*$"
)
GONE_ORDINARY = (
    r"\b(?:holiday|moving|camp|trip|away|abroad|university|uni|school\s+trip|sick|ill|dentist|"
    r"doctor|hospital\s+appointment|visiting|gran's|nan's|dad's|mum's|new\s+school)\b"
)


def _intent(pattern: str, triggers: str, unless: str = PAST, **context) -> Rule:
    context.setdefault("not_after", NOT_INTENT_AFTER)
    return rule("self_harm.intent", "intent", pattern, triggers, unless=unless, **context)


INTENT: tuple[Rule, ...] = (
    _intent(
        r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|hang|hanging|drown|drowning|"
        r"poison|poisoning|shoot|shooting|stab|stabbing|burn|burning|suffocate|suffocating|off|"
        r"offing|end|ending|starve|starving)\s+(?:myself|my\s?self)\b",
        "myself self",
        unless=rf"{HYPERBOLE}|{ACCIDENT}",
    ),
    _intent(r"\b(?:end|take|ending|taking)\s+my\s+(?:own\s+)?life\b", "life", unless=HYPERBOLE),
    _intent(
        r"\bend\s+it\s+all\b|\bend\s+(?:it|everything)\s+(?:tonight|today|for\s+good|once\s+and\s+"
        r"for\s+all)\b|\bwant\s+(?:it|everything|it\s+all|the\s+pain|life)\s+to\s+(?:stop|end)\s+"
        r"(?:forever|for\s+good|permanently|now)\b",
        "end stop",
        unless=HYPERBOLE,
    ),
    _intent(
        r"\b(?:want|need|wish|would\s+like)\s+(?:to|2)\s+(?:die|be\s+dead|disappear\s+(?:forever|"
        r"for\s+good)|not\s+(?:exist|be\s+alive|wake\s+up|be\s+here)|never\s+wake\s+up|stop\s+"
        r"existing|sleep\s+forever)\b(?!\s+(?:of|from|laughing|on\s+(?:stage|camera)|in\s+(?:a\s+"
        r"game|minecraft|fortnite)|for\s+(?!real\b))\b)",
        "die dead disappear exist alive wake existing forever here",
        unless=HYPERBOLE,
        only_after=MY_OWN,
    ),
    _intent(
        r"\bi\s+wish\s+i\s+(?:was|were|'d\s+been|had\s+been)\s+dead\b|\bi\s+wish\s+i\s+(?:had\s+)?"
        r"never\s+(?:been\s+born|existed|woken\s+up)\b|\bi\s+wish\s+i\s+could\s+(?:just\s+)?"
        r"(?:die|disappear|not\s+exist|stop\s+existing|sleep\s+forever|not\s+wake\s+up)\b",
        "wish",
        unless=HYPERBOLE,
    ),
    _intent(
        r"\bi\s+(?:really\s+|just\s+|honestly\s+)?(?:don't|do\s+not)\s+want\s+to\s+(?:be\s+"
        r"(?:here|alive|around)\s+(?:any\s?more|on\s+this\s+earth|in\s+this\s+world|much\s+"
        r"longer)|be\s+alive|exist|live|wake\s+up\s+(?:again|any\s?more|ever|tomorrow|in\s+the\s+"
        r"morning)|go\s+on|keep\s+"
        rf"(?:going|living)){STOP_AFTER}",
        "want",
    ),
    _intent(
        r"\b(?:are|'re|would\s+be|will\s+be|'d\s+be|be)\s+(?:so\s+much\s+|much\s+|all\s+|"
        r"a\s+lot\s+)?"
        r"better\s+off\s+without\s+me\b|\b(?:would|'d|will)\s+(?:all\s+)?be\s+(?:so\s+much\s+|"
        r"much\s+|"
        r"a\s+lot\s+)?(?:happier|better(?:\s+off)?|fine|relieved|easier)\s+(?:if\s+i\s+(?:was|were|"
        r"wasn't|weren't|just\s+"
        r"wasn't|just\s+weren't|died|disappeared|was\s+gone|was\s+dead|wasn't\s+around)|without\s+"
        r"me)\b",
        "better happier fine relieved easier",
    ),
    _intent(
        r"\b(?:nobody|no\s?one)\s+(?:would|will|'d|even)\s+(?:even\s+)?(?:miss|notice|care\s+if|"
        r"cry\s+if|care\s+when)\s+(?:me|i|i'm)\b|\b(?:nobody|no\s?one)\s+(?:would|will|'d)\s+"
        r"(?:even\s+)?(?:care|notice)(?=\s*(?:[.!?,]|$|if\b|lol|tbh|anyway|honestly))",
        "miss notice care cry",
    ),
    _intent(
        r"\b(?:nobody|no\s?one)\s+(?:would\s+|will\s+|even\s+)?cares?\s+if\s+i\s+(?:die|died|was\s+"
        r"gone|disappeared|wasn't\s+here)\b|\bif\s+i\s+(?:wasn't|weren't|was\s+not|were\s+not|"
        r"was\s+"
        r"gone|was\s+dead|didn't\s+exist)\s*(?:here|around|alive|born)?\s*,?\s+(?:[\w']+\s+){0,4}"
        r"(?:would|wouldn't|'d)\b",
        "care cares wasn't weren't gone dead exist",
        unless=rf"{PAST}|{GONE_ORDINARY}",
    ),
    _intent(
        r"\bi'?m\s+(?:just\s+|such\s+)?a\s+burden\b|\bi\s+(?:shouldn't|should\s+not)\s+(?:be\s+"
        r"alive|exist|have\s+been\s+born)\b|\bi\s+should\s+(?:just\s+)?die\b|\b(?:stop|stopped)\s+"
        r"being\s+(?:everyone's|a|your|their|my\s+\w+'s)\s+(?:problem|burden)\b|\bi\s+won't\s+be\s+"
        r"(?:a\s+problem|a\s+burden|in\s+(?:the|your)\s+way|bothering\s+(?:you|"
        r"anyone))\s+(?:for\s+)?"
        r"(?:much\s+)?(?:longer|soon|any\s?more)\b|\bsorry\s+for\s+being\s+(?:a\s+burden|"
        r"such\s+a\s+burden|born|alive)\b",
        "burden alive exist born die problem bothering",
    ),
    _intent(
        r"\b(?:i'm|i\s+am|i\s+feel|i've\s+been|i\s+have\s+been|been\s+feeling)\s+(?:feeling\s+|"
        r"so\s+|really\s+|very\s+|kind\s+of\s+|quite\s+|pretty\s+)?suicidal\b",
        "suicidal",
    ),
    _intent(
        r"\bi(?:'ve|\s+have|\s+keep|'m|\s+am)\s+(?:been\s+)?(?:having|got|getting|thinking)\s+"
        r"(?:suicidal\s+thoughts|thoughts\s+(?:of|about)\s+(?:suicide|dying|ending\s+it|killing\s+"
        r"myself))\b",
        "suicidal suicide dying ending killing",
    ),
    _intent(rf"\b{I_WILL}\s+(?:\w+\s+)?(?:commit|attempt|try)\s+suicide\b", "suicide"),
    _intent(
        r"\b(?:my|a)\s+(?:suicide|goodbye)\s+(?:note|letter)\b|\bthis\s+is\s+my\s+(?:last|final)\s+"
        r"(?:message|post|text|goodbye)\b|\b(?:goodbye|bye)\s+(?:forever|world|cruel\s+world)\b|"
        r"\bthis\s+is\s+goodbye\b|\bgoodbye\s+(?:everyone|everybody|all)\b",
        "suicide goodbye last final bye",
        unless=rf"{PAST}|{GONE_ORDINARY}|\b(?:see\s+you|leavers?|year\s+6|summer|term|"
        r"tomorrow|later|tonight|night|gn|have\s+fun|next)\b",
    ),
    _intent(
        r"\b(?:after|when)\s+i'm\s+(?:gone|dead)\b|\bi\s+won't\s+be\s+(?:here|around|alive)\s+"
        r"(?:tomorrow|much\s+longer|for\s+long|by\s+(?:tomorrow|monday|the\s+weekend)|"
        r"next\s+week)\b|"
        r"\bi(?:'m|\s+am)\s+not\s+going\s+to\s+be\s+(?:here|around|alive)\s+(?:tomorrow|"
        r"much\s+longer|"
        r"for\s+long|next\s+week|by\s+\w+|any\s?more)\b|\byou\s+won't\s+have\s+to\s+(?:deal\s+with|"
        r"put\s+up\s+with|worry\s+about)\s+me\s+(?:any\s?more|much\s+longer|for\s+long)\b|\bi\s+"
        r"(?:don't|do\s+not|can't)\s+see\s+myself\s+(?:getting\s+older|growing\s+up|being\s+alive|"
        r"living\s+(?:long|much\s+longer)|making\s+it\s+to|here\s+(?:next|in))",
        "gone dead here around alive deal worry myself",
        unless=rf"{PAST}|{GONE_ORDINARY}",
    ),
    _intent(
        r"\b(?:saved|saving|collected|collecting|stockpiled|stockpiling|hoarding|got|have|"
        r"'ve\s+got)\s+"
        r"(?:up\s+)?(?:enough\s+|all\s+)?(?:my\s+|the\s+|all\s+the\s+)?(?:pills|tablets|meds|"
        r"paracetamol)\s+(?:to|for|so|ready|saved|here|hidden)\b|\bi\s+(?:have|'ve\s+got|got)\s+"
        r"(?:the|a)\s+(?:rope|blade|razor)\s+(?:ready|here|hidden)\b",
        "pills tablets meds paracetamol rope blade razor",
    ),
    _intent(
        rf"\b{I_WILL}\s+(?:go\s+and\s+)?(?:jump\s+off\s+(?:a|the|my)\s+(?:bridge|building|roof|"
        rf"cliff|"
        r"balcony|car\s+park)|jump\s+in\s+front\s+of\s+(?:a|the)\s+(?:train|bus|car)|overdose|od|"
        r"take\s+(?:all|loads|a\s+lot|a\s+bunch|a\s+load|the\s+whole\s+box)\s+of\s+(?:my\s+|"
        r"the\s+)?(?:pills|tablets|paracetamol|meds))\b",
        "jump overdose od pills tablets paracetamol meds",
    ),
    _intent(
        r"\bi\s+(?:self[- ]?harmed|sh'd|cut|cutted|burned|burnt|hurt|relapsed)\s+(?:myself\s+)?"
        r"(?:again|last\s+night|today|tonight|yesterday|this\s+morning)\b|\bi've\s+been\s+"
        r"(?:self[- ]?harming|cutting(?:\s+myself)?(?:\s+again)?)\b|\bi\s+(?:started|have\s+"
        r"started)\s+(?:self[- ]?harming|cutting)(?:\s+again)?\b|\b(?:going\s+to|want\s+to|need\s+"
        r"to|about\s+to)\s+(?:cut|self[- ]?harm|sh)\s+(?:again|tonight|today|so\s+bad(?:ly)?)\b|"
        r"\bi\s+can't\s+stop\s+(?:cutting|self[- ]?harming|hurting\s+myself)\b",
        "self harmed harming sh'd cut cutted burned burnt hurt relapsed cutting hurting sh",
        unless=rf"{PAST}|{LAUGHTER}|{ACCIDENT}|\b(?:hair|fringe|grass|paper|onions?|veg|class|"
        r"lessons?|school|down|back)\b",
    ),
    _intent(
        r"\bi\s+(?:really\s+|just\s+)?(?:want|need|feel\s+like|have\s+the\s+urge)\s+to\s+"
        r"(?:self[- ]?harm|sh|cut)"
        r"(?=\s*(?:[.!?,]|$|again|so\s+bad|so\s+badly|tonight|deep|myself))",
        "self harm sh cut",
    ),
    _intent(
        r"\b(?:can't|cannot)\s+(?:go\s+on|keep\s+going|take\s+(?:it|this|life)\s+any\s?more|"
        r"cope\s+any\s?more|do\s+(?:this|life)\s+any\s?more)\b|\bno\s+(?:reason|point)\s+(?:to|"
        r"in)\s+"
        r"(?:live|living|being\s+alive|going\s+on|keep\s+going|carrying\s+on)\b|\blife\s+(?:isn't|"
        r"is\s+not|is\s+no\s+longer|ain't)\s+worth\s+(?:living|it)\b|\bnot\s+worth\s+living\b",
        "can't cannot reason point life worth",
        unless=rf"{HYPERBOLE}|\b(?:level|boss|team|show|wait|waiting|heat|weather)\b",
    ),
    _intent(
        r"\b(?:giving|give|gave)\s+(?:away\s+)?(?:all\s+)?my\s+(?:stuff|things|belongings|games|"
        r"clothes|skins|accounts?|pets?|collection|possessions)\s+away\b|\b(?:giving|"
        r"gave)\s+away\s+"
        r"(?:all\s+)?my\s+(?:stuff|things|belongings|possessions)\b|\b(?:gave|giving|give|given)\b"
        r"[^.!?\n]{0,60}\bi\s+won't\s+(?:need|be\s+needing|be\s+using)\s+(?:them|it|these|those|"
        r"any\s+of\s+(?:it|this|them)|my\s+\w+)",
        "giving give gave given",
        unless=rf"{PAST}|\b(?:charity|car\s+boot|sale|selling|sell|clear\s*out|moving|too\s+"
        r"small|outgrown|grew\s+out|cousin|spring\s+clean|new\s+one|upgrad\w+|bigger)\b",
    ),
)

# More of the quieter ways of saying it.
INTENT += (
    _intent(
        r"\bif\s+i'm\s+not\s+(?:here|around|alive)\s+(?:tomorrow|any\s?more|next\s+week|by\s+\w+)\b|"
        r"\bit's\s+not\s+your\s+fault\s*,?\s*(?:i\s+)?(?:love\s+you\s+)?(?:goodbye|bye)\b",
        "here around alive fault",
        unless=rf"{PAST}|{GONE_ORDINARY}",
    ),
    _intent(
        r"\b(?:want|need|going|ready|about|planning|gonna|decided)\s+to\s+end\s+it(?:\s+all)?"
        r"(?=\s*(?:[.!?,]|$|tonight|today|now|soon|for\s+good))|\bend(?:ing)?\s+it\s+all\b",
        "end ending",
        unless=HYPERBOLE,
    ),
    _intent(
        r"\b(?:i'm|i\s+am)\s+(?:so\s+|just\s+|really\s+)?(?:done\s+with\s+(?:life|living|being\s+"
        r"alive|everything)|tired\s+of\s+(?:living|life|being\s+alive)|sick\s+of\s+(?:living|"
        r"being\s+alive)|better\s+off\s+dead)\b|\bi'd\s+be\s+better\s+off\s+dead\b",
        "done tired sick better",
        unless=HYPERBOLE,
    ),
    _intent(
        r"\b(?:want|wanna|need|wish\s+i\s+could)\s+(?:to\s+)?(?:go\s+to\s+)?sleep\s+and\s+(?:never|"
        r"not)\s+"
        r"wake\s+up\b|\b(?:want|need)\s+to\s+disappear(?=\s*(?:[.!?,]|$|forever|for\s+good|from\s+"
        r"(?:everyone|this\s+world|the\s+world)))",
        "sleep disappear",
        unless=HYPERBOLE,
        only_after=MY_OWN,
    ),
    _intent(
        r"\b(?:thinking|thought|think|keep\s+thinking)\s+(?:about|of)\s+(?:jumping|throwing\s+"
        r"myself|stepping|walking)\s+(?:off|in\s+front\s+of|from|into)\b|\b(?:take|"
        r"swallow)\s+(?:all|"
        r"loads|a\s+lot|a\s+bunch|the\s+whole\s+box)\s+(?:of\s+)?(?:my\s+|the\s+)?(?:pills|tablets|"
        r"paracetamol|meds)\b",
        "jumping throwing stepping walking pills tablets paracetamol meds",
        unless=HYPERBOLE,
        only_after=r"\b(?:i|i'm|i've|keep|going\s+to|want\s+to|gonna|about\s+to)\b[^.!?\n]{0,20}$",
    ),
    _intent(
        r"\b(?:don't|do\s+not|can't|cannot)\s+see\s+(?:the|any)\s+point\s+(?:in|of)\s+(?:living|"
        r"life|being\s+alive|going\s+on|anything\s+any\s?more)\b|\bwhat(?:'s|"
        r"\s+is)\s+the\s+point\s+(?:in|"
        r"of)\s+(?:living|being\s+alive|going\s+on|me\s+being\s+here)\b",
        "point",
        unless=HYPERBOLE,
    ),
    _intent(
        r"\bi\s+(?:just\s+|really\s+)?feel\s+like\s+dying\b(?!\s+(?:of|from|laughing))|"
        r"\bi\s+(?:just\s+"
        r"|really\s+)?want\s+(?:it|it\s+all|everything)\s+to\s+(?:stop|end)(?=\s*(?:[.!?,]|$))|"
        r"\bthis\s+is\s+my\s+goodbye\b",
        "dying stop end goodbye",
        unless=HYPERBOLE,
    ),
)

INSTRUCTING = tuple(
    rule("self_harm.instructing", "instructing", pattern, triggers, unless=unless)
    for pattern, triggers, unless in (
        (
            r"\bhow\s+(?:many|much)\s+(?:\w+\s+){0,2}(?:pills|tablets|paracetamol|ibuprofen|"
            r"aspirin|"
            r"painkillers|sleeping\s+pills|mg|milligrams?|insulin|meds)\b[^.!?\n]{0,40}?\b(?:to|"
            r"would|"
            r"does\s+it\s+take\s+to|will|until|till|before)\s+(?:\w+\s+)?(?:die|kill|overdose|od|"
            r"end|not\s+wake|be\s+fatal|be\s+lethal|be\s+deadly)",
            "pills tablets paracetamol ibuprofen aspirin painkillers sleeping mg milligrams "
            "insulin meds",
            None,
        ),
        (
            r"\b(?:what(?:'s|\s+is)|how\s+much\s+is)\s+(?:a|the)\s+(?:lethal|fatal|deadly)\s+"
            r"(?:dose|amount)\b",
            "lethal fatal deadly",
            None,
        ),
        (
            r"\b(?:best|easiest|quickest|fastest|painless|least\s+painful|most\s+effective|surest|"
            r"quick|easy|simplest|good)\s+(?:\w+\s+)?(?:way|ways|method|methods)\s+(?:to|of)\s+"
            r"(?:die|dying|kill(?:ing)?\s+(?:myself|yourself|your\s?self|oneself)|"
            r"commit(?:ting)?\s+"
            r"suicide|suicide|end(?:ing)?\s+(?:it|my\s+life|your\s+life)|self[- ]?harm(?:ing)?|"
            r"cut(?:ting)?(?:\s+(?:myself|yourself|deep(?:er)?)|\s*(?:[.!?,]|$))|overdos(?:e|ing)|"
            r"od|hang(?:ing)?\s+(?:myself|yourself)|(?:hurt|harm)(?:ing)?\s+(?:myself|yourself|"
            r"themselves|oneself))",
            "die dying kill killing suicide end ending self cut cutting overdose overdosing od "
            "hang hanging hurt hurting harm harming",
            r"\b(?:stop|prevent|help|avoid|resist|instead\s+of|alternatives?)\b",
        ),
        (
            r"\bhow\s+(?:to|do\s+(?:i|you|people)|can\s+(?:i|you)|should\s+i|would\s+i|"
            r"could\s+i)\s+"
            r"(?:kill\s+(?:myself|yourself|your\s?self|oneself)|commit\s+suicide|hang\s+(?:myself|"
            r"yourself)|self[- ]?harm|cut\s+(?:myself|yourself|deep(?:er)?)|overdose|od|end\s+my\s+"
            r"life|slit\s+(?:my|your)\s+wrists?)\b(?!\s+(?:and\s+)?(?:less|safely\s+stop)\b)",
            "myself yourself oneself suicide self cut overdose od life wrist wrists hang",
            None,
        ),
        (
            r"\b(?:where|how)\s+(?:to|do\s+i|can\s+i|should\s+i)\s+(?:hide|cover\s+up)\s+(?:my\s+|"
            r"the\s+|your\s+)?(?:cuts|fresh\s+cuts|self[- ]?harm|wounds)\b",
            "where how",
            None,
        ),
        (
            r"\b(?:tips|guide|tutorial|steps|instructions|directions|step[- ]by[- ]step)\s+(?:for|"
            r"to|on)\s+"
            r"(?:self[- ]?harm(?:ing)?|cutting|suicide|killing\s+(?:yourself|myself)|hanging\s+"
            r"yourself)\b(?!\s+(?:recovery|urges|support|prevention|awareness|alternatives|"
            r"distraction|help)\b)",
            "tips guide tutorial steps instructions",
            None,
        ),
        (
            r"\bhow\s+deep\s+(?:to|should\s+i|do\s+i|can\s+i|do\s+you)\s+cut\b|\b(?:suicide|"
            r"self[- ]?harm)\s+(?:methods|techniques|guide|tutorial)\b",
            "deep methods techniques guide tutorial",
            r"\b(?:prevent|prevention|restrict|restricting|reduce|reducing|access\s+to)\b",
        ),
    )
)

INSTRUCTING += (
    rule(
        "self_harm.instructing",
        "instructing",
        r"\bways?\s+to\s+(?:overdose|od|kill\s+(?:yourself|myself|oneself)|commit\s+suicide|end\s+"
        r"(?:it|your\s+life|my\s+life)|hang\s+(?:yourself|myself)|self[- ]?harm)\b|\b(?:which|"
        r"what)\s+"
        r"(?:household\s+)?(?:items|objects|things|tools)\s+(?:can|could|to)\s+(?:be\s+)?(?:used\s+"
        r"to\s+)?(?:self[- ]?harm|cut|hurt\s+(?:yourself|myself)|kill\s+(?:yourself|myself))\b|"
        r"\bhow\s+"
        r"to\s+(?:make\s+(?:cuts|wounds)\s+(?:deeper|bleed)|cut\s+deeper|hide\s+(?:cuts|scars|"
        r"self[- ]?harm))\b|\blethal\s+doses?\s+of\b",
        "ways way items objects things tools cuts deeper lethal",
        unless=r"\b(?:prevent\w*|stop\w*|avoid\w*|help\w*|cope|coping|accident\w*|safety|store|"
        r"reach|poison\s+control|111|999|pharmacist|doctor|gp)\b",
    ),
    rule(
        "self_harm.instructing",
        "instructing",
        r"\b(?:which|what)\s+(?:pills|tablets|meds|medicines?|drugs|methods?|ways?)\s+(?:is|are|"
        r"would\s+be)\s+(?:the\s+)?(?:most\s+)?(?:lethal|deadly|fatal|painless|quickest)\b",
        "lethal deadly fatal painless quickest",
    ),
)

# Against self-harm content, not for it: campaigns, reports, bans.
AGAINST = (
    r"\b(?:against|report\w*|ban\w*|remov\w+|dangerous|harmful|warn\w*|stop\w*|prevent\w*|"
    r"tackl\w+|crack\w*\s+down|law|laws|charity|campaign\w*)\b"
)
PROMOTING = tuple(
    rule("self_harm.promoting", "promoting", pattern, triggers, unless=unless)
    for pattern, triggers, unless in (
        (
            r"\b(?:self[- ]?harm\w*|cutting|scars|cuts|wounds)\b[^.!?\n]{0,60}\b(?:to\s+inspire|"
            r"inspiration|inspo|motivation|goals)\b",
            "inspire inspiration inspo motivation goals",
            AGAINST,
        ),
        (
            r"\b(?:celebrat\w+|encourag\w+|glorif\w+|glamoris\w+|romanticis\w+|promot\w+)\s+"
            r"(?:\w+\s+){0,3}?(?:cutting|self[- ]?harm\w*|suicide)\b",
            "celebrate celebrates celebrating encourage encourages encouraging encouraged glorify "
            "glorifies glorifying glamorise glamorises glamorising romanticise romanticises "
            "romanticising promote promotes promoting",
            AGAINST,
        ),
        (
            r"\b(?:encourag\w+|urg(?:es|ed|ing)|push\w*|dar(?:es|ed|ing)|challeng\w+|tell\w*|"
            r"told)\s+"
            r"(?:\w+\s+)?(?:people|members|users|kids|teens|others|children|readers|followers|"
            r"girls|boys)\s+to\s+(?:take\s+their\s+own\s+lives|kill\s+themselves|self[- ]?harm|"
            r"cut(?:\s+themselves)?|starve(?:\s+themselves)?|end\s+it)\b",
            "encourage encourages encouraging encouraged urges urged urging push pushes pushing "
            "dares dared daring challenge challenges challenging tell tells telling told",
            AGAINST,
        ),
        (
            r"\b(?:self[- ]?harm\w*|cutting|suicide)\b[^.!?\n]{0,80}\b(?:don't|never)\s+let\s+"
            r"(?:anyone|anybody|them|people)\s+stop\s+you\b",
            "self cutting suicide",
            None,
        ),
        (
            r"\b(?:self[- ]?harm(?:ing)?|cutting|suicide|dying|scars)\s+(?:is|are|was)\s+(?:so\s+|"
            r"really\s+|a\s+|an\s+)?(?:beautiful|pretty|art|aesthetic|the\s+(?:answer|only\s+way|"
            r"best\s+"
            r"way|solution|way\s+out|cure)|worth\s+it|peaceful|freedom|romantic|brave|relief|"
            r"(?:brave|good|valid|right|beautiful|personal)\s+(?:choice|option|decision)|escape|"
            r"release)\b",
            "self cutting suicide dying scars",
            r"\b(?:not|isn't|never|myth|lie|isn't)\b",
        ),
        (
            r"\b(?:selfharmaesthetic|cuttingaesthetic|shtwt|sh\s+twt|suetwt|sue\s+twt|"
            r"bluewhalechallenge|sewerslidesquad|sh\s+aesthetic)\b",
            "selfharmaesthetic cuttingaesthetic shtwt sh suetwt sue bluewhalechallenge "
            "sewerslidesquad",
            None,
        ),
        (
            r"\b(?:join|do|take|play|doing|start|try|who's\s+doing)\s+(?:the\s+)?(?:blue\s+whale|"
            r"momo|a\s+silent\s+suicide)\s+(?:challenge|game)\b",
            "whale momo silent",
            r"\b(?:don't|never|warn|warning|dangers?|hoax|parents)\b",
        ),
        (
            r"\b(?:you\s+should|everyone\s+should|we\s+should|let's)\s+(?:all\s+)?(?:self[- ]?harm|"
            r"cut|starve|kill\s+ourselves|die\s+together)\b",
            "self cut starve ourselves together",
            r"\b(?:not|never|don't)\b",
        ),
        (
            r"\b(?:suicide|self[- ]?harm|cutting)\s+pact\b|\b(?:show|post|rate)\s+(?:me\s+)?"
            r"(?:your|ur|our)\s+(?:cuts|scars|sh)\b",
            "pact cuts scars sh",
            None,
        ),
    )
)

CLEAN = (
    r"\s+(?:days?|weeks?|months?|years?)\s+(?:clean|free|sh[- ]free|self[- ]?harm[- ]free|"
    r"without\s+(?:self[- ]?harm(?:ing)?|cutting))\b"
)
RECOVERY = tuple(
    rule("self_harm.recovery_support", "recovery_support", pattern, triggers)
    for pattern, triggers in (
        (
            rf"\b{NUMBER_WORDS}{CLEAN}|\b[0-9]+{CLEAN}",
            "clean free sh self without",
        ),
        (
            r"\b(?:in\s+recovery|recover(?:y|ing|ed)|relapse\s+prevention|"
            r"(?<!be\s)(?<!been\s)(?<!can\s)used\s+to\s+(?:self[- ]?"
            r"harm|cut|hurt\s+myself|be\s+suicidal|want\s+to\s+die|feel\s+suicidal))\b",
            "recovery recovering recovered relapse used",
        ),
        (
            r"\bhow\s+(?:do|can|should|could)\s+i\s+(?:help|support|talk\s+to)\s+(?:a|my)\s+"
            r"(?:\w+\s+)?(?:friend|mate|sister|brother|cousin|classmate|child|son|daughter|"
            r"student|someone|boyfriend|girlfriend|partner|bestie)\b|\bhow\s+to\s+(?:help|"
            r"support)\s+(?:a|your|someone)\b",
            "help support",
        ),
        (
            r"\b(?:helplines?|hotlines?|samaritans|childline|papyrus|hopeline\w*|kooth|"
            r"shout\s+85258|"
            r"text\s+shout|crisis\s+(?:line|text\s+line|team|service|support)|988|116\s?123|"
            r"0800\s?1111|85258|young\s?minds|mind\.org|calm\s+zone)\b",
            "helpline helplines hotline hotlines samaritans childline papyrus hopeline hopelineuk "
            "kooth shout crisis 988 116 0800 85258 youngminds minds calm zone org",
        ),
        (
            r"\b(?:talk\s+to\s+(?:someone|somebody|a\s+(?:trusted\s+)?adult|your\s+(?:gp|doctor|"
            r"teacher|parents?))|you(?:'re|\s+are)\s+not\s+alone|reach\s+out|get\s+(?:help|"
            r"support)|"
            r"getting\s+help|seek(?:ing)?\s+help|ask(?:ing)?\s+for\s+help|support\s+(?:group|line|"
            r"services?|available)|safety\s+plan|coping\s+(?:strategies|skills|techniques|"
            r"mechanisms)|distraction\s+techniques|alternatives\s+to\s+(?:self[- ]?harm|cutting)|"
            r"urges?\s+to\s+(?:self[- ]?harm|cut|hurt))\b",
            "someone somebody adult gp doctor teacher parent parents alone reach help support "
            "safety coping distraction alternatives urge urges",
        ),
        (
            r"\b(?:counsell?ing|counsell?ors?|therap(?:y|ist)|prevention|it\s+gets\s+better|stay\s+"
            r"safe|(?:i|i've)\s+(?:told|talked\s+to|spoke\s+to)\s+(?:my\s+)?(?:mum|mom|dad|teacher|"
            r"counsell?or|doctor|gp|school\s+nurse|therapist))\b",
            "counselling counseling counsellor counselor counsellors therapy therapist prevention "
            "better safe told talked spoke",
        ),
    )
)

DISCUSSED = (
    rule(
        "self_harm.discussed",
        "discussed",
        r"\b(?:died|dies|death|deaths)\s+by\s+suicide\b|\b(?:took|taken|takes)\s+(?:his|her|"
        r"their)\s+own\s+life\b|\bcommitted\s+suicide\b|\b(?:killed|kills)\s+(?:himself|herself|"
        r"themselves)\b|"
        r"\bsuicide\s+(?:rates?|statistics|figures|attempts?\s+(?:among|by|in)|among|awareness)\b|"
        r"\bself[- ]?harm\s+(?:rates?|awareness|statistics|among|figures)\b|"
        r"\b(?:teen|youth|student|young\s+people's|children's|male|men's)\s+(?:suicides?|"
        r"self[- ]?harm)\b",
        "suicide suicides self life himself herself themselves",
    ),
)

# Any mention of the subject: discussion, unless recovery words are there too. Only its
# name and other people: the writer's own words ("kill myself", "want to die") are intent,
# or else an idiom, a joke, a denial, the past or someone else's words, and none of those
# is a subject to flag.
MENTION = (
    rule(
        "self_harm.mention",
        "discussed",
        r"\b(?:self[- ]?harm\w*|suicid\w*|sewer\s?slide|blue\s+whale\s+challenge)\b|"
        r"\bsh\s+(?:scars|urges?|relapse)\b|\b(?:kill|killing|killed|kills|hurt|cut|harm|hurting|"
        r"cutting|harming)\s+(?:yourself|himself|herself|themselves|themself)\b|\b(?:take|took|"
        r"taking|end|ended|ending)\s+(?:his|her|their|your)\s+(?:own\s+)?life\b|\bwants\s+to\s+"
        r"die\b",
        "self suicide suicidal suicides suicidality scars urges relapse yourself himself herself "
        "themselves themself life whale sewer sewerslide die",
        unless=r"\b(?:career|political|social|fashion|commercial)\s+suicide\b|\bsuicide\s+"
        r"(?:bomb\w*|squad|mission|doors?|king|run|blonde)\b",
    ),
)

# Telling someone to kill themselves: encouragement (and, in haven.access.signals.bullying,
# harassment and an explicit threat). Imperative or wished, not asked: "do you ever feel
# like you want to kill yourself?" is a question a friend or counsellor asks.
TELLING_TO_DIE = (
    r"\b(?:kill|hang|neck|off|end|shoot|drown|stab)\s+(?:yourself|your\s?self|urself|yourselves)\b|"
    r"\bslit\s+(?:your|ur)\s+(?:wrists?|throat)\b|\bdrink\s+bleach\b|\bgo\s+jump\s+off\s+a\s+"
    r"(?:bridge|cliff|building|roof)\b"
)
TELLING_TRIGGERS = "yourself urself yourselves self slit bleach bridge cliff"
TOLD_AFTER = (
    r"(?:^|[,:;\-]|\b(?:should|go|just|pls|please|and|then|so|already|bro|lol|loser|freak|"
    r"idiot|stupid|honestly|literally|fucking|better|need\s+to|ought\s+to|have\s+to|got\s+to|"
    r"deserve\s+to|hope\s+you|why\s+don't\s+you|why\s+not|do\s+us\s+(?:all\s+)?a\s+favou?r\s+"
    r"and|do\s+everyone\s+a\s+favou?r\s+and|nobody\s+would\s+care\s+if\s+you|you\s+should\s+"
    r"just|just\s+go))\s*$"
)
NOT_TOLD_AFTER = rf"{NEGATED}|{REPORTED}"
AIMED = (
    rule(
        "self_harm.promoting",
        "promoting",
        TELLING_TO_DIE,
        TELLING_TRIGGERS,
        only_after=TOLD_AFTER,
        not_after=NOT_TOLD_AFTER,
    ),
)

SUBJECT: tuple[Rule, ...] = INTENT + INSTRUCTING + PROMOTING + AIMED + DISCUSSED + MENTION
RULES: tuple[Rule, ...] = SUBJECT + RECOVERY


def signals(text: Text) -> list[Found]:
    return on_topic(SUBJECT, RECOVERY, text)


def on_topic(subject: tuple[Rule, ...], support: tuple[Rule, ...], text: Text) -> list[Found]:
    """Signals about a subject. The `support` rules (recovery, education) run only
    where the subject is there; a bare mention of the subject (kind "<descriptor>.mention")
    is dropped when anything more is known about it."""
    hits = find(subject, text)
    if not hits:
        return []
    hits += find(support, text)
    more = any(not hit.rule.kind.endswith(".mention") for hit in hits)
    return [hit.found() for hit in hits if not (more and hit.rule.kind.endswith(".mention"))]
