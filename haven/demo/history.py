"""Four months of invented takedown history, so that the demo's removal statistics,
report pages and directories show real figures from the first start.

About 150 reported addresses over the last 120 days, each with its report,
classification, capture, hosting, takedown, notices (the first, a reminder every 24
hours while the content was still online, escalation after three), the re-checks
before each reminder and after removal, host answers, a few forwarded to the hosting
country's hotline, a few that came back after removal and a few still online. Removal
times are drawn from a seeded random generator, per host, to a long-tailed
distribution like those hotlines publish: most within one to three days, some after
weeks, about one in ten after more than six weeks.

Only text: the "material" is a reported address under a reserved domain and a made-up
hash. The addresses are documentation ranges, which the live fetcher refuses to
fetch; this is history, so the scheduler is given nothing to do (no `next_action_at`).
Everything is written with bulk_create in one transaction, in about a second.
"""

import hashlib
import math
import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from haven.accounts.models import Organisation, User
from haven.demo.directory import DEMO_HOSTS, REGISTRAR_NAME, DemoHost
from haven.demo.records import HISTORY_MARK, AddressStory, write
from haven.fetching.models import Fetch, Outcome, Purpose
from haven.reports.models import Category, Report, Source, Status, Urgency
from haven.reports.references import new_reference
from haven.routing.models import Partner, PartnerKind, Referral, ReferralKind, ReferralStatus
from haven.takedown.models import Channel, Notice, NoticeKind, State, Takedown

SEED = 4
REPORTS = 135
SECOND_ADDRESS = 0.12  # reports with two addresses on the same host
DAYS = 120
FORWARDED = 0.12
REAPPEARS = 0.05
REMINDER_HOURS = 24
ESCALATE_AFTER = 3
RECHECK_DAYS = (1, 7, 30)
HOUR = timedelta(hours=1)

ANSWERS = [
    "Removed, thank you for the report.",
    "The account has been suspended and the file deleted.",
    "We have taken the page down.",
    "Content disabled; customer notified.",
]


def seed_history(organisation: Organisation, analyst: User, now: datetime | None = None) -> bool:
    """Write the history once; False if it is already there."""
    if Report.objects.filter(organisation=organisation, description__startswith=HISTORY_MARK):
        return False
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    rng = random.Random(SEED)
    partners = _partners(organisation)
    with transaction.atomic():
        reports, urls = _reports(organisation, rng, now)
        for item in urls:
            _story(item, organisation, analyst, partners, rng, now)
        write(organisation, analyst, reports, urls, rng, now)
    return True


def _partners(organisation: Organisation) -> dict[str, Partner]:
    """Hotlines by country, and the registrar under "registrar"."""
    found = {}
    for partner in Partner.objects.filter(organisation=organisation, active=True):
        if partner.kind == PartnerKind.HOTLINE and partner.country:
            found[partner.country] = partner
        elif partner.kind == PartnerKind.REGISTRAR and partner.name == REGISTRAR_NAME:
            found["registrar"] = partner
    return found


def _reports(organisation, rng: random.Random, now: datetime):
    weights = [host.weight for host in DEMO_HOSTS]
    reports, urls = [], []
    for number in range(REPORTS):
        received = now - timedelta(minutes=rng.randrange(12 * 60, DAYS * 24 * 60))
        # Classified a few hours later; every report of the history has its first notice.
        delay = _hours(max(10, rng.lognormvariate(math.log(180), 0.8)) / 60)
        classified = min(received + delay, now - 2 * HOUR)
        report = Report(
            organisation=organisation,
            reference=new_reference(),
            category=Category.SEXUAL_IMAGERY,
            description=f"{HISTORY_MARK} a reported address (text only, no material).",
            source=Source.API if rng.random() < 0.3 else Source.PUBLIC,
            urgency=Urgency.STANDARD,
            received_at=received,
            due_at=received + timedelta(hours=24),
            first_action_at=classified,
            classified_category=Category.SEXUAL_IMAGERY,
            severity=rng.choice(["high", "high", "critical"]),
            status=Status.ACTIONED,
        )
        reports.append(report)
        host = rng.choices(DEMO_HOSTS, weights)[0]
        for extra in range(2 if rng.random() < SECOND_ADDRESS else 1):
            site = rng.choice(host.sites)
            path = f"/demo/{number:03d}{'abcdef'[extra]}/{rng.randrange(10**6):06d}"
            urls.append(AddressStory(host, f"https://{site}{path}", report=report))
    return reports, urls


