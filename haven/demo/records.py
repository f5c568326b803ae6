"""Writing the demo history's stories to the database: reports, addresses, hosting,
fetches, classifications, referrals, takedowns, notices, host answers, actions and the
audit log, in the order their foreign keys need: each kind in one bulk statement, but
the referrals' evidence packages (built by routing, a few queries each) and the audit
rows (one insert each, see haven.demo.audit_log)."""

import random
from collections import defaultdict
from datetime import UTC, timedelta

from haven.classification.models import AppliesTo
from haven.demo.audit_log import write_steps
from haven.demo.directory import DEMO_SCHEMES, REGISTRAR_NAME
from haven.demo.notices import render_notices
from haven.demo.story import AddressStory
from haven.fetching.models import Fetch
from haven.hosting.models import Hosting
from haven.reports.models import Category, Report, ReportUrl, Source, Status
from haven.reports.references import new_reference
from haven.routing.models import Referral, ReferralKind
from haven.takedown.models import HostAnswer, Notice, Takedown
from haven.triage.models import ActionTaken

# Reports of the history start with this, which is also how a second run knows that
# the history is already there.
HISTORY_MARK = "Demo history:"
JOINED = 6  # later reports of an address already reported, joined to its case
# The labels drawn for each report, with their weights; an address carries those of
# the schemes its takedown rests on.
LABEL_CHOICES = {
    "interpol": [("baseline", 3), ("national", 1)],
    "uk": [("a", 2), ("b", 3), ("c", 5)],
    "ncmec": [("a1", 2), ("a2", 1), ("b1", 3), ("b2", 2)],
    "age": [("3-6", 1), ("7-10", 3), ("11-13", 4), ("14-15", 2), ("unclear", 1)],
    "content": [("url", 3), ("website", 1), ("image", 2)],
}
ADDRESS_SCHEMES = ("interpol", "uk")


def pick_labels(urls: list[AddressStory], rng: random.Random) -> None:
    """Labels from the built-in schemes, when the classification app has seeded them."""
    from haven.classification.models import Label

    labels: dict[str, dict[str, Label]] = defaultdict(dict)
    for builtin in Label.objects.filter(scheme__organisation=None).select_related("scheme"):
        labels[builtin.scheme.key][builtin.key] = builtin
    picked: dict[int, list[Label]] = {}
    for item in urls:
        report = id(item.report)
        if report not in picked:
            picked[report] = [
                label for scheme in DEMO_SCHEMES if (label := _pick(labels, scheme, rng))
            ]
        # The report as a whole only gets labels of schemes that classify whole reports.
        item.report_labels = [
            label for label in picked[report] if label.scheme.applies_to != AppliesTo.ITEM
        ]
        item.labels = [label for label in picked[report] if label.scheme.key in ADDRESS_SCHEMES]


def _pick(labels, scheme: str, rng: random.Random):
    known = labels.get(scheme, {})
    options = [(key, weight) for key, weight in LABEL_CHOICES.get(scheme, []) if key in known]
    if not options:
        return None
    return known[rng.choices([k for k, _ in options], [w for _, w in options])[0]]


def write(organisation, analyst, reports, urls: list[AddressStory], rng, now) -> None:
    """Insert everything in dependency order."""
    _close_finished(urls)
    joined = _joined(organisation, urls, rng, now)
    _create_keeping(Report, reports, "received_at")
    _create_keeping(Report, [report for report, _ in joined], "received_at")
    for item in urls:
        item.report_url = ReportUrl(report=item.report, url=item.url, normalised=item.url)
    again = {url: ReportUrl(report=report, url=url, normalised=url) for report, url in joined}
    ReportUrl.objects.bulk_create([item.report_url for item in urls] + list(again.values()))
    Hosting.objects.bulk_create([_hosting(organisation, item) for item in urls])
    _as_reported_before(organisation, urls, again)
    for item in urls:
        for fetch in item.fetches:
            fetch.organisation, fetch.report_url = organisation, item.report_url
    Fetch.objects.bulk_create([f for item in urls for f in item.fetches])
    _classify(organisation, analyst, urls)
    _referrals(urls)
    for item in urls:
        item.takedown.report_url = item.report_url
    Takedown.objects.bulk_create([item.takedown for item in urls])
    render_notices(organisation, urls)
    for item in urls:
        for notice in item.notices:
            notice.takedown = item.takedown
        for answer in item.answers:
            answer.takedown = item.takedown
    Notice.objects.bulk_create([n for item in urls for n in item.notices])
    HostAnswer.objects.bulk_create([a for item in urls for a in item.answers])
    _create_keeping(ActionTaken, [a for item in urls for a in item.actions], "taken_at")
    write_steps(organisation, analyst, urls)


