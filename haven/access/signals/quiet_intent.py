"""The quieter shapes of a child's own intent to die or hurt themselves, by structure
rather than stock phrase: a future without the writer in it ("I won't be around for the
exams", "soon it won't matter"), farewells and arrangements (goodnight forever, letters
for everyone, someone to look after the cat "for good", things given away because "I
won't need it"), a plan with a time ("I'm going to do it this weekend", "tonight's the
night"), wishes not to wake, tiredness of existing, and hurting one's own body.

A plan with a time ("do it this weekend", "I think it's time") is only intent where the
text also says something of despair: on its own it is homework, a prank or a party.
The usual guards hold: past ("I used to feel…"), denial, reported words, ordinary
absences (a holiday, a new school) and trivial hyperbole said laughing.
"""

import re

from haven.access.signals.lexicon import LAUGHTER, NEGATED, PAST, REPORTED
from haven.access.signals.rules import Found, Rule, find, rule
from haven.access.signals.text import Text

NOT_MINE = rf"{NEGATED}|{REPORTED}|\b(?:he|she|they|my\s+\w+|if)\s+(?:\w+\s+)?$"
# Ordinary reasons to be away, or to hand something on.
AWAY = (
    r"\b(?:holiday|moving|move|camp|trip|abroad|uni|university|school\s+trip|sick|ill|dentist|"
    r"doctor|appointment|visiting|nan's|gran's|dad's|mum's|new\s+school|weekend\s+away|"
    r"sleepover|party|match|tournament|practice|training|wedding|funeral|exchange|gap\s+year|"
    r"hospital\s+for|operation|signal|wifi|offline|phone|detox|break\s+from)\b"
)
ORDINARY_GIFT = (
    r"\b(?:new\s+one|upgrad\w*|bought|got\s+a\s+new|outgrown|grew\s+out|too\s+small|broke|"
    r"broken|sell\w*|sold|charity|swap\w*|trade\w*|lend\w*|borrow\w*|birthday|christmas)\b"
)
TRIVIAL = (
    r"\b(?:homework|revision|exam|exams|test|quiz|essay|project|presentation|prank|party|"
    r"surprise|dance|video|tiktok|cake|game|match|level|boss|episode|season|series|film|"
    r"movie|concert|trip|haircut|dye|piercing|tattoo|speech|audition|race|run|jump\s+off\s+"
    r"the\s+(?:diving|high)\s+board)\b"
)
# Despair said somewhere in the text: what lets a bare plan read as intent.
DESPAIR = re.compile(
    r"\b(?:loser|worthless|useless|hate\s+(?:myself|my\s+(?:life|body|self))|i'm\s+done|done\s+"
    r"with\s+(?:it\s+all|everything|life)|tired\s+of|nobody|no\s?one|pain|hurts?\s+too\s+much|"
    r"can't\s+(?:cope|take|do\s+this|go\s+on)|burden|alone|lonely|hopeless|pointless|no\s+point|"
    r"end\s+it|die|dying|dead|pills|meds|cut|cutting|goodbye|bye|sorry\s+for\s+everything|empty|"
    r"numb|give\s+up|giving\s+up|better\s+off|miss\s+me|won't\s+matter|no\s+future|future\s+for\s+"
    r"me|had\s+enough|they're\s+right|deserve\s+(?:it|this)|ruin\s+everything|mistake|"
    r"can't\s+anymore|over\s+soon|forever|don't\s+want\s+to\s+be\s+here)\b"
)


def _i(pattern: str, triggers: str, unless: str = PAST, **context) -> Rule:
    context.setdefault("not_after", NOT_MINE)
    return rule("self_harm.intent", "intent", pattern, triggers, unless=unless, **context)


