"""Haven's default access policy, built from the references the issue names.

- grade rules: every descriptor level gets an action for every age band (OARS content
  type x intensity -> minimum age, mapped onto the UK Age Appropriate Design Code's age
  bands). The table below covers every cell, so the editor's matrix is never blank.
- relax rules: a context lowers the action of graded content (the BBFC's context:
  educational purpose, natural and artistic nudity, news; an accompanying adult, as the
  BBFC's 12A).
- floor rules: what all children must be kept from (the Online Safety Act's primary
  priority content; inciting hatred; gambling for money), locked so that no layer can
  weaken them; and the safeguards that raise the action for vulnerable children.
- protect rules, applied last: help, health information, education and news are never
  blocked, and a child's own words of self-harm intent bring support and an adult,
  never a silent block.

Rule ids are stable: clients and stored requests cite them. The grade ids are numbered
in the order of the table (descriptor level, then age band), so change a grade by
changing its action, not by inserting a row in the middle of a descriptor.
"""

from haven.access.catalogue import AGE_BANDS, BAND_KEYS, DESCRIPTOR_BY_KEY, Action
from haven.access.types import Rule

A, G, W, R, B = Action.ALLOW, Action.GUIDANCE, Action.WARN, Action.RESTRICT, Action.BLOCK
_LETTERS = {"A": A, "G": G, "W": W, "R": R, "B": B}
_WORDS = {
    A: "allow",
    G: "allow with guidance",
    W: "warn",
    R: "restrict (a trusted adult approves)",
    B: "block",
}
OLDER = ("10-12", "13-15", "16-17")  # the bands over-blocking is judged on
UNDER_13 = ("0-5", "6-9", "10-12")

OSA = "UK Online Safety Act 2023"
OARS = "OARS 1.1"
BBFC = "BBFC Classification Guidelines 2019"
AADC = "ICO Age Appropriate Design Code"
UNCRC = "UN Convention on the Rights of the Child"
RSE = "DfE statutory guidance: Relationships Education, RSE and Health Education (2019)"

