"""Removal statistics: how long hosts take to remove what an organisation reports to them.

One row per takedown (one reported address) whose report was received in the range:
time from the report to the first notice, from the first notice to confirmed removal,
and from the report to removal; their median and 90th percentile; how many were
removed within 24 hours, 3 days and 7 days; the same per host and per country; the
slowest hosts; and content that came back.

Content still online is never dropped: it enters every time with its age so far, and
since its final time can only be longer, a median or 90th percentile that depends on
it is marked "at least". Takedowns an analyst stopped, and addresses forwarded to
another hotline before any notice of ours, have no notice-to-removal time; they are
counted and shown, not measured.

Everything is computed in Python from one query of a dozen columns (a few thousand
takedowns a year is a realistic volume, and the result is the same on SQLite and
PostgreSQL); percentiles use `services.percentile`, linear interpolation between
closest ranks like PostgreSQL's `percentile_cont`.
"""

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Case, Exists, F, OuterRef, Q, TextField, Value, When
from django.utils import timezone

from haven.classification.services import summaries
from haven.routing.models import Referral, ReferralKind
from haven.stats.services import DateRange, hours_between, percentile
from haven.takedown.models import State, Takedown
from haven.web import countries as web_countries

HOUR, DAY = 1.0, 24.0
# (upper bound in hours, included; label). Content still online has a bar of its own.
BUCKETS: list[tuple[float, str]] = [
    (1 * HOUR, "Up to 1 hour"),
    (6 * HOUR, "1 to 6 hours"),
    (24 * HOUR, "6 to 24 hours"),
    (3 * DAY, "1 to 3 days"),
    (7 * DAY, "3 to 7 days"),
    (14 * DAY, "7 to 14 days"),
    (28 * DAY, "14 to 28 days"),
    (42 * DAY, "28 to 42 days"),
    (math.inf, "Over 42 days"),
]
STILL_ONLINE = "Still online"
SHARE_WINDOWS: list[tuple[float, str]] = [
    (24 * HOUR, "24 hours"),
    (3 * DAY, "3 days"),
    (7 * DAY, "7 days"),
]
# A host is ranked among the slowest only with this many notified takedowns: one slow
# takedown says little about a host.
MIN_FOR_RANKING = 5
RANKED = 5
UNKNOWN_HOST = "Unknown host"
UNKNOWN_COUNTRY = "Unknown"


@dataclass(frozen=True)
class TakedownRow:
    """The columns of one takedown that the figures and the export need."""

    pk: int
    report_id: int
    # The report's reference; the takedown's own (TD-…) is `takedown_reference`.
    reference: str
    received_at: datetime
    host_name: str
    country: str
    state: str
    first_notice_at: datetime | None
    removed_at: datetime | None
    reminders_sent: int
    escalated_at: datetime | None
    reappeared_count: int
    # Sent to the hosting country's hotline instead of notified by us: this address, not
    # only another address of its report (see `takedown_rows`).
    forwarded: bool
    report_url_id: int | None = None
    takedown_reference: str = ""

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    @property
    def stopped(self) -> bool:
        return self.state == State.STOPPED and not self.removed

    @property
    def still_online(self) -> bool:
        """Not confirmed removed and still followed (or forwarded): online as far as we know."""
        return not self.removed and not self.stopped

    @property
    def notified(self) -> bool:
        return self.first_notice_at is not None

    def report_to_notice(self) -> float | None:
        if self.first_notice_at is None:
            return None
        return max(0.0, hours_between(self.received_at, self.first_notice_at))

    def notice_to_removal(self) -> float | None:
        if self.first_notice_at is None or self.removed_at is None:
            return None
        # Removal found by the re-check just before the first notice is instant.
        return max(0.0, hours_between(self.first_notice_at, self.removed_at))

    def online_since_notice(self, now: datetime) -> float | None:
        """Hours since the first notice of notified content still online."""
        if self.first_notice_at is None or not self.still_online:
            return None
        return hours_between(self.first_notice_at, now)

    def report_to_removal(self) -> float | None:
        if self.removed_at is None:
            return None
        return max(0.0, hours_between(self.received_at, self.removed_at))


@dataclass(frozen=True)
class Timing:
    """Median and 90th percentile of a time, in hours.

    `running` items have not finished (still online, or still waiting for the first
    notice) and enter with their age so far. `*_at_least` says a figure is a lower
    bound because it rests on one of them.
    """

    finished: int
    running: int
    median: float | None
    median_at_least: bool
    p90: float | None
    p90_at_least: bool

    @property
    def count(self) -> int:
        return self.finished + self.running

    @classmethod
    def of(cls, entries: Iterable[tuple[float, bool]]) -> "Timing":
        # On equal hours a finished item sorts first: it is the one known exactly.
        ordered = sorted(entries)
        running = sum(1 for _, still in ordered if still)
        median, median_at_least = _censored_percentile(ordered, 0.5)
        p90, p90_at_least = _censored_percentile(ordered, 0.9)
        return cls(len(ordered) - running, running, median, median_at_least, p90, p90_at_least)