FUTURE_WITHOUT_ME = (
    # "I won't be here to answer soon", "won't be around for the exams", "won't be a
    # problem for anyone much longer".
    _i(
        r"\b(?:won't|will\s+not|not\s+going\s+to)\s+be\s+(?:here|around|alive|on\s+this\s+earth)\s+"
        r"(?:to\s+\w+|for\s+(?:much\s+)?long(?:er)?|much\s+longer|soon|any\s?more|for\s+(?:it|them|"
        r"that|any\s+of\s+it|the\s+\w+|your|my|exams|results|christmas|summer|next)|by\s+(?:then|"
        r"the\s+time|\w+day|tomorrow|next)|after\s+(?:this|tonight|today|tomorrow))\b"
        r"|\b(?:won't|will\s+not)\s+be\s+(?:a|your|anyone's|everyone's)\s+(?:problem|burden|"
        r"worry)\s+(?:\w+\s+){0,2}(?:much\s+longer|for\s+long|soon|any\s?more)\b",
        "here around alive earth problem burden worry",
        unless=rf"{PAST}|{AWAY}",
    ),
    # "soon it won't matter", "none of this will matter soon".
    _i(
        r"\bsoon\s+(?:it|none\s+of\s+(?:it|this)|nothing)\s+(?:won't|will|is\s+going\s+to)\s+"
        r"matter\b|\b(?:it|none\s+of\s+(?:it|this)|nothing)\s+(?:won't|will)\s+matter\s+(?:soon|"
        r"much\s+longer|any\s?more|after\s+(?:tonight|today|tomorrow))\b",
        "matter",
        unless=rf"{PAST}|{TRIVIAL}",
    ),
    _i(
        r"\b(?:don't|do\s+not|can't)\s+see\s+(?:a|any)\s+future\s+(?:for\s+(?:me|myself)|"
        r"(?:\w+\s+)?ahead\s+of\s+me)\b|\bthere's\s+no\s+future\s+for\s+me\b",
        "future",
    ),
    _i(
        r"\bno\s+point\s+(?:in\s+)?(?:\w+ing)\b[^.!?\n]{0,40}\b(?:won't|will\s+not)\s+be\s+"
        r"(?:around|here|alive)\b",
        "point",
    ),
    _i(
        r"\b(?:don't|do\s+not|idk|not\s+sure)\s*(?:know\s+)?how\s+(?:much\s+)?long(?:er)?\s+i\s+"
        r"can\s+(?:keep\s+(?:going|pretending|doing\s+this|holding\s+on|fighting|this\s+up)|"
        r"do\s+this|take\s+(?:it|this)|hold\s+on|last|go\s+on)\b",
        "long longer",
        unless=rf"{PAST}|{TRIVIAL}|{LAUGHTER}",
    ),
)

FAREWELLS = (
    _i(
        r"\b(?:good\s?night|goodbye|bye|night|farewell)\s+(?:forever|for\s+ever|for\s+good|for\s+"
        r"the\s+last\s+time)\b|\blast\s+time\s+(?:you'll|you\s+will|anyone\s+will|you'll\s+ever)\s+"
        r"(?:hear\s+from|see|talk\s+to)\s+me\b",
        "goodnight night goodbye bye farewell forever last",
        unless=rf"{PAST}|{AWAY}|{LAUGHTER}|\b(?:group|chat|gc|server|app|account|insta|"
        r"tiktok|twitter|social\s+media)\b",
    ),
    _i(
        r"\b(?:don't|do\s+not|please\s+don't)\s+(?:come\s+)?(?:look|search)(?:ing)?\s+for\s+me\b",
        "look looking search",
        unless=rf"{PAST}|\b(?:hide|hiding|seek|game|round|ready|count)\b",
        not_after=REPORTED,
    ),
    _i(
        r"\bsorry\s+for\s+everything\b(?=[^\n]{0,60}\b(?:bye|goodbye|love\s+you|don't\s+look|"
        r"forgive|forever|not\s+your\s+fault|take\s+care)\b)",
        "sorry",
        unless=PAST,
    ),
    _i(
        r"\bthank(?:s|\s+you)\s+for\s+everything\b(?=[^\n]{0,40}\b(?:bye|goodbye|farewell|forever|"
        r"i\s+mean\s+it|i'm\s+sorry|love\s+you\s+all)\b)",
        "thanks thank",
        unless=rf"{PAST}|{AWAY}|\b(?:see\s+you|next|term|summer|leavers?|year|teacher|miss|sir)\b",
    ),
    _i(
        r"\b(?:don't|do\s+not)\s+worry\s+about\s+me\s+(?:after\s+(?:tonight|today|tomorrow|this)|"
        r"when\s+i'm\s+gone|any\s?more\s+after)\b",
        "worry",
        not_after=REPORTED,
    ),
    _i(
        r"\b(?:written|wrote|writing|left|leaving)\s+(?:\w+\s+){0,2}(?:letters?|notes?)\s+(?:for|"
        r"to)\s+(?:everyone|everybody|all\s+of\s+you|each\s+of\s+you|my\s+(?:family|mum|mom|dad|"
        r"parents|friends|sister|brother))\b",
        "written wrote writing left leaving",
        unless=rf"{PAST}|\b(?:christmas|thank[- ]you|birthday|valentine|teacher|school|cards?|"
        r"leavers?|holiday|trip|class|project|pen\s?pals?)\b",
    ),
    _i(
        r"\b(?:look\s+after|take\s+care\s+of|keep|have)\s+my\s+(?:\w+\s+)?(?:cat|dog|pets?|"
        r"hamster|rabbit|fish|bird|guinea\s+pig|stuff|things|switch|phone|games|console|plants?)"
        r"\b[^\n]{0,20}?\b(?:for\s+good|forever|permanently|when\s+i'm\s+gone|after\s+i'm\s+gone|"
        r"i\s+won't\s+(?:need|be\s+needing))\b",
        "look take keep have",
        unless=rf"{PAST}|{AWAY}|{ORDINARY_GIFT}",
    ),
    _i(
        r"\b(?:giving|give|gave|leaving|left)\s+(?:away\s+)?(?:all\s+)?my\s+[\w\s']{1,30}?\bto\b"
        r"[^.!?\n]{0,30}\bi\s+(?:won't|will\s+not|don't|wont)\s+(?:need|be\s+needing|be\s+using)\s+"
        r"(?:it|them|this|that|these|those|my\s+\w+)\b",
        "giving give gave leaving left",
        unless=rf"{PAST}|{AWAY}|{ORDINARY_GIFT}",
    ),
)