# --- Grades -------------------------------------------------------------------------------
# descriptor -> (id prefix, {level: (what it is, source, five cells for the age bands
# 0-5, 6-9, 10-12, 13-15, 16-17)}). A cell is an action letter (Allow, Guidance, Warn,
# Restrict, Block) followed by "s" for support resources and "a" to alert an adult.
GRADES: dict[str, tuple[str, dict[str, tuple[str, str, str]]]] = {
    "violence": (
        "OARS-VIOL",
        {
            "fantasy_mild": (
                "Mild fantasy or cartoon violence",
                f"{OARS}, violence-cartoon",
                "A A A A A",
            ),
            "fantasy_intense": (
                "Intense fantasy violence",
                f"{OARS}, violence-fantasy",
                "R W G A A",
            ),
            "realistic_mild": (
                "Mild realistic violence",
                f"{OARS}, violence-realistic",
                "W G G A A",
            ),
            "realistic_intense": (
                "Intense realistic violence",
                f"{OARS}, violence-realistic; {OSA}, s.62 (priority content: violence)",
                "B B R W G",
            ),
        },
    ),
    "gore": (
        "OARS-GORE",
        {
            "mild": ("Mild injury detail", f"{OARS}, violence-bloodshed", "R W G A A"),
            "intense": (
                "Graphic injury and gore",
                f"{OARS}, violence-bloodshed; {OSA}, s.62 (priority content: graphic injury)",
                "B B B R R",
            ),
        },
    ),
    "sexual": (
        "OARS-SEX",
        {
            "education": ("Sex and relationships education", RSE, "G G A A A"),
            "suggestive": ("Suggestive sexual content", f"{OARS}, sex-themes", "R R W G A"),
            "explicit": (
                "Pornography",
                f"{OSA}, s.61 (primary priority content: pornography)",
                "B B B B B",
            ),
        },
    ),
    "nudity": (
        "OARS-NUD",
        {
            "natural": (
                "Natural nudity (breastfeeding, naturism, bathing)",
                f"{BBFC}, U (occasional nudity with no sexual context)",
                "A A A A A",
            ),
            "artistic": ("Nudity in art", f"{OARS}, sex-nudity; {BBFC}, nudity", "G G A A A"),
            "educational_medical": (
                "Nudity in education or medicine",
                f"{OARS}, sex-nudity; {BBFC}, nudity",
                "G G A A A",
            ),
            "sexualised": (
                "Sexualised nudity",
                f"{OSA}, s.61 (primary priority content: pornography)",
                "B B B B B",
            ),
        },
    ),
    "self_harm": (
        "OSA-SH",
        {
            "recovery_support": (
                "Self-harm recovery and support",
                f"{UNCRC}, art. 24 (health and health services)",
                "As As As As As",
            ),
            "discussed": (
                "Self-harm or suicide discussed (awareness, news)",
                f"{OSA}, s.61 (only content that encourages, promotes or instructs is primary "
                "priority content)",
                "Rs Ws Gs Gs Gs",
            ),
            "intent": (
                "A child's own words of self-harm intent",
                f"{UNCRC}, art. 19 (protection from harm) and art. 12 (to be heard)",
                "Gsa Gsa Gsa Gsa Gsa",
            ),
            "promoting": (
                "Content encouraging suicide or self-harm",
                f"{OSA}, s.61 (primary priority content: suicide and self-harm)",
                "Bs Bs Bs Bs Bs",
            ),
            "instructing": (
                "Instructions for suicide or self-harm",
                f"{OSA}, s.61 (primary priority content: suicide and self-harm)",
                "Bs Bs Bs Bs Bs",
            ),
        },
    ),
    "eating_disorder": (
        "OSA-ED",
        {
            "recovery_support": (
                "Eating disorder recovery and support",
                f"{UNCRC}, art. 24 (health and health services)",
                "As As As As As",
            ),
            "discussed": (
                "Eating disorders discussed (awareness, news)",
                f"{OSA}, s.61 (only content that encourages, promotes or instructs is primary "
                "priority content)",
                "Rs Ws Gs Gs Gs",
            ),
            "promoting": (
                "Content encouraging eating disorders",
                f"{OSA}, s.61 (primary priority content: eating disorders)",
                "Bs Bs Bs Bs Bs",
            ),
            "instructing": (
                "Instructions for eating-disorder behaviours",
                f"{OSA}, s.61 (primary priority content: eating disorders)",
                "Bs Bs Bs Bs Bs",
            ),
        },
    ),
    "hate": (
        "OARS-HATE",
        {
            "discussed_critically": (
                "Hate and extremism discussed critically (history, news, education)",
                f"{UNCRC}, art. 17 (access to information) and art. 29 (education)",
                "W G A A A",
            ),
            "derogatory": (
                "Derogatory language about a group",
                f"{OARS}, language-discrimination; {OSA}, s.62 (priority content: abuse)",
                "B R R W W",
            ),
            "inciting": (
                "Inciting hatred or violence",
                f"{OSA}, s.62 (priority content: inciting hatred)",
                "B B B B B",
            ),
        },
    ),
    "drugs": (
        "OARS-DRUG",
        {
            "education": (
                "Drug, alcohol and tobacco education and harm reduction",
                f"{RSE} (drugs, alcohol and tobacco)",
                "G G A A A",
            ),
            "references": (
                "References to drugs, alcohol or tobacco",
                f"{OARS}, drugs-alcohol, drugs-narcotics, drugs-tobacco",
                "W G G A A",
            ),
            "glamorised": (
                "Drug use glamorised or encouraged",
                f"{OARS}, drugs-narcotics; {OSA}, s.62 (priority content: harmful substances)",
                "B B B R R",
            ),
        },
    ),
    "gambling": (
        "OARS-GAMB",
        {
            "references": ("References to gambling", f"{OARS}, money-gambling", "G G A A A"),
            "simulated": (
                "Simulated gambling (no real money)",
                f"{OARS}, money-gambling",
                "B R R W W",
            ),
            "real_money": (
                "Gambling with real money",
                "UK Gambling Act 2005, Part 4 (protection of children and young persons)",
                "B B B B B",
            ),
        },
    ),
    "dangerous_stunts": (
        "OSA-STUNT",
        {
            "depicted": (
                "Dangerous stunts depicted",
                f"{OSA}, s.62 (priority content: dangerous stunts and challenges)",
                "W W G A A",
            ),
            "encouraged": (
                "Dangerous challenges encouraged or instructed",
                f"{OSA}, s.62 (priority content: dangerous stunts and challenges)",
                "B B B R R",
            ),
        },
    ),
    "horror": (
        "BBFC-HORR",
        {
            "mild": ("Mild horror", f"{BBFC}, threat and horror", "W G A A A"),
            "intense": ("Intense horror", f"{BBFC}, threat and horror", "B R R W G"),
        },
    ),
    "profanity": (
        "OARS-LANG",
        {
            "mild": ("Mild bad language", f"{OARS}, language-profanity", "G G A A A"),
            "strong": ("Strong bad language", f"{OARS}, language-profanity", "R R W G A"),
        },
    ),
    "contact_strangers": (
        "AADC-CONTACT",
        {
            "moderated": (
                "Moderated contact with strangers",
                f"{OARS}, social-chat; {AADC}, standard 7 (default settings)",
                "B R W G A",
            ),
            "unmoderated": (
                "Unmoderated contact with strangers",
                f"{OARS}, social-chat; {AADC}, standard 7 (default settings)",
                "B B B R W",
            ),
        },
    ),
    "location_sharing": (
        "AADC-LOC",
        {
            "approximate": (
                "Sharing an approximate location",
                f"{AADC}, standard 10 (geolocation)",
                "R R W W G",
            ),
            "precise": (
                "Sharing a precise location",
                f"{AADC}, standard 10 (geolocation)",
                "B B B R R",
            ),
        },
    ),
    "purchases": (
        "OARS-MONEY",
        {
            "in_app": (
                "In-app purchases",
                f"{OARS}, money-purchasing; {AADC}, standard 13 (nudge techniques)",
                "R R W G G",
            ),
            "real_money": (
                "Spending real money",
                f"{OARS}, money-purchasing",
                "B R R R W",
            ),
        },
    ),
    "grooming": (
        "HVN-GROOM",
        {
            "possible": (
                "A possible sign of grooming",
                f"{OSA}, Schedule 6 (child sexual exploitation and abuse offences)",
                "Wsa Wsa Wsa Ws Ws",
            ),
            "likely": (
                "Several signs of grooming",
                f"{OSA}, Schedule 6 (child sexual exploitation and abuse offences)",
                "Rsa Rsa Rsa Rsa Rsa",
            ),
        },
    ),
    "bullying": (
        "HVN-BULLY",
        {
            "insult": ("Insults", f"{OSA}, s.62 (priority content: bullying)", "Ws Ws Ws Ws Ws"),
            "harassment": (
                "Harassment or exclusion",
                f"{OSA}, s.62 (priority content: bullying)",
                "Wsa Wsa Wsa Wsa Wsa",
            ),
        },
    ),
    "threat": (
        "HVN-THREAT",
        {
            "veiled": (
                "A veiled threat",
                f"{OSA}, s.62 (priority content: encouraging serious violence)",
                "Ws Ws Ws Ws Ws",
            ),
            "explicit": (
                "An explicit threat of harm",
                f"{OSA}, s.62 (priority content: encouraging serious violence)",
                "Rsa Rsa Rsa Rsa Rsa",
            ),
        },
    ),
}


