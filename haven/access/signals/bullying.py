"""Bullying (insults, exclusion, harassment) and threats (veiled, explicit).

An insult needs an insulting word aimed at someone: "you're so ugly", "he's a loser",
"shut up, freak", or a message that is nothing but the insult. "I'm so ugly" is about
the writer; "they called me a loser" is a child telling someone what happened. Identity
words ("gay", "trans", "autistic", "Muslim") are never insults here, even where bullies
use them so, because the same words are how children describe themselves; slurs are.

Three or more insults in one text are harassment (a pile-on). Telling someone to kill
themselves is harassment and encouragement of self-harm
(haven.access.signals.self_harm), not a threat: the speaker does not say they will
harm anyone. Sextortion ("or I send your pics to everyone") is an
explicit threat as well as grooming.
"""

from haven.access.signals.grooming import (
    EXPOSE,
    EXPOSE_TO,
    EXPOSE_TO_WORDS,
    EXPOSE_WORDS,
    LESSON,
)
from haven.access.signals.lexicon import GAME, LAUGHTER, NEGATED, OBJECT, REPORTED, THIRD_IS, YOU
from haven.access.signals.peer import trash_talk
from haven.access.signals.rules import Found, Rule, find, rule
from haven.access.signals.self_harm import (
    NOT_TOLD_AFTER,
    TELLING_TO_DIE,
    TELLING_TRIGGERS,
    TOLD_AFTER,
)
from haven.access.signals.text import Text

PILE_ON = 3

# Names to call someone ("you idiot", "shut up, loser") and what to say they are
# ("you're so ugly", "he's a nobody"). Identity words are in neither list.
INSULT_NOUNS = (
    r"(?:idiots?|losers?|morons?|freaks?|weirdos?|retards?|spaz|spastic|mong|sluts?|whores?|"
    r"bitch|bitches|skanks?|hoes?|slags?|slappers?|cow|pigs?|whale|hippo|fatso|fatty|cunts?|twats?|"
    r"prick|dickheads?|wankers?|tosser|knobhead|bellend|arsehole|asshole|dumbass|jackass|scum|"
    r"scumbag|psycho|braindead|nonce|paedo|pedo|creep|minger|munter|faggots?|fags?|tranny|"
    r"trannies|clown|rat|snake|reject|cry\s?baby|waste\s+of\s+(?:space|oxygen|air|skin)|"
    r"piece\s+of\s+(?:shit|crap|trash|garbage))"
)
INSULT_ADJECTIVES = (
    r"(?:ugly|fat|stupid|dumb|thick|pathetic|disgusting|gross|worthless|useless|hideous|"
    r"repulsive|fugly|smelly|stinky|retarded|trash|garbage|(?:a\s+)?nobody|an?\s+(?:joke|"
    r"embarrassment|disgrace|mistake|failure))"
)
INSULT_WORDS = rf"(?:{INSULT_NOUNS}|{INSULT_ADJECTIVES})"
NOUN_TRIGGERS = (
    "idiot idiots loser losers moron morons freak freaks weirdo weirdos retard retards spaz "
    "spastic mong slut sluts whore whores bitch bitches skank skanks hoe hoes slag slags "
    "slapper slappers cow pig pigs "
    "whale hippo fatso fatty cunt cunts twat twats prick dickhead dickheads wanker wankers "
    "tosser knobhead bellend arsehole asshole dumbass jackass scum scumbag psycho braindead "
    "nonce paedo pedo creep minger munter faggot faggots fag fags tranny trannies clown rat "
    "snake reject cry crybaby waste piece"
)
INSULT_TRIGGERS = (
    f"{NOUN_TRIGGERS} ugly fat stupid dumb thick pathetic disgusting gross worthless useless "
    "hideous repulsive fugly smelly stinky retarded trash garbage nobody joke embarrassment "
    "disgrace mistake failure"
)
INTENSIFIERS = (
    r"(?:\s+(?:so|such|a|an|the|really|very|literally|actually|just|proper|fucking|fking|effing|"
    r"bloody|absolute|absolutely|total|totally|complete|completely|massive|big|fat|ugly|stupid|"
    r"dumb|little|lil|pathetic|disgusting|sad|sorry|dirty|gross|worthless|useless|utter|"
    r"fuckin|freaking|frigging|stinking|smelly|lazy|sad\s+little|right|annoying))"
)
# "You're not ugly", "you're so pretty, not ugly at all": kind words, not insults.
KIND = (
    r"\b(?:not|isn't|aren't|never|nobody\s+thinks|no\s?one\s+thinks|who\s+(?:said|says)|don't\s+"
    r"listen|don't\s+believe|stop\s+saying|you're\s+(?:so\s+)?(?:beautiful|pretty|gorgeous|"
    r"amazing|lovely|kind|smart|clever))\b"
)
NOT_INSULT_AFTER = rf"{NEGATED}|{REPORTED}|\b(?:i'm|i\s+am|i\s+feel|i\s+look|me)\s*$"
NOT_INSULT = (
    rf"{KIND}|\b(?:ily|ilysm|love\s+(?:you|ya)\s+(?:tho|though|really))\b|\b(?:joke|joking)\s+(?:about|with)|\b(?:fat|big)\s+(?:cat|chance|lot|"
    r"load)\b|\bjoke\s+(?:book|shop|about)|\brat\s+(?:poison|race)|\bsnake\s+(?:game|pit)"
)
# Not about a person: spam, bots, hacked accounts, a full party.
NOT_A_PERSON = r"\b(?:spam\w*|bot|bots|scam\w*|hacked|fake\s+account|party\s+is\s+full)\b"


