"""Bullying and threats by structure, with a broad lexicon: what is said *to* or *about*
a person, not the stock phrases.

Insults: a person ("you're", "ur", "he's", a name at the start of a sentence, a
vocative after a comma) and a word from a wide lexicon of insults and appearance
mockery in UK, US, Indian, Nigerian and Australian English and text-speak. Mockery of
looks, voice, smell or clothes ("u dress like ur nan", "imagine having a lisp like
that 😂"). Exclusion and humiliation: new groups "without you", "don't add her to the
gc, she's weird", rating and voting on who is ugliest, spreading a rumour, sharing a
video of someone crying. Harassment that persists ("till u delete ur account").

Threats: "I'll / we'll / gonna + harm verb + you", "you're getting battered", "ur dead
on monday", and veiled forms — waiting outside, "I saw you walk home alone… be careful",
"nice house you got", "wait and see what I'll do to you", "won't be the only thing that
gets broken", blackmail ("… or I'm telling everyone", "or these pics go to your
family"). Games and sport, friends' hyperbole and reported words are left alone.
"""

import re

from haven.access.signals.lexicon import GAME, NEGATED, REPORTED
from haven.access.signals.rules import Found, Rule, find, rule
from haven.access.signals.text import Text

# Insults not in haven.access.signals.bullying's shorter list.
NOUNS = (
    r"(?:olodo|mumu|mugu|ode|oloshi|ashawo|duffer|bewakoof|gadha|ullu|chutiya|kameena|"
    r"bozo|dweeb|dork|doofus|goof|muppet|numpty|plonker|div|melt|wasteman|waste\s+man|neek|"
    r"nerd|geek|bum|tramp|scrub|try\s?hard|simp|incel|pleb|sket|tart|donkey|dumbo|dummy|"
    r"dimwit|nitwit|halfwit|imbecile|cretin|buffoon|oaf|slob|lard\s?ass|fat\s?ass|porker|"
    r"pizza\s+face|crater\s+face|four\s+eyes|goblin|troll|gremlin|ogre|worm|cockroach|"
    r"parasite|leech|npc|wimp|wuss|snowflake|suck\s?up|nutter|nutcase|loony|bogan|drongo|"
    r"galah|dropkick|deadshit|fuckwit|dipshit|shithead|twit|prat|git|chav|loser|losers|"
    r"freak|freaks|weirdo|rat|pig|fatty|fatso|idiot|moron|clown|reject|creep|cow|whale|"
    r"rejects)"
)
ADJECTIVES = (
    r"(?:ugly|fat|stupid|dumb|thick|weird|cringe|cringey|cringy|annoying|irritating|pathetic|"
    r"worthless|useless|smelly|stinky|greasy|crusty|dusty|musty|dirty|nasty|rank|minging|"
    r"manky|grim|vile|revolting|hideous|deformed|gross|disgusting|fugly|butters|slow|"
    r"brainless|clueless|talentless|friendless|desperate|needy|clingy|fake|two[- ]faced|"
    r"irrelevant|boring|lame|sad|so\s+poor|broke|a\s+waste\s+of\s+space|trash|garbage|"
    r"rubbish|embarrassing|a\s+joke|retarded|spastic|mental|psycho|creepy|a\s+nobody)"
)
WORD_TRIGGERS = (
    "olodo mumu mugu ode oloshi ashawo duffer bewakoof gadha ullu chutiya kameena bozo dweeb "
    "dork doofus goof muppet numpty plonker div melt wasteman waste neek nerd geek bum tramp "
    "scrub tryhard try simp incel pleb sket tart donkey dumbo dummy dimwit nitwit halfwit "
    "imbecile cretin buffoon oaf slob lardass lard fatass porker pizza crater four goblin "
    "troll gremlin ogre worm cockroach parasite leech npc wimp wuss snowflake suckup suck "
    "nutter nutcase loony bogan drongo galah dropkick deadshit fuckwit dipshit shithead twit "
    "prat git chav loser losers freak freaks weirdo rat pig fatty fatso idiot moron clown "
    "reject rejects creep cow whale nobody failure disgrace mistake joke ugly fat stupid dumb "
    "thick weird cringe cringey cringy annoying irritating pathetic worthless useless smelly "
    "stinky greasy crusty dusty musty dirty nasty rank minging manky grim vile revolting "
    "hideous deformed gross disgusting fugly butters slow brainless clueless talentless "
    "friendless desperate needy clingy fake two irrelevant boring lame sad poor broke trash "
    "garbage rubbish embarrassing retarded spastic mental psycho creepy"
)
SO = (
    r"(?:\s+(?:so|such|a|an|the|really|very|literally|actually|just|proper|absolute|total|"
    r"complete|massive|big|fat|ugly|little|lil|sad|dirty|utter|fucking|bloody|right|well))"
)
# Affection, banter and games: "ur trash at fortnite (ily tho)".
FRIENDLY = (
    r"\b(?:ily|ilysm|love\s+(?:you|ya)|bestie|no\s+offen[cs]e|jk|just\s+kidding|"
    r"not\s+really)\b"
)
# Trash talk about play, not about the person: "ur trash at fifa", "so slow lol".
SKILL = re.compile(
    r"\b(?:trash|garbage|rubbish|useless|slow|lame|boring|bad|noob|bot|npc|scrub|"
    r"try\s?hard)\b"
)
GAME_WORDS = re.compile(GAME)
NOT_SAID_TO = rf"{NEGATED}|{REPORTED}|\b(?:i'm|i\s+am|i\s+feel|i\s+look|me|called)\s*$"
APPEARANCE = (
    r"(?:hair(?:style|cut)?|face|nose|teeth|voice|laugh|outfit|clothes|shoes|trainers|body|"
    r"legs|weight|accent|lisp|glasses|braces|spots|acne|skin|breath|feet|ears|forehead|head|"
    r"eyebrows|trousers|jumper|bag|lunch|house)"
)
NASTY = (
    r"(?:ugly|gross|disgusting|annoying|weird|cringe|horrible|hideous|rank|minging|stupid|"
    r"fat|massive|huge|greasy|crusty|nasty|vile|awful|tragic|butters|embarrassing|revolting|"
    r"smelly|stinks|dumb|💀|🤮|🤢|😂|🤣)"
)


