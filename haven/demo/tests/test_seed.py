import ipaddress
from datetime import timedelta

from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.classification.automatic import parse_bank_classification
from haven.classification.models import Classification, ClassificationSource, Scheme
from haven.demo.directory import seed_directory
from haven.demo.history import HISTORY_MARK, NOT_SCHEDULED, seed_history
from haven.demo.seed import BANK_CLASSIFICATION, OLD_BANK_CLASSIFICATION, seed_demo
from haven.fetching.models import Fetch
from haven.hosting.models import HostDirectoryEntry, Hosting
from haven.matching.models import BankEntry, HashBank
from haven.matching.services import lookup
from haven.reports.models import MediaItem, Report, ReportUrl
from haven.routing.models import Partner, Referral
from haven.stats import removal
from haven.stats.services import DateRange
from haven.takedown.models import Notice, Takedown, TakedownPolicy


def test_the_demo_has_a_known_bank_and_a_safe_list_that_cancels_its_hits(db, demo):
    banks = HashBank.objects.filter(name__startswith="Demo")
    assert sorted(banks.values_list("name", "is_safe")) == [
        ("Demo known material", False),
        ("Demo safe list", True),
    ]
    known = BankEntry.objects.filter(bank__name="Demo known material", signal_type="pdq").first()
    hits = lookup(known.bank.organisation_id, pdq=known.value, pdq_quality=100)
    assert any(hit.entry == known and not hit.suppressed for hit in hits)


def test_the_demo_history_gives_removal_statistics_that_look_like_a_hotlines(db, demo):
    organisation = demo.organisation
    figures = removal.figures(organisation, DateRange.last_days(365, timezone.localdate()))
    overall = figures.overall
    assert 130 <= overall.takedowns <= 180
    assert overall.notified >= 40 and overall.forwarded >= 50
    assert overall.notified + overall.forwarded + overall.stopped == overall.takedowns
    assert 1 <= overall.still_online <= 25 and overall.stopped >= 3
    assert overall.reappeared >= 1 and overall.escalated >= 10
    within_day, within_3_days, within_week = (share.share for share in overall.shares)
    assert 0.15 <= within_day <= within_3_days <= within_week
    assert 0.60 <= within_week <= 0.95
    # Hosts that ignore us for three weeks are handed to police: no notified content
    # is removed after four weeks, and none is still online after three.
    assert [bucket.count for bucket in overall.distribution[-4:-1]] == [0, 0, 0]
    assert overall.longest_online is not None and overall.longest_online < 21 * 24
    assert overall.notice_to_removal.median < overall.notice_to_removal.p90
    assert len(figures.by_host) == 11 and len(figures.by_country) == 9
    assert len(figures.slowest_hosts) >= 3
    assert figures.slowest_hosts[0].notice_to_removal.median > 3 * 24


def test_the_demo_history_tells_each_takedown_whole(db, demo):
    takedown = (
        Takedown.objects.filter(reminders_sent__gte=3, removed_at__isnull=False)
        .select_related("report_url__hosting")
        .first()
    )
    notices = list(takedown.notices.all())
    assert [n.kind for n in notices[:2]] == ["first", "reminder"]
    assert notices[0].sent_at == takedown.first_notice_at
    # Every notice went after a re-check that found the content online.
    for notice in notices:
        assert notice.recheck.outcome == "present"
        assert notice.recheck.started_at < notice.sent_at
    assert takedown.escalated_at is not None and takedown.escalated_to == "registrar"
    assert takedown.referral.kind == "escalation"
    assert takedown.referral.partner.name == "Example Registrar"
    gone = Fetch.objects.get(report_url=takedown.report_url, started_at=takedown.removed_at)
    assert gone.outcome == "gone"
    hosting = takedown.report_url.hosting
    assert hosting.country == takedown.country and hosting.network_name == takedown.host_name
    assert takedown.report.status == "closed" or takedown.report.urls.count() > 1