def _b(name: str, level: str, pattern: str, triggers: str = INSULT_TRIGGERS, **context) -> Rule:
    context.setdefault("unless", NOT_INSULT)
    context.setdefault("not_after", NOT_INSULT_AFTER)
    return rule(f"bullying.{name}", level, pattern, triggers, **context)


INSULTS = (
    _b("insult", "insult", rf"\b{THIRD_IS}{INTENSIFIERS}{{0,4}}\s+{INSULT_WORDS}\b"),
    _b("insult", "insult", rf"\b(?:you|ya){INTENSIFIERS}{{0,3}}\s+{INSULT_NOUNS}\b", NOUN_TRIGGERS),
    _b(
        "insult",
        "insult",
        r"\b(?:shut\s+up|stfu|shut\s+it|hey|oi|go\s+away|get\s+lost|bye|move|nobody\s+asked|"
        r"no\s?one\s+asked|cry\s+about\s+it|piss\s+off|fuck\s+off|sod\s+off|get\s+out|ok|okay|"
        rf"shush|sit\s+down)\s*[,!.]*\s*(?:you\s+)?{INTENSIFIERS}{{0,2}}\s*{INSULT_NOUNS}\b",
        NOUN_TRIGGERS,
    ),
    # A sentence that is nothing but the insult: "LOSER!!!", "you freak."
    _b(
        "insult",
        "insult",
        rf"(?m)(?:^|(?<=[.!?\n]))[^\w\n]*(?:you\s+)?(?:(?:so|such\s+a|a|an|big|fat|ugly|stupid|"
        rf"dumb|little|fucking|absolute|dirty)\s+){{0,2}}(?:{INSULT_NOUNS}[^\w\n]*){{1,5}}(?:[.!?\n]|$)",
        NOUN_TRIGGERS,
        not_after=None,
    ),
    # An insult tagged on after a comma: "you're dead, snitch".
    _b(
        "insult",
        "insult",
        r",\s*(?:you\s+)?(?:little\s+|fucking\s+|dirty\s+|stupid\s+)?"
        rf"(?:{INSULT_NOUNS}|snitch)\s*(?:[.!?\n]|$)",
        f"{NOUN_TRIGGERS} snitch",
        unless=None,
    ),
    _b(
        "insult",
        "insult",
        r"\b(?:you're|you\s+are|he's|she's|your)\s+(?:a\s+|such\s+a\s+)?(?:little\s+|fucking\s+|"
        r"dirty\s+)?snitch\b",
        "snitch",
        unless=None,
    ),
    _b(
        "insult",
        "insult",
        rf"\b(?:are|r)\s+{YOU}\s+(?:so\s+|that\s+|really\s+|actually\s+|just\s+)?(?:stupid|dumb|"
        r"thick|deaf|blind|slow|retarded|brain\s?dead)\b",
        "stupid dumb thick deaf blind slow retarded braindead brain",
    ),
    _b(
        "insult",
        "insult",
        rf"\b{YOU}\s+(?:look|looks|smell|smells|sound|sounds)\s+(?:so\s+|really\s+)?(?:ugly|fat|"
        r"disgusting|gross|like\s+(?:a\s+)?(?:pig|whale|rat|troll|goblin|shit|crap|a\s+homeless|"
        r"an?\s+idiot)|horrible|rank|minging)\b",
        "smell smells ugly fat disgusting gross pig whale rat troll goblin shit crap homeless "
        "idiot horrible rank minging",
    ),
    _b(
        "insult",
        "insult",
        rf"\b(?:nobody|no\s?one|no1)\s+(?:(?:in|at)\s+(?:this|the|our|your)\s+\w+\s+|here\s+)?(?:even\s+)?"
        rf"(?:likes|loves|cares\s+about|wants)\s+{YOU}\b"
        rf"|\b{YOU}\s+(?:have|got|'ve\s+got)\s+no\s+(?:friends|mates|life)\b|\b{YOU}'ll\s+never\s+"
        r"(?:have|get)\s+(?:any\s+)?(?:friends|a\s+(?:boyfriend|girlfriend))\b",
        "likes loves cares wants friends mates life boyfriend girlfriend",
    ),
    _b(
        "insult",
        "insult",
        r"\b(?:nobody|no\s?one|no1)\s+(?:even\s+)?(?:picked|chose|invited|asked\s+for|wanted)\s+"
        r"(?:you|ya)\b",
        "picked chose invited asked wanted",
        unless=None,
    ),
)