def _bully(level: str, pattern: str, triggers: str, **context) -> Rule:
    context.setdefault("unless", FRIENDLY)
    context.setdefault("not_after", NOT_SAID_TO)
    name = "insult" if level == "insult" else "harassment"
    return rule(f"bullying.{name}", level, pattern, triggers, **context)


INSULTS = (
    # "ur a freak", "you're such a duffer", "she's so butters".
    _bully(
        "insult",
        rf"\b(?:you're|you\s+are|your|are\s+you|he's|she's|they're|he\s+is|she\s+is|they\s+are)"
        rf"{SO}{{0,3}}\s+(?:{NOUNS}|{ADJECTIVES})\b",
        WORD_TRIGGERS,
    ),
    # A name to call someone opening a sentence ("ugly rat 🐀 come near…", "fatty cant
    # even run"), or after a comma ("see this one, olodo!").
    _bully(
        "insult",
        rf"(?m)(?:^|(?<=[.!?\n]))[^\w\n]*(?:(?:ugly|fat|stupid|dumb|little|smelly|dirty|sad)\s+)?"
        rf"{NOUNS}\b(?!\s+(?:is\s+my|are\s+my|of\s+the|race|poison))",
        WORD_TRIGGERS,
        not_after=None,
    ),
    _bully("insult", rf",\s*(?:you\s+)?{NOUNS}\s*(?:[.!?\n,]|$)", WORD_TRIGGERS, not_after=None),
    _bully(
        "insult",
        rf"\b(?:go\s+)?(?:sit|hang|play)\s+with\s+the\s+other\s+{NOUNS}",
        "other",
    ),
    _bully(
        "insult",
        r"\byou\s+(?:no\s+sabi|don't\s+know|know)\s+(?:anything|nothing|jack|shit)\b|\bnobody\s+"
        r"(?:asked|cares)\b(?=\s*(?:[.!?,]|$|🤡|lol|lmao|😂|get|go|shut))|\bshut\s+up\s+"
        r"(?:forever|for\s+once|already|nobody\s+cares)\b",
        "sabi know anything nothing asked cares forever once already",
    ),
    # Mockery of looks, voice, smell, clothes.
    _bully(
        "insult",
        rf"\b(?:your|ur|his|her|their)\s+(?:\w+\s+)?{APPEARANCE}\s+(?:is|are|'s|looks?|sounds?|"
        rf"smells?)\s+(?:so\s+|really\s+|actually\s+|literally\s+|well\s+|kinda\s+)?{NASTY}",
        "hair hairstyle haircut face nose teeth voice laugh outfit clothes shoes trainers body "
        "legs weight accent lisp glasses braces spots acne skin breath feet ears forehead head "
        "eyebrows trousers jumper bag lunch house",
    ),
    _bully(
        "insult",
        r"\b(?:you|he|she|they)\s+(?:dress|dresses|talk|talks|walk|walks|run|runs|sound|sounds|"
        r"look|looks|smell|smells|eat|eats|throw|throws)\s+like\s+(?:a\s+|an\s+|your\s+|his\s+|"
        r"her\s+|their\s+)?(?:\w+\s+)?(?:nan|gran|grandma|granny|baby|girl|pig|rat|tramp|"
        r"homeless|clown|freak|goblin|troll|dog|cow|horse|donkey|bin|toilet|sewer|old\s+man|"
        r"old\s+lady|idiot|npc)\b|\bwhy\s+do\s+(?:you|they|he|she)\s+always\s+(?:smell|look|dress|"
        r"sound|act)\b|\bwho\s+does\s+(?:she|he)\s+think\s+(?:she|he)\s+is\b",
        "dress dresses talk talks walk walks run runs sound sounds look looks smell smells eat "
        "eats throw throws always think",
    ),
    _bully(
        "insult",
        r"\bimagine\s+(?:having|being|looking|sounding|smelling|dressing|talking)\b[^.!?\n]{0,40}"
        r"(?:\blike\s+(?:that|this|him|her|you)\b|😂|🤣|💀|\blol\b|\blmao\b)|\bsay\s+(?:\w+\s+)?"
        r"again\s*(?:😂|🤣|💀|lol|lmao)",
        "imagine again",
    ),
    _bully(
        "insult",
        r"\b(?:can't|cant|cannot)\s+even\s+(?:run|walk|read|spell|talk|kick|catch|do)\b"
        r"[^.!?\n]{0,30}(?:🐷|🐖|🐀|🤡|😂|🤣|💀|\blol\b|\blmao\b)",
        "even",
    ),
)

