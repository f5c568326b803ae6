"""The demo organisation's working set-up: its country, takedown policy, classification
schemes, partner directory and host directory.

Every name here is invented and every address is reserved for documentation
(example.com/.net/.org, *.test, 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
2001:db8::/32): nothing in the demo can reach a real hotline, host or police unit.
Each piece is created only if missing, so seeding twice changes nothing.
"""

from dataclasses import dataclass

from haven.accounts.models import Organisation
from haven.hosting.models import DirectoryKind, HostDirectoryEntry
from haven.routing.models import Partner, PartnerKind
from haven.takedown.models import EscalateTo, FirstNotice, TakedownPolicy

DEMO_COUNTRY = "GB"
DEMO_HOST_NOTE = "Demo host: documentation addresses only."
# The built-in schemes the demo uses, in the order its analysts see them.
DEMO_SCHEMES = ["interpol", "uk", "ncmec", "age", "content"]


@dataclass(frozen=True)
class DemoHost:
    """A hosting company of the demo, and how it behaves when it gets a notice."""

    name: str
    country: str
    network: str
    addresses: tuple[str, ...]
    sites: tuple[str, ...]
    abuse_email: str
    language: str = "en"
    cdn: bool = False
    # Hours from notice to removal: a log-normal around `median_hours`; `long_tail` of
    # the notices are ignored for two to eight and a half weeks, `never` are not acted
    # on at all. A host abroad hears from the partner hotline instead, a little later.
    median_hours: float = 24
    spread: float = 0.9
    long_tail: float = 0.0
    never: float = 0.0
    # How often the host answers when it removes something (the answer is recorded
    # and removal confirmed at once; otherwise at the next daily re-check).
    answers: float = 0.5
    weight: float = 1.0


DEMO_HOSTS = [
    DemoHost(
        "Example Hosting UK",
        "GB",
        "198.51.100.64/26",
        ("198.51.100.70", "198.51.100.71"),
        ("pictures.example.com", "share-uk.test"),
        "abuse@hosting-uk.example.net",
        median_hours=8,
        spread=0.8,
        answers=0.8,
        weight=1.5,
    ),
    DemoHost(
        "Example Hosting NL",
        "NL",
        "192.0.2.0/27",
        ("192.0.2.10",),
        ("files.example.net", "img-nl.test"),
        "abuse@hosting-nl.example.net",
        language="nl",
        median_hours=16,
        long_tail=0.04,
        answers=0.7,
        weight=1.1,
    ),
    DemoHost(
        "Example Servers DE",
        "DE",
        "192.0.2.96/27",
        ("192.0.2.100",),
        ("bilder.example.org", "upload-de.test"),
        "abuse@servers-de.example.net",
        language="de",
        median_hours=22,
        long_tail=0.07,
        answers=0.6,
        weight=0.9,
    ),
    DemoHost(
        "Example Web Services",
        "US",
        "192.0.2.32/27",
        ("192.0.2.40", "2001:db8:40::40"),
        ("media.example.com", "board.example.org", "cloud-us.test"),
        "abuse@webservices.example.com",
        median_hours=30,
        spread=1.0,
        long_tail=0.09,
        weight=1.0,
    ),
    DemoHost(
        "Example CDN",
        "US",
        "192.0.2.64/27",
        ("192.0.2.80",),
        ("fast-site.example.net", "mirror.test"),
        "abuse@cdn.example.com",
        cdn=True,
        median_hours=44,
        spread=1.0,
        long_tail=0.14,
        answers=0.4,
        weight=0.8,
    ),
    DemoHost(
        "Example Cloud FR",
        "FR",
        "198.51.100.0/26",
        ("198.51.100.20",),
        ("photos.example.org", "partage-fr.test"),
        "abuse@cloud-fr.example.org",
        language="fr",
        median_hours=55,
        spread=1.0,
        long_tail=0.11,
        weight=0.8,
    ),
    DemoHost(
        "Example Forum Host",
        "GB",
        "198.51.100.128/26",
        ("198.51.100.130",),
        ("forum.example.com",),
        "abuse@forumhost.example.net",
        median_hours=60,
        spread=1.0,
        long_tail=0.12,
        answers=0.3,
        weight=0.9,
    ),
    DemoHost(
        "Example VPS",
        "SE",
        "198.51.100.192/26",
        ("198.51.100.200",),
        ("vps-files.example.net", "dump-se.test"),
        "abuse@vps.example.org",
        language="sv",
        median_hours=190,
        spread=1.0,
        long_tail=0.27,
        answers=0.2,
        weight=0.6,
    ),
    DemoHost(
        "Example Data Centre",
        "JP",
        "203.0.113.0/25",
        ("203.0.113.10",),
        ("gazou.example.com", "up-jp.test"),
        "abuse@datacentre.example.net",
        language="ja",
        median_hours=280,
        spread=0.9,
        long_tail=0.45,
        answers=0.2,
        weight=0.6,
    ),
    # Hosted where the demo has no partner hotline: notified directly, with a note.
    DemoHost(
        "Example Offshore Hosting",
        "PA",
        "203.0.113.128/25",
        ("203.0.113.200",),
        ("anon-share.test", "hidden.example.org"),
        "abuse@offshore.example.com",
        language="es",
        median_hours=120,
        spread=0.8,
        long_tail=0.2,
        never=0.1,
        answers=0.1,
        weight=1.0,
    ),
    DemoHost(
        "Example Island Hosting",
        "SC",
        "192.0.2.128/27",
        ("192.0.2.140",),
        ("depot.example.net", "island-files.test"),
        "abuse@island-hosting.example.org",
        language="fr",
        median_hours=70,
        spread=1.0,
        long_tail=0.12,
        answers=0.3,
        weight=0.8,
    ),
]