def _censored_percentile(
    ordered: list[tuple[float, bool]], fraction: float
) -> tuple[float | None, bool]:
    value = percentile([hours for hours, _ in ordered], fraction)
    if value is None:
        return None, False
    position = (len(ordered) - 1) * fraction
    # The ranks the interpolation reads; a running item there could still grow.
    last = math.floor(position) + (1 if position % 1 else 0)
    return value, any(still for _, still in ordered[: last + 1])


@dataclass(frozen=True)
class Share:
    """Removed within `hours` of the first notice, of the notified takedowns that can
    be judged: removed (at any time), or still online for at least `hours`. Those
    notified more recently and still online are `too_recent` and left out."""

    hours: float
    label: str
    within: int
    judged: int
    too_recent: int

    @property
    def share(self) -> float | None:
        return self.within / self.judged if self.judged else None


@dataclass(frozen=True)
class Bucket:
    label: str
    count: int
    # Of all notified takedowns measured (the distribution's total).
    share: float | None
    cumulative: float | None


@dataclass(frozen=True)
class GroupFigures:
    """Figures for all takedowns, or those of one host or one country."""

    key: str
    name: str
    takedowns: int
    notified: int
    removed: int
    still_online: int
    forwarded: int
    escalated: int
    stopped: int
    reappeared: int
    reappearances: int
    report_to_notice: Timing
    notice_to_removal: Timing
    report_to_removal: Timing
    shares: list[Share]
    distribution: list[Bucket]
    # The longest any notified content of this group has been online since its first
    # notice, among what is still online; None when nothing notified is still online.
    longest_online: float | None
    still_online_notified: int


@dataclass(frozen=True)
class RemovalFigures:
    date_range: DateRange
    computed_at: datetime
    overall: GroupFigures
    by_country: list[GroupFigures]
    by_host: list[GroupFigures]
    slowest_hosts: list[GroupFigures]
    longest_online_hosts: list[GroupFigures]
    min_for_ranking: int = MIN_FOR_RANKING


_COLUMNS = (
    "pk",
    "report_id",
    "report__reference",
    "report__received_at",
    "host_name",
    "country",
    "state",
    "first_notice_at",
    "removed_at",
    "reminders_sent",
    "escalated_at",
    "reappeared_count",
    "referral__kind",
    "report_forwarded",
    "report_url_id",
    "reference",
    "address",
    "address_normalised",
)


def takedown_rows(organisation, date_range: DateRange) -> list[TakedownRow]:
    """The organisation's takedowns of reports received in the range, in one query (and
    one more when a report was forwarded by hand: see `_forwarded_by_hand`).

    A takedown is forwarded when the scheduler forwarded it (state "forwarded", or its
    referral is a forwarding one after it was removed or stopped), or when an analyst
    forwarded its report with this address in it and we never notified the host.
    """
    start, end = date_range.bounds()
    forwarding = Referral.objects.filter(report=OuterRef("report_id"), kind=ReferralKind.FORWARD)
    found = (
        Takedown.objects.filter(
            organisation=organisation,
            report__organisation=organisation,
            report__received_at__gte=start,
            report__received_at__lt=end,
        )
        .annotate(report_forwarded=Exists(forwarding))
        # The address only where a referral of the report must be read to decide.
        .annotate(
            address=_when_undecided(F("report_url__url")),
            address_normalised=_when_undecided(F("report_url__normalised")),
        )
        .order_by("report__received_at", "pk")
        .values_list(*_COLUMNS)
    )
    rows: list[TakedownRow] = []
    undecided: dict[int, tuple[int, set[str]]] = {}
    for values in found:
        row = _row(*values)
        address, normalised = values[-2:]
        if address and not row.forwarded and row.report_url_id is not None:
            undecided[row.report_url_id] = (row.report_id, {address, normalised})
        rows.append(row)
    if not undecided:
        return rows
    by_hand = _forwarded_by_hand(undecided)
    return [replace(row, forwarded=True) if row.report_url_id in by_hand else row for row in rows]


