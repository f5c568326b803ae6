"""Hate and extremism: incitement against a group, derogatory claims and slurs, and
critical discussion (history, news, education about extremism, the Holocaust, racism).

A group's name is never enough: "I'm Muslim", "gay people", "Black Lives Matter" say
nothing against anyone. Derogatory needs a demeaning claim about the group ("X are
vermin") or a slur; inciting needs a call to harm them. A claim reported in order to be
refuted ("people say Muslims are terrorists, which is racist") is critical discussion.
Reclaimed words ("queer", "dyke", the n-word spelt with -a) are not slurs here.
"""

from haven.access.signals.rules import Found, Rule, find, rule
from haven.access.signals.text import Text

# The group's name (a match starts there, not at "all the").
GROUP = (
    r"(?:muslims?|"
    r"islam|jews?|jewish\s+people|christians?|hindus?|sikhs?|buddhists?|atheists?|catholics?|"
    r"gays?|gay\s+people|lesbians?|bisexuals?|trans\s+(?:people|women|men|kids)|transgender\s+"
    r"(?:people|women|men|kids)|queers|lgbt\w*\s+people|immigrants?|migrants?|refugees?|asylum\s+"
    r"seekers?|black\s+people|blacks|white\s+people|whites|asians?|chinese(?:\s+people)?|"
    r"indians?|pakistanis?|africans?|arabs?|mexicans?|latinos?|gypsies|travellers|roma|"
    r"romanians?|polish\s+people|poles|foreigners|disabled\s+people|the\s+disabled|autistic\s+"
    r"people|women|girls|females|feminists?)"
)
GROUP_TRIGGERS = (
    "muslim muslims islam jew jews jewish christian christians hindu hindus sikh sikhs "
    "buddhist buddhists atheist atheists catholic catholics gay gays lesbian lesbians bisexual "
    "bisexuals trans transgender queers lgbt lgbtq immigrant immigrants migrant migrants "
    "refugee refugees asylum black blacks white whites asian asians chinese indian indians "
    "pakistani pakistanis african africans arab arabs mexican mexicans latino latinos gypsies "
    "travellers roma romanian romanians polish poles foreigners disabled autistic women girls "
    "females feminist feminists"
)
DEMEANING = (
    r"(?:animals|vermin|parasites|rats|cockroaches|subhuman|sub-human|filth|filthy|scum|savages|"
    r"dirty|disgusting|evil|terrorists|rapists|criminals|inferior|a\s+disease|a\s+plague|a\s+"
    r"cancer|trash|garbage|the\s+problem|ruining\s+(?:this|our|the)\s+country|not\s+(?:real\s+)?"
    r"(?:people|human|humans)|mentally\s+ill|freaks|pedos|paedos|paedophiles|pedophiles|groomers|"
    r"degenerates|abominations|an\s+abomination|going\s+to\s+hell|invaders|stupid|dumb|lazy|"
    r"thieves|dogs|monkeys|apes|pigs|property|worthless|a\s+mistake|unnatural|sick|perverts|"
    r"taking\s+over|replacing\s+us|the\s+enemy)"
)
# Said in order to be refuted: "people say X are Y", "the myth that", "stereotype".
REFUTED = (
    r"\b(?:say|says|said|saying|claim|claims|claimed|think|thinks|believe|believes|believed|"
    r"myth|lie|lies|stereotypes?|prejudice|told\s+(?:us|them)|called|calling|accused|false|"
    r"propaganda|nazis\s+(?:said|claimed)|used\s+to\s+(?:say|think))\b(?:\s+\S+){0,4}\s*$"
)
# History, news and education about extremism. Everyday words for what children meet
# ("racism", "homophobia") are left out: a child saying "I'm gay and kids are homophobic"
# is telling someone what happens to them, and must not be flagged at all.
CRITICAL_TOPIC = (
    r"\b(?:holocaust|shoah|auschwitz|kristallnacht|nazis?|nazism|hitler|third\s+reich|fascism|"
    r"fascists?|neo-?nazi\w*|white\s+supremac\w+|ku\s+klux\s+klan|kkk|apartheid|racial\s+"
    r"segregation|jim\s+crow|civil\s+rights\s+movement|extremis[mt]\w*|radicali[sz]\w+|genocide|"
    r"ethnic\s+cleansing|slave\s+trade|lynching|rwandan\s+genocide|srebrenica|far[- ]right|"
    r"jihadis[mt]\w*|terrorist\s+(?:propaganda|recruitment|groups?)|hate\s+groups?)\b"
)
CRITICAL_TRIGGERS = (
    "holocaust shoah auschwitz kristallnacht nazi nazis nazism hitler third fascism fascist "
    "fascists neo neonazi white ku kkk apartheid racial jim civil extremism extremist "
    "extremists radicalisation radicalization radicalised radicalized genocide ethnic slave "
    "lynching rwandan srebrenica far jihadism jihadist jihadists terrorist hate"
)
SLURS = (
    r"\b(?:niggers?|kikes?|spics?|chinks?|pakis?|faggots?|trann(?:y|ies)|ragheads?|towelheads?|"
    r"wetbacks?|gooks?|coons?|sand\s+niggers?|gyppos?|pikeys?|retards?|spastics?|spazz?|"
    r"mongs?|golliwogs?|wogs?|dindu\w*|shemales?)\b"
)
SLUR_TRIGGERS = (
    "nigger niggers kike kikes spic spics chink chinks paki pakis faggot faggots tranny "
    "trannies raghead ragheads towelhead towelheads wetback wetbacks gook gooks coon coons "
    "sand gyppo gyppos pikey pikeys retard retards spastic spastics spaz spazz mong mongs "
    "golliwog golliwogs wog wogs dindu shemale shemales"
)
NOT_SLUR = (
    r"\b(?:chink\s+in\s+(?:the|his|her|their|its)\s+armou?r|spick\s+and\s+span|spastic\s+"
    r"(?:diplegia|cerebral|paralysis|quadriplegia)|flame\s+retard\w*|fire\s+retard\w*|the\s+word|"
    r"n-word|slur|slurs|(?:call|calls|called|calling)\s+(?:me|him|her|them|us|my\s+\w+))\b"
)
INCITING_PHRASES = (
    r"\b(?:race\s+war|rahowa|day\s+of\s+the\s+rope|white\s+power|heil\s+hitler|sieg\s+heil|"
    r"1488|14/88|14\s+words|hitler\s+(?:was\s+right|did\s+nothing\s+wrong)|"
    r"holocaust\s+(?:didn't\s+happen|never\s+happened|is\s+a\s+(?:lie|hoax|"
    r"myth)|was\s+(?:a\s+)?(?:fake|hoax|lie)))\b"
)
INCITING_TRIGGERS = "race rahowa day white heil sieg 1488 14 hitler holocaust"