MOCKING = (
    _b(
        "insult",
        "insult",
        r"\band\s+so\s+(?:are|is)\s+(?:you|she|he|they)\b",
        only_after=rf"{INSULT_ADJECTIVES}\s*$",
        unless=None,
    ),
    _b(
        "insult",
        "insult",
        r"\bgo\s+(?:and\s+)?cry\s+(?:to\s+(?:your\s+)?(?:mummy|mommy|mum|mom|mama)|me\s+a\s+"
        r"river|somewhere\s+else)\b",
        "cry",
        unless=None,
    ),
    _b(
        "insult",
        "insult",
        r"\b(?:dresses|dress|dressed)\s+(?:you|her|him)\s+like\s+(?:a\s+)?(?:clown|tramp|homeless|"
        r"beggar|granny|pig|freak|baby|loser)\b",
        "dresses dress dressed",
        unless=None,
    ),
    _b(
        "insult",
        "insult",
        r"\b(?:is|are)\s+(?:she|he|they|you)\s+(?:poor|homeless|deaf|blind|stupid|dumb|"
        r"slow)\s+or\s+(?:something|what)\b",
        "poor homeless deaf blind stupid dumb slow",
        unless=None,
    ),
    _b(
        "insult",
        "insult",
        r"\blook\s+at\s+(?:her|his|their|your|that\s+\w+'s)\s+(?:\w+\s+)?(?:shoes|clothes|hair|"
        r"face|teeth|trainers|bag|outfit|body|nose|glasses|legs|skin|spots|acne|coat|lunch)\b"
        r"(?=[^.!?\n]{0,40}(?:😂|🤣|\blol|\blmao|\bew+\b|\bpoor\b|\bcheap\b|\bgross\b|"
        r"\bugly\b|\bstate\s+of\b|\btramp\b|\bcringe\b|\bprimark\b))",
        "shoes clothes hair face teeth trainers bag outfit body nose glasses legs skin spots "
        "acne coat lunch",
        unless=None,
    ),
)

