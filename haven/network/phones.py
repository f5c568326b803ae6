"""Phone numbers as the network keeps them.

A responder's number receives SMS alerts through a provider, so it must be complete and
international (E.164: "+", a country code, at most 15 digits). A partner's desk number
is for people to dial and may be a short code such as 1098 or have an extension.
"""

import re

from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s().\-/]")
_E164 = re.compile(r"\+[1-9]\d{6,14}")
_DESK = re.compile(r"\+?[\d\s().\-/]{3,30}(\s*(ext\.?|x)\s*\d{1,6})?", re.IGNORECASE)


class BadNumber(ValueError):
    pass


def e164(text: str) -> str:
    """`text` as +<country code><number> without spaces, or BadNumber.

    People write "+91 98765-43210" or "+44 (0)20 7946 0000"; the trunk "(0)" is dropped
    as it is never dialled from abroad. A number without "+" is refused rather than
    guessed at: the country code is what a wrong guess would get wrong.
    """
    compact = _SEPARATORS.sub("", text.strip().replace("(0)", ""))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not _E164.fullmatch(compact):
        raise BadNumber(
            _(
                "Enter the mobile number in international form: + and the country code, "
                "then the number, such as +91 98765 43210."
            )
        )
    return compact


def desk_number(text: str) -> str:
    """A number for people to dial: digits with the usual separators, or BadNumber."""
    text = " ".join(text.split())
    if text and not (_DESK.fullmatch(text) and sum(c.isdigit() for c in text) >= 3):
        raise BadNumber(
            _("Enter a phone number of digits, such as 1098 or +91 22 2496 0000 ext. 12.")
        )
    return text
