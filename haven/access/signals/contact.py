"""More grooming patterns, by what a message asks of the child rather than its exact
words: the age by other routes (birth year, school year with a compliment, "I'm 15
too, wbu?", "DM me your age"), the camera ("turn your cam on", "got any more selfies?",
a full-length photo), a less watched app ("a different app, this one records
everything"), where the child lives and being "in your area", paying their fare,
gifts in every currency children meet (skins, Robux, airtime, data, gift cards), a
cover story for a parent ("if your mum asks, say I'm from your class"), and setting the
child against family and friends ("talk to me instead of them", "stick with me").

Each is one "possible" sign, as in haven.access.signals.grooming, and counts with the
signs found there towards "likely".
"""

from haven.access.signals.grooming import LESSON, PET_NAMES
from haven.access.signals.lexicon import PARENT
from haven.access.signals.rules import Found, Rule, find, rule
from haven.access.signals.text import Text

ORDINARY = (
    r"\b(?:register|registration|form|team|club|coach|sign\s+up|tickets?|discount|birthday|"
    r"bday|🎂|party|quiz|survey|homework|project|lesson|class\s+photo|newsletter|teams|zoom|"
    r"teacher|miss|sir|mrs|mr|register)\b"
)
COMPLIMENT = (
    rf"\b(?:{PET_NAMES}|cute|hot|pretty|fit|stunning|mature|grown\s+up|nice\s+smile|"
    r"lovely|special|😍|😘|🥰)"
)


def _g(name: str, pattern: str, triggers: str, unless: str = ORDINARY, **context) -> Rule:
    context.setdefault("near", True)
    return rule(
        f"grooming.{name}", "possible", pattern, triggers, unless=f"{unless}|{LESSON}", **context
    )


