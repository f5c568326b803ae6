"""Languages by ISO 639-1 code, for the places that record which language a host or a
partner works in.

Haven's built-in notice templates are written in NOTICE_LANGUAGES; those come first in
every list. Any other ISO 639-1 language (checked against pycountry) may be chosen as
well: an organisation may write its own templates in it, and until it does, notices to
that host fall back to English.
"""

import re
from functools import cache

import pycountry

from haven.web.countries import sort_key

# The languages of the built-in notice templates (takedown/0003_builtin_notice_templates).
NOTICE_LANGUAGES = [
    ("en", "English"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("de", "German"),
    ("nl", "Dutch"),
]
BUILT_IN_GROUP = "Notice templates built in"
OTHER_GROUP = "Other languages (your own templates, else English)"


@cache
def _names() -> dict[str, str]:
    # "Modern Greek (1453-)", "Swahili (macrolanguage)": the parenthesis is for linguists.
    return {
        language.alpha_2: re.sub(r"\s*\(.*\)$", "", language.name)
        for language in pycountry.languages
        if hasattr(language, "alpha_2")
    } | dict(NOTICE_LANGUAGES)


@cache
def _others() -> tuple[tuple[str, str], ...]:
    built_in = dict(NOTICE_LANGUAGES)
    others = [(code, name) for code, name in _names().items() if code not in built_in]
    return tuple(sorted(others, key=lambda pair: sort_key(pair[1])))


def language_choices(blank_label: str | None = None) -> list:
    """Choices for a select: the built-in template languages, then every other ISO 639-1
    language by name; first ("", blank_label) if given."""
    blank: list = [("", blank_label)] if blank_label is not None else []
    return [*blank, (BUILT_IN_GROUP, NOTICE_LANGUAGES), (OTHER_GROUP, list(_others()))]


def language_name(code: str) -> str:
    """ "Dutch" for "nl"; the code itself when it is not an ISO 639-1 code."""
    code = (code or "").strip().lower()
    return _names().get(code, code)


def is_language(code: str) -> bool:
    return (code or "").strip().lower() in _names()