HARASSMENT = (
    _bully(
        "harassment",
        r"\b(?:made|making|started|created|make|new)\s+(?:a\s+)?(?:new\s+)?(?:group|gc|chat|"
        r"server|squad)\s+(?:chat\s+)?without\s+(?:you|him|her|them)\b|\b(?:you're|you\s+are|"
        r"he's|she's|they're)\s+(?:not|never\s+going\s+to\s+be)\s+one\s+of\s+us\b|\bstop\s+"
        r"(?:trying\s+to\s+)?(?:sit|sitting|hang(?:ing)?\s+out|talk(?:ing)?|follow(?:ing)?|"
        r"tag(?:ging)?\s+along)\s+(?:with|to)\s+us\b|\bget\s+off\s+(?:the|our|this|my)\s+"
        r"(?:server|chat|gc|call|group|team|table)\b|\bleave\s+the\s+(?:call|chat|gc|group)\s+"
        r"everyone\b|\beveryone\s+(?:leave|block|unfollow|ignore|mute|unfriend)\s+(?:her|him|"
        r"them|the\s+call|the\s+chat)\b",
        "made making started created make new one sit sitting hang talk follow tag get leave "
        "everyone",
        unless=r"\b(?:ily|surprise|birthday|party\s+planning)\b",
    ),
    _bully(
        "harassment",
        r"\b(?:don't|do\s+not|never)\s+(?:add|invite|let)\s+(?:\w+\s+)?(?:to|in|into)\s+(?:the\s+|"
        r"our\s+)?(?:gc|group|chat|party|server|team|game|squad)\b(?=[^.!?\n]{0,40}\b(?:weird|"
        r"annoying|cringe|creepy|loser|freak|ugly|smells?|nobody\s+likes|no\s?one\s+likes|"
        r"boring|fake|snake|gross|embarrassing)\b)|\bwho\s+(?:invited|let\s+in|asked)\s+"
        rf"(?:the|this|that)\s+(?:\w+\s+)?{NOUNS}\b",
        "add invite let invited asked",
        unless=r"\b(?:ily|surprise)\b",
    ),
    # Rating and voting on who is ugliest; spreading rumours; sharing humiliation.
    _bully(
        "harassment",
        r"\b(?:vote|voting|rate|rating|rank|ranking|poll)\b[^.!?\n]{0,40}\b(?:ugliest|ugly|"
        r"fattest|fat|biggest\s+loser|loser|weirdest|smelliest|dumbest|saddest|most\s+annoying)\b",
        "vote voting rate rating rank ranking poll",
        unless=r"\b(?:jumper|sweater|costume|outfit\s+contest|pumpkin|cake|christmas|film|"
        r"movie|song|game|skin|drawing)\b",
        not_after=None,
    ),
    _bully(
        "harassment",
        r"\b(?:let's|lets|we\s+should|everyone)\s+(?:all\s+)?(?:say|tell\s+everyone|spread|"
        r"pretend)\b[^.!?\n]{0,30}\b(?:she's|he's|they're|she\s+has|he\s+has|she|he)\b|\bso\s+"
        r"(?:no\s?one|nobody)\s+(?:sits|talks|plays|hangs\s+out)\s+(?:next\s+to|with)\s+(?:her|"
        r"him|them)\b|\b(?:post|share|send|upload|spread|repost)\s+(?:that|the|this)\s+(?:vid|video|"
        r"pic|photo|clip|screenshot)\s+(?:of\s+)?(?:her|him|them|\w+)\s+(?:crying|falling|"
        r"tripping|getting|being|changing|throwing\s+up|wetting|eating|dancing|singing)\b",
        "let's lets should everyone sits talks plays hangs post share send upload spread repost",
        unless=r"\b(?:surprise|birthday|party|proud|ily|well\s+done)\b",
    ),
    _bully(
        "harassment",
        r"\b(?:till|until)\s+(?:you|she|he|they)\s+(?:delete|leave|quit|cry|move\s+schools?|give\s+"
        r"up|kill)\b|\bwhy\s+(?:are|r|do)\s+(?:you|u)\s+(?:even\s+)?(?:alive|exist|breathing|born)\b|"
        r"\bmake\s+sure\s+(?:everyone|the\s+whole\s+(?:school|year|class)|all\s+of\s+them)\s+"
        r"(?:knows|sees|hears|finds\s+out)\b",
        "till until alive exist breathing born sure",
        unless=GAME,
    ),
)

