"""Grooming patterns in a message to a child: asking their age, asking for secrecy,
isolating them from family and friends, moving the talk to a private app, asking for
images, offering gifts or money, arranging to meet.

Each pattern alone is a "possible" sign, since friends ask each other's age and swap
Snapchat names; two kinds together, or a request for images with a sexual framing, are
"likely". An ordinary reason written next to the words (a surprise party, a class
project, a photo of the dog) keeps the pattern from counting.
"""

from haven.access.signals.lexicon import ANYONE, PARENT, YOU, YOUR
from haven.access.signals.rules import Found, Rule, find, rule
from haven.access.signals.text import Text

LIKELY_ALONE = "likely"

APPS = (
    r"(?:snap(?:chat)?|sc|insta(?:gram)?|ig|whats\s?app|telegram|kik|discord|signal|wickr|"
    r"skype|wechat|viber|tiktok|facetime|omegle|session|threema|messenger|google\s+chat|"
    r"hangouts|line)"
)
IMAGE = (
    r"(?:pics?|pictures?|photos?|selfies?|snaps?|vids?|videos?|nudes?|images?|pix|"
    r"photo\s+of\s+(?:you|yourself))"
)
# An ordinary reason for the picture, written next to it.
ORDINARY_PICTURE = (
    r"\b(?:homework|notes|answers|worksheet|sheet|page|timetable|dog|cat|pet|puppy|kitten|"
    r"hamster|rabbit|drawing|art|painting|cake|food|dinner|lunch|recipe|poster|project|"
    r"meme|game|link|youtube|trailer|clip|score|view|sunset|holiday|bike|car|garden|"
    r"lego|model|trip|newsletter|bake|baking|class|the\s+(?:board|whiteboard|slides|book|match)|of\s+(?:it|that|the))\b"
)
# A child confiding their own secret ("I'm gay, don't tell anyone", "I like a boy in my
# class, keep it a secret") is not being told to keep one.
CONFIDING = (
    r"\b(?:i'm|i\s+am|i\s+think\s+i'm|i\s+might\s+be|came\s+out\s+as)\s+(?:a\s+)?(?:gay|lesbian|bi|"
    r"bisexual|pan|pansexual|queer|trans|transgender|non-binary|nonbinary|asexual|ace|enby|"
    r"questioning)\b|\bi\s+(?:like|fancy|have\s+a\s+crush\s+on|kissed|love)\s+(?:a|this|that|my)\s+"
    r"(?:boy|girl|guy|lad)\b|\bmy\s+crush\b|\bi\s+(?:haven't|have\s+not|never)\s+told\s+anyone\b"
)
ORDINARY_SECRECY = (
    r"\b(?:surprise|birthday|bday|present|party|spoiler|spoil|ending|answers|score|test|"
    rf"quiz|prank|plan\s+for\s+(?:mum|mom|dad)|christmas|santa|recipe|ingredient|announced|"
    rf"official|got\s+into|made\s+the\s+team|got\s+picked)\b|{CONFIDING}"
)
ORDINARY_MEETING = (
    r"\b(?:study|revise|revision|homework|project|practice|training|rehearsal|club|team|class|"
    r"lesson|library|sleepover|party|match|game|(?:mum|mom|dad|parents?|nan|gran)(?:'s|\s+will|"
    r"\s+can|\s+is|\s+are)\s+(?:\w+\s+)?(?:pick|picking|drop|dropping|bring|bringing|take|taking|"
    r"come|coming|drive|driving|collect|collecting|there|okay\s+with|fine\s+with)|with\s+(?:my|"
    r"your|our)\s+(?:mum|mom|dad|parents?|family))\b"
)
SEXUAL_FRAMING = (
    r"(?:nude|nudes|naked|topless|undressed|sexy|hot|spicy|dirty|private|lewd|nsfw|"
    r"without\s+(?:your\s+|any\s+)?(?:clothes|top|shirt|bra|pants|knickers|underwear|"
    r"trousers|anything\s+on)|with\s+(?:nothing|no\s+clothes)\s+on|"
    r"in\s+(?:your\s+|a\s+)?(?:underwear|bra|knickers|pants|boxers|bikini|swimsuit|towel|"
    r"shower|bath|bed|pjs|pyjamas))"
)


PARENTS = (
    "mum mom mam mummy mommy mama mother dad daddy father parents parent family folks carers "
    "guardian guardians foster stepmum stepdad nan nana gran granny grandma grandad grandpa "
    "grandparents brother sister aunt auntie uncle teacher teachers sir"
)
APP_WORDS = (
    "snap snapchat sc insta instagram ig whatsapp telegram kik discord signal wickr skype "
    "wechat viber tiktok facetime omegle session threema messenger google hangouts line"
)
IMAGE_WORDS = (
    "pic pics picture pictures photo photos selfie selfies snap snaps vid vids video videos "
    "nude nudes image images pix"
)
GIFT_WORDS = (
    "robux vbucks bucks gift giftcard giftcards money cash skin skins nitro minecoins gems "
    "coins credit top topup topups paysafe amazon voucher vouchers steam itunes google psn "
    "phone iphone airpods clothes present presents gifts anything whatever stuff something "
    "makeup trainers quid pounds dollars euros buy"
)


# An online-safety lesson quoting the signs ("groomers often say 'don't tell your
# parents'"), or advice about them, is not grooming.
LESSON = (
    r"\b(?:groom(?:er|ers|ing)|online\s+safety|warning\s+signs?|if\s+(?:someone|anyone|a\s+"
    r"stranger|somebody)\s+(?:asks?|tells?|says|wants|offers|sends)|never\s+(?:send|share|give|"
    r"meet|tell\s+a\s+stranger)|(?:don't|do\s+not)\s+(?:send|share)\s+(?:nudes|pictures|photos|"
    r"pics|images)|tell\s+a\s+trusted\s+adult|report\s+(?:it|them|this)\s+to|ceop|childline|it's\s+"
    r"(?:illegal|against\s+the\s+law)|against\s+the\s+law|is\s+illegal|red\s+flags?|sextortion|"
    r"blackmail\w*|threatens?\s+to)\b"
)


def _g(name: str, pattern: str, triggers: str, **context) -> Rule:
    # Messages are short and the ordinary reason is often in the next sentence.
    context.setdefault("near", True)
    context["unless"] = f"{context['unless']}|{LESSON}" if context.get("unless") else LESSON
    return rule(f"grooming.{name}", "possible", pattern, triggers, **context)


