import ipaddress

from django.utils import timezone

from haven.classification.models import Classification, Scheme
from haven.demo.history import HISTORY_MARK
from haven.demo.seed import seed_demo
from haven.fetching.models import Fetch
from haven.hosting.models import HostDirectoryEntry, Hosting
from haven.matching.models import BankEntry, HashBank
from haven.matching.services import lookup
from haven.reports.models import Report, ReportUrl
from haven.routing.models import Partner, Referral
from haven.stats import removal
from haven.stats.services import DateRange
from haven.takedown.models import Notice, Takedown, TakedownPolicy


def test_the_demo_has_a_known_bank_and_a_safe_list_that_cancels_its_hits(db):
    seed_demo()
    banks = HashBank.objects.filter(name__startswith="Demo")
    assert sorted(banks.values_list("name", "is_safe")) == [
        ("Demo known material", False),
        ("Demo safe list", True),
    ]
    known = BankEntry.objects.filter(bank__name="Demo known material", signal_type="pdq").first()
    hits = lookup(known.bank.organisation_id, pdq=known.value, pdq_quality=100)
    assert any(hit.entry == known and not hit.suppressed for hit in hits)


def test_the_demo_history_gives_removal_statistics_that_look_like_a_hotlines(db):
    seeded = seed_demo()
    organisation = seeded.organisation
    figures = removal.figures(organisation, DateRange.last_days(365, timezone.localdate()))
    overall = figures.overall
    assert 130 <= overall.takedowns <= 180
    assert overall.notified >= 100 and overall.forwarded >= 5
    assert 1 <= overall.still_online <= 20
    assert overall.reappeared >= 1 and overall.escalated >= 10
    within_day, within_3_days, within_week = (share.share for share in overall.shares)
    assert 0.15 <= within_day <= within_3_days <= within_week
    assert 0.40 <= within_week <= 0.95
    over_42_days = overall.distribution[-2].count / overall.notified
    assert 0.04 <= over_42_days <= 0.2
    assert overall.notice_to_removal.median < overall.notice_to_removal.p90
    assert len(figures.by_host) == 10 and len(figures.by_country) == 8
    assert len(figures.slowest_hosts) == 5
    assert figures.slowest_hosts[0].notice_to_removal.median > 5 * 24


def test_the_demo_history_tells_each_takedown_whole(db):
    seed_demo()
    takedown = (
        Takedown.objects.filter(reminders_sent__gte=3, removed_at__isnull=False)
        .select_related("report_url__hosting")
        .first()
    )
    notices = list(takedown.notices.all())
    assert [n.kind for n in notices[:2]] == ["first", "reminder"]
    assert notices[0].sent_at == takedown.first_notice_at
    # Every notice but an escalation went after a re-check that found the content online.
    for notice in notices:
        if notice.kind != "escalation":
            assert notice.recheck.outcome == "present"
            assert notice.recheck.started_at < notice.sent_at
    assert takedown.escalated_at is not None
    gone = Fetch.objects.get(report_url=takedown.report_url, started_at=takedown.removed_at)
    assert gone.outcome == "gone"
    hosting = takedown.report_url.hosting
    assert hosting.country == takedown.country and hosting.network_name == takedown.host_name
    assert takedown.report.status == "closed" or takedown.report.urls.count() > 1


RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
DOCUMENTATION = [
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
]


def reserved(domain: str) -> bool:
    return domain.endswith(".test") or any(
        domain == name or domain.endswith(f".{name}") for name in RESERVED_DOMAINS
    )


def documentation(network: str) -> bool:
    network = ipaddress.ip_network(network)
    return any(
        network.version == block.version and network.subnet_of(block) for block in DOCUMENTATION
    )


def test_the_demo_uses_only_reserved_names_and_documentation_addresses(db):
    seed_demo()
    urls = ReportUrl.objects.filter(report__organisation__slug="demo")
    assert all(reserved(url.split("/")[2]) for url in urls.values_list("url", flat=True))
    for addresses in Hosting.objects.values_list("addresses", flat=True):
        assert all(documentation(address) for address in addresses)
    assert all(
        documentation(match) for match in HostDirectoryEntry.objects.values_list("match", flat=True)
    )
    emails = list(Partner.objects.values_list("email", flat=True))
    emails += Notice.objects.values_list("recipient", flat=True).distinct()
    emails += HostDirectoryEntry.objects.values_list("abuse_email", flat=True)
    assert all(reserved(email.split("@")[1]) for email in emails), emails


def test_the_demo_sets_up_the_workflow(db):
    organisation = seed_demo().organisation
    organisation.refresh_from_db()
    assert organisation.country == "GB"
    policy = TakedownPolicy.objects.get(organisation=organisation)
    assert (policy.reminder_hours, policy.escalate_after_reminders) == (24, 3)
    kinds = set(Partner.objects.filter(organisation=organisation).values_list("kind", flat=True))
    assert kinds == {"hotline", "police", "registrar", "online_service"}
    assert HostDirectoryEntry.objects.filter(organisation=organisation, cdn=True).count() == 1
    assert not Takedown.objects.filter(next_action_at__isnull=False).exists()


def test_seeding_the_demo_twice_changes_nothing(db):
    seed_demo()
    counted = [Report, Takedown, Notice, Fetch, Hosting, Partner, HostDirectoryEntry, Referral]
    before = [model.objects.count() for model in counted]
    seed_demo()
    assert [model.objects.count() for model in counted] == before


def test_the_history_is_classified_with_the_built_in_schemes_when_they_exist(db):
    seed_demo()
    keys = set(Scheme.objects.filter(organisation=None).values_list("key", flat=True))
    classified = Classification.objects.filter(report__description__startswith=HISTORY_MARK)
    if "interpol" not in keys:
        assert not classified.exists()
        return
    history = Report.objects.filter(description__startswith=HISTORY_MARK, duplicate_of=None)
    assert classified.filter(scheme__key="interpol", report_url=None).count() == history.count()
    assert classified.filter(scheme__key="interpol").exclude(report_url=None).count() == (
        Takedown.objects.filter(report__in=history).count()
    )
