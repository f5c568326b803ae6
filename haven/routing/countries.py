"""Countries by ISO 3166 alpha-2 code, named for people (pycountry's data)."""

from functools import cache

import pycountry

# Codes registries use that are not in ISO 3166 (Kosovo's user-assigned code).
_EXTRA = {"XK": "Kosovo"}


def country_name(code: str) -> str:
    """The name of a country code ("Germany" for "DE"), or the code if nobody knows it."""
    code = (code or "").upper()
    return dict(country_choices()).get(code, code)


def is_country(code: str) -> bool:
    return (code or "").upper() in dict(country_choices())


@cache
def country_choices() -> tuple[tuple[str, str], ...]:
    """(code, name) for every country, sorted by name."""
    names = {
        country.alpha_2: getattr(country, "common_name", None) or country.name
        for country in pycountry.countries
    }
    names.update(_EXTRA)
    return tuple(sorted(names.items(), key=lambda pair: pair[1]))