AGE_ORDINARY = (
    r"\b(?:register|registration|form|team|club|coach|under-?\d+s?|sign\s+up|signing\s+up|"
    r"account|tickets?|discount|price|allowed\s+to|age\s+limit|minimum\s+age|rated|pegi|"
    r"certificate|cert|party|quiz|survey|birthday|bday|b-day|🎂|how\s+old\s+are\s+you\s+now)\b"
)
ASKING_AGE = (
    _g(
        "asking_age",
        rf"\bhow\s+old\s+(?:are|is)\s+{YOU}\b(?!\s+(?:when|going\s+to\s+be\s+on)\b)|\bhow\s+old\s*"
        r"(?:[?!.,]|$|are\s+(?:ya|you)\s+really)",
        "old",
        unless=AGE_ORDINARY,
    ),
    _g("asking_age", rf"\bwhat(?:'s|\s+is)\s+{YOUR}\s+age\b", "age", unless=AGE_ORDINARY),
    _g("asking_age", rf"\bwhat\s+age\s+(?:are|r)\s+{YOU}\b", "age", unless=AGE_ORDINARY),
    _g("asking_age", rf"\b{YOUR}\s+age\s*\?", "age", unless=AGE_ORDINARY),
    _g("asking_age", r"\ba\s*/?\s*s\s*/?\s*l\b(?:\s*\?|\s+pl(?:ea)?se|\s*$)", "asl l"),
    _g(
        "asking_age",
        rf"\bare\s+{YOU}\s+(?:over|under|above|below|like|only|even|just|really)?\s*"
        r"(?:1[0-9]|[5-9]|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
        r"eighteen)(?:\s+(?:yet|or\s+\w+|years?\s+old|yrs?|yo)|\s*(?:\?|$)|\s*,)",
        "10 11 12 13 14 15 16 17 18 19 5 6 7 8 9 ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen",
        unless=AGE_ORDINARY,
    ),
    _g(
        "asking_age",
        rf"\bare\s+{YOU}\s+(?:still\s+)?(?:in|at)\s+(?:primary|secondary|middle|high|elementary|"
        r"junior|senior)(?:\s+school)?\b|\bare\s+you\s+old\s+enough\s+(?:to|for)\b",
        "primary secondary middle high elementary junior senior enough",
        unless=AGE_ORDINARY,
    ),
)