def _ages(bands: tuple[str, ...]) -> str:
    """ "ages 6-12" for neighbouring bands, else the bands listed."""
    indexes = [BAND_KEYS.index(band) for band in bands]
    if indexes != list(range(indexes[0], indexes[-1] + 1)):
        return "ages " + ", ".join(bands)
    first, last = AGE_BANDS[indexes[0]], AGE_BANDS[indexes[-1]]
    return f"ages {first.low}-{last.high}"


def _flag_words(alert_adult: bool, support: bool) -> str:
    words = [" + support" if support else "", " + alert a trusted adult" if alert_adult else ""]
    return "".join(words)


def _grade_rules() -> list[Rule]:
    """One grade rule per run of neighbouring age bands with the same cell."""
    rules = []
    for descriptor, (prefix, levels) in GRADES.items():
        number = 0
        for level, (what, source, row) in levels.items():
            cells = row.split()
            assert len(cells) == len(BAND_KEYS), (descriptor, level)
            start = 0
            for end in range(1, len(cells) + 1):
                if end < len(cells) and cells[end] == cells[start]:
                    continue
                number += 1
                cell, bands = cells[start], BAND_KEYS[start:end]
                action, support, alert = _LETTERS[cell[0]], "s" in cell, "a" in cell
                rules.append(
                    Rule(
                        id=f"{prefix}-{number}",
                        title=f"{what}: {_WORDS[action]}{_flag_words(alert, support)} "
                        f"for {_ages(bands)}",
                        source=source,
                        descriptor=descriptor,
                        levels=(level,),
                        action=action,
                        bands=() if len(bands) == len(BAND_KEYS) else bands,
                        alert_adult=alert,
                        support=support,
                    )
                )
                start = end
    return rules