def test_content_abroad_goes_to_its_countrys_partner_hotline_and_is_checked_daily(db, demo):
    organisation = demo.organisation
    hotlines = dict(
        Partner.objects.filter(organisation=organisation, kind="hotline").values_list(
            "country", "name"
        )
    )
    history = Takedown.objects.filter(report__description__startswith=HISTORY_MARK)
    abroad = history.filter(country__in=hotlines).select_related("referral__partner")
    assert abroad.count() >= 50
    for takedown in abroad:
        assert takedown.state in ("forwarded", "removed"), takedown.state
        assert takedown.first_notice_at is None and not takedown.notices.exists()
        referral = takedown.referral
        assert (referral.kind, referral.partner.country) == ("forward", takedown.country)
        assert referral.evidence["urls"][0]["url"] == takedown.report_url.url
        checks = takedown.report_url.fetches.filter(
            purpose="recheck", started_at__gt=referral.sent_at
        ).order_by("started_at")
        if takedown.removed_at:
            # The check that found it gone dates the removal, a day after the one before.
            first_gone = checks.filter(outcome="gone").first()
            assert first_gone.started_at == takedown.removed_at
            before = [c.started_at for c in checks if c.started_at < takedown.removed_at]
            assert takedown.removed_at - (before[-1] if before else referral.sent_at) == DAY
    acknowledged = abroad.filter(referral__status="acknowledged").count()
    assert acknowledged >= 0.8 * abroad.count()
    # What is not acknowledged yet is chased, as routing chases every referral.
    assert not Referral.objects.filter(status="sent", chase_at=None).exists()


def test_content_at_home_or_where_no_partner_is_notified_directly_and_says_why(db, demo):
    organisation = demo.organisation
    hotlines = set(
        Partner.objects.filter(organisation=organisation, kind="hotline").values_list(
            "country", flat=True
        )
    )
    history = Takedown.objects.filter(report__description__startswith=HISTORY_MARK)
    direct = history.exclude(country__in=hotlines)
    assert set(direct.values_list("country", flat=True)) == {"GB", "PA", "SC"}
    assert not direct.filter(first_notice_at=None).exists()
    assert not direct.filter(state="forwarded").exists()
    assert not direct.filter(referral__kind="forward").exists()
    assert set(direct.filter(country="GB").values_list("routing_note", flat=True)) == {""}
    for country in ("PA", "SC"):
        notes = set(direct.filter(country=country).values_list("routing_note", flat=True))
        assert notes == {f"No partner hotline in {country}: the host is notified directly."}


def test_notices_are_written_in_the_hosts_language_from_the_notice_templates(db, demo):
    languages = {
        country: set(
            Notice.objects.filter(takedown__country=country).values_list("language", flat=True)
        )
        for country in ("GB", "PA", "SC")
    }
    assert languages == {"GB": {"en"}, "PA": {"es"}, "SC": {"fr"}}
    reminder = Notice.objects.filter(kind="reminder", language="es").select_related(
        "takedown__report_url"
    )[0]
    takedown = reminder.takedown
    assert reminder.subject.startswith("Recordatorio ")
    assert takedown.reference in reminder.subject
    assert takedown.report_url.url in reminder.body
    assert "/takedown/answer/" in reminder.body
    first = Notice.objects.filter(kind="first", language="fr")[0]
    assert first.body.startswith("Madame, Monsieur")