# Someone told to hide things from: a parent, a teacher, anyone.
FROM = rf"(?:{PARENT}|{ANYONE})"
SECRECY = (
    _g(
        "secrecy",
        r"\b(?:don't|do\s+not|never|dont)\s+(?:you\s+)?(?:ever\s+)?(?:tell|show|mention\s+"
        r"(?:this|it|me|us)\s+to|say\s+anything\s+to)\s+(?:this\s+(?:to\s+)?|it\s+(?:to\s+)?|"
        rf"anything\s+(?:to\s+)?|about\s+(?:this|me|us|it)\s+(?:to\s+)?)?(?:your\s+)?{FROM}\b",
        "tell show mention say",
        unless=ORDINARY_SECRECY,
    ),
    _g(
        "secrecy",
        r"\b(?:our|this|my)\s+(?:little\s+|special\s+|own\s+|big\s+)?secret\b(?!\s+"
        r"(?:ingredient|santa|recipe|agent|base|service|garden|level|code|door|room|passage|"
        r"weapon|identity|menu|society|history|life|to|of|world|seven|hideout|club)\b)|\ba\s+"
        r"(?:little|special)\s+secret\s+(?:between|just\s+for)\b",
        "secret",
        unless=ORDINARY_SECRECY,
    ),
    _g(
        "secrecy",
        r"\b(?:keep|keeping|kept)\s+(?:this|it|that|us|our\s+\w+|everything|things|what\s+we\s+"
        r"\w+)\s+(?:a\s+|our\s+|as\s+a\s+|as\s+our\s+)?(?:secret|between\s+(?:us|you\s+and\s+me|"
        r"me\s+and\s+you|the\s+two\s+of\s+us)|to\s+(?:yourself|your\s?self|ourselves)|private|"
        r"quiet|hush|on\s+the\s+(?:down\s?low|dl))\b",
        "keep keeping kept",
        unless=ORDINARY_SECRECY,
    ),
    _g(
        "secrecy",
        r"\bbetween\s+(?:you\s+and\s+me|me\s+and\s+you|the\s+two\s+of\s+us)\b|\b(?:just|only|"
        r"stays?|is|it's)\s+between\s+us\b",
        "between",
        unless=ORDINARY_SECRECY,
    ),
    _g(
        "secrecy",
        r"\b(?:delete|deleting|del|wipe|clear)\s+(?:this|these|that|those|our|the|my|all\s+"
        r"(?:the|our|my|these)|your)?\s*(?:chats?|messages?|texts?|convos?|conversations?|"
        r"dms?|pics?|photos?|pictures?|snaps?|history|call\s+log|number|contact|account)\b",
        "delete deleting del wipe clear",
        unless=r"\b(?:accidentally|how\s+(?:do|can|to)|by\s+mistake|can't|cannot|won't\s+let|"
        r"why\s+did|i\s+deleted|did\s+you|phone\s+storage|storage|space|(?:till|until)\s+you)\b",
    ),
    _g(
        "secrecy",
        r"\bdelete\s+(?:this|it|them)\s+(?:after|once|when|as\s+soon\s+as|right\s+after|now|"
        r"immediately|straight\s+away)\b|\bdelete\s+this\s*(?:[.!]|$)",
        "delete",
    ),
    _g(
        "secrecy",
        r"\b(?:don't|do\s+not|never|no)\s+(?:screenshot|screen\s?shot|screen\s?record|save|"
        r"screenshotting|forward|show\s+(?:anyone|anybody))\w*\s+(?:anything|this|it|our|my|what|"
        r"the\s+chat|these|them|any)\b",
        "screenshot screen save screenshotting forward show",
        unless=ORDINARY_SECRECY,
    ),
    _g(
        "secrecy",
        r"\b(?:no\s?one|nobody)\s+(?:else\s+)?(?:needs\s+to|has\s+to|will\s+ever|would\s+ever|"
        r"will|would|has\s+got\s+to|can|must|should|is\s+allowed\s+to|can\s+ever)\s+(?:ever\s+)?"
        r"(?:know|find\s+out)\b",
        "know find",
        unless=ORDINARY_SECRECY,
    ),
    _g(
        "secrecy",
        rf"\b(?:don't|do\s+not|never)\s+let\s+(?:your\s+)?(?:\w+\s+)?{PARENT}\s+(?:see|know|"
        r"find\s+out|read|check|hear)\b",
        "let",
        unless=ORDINARY_SECRECY,
    ),
    _g(
        "secrecy",
        rf"\b(?:make\s+sure|be\s+sure|check|so|so\s+that)\s+(?:your\s+)?(?:{PARENT}|no\s?one|"
        r"nobody)\s+(?:doesn't|don't|isn't|can't|won't|never|is\s+not|does\s+not|will\s+not)?\s*"
        r"(?:see|sees|know|knows|find|finds|read|reads|watching|looking|around|check|checks|go\s+"
        r"through|goes\s+through|look\s+at|looks\s+at|notice|notices|hear|hears)\b",
        f"{PARENTS} sure",
        unless=ORDINARY_SECRECY,
    ),
    _g(
        "secrecy",
        rf"\b(?:if\s+you\s+(?:ever\s+)?tell|you\s+can't\s+tell|you\s+mustn't\s+tell|you\s+"
        rf"can\s+never\s+tell|never\s+tell)\s+(?:{ANYONE}|your)\b",
        "tell",
        unless=ORDINARY_SECRECY,
    ),
    _g(
        "secrecy",
        r"\b(?:hide|hiding)\s+(?:this|it|our\s+\w+|the\s+(?:app|chat|messages|pics?|photos?)|"
        r"me)\s+from\s+(?:your|everyone|anyone)\b|\bsave\s+(?:me|my\s+(?:number|"
        r"contact))\s+(?:under|"
        r"as)\s+(?:a\s+)?(?:different|fake|another|other|girl's|boy's|friend's)\b",
        "hide hiding save",
    ),
    _g(
        "secrecy",
        r"\b(?:turn\s+on|use|switch\s+on|put\s+on)\s+(?:vanish\s+mode|disappearing\s+messages|"
        r"secret\s+chat|incognito)\b",
        "vanish disappearing secret incognito",
    ),
    _g(
        "secrecy",
        r"\b(?:ruin|spoil|wreck|stop|end|take\s+(?:your|ur)\s+phone|get\s+(?:you\s+)?in\s+trouble|"
        r"be\s+(?:angry|mad|jealous))\b[^.!?\n]{0,40}\bif\s+(?:they|anyone|anybody|people|other\s+"
        r"people|your\s+\w+)\s+(?:ever\s+)?(?:knew|found\s+out|saw|find\s+out|see)\b",
        "ruin spoil wreck trouble angry mad jealous phone",
    ),
    # Checking that no one is watching: a step before contact, a kind of secrecy.
    _g("secrecy", rf"\bare\s+{YOU}\s+(?:home\s+)?(?:alone|by\s+yourself)\b", "alone yourself"),
    _g(
        "secrecy",
        r"\b(?:when|if|while)\s+(?:you're|you\s+are|your|you)\s+(?:home\s+)?alone\b",
        "alone",
    ),
    _g(
        "secrecy",
        rf"\b(?:is|are)\s+{YOUR}\s+{PARENT}\s+(?:home|there|around|in|out|away|asleep|"
        r"watching|nearby|with\s+you|in\s+the\s+room)\b",
        PARENTS,
        unless=ORDINARY_MEETING,
    ),
    _g(
        "secrecy",
        rf"\b(?:when|what\s+time)\s+(?:are|do|does|is)\s+{YOUR}\s+{PARENT}\s+(?:go|going|"
        r"leave|leaving|out|away|not\s+home|at\s+work|get\s+home|go\s+to\s+(?:bed|sleep))",
        PARENTS,
    ),
    _g(
        "secrecy",
        rf"\b(?:do|does|can)\s+{YOUR}\s+{PARENT}\s+(?:ever\s+)?(?:check|read|look\s+at|go\s+"
        rf"through|monitor|see)\s+{YOUR}\s+(?:phone|messages|chats?|texts?|dms?|ipad|tablet|"
        r"laptop|computer|account)\b",
        PARENTS,
    ),
    _g(
        "secrecy",
        rf"\bwho\s+else\s+(?:uses|can\s+see|reads|sees|has\s+access\s+to)\s+{YOUR}\s+(?:phone|"
        r"account|messages|chats?|ipad|tablet|laptop)\b",
        "else",
    ),
)