HARASSMENT = (
    _b(
        "harassment",
        "harassment",
        r"\b(?:everyone|everybody|we\s+all|all\s+of\s+us|the\s+whole\s+(?:class|school|year|"
        r"group|team)|literally\s+everyone)\s+(?:(?:hates|hate|is\s+laughing\s+at|are\s+"
        rf"laughing\s+at|laughs\s+at|is\s+talking\s+about)\s+{YOU}\b|(?:thinks|think|knows|"
        rf"says)\s+{YOU}(?:'re|\s+are)\s+(?:a\s+|an\s+|so\s+)?{INSULT_WORDS})",
        f"{INSULT_TRIGGERS} hates hate laughing laughs talking",
        unless=KIND,
    ),
    _b(
        "harassment",
        "harassment",
        r"\b(?:go|just)\s+die\b|\bdie\s+in\s+a\s+(?:hole|ditch|fire)\b|\bhope\s+(?:you|"
        r"ya)\s+(?:die|get\s+cancer|rot)\b|\b(?:you|ya)\s+(?:should|deserve\s+to)\s+die\b|\b(?:you|"
        r"ya)\s+don't\s+"
        r"deserve\s+to\s+(?:live|exist|be\s+alive)\b|\bworld\s+would\s+be\s+better\s+(?:off\s+)?"
        r"without\s+(?:you|ya)\b|\bnobody\s+would\s+care\s+if\s+(?:you|ya)\s+died\b|"
        r"\bmake\s+your\s+life\s+(?:hell|a\s+living\s+hell|miserable)\b",
        "die died cancer rot live exist alive without hell miserable",
        unless=rf"{KIND}|{GAME}",
    ),
    _b(
        "harassment",
        "harassment",
        r"\bgo\s+back\s+to\s+(?:your|ur)\s+(?:own\s+)?country\b",
        "country",
        unless=None,
    ),
    _b(
        "harassment",
        "harassment",
        r"\b(?:let's|lets|everyone|everybody|we\s+should|who\s+wants\s+to)\s+(?:all\s+)?"
        rf"(?:comment|spam|flood|reply|write|post)\b[^.!?\n]{{0,20}}\b{INSULT_WORDS}\b|\b(?:let's|"
        r"lets|everyone|everybody)\s+(?:all\s+)?(?:mass\s+)?report\s+(?:her|his|him|their|them)\b|"
        r"\b(?:hate\s+(?:page|account|group|chat)|burn\s+book|expos(?:e|ing)\s+(?:page|account))\b|"
        r"\b(?:video|post|page|account|group\s+chat|gc|tiktok)\s+(?:roasting|mocking|"
        r"making\s+fun\s+of|laughing\s+at|about\s+how\s+(?:ugly|fat|weird))\b",
        f"{INSULT_TRIGGERS} report hate burn expose exposing roasting mocking making laughing",
        unless=NOT_A_PERSON,
        not_after=None,
    ),
    rule(
        "bullying.harassment",
        "harassment",
        TELLING_TO_DIE,
        TELLING_TRIGGERS,
        only_after=TOLD_AFTER,
        not_after=NOT_TOLD_AFTER,
    ),
)


def _exclusion(pattern: str, triggers: str) -> Rule:
    return _b("exclusion", "harassment", pattern, triggers, unless=NOT_A_PERSON, not_after=None)


EXCLUSION = (
    _exclusion(
        r"\b(?:don't|do\s+not|never)\s+(?:let|invite|add|ask)\s+(?:her|him|them|that\s+\w+)\s+"
        r"(?:sit|in|to|join|come|play|hang|into)\b",
        "invite add sit join play hang",
    ),
    _exclusion(
        r"\b(?:she|he|they|you)\s+(?:can't|cannot|can\s+not)\s+(?:sit|play|hang\s+out)\s+with\s+"
        r"us\b|\b(?:don't|do\s+not|you\s+can't|you\s+cannot|you're\s+not\s+allowed\s+to)\s+"
        r"(?:sit|play|hang\s+out|eat)\s+with\s+us\b",
        "sit play hang eat",
    ),
    _exclusion(
        r"\b(?:kick|remove|block|ban)\s+(?:her|him|them)\s+(?:from|out\s+of|off)\s+(?:the|our|this)"
        r"\s+(?:group|chat|gc|server)\b",
        "kick remove block ban",
    ),
    _exclusion(
        r"\b(?:let's|lets|we\s+should|everyone|everybody)\s+(?:all\s+)?(?:ignore|block|leave\s+out|"
        r"exclude|unfriend|unfollow|ghost|freeze\s+out)\s+(?:her|him|them|that\s+\w+|\w+)\b",
        "ignore block leave exclude unfriend unfollow ghost freeze",
    ),
    _exclusion(
        r"\b(?:nobody|no\s?one)\s+(?:talk|talks|speak|speaks|sit|sits|play|plays)\s+(?:to|with)\s+"
        r"(?:her|him|them)\b",
        "talk talks speak speaks sit sits play plays",
    ),
    _exclusion(
        rf"\b{YOU}(?:'re|\s+are)\s+not\s+(?:invited|welcome|allowed)\b|\b(?:weren't|wasn't|were\s+"
        r"not|not)\s+invited\s+for\s+a\s+reason\b|\b(?:everyone|everybody)\s+stop\s+"
        r"(?:inviting|talking\s+to|adding)\s+\w+",
        "invited welcome allowed inviting adding",
    ),
    _exclusion(
        r"\bwhy\s+(?:are|is)\s+(?:you|she|he|they)\s+even\s+(?:here|in\s+(?:this|our|the)|allowed|"
        r"invited|talking|on\s+(?:this|our))\b",
        "even",
    ),
    _exclusion(
        r"\b(?:nobody|no\s?one)\s+(?:here\s+)?(?:is|'s|wants\s+to\s+be)\s+your\s+friend\b",
        "friend",
    ),
    _exclusion(
        r"\b(?:we\s+all|we've\s+all|everyone)\s+(?:agreed|decided|voted)\s+(?:that\s+)?(?:you're|"
        r"you\s+are|your|you|she's|he's|she|he)\s+(?:not|can't)\b",
        "agreed decided voted",
    ),
)