# Partner hotlines by country (the demo organisation is the hotline for GB itself).
DEMO_HOTLINES = [
    ("NL", "Demo Hotline Netherlands", "reports@hotline-nl.example.org", "nl"),
    ("DE", "Demo Hotline Germany", "reports@hotline-de.example.org", "de"),
    ("US", "Demo Hotline United States", "reports@hotline-us.example.org", "en"),
    ("FR", "Demo Hotline France", "reports@hotline-fr.example.org", "fr"),
    ("CA", "Demo Hotline Canada", "reports@hotline-ca.example.org", "en"),
    ("SE", "Demo Hotline Sweden", "reports@hotline-se.example.org", "sv"),
    ("JP", "Demo Hotline Japan", "reports@hotline-jp.example.org", "ja"),
]
DEMO_POLICE = ("GB", "Demo Police Online Child Protection Unit", "referrals@police-unit.test")
DEMO_REGISTRAR = ("Example Registrar", "abuse@registrar.example.com")
DEMO_SERVICE = ("ExampleSocial trust and safety", "trust@social.example.com")
REGISTRAR_NAME = DEMO_REGISTRAR[0]


def seed_directory(organisation: Organisation) -> None:
    if not organisation.country:
        organisation.country = DEMO_COUNTRY
        organisation.save(update_fields=["country"])
    TakedownPolicy.objects.get_or_create(
        organisation=organisation,
        defaults={
            # As SCARt does: the first notice an hour after the report is confirmed,
            # then a reminder every 24 hours while the content is still online.
            "first_notice": FirstNotice.AFTER_DELAY,
            "first_notice_delay_minutes": 60,
            "reminder_hours": 24,
            "escalate_after_reminders": 3,
            # The demo notifies only hosts at home and where it has no partner hotline,
            # so an ignored notice goes to the domain's registrar.
            "escalate_to": EscalateTo.REGISTRAR,
            "recheck_after_removal_days": [1, 7, 30],
        },
    )
    _seed_schemes(organisation)
    _seed_partners(organisation)
    _seed_host_directory(organisation)


def _seed_schemes(organisation: Organisation) -> None:
    """Turn on the built-in schemes, if the classification app has seeded them."""
    from haven.classification.models import Scheme, SchemeSetting

    schemes = {s.key: s for s in Scheme.objects.filter(organisation=None, key__in=DEMO_SCHEMES)}
    for order, key in enumerate(DEMO_SCHEMES):
        if key in schemes:
            SchemeSetting.objects.get_or_create(
                organisation=organisation,
                scheme=schemes[key],
                defaults={"enabled": True, "required": key == "interpol", "order": order},
            )


def _seed_partners(organisation: Organisation) -> None:
    partners = [
        (PartnerKind.HOTLINE, name, country, email, language)
        for country, name, email, language in DEMO_HOTLINES
    ]
    partners += [
        (PartnerKind.POLICE, DEMO_POLICE[1], DEMO_POLICE[0], DEMO_POLICE[2], "en"),
        (PartnerKind.REGISTRAR, DEMO_REGISTRAR[0], "", DEMO_REGISTRAR[1], "en"),
        (PartnerKind.ONLINE_SERVICE, DEMO_SERVICE[0], "", DEMO_SERVICE[1], "en"),
    ]
    for kind, name, country, email, language in partners:
        Partner.objects.get_or_create(
            organisation=organisation,
            kind=kind,
            name=name,
            defaults={
                "country": country,
                "email": email,
                "language": language,
                "notes": "Demo partner: the address is reserved and reaches nobody.",
            },
        )


def _seed_host_directory(organisation: Organisation) -> None:
    entries = [(host.network, host) for host in DEMO_HOSTS]
    # The IPv6 range of the host that has one.
    entries += [
        ("2001:db8:40::/48", host)
        for host in DEMO_HOSTS
        if any(":" in address for address in host.addresses)
    ]
    for network, host in entries:
        found = {
            "name": host.name,
            "country": host.country,
            "abuse_email": host.abuse_email,
            "language": host.language,
            "cdn": host.cdn,
        }
        entry, created = HostDirectoryEntry.objects.get_or_create(
            organisation=organisation,
            kind=DirectoryKind.NETWORK,
            match=network,
            defaults=found | {"notes": DEMO_HOST_NOTE},
        )
        # An entry an older demo made (it still has the demo's note): as the demo
        # describes the host now (two have moved country since).
        changed = {k: v for k, v in found.items() if getattr(entry, k) != v}
        if not created and changed and entry.notes == DEMO_HOST_NOTE:
            for key, value in changed.items():
                setattr(entry, key, value)
            entry.save()
