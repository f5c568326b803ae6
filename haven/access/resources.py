"""Support contacts a child is shown with a decision: by topic and by the
organisation's country.

Only services we are sure of are listed, with their own numbers and sites. Where we
know none for a country, Child Helpline International's directory finds the child's
national helpline (most answer on 116 111 in Europe).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

TOPICS = ("self_harm", "eating_disorder", "grooming", "bullying", "threat", "drugs", "general")
ALL_TOPICS = frozenset(TOPICS)

# The European Union's harmonised number for child helplines.
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)


@dataclass(frozen=True)
class Resource:
    key: str
    name: str
    phone: str
    url: str
    text: object  # a lazy translation
    topics: frozenset[str]
    countries: frozenset[str]  # empty: anywhere

    def as_dict(self, topics: tuple[str, ...]) -> dict:
        return {
            "name": self.name,
            "phone": self.phone,
            "url": self.url,
            "text": str(self.text),
            "topics": [topic for topic in TOPICS if topic in self.topics and topic in topics],
        }


RESOURCES: tuple[Resource, ...] = (
    Resource(
        "beat",
        "Beat",
        "",
        "https://www.beateatingdisorders.org.uk",
        _("The UK's eating disorder charity: help and support for you and your family."),
        frozenset({"eating_disorder"}),
        frozenset({"GB"}),
    ),
    Resource(
        "frank",
        "FRANK",
        "",
        "https://www.talktofrank.com",
        _("Honest information about drugs, and someone to talk to."),
        frozenset({"drugs"}),
        frozenset({"GB"}),
    ),
    Resource(
        "samaritans",
        "Samaritans",
        "116 123",
        "https://www.samaritans.org",
        _("Free, day or night, whatever you are going through."),
        frozenset({"self_harm", "eating_disorder"}),
        frozenset({"GB", "IE"}),
    ),
    Resource(
        "childline",
        "Childline",
        "0800 1111",
        "https://www.childline.org.uk",
        _("Free and private for anyone under 19, about anything at all."),
        ALL_TOPICS,
        frozenset({"GB"}),
    ),
    Resource(
        "988",
        "988 Suicide & Crisis Lifeline",
        "988",
        "https://988lifeline.org",
        _("Call or text 988, day or night, if you are thinking about hurting yourself."),
        frozenset({"self_harm", "eating_disorder"}),
        frozenset({"US"}),
    ),
    Resource(
        "childhelp",
        "Childhelp National Child Abuse Hotline",
        "1-800-422-4453",
        "https://www.childhelp.org",
        _("Someone to talk to if you are being hurt, threatened or pressured."),
        frozenset({"grooming", "threat", "bullying", "general"}),
        frozenset({"US"}),
    ),
    Resource(
        "kids_help_phone",
        "Kids Help Phone",
        "1-800-668-6868",
        "https://kidshelpphone.ca",
        _("Free and private, day or night, about anything at all."),
        ALL_TOPICS,
        frozenset({"CA"}),
    ),
    Resource(
        "116111",
        "Child helpline 116 111",
        "116 111",
        "https://childhelplineinternational.org/helplines/",
        _("The free child helpline number across the European Union."),
        ALL_TOPICS,
        EU_COUNTRIES,
    ),
)

FALLBACK = Resource(
    "directory",
    "Child Helpline International",
    "",
    "https://childhelplineinternational.org/helplines/",
    _("Find the free child helpline in your country."),
    ALL_TOPICS,
    frozenset(),
)


def _country(country: str) -> str:
    code = (country or "").strip().upper()
    return "GB" if code == "UK" else code


def resources_for(topics: tuple[str, ...], country: str) -> list[dict]:
    """Contacts for `topics` (descriptor keys; others count as "general") in `country`
    (ISO 3166 alpha-2, e.g. the organisation's), most specific first. Never empty."""
    wanted = tuple(topic if topic in ALL_TOPICS else "general" for topic in topics) or ("general",)
    here = [r for r in RESOURCES if _country(country) in r.countries]
    found = [r for r in here if r.topics & set(wanted)]
    if not found:
        found = [r for r in here if "general" in r.topics]
        wanted = ("general",)
    if not found:
        found = [FALLBACK]
    return [resource.as_dict(wanted) for resource in found]
