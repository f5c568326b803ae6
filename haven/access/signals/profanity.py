"""Swearing, graded as the BBFC does: "fuck" and "cunt" are strong, the rest mild.

Words are matched whole, so "Scunthorpe", "class" and "cocktail" are not swearing, and
the ones with innocent uses are matched only in their swearing sense: "hell" in "what
the hell", not "heaven and hell"; "bloody" as an intensifier, not "a bloody nose"; a
"prick" is not a finger prick. Masked spellings ("f*ck", "sh*t") count.
"""

from haven.access.signals.rules import Found, Rule, find, rule
from haven.access.signals.text import Text

RULES: tuple[Rule, ...] = (
    rule(
        "profanity.strong",
        "strong",
        r"\b(?:fuck\w*|fck\w*|fuk\w*|fking|fkn|effing|f[*#@]+c?k\w*|f[*]{2,3}|motherf\w+|"
        r"cunts?|cunty|c[*]nts?)",
        "fuck fucking fucked fucker fuckers fucks fuckin fuckoff fuckwit fuuck fck fcking fcked "
        "fuk fuking fuked fking fkn effing motherfucker motherfuckers motherfucking cunt cunts "
        "cunty f c",  # "f*ck" is the words "f" and "ck" to the trigger check
    ),
    rule(
        "profanity.mild",
        "mild",
        r"\b(?:shit\w*|shite|bullshit|horseshit|sh[*]t\w*|s[*]{2,3}t|bitch\w*|b[*]tch\w*|bastards?|"
        r"arse\w*|ass|asses|asshole\w*|a[*]{2}hole|dumbass|jackass|smartass|badass|crap|crappy|"
        r"damn\w*|"
        r"dammit|piss\w*|bollocks|dick(?!\s+(?:whittington|van\s+dyke))|dicks|dickhead\w*|twats?|"
        r"wank\w*|tossers?|bellends?|knobheads?|sod\s+off|bugger\w*|frigging|friggin|wtf|stfu|omfg|"
        r"gtfo|"
        r"fml)\b|\b(?:what|who|where|why|how)\s+the\s+hell\b|\bthe\s+hell\s+(?:is|are|was|were|do|"
        r"did|out)\b|\bhell\s+(?:no|yes|yeah|naw|of\s+a)\b|\bgo\s+to\s+hell\b|\bbloody\s+hell\b|"
        r"\bas\s+hell\b|\bto\s+hell\s+with\b|"
        r"\bbloody(?!\s+(?:nose|noses|mess|battle|battles|war|wars|sunday|mary|wounds?|injur\w*|"
        r"hands?|"
        r"knife|scene|violence|history|conflict|revolution|lip|tissue|bandage|footprints?)\b)|"
        r"\bprick(?!\s+(?:your|my|the|a|of)\b)\b|\bpricks\b",
        "shit shits shitty shite shitting bullshit horseshit bitch bitches bitchy "
        "bitching bastard bastards arse arsehole arses ass asses asshole assholes "
        "dumbass jackass smartass badass crap crappy damn damned damnit dammit piss pissed "
        "pissing bollocks dick dicks dickhead dickheads twat twats wank wanker wankers wanking "
        "tosser tossers bellend bellends knobhead knobheads sod bugger buggered frigging "
        "friggin wtf stfu omfg gtfo fml hell bloody prick pricks sh s b hole",
        unless=r"\b(?:moby\s+dick|pin\s?prick|finger\s+prick|prick\s+test|piste|pissarro|"
        r"damn\s+(?:dam|reservoir))\b",
    ),
)


def signals(text: Text) -> list[Found]:
    return [hit.found() for hit in find(RULES, text)]