THREAT_AFTER = rf"{NEGATED}|{REPORTED}|\b(?:if|whether)\s+(?:\w+\s+)?$"
WILL = (
    r"(?:i'll|ill|i\s+will|i'm\s+going\s+to|i\s+am\s+going\s+to|i'm\s+coming\s+to|we'll|we\s+"
    r"will|we're\s+going\s+to|are\s+going\s+to|is\s+going\s+to|'re\s+going\s+to|'s\s+going\s+"
    r"to|i\s+want\s+to|i'm\s+about\s+to|i\s+swear\s+i'll|he'll|she'll|they'll)"
)
# Someone close to the child: "I'll hurt your little sister".
THEIRS = (
    r"(?:your|ur)\s+(?:little\s+|big\s+|baby\s+)?(?:sister|brother|mum|mom|dad|family|dog|cat|"
    r"friends?|mates?)"
)
HARM_VERBS = (
    "stab shoot murder strangle choke knife rape punch slap batter bash hurt kill jump deck "
    "drown glass attack kick smash destroy wreck end burn cut"
)
# Friends' hyperbole: "I'll kill you if you spoil the ending".
PLAYFUL = (
    r"\b(?:spoil\w*|the\s+ending|eat\s+my|finish\s+my|my\s+(?:chips|food|sweets|chocolate|seat))\b"
)


def _t(level: str, pattern: str, triggers: str, unless: str = GAME) -> Rule:
    return rule(f"threat.{level}", level, pattern, triggers, unless=unless, not_after=THREAT_AFTER)