ISOLATION = (
    _g(
        "isolation",
        rf"\b{YOUR}\s+(?:{PARENT}|friends?|mates)\s+(?:don't|do\s+not|doesn't|does\s+not|will\s+"
        r"never|won't|never|can't|cannot|wouldn't|just\s+don't)\s+(?:really\s+|even\s+|ever\s+|"
        r"actually\s+)?(?:understand|get|care\s+(?:about|for)|love|appreciate|listen\s+to|"
        rf"believe|respect|deserve|know\s+the\s+real)(?:\s+{YOU})?\b",
        f"{PARENTS} friend friends mates",
    ),
    _g(
        "isolation",
        rf"\b{YOUR}\s+(?:{PARENT}|friends?|mates)\s+(?:only|just|never|doesn't\s+even|don't\s+"
        rf"even)\s+(?:cares?|loves?|thinks?\s+about|listens?|notices?|wants?)\b|\b{YOUR}\s+"
        rf"(?:{PARENT}|friends?|mates)\s+(?:would|will|'d)\s+(?:just\s+)?(?:ruin|spoil|wreck|"
        r"stop|end|never\s+(?:let|allow|understand))\b",
        f"{PARENTS} friend friends mates",
    ),
    _g(
        "isolation",
        r"\b(?:understand|understands|get|gets|know|knows|love|loves|care\s+about|cares\s+about|"
        rf"see|sees|appreciate|appreciates|treat|treats)\s+{YOU}\s+(?:like|the\s+way|"
        rf"as\s+much\s+as|"
        r"as\s+well\s+as)\s+(?:i|me)\b(?:\s+do)?",
        "understand understands gets know knows love loves care cares appreciate "
        "appreciates treat treats",
    ),
    _g(
        "isolation",
        rf"\b(?:understand|get|care\s+about|love|know)\s+{YOU}\s+(?:so\s+much\s+)?(?:better|"
        rf"more)\s+than\s+(?:{YOUR}\s+)?(?:{PARENT}|friends?|anyone|they|them|everyone)\b",
        "understand get care love know",
    ),
    _g(
        "isolation",
        r"\b(?:you\s+can\s+only\s+trust|only\s+trust|trust\s+only|you\s+can't\s+trust\s+"
        r"(?:anyone|anybody)\s+(?:but|except|apart\s+from))\s+me\b|\byou\s+can't\s+trust\s+"
        rf"(?:anyone|anybody)\s+else\b|\byou\s+can't\s+trust\s+{YOUR}\s+(?:{PARENT}|friends?)",
        "trust",
    ),
    _g(
        "isolation",
        r"\bi'?m\s+the\s+only\s+(?:one|person|friend)\s+(?:you\s+can|you\s+need|you\s+have|who\s+"
        r"(?:really\s+|truly\s+)?(?:understands|gets|cares\s+about|loves|listens\s+to|knows|is\s+"
        rf"there\s+for)\s+{YOU})\b",
        "only",
    ),
    _g(
        "isolation",
        r"\bonly\s+(?:i|me)\s+(?:can\s+|really\s+|truly\s+)?(?:understand|get|care\s+about|"
        rf"love|understands|gets|cares\s+about|loves)\s+{YOU}\b",
        "only",
    ),
    _g(
        "isolation",
        rf"\b{YOU}\s+don't\s+need\s+(?:(?:anyone|anybody)\s+(?:else|but\s+me|except\s+me)|"
        rf"{YOUR}\s+(?:{PARENT}|friends?)|them\s+when\s+you\s+(?:have|got)\s+me)\b",
        "need",
    ),
    _g(
        "isolation",
        rf"\b{YOUR}\s+(?:friends|mates)\s+(?:are|r)\s+(?:just\s+|all\s+)?(?:fake|jealous|"
        r"immature|childish|holding\s+you\s+back|using\s+you|not\s+real\s+friends)\b|\bwhy\s+do\s+"
        r"you\s+(?:even\s+)?(?:hang\s+out|talk|bother)\s+with\s+(?:them|her|him|those)\b[^.!?\n]*"
        r"(?:[.!?\n]\s*)?[^.!?\n]*\bbehind\s+your\s+back\b",
        "fake jealous immature childish holding using behind",
    ),
    _g(
        "isolation",
        rf"\bdon't\s+listen\s+to\s+(?:your\s+)?(?:{PARENT}|friends?|mates)\b",
        "listen",
        unless=r"\b(?:bullies|haters|trolls|them\s+when\s+they\s+(?:say|call))\b",
    ),
    _g(
        "isolation",
        r"\b(?:you(?:'re|\s+are)|your)\s+(?:so\s+|really\s+|very\s+|way\s+)?(?:mature|grown\s+"
        r"up|grown-up|smart)\s+for\s+(?:your|ya)\s+age\b|\b(?:you|your\s+pics)\s+(?:look|looks|"
        r"seem|seems)\s+(?:so\s+|really\s+)?(?:grown\s+up|mature|older\s+than)",
        "mature grown smart older",
    ),
    _g(
        "isolation",
        r"\b(?:we|us)\s+(?:have|share|got)\s+(?:a\s+|such\s+a\s+)?(?:special|unique|secret)\s+"
        r"(?:bond|connection|relationship|friendship)\b|\bwhat\s+we\s+have\s+is\s+special\b|"
        r"\bour\s+(?:chats|talks|friendship|relationship)\s+(?:are|is)\s+special\b",
        "special unique",
    ),
    _g(
        "isolation",
        rf"\b(?:they|people|{YOUR}\s+{PARENT})\s+(?:wouldn't|would\s+never|won't|don't|"
        r"couldn't)\s+understand\s+(?:us|our\s+\w+|what\s+we\s+have)\b",
        "understand",
    ),
)

PRIVATE_APP = (
    _g(
        "private_app",
        r"\b(?:add|follow|friend|message|dm|pm|text|hit|find|call|facetime|talk\s+to|chat\s+"
        rf"(?:to|with))\s+(?:me|us)\s+(?:up\s+)?(?:on|at|over\s+on|via|in)\s+{APPS}\b",
        APP_WORDS,
        unless=r"\b(?:raid|squad|clan|guild|lobby|same\s+name|homework|project|group\s+chat|class\s+"
        r"chat|to\s+play|we\s+can\s+play|for\s+(?:the\s+)?(?:game|match|team|server))\b",
    ),
    _g(
        "private_app",
        r"\b(?:let's|lets|we\s+should|can\s+we|could\s+we|shall\s+we|want\s+to|we\s+could|"
        r"i'd\s+rather|better\s+to|we\s+can)\s+(?:talk|chat|move|go|continue|speak|carry\s+on|"
        r"switch|message|text|take\s+this|take\s+it)\s+(?:this\s+|it\s+)?(?:to|on|over\s+(?:on|"
        rf"to)|in|onto|somewhere|via)\s+(?:(?:a|the|my|your)\s+)?(?:{APPS}|dms?|pms?|"
        r"private(?:ly)?|private\s+\w+|somewhere\s+(?:more\s+)?private|another\s+app|a\s+"
        r"different\s+app|an?\s+app|(?:my|your)\s+(?:phone|number))",
        f"{APP_WORDS} dm dms pm pms private privately app phone number",
    ),
    _g(
        "private_app",
        r"\b(?:what(?:'s|\s+is)|give\s+me|send\s+me|can\s+i\s+(?:have|get)|drop|tell\s+me|"
        rf"share)\s+{YOUR}\s+(?:{APPS}|number|phone\s+number|mobile|digits|email|username|"
        r"handle|@)\b",
        f"{APP_WORDS} number mobile digits email username handle",
        unless=r"\b(?:form|register|registration|team|club|coach|permission\s+slip|school\s+"
        r"office|emergency\s+contact|delivery)\b",
    ),
    _g(
        "private_app",
        rf"\b(?:do|d)\s+{YOU}\s+(?:have|got|use)\s+(?:a\s+)?(?:{APPS}|your\s+own\s+phone|"
        r"a\s+phone)\b",
        f"{APP_WORDS} phone",
    ),
    _g(
        "private_app",
        rf"\bmy\s+(?:{APPS}|number)\s+(?:is|=|:)",
        f"{APP_WORDS} number",
        unless=r"\b(?:form|register|team|club|coach|delivery|broken|cracked|not\s+working)\b",
    ),
    _g(
        "private_app",
        r"\b(?:download|get|install)\s+(?:telegram|kik|wickr|signal|session|threema|whats\s?app|"
        r"snap(?:chat)?|discord|wire|element)\b(?=[^.!?\n]{0,40}\b(?:private|secret|secure|msg|"
        r"message|text|add\s+me|dm|talk|chat|so\s+we|then)\b)",
        "telegram kik wickr signal session threema whatsapp whats snapchat snap discord wire "
        "element",
        not_after=r"\b(?:can't|cannot|no|don't|couldn't|never)\s*$",
    ),
    _g(
        "private_app",
        rf"\b(?:come|go|let's|lets)\s+(?:chat|talk|message|join\s+me|hang\s+out)\s+(?:on|in|over\s+"
        rf"on|over\s+in)\s+{APPS}\b|\bprivate\s+(?:server|chat|room|group|call|account)\b"
        r"[^.!?\n]{0,30}\b(?:just|only)\s+(?:us|you\s+and\s+me|the\s+two\s+of\s+us)\b",
        f"{APP_WORDS} private",
    ),
    _g(
        "private_app",
        r"\b(?:somewhere|someplace|an?\s+app|a\s+chat)\s+(?:more\s+)?(?:private|secret|where\s+"
        r"no\s?one|where\s+nobody|your\s+(?:mum|mom|parents)\s+can't)\b",
        "somewhere someplace app chat",
    ),
)

