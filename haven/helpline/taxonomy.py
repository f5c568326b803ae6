"""What contacts are about, what was done, and how ages are grouped: the vocabulary
helplines report to their network in.

The categories follow the shape of Child Helpline International's data framework (ten
areas, each with its sub-categories, so that figures from helplines in different
countries add up), written in our own words. Contacts store sub-category codes such as
"violence.physical"; every area has an "other" sub-category for what fits nowhere else.
Codes are stored in contacts and cases, so a code is never renamed or reused: a new
sub-category gets a new code.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Label = str | Promise

# area code -> (area label, [(sub-category code, sub-category label), ...])
_AREAS: list[tuple[str, Label, list[tuple[str, Label]]]] = [
    (
        "violence",
        _("Violence and abuse"),
        [
            ("physical", _("Physical violence")),
            ("sexual", _("Sexual violence")),
            ("emotional", _("Emotional or psychological abuse")),
            ("neglect", _("Neglect")),
            ("online_sexual_exploitation", _("Online sexual exploitation or abuse")),
            ("sextortion", _("Sexual extortion (sextortion)")),
            ("child_marriage", _("Child, early or forced marriage")),
            ("child_labour", _("Child labour")),
            ("trafficking", _("Trafficking")),
            ("bullying", _("Bullying")),
            ("cyberbullying", _("Bullying online")),
            ("domestic_violence", _("Violence at home between adults")),
            ("harmful_practices", _("Harmful practices (such as genital cutting)")),
            ("other", _("Other violence or abuse")),
        ],
    ),
    (
        "mental_health",
        _("Mental health"),
        [
            ("anxiety", _("Worry, stress or anxiety")),
            ("depression", _("Low mood or depression")),
            ("self_harm", _("Self-harm")),
            ("suicidal_thoughts", _("Thoughts of suicide")),
            ("eating", _("Eating problems")),
            ("substance_use", _("Alcohol or drug use")),
            ("loneliness", _("Loneliness")),
            ("grief", _("Grief and loss")),
            ("self_esteem", _("Self-esteem and body image")),
            ("trauma", _("After a frightening or traumatic event")),
            ("other", _("Other mental health concern")),
        ],
    ),
    (
        "physical_health",
        _("Physical health"),
        [
            ("illness", _("Illness or injury")),
            ("disability", _("Disability")),
            ("sexual_health", _("Sexual and reproductive health")),
            ("pregnancy", _("Pregnancy")),
            ("hiv", _("HIV and sexually transmitted infections")),
            ("nutrition", _("Hunger or nutrition")),
            ("other", _("Other physical health concern")),
        ],
    ),
    (
        "access_to_services",
        _("Access to services"),
        [
            ("shelter", _("Shelter or a safe place to stay")),
            ("health_care", _("Health care")),
            ("legal", _("Legal help or justice")),
            ("documents", _("Birth registration or identity documents")),
            ("financial", _("Money or basic needs")),
            ("social_services", _("Child protection or social services")),
            ("other", _("Other service")),
        ],
    ),
    (
        "discrimination",
        _("Discrimination and exclusion"),
        [
            ("ethnicity", _("Because of ethnicity, caste or origin")),
            ("gender", _("Because of gender")),
            ("disability", _("Because of a disability")),
            ("sexual_orientation", _("Because of sexual orientation or gender identity")),
            ("religion", _("Because of religion")),
            ("poverty", _("Because of poverty")),
            ("migration", _("Because of being a migrant or refugee")),
            ("other", _("Other discrimination")),
        ],
    ),
    (
        "relationships",
        _("Family and peer relationships"),
        [
            ("parents", _("With parents or carers")),
            ("siblings", _("With brothers or sisters")),
            ("separation", _("Parents separating or divorcing")),
            ("alternative_care", _("Living in care, away from family")),
            ("friends", _("With friends or peers")),
            ("partner", _("With a boyfriend, girlfriend or partner")),
            ("other", _("Other relationship concern")),
        ],
    ),
    (
        "education",
        _("Education"),
        [
            ("school_pressure", _("Exams and pressure at school")),
            ("teachers", _("With teachers")),
            ("out_of_school", _("Out of school or dropping out")),
            ("learning", _("Learning difficulties")),
            ("other", _("Other education concern")),
        ],
    ),
    (
        "sexuality",
        _("Sexuality"),
        [
            ("orientation", _("Sexual orientation")),
            ("gender_identity", _("Gender identity")),
            ("puberty", _("Puberty and growing up")),
            ("relationships", _("Sex and relationships")),
            ("other", _("Other question about sexuality")),
        ],
    ),
    (
        "missing",
        _("Missing children"),
        [
            ("runaway", _("Ran away from home or care")),
            ("lost", _("Lost or separated from family")),
            ("abducted", _("Taken by someone")),
            ("thrown_out", _("Thrown out of home")),
            ("other", _("Other missing child")),
        ],
    ),
    (
        "non_counselling",
        _("Non-counselling contacts"),
        [
            ("information", _("Asked for information")),
            ("about_helpline", _("Asked about the helpline")),
            ("test_call", _("Test call")),
            ("silent", _("Silent contact")),
            ("hang_up", _("Hung up before talking")),
            ("abusive", _("Abusive caller")),
            ("prank", _("Prank contact")),
            ("wrong_number", _("Wrong number")),
            ("thanks", _("To say thank you")),
            ("other", _("Other non-counselling contact")),
        ],
    ),
]

AREAS: dict[str, Label] = {code: label for code, label, _subs in _AREAS}

# Every code, area and sub-category, with its label; sub-categories as "area.sub".
CATEGORIES: dict[str, Label] = {}
for _code, _label, _subs in _AREAS:
    CATEGORIES[_code] = _label
    for _sub, _sub_label in _subs:
        CATEGORIES[f"{_code}.{_sub}"] = _sub_label

# What a contact can be recorded with: sub-categories only, so every count is specific.
SUBCATEGORIES: list[str] = [code for code in CATEGORIES if "." in code]

ACTIONS: dict[str, Label] = {
    "counselling": _("Counselling given"),
    "information": _("Information given"),
    "referred": _("Referred to a service"),
    "emergency": _("Emergency raised"),
    "case_opened": _("Case opened"),
    "added_to_case": _("Added to a case"),
    "called_back": _("Called back"),
    "callback_arranged": _("Call-back arranged"),
    "reported_to_police": _("Reported to police"),
    "online_report": _("Online content reported for removal"),
    "parent_contacted": _("Parent or carer contacted (with the child's agreement)"),
    "none": _("No action needed"),
}

AGE_BANDS = ["0-6", "7-9", "10-12", "13-15", "16-17", "18+", "unknown"]


def age_band(age: int | None) -> str:
    """The reporting band of an age in years; "unknown" when it was not said."""
    if age is None or age < 0:
        return "unknown"
    for top, band in ((6, "0-6"), (9, "7-9"), (12, "10-12"), (15, "13-15"), (17, "16-17")):
        if age <= top:
            return band
    return "18+"


def area_of(code: str) -> str:
    """The area a code belongs to: "violence" for "violence.physical"."""
    return code.split(".", 1)[0]


def label(code: str) -> str:
    """The words for a category or action code; an unknown code is shown as it is, so a
    record written with a code that was later withdrawn still reads."""
    found = CATEGORIES.get(code) or ACTIONS.get(code)
    return str(found) if found is not None else code


def full_label(code: str) -> str:
    """A sub-category with its area: "Violence and abuse: Physical violence"."""
    area = area_of(code)
    if code == area or area not in AREAS:
        return label(code)
    return f"{label(area)}: {label(code)}"


def category_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Sub-categories grouped by area, as Django's grouped choices:
    [(area label, [(code, label), ...]), ...]."""
    return [
        (str(area_label), [(f"{code}.{sub}", str(sub_label)) for sub, sub_label in subs])
        for code, area_label, subs in _AREAS
    ]


def area_choices() -> list[tuple[str, str]]:
    return [(code, str(area_label)) for code, area_label, _subs in _AREAS]


def action_choices() -> list[tuple[str, str]]:
    return [(code, str(action_label)) for code, action_label in ACTIONS.items()]


def is_category(code: str) -> bool:
    return code in CATEGORIES and "." in code