def test_every_step_is_in_the_audit_log_at_the_time_it_happened(db, demo):
    takedown = Takedown.objects.filter(
        reminders_sent__gte=3, removed_at__isnull=False, reappeared_count=0
    ).first()
    steps = list(
        AuditEvent.objects.filter(target_type="takedown", target_id=str(takedown.pk)).order_by("pk")
    )
    actions = [step.action for step in steps]
    assert actions[:3] == ["takedown.opened", "takedown.notice_sent", "takedown.notice_sent"]
    assert "takedown.escalated" in actions and "takedown.removed" in actions
    # The ids follow the times, which are the history's, not the moment of seeding.
    times = [step.at for step in steps]
    assert times == sorted(times) and times[0] == takedown.opened_at
    sent = [step for step in steps if step.action == "takedown.notice_sent"]
    assert [step.at for step in sent] == [n.sent_at for n in takedown.notices.all()]
    assert {step.detail["notice_id"] for step in sent} == set(
        takedown.notices.values_list("pk", flat=True)
    )
    removed = next(step for step in steps if step.action == "takedown.removed")
    assert removed.at == takedown.removed_at
    assert removed.detail["reference"] == takedown.reference
    assert {step.actor_label for step in sent} == {"takedown scheduler"}
    assert steps[0].actor.username == "demo-analyst"
    forwarded = Takedown.objects.filter(referral__kind="forward").first()
    referral_steps = AuditEvent.objects.filter(
        target_type="referral", target_id=str(forwarded.referral_id)
    )
    assert [step.action for step in referral_steps.order_by("pk")][:1] == ["referral.created"]


def test_open_history_takedowns_are_left_unscheduled_and_say_why(db, demo):
    history = Takedown.objects.filter(report__description__startswith=HISTORY_MARK)
    still_open = history.filter(state__in=("notified", "escalated", "forwarded"))
    assert still_open.exists()
    assert not history.filter(next_action_at__isnull=False).exists()
    assert set(still_open.values_list("attention", flat=True)) == {NOT_SCHEDULED}
    assert (
        not history.exclude(state__in=("notified", "escalated", "forwarded"))
        .exclude(attention="")
        .exists()
    )


def test_hosts_that_ignore_us_for_three_weeks_are_referred_to_police_not_reminded_forever(db, demo):
    history = Takedown.objects.filter(report__description__startswith=HISTORY_MARK)
    assert max(history.values_list("reminders_sent", flat=True)) <= 20
    stopped = history.filter(state="stopped")
    assert stopped.exists()
    for takedown in stopped:
        assert takedown.stopped_reason.startswith("Still online 21 days after the first notice")
        assert takedown.escalated_at is not None
        police = Referral.objects.get(report=takedown.report, kind="police")
        assert police.partner.kind == "police" and police.sent_at > takedown.last_notice_at
        step = AuditEvent.objects.get(
            target_type="takedown", target_id=str(takedown.pk), action="takedown.stopped"
        )
        assert step.detail["reason"] == takedown.stopped_reason


DAY = timedelta(hours=24)
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


def test_the_demo_uses_only_reserved_names_and_documentation_addresses(db, demo):
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


def test_the_demo_sets_up_the_workflow(db, demo):
    organisation = demo.organisation
    organisation.refresh_from_db()
    assert organisation.country == "GB"
    policy = TakedownPolicy.objects.get(organisation=organisation)
    assert (policy.reminder_hours, policy.escalate_after_reminders) == (24, 3)
    kinds = set(Partner.objects.filter(organisation=organisation).values_list("kind", flat=True))
    assert kinds == {"hotline", "police", "registrar", "online_service"}
    assert HostDirectoryEntry.objects.filter(organisation=organisation, cdn=True).count() == 1
    assert not Takedown.objects.filter(next_action_at__isnull=False).exists()


def test_seeding_the_demo_twice_changes_nothing(db, demo):
    counted = [Report, Takedown, Notice, Fetch, Hosting, Partner, HostDirectoryEntry, Referral]
    before = [model.objects.count() for model in counted]
    seed_demo()
    assert [model.objects.count() for model in counted] == before


def test_the_known_demo_file_is_labelled_as_a_bank_match_labels_it(db, demo):
    assert parse_bank_classification(
        HashBank.objects.get(name="Demo known material").classification
    ) == {
        "interpol": "baseline",
        "content": "image",
    }
    item = MediaItem.objects.get(original_name="demo-known.jpg")
    assert item.match_label
    labels = Classification.objects.filter(media_item=item)
    assert set(labels.values_list("scheme__key", "label__key", "source")) == {
        ("interpol", "baseline", "known_material"),
        ("content", "image", "known_material"),
    }
    assert not Classification.objects.filter(media_item__original_name="demo-new.jpg").exists()