IMAGES = (
    _g(
        "images",
        r"\b(?:send|sending|snap|show|give|share)\s+(?:me|us)\s+(?:a\s+|some\s+|more\s+|another\s+"
        rf"|{YOUR}\s+|a\s+few\s+|the\s+)?(?:\w+\s+)?{IMAGE}\b",
        IMAGE_WORDS,
        unless=ORDINARY_PICTURE,
    ),
    _g(
        "images",
        rf"\bsend\s+(?:a|some|more|another)\s+(?:\w+\s+)?{IMAGE}\b",
        IMAGE_WORDS,
        unless=ORDINARY_PICTURE,
    ),
    _g(
        "images",
        rf"\b(?:show|let)\s+(?:me|us)\s+(?:see\s+)?(?:what\s+{YOU}\s+look\s+like|{YOUR}\s+"
        rf"(?:face|body|legs|feet|chest|belly|tummy|room|bedroom)|{YOU}\s*(?:[.?!]|$))",
        "show let",
    ),
    _g(
        "images",
        r"\b(?:turn\s+on|switch\s+on|put\s+on|go\s+on|get\s+on|hop\s+on|jump\s+on)\s+(?:your|the|"
        r"a|ur)?\s*(?:cam|camera|webcam|video\s+call|video\s+chat|facetime)\b",
        "cam camera webcam video facetime",
        unless=r"\b(?:class|lesson|teacher|teams|zoom\s+lesson|homework|meeting)\b",
    ),
    _g(
        "images",
        rf"\bwhat\s+(?:are|r)\s+{YOU}\s+wearing\b(?!\s+(?:to|for|tomorrow|tonight\s+to|on)\b)",
        "wearing",
    ),
    _g(
        "images",
        r"\b(?:take|get|film)\s+(?:a\s+)?(?:pic|picture|photo|selfie|vid|video)\s+(?:of\s+"
        r"(?:yourself|your\s?self)|for\s+me)\b",
        "pic picture photo selfie vid video",
    ),
    _g(
        "images",
        r"\b(?:pics?|pictures?|photos?|selfies?|vids?|videos?|one)\s+(?:just|only)\s+for\s+me\b|"
        rf"\bwhat\s+do\s+{YOU}\s+look\s+like\b",
        "pic pics picture pictures photo photos selfie selfies vid vids video videos look",
    ),
    _g(
        "images",
        rf"\b(?:pics?|pictures?|photos?|selfies?|vids?|videos?)\s+of\s+(?:yourself|{YOU})\b",
        IMAGE_WORDS,
        unless=ORDINARY_PICTURE,
    ),
)

# A request for images with a sexual framing is "likely" on its own. Asked for, not
# talked about: "got any naked pics?", not "leaked naked pics of celebrities".
ASKED = (
    r"(?:^|\b(?:send|sending|show|give|share|got|have|want|wanna|trade|swap|take|taking|any|some|"
    r"more|your|me|a|u|you)\b)\s*$"
)
SEXUAL_IMAGES = tuple(
    rule(
        "grooming.images",
        LIKELY_ALONE,
        pattern,
        triggers,
        only_after=only_after,
        unless=LESSON,
        near=True,
    )
    for pattern, triggers, only_after in (
        (
            r"\b(?:send|show|give|share|got\s+any|have\s+you\s+got\s+any|trade|swap)\s+(?:me\s+)?"
            r"(?:some\s+|a\s+|more\s+|your\s+|any\s+)?nudes?\b",
            "nude nudes",
            None,
        ),
        (
            r"\b(?:nude|naked|topless|sexy|hot|spicy|dirty|lewd|nsfw|private)\s+(?:pics?|"
            r"pictures?|photos?|selfies?|vids?|videos?|snaps?)\b",
            IMAGE_WORDS,
            ASKED,
        ),
        (
            r"\b(?:pics?|pictures?|photos?|selfies?|snaps?|vids?|videos?)\s+(?:of\s+(?:you|"
            rf"yourself)\s+)?{SEXUAL_FRAMING}",
            IMAGE_WORDS,
            ASKED,
        ),
        (
            rf"\b(?:send|show|take)\s+(?:me\s+)?(?:a\s+)?(?:\w+\s+)?{IMAGE}\s+without\b",
            "without",
            None,
        ),
        (
            r"\b(?:take|taking)\s+(?:off|of)\s+(?:your\s+)?(?:clothes|top|shirt|bra|pants|knickers|"
            r"underwear|trousers|skirt|dress)\b",
            "take taking",
            None,
        ),
        (
            r"\bshow\s+(?:me\s+)?your\s+(?:body|boobs|tits|chest|bum|butt|ass|privates|private\s+"
            r"parts|dick|penis|vagina|pussy|bra|underwear|knickers)\b",
            "show",
            None,
        ),
        (
            rf"\b(?:are|r)\s+{YOU}\s+(?:naked|undressed|in\s+(?:your\s+)?(?:underwear|bra|"
            r"knickers|pyjamas|pjs|bed|the\s+(?:shower|bath)))\b",
            "naked undressed underwear bra knickers pyjamas pjs bed shower bath",
            None,
        ),
    )
)