def _story(item: AddressStory, organisation, analyst, partners, rng: random.Random, now) -> None:
    """What happened to one address, from capture to removal (or not yet)."""
    report, host = item.report, item.host
    assert report.first_action_at is not None
    _fetch(item, Purpose.CAPTURE, report.received_at + timedelta(minutes=2), rng)
    opened = report.first_action_at
    takedown = Takedown(
        organisation=organisation,
        report=report,
        state=State.NOTIFIED,
        recipient=host.abuse_email,
        channel=Channel.EMAIL,
        language=host.language,
        host_name=host.name,
        country=host.country,
        opened_by=analyst,
        opened_at=opened,
    )
    item.takedown = takedown
    partner = partners.get(host.country)
    if partner and host.country != organisation.country and rng.random() < FORWARDED:
        _forwarded(item, partner, opened, rng, now)
    else:
        _notified(item, partners, opened + HOUR, rng, now)
    takedown.last_checked_at = item.fetches[-1].started_at
    takedown.last_check_outcome = item.fetches[-1].outcome


def _forwarded(item: AddressStory, partner: Partner, at: datetime, rng, now) -> None:
    """Sent to the hosting country's hotline, which deals with the host; we re-check."""
    takedown = item.takedown
    sent = at + timedelta(minutes=5)
    acknowledged = sent + _hours(rng.uniform(1, 30))
    item.referrals.append(
        _referral(
            item, partner, ReferralKind.FORWARD, sent, acknowledged if acknowledged < now else None
        )
    )
    takedown.state = State.FORWARDED
    # Where a hotline is in the hosting country, removal takes about two and a half days.
    gone = sent + _hours(rng.lognormvariate(math.log(60), 0.7))
    _daily_rechecks(item, sent, gone, now, rng)


def _notified(item: AddressStory, partners, first_notice: datetime, rng, now) -> None:
    host, takedown = item.host, item.takedown
    gone = first_notice + _hours(_removal_hours(host, rng))
    _fetch(item, Purpose.RECHECK, first_notice - timedelta(minutes=1), rng)
    _notice(item, NoticeKind.FIRST, first_notice, host.abuse_email)
    takedown.first_notice_at = takedown.last_notice_at = first_notice
    answered = rng.random() < host.answers
    if answered and gone + 2 * HOUR < now:
        # The host says it is done; the re-check that follows confirms and dates it.
        takedown.host_answered_at = gone + timedelta(minutes=rng.randrange(5, 120))
        takedown.host_answer = rng.choice(ANSWERS)
        _until_removed(item, partners, first_notice, takedown.host_answered_at, now, rng)
    else:
        _until_removed(item, partners, first_notice, gone, now, rng, on_schedule=True)
    removed_long_ago = takedown.removed_at and takedown.removed_at < now - timedelta(days=10)
    if removed_long_ago and rng.random() < REAPPEARS:
        _reappears(item, partners, rng, now)


def _hours(hours: float) -> timedelta:
    """A drawn time, to the minute, as people and mail servers record times."""
    return timedelta(minutes=round(hours * 60))


def _removal_hours(host: DemoHost, rng: random.Random) -> float:
    if rng.random() < host.never:
        return 10_000 * 24.0
    if rng.random() < host.long_tail:
        return rng.uniform(42, 60) * 24
    return max(0.2, rng.lognormvariate(math.log(host.median_hours), host.spread))


def _until_removed(item: AddressStory, partners, since, gone, now, rng, on_schedule=False) -> None:
    """Reminders every 24 hours while the content is still there, then the removal.

    With an answer from the host, removal is confirmed by a re-check at once;
    otherwise by the re-check before the next reminder would have gone.
    """
    takedown = item.takedown
    step = 1
    while True:
        due = since + step * REMINDER_HOURS * HOUR
        if due > now:
            confirmed = None if on_schedule or gone >= now else gone + timedelta(minutes=5)
            break
        if gone < due:
            confirmed = due - timedelta(minutes=1) if on_schedule else gone + timedelta(minutes=5)
            break
        _fetch(item, Purpose.RECHECK, due - timedelta(minutes=1), rng)
        _notice(item, NoticeKind.REMINDER, due, takedown.recipient)
        takedown.reminders_sent += 1
        takedown.last_notice_at = due
        if takedown.reminders_sent == ESCALATE_AFTER and not takedown.escalated_at:
            _escalate(item, partners, due + timedelta(minutes=2))
        step += 1
    if confirmed is None:
        takedown.state = State.ESCALATED if takedown.escalated_at else State.NOTIFIED
        return
    _fetch(item, Purpose.RECHECK, confirmed, rng, outcome=Outcome.GONE)
    takedown.removed_at = confirmed
    takedown.state = State.REMOVED
    for days in RECHECK_DAYS:
        if confirmed + timedelta(days=days) < now:
            _fetch(item, Purpose.RECHECK, confirmed + timedelta(days=days), rng, Outcome.GONE)


