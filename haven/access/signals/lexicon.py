"""Regex fragments several rule sets share: who a message is aimed at, the people a
child might be told to hide things from, negation, reported speech and laughter.

They are written for normalised text (lower case, text-speak read out: "u" is "you").
"""

YOU = r"(?:you|ya|yah)"
YOUR = r"(?:your|you're|yr)"
# Who an insult is said of: "you're", "he's", "they are", and "your" as in "your so ugly".
THIRD_IS = r"(?:(?:he|she)(?:'s|\s+is)|they(?:'re|\s+are)|you(?:'re|\s+are)|your)"
# Who a threat is made against.
OBJECT = r"(?:you|ya|him|her|them)"

PARENT = (
    r"(?:mum|mom|mam|mummy|mommy|mama|mother|dad|daddy|father|parents?|family|folks|"
    r"carers?|guardians?|foster\s+(?:mum|mom|dad|parents?|carers?)|step\s?(?:mum|mom|dad)|"
    r"nan|nana|gran|granny|grandma|grandad|grandpa|grandparents|brother|sister|"
    r"aunt|auntie|uncle|teachers?|sir|miss)"
)
ANYONE = r"(?:anyone|anybody|any\s+one|no\s?one|nobody|friends?|mates?|police|school)"

NUMBER_WORDS = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|a\s+few|a\s+couple\s+of|several)"
)

# Negation in the few words before a match: "I would never kill myself".
NEGATED = (
    r"\b(?:not|never|don't|do\s+not|doesn't|didn't|won't|will\s+not|wouldn't|isn't|aren't|"
    r"wasn't|can't|cannot|shouldn't|no\s+longer|stop|stopped|quit)\b(?:\s+[\w']+){0,3}\s*$"
)
# Reported speech: "he told me to ...", "she said '...'" (not "I wrote ...").
REPORTED = (
    r"(?:(?<!\bi\s)\b(?:told|tells|tell|telling|said|says|saying|asked|asks|asking|wants|wanted|"
    r"dared|dares|made|makes|forced|forces|pressured|pressures|pressuring|keeps?\s+telling|"
    r"kept\s+telling|dm'd|messaged|texted|posted|commented|wrote|writes|called\s+me|"
    r"calls\s+me|calling\s+me)\s+(?:me|us|him|her|them|my\s+\w+)?\s*(?:to|that)?\s*[:,]?\s*"
    r"[\"']?\s*(?:i\s+(?:\w+\s+){0,2})?$)"
)
# Laughter, but not "not joking".
LAUGHTER = (
    r"(?:\b(?:lol+|lmf?ao+|ro?fl|haha\w*|hehe\w*|jk|jks|xd)\b|(?<!not\s)(?<!no\s)(?<!n't\s)"
    r"\b(?:jokes?|joking|kidding)\b|😂|🤣|💀)"
)
# Past, not present: "I used to", "two years ago".
PAST = (
    r"\b(?:used\s+to|when\s+i\s+was|back\s+(?:then|when|in)|in\s+the\s+past|"
    r"(?:years?|months?|weeks?)\s+ago|last\s+year|(?:days?|weeks?|months?|years?)\s+"
    r"(?:clean|free)|no\s+longer|any\s?more\s+since|since\s+i\s+(?:got|stopped|started))\b"
)
# A game, sport or competition: "I'll kill you in Fortnite", "I'll destroy you at FIFA".
GAME = (
    r"\b(?:game|games|gaming|fortnite|minecraft|roblox|among\s+us|cod|warzone|apex|valorant|"
    r"fifa|fc\s?2\d|mario\s+kart|smash\s+bros|chess|match|pvp|1v1|duel|server|lobby|spawn|"
    r"respawn|gg|ez|noob|controller|xbox|ps5|playstation|tournament|race|quiz|football|"
    r"netball|basketball|tennis|rugby|hockey|cricket)\b"
)