GIFT = (
    r"(?:robux|v-?bucks|vbucks|gift\s*cards?|giftcards?|money|cash|skins?|nitro|minecoins|"
    r"gems|coins|credit|top[- ]?ups?|paysafe|amazon\s+vouchers?|vouchers?|steam\s+(?:cards?|"
    r"credit|games?)|itunes|google\s+play|psn|a\s+new\s+phone|phone|iphone|airpods|clothes|"
    r"presents?|gifts?|anything\s+you\s+want|whatever\s+you\s+want|stuff|something\s+nice|"
    r"makeup|trainers|£\s?\d+|\$\s?\d+|\d+\s?(?:quid|pounds|dollars|euros))"
)
GIFTS = (
    _g(
        "gifts",
        r"\b(?:i'll|i\s+will|i\s+can|i\s+could|i'd|let\s+me|i'm\s+going\s+to|i\s+want\s+to|i\s+"
        r"would)\s+(?:\w+\s+)?(?:buy|get|give|send|pay|gift|transfer|top\s+up)\s+(?:you|ya)\s+"
        rf"(?:a\s+|some\s+|an\s+|the\s+|free\s+|all\s+the\s+)?(?:\w+\s+)?{GIFT}",
        GIFT_WORDS,
        unless=r"\b(?:birthday|bday|christmas|xmas|lunch|a\s+drink|ice\s+cream|sweets|"
        r"back|owe|borrowed|lent|for\s+the\s+(?:trip|tickets?))\b",
    ),
    _g(
        "gifts",
        r"\b(?:i'll|i\s+will|i\s+can|let\s+me)\s+pay\s+(?:for\s+)?(?:you|your)\b",
        "pay",
        unless=r"\b(?:back|owe|lunch|ticket|tickets|bus|cinema|share|half)\b",
    ),
    _g(
        "gifts",
        r"\b(?:do\s+you\s+want|want|you\s+want|need|who\s+wants)\s+(?:some\s+)?(?:free\s+)?"
        r"(?:robux|v-?bucks|vbucks|nitro|minecoins|gift\s*cards?|money|cash)\b",
        "robux vbucks bucks nitro minecoins gift giftcard giftcards money cash",
        unless=r"\b(?:earn|chores|job|pocket\s+money|how\s+(?:do|can)\s+i)\b",
    ),
    _g("gifts", r"\bfree\s+(?:robux|v-?bucks|vbucks|nitro|minecoins|gift\s*cards?)\b", "free"),
    _g(
        "gifts",
        rf"\bi\s+(?:just\s+)?(?:sent|gave|bought|got|transferred)\s+(?:you|ya)\s+(?:a\s+|some\s+|"
        rf"the\s+)?(?:\d+\s+)?{GIFT}",
        GIFT_WORDS,
        unless=r"\b(?:birthday|bday|christmas|xmas|back|owe\s+you|lunch)\b",
    ),
    _g(
        "gifts",
        r"\b(?:i'll|i\s+will|i\s+can)\s+(?:paypal|cashapp|venmo|revolut|bank\s+transfer)\s+(?:you|"
        r"ya)\b",
        "paypal cashapp venmo revolut bank",
    ),
    _g(
        "gifts",
        r"\b(?:in\s+exchange\s+for|in\s+return\s+for)\s+(?:a\s+|some\s+|your\s+)?(?:pic|pics|"
        r"picture|photo|photos|selfie|video|nudes?)\b",
        "exchange return",
    ),
)