def _row(
    pk: int,
    report_id: int,
    report_reference: str,
    received_at: datetime,
    host_name: str,
    country: str,
    state: str,
    first_notice_at: datetime | None,
    removed_at: datetime | None,
    reminders_sent: int,
    escalated_at: datetime | None,
    reappeared_count: int,
    referral_kind: str | None,
    report_forwarded: bool,
    report_url_id: int,
    reference: str,
    *address: str,
) -> TakedownRow:
    """A row of `_COLUMNS`; forwarded if the scheduler forwarded it (see takedown_rows)."""
    return TakedownRow(
        pk,
        report_id,
        report_reference,
        received_at,
        host_name,
        country,
        state,
        first_notice_at,
        removed_at,
        reminders_sent,
        escalated_at,
        reappeared_count,
        forwarded=state == State.FORWARDED or referral_kind == ReferralKind.FORWARD,
        report_url_id=report_url_id,
        takedown_reference=reference,
    )


def _when_undecided(value: F) -> Case:
    return Case(
        When(Q(first_notice_at=None, report_forwarded=True), then=value),
        default=Value(""),
        output_field=TextField(),
    )


def _forwarded_by_hand(undecided: dict[int, tuple[int, set[str]]]) -> set[int]:
    """Of these addresses ({address id: (report id, its url and normalised form)}), those
    a forwarding referral of their report carried: listed in its evidence, or all of the
    report's addresses when it lists none."""
    carried: dict[int, set[str] | None] = {}
    referrals = Referral.objects.filter(
        report_id__in={report_id for report_id, _ in undecided.values()},
        kind=ReferralKind.FORWARD,
    )
    for report_id, urls in referrals.values_list("report_id", "evidence__urls"):
        if report_id in carried and carried[report_id] is None:
            continue
        if not isinstance(urls, list):
            carried[report_id] = None  # the whole report
        else:
            known = carried.setdefault(report_id, set())
            assert known is not None
            for entry in urls:
                known |= _addresses_in(entry)
    found = set()
    for url_id, (report_id, address) in undecided.items():
        if report_id in carried:
            urls = carried[report_id]
            if urls is None or address & urls:
                found.add(url_id)
    return found


def _addresses_in(entry) -> set[str]:
    """An address of a referral's evidence ({"url": …, "normalised": …} in the package)."""
    if isinstance(entry, dict):
        return {str(entry[key]) for key in ("url", "normalised") if entry.get(key)}
    return {str(entry)}


def figures(organisation, date_range: DateRange, now: datetime | None = None) -> RemovalFigures:
    now = now or timezone.now()
    return figures_of(takedown_rows(organisation, date_range), date_range, now)


def figures_of(rows: list[TakedownRow], date_range: DateRange, now: datetime) -> RemovalFigures:
    by_country = _grouped(rows, lambda r: r.country, country_name, now)
    by_host = _grouped(rows, lambda r: r.host_name, lambda key: key or UNKNOWN_HOST, now)
    return RemovalFigures(
        date_range=date_range,
        computed_at=now,
        overall=group_figures("all", "All takedowns", rows, now),
        by_country=by_country,
        by_host=by_host,
        slowest_hosts=slowest(by_host),
        longest_online_hosts=longest_online(by_host),
    )


def country_name(code: str) -> str:
    return web_countries.country_name(code) if code else UNKNOWN_COUNTRY


