"""Writing the demo history's stories to the database: reports, addresses, hosting,
fetches, takedowns, notices, referrals, actions and classifications, each kind in one
bulk statement, in the order their foreign keys need."""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from haven.demo.directory import REGISTRAR_NAME, DemoHost
from haven.fetching.models import Fetch
from haven.hosting.models import Hosting
from haven.reports.models import Category, Report, ReportUrl, Source, Status
from haven.reports.references import new_reference
from haven.routing.models import Referral
from haven.takedown.models import Notice, Takedown
from haven.triage.models import ActionKind, ActionTaken

# Reports of the history start with this, which is also how a second run knows that
# the history is already there.
HISTORY_MARK = "Demo history:"
JOINED = 6  # later reports of an address already reported, joined to its case


@dataclass
class AddressStory:
    """One reported address and everything that happened to it."""

    host: DemoHost
    url: str
    report: Report
    # Set as the story is told, and once the report is saved.
    takedown: Takedown = field(init=False)
    report_url: ReportUrl = field(init=False)
    fetches: list[Fetch] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    # Which fetch each notice re-checked, by position in `fetches`.
    notice_rechecks: list[int | None] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)


def write(organisation, analyst, reports, urls: list[AddressStory], rng, now) -> None:
    """Insert everything in dependency order, a handful of statements in all."""
    _close_finished(urls)
    joined = _joined(organisation, urls, rng, now)
    _create_keeping(Report, reports, "received_at")
    _create_keeping(Report, [report for report, _ in joined], "received_at")
    for item in urls:
        item.report_url = ReportUrl(report=item.report, url=item.url, normalised=item.url)
    ReportUrl.objects.bulk_create(
        [item.report_url for item in urls]
        + [ReportUrl(report=report, url=url, normalised=url) for report, url in joined]
    )
    Hosting.objects.bulk_create([_hosting(organisation, item) for item in urls])
    for item in urls:
        for fetch in item.fetches:
            fetch.organisation, fetch.report_url = organisation, item.report_url
        item.takedown.report_url = item.report_url
    Fetch.objects.bulk_create([f for item in urls for f in item.fetches])
    Takedown.objects.bulk_create([item.takedown for item in urls])
    notices = []
    for item in urls:
        for notice, recheck in zip(item.notices, item.notice_rechecks, strict=True):
            notice.takedown = item.takedown
            notice.recheck = item.fetches[recheck] if recheck is not None else None
            notices.append(notice)
    Notice.objects.bulk_create(notices)
    Referral.objects.bulk_create([r for item in urls for r in item.referrals])
    _create_keeping(ActionTaken, _actions(analyst, urls), "taken_at")
    _classify(organisation, analyst, urls, rng)


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


def _hosting(organisation, item: AddressStory) -> Hosting:
    host = item.host
    return Hosting(
        organisation=organisation,
        report_url=item.report_url,
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


def _actions(analyst, urls: list[AddressStory]) -> list[ActionTaken]:
    actions = []
    for item in urls:
        takedown = item.takedown
        if takedown.first_notice_at:
            detail = f"Notice sent to {takedown.host_name} ({takedown.recipient})."
            kind, at = ActionKind.HOST_NOTICE, takedown.first_notice_at
        elif item.referrals:
            detail = f"Forwarded to {item.referrals[0].partner.name}."
            kind, at = ActionKind.FORWARDED, item.referrals[0].sent_at
        else:
            continue
        action = ActionTaken(report=item.report, kind=kind, detail=detail, actor=analyst)
        action.taken_at = at
        actions.append(action)
    return actions


def _classify(organisation, analyst, urls: list[AddressStory], rng: random.Random) -> None:
    """Labels from the built-in schemes, when the classification app has seeded them."""
    from haven.classification.models import Classification, Label

    labels: dict[str, dict[str, Label]] = defaultdict(dict)
    for builtin in Label.objects.filter(scheme__organisation=None).select_related("scheme"):
        labels[builtin.scheme.key][builtin.key] = builtin
    if not labels:
        return
    choices = {
        "interpol": [("baseline", 3), ("national", 1)],
        "uk": [("a", 2), ("b", 3), ("c", 5)],
        "ncmec": [("a1", 2), ("a2", 1), ("b1", 3), ("b2", 2)],
        "age": [("3-6", 1), ("7-10", 3), ("11-13", 4), ("14-15", 2), ("unclear", 1)],
        "content": [("url", 3), ("website", 1), ("image", 2)],
    }

    def pick(scheme: str) -> Label | None:
        known = labels.get(scheme, {})
        options = [(key, weight) for key, weight in choices[scheme] if key in known]
        if not options:
            return None
        return known[rng.choices([k for k, _ in options], [w for _, w in options])[0]]

    rows: list[Classification] = []
    seen: set[int] = set()
    for item in urls:
        report = item.report
        picked = [label for scheme in choices if (label := pick(scheme)) is not None]
        common = {
            "organisation": organisation,
            "report": report,
            "classified_by": analyst,
            "classified_at": report.first_action_at,
        }
        # The address carries the labels its takedown rests on; the report all of them.
        rows += [
            Classification(report_url=item.report_url, scheme=label.scheme, label=label, **common)
            for label in picked
            if label.scheme.key in ("interpol", "uk")
        ]
        if report.pk not in seen:
            seen.add(report.pk)
            rows += [Classification(scheme=label.scheme, label=label, **common) for label in picked]
    Classification.objects.bulk_create(rows)