HARM = (
    r"(?:stab|shank|shoot|murder|strangle|choke|knife|punch|slap|smack|whack|thump|batter|bash|"
    r"hurt|kill|jump|deck|drown|glass|bottle|flog|lamp|chin|merk|merc|wet|rush|bury|beat|"
    r"finish|end|destroy|wreck|break|smash|box|bang|dash|knock|spark)"
)
HARM_TRIGGERS = (
    "stab shank shoot murder strangle choke knife punch slap smack whack thump batter bash "
    "hurt kill jump deck drown glass bottle flog lamp chin merk merc wet rush bury beat finish "
    "end destroy wreck break smash box bang dash knock spark"
)
WILL = (
    r"(?:i'll|ill|i\s+will|i'm\s+going\s+to|going\s+to|we'll|we\s+will|we're\s+going\s+to|"
    r"we\s+go|i\s+go|i\s+swear\s+i'll|i'm\s+about\s+to|they'll|he'll|she'll|my\s+\w+\s+will)"
)
THREAT_AFTER = rf"{NEGATED}|{REPORTED}|\b(?:if|whether)\s+(?:\w+\s+)?$"
# Friends and family hyperbole: "mum's gonna kill you when she sees the kitchen".
PLAYFUL = (
    rf"{GAME}|\b(?:spoil\w*|the\s+ending|lol|lmao|haha\w*|😂|🤣|jk|prank|april\s+fools|"
    r"(?:mum|mom|dad|parents|teacher|miss|sir)\s*(?:'s|\s+is|\s+will|\s+'ll)?\s+(?:going\s+to\s+)?"
    r"(?:kill|finds|sees|gets))\b"
)