# --- Contexts ---------------------------------------------------------------------------

_RELAX = (
    # (id, title, source, descriptor, levels, action, bands, contexts)
    (
        "BBFC-CTX-1",
        "Sex education for an educational purpose: allow",
        f"{BBFC}, context: educational purpose",
        "sexual",
        ("education",),
        A,
        (),
        ("educational", "school", "medical"),
    ),
    (
        "BBFC-CTX-2",
        "Nudity in education, medicine or art for an educational purpose: allow",
        f"{BBFC}, context; nudity",
        "nudity",
        ("artistic", "educational_medical"),
        A,
        (),
        ("educational", "medical"),
    ),
    (
        "BBFC-CTX-3",
        "Natural and artistic nudity in art: allow",
        f"{BBFC}, nudity: natural and artistic nudity",
        "nudity",
        ("natural", "artistic"),
        A,
        (),
        ("art",),
    ),
    (
        "BBFC-CTX-4",
        "Drug education and references for an educational purpose: allow from 6",
        f"{BBFC}, context; drugs",
        "drugs",
        ("education", "references"),
        A,
        ("6-9", *OLDER),
        ("educational", "school", "medical"),
    ),
    (
        "BBFC-CTX-5",
        "Hate and extremism discussed critically, for learning or in the news: allow from 6",
        f"{BBFC}, context; discrimination",
        "hate",
        ("discussed_critically",),
        A,
        ("6-9", *OLDER),
        ("educational", "school", "news"),
    ),
    (
        "BBFC-CTX-6",
        "Realistic violence for an educational purpose: at most a warning from 10",
        f"{BBFC}, context; violence",
        "violence",
        ("realistic_mild", "realistic_intense"),
        W,
        OLDER,
        ("educational",),
    ),
    (
        "BBFC-CTX-7",
        "Realistic violence in the news: at most guidance from 13",
        f"{BBFC}, context; violence; {UNCRC}, art. 17 (access to information)",
        "violence",
        ("realistic_mild", "realistic_intense"),
        G,
        ("13-15", "16-17"),
        ("news",),
    ),
    (
        "BBFC-CTX-8",
        "Injury detail in medicine or news: at most a warning from 13",
        f"{BBFC}, context; violence (injury detail)",
        "gore",
        ("mild", "intense"),
        W,
        ("13-15", "16-17"),
        ("medical", "news"),
    ),
    (
        "BBFC-CTX-9",
        "Self-harm discussed for learning or in health: guidance from 6",
        f"{BBFC}, context; imitable behaviour (suicide and self-harm)",
        "self_harm",
        ("discussed",),
        G,
        ("6-9", *OLDER),
        ("educational", "school", "medical"),
    ),
    (
        "BBFC-CTX-10",
        "Eating disorders discussed for learning or in health: guidance from 6",
        f"{BBFC}, context; imitable behaviour",
        "eating_disorder",
        ("discussed",),
        G,
        ("6-9", *OLDER),
        ("educational", "school", "medical"),
    ),
    (
        "BBFC-CTX-11",
        "Nudity in medicine or education at school: allow",
        f"{BBFC}, context; nudity",
        "nudity",
        ("educational_medical",),
        A,
        (),
        ("school",),
    ),
)