RULES: tuple[Rule, ...] = (
    _g(
        "asking_age",
        r"\b(?:what\s+year|when)\s+(?:were|was)\s+(?:you|ya)\s+born\b|\b(?:your)\s+(?:birth\s?year|"
        r"dob|date\s+of\s+birth)\b|\b(?:send|dm|tell|text|give|drop|pm)\s+(?:me\s+)?(?:your)\s+"
        r"(?:real\s+)?(?:age|user(?:name)?\s+and\s+age)\b|\bi'm\s+(?:1[0-9]|[5-9]|\w+teen)\s*"
        r"(?:too|as\s+well|also)?\b[^\n]{0,20}\b(?:wbu|hbu|what\s+about\s+you|how\s+about\s+you|"
        r"and\s+you)\b",
        "year when born birth birthyear dob date send dm tell text give drop pm wbu hbu about you",
    ),
    _g(
        "asking_age",
        r"\b(?:are\s+)?(?:you|ya)\s+in\s+(?:year|yr|grade|class|form|std|standard|jss|primary)\s*"
        r"\d+\b(?=[^\n]{0,20})",
        "year yr grade class form std standard jss primary",
        only_after=rf"{COMPLIMENT}[^\n]{{0,30}}$",
    ),
    _g(
        "images",
        r"\b(?:turn|switch|put|flip)\s+(?:on\s+)?(?:your)\s+(?:cam|camera|webcam|video)\b|"
        r"\b(?:full[- ]length|full\s+body|whole\s+body|body)\s+(?:photo|pic|picture|shot|selfie|"
        r"vid|video)s?\b|\b(?:got|have)\s+any\s+(?:more\s+)?(?:selfies|pics|photos|pictures)\b|"
        r"\bgot\s+any\s+more\s*\?",
        "turn switch put flip cam camera webcam video length full whole body got have more",
    ),
    _g(
        "private_app",
        r"\b(?:on|to|use|move\s+to|switch\s+to|talk\s+on|chat\s+on|call\s+on|go\s+on)\s+(?:a\s+)?"
        r"(?:diff|different|another|other|private|more\s+private|safer|secret)\s+(?:app|platform|"
        r"site|chat|server|account)\b|\bthis\s+(?:one|app|chat|site)\s+(?:records|saves|logs|"
        r"is\s+(?:monitored|moderated|watched|recorded))\b",
        "diff different another other private safer secret records saves logs monitored "
        "moderated watched recorded",
    ),
    _g(
        "meeting",
        r"\bwhereabouts\s+(?:do|are|d'you)\s+(?:you|ya)\b|\b(?:in|near|around|round)\s+(?:your)\s+"
        r"(?:area|town|city|neighbourhood|hood|street|ends|way)\b|\b(?:pay\s+for|buy|book|get)\s+"
        r"(?:you\s+)?(?:your|a)\s+(?:bus|train|uber|taxi|ticket|fare|cab|ride|flight)\b[^\n]{0,30}"
        r"\b(?:see|meet|visit|come)\b",
        "whereabouts area town city neighbourhood hood street ends way bus train uber taxi "
        "ticket fare cab ride flight",
        unless=rf"{ORDINARY}|\b(?:mum|mom|dad|parents|nan|gran)(?:'s|\s+is|\s+will)\b",
    ),
    _g(
        "gifts",
        r"\b(?:send|gift|give|buy|top\s+up|get)\s+(?:you\s+)?(?:some\s+|a\s+)?(?:airtime|data|credit|"
        r"recharge|robux|vbucks|v-bucks|skins?|nitro|gift\s*cards?|money|cash|battle\s+pass)\b|"
        r"\b(?:i'll|ill|i\s+will|i\s+can|let\s+me)\s+(?:gift|buy|send|get)\s+(?:you\s+)?(?:it|one|"
        r"them|that)\b[^\n]{0,30}\b(?:add|dm|friend|follow|message|text)\s+me\b|\bspare\s+(?:robux|"
        r"vbucks|gift|steam|amazon|itunes|psn|nitro)\b|\b(?:send|give|dm)\s+(?:me\s+)?(?:your)\s+"
        r"(?:bank|card|account)\s+(?:details|number|info)\b",
        "send gift give buy top get spare bank card account",
        unless=rf"{ORDINARY}|\b(?:mum|mom|dad|parents|nan|gran|christmas|class|teacher)\b",
    ),
    _g(
        "secrecy",
        rf"\bif\s+(?:your)\s+{PARENT}\s+(?:asks|finds\s+out|sees|checks|says)\b[^.!?\n]{{0,40}}\b"
        r"(?:say|tell\s+(?:her|him|them)|pretend|lie)\b|\bno\s+tell\s+(?:your|anybody|anyone|"
        r"nobody)\b|\b(?:better|must|have\s+to|got\s+to)\s+keep\s+(?:answering|replying\s+to)\s+me\b",
        "asks finds sees checks says tell keep answering replying",
        unless=r"\b(?:surprise|birthday|party|present)\b",
    ),
    _g(
        "isolation",
        r"\b(?:talk\s+to|trust|come\s+to|rely\s+on)\s+me\s+(?:instead|rather)\b|\bstick\s+with\s+me\b|"
        r"\b(?:only|just)\s+i\s+(?:understand|get)\s+you\b|\bnobody\s+(?:understands|gets)\s+you\s+"
        r"like\s+(?:i|me)\b|\b(?:your)\s+(?:parents|mum|dad|mum\s+(?:and|n|&)\s+dad|mom\s+(?:and|n|"
        r"&)\s+dad|family)\s+(?:are|is)\s+never\s+(?:there|around|home)\b|\b(?:they|those\s+\w+"
        r"(?:\s+\w+){0,3})\s+(?:are|'re)\s+(?:fake|jealous|not\s+real\s+friends|using\s+you)\b"
        r"[^\n]{0,40}\bme\b",
        "talk trust come rely stick only just nobody parents mum dad mom family fake jealous "
        "real using",
        unless=r"\b(?:crowd|queue|station|festival|museum|lost|trip|field\s+trip)\b",
    ),
)


def signals(text: Text) -> list[Found]:
    return [hit.found() for hit in find(RULES, text)]