def _threat(level: str, pattern: str, triggers: str, unless: str = PLAYFUL, **context) -> Rule:
    context.setdefault("not_after", THREAT_AFTER)
    return rule(f"threat.{level}", level, pattern, triggers, unless=unless, **context)


THREATS = (
    _threat(
        "explicit",
        rf"\b{WILL}\s+(?:(?:come|go)\s+(?:and\s+|round\s+and\s+)?)?{HARM}\s+(?:you|ya|u)\b"
        r"(?!\s+(?:at|in|on)\s+(?:\w+\s+)?(?:game|fifa|chess|fortnite|quiz|race|match)\b)"
        r"(?!\s+(?:a|an|some|back|know|something|what|from|off)\b)",
        HARM_TRIGGERS,
    ),
    _threat(
        "explicit",
        r"\b(?:you're|you\s+are|your)\s+(?:getting|going\s+to\s+get|about\s+to\s+get|gonna\s+get)\s+"
        r"(?:battered|jumped|beaten(?:\s+up)?|smashed|merked|stabbed|shanked|done\s+in|rushed|"
        r"knocked\s+out|dealt\s+with|hurt|killed|wrecked|bodied|slapped|decked|flogged|"
        r"bashed|boxed)\b",
        "getting get",
    ),
    _threat(
        "explicit",
        r"\b(?:you're|you\s+are|your)\s+(?:so\s+)?dead\b(?=\s*(?:[.!?,]|$|on\s+\w+day|when|after|"
        r"tomorrow|tonight|at\s+(?:school|break|lunch|home)|mate|bro|bruv|fam|monday|friday))",
        "dead",
    ),
    BLACKMAIL := _threat(
        "explicit",
        r"\b(?:or|unless|otherwise)\s+(?:else\s+)?(?:i'm|i\s+am|i'll|i\s+will|i|we'll|we)\s+"
        r"(?:going\s+to\s+)?(?:telling|tell|send|sending|post|posting|share|sharing|show|showing|"
        r"leak|leaking|forward|expose|exposing)\s+(?:them\s+|it\s+|this\s+|these\s+|everything\s+|"
        r"what\s+(?:you|u)\s+(?:said|did|sent)\s+)?(?:to\s+)?(?:everyone|everybody|your|the\s+whole|"
        r"all\s+your|the\s+school|online|ur)\b|\bor\s+(?:these|those|the|your|my)\s+(?:pics|photos|"
        r"pictures|nudes|videos?|vids|screenshots|chats|messages)\s+(?:go|get\s+sent|get\s+posted|"
        r"will\s+go|are\s+going|end\s+up)\s+(?:to|on|online|everywhere)\b",
        "or unless otherwise",
        unless=rf"{GAME}|\b(?:groom\w*|sextortion|if\s+someone|warning\s+signs?|blackmail\w*|"
        r"report|lesson)\b",
    ),
    _threat(
        "explicit",
        r"\bkill\s+(?:yourself|your\s?self)\b[^.!?\n]{0,20}\bor\s+(?:i'll|ill|i\s+will|we'll|we\s+will)\s+"
        r"do\s+it\s+for\s+(?:you|ya)\b",
        "yourself self",
    ),
    _threat(
        "veiled",
        r"\b(?:wait\s+and\s+see|just\s+wait|you'll\s+see)\s+what\s+(?:i'll|i\s+will|i'm\s+going\s+to|"
        r"we'll|happens)\b|\bwhat\s+(?:i'll|i'm\s+going\s+to|we'll|we're\s+going\s+to)\s+do\s+to\s+"
        r"(?:you|ya)\b|\b(?:wetin|what)\s+(?:go|will|is\s+going\s+to)\s+happen\s+to\s+(?:you|ya)\b|"
        r"\bwon't\s+be\s+the\s+only\s+thing\s+(?:that\s+)?(?:gets?\s+)?(?:broken|smashed|hurt|"
        r"damaged|bleeding)\b",
        "wait see happen only",
    ),
    _threat(
        "veiled",
        r"\b(?:we'll|we\s+will|i'll|i\s+will|we're|i'm)\s+(?:all\s+)?(?:be\s+)?waiting\s+(?:for\s+"
        r"(?:you|ya)\s+)?(?:outside|at\s+the\s+gates?|by\s+the\s+gates?|after\s+school|round\s+the\s+"
        r"corner)\b",
        "waiting",
        unless=rf"{PLAYFUL}|\b(?:pick\s*(?:you\s+)?up|car|lift|mum|dad|parents|bus|train|queue|"
        r"tickets?|doors|party|xx|love|ready|hurry|class|lesson|coach)\b",
    ),
    _threat(
        "veiled",
        r"\b(?:i|we)\s+(?:saw|seen|watched|see)\s+(?:you|ya)\s+(?:\w+\s+){0,3}(?:walk|walking|go|"
        r"going|leave|leaving|get|getting|come|coming)\s+(?:home|out|off|back)\b(?=[^\n]{0,60}"
        r"(?:\balone\b|\bbe\s+careful\b|\bwatch\s+(?:out|yourself|your\s+back)\b|\bnext\s+time\b|"
        r"🙂|😈|👀|😉))|\bnice\s+(?:house|home|car|bike|street|family|windows?|dog)\s+(?:you|ya)\s+"
        r"(?:got|have)\b(?=[^\n]{0,40}(?:👀|🙂|😈|🔥|\bshame\b|\bwould\s+be\b|\bon\s+\w+\s+"
        r"(?:road|street|avenue|lane|close|drive)\b))",
        "saw seen watched see nice",
        unless=GAME,
    ),
)
RULES: tuple[Rule, ...] = INSULTS + HARASSMENT + THREATS
# Blackmail with images or a camera is also grooming (sextortion).
IMAGES = re.compile(r"\b(?:pics?|photos?|pictures?|nudes?|videos?|vids?|cam|camera|webcam)\b")


def signals(text: Text) -> list[Found]:
    found = []
    for hit in find(RULES, text):
        if hit.rule.descriptor == "bullying" and trash_talk(text, hit.start, hit.end):
            continue
        found.append(hit.found())
        if hit.rule is BLACKMAIL and IMAGES.search(text.norm):
            found.append(Found(hit.start, hit.end, "grooming.images", "likely"))
    return found


def trash_talk(text: Text, start: int, end: int) -> bool:
    """An insult about skill in a game ("ur trash at fortnite"), which is banter."""
    if not SKILL.search(text.norm, start, end):
        return False
    begin, finish = text.sentence(start, end)
    return bool(GAME_WORDS.search(text.norm, begin, finish))
