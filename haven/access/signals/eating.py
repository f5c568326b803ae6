"""Eating disorders: encouragement ("thinspo", pro-ana tips), instructions (how to purge,
hide not eating), recovery and support, and discussion.

Promotion words in a critical sentence ("pro-ana sites are dangerous", "what is
thinspo?") are discussion, not promotion.
"""

from haven.access.signals.rules import Found, Rule, rule
from haven.access.signals.self_harm import on_topic
from haven.access.signals.text import Text

CRITICAL = (
    r"\b(?:dangers?|dangerous|warn|warning|warned|harmful|banned|ban|bans|report|reported|"
    r"reporting|crack\w*\s+down|remov\w+|risks?|rise\s+(?:of|in)|spread\s+of|what\s+(?:is|are)|"
    r"research|study|researchers|campaigners?|charity|parents?|recovery|avoid|unfollow|block|"
    r"toxic|not\s+ok|isn't\s+ok|triggering)\b"
)

PROMOTING = tuple(
    rule("eating_disorder.promoting", "promoting", pattern, triggers, unless=CRITICAL)
    for pattern, triggers in (
        (
            r"\b(?:thinspo\w*|thinspiration|bonespo|meanspo|skinnyspo|pro[- ]?(?:ana|mia)|"
            r"ana\s+(?:tips|coach|buddy|buddies|rules|creed|diet|bff)|mia\s+(?:tips|buddy|buddies)|"
            r"edtwt|ed\s+twt|skinnycheck|a4waist|thighgap|proana|promia)\b",
            "thinspo thinspiration bonespo meanspo skinnyspo pro proana promia ana mia edtwt ed "
            "skinnycheck a4waist thighgap",
        ),
        (
            r"\b(?:skinny|thin|bones|hunger|starving)\s+(?:is|=)\s+(?:so\s+)?(?:beautiful|"
            r"everything|perfect|worth\s+it|power|control|pretty|success)\b|"
            r"\bnothing\s+tastes\s+as\s+good\s+as\s+skinny\s+feels\b",
            "skinny thin bones hunger starving nothing",
        ),
        (
            r"\b(?:thigh\s+gap|collar\s?bones?|hip\s?bones?|ribs?\s+showing|bones\s+showing|"
            r"a4\s+waist|bikini\s+bridge|spine\s+showing)\s+(?:goals?|check|challenge|inspo)\b",
            "thigh collar collarbone collarbones hip hipbones hipbone ribs rib bones a4 bikini "
            "spine",
        ),
        (
            r"\b(?:don't|do\s+not|never)\s+eat\s+(?:today|until|for\s+(?:\d+|a|two|three)\s+days|"
            r"anything\s+(?:today|tomorrow|until))\b|\b(?:fasting|starving)\s+(?:challenge|buddy|"
            r"streak)\b|\b(?:who\s+wants\s+to|let's)\s+(?:fast|starve)\b",
            "eat fasting starving fast starve",
        ),
    )
)

INSTRUCTING = tuple(
    rule("eating_disorder.instructing", "instructing", pattern, triggers, unless=unless)
    for pattern, triggers, unless in (
        (
            r"\bhow\s+(?:to|do\s+(?:i|you)|can\s+(?:i|you))\s+(?:purge|make\s+(?:myself|"
            r"yourself)\s+"
            r"(?:sick|throw\s+up|vomit)|throw\s+up\s+after\s+eating|starve\s+(?:myself|yourself)|"
            r"stop\s+(?:being|feeling)\s+hungry|suppress\s+(?:my\s+|your\s+)?(?:appetite|hunger)|"
            r"hide\s+(?:not\s+"
            r"eating|my\s+eating|weight\s+loss|that\s+i'm\s+not\s+eating)|lose\s+(?:\d+|"
            r"\w+)\s+(?:kg|kilos?|pounds|lbs|stone)\s+in\s+(?:a|one|\d+|two)\s+(?:week|days?))\b",
            "how",
            r"\b(?:stop\s+purging|help|doctor)\b",
        ),
        (
            r"\b(?:tips|tricks|ways|hacks)\s+(?:to|for)\s+(?:not\s+eat(?:ing)?|"
            r"skip(?:ping)?\s+meals|"
            r"starv\w*|purg\w*|ignor(?:e|ing)\s+hunger|hid(?:e|ing)\s+not\s+eating|"
            r"fast(?:ing)?\s+for\s+days|suppress\w*\s+(?:your\s+)?appetite)\b",
            "tips tricks ways hacks",
            None,
        ),
        (
            r"\b(?:eat|eating|under|less\s+than|below|only)\s+(?:only\s+)?(?:under\s+|"
            r"less\s+than\s+|"
            r"below\s+)?(?<!\d)(?:[1-7]\d\d|\d\d)(?!\d)\s*(?:calories|cals|kcal)\s+(?:a|per|"
            r"each)\s+day\b",
            "calories cals kcal",
            r"\b(?:danger\w*|harm\w*|unsafe|never|doctor|not\s+enough|too\s+(?:few|little))\b",
        ),
    )
)

RECOVERY = tuple(
    rule("eating_disorder.recovery_support", "recovery_support", pattern, triggers)
    for pattern, triggers in (
        (
            r"\b(?:beat(?:\s+eating\s+disorders)?|beateatingdisorders|ed\s+recovery|recover(?:y|"
            r"ing|ed)|meal\s+plans?|dietitians?|dieticians?|nhs|helplines?|treatment|"
            r"support\s+(?:group|"
            r"line|services?)|body\s+positiv\w*|body\s+neutral\w*|intuitive\s+eating|signs\s+(?:of|"
            r"and\s+symptoms)|how\s+(?:to|can\s+i|do\s+i)\s+(?:help|support)|"
            r"talk\s+to\s+(?:someone|a\s+"
            r"trusted\s+adult|your\s+(?:gp|doctor))|you(?:'re|\s+are)\s+not\s+alone|get\s+help|"
            r"therap(?:y|ist)|counsell?(?:ing|or))\b",
            "beat beateatingdisorders ed recovery recovering recovered meal dietitian dietitians "
            "dietician dieticians nhs helpline helplines treatment support body intuitive signs "
            "help talk alone therapy therapist counselling counseling counsellor",
        ),
    )
)

MENTION = (
    rule(
        "eating_disorder.mention",
        "discussed",
        r"\b(?:eating\s+disorders?|anorexi\w*|bulimi\w*|binge[- ]eating(?:\s+disorder)?|arfid|"
        r"orthorexi\w*|pro[- ]?(?:ana|mia)|thinspo\w*|thinspiration|bonespo|meanspo|purging|"
        r"starv(?:e|ing)\s+(?:myself|yourself|herself|himself|themselves)|make\s+(?:myself|"
        r"yourself|herself|himself)\s+(?:sick|throw\s+up|vomit)|ed\s+recovery)\b",
        "eating anorexia anorexic bulimia bulimic binge arfid orthorexia pro proana promia "
        "thinspo thinspiration bonespo meanspo purging starve starving myself yourself herself "
        "himself ed",
    ),
)

SUBJECT: tuple[Rule, ...] = PROMOTING + INSTRUCTING + MENTION
RULES: tuple[Rule, ...] = SUBJECT + RECOVERY


def signals(text: Text) -> list[Found]:
    return on_topic(SUBJECT, RECOVERY, text)