def test_a_demo_seeded_before_its_bank_named_labels_gets_them_when_seeded_again(db, demo):
    organisation = demo.organisation
    bank = HashBank.objects.get(organisation=organisation, name="Demo known material")
    item = MediaItem.objects.get(original_name="demo-known.jpg")
    # As an older demo left it: the bank's words only, and no labels on the file.
    Classification.objects.filter(media_item=item).delete()
    HashBank.objects.filter(pk=bank.pk).update(classification=OLD_BANK_CLASSIFICATION)
    MediaItem.objects.filter(pk=item.pk).update(match_label=OLD_BANK_CLASSIFICATION)
    seed_demo()
    bank.refresh_from_db()
    item.refresh_from_db()
    assert bank.classification == item.match_label == BANK_CLASSIFICATION
    assert set(
        Classification.objects.filter(media_item=item).values_list("label__key", flat=True)
    ) == {
        "baseline",
        "image",
    }


def test_the_history_is_classified_with_the_built_in_schemes_when_they_exist(db, demo):
    keys = set(Scheme.objects.filter(organisation=None).values_list("key", flat=True))
    classified = Classification.objects.filter(report__description__startswith=HISTORY_MARK)
    if "interpol" not in keys:
        assert not classified.exists()
        return
    history = Report.objects.filter(description__startswith=HISTORY_MARK, duplicate_of=None)
    assert classified.filter(scheme__key="interpol", report_url=None).count() == history.count()
    by_analyst = classified.exclude(source=ClassificationSource.REPEAT)
    assert by_analyst.filter(scheme__key="interpol").exclude(report_url=None).count() == (
        Takedown.objects.filter(report__in=history).count()
    )
    # A report that joined a case carries its address's earlier labels, given by no one.
    joined = Report.objects.filter(description__startswith=HISTORY_MARK).exclude(duplicate_of=None)
    repeats = classified.filter(report__in=joined, source=ClassificationSource.REPEAT)
    assert repeats.exists() and not repeats.exclude(classified_by=None).exists()
    # Schemes that classify items only never label a whole report.
    assert not classified.filter(report_url=None, media_item=None, scheme__applies_to="item")


def test_a_history_told_by_an_older_haven_is_told_again(db, demo, analyst):
    organisation = analyst.organisation
    organisation.country = "GB"
    organisation.save()
    seed_directory(organisation)
    # As the history used to be written: a notice to a host abroad, nothing audited.
    old = Report.objects.create(
        organisation=organisation,
        description=f"{HISTORY_MARK} a reported address (text only, no material).",
        due_at=timezone.now(),
    )
    url = ReportUrl.objects.create(report=old, url="https://files.example.net/demo/old")
    Takedown.objects.create(
        organisation=organisation, report=old, report_url=url, state="notified", country="NL"
    )
    assert seed_history(organisation, analyst) is True
    assert not Report.objects.filter(pk=old.pk).exists()
    history = Takedown.objects.filter(organisation=organisation)
    assert history.count() == Takedown.objects.filter(organisation=demo.organisation).count()
    assert not history.filter(country="NL").exclude(first_notice_at=None).exists()
    assert seed_history(organisation, analyst) is False


def test_seeding_again_brings_an_older_demos_host_directory_up_to_date(db, demo):
    entries = HostDirectoryEntry.objects.filter(organisation=demo.organisation)
    # Where an older demo had the offshore host, and an entry a supervisor made their own.
    entries.filter(match="203.0.113.128/25").update(country="SE")
    entries.filter(match="198.51.100.128/26").update(country="CA", notes="Checked by Sam.")
    seed_demo()
    assert entries.get(match="203.0.113.128/25").country == "PA"
    assert entries.get(match="198.51.100.128/26").country == "CA"