WISHES = (
    _i(
        r"\bwish\s+i\s+(?:could|would|can)\s+(?:just\s+)?(?:die|disappear|vanish|not\s+exist|stop\s+"
        r"existing|sleep\s+forever|not\s+wake\s+up|never\s+wake\s+up|fall\s+asleep\s+and\s+"
        r"(?:never|not))\b",
        "wish",
        unless=rf"{PAST}|{TRIVIAL}|{LAUGHTER}",
    ),
    _i(
        r"\b(?:hope(?:fully)?|praying|pray)\s+(?:i\s+)?(?:don't|do\s+not|never|not|won't)\s+wake\s+up"
        r"\b|\bsleep\s+and\s+(?:hopefully\s+)?(?:never|not)\s+wake\s+up\b",
        "wake",
        unless=rf"{PAST}|\b(?:alarm|early|lie\s+in|weekend|holiday|school)\b",
    ),
    _i(
        r"\b(?:i'm|i\s+am|i\s+feel|feeling)\s+(?:so\s+|just\s+|really\s+|very\s+)?(?:tired|sick|done|"
        r"exhausted|worn\s+out)\s+(?:of|with)\s+(?:existing|being\s+(?:alive|here|me|myself)|"
        r"breathing|living|life|waking\s+up)\b",
        "tired sick done exhausted worn",
        unless=rf"{PAST}|{LAUGHTER}",
    ),
    _i(
        r"\bwant\s+(?:it\s+all|everything|my\s+life|life|it)\s+to\s+be\s+over\b",
        "over",
        unless=rf"{PAST}|{TRIVIAL}|{LAUGHTER}|\b(?:week|day|term|year|lesson|school)\b",
    ),
    _i(
        r"\b(?:sewer\s?slide|suicide|dying|death|being\s+dead|not\s+existing|ending\s+it|killing\s+"
        r"myself)\s+(?:is\s+|'s\s+)?(?:looking|sounds?|seems?|feels?)\s+(?:\w+\s+)?(?:good|nice|"
        r"tempting|appealing|better|peaceful|like\s+the\s+(?:only\s+)?(?:answer|option|way))\b",
        "sewer sewerslide suicide dying death dead existing ending killing",
        unless=PAST,
    ),
    _i(
        r"\bi\s+deserve\s+to\s+(?:die|be\s+dead|hurt|bleed|feel\s+pain|suffer)\b",
        "deserve",
        unless=rf"{PAST}|{LAUGHTER}",
    ),
)