THREATS = (
    _t(
        "explicit",
        rf"\b{WILL}\s+(?:(?:come|go)\s+(?:and\s+|round\s+and\s+)?)?(?:stab|shoot|murder|strangle|"
        r"choke|knife|rape|punch|slap|batter|bash|hurt|kill|jump|deck|drown|glass|attack|"
        rf"kick\s+(?:the\s+shit\s+out\s+of|your\s+head\s+in))\s+{OBJECT}\b(?!\s+(?:a|an|some|"
        rf"back|know|something|what|from|out\s+of|off|up\s+(?:to|for))\b)|\b{WILL}\s+(?:smash|"
        rf"destroy|wreck|end|burn|cut)\s+{OBJECT}\b(?!\s+(?:a|an|some|the|at|in|on|back|from|"
        r"out\s+of|off|up\s+(?:to|for))\b)",
        HARM_VERBS,
        unless=rf"{GAME}|{PLAYFUL}|{LAUGHTER}",
    ),
    _t(
        "explicit",
        rf"\b(?:beat|smash|batter|bash|mess|rough|fuck|knock|duff|jump)\s+{OBJECT}\s+(?:up|out)\b|"
        rf"\bbeat\s+the\s+(?:shit|crap|hell|living\s+daylights)\s+out\s+of\s+{OBJECT}\b",
        "beat smash batter bash mess rough fuck knock duff jump",
    ),
    _t(
        "explicit",
        r"\b(?:break|snap|smash)\s+(?:your|ur|his|her|their)\s+(?:legs?|neck|nose|face|arms?|jaw|"
        r"teeth|bones|skull|head|fingers)\b|\b(?:bring|bringing|got|have|carrying|taking)\s+(?:a|"
        r"my|the|my\s+\w+'s)\s+(?:knife|gun|blade|weapon|machete|shank)\s+(?:to\s+school|"
        r"into\s+school|tomorrow|for\s+(?:you|him|her)|with\s+me|on\s+monday|monday)\b",
        "legs leg neck nose face arm arms jaw teeth bones skull head fingers knife gun blade "
        "weapon machete shank",
    ),
    _t(
        "explicit",
        rf"\b{YOU}(?:'re|\s+are)\s+(?:so\s+)?(?:dead|dead\s+meat|going\s+to\s+die|finished)\s+"
        r"(?:after\s+school|tomorrow|when\s+i\s+(?:see|find|get)|on\s+monday|tonight|at\s+"
        r"(?:break|lunch|home\s+time))\b|\bif\s+(?:you|ya)\s+(?:[\w']+\s+){1,6}?(?:you're|you\s+"
        r"are|you'll\s+be)\s+(?:so\s+)?dead\b",
        "dead die finished",
    ),
    _t(
        "explicit",
        r"\b(?:shoot|shooting|bomb|blow|burn|blowing|burning)\s+(?:up\s+|down\s+)?(?:the|my|this|"
        r"our|your)\s+(?:school|class|mosque|church|synagogue|temple|gurdwara)(?:\s+(?:up|"
        r"down))?\b",
        "shoot shooting bomb blow burn blowing burning",
        unless=r"\b(?:news|police|reported|film|movie|game|scene|history)\b",
    ),
    _t(
        "explicit",
        rf"\b{WILL}\s+(?:post|send|share|leak|show|put)\s+(?:your|ur|these|those|the|them|all\s+"
        r"(?:your|the))\s+(?:\w+\s+)?(?:pics|photos|pictures|nudes|videos?|vids?|texts|messages|"
        r"screenshots|snaps)\b",
        EXPOSE_WORDS,
    ),
    _t(
        "explicit",
        r"\b(?:unless|or\s+(?:else\s+)?i'll|or\s+i\s+will)\s+(?:you\s+)?(?:send|pay|post|share|"
        r"leak|show|tell)\b",
        "unless else i'll will",
        unless=rf"{GAME}|{LESSON}",
    ),
    _t(
        "explicit",
        rf"\b{WILL}\s+(?:burn|smash|wreck|trash|break\s+into|torch|vandalise|vandalize|key)\s+"
        r"(?:your|ur|his|her|their)\s+(?:house|home|car|bike|flat|windows?|stuff|things)\b",
        "house home car bike flat window windows stuff things",
    ),
    _t(
        "explicit",
        r"\b(?:come\s+near|go\s+near|talk\s+to|tell\s+\w+|show\s+your\s+face|snitch|do\s+that)\b"
        r"[^.!?\n]{0,40}\band\s+you(?:'ll|\s+will)\s+(?:get|be)\s+(?:hurt|battered|"
        r"beaten(?:\s+up)?|jumped|stabbed|smashed|killed|dealt\s+with)\b",
        "hurt battered beaten jumped stabbed smashed killed dealt",
    ),
    _t(
        "explicit",
        r"\bi\s+know\s+where\s+you\s+live\b[^.!?\n]{0,20}\b(?:i'm|i\s+am|we're)\s+coming\b",
        "coming",
    ),
    _t("explicit", EXPOSE, EXPOSE_WORDS, unless=rf"{GAME}|{LESSON}"),
    _t("explicit", EXPOSE_TO, EXPOSE_TO_WORDS, unless=rf"{GAME}|{LESSON}"),
    _t(
        "explicit",
        rf"\b{WILL}\s+(?:stab|shoot|murder|hurt|kill|batter|beat\s+up|burn|attack|"
        rf"get)\s+{THEIRS}\b|"
        rf"\b{WILL}\s+make\s+sure\s+you\s+(?:never|can't|won't)\s+(?:walk|talk|see|come\s+back|"
        rf"show\s+your\s+face)\b|\b{WILL}\s+get\s+(?:my\s+)?(?:mates|friends|boys|brothers?|"
        rf"cousins?|"
        r"gang|dad|uncle)\s+to\s+(?:jump|batter|beat|hurt|sort|deal\s+with|get|stab|smash)\s+"
        r"(?:you|ya)\b|\bbreak\s+every\s+bone\s+in\s+(?:your|his|her)\s+body\b|\b(?:my|his|her|"
        r"our)\s+"
        r"(?:big\s+)?(?:brother|sister|dad|cousin|mates|friends|boyfriend|uncle|gang)\s+(?:will|"
        r"'ll|is\s+"
        r"going\s+to|are\s+going\s+to)\s+(?:batter|stab|beat|hurt|smash|jump|kill|deal\s+with|"
        r"sort)\s+(?:you|ya)\b",
        "stab shoot murder hurt kill batter beat burn attack get make mates friends boys brother "
        "brothers cousin cousins gang dad uncle bone",
    ),
    _t(
        "veiled",
        r"\b(?:say|do)\s+that\s+again\s+and\s+(?:see\s+what\s+happens|you'll|you're|i'll)\b|"
        r"\b(?:you're|"
        r"you\s+are|your)\s+going\s+to\s+get\s+it\b|\byou\s+(?:won't|will\s+not)\s+(?:get|"
        r"make\s+it|walk)\s+"
        r"home\s+(?:in\s+one\s+piece|alive|tonight)\b|\b(?:i'm|we're|i\s+am|we\s+are)\s+coming\s+"
        r"(?:for|after)\s+you\b|\bwon't\s+be\s+so\s+lucky\b|\bin\s+one\s+piece\b",
        "again get home coming lucky piece",
    ),
    _t(
        "explicit",
        rf"\b{WILL}\s+(?:punch|kick|smash|knock|bash|cave)\s+(?:your|ur|his|her)\s+(?:face|head|teeth)\s+"
        r"in\b|\b(?:you're|you\s+are|your)\s+(?:so\s+)?dead\s+meat\b",
        "punch kick smash knock bash cave meat",
    ),
    _t(
        "veiled",
        rf"\b{WILL}\s+get\s+(?:you|ya)\s+(?:after\s+school|tomorrow|tonight|later|on\s+the\s+way\s+home|"
        r"at\s+break|at\s+lunch|when\s+you\s+least\s+expect\s+it)\b|\bif\s+you\s+know\s+what's\s+good\s+"
        r"for\s+you\b|\bmake\s+your\s+life\s+(?:hell|a\s+living\s+hell|miserable)\b",
        "get good life",
    ),
    _t("veiled", r"\bwatch\s+(?:your|ur)\s+back\b", "watch"),
    _t(
        "veiled",
        rf"\bi\s+know\s+(?:where\s+{YOU}\s+(?:live|go)|which\s+(?:bus|house|school|way)\s+"
        r"you|your\s+address|where\s+your\s+\w+\s+(?:is|lives|works))",
        "know",
        unless=rf"{GAME}|\b(?:birthday|present|invite|invitation|party|parcel|drop\s+off|dropping\s+"
        r"off|card|lift|pick\s+you\s+up)\b",
    ),
    _t(
        "veiled",
        r"\bsleep\s+with\s+one\s+eye\s+open\b|\bi\s+wouldn't\s+(?:go|come|show\s+up|walk)\b"
        r"[^.!?\n]{0,30}\bif\s+i\s+(?:were|was)\s+you\b|\bremember\s+what\s+happened\s+to\s+"
        r"(?:the\s+last|that)\s+\w+|\bsee\s+what\s+happens\s+(?:if|when)\s+you\b|\bmake\s+sure\s+"
        r"(?:you|ya)\s+(?:regret|pay\s+for|are\s+sorry)|\byou\s+won't\s+be\s+(?:laughing|smiling|"
        r"so\s+(?:brave|tough|smug|cocky))\s+(?:on|tomorrow|after|when|for\s+long|much\s+longer)\b|"
        r"\bcareful\s+(?:walking|going|getting)\s+home\s+alone\b",
        "eye wouldn't happened happens regret laughing smiling brave tough smug cocky careful",
        unless=rf"{GAME}|\b(?:dark|text\s+me|call\s+me|love|xx|let\s+me\s+know)\b",
    ),
    _t(
        "veiled",
        rf"\b{YOU}(?:'ll|\s+will|'re\s+going\s+to|\s+are\s+going\s+to)\s+(?:regret\s+(?:it|this|"
        r"that)|pay\s+for\s+(?:it|this|that)|be\s+sorry|get\s+what's\s+coming|never\s+see\s+it\s+"
        r"coming|see\s+what\s+happens)\b",
        "regret pay sorry coming happens",
    ),
    _t(
        "veiled",
        r"\bor\s+else\s*(?:[.!?]|$)|\bwait\s+(?:till|until)\s+(?:after\s+school|i\s+"
        r"(?:see|find|get)\s+you|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
        r"tomorrow|home\s+time|break|lunch|the\s+weekend)\b",
        "else wait",
    ),
    _t(
        "veiled",
        rf"\b{YOU}\s+(?:better|had\s+better|'d\s+better)\s+(?:watch\s+out|be\s+careful|watch\s+"
        r"yourself|sleep\s+with\s+one\s+eye\s+open|not\s+tell|keep\s+(?:quiet|your\s+mouth\s+shut)|"
        r"run)\b|\b(?:something|bad\s+things)\s+(?:bad\s+)?(?:might|could|will|is\s+going\s+to|"
        rf"would)\s+happen\s+to\s+(?:{YOU}|your)\b|\b(?:it|that)\s+would\s+be\s+a\s+shame\s+if\b",
        "better something bad shame",
    ),
    _t(
        "veiled",
        rf"\b{WILL}\s+(?:make\s+{YOU}\s+(?:pay|regret|sorry|suffer)|find\s+{YOU}|come\s+(?:for|"
        rf"after)"
        rf"\s+{YOU}|get\s+{YOU}\s+(?:back|for\s+this|for\s+that)|tell\s+everyone\s+(?:your|you're|"
        r"about|that\s+you))\b",
        "pay regret sorry suffer find come get tell",
        unless=rf"{GAME}|{LAUGHTER}|\b(?:prank|april\s+fools)\b",
    ),
)