def _create_keeping(model, objects: list, time_field: str) -> None:
    """bulk_create, keeping invented times in a field the database sets on insert."""
    times = [getattr(obj, time_field) for obj in objects]
    model.objects.bulk_create(objects)
    for obj, at in zip(objects, times, strict=True):
        setattr(obj, time_field, at)
    model.objects.bulk_update(objects, [time_field])


def _close_finished(urls: list[AddressStory]) -> None:
    """A report is closed once all its addresses are confirmed removed."""
    by_report: dict[int, list[Takedown]] = defaultdict(list)
    for item in urls:
        by_report[id(item.report)].append(item.takedown)
    for item in urls:
        report = item.report
        removals = [t.removed_at for t in by_report[id(report)]]
        if None not in removals:
            report.status = Status.CLOSED
            report.closed_at = max(r for r in removals if r is not None)


def _joined(organisation, urls: list[AddressStory], rng, now) -> list[tuple[Report, str]]:
    """A few addresses reported again: the later report joined the open case."""
    joined = []
    for item in rng.sample(urls, JOINED):
        original = item.report
        received = original.received_at + timedelta(minutes=rng.randrange(120, 72 * 60))
        if received >= now:
            continue
        report = Report(
            organisation=organisation,
            reference=new_reference(),
            category=Category.SEXUAL_IMAGERY,
            description=f"{HISTORY_MARK} the same address reported again.",
            source=Source.PUBLIC,
            status=Status.JOINED,
            received_at=received,
            due_at=received + timedelta(hours=24),
            duplicate_of=original,
        )
        original.duplicate_count += 1
        joined.append((report, item.url))
    return joined


def _as_reported_before(organisation, urls: list[AddressStory], again: dict) -> None:
    """An address reported again is located, and labelled with what it was classified
    as before (source "repeat", no one looked), as intake and the hashing job do."""
    from haven.classification.models import Classification, ClassificationSource

    hosting, labels = [], []
    for item in urls:
        report_url = again.get(item.url)
        if report_url is None:
            continue
        hosting.append(_hosting(organisation, item, report_url))
        labels += [
            Classification(
                organisation=organisation,
                report=report_url.report,
                report_url=report_url,
                scheme=label.scheme,
                label=label,
                source=ClassificationSource.REPEAT,
                classified_at=report_url.report.received_at,
            )
            for label in item.labels
        ]
    Hosting.objects.bulk_create(hosting)
    Classification.objects.bulk_create(labels)


def _hosting(organisation, item: AddressStory, report_url=None) -> Hosting:
    host = item.host
    return Hosting(
        organisation=organisation,
        report_url=report_url or item.report_url,
        hostname=item.url.split("/")[2],
        addresses=list(host.addresses),
        country=host.country,
        network_name=host.name,
        network_range=host.network,
        abuse_email=host.abuse_email,
        registrar_name=REGISTRAR_NAME,
        registrar_abuse_email="abuse@registrar.example.com",
        cdn=host.name if host.cdn else "",
        sources={"country": "iptocc", "network_name": "directory", "abuse_email": "directory"},
        looked_up_at=item.report.received_at + timedelta(minutes=3),
    )


def _classify(organisation, analyst, urls: list[AddressStory]) -> None:
    """The address carries the labels its takedown rests on; the report all of them."""
    from haven.classification.models import Classification

    rows: list[Classification] = []
    seen: set[int] = set()
    for item in urls:
        report = item.report
        common = {
            "organisation": organisation,
            "report": report,
            "classified_by": analyst,
            "classified_at": report.first_action_at,
        }
        rows += [
            Classification(report_url=item.report_url, scheme=label.scheme, label=label, **common)
            for label in item.labels
        ]
        if report.pk not in seen:
            seen.add(report.pk)
            rows += [
                Classification(scheme=label.scheme, label=label, **common)
                for label in item.report_labels
            ]
    Classification.objects.bulk_create(rows)


def _referrals(urls: list[AddressStory]) -> None:
    """Each referral with the evidence package routing would have sent: the address
    forwarded or escalated, the whole report to police; as it stood when it went."""
    from haven.routing.evidence import evidence_package

    fetches = {item.url: item.fetches for item in urls}
    for item in urls:
        for referral in item.referrals:
            chosen = None if referral.kind == ReferralKind.POLICE else [item.report_url]
            package = evidence_package(item.report, report_urls=chosen)
            package["generated_at"] = _iso(referral.sent_at)
            for entry in package.get("urls", []):
                seen = [
                    f for f in fetches.get(entry.get("url"), []) if f.started_at <= referral.sent_at
                ]
                if seen:
                    entry["last_checked_at"] = _iso(seen[-1].started_at)
                    entry["last_outcome"] = seen[-1].outcome
            referral.evidence = package
    Referral.objects.bulk_create([r for item in urls for r in item.referrals])


def _iso(moment) -> str:
    """As the evidence package writes times: UTC, with a Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