def _grouped(
    rows: list[TakedownRow],
    key: Callable[[TakedownRow], str],
    name: Callable[[str], str],
    now: datetime,
) -> list[GroupFigures]:
    groups: dict[str, list[TakedownRow]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    found = [group_figures(k, name(k), members, now) for k, members in groups.items()]
    return sorted(found, key=lambda g: (-g.takedowns, g.name.lower()))


def group_figures(key: str, name: str, rows: list[TakedownRow], now: datetime) -> GroupFigures:
    notified = [r for r in rows if r.notified and not r.stopped]
    online_ages = [age for r in notified if (age := r.online_since_notice(now)) is not None]
    return GroupFigures(
        key=key,
        name=name,
        takedowns=len(rows),
        notified=len(notified),
        removed=sum(r.removed for r in rows),
        still_online=sum(r.still_online for r in rows),
        forwarded=sum(r.forwarded for r in rows),
        escalated=sum(r.escalated_at is not None for r in rows),
        stopped=sum(r.stopped for r in rows),
        reappeared=sum(r.reappeared_count > 0 for r in rows),
        reappearances=sum(r.reappeared_count for r in rows),
        report_to_notice=Timing.of(_report_to_notice(rows, now)),
        notice_to_removal=Timing.of(_notice_to_removal(notified, now)),
        report_to_removal=Timing.of(_report_to_removal(rows, now)),
        shares=[_share(notified, hours, label, now) for hours, label in SHARE_WINDOWS],
        distribution=distribution(notified),
        longest_online=max(online_ages, default=None),
        still_online_notified=len(online_ages),
    )


def _report_to_notice(rows: list[TakedownRow], now: datetime) -> Iterable[tuple[float, bool]]:
    for row in rows:
        hours = row.report_to_notice()
        if hours is not None:
            yield hours, False
        elif row.state == State.WAITING and not row.removed:
            yield hours_between(row.received_at, now), True


def _notice_to_removal(notified: list[TakedownRow], now: datetime) -> Iterable[tuple[float, bool]]:
    for row in notified:
        hours = row.notice_to_removal()
        if hours is not None:
            yield hours, False
        elif (online := row.online_since_notice(now)) is not None:
            yield online, True


def _report_to_removal(rows: list[TakedownRow], now: datetime) -> Iterable[tuple[float, bool]]:
    for row in rows:
        hours = row.report_to_removal()
        if hours is not None:
            yield hours, False
        elif row.still_online:
            yield hours_between(row.received_at, now), True


def _share(notified: list[TakedownRow], hours: float, label: str, now: datetime) -> Share:
    within = judged = too_recent = 0
    for row in notified:
        taken = row.notice_to_removal()
        if taken is not None:
            judged += 1
            within += taken <= hours
        elif (row.online_since_notice(now) or 0) >= hours:
            judged += 1
        else:
            too_recent += 1
    return Share(hours, label, within, judged, too_recent)


def distribution(notified: list[TakedownRow]) -> list[Bucket]:
    """Notified takedowns by time from first notice to removal, and those still online."""
    counts = [0] * (len(BUCKETS) + 1)
    for row in notified:
        taken = row.notice_to_removal()
        if taken is None:
            counts[-1] += 1
        else:
            counts[next(i for i, (upper, _) in enumerate(BUCKETS) if taken <= upper)] += 1
    total = len(notified)
    labels = [label for _, label in BUCKETS] + [STILL_ONLINE]
    buckets, running = [], 0
    for label, count in zip(labels, counts, strict=True):
        running += count
        buckets.append(
            Bucket(
                label,
                count,
                count / total if total else None,
                running / total if total else None,
            )
        )
    return buckets


def slowest(hosts: list[GroupFigures]) -> list[GroupFigures]:
    """Hosts with enough notified takedowns, slowest median notice-to-removal first."""
    ranked = [h for h in hosts if h.notified >= MIN_FOR_RANKING and h.notice_to_removal.median]
    ranked.sort(key=lambda h: (-(h.notice_to_removal.median or 0), h.name.lower()))
    return ranked[:RANKED]


def longest_online(hosts: list[GroupFigures]) -> list[GroupFigures]:
    """Hosts with notified content still online, the longest-standing first."""
    online = [h for h in hosts if h.longest_online is not None]
    online.sort(key=lambda h: (-(h.longest_online or 0), h.name.lower()))
    return online[:RANKED]


def classification_summaries(report_ids: list[int]) -> dict[int, str]:
    """Each report's classification in one line ("INTERPOL: Baseline; UK: Category A").

    The classification app's `summaries`, so that the export says what every other
    page says (it asks in chunks, under SQLite's limit on query parameters).
    """
    return {key: _summary_text(value) for key, value in summaries(report_ids).items()}


def takedown_classifications(rows: list[TakedownRow], of_reports: dict[int, str]) -> dict[int, str]:
    """Each takedown's classification in one line, by takedown id: the labels of its own
    address; without any, those given to its report as a whole; without those either,
    the report's summary (`of_reports`, by report id, which also names every file's and
    address's labels). In the order of that summary."""
    of_addresses, of_report_itself = _own_labels(sorted({row.report_id for row in rows}))
    found = {}
    for row in rows:
        summary = of_reports.get(row.report_id, "")
        own = of_addresses.get(row.report_url_id or 0) or of_report_itself.get(row.report_id)
        if not own:
            found[row.pk] = summary
            continue
        order = {text: n for n, text in enumerate(summary.split("; "))}
        found[row.pk] = "; ".join(sorted(own, key=lambda text: (order.get(text, len(order)), text)))
    return found


SUMMARY_CHUNK = 500


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), SUMMARY_CHUNK):
        yield ids[start : start + SUMMARY_CHUNK]


def _own_labels(report_ids: list[int]) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """ "Scheme: Label" of each address (by address id) and of each report as a whole (by
    report id), one query per chunk of reports."""
    from haven.classification.models import Classification

    of_addresses: dict[int, set[str]] = defaultdict(set)
    of_reports: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(report_ids):
        labels = Classification.objects.filter(
            report_id__in=chunk, media_item__isnull=True
        ).values_list("report_id", "report_url_id", "scheme__name", "label__name")
        for report_id, url_id, scheme, label in labels:
            if url_id is None:
                of_reports[report_id].add(f"{scheme}: {label}")
            else:
                of_addresses[url_id].add(f"{scheme}: {label}")
    return of_addresses, of_reports


def _summary_text(summary) -> str:
    if isinstance(summary, str):
        return summary
    return "; ".join(f"{scheme}: {label}" for scheme, label in summary)
