"""The demo organisation: staff accounts, a hash bank of synthetic images, sample reports,
its partner and host directories, four months of takedown history, and its helpline
(districts, partner network, rota, a fake SMS number and three months of contacts,
emergencies and cases: haven/demo/helpline.py).

Everything here is synthetic. Running it twice changes nothing but the demo API token,
which is re-issued because its plaintext is never stored. Each part checks for itself
whether it is there, so a demo seeded by an older Haven gains the newer parts.
"""

from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import Organisation, Role, User
from haven.api.models import ApiToken
from haven.audit.services import Actor
from haven.demo.access import seed_access
from haven.demo.directory import seed_directory
from haven.demo.helpline import seed_helpline
from haven.demo.history import seed_history
from haven.demo.synthetic import synthetic_jpeg
from haven.hashing.media import hash_media
from haven.matching.banks import update_bank
from haven.matching.models import BankEntry, HashBank, SignalType
from haven.reports.intake import ReportInput, Upload, submit_report
from haven.reports.models import Category, MediaItem, Source

DEMO_PASSWORD = "haven-demo-password"  # noqa: S105  (demo only; refused in production)
DEMO_ACCOUNTS = [
    ("demo-analyst", Role.ANALYST),
    ("demo-supervisor", Role.SUPERVISOR),
    ("demo-admin", Role.ADMIN),
    ("demo-counsellor", Role.COUNSELLOR),
    ("demo-responder", Role.RESPONDER),
]
BANK_SEEDS = range(1000, 1020)
# Free text first (ignored by the parser), then the labels a match gives automatically
# ("scheme:label", see haven.classification.automatic.parse_bank_classification).
BANK_CLASSIFICATION = "Known material (synthetic demo bank), interpol:baseline, content:image"
# What demos seeded before the bank named labels called it.
OLD_BANK_CLASSIFICATION = "Known material (synthetic demo bank)"


@dataclass
class DemoSeed:
    organisation: Organisation
    accounts: list[tuple[str, str]]
    partner_token: str


def seed_demo() -> DemoSeed:
    with transaction.atomic():
        organisation, created = Organisation.objects.get_or_create(
            slug="demo",
            # The demo keeps evidence so that the blurred preview and reveal can be tried;
            # every image in it is synthetic. Real organisations start hash-only.
            defaults={"name": "Demo Hotline", "evidence_retention": True},
        )
        Organisation.objects.get_or_create(slug="other", defaults={"name": "Other Helpline"})
        for username, role in DEMO_ACCOUNTS:
            _demo_user(organisation, username, role)
        partner = _demo_user(organisation, "demo-partner", Role.PARTNER, device=False)
        if created:
            _demo_bank(organisation)
        ApiToken.objects.filter(user=partner, name="demo", revoked_at__isnull=True).delete()
        _, token = ApiToken.issue(partner, "demo")
        seed_directory(organisation)
        seed_helpline(
            organisation,
            User.objects.get(username="demo-counsellor"),
            User.objects.get(username="demo-responder"),
        )
        seed_access(organisation, DEMO_PASSWORD)
    if created:
        _demo_reports(organisation)
    else:
        _label_known_material(organisation)
    seed_history(organisation, User.objects.get(username="demo-analyst"))
    return DemoSeed(organisation, [(u, str(r.label)) for u, r in DEMO_ACCOUNTS], token)


def _demo_user(organisation, username, role, device=True) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"organisation": organisation, "role": role, "email": f"{username}@demo.invalid"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        if device:
            TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    return user


def _demo_bank(organisation) -> None:
    bank = HashBank.objects.create(
        organisation=organisation,
        name="Demo known material",
        classification=BANK_CLASSIFICATION,
    )
    entries = []
    for seed in BANK_SEEDS:
        hashes = hash_media(synthetic_jpeg(seed), "image")
        note = f"synthetic image {seed}"
        labels = ["synthetic", "demo"]
        entries.append(
            BankEntry(
                bank=bank, signal_type=SignalType.PDQ, value=hashes.pdq, note=note, labels=labels
            )
        )
        entries.append(
            BankEntry(
                bank=bank, signal_type=SignalType.MD5, value=hashes.md5, note=note, labels=labels
            )
        )
    BankEntry.objects.bulk_create(entries)
    # Known false positives: a hit here cancels hits in the other banks.
    safe = HashBank.objects.create(
        organisation=organisation,
        name="Demo safe list",
        classification="Known false positive",
        description="Hashes of harmless images that look like listed ones.",
        is_safe=True,
    )
    harmless = hash_media(synthetic_jpeg(9001), "image")
    BankEntry.objects.create(
        bank=safe,
        signal_type=SignalType.PDQ,
        value=harmless.pdq,
        note="synthetic harmless image",
        labels=["false positive"],
    )


def _label_known_material(organisation) -> None:
    """A demo seeded before its bank named labels: name them now, and label the files
    that matched it as a match does today (only schemes without a label are filled)."""
    from haven.classification.automatic import classify_known_material

    bank = HashBank.objects.filter(
        organisation=organisation,
        name="Demo known material",
        classification=OLD_BANK_CLASSIFICATION,
    ).first()
    if bank is None:
        return
    update_bank(Actor.system("demo"), bank, classification=BANK_CLASSIFICATION)
    matched = MediaItem.objects.filter(
        report__organisation=organisation,
        matches__entry__bank=bank,
        matches__suppressed=False,
    ).distinct()
    for item in matched.select_related("report"):
        if item.match_label == OLD_BANK_CLASSIFICATION:
            item.match_label = BANK_CLASSIFICATION
            item.save(update_fields=["match_label"])
        classify_known_material(item, [BANK_CLASSIFICATION])


def _demo_reports(organisation) -> None:
    samples = [
        ReportInput(
            category=Category.DANGER_NOW,
            description="Demo: a child says they are being told to meet someone tonight.",
            platform="ExampleChat",
        ),
        ReportInput(
            category=Category.SEXUAL_IMAGERY,
            urls=["https://example.com/demo/1"],
            description="Demo: an image that is in the demo bank.",
            uploads=[Upload("demo-known.jpg", synthetic_jpeg(1003))],
        ),
        ReportInput(
            category=Category.BULLYING,
            description="Demo: a group chat is posting insults about a pupil.",
            platform="ExampleSocial",
            age_band="13-15",
        ),
        ReportInput(
            category=Category.SELF_HARM,
            urls=["https://example.org/demo/post"],
            uploads=[Upload("demo-new.jpg", synthetic_jpeg(7))],
        ),
    ]
    for data in samples:
        submit_report(organisation, Source.PUBLIC, data, Actor.public())