MEETING = (
    _g(
        "meeting",
        r"\b(?:meet|meeting|hang\s+out|link\s+up)\s+(?:up\s+)?(?:irl|in\s+person|in\s+real\s+"
        r"life|face\s+to\s+face|for\s+real|alone|somewhere|one\s+day|sometime|soon)\b",
        "meet meeting hang link",
        unless=ORDINARY_MEETING,
    ),
    _g(
        "meeting",
        r"\b(?:let's|lets|we\s+should|can\s+we|could\s+we|shall\s+we|want\s+to|we\s+could|"
        r"when\s+can\s+we|i\s+want\s+to|i'd\s+love\s+to|i\s+wanna|we\s+need\s+to)\s+"
        r"(?:finally\s+|just\s+)?meet\b(?!\s+(?:other|new|more|some|people|friends|kids|someone|"
        r"them|her|him)\b)",
        "meet",
        unless=ORDINARY_MEETING,
    ),
    _g(
        "meeting",
        r"\bi(?:'ll|ll|\s+can|\s+could|\s+will|'d|\s+would)\s+(?:come\s+and\s+|come\s+)?(?:see|"
        r"visit)\s+(?:you|ya)\b(?!\s+(?:at|in)\s+(?:school|class|the\s+match|practice|training|"
        r"club))|\b(?:you\s+can|you\s+could|come\s+and)\s+(?:stay|live|sleep)\s+(?:with\s+me|at\s+"
        r"mine|at\s+my\s+(?:place|house|flat))\b|\bdo\s+you\s+live\s+(?:near|in|around|close\s+"
        r"to|by)\b",
        "see visit stay live sleep",
        unless=ORDINARY_MEETING,
    ),
    _g(
        "meeting",
        rf"\b(?:meet|see)\s+(?:me|{YOU})\s+(?:alone|in\s+secret|secretly|somewhere\s+(?:quiet|"
        r"private)|without\s+(?:your|telling))",
        "alone secret secretly somewhere quiet private without",
    ),
    _g(
        "meeting",
        r"\bmeet\s+me\s+(?:at|behind|outside|in|after|by|near|tonight|tomorrow|round)\b",
        "meet",
        unless=ORDINARY_MEETING,
    ),
    _g(
        "meeting",
        rf"\bwhere\s+(?:do|d)\s+{YOU}\s+live\b",
        "live",
        # A parent driving the child over: "my mum's dropping me to yours for the party".
        unless=r"\b(?:mum|mom|dad|parents?)(?:'s|\s+is|\s+will)\s+(?:\w+\s+)?(?:dropping|driving|"
        r"bringing|taking|picking)\b|\b(?:sleepover|party|invitations?|invites?)\b",
    ),
    _g(
        "meeting",
        r"\bwhat\s+(?:town|city|area|street|road|part\s+of\s+\w+|postcode|village|estate)\s+"
        rf"(?:do\s+{YOU}\s+live|are\s+{YOU}\s+(?:in|from|at)|do\s+{YOU}\s+live\s+in)\b",
        "town city area street road part postcode village estate",
    ),
    _g(
        "meeting",
        rf"\bwhat(?:'s|\s+is)\s+{YOUR}\s+(?:address|postcode|zip\s*code|home\s+address|"
        r"location|house\s+number)\b",
        "address postcode zip home location house",
        unless=r"\b(?:form|register|delivery|parcel|invitation|invite|party)\b",
    ),
    _g(
        "meeting",
        rf"\b(?:what|which)\s+school\s+(?:do\s+{YOU}\s+go\s+to|are\s+{YOU}\s+(?:at|in)|do\s+"
        rf"{YOU}\s+attend)\b",
        "school",
    ),
    _g(
        "meeting",
        rf"\b(?:send|share|give|drop|tell)\s+(?:me\s+)?{YOUR}\s+(?:location|address|postcode|"
        r"live\s+location|pin|house\s+number)\b",
        "location address postcode pin house live",
        unless=r"\b(?:form|register|delivery|parcel|invitation|invite|party)\b",
    ),
    _g(
        "meeting",
        rf"\b(?:turn\s+on|share)\s+{YOUR}\s+(?:location|snap\s?map|find\s+my)\b",
        "location snapmap snap find",
    ),
    _g(
        "meeting",
        r"\bi(?:'ll|ll|\s+can|\s+could|\s+will|'d|\s+would)\s+(?:come\s+and\s+|come\s+)?(?:pick\s+"
        rf"{YOU}\s+up|get\s+{YOU}\s+from|drive\s+{YOU}|come\s+(?:to|round\s+to|over\s+to|by)\s+"
        rf"{YOUR}\s+(?:house|place|school|flat|home))",
        "pick drive house place flat home school",
        unless=ORDINARY_MEETING,
    ),
    _g(
        "meeting",
        r"\bcome\s+(?:over\s+to|round\s+to|to|round|over)\s+(?:my\s+(?:house|place|flat|car|room|"
        r"hotel)|mine)\b",
        "house place flat car room hotel mine",
        unless=ORDINARY_MEETING,
    ),
    _g(
        "meeting",
        r"\b(?:i\s+know|there's)\s+a\s+(?:place|spot)\s+(?:where\s+)?(?:we\s+can|no\s?one|"
        r"nobody)\b",
        "place spot",
    ),
)

# Coercion by exposure (sextortion): "or I send your pics to everyone", "or your mum
# sees our chats". Grooming by images or secrecy; haven.access.signals.bullying finds
# the same words as an explicit threat.
EXPOSE = (
    r"\b(?:or|unless|otherwise|if\s+(?:you|ya)\s+(?:don't|do\s+not|won't|refuse))\s+(?:else\s+)?"
    r"(?:i'll|ill|i\s+will|i'm\s+going\s+to|i|we'll|we)?\s*(?:send|post|share|show|leak|forward|"
    r"put)\s+(?:your|these|those|them|the|our|all\s+(?:your|the|our))\s+(?:\w+\s+)?(?:pics|"
    r"photos|pictures|nudes|videos?|vids?|snaps|screenshots|chats|messages|texts)\b"
)
EXPOSE_TO = (
    rf"\b(?:or|unless|otherwise)\s+(?:else\s+)?(?:your\s+)?(?:{PARENT}|whole\s+school|school|"
    r"friends|followers|everyone|class|year)\s+(?:sees?|gets?\s+(?:it|them|to\s+see)|will\s+"
    r"(?:see|know|find\s+out)|finds?\s+out|knows?|hears?)\b"
)
# More ways of saying the same things, as children and the adults who target them write.
MORE: tuple[Rule, ...] = (
    _g(
        "asking_age",
        r"\b(?:you're|your|you\s+are)\s+(?:only\s+|really\s+|actually\s+|just\s+)?(?:1[0-9]|[5-9]|"
        r"ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)\s*\?",
        "10 11 12 13 14 15 16 17 5 6 7 8 9 ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen",
        unless=AGE_ORDINARY,
    ),
    _g(
        "isolation",
        rf"\b{YOU}\s+(?:seem|look|sound|act)\s+(?:so\s+|really\s+|much\s+|way\s+)?(?:older|more\s+"
        r"mature|mature|grown\s+up)\b|\byou\s+can\s+(?:always\s+)?trust\s+me\b(?!\s+(?:to|with)\b)|"
        r"\byou(?:'re|\s+are)\s+(?:so\s+|really\s+|very\s+)?special\s+to\s+me\b|\b(?:nobody|"
        r"no\s?one)\s+(?:else\s+)?(?:would|"
        r"will|could)\s+(?:ever\s+)?understand\s+(?:us|our\s+\w+|what\s+we\s+have)\b",
        "older mature grown trust special understand",
    ),
    _g(
        "isolation",
        rf"\b{YOUR}\s+{PARENT}\s+(?:are|is)\s+(?:so\s+|too\s+|way\s+too\s+|really\s+)?(?:strict|"
        r"controlling|mean|unfair|overprotective|over-protective|annoying|horrible)\b|"
        r"\bjust\s+(?:us\s+two|the\s+two\s+of\s+us|you\s+and\s+me|me\s+and\s+you)\b",
        "strict controlling mean unfair overprotective annoying horrible just",
    ),
    _g(
        "secrecy",
        r"\bis\s+(?:anyone|anybody|someone)\s+(?:else\s+)?(?:home|there|with\s+you|around|"
        r"in\s+the\s+"
        r"room)\b|\bi\s+(?:won't|will\s+never|would\s+never|wouldn't)\s+tell\s+(?:anyone|anybody|"
        r"a\s+soul|your)\b",
        "anyone anybody someone won't never wouldn't",
    ),
    _g(
        "private_app",
        rf"\b(?:move|switch|come|go|jump|hop)\s+(?:over\s+)?(?:to|on|onto)\s+{APPS}\b|\b(?:got|"
        rf"have|use)\s+{APPS}\s*\?|\b(?:you|u)\s+on\s+{APPS}\b",
        APP_WORDS,
        unless=r"\b(?:raid|squad|clan|guild|lobby|homework|project|group\s+chat|class\s+chat)\b",
    ),
    _g(
        "images",
        r"(?:^|(?<=[.!?\n]))[^\w\n]*(?:any\s+|more\s+)?(?:pics?|selfies?|photos?|pix)\s*\?|"
        rf"\bshow\s+(?:me|us)\s+{YOUR}\s+(?:outfit|clothes|body|legs)\b",
        f"{IMAGE_WORDS} outfit clothes body legs",
        unless=ORDINARY_PICTURE,
        not_after=None,
    ),
    _g(
        "gifts",
        r"\b(?:i'll|ill|i\s+will|i\s+can|i\s+could|let\s+me)\s+(?:top\s+up|pay\s+for|"
        r"buy)\s+(?:your|"
        r"ur)\s+(?:phone|credit|data|game|games|account|skins?|ticket)\b|\b(?:i'll|ill|i\s+will|"
        r"i\s+can)\s+(?:give|send|pay)\s+(?:you|ya)\s+[£$€]\s?\d+",
        "top pay buy give send £ $ €",
        unless=r"\b(?:birthday|bday|christmas|xmas|back|owe|lunch|chores|pocket\s+money)\b",
    ),
    _g(
        "meeting",
        r"\b(?:which|what)\s+(?:park|shop|shops|club|gym|library|bus\s+stop|street|road|area|"
        r"estate)\s+(?:do|d)\s+you\s+(?:go\s+to|live\s+on|live\s+near|hang\s+out\s+at|use)\b|"
        r"\bi(?:'ll|ll|\s+will|\s+can|\s+could)\s+(?:wait|"
        r"be\s+waiting)\s+(?:for\s+you\s+)?(?:outside|"
        r"at|near|by)\s+(?:your|the)\s+(?:school|house|home|gate|gates|bus\s+stop)\b|\b(?:meet|"
        r"hang\s+out)\s+(?:up\s+)?just\s+(?:us|the\s+two\s+of\s+us|you\s+and\s+me)\b",
        "park shop shops club gym library bus street road area estate wait waiting just",
        unless=ORDINARY_MEETING,
    ),
)