# More ways of saying the same things.
MORE: tuple[Rule, ...] = (
    _b(
        "insult",
        "insult",
        r"\bwhy\s+would\s+(?:anyone|anybody)\s+(?:ever\s+)?(?:be\s+friends\s+with|like|date|love|want\s+"
        r"to\s+(?:be\s+friends\s+with|hang\s+out\s+with|talk\s+to|sit\s+with))\s+you\b|\bstop\s+"
        r"(?:crying|whining|moaning)\s*,?\s*(?:you\s+)?(?:baby|crybaby|cry\s+baby|wimp|wuss|snowflake)\b",
        "anyone anybody crying whining moaning",
        unless=NOT_INSULT,
    ),
    _b(
        "insult",
        "insult",
        r"\bimagine\s+(?:being|looking|smelling)\s+(?:this|that|so)\s+(?:ugly|fat|stupid|dumb|thick|"
        r"pathetic|disgusting|gross|poor|weird|cringe|short|annoying|desperate|sad|lonely|bad|"
        rf"smelly)\b|\blook\s+at\s+(?:this|that|the)\s+{INSULT_NOUNS}"
        r"(?=\s*(?:[.!?,]|$|lol|lmao|haha|😂|🤣))|\b(?:he|she|they|you)\s+(?:smells?|stinks?)"
        r"(?=\s*(?:[.!?,]|$|so\s+bad|like\s+(?:poo|shit|crap|sick|piss|a\s+(?:bin|toilet|dog|pig))|"
        r"of\s+(?:poo|shit|piss|sick|bo)\b|lol|😂|🤣))|\bdid\s+(?:your|ur)\s+(?:mum|mom|nan|gran)\s+"
        r"dress\s+you\b",
        f"{NOUN_TRIGGERS} imagine smell smells stink stinks dress",
        unless=NOT_INSULT,
    ),
    _b(
        "harassment",
        "harassment",
        r"\b(?:everyone|everybody|we\s+all|all\s+of\s+us)\s+(?:thinks|think|knows|"
        r"says)\s+(?:you're|"
        r"you\s+are|your)\s+(?:so\s+|a\s+|such\s+a\s+)?(?:weird|annoying|cringe|creepy|fake|a\s+"
        r"freak|a\s+weirdo|a\s+loser|a\s+liar|a\s+snake)\b|\b(?:we're|we\s+are|they're|they\s+are|"
        r"people\s+are|everyone's|everyone\s+is)\s+(?:all\s+)?laughing\s+at\s+you\b",
        "weird annoying cringe creepy fake freak weirdo loser liar snake laughing",
        unless=KIND,
    ),
    _exclusion(
        r"\b(?:get\s+out\s+of|leave)\s+(?:our|the|this)\s+(?:group(?:\s+chat)?|gc|chat|server|"
        r"table|team)\b(?!(?:\s+chat)?\s+(?:if|when|before|after|at|by|unless)\b)|\b(?:don't|do\s+not|"
        r"never)\s+(?:sit|"
        r"stand|play|talk)\s+(?:next\s+to|near|with)\s+(?:him|her|them)\b|\b(?:can|could)\s+you\s+"
        r"not\s+(?:talk\s+to|sit\s+with|hang\s+out\s+with|message)\s+us\b",
        "get leave sit stand play talk can could",
    ),
)

RULES: tuple[Rule, ...] = INSULTS + MOCKING + HARASSMENT + EXCLUSION + MORE + THREATS


def signals(text: Text) -> list[Found]:
    hits = [hit for hit in find(RULES, text) if not trash_talk(text, hit.start, hit.end)]
    found = [hit.found() for hit in hits]
    insults = [hit for hit in hits if hit.rule.kind == "bullying.insult"]
    if len({hit.start for hit in insults}) >= PILE_ON:
        first = min(insults, key=lambda hit: hit.start)
        found.append(Found(first.start, first.end, "bullying.pile_on", "harassment"))
    return found