MY_BODY = (
    _i(
        r"\bmy\s+body\b[^.!?\n]{0,40}\b(?:want|need|going|about)\s+to\s+(?:hurt|cut|burn|punish|harm|"
        r"destroy|starve)\s+it\b",
        "body",
        unless=rf"{PAST}|{LAUGHTER}",
    ),
    _i(
        r"\b(?:thinking|think|thought)\s+(?:about|of)\s+(?:cutting|self[- ]?harm\w*|"
        r"hurting\s+myself|killing\s+myself|ending\s+it|suicide|overdosing|burning\s+myself)\b(?:\s+again)?"
        r"(?=[^.!?\n]{0,40}\b(?:again|tonight|today|i\s+think\s+i\s+will|i\s+will|i'm\s+going|"
        r"can't\s+stop|all\s+the\s+time|every\s+day|so\s+much)\b)",
        "thinking think thought",
        unless=rf"{PAST}|\b(?:friend|mate|sister|brother|him|her|them|article|story|book)\b",
        only_after=r"\b(?:i|i've|i'm|keep|been|always|can't\s+stop)\b[^.!?\n]{0,20}$",
    ),
    _i(
        r"\b(?:saving|saved|stockpiling|stockpiled|hoarding|collecting|hiding)\s+(?:up\s+)?(?:all\s+)?"
        r"(?:my|the|some|a\s+load\s+of)\s+(?:meds|pills|tablets|medication|paracetamol|"
        r"painkillers|prescription)\b",
        "saving saved stockpiling stockpiled hoarding collecting hiding",
        unless=rf"{PAST}|\b(?:trip|holiday|travel|camp|in\s+case\s+of|emergency|first\s+aid)\b",
        only_after=r"(?:^|\bi(?:'ve|\s+have|'m|\s+am)?(?:\s+been)?(?:\s+secretly)?)\s*$",
    ),
)

# Bare plans and times: intent only alongside words of despair (see DESPAIR).
PLANS = (
    _i(
        r"\b(?:i'm|i\s+am|i'll|i\s+will)\s+(?:going\s+to\s+|finally\s+going\s+to\s+|just\s+)?(?:do|"
        r"end)\s+it\s+(?:tonight|today|tomorrow|this\s+(?:weekend|week|time)|soon|now|on\s+\w+day|"
        r"after\s+(?:school|exams))\b",
        "do end",
        unless=rf"{PAST}|{TRIVIAL}|{LAUGHTER}",
    ),
    _i(
        r"\b(?:tonight|today)\s+(?:is|'s)\s+the\s+(?:night|day)\b|\b(?:i\s+think\s+)?(?:it's|its|"
        r"it\s+is)\s+(?:my\s+)?time(?=\s*(?:[.!?,]|$|to\s+go))",
        "tonight today time",
        unless=rf"{PAST}|{TRIVIAL}|{LAUGHTER}|\b(?:birthday|results|date|party|prom|big\s+day)\b",
    ),
    _i(
        r"\b(?:planning|planned|worked\s+out|figured\s+out|decided)\s+(?:how|when|where)\s+(?:to|"
        r"i'm\s+going\s+to|i'll|i\s+will)\s+do\s+it\b|\b(?:i've|i\s+have)\s+got\s+it\s+all\s+"
        r"(?:worked|figured|planned)\s+out\b",
        "planning planned worked figured decided got",
        unless=rf"{PAST}|{TRIVIAL}",
    ),
)
PLAN_KINDS = frozenset(rule.number for rule in PLANS)
RULES: tuple[Rule, ...] = FUTURE_WITHOUT_ME + FAREWELLS + WISHES + MY_BODY + PLANS


def signals(text: Text) -> list[Found]:
    hits = find(RULES, text)
    if not hits:
        return []
    despair: bool | None = None
    found = []
    for hit in hits:
        if hit.rule.number in PLAN_KINDS:
            if despair is None:
                despair = bool(DESPAIR.search(text.norm))
            if not despair:
                continue
        found.append(hit.found())
    return found