def _h(level: str, pattern: str, triggers: str, **context) -> Rule:
    return rule(f"hate.{level}", level, pattern, triggers, **context)


RULES: tuple[Rule, ...] = (
    _h(
        "inciting",
        r"\b(?:kill|murder|gas|shoot|hang|burn|exterminate|eradicate|wipe\s+out|get\s+rid\s+of|"
        r"beat\s+up|attack|bash|purge|deport|lynch|bomb|stab|destroy|cleanse|drive|kick|throw|"
        r"expel|chase|hunt)\s+(?:all\s+(?:of\s+)?|"
        rf"every\s+|these\s+|those\s+|the\s+|dirty\s+|fucking\s+)*{GROUP}\b",
        GROUP_TRIGGERS,
        not_after=REFUTED,
        unless=r"\b(?:news|police|reported|history|historians?|nazis|during|in\s+19\d\d|"
        r"was\s+(?:a|an)\s+(?:attack|crime))\b",
    ),
    _h(
        "inciting",
        rf"\b{GROUP}\s+(?:should|must|need\s+to|deserve\s+to|ought\s+to|have\s+to|"
        rf"all\s+need\s+to)\s+"
        r"(?:all\s+)?(?:be\s+)?(?:die|dead|killed|gassed|shot|hanged|hung|burned|burnt|deported|"
        r"exterminated|wiped\s+out|go\s+back|banned|removed|locked\s+up|not\s+exist|be\s+punished|"
        r"suffer|get\s+out)\b",
        GROUP_TRIGGERS,
        not_after=REFUTED,
    ),
    _h("inciting", rf"\bdeath\s+to\s+(?:all\s+|the\s+)*{GROUP}\b", "death"),
    _h(
        "inciting",
        rf"\b(?:violence|attacks?|war|hatred)\s+(?:against|on)\s+(?:the\s+|all\s+)*{GROUP}\s+(?:is|"
        rf"are|"
        r"would\s+be)\s+(?:justified|needed|necessary|the\s+answer|deserved|right|good)\b",
        "violence attack attacks war hatred",
        not_after=REFUTED,
    ),
    _h("inciting", INCITING_PHRASES, INCITING_TRIGGERS, not_after=REFUTED),
    _h(
        "derogatory",
        rf"\b{GROUP}\s+(?:are|r|is)\s+(?:all\s+|just\s+|literally\s+|such\s+|so\s+|nothing\s+but\s+"
        rf")*{DEMEANING}\b",
        GROUP_TRIGGERS,
        not_after=REFUTED,
        unless=r"\b(?:not|aren't|isn't|never)\s+(?:\w+\s+)?"
        + DEMEANING
        + r"|\b(?:stereotype|myth|prejudice|racist\s+(?:to|idea)|lie|untrue|false)\b",
    ),
    rule(
        "hate.slur",
        "derogatory",
        SLURS,
        SLUR_TRIGGERS,
        unless=NOT_SLUR,
    ),
    _h(
        "discussed_critically",
        CRITICAL_TOPIC,
        CRITICAL_TRIGGERS,
    ),
)


def signals(text: Text) -> list[Found]:
    return [hit.found() for hit in find(RULES, text)]