PET_NAMES = r"(?:cutie|babe|baby\s+girl|sweetie|gorgeous|beautiful|princess|hun|hunny|sexy|darling)"
MORE += (
    _g(
        "asking_age",
        rf"\b{PET_NAMES}\b[^.!?\n]{{0,30}}\bwhat\s+(?:year|grade|class)\s+(?:are|r)\s+{YOU}\s+in\b",
        "cutie babe baby sweetie gorgeous beautiful princess hun hunny sexy darling",
    ),
    _g(
        "isolation",
        rf"\b{YOUR}\s+{PARENT}\b[^.!?\n]{{0,30}}\b(?:don't|do\s+not|doesn't|never)\s+(?:really\s+)?"
        rf"(?:care\s+about|love|understand|listen\s+to|get)\s+{YOU}\b",
        PARENTS,
    ),
    _g(
        "secrecy",
        rf"\b{YOUR}\s+(?:{PARENT}|friends?)\s+(?:don't|doesn't|do\s+not|does\s+not)\s+(?:need|have)\s+"
        rf"to\s+know\b|\bwhen\s+(?:everyone(?:'s|\s+is)?|{YOUR}\s+{PARENT}\s+(?:are|is|'re)|they're|"
        r"they\s+are)\s+(?:asleep|in\s+bed|out|at\s+work|gone|away)\b",
        f"{PARENTS} friend friends asleep bed out work gone away",
        unless=ORDINARY_SECRECY,
    ),
    _g(
        "images",
        r"\b(?:got|have\s+you\s+got|any)\s+(?:any\s+)?more\s+(?:pics|photos|pictures|selfies|vids|"
        r"videos)\b",
        IMAGE_WORDS,
        unless=ORDINARY_PICTURE,
    ),
    rule(
        "grooming.images",
        LIKELY_ALONE,
        rf"\bsend\s+(?:me\s+)?one\s+(?:of\s+(?:you|yourself)\s+)?{SEXUAL_FRAMING}",
        "send",
        unless=LESSON,
        near=True,
    ),
    _g(
        "gifts",
        rf"\b(?:want|do\s+you\s+want)\s+me\s+to\s+(?:buy|get|send|pay\s+for)\s+{YOU}\b",
        "buy get send pay",
        unless=r"\b(?:lunch|a\s+drink|snack|chips|sweets|back)\b",
    ),
    _g(
        "meeting",
        rf"\bwhen\s+can\s+(?:i|we)\s+(?:see|meet)\s+(?:{YOU}|each\s+other)\b|\b{YOU}\s+live\s+(?:near|"
        r"by|next\s+to|close\s+to|round|around)\b",
        "see meet live",
        unless=ORDINARY_MEETING,
    ),
)

EXPOSE_WORDS = "pics photos pictures nudes videos video vids snaps screenshots chats messages texts"
EXPOSE_TO_WORDS = f"{PARENTS} school friends followers everyone class year"
COERCION = (
    rule("grooming.images", LIKELY_ALONE, EXPOSE, EXPOSE_WORDS, unless=LESSON, near=True),
    _g("secrecy", EXPOSE_TO, EXPOSE_TO_WORDS),
)

RULES: tuple[Rule, ...] = (
    ASKING_AGE
    + SECRECY
    + ISOLATION
    + PRIVATE_APP
    + IMAGES
    + SEXUAL_IMAGES
    + GIFTS
    + MEETING
    + MORE
    + COERCION
)


def level_for(kinds: set[str], any_likely: bool) -> str:
    """Two or more kinds of pattern together, or images with a sexual framing."""
    return "likely" if any_likely or len(kinds) >= 2 else "possible"


def signals(text: Text) -> list[Found]:
    return [hit.found() for hit in find(RULES, text)]