def _relax_rules() -> list[Rule]:
    rules = [
        Rule(
            id=rule_id,
            title=title,
            source=source,
            descriptor=descriptor,
            levels=levels,
            action=action,
            kind="relax",
            bands=bands,
            contexts=contexts,
        )
        for rule_id, title, source, descriptor, levels, action, bands, contexts in _RELAX
    ]
    return rules + _supervised_rules()


# Harmful whoever is beside the child: still for an adult to approve, item by item.
NOT_SOFTENED = {("gore", "intense"), ("drugs", "glamorised"), ("dangerous_stunts", "encouraged")}


def _supervised_rules() -> list[Rule]:
    """With an adult beside the child, graded content that would need approval is shown
    behind a warning instead (as the BBFC's 12A: younger children with an adult)."""
    rules = []
    number = 0
    for descriptor, (_prefix, levels) in GRADES.items():
        if DESCRIPTOR_BY_KEY[descriptor].family != "content":
            continue
        for level, (what, _source, row) in levels.items():
            if (descriptor, level) in NOT_SOFTENED:
                continue
            bands = tuple(
                band for band, cell in zip(BAND_KEYS, row.split(), strict=True) if cell[0] == "R"
            )
            if not bands:
                continue
            number += 1
            rules.append(
                Rule(
                    id=f"BBFC-SUP-{number}",
                    title=f"{what}, with an adult beside the child: at most a warning "
                    f"for {_ages(bands)}",
                    source=f"{BBFC}, 12A (younger children accompanied by an adult)",
                    descriptor=descriptor,
                    levels=(level,),
                    action=W,
                    kind="relax",
                    bands=bands,
                    contexts=("supervised",),
                )
            )
    return rules


# --- Floors -------------------------------------------------------------------------------

_PPC = f"{OSA}, s.61 (primary priority content"
LOCKED_FLOORS = (
    Rule(
        id="OSA-PPC-1",
        title="Pornography is blocked for every child, in every context",
        source=f"{_PPC}: pornography)",
        descriptor="sexual",
        levels=("explicit",),
        action=B,
        kind="floor",
        locked=True,
    ),
    Rule(
        id="OSA-PPC-2",
        title="Sexualised nudity is blocked for every child, in every context",
        source=f"{_PPC}: pornography)",
        descriptor="nudity",
        levels=("sexualised",),
        action=B,
        kind="floor",
        locked=True,
    ),
    Rule(
        id="OSA-PPC-3",
        title="Content encouraging or instructing suicide or self-harm is blocked, with support",
        source=f"{_PPC}: suicide and self-harm)",
        descriptor="self_harm",
        levels=("promoting", "instructing"),
        action=B,
        kind="floor",
        locked=True,
        support=True,
    ),
    Rule(
        id="OSA-PPC-4",
        title="Content encouraging or instructing eating disorders is blocked, with support",
        source=f"{_PPC}: eating disorders)",
        descriptor="eating_disorder",
        levels=("promoting", "instructing"),
        action=B,
        kind="floor",
        locked=True,
        support=True,
    ),
    Rule(
        id="OSA-PC-1",
        title="Content inciting hatred or violence is blocked for every child",
        source=f"{OSA}, s.62 (priority content: inciting hatred)",
        descriptor="hate",
        levels=("inciting",),
        action=B,
        kind="floor",
        locked=True,
    ),
    Rule(
        id="GAMB-1",
        title="Gambling with real money is blocked for every child",
        source="UK Gambling Act 2005, Part 4 (protection of children and young persons)",
        descriptor="gambling",
        levels=("real_money",),
        action=B,
        kind="floor",
        locked=True,
    ),
)

_BEST_INTERESTS = f"{AADC}, standard 1 (best interests of the child)"