def _escalate(item: AddressStory, partners, at: datetime) -> None:
    takedown = item.takedown
    partner = partners.get(takedown.country) or partners.get("registrar")
    if partner is None:
        return
    _notice(item, NoticeKind.ESCALATION, at, partner.email)
    item.referrals.append(_referral(item, partner, ReferralKind.ESCALATION, at, at + 6 * HOUR))
    takedown.escalated_at = at


def _reappears(item: AddressStory, partners, rng, now) -> None:
    """A re-check after removal finds the content back: the takedown reopens."""
    takedown = item.takedown
    assert takedown.removed_at is not None
    back = takedown.removed_at + timedelta(days=7)
    item.fetches = [f for f in item.fetches if f.started_at <= back - HOUR]
    _fetch(item, Purpose.RECHECK, back, rng)
    _notice(item, NoticeKind.REMINDER, back + timedelta(minutes=1), takedown.recipient)
    takedown.reminders_sent += 1
    takedown.last_notice_at = back
    takedown.reappeared_count += 1
    takedown.removed_at = None
    gone = back + _hours(rng.lognormvariate(math.log(20), 0.6))
    _until_removed(item, partners, back, gone, now, rng, on_schedule=True)


def _daily_rechecks(item: AddressStory, since, gone, now, rng) -> None:
    takedown = item.takedown
    check = since + REMINDER_HOURS * HOUR
    while check < now:
        if gone < check:
            _fetch(item, Purpose.RECHECK, check, rng, outcome=Outcome.GONE)
            takedown.removed_at = check
            takedown.state = State.REMOVED
            return
        _fetch(item, Purpose.RECHECK, check, rng)
        check += REMINDER_HOURS * HOUR


def _fetch(
    item: AddressStory, purpose: str, at: datetime, rng, outcome: str = Outcome.PRESENT
) -> None:
    host = item.host
    present = outcome == Outcome.PRESENT
    # The same page each time it is found: the same hashes.
    body = item.url.encode() if present else b""
    item.fetches.append(
        Fetch(
            purpose=purpose,
            requested_url=item.url,
            final_url=item.url,
            outcome=outcome,
            reason="",
            detail="" if present else "The server answered 404 Not Found.",
            status_code=200 if present else 404,
            addresses=list(host.addresses),
            content_type="text/html; charset=utf-8" if present else "text/html",
            size=len(body) * 40,
            md5=hashlib.md5(body, usedforsecurity=False).hexdigest() if present else "",
            sha256=hashlib.sha256(body).hexdigest() if present else "",
            started_at=at,
            finished_at=at + timedelta(seconds=rng.uniform(0.2, 3)),
        )
    )


def _notice(item: AddressStory, kind: str, at: datetime, recipient: str) -> None:
    before = len(item.fetches) - 1 if kind != NoticeKind.ESCALATION else None
    item.notices.append(
        Notice(
            kind=kind,
            channel=Channel.EMAIL,
            recipient=recipient,
            language="en",
            subject=f"{NoticeKind(kind).label}: reported content at your service "
            f"({item.report.reference})",
            body=(
                f"Demo notice (invented history).\n\nAddress: {item.url}\n"
                "Please remove this content and reply to this message."
            ),
            sent_at=at,
        )
    )
    item.notice_rechecks.append(before)


def _referral(item: AddressStory, partner, kind, sent: datetime, acknowledged) -> Referral:
    return Referral(
        organisation=item.report.organisation,
        report=item.report,
        partner=partner,
        kind=kind,
        channel="email",
        evidence={"urls": [item.url], "note": "Demo referral (invented history)."},
        status=ReferralStatus.ACKNOWLEDGED if acknowledged else ReferralStatus.SENT,
        sent_at=sent,
        acknowledged_at=acknowledged,
    )
