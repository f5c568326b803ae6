"""Countries by ISO 3166 alpha-2 code, named the way people say them, for every page.

One list for the whole application, so that the organisation page, the partners'
directory and the host directory never name the same country differently. Names come
from pycountry: its `common_name` when it has one ("Vietnam", "Bolivia"), else its
`name`. Kosovo is added under XK, the user-assigned code registries and most partners
use for it, since ISO 3166 has no code for it.
"""

import unicodedata
from functools import cache

import pycountry

# Codes in use that ISO 3166 does not assign.
_EXTRA = {"XK": "Kosovo"}
# Regions the address registries give instead of a country: named, never offered as one.
_REGIONS = {"EU": "European Union", "AP": "Asia/Pacific region"}


@cache
def _names() -> dict[str, str]:
    names = {
        country.alpha_2: getattr(country, "common_name", None) or country.name
        for country in pycountry.countries
    }
    names.update(_EXTRA)
    return names


def sort_key(name: str) -> str:
    # "Åland Islands" next to "Albania", "Côte d'Ivoire" among the Cs.
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def _sorted() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(_names().items(), key=lambda pair: sort_key(pair[1])))


def country_choices(blank_label: str | None = None) -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by name; first ("", blank_label) if given."""
    blank = [("", blank_label)] if blank_label is not None else []
    return [*blank, *_sorted()]


def country_name(code: str) -> str:
    """The name of a country code ("Germany" for "de"), or the code if it is not one."""
    code = (code or "").strip().upper()
    return _names().get(code) or _REGIONS.get(code, code)


def is_country(code: str) -> bool:
    return (code or "").strip().upper() in _names()