def _vulnerable(
    rule_id, title, vulnerability, descriptor, levels, action, alert=False, support=False
) -> Rule:
    return Rule(
        id=rule_id,
        title=title,
        source=_BEST_INTERESTS,
        descriptor=descriptor,
        levels=levels,
        action=action,
        kind="floor",
        vulnerabilities=(vulnerability,),
        alert_adult=alert,
        support=support,
    )


VULNERABILITY_FLOORS = (
    _vulnerable(
        "HVN-VUL-1",
        "At risk of self-harm: self-harm discussed is shown behind a warning, with support",
        "self_harm_risk",
        "self_harm",
        ("discussed",),
        W,
        support=True,
    ),
    _vulnerable(
        "HVN-VUL-2",
        "At risk of an eating disorder: eating disorders discussed are shown behind a "
        "warning, with support",
        "eating_disorder_risk",
        "eating_disorder",
        ("discussed",),
        W,
        support=True,
    ),
    _vulnerable(
        "HVN-VUL-3",
        "Targeted before: contact with strangers needs an adult's approval",
        "contact_risk",
        "contact_strangers",
        ("moderated",),
        R,
    ),
    _vulnerable(
        "HVN-VUL-4",
        "Targeted before: unmoderated contact with strangers is blocked",
        "contact_risk",
        "contact_strangers",
        ("unmoderated",),
        B,
    ),
    _vulnerable(
        "HVN-VUL-5",
        "Targeted before: a possible sign of grooming needs an adult, who is told",
        "contact_risk",
        "grooming",
        ("possible",),
        R,
        alert=True,
        support=True,
    ),
    _vulnerable(
        "HVN-VUL-6",
        "Targeted before: likely grooming is blocked and an adult is told",
        "contact_risk",
        "grooming",
        ("likely",),
        B,
        alert=True,
        support=True,
    ),
    _vulnerable(
        "HVN-VUL-7",
        "Targeted before: sharing a location needs an adult's approval",
        "contact_risk",
        "location_sharing",
        ("approximate", "precise"),
        R,
    ),
    _vulnerable(
        "HVN-VUL-8",
        "Additional needs: contact with strangers needs an adult's approval",
        "additional_needs",
        "contact_strangers",
        ("moderated", "unmoderated"),
        R,
    ),
    _vulnerable(
        "HVN-VUL-9",
        "Additional needs: purchases need an adult's approval",
        "additional_needs",
        "purchases",
        ("in_app", "real_money"),
        R,
    ),
    _vulnerable(
        "HVN-VUL-10",
        "At risk of addiction: references to gambling are shown behind a warning",
        "addiction_risk",
        "gambling",
        ("references",),
        W,
    ),
    _vulnerable(
        "HVN-VUL-11",
        "At risk of addiction: simulated gambling is blocked",
        "addiction_risk",
        "gambling",
        ("simulated",),
        B,
    ),
    _vulnerable(
        "HVN-VUL-12",
        "At risk of addiction: references to drugs are shown behind a warning, with support",
        "addiction_risk",
        "drugs",
        ("references",),
        W,
        support=True,
    ),
    _vulnerable(
        "HVN-VUL-13",
        "At risk of addiction: glamorised drug use is blocked, with support",
        "addiction_risk",
        "drugs",
        ("glamorised",),
        B,
        support=True,
    ),
    _vulnerable(
        "HVN-VUL-14",
        "At risk of addiction: in-app purchases need an adult's approval",
        "addiction_risk",
        "purchases",
        ("in_app",),
        R,
    ),
)

# --- Protect ------------------------------------------------------------------------------

_HELP = f"{UNCRC}, art. 17 (access to information) and art. 24 (health)"


def _protect(rule_id, title, source, descriptor, levels, action, bands=(), contexts=(), **flags):
    return Rule(
        id=rule_id,
        title=title,
        source=source,
        descriptor=descriptor,
        levels=levels,
        action=action,
        kind="protect",
        bands=bands,
        contexts=contexts,
        **flags,
    )


PROTECT_RULES = (
    _protect(
        "HVN-PROTECT-1",
        "Self-harm recovery and support is always allowed, with support resources",
        _HELP,
        "self_harm",
        ("recovery_support",),
        A,
        support=True,
    ),
    _protect(
        "HVN-PROTECT-2",
        "Eating disorder recovery and support is always allowed, with support resources",
        _HELP,
        "eating_disorder",
        ("recovery_support",),
        A,
        support=True,
    ),
    _protect(
        "HVN-PROTECT-3",
        "A child's own words of self-harm intent are never silently blocked: guidance, "
        "support and a trusted adult told",
        f"{UNCRC}, art. 12 (to be heard) and art. 19 (protection from harm)",
        "self_harm",
        ("intent",),
        G,
        support=True,
        alert_adult=True,
    ),
    _protect(
        "HVN-PROTECT-4",
        "Sex and relationships education is never blocked from 10",
        f"{RSE}; {UNCRC}, art. 17 (access to information)",
        "sexual",
        ("education",),
        G,
        OLDER,
    ),
    _protect(
        "HVN-PROTECT-5",
        "Nudity in education or medicine is never blocked from 10",
        _HELP,
        "nudity",
        ("educational_medical",),
        G,
        OLDER,
    ),
    _protect(
        "HVN-PROTECT-6",
        "Drug education and harm reduction is never blocked from 10",
        _HELP,
        "drugs",
        ("education",),
        G,
        OLDER,
    ),
    _protect(
        "HVN-PROTECT-7",
        "Hate and extremism discussed critically (history, news) is never blocked from 10",
        f"{UNCRC}, art. 17 (access to information) and art. 29 (education)",
        "hate",
        ("discussed_critically",),
        G,
        OLDER,
    ),
    _protect(
        "HVN-PROTECT-8",
        "Self-harm discussed (awareness, news) is never blocked from 10: at most a warning, "
        "with support",
        _HELP,
        "self_harm",
        ("discussed",),
        W,
        OLDER,
        support=True,
    ),
    _protect(
        "HVN-PROTECT-9",
        "Eating disorders discussed (awareness, news) are never blocked from 10: at most a "
        "warning, with support",
        _HELP,
        "eating_disorder",
        ("discussed",),
        W,
        OLDER,
        support=True,
    ),
    _protect(
        "HVN-PROTECT-10",
        "News of real violence is never blocked from 10: at most a warning",
        f"{UNCRC}, art. 17 (access to information); {BBFC}, context",
        "violence",
        ("realistic_mild", "realistic_intense"),
        W,
        OLDER,
        ("news",),
    ),
    _protect(
        "HVN-PROTECT-11",
        "Natural nudity and nudity in art are never blocked from 10",
        f"{UNCRC}, art. 31 (cultural and artistic life); {BBFC}, nudity",
        "nudity",
        ("natural", "artistic"),
        G,
        OLDER,
    ),
)

DEFAULT_RULES: tuple[Rule, ...] = (
    *_grade_rules(),
    *_relax_rules(),
    *LOCKED_FLOORS,
    *VULNERABILITY_FLOORS,
    *PROTECT_RULES,
)
RULE_BY_ID = {rule.id: rule for rule in DEFAULT_RULES}
assert len(RULE_BY_ID) == len(DEFAULT_RULES), "default rule ids must be unique"


def rules_markdown() -> str:
    """The table of every default rule for docs/access-policy.md (a test keeps the doc
    in step): `python -m haven.access.default_policy` prints it."""
    lines = [
        "| Rule | Kind | What | Action | Applies to | Source |",
        "|---|---|---|---|---|---|",
    ]
    for rule in DEFAULT_RULES:
        action = rule.action.key + _flag_words(rule.alert_adult, rule.support)
        if rule.locked:
            action += " (locked)"
        where = [f"{rule.descriptor}/{'+'.join(rule.levels)}"]
        where += [", ".join(part) for part in (rule.bands, rule.contexts, rule.vulnerabilities)]
        applies = "; ".join(part for part in where if part)
        lines.append(
            f"| {rule.id} | {rule.kind} | {rule.title} | {action} | {applies} | {rule.source} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(rules_markdown(), end="")
