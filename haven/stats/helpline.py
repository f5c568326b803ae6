"""Helpline statistics: what an organisation's helpline did over a date range, in the
aggregate form helplines report to their network (Child Helpline International asks
for counts by channel, category, age band and gender for a period).

- Contacts started in the range: by channel, area and sub-category
  (haven.helpline.taxonomy), age band, gender and who contacted, and the cross tables
  area by age band and area by gender.
- Emergencies opened in the range: time to acknowledgement and to arrival (median,
  90th percentile), the share reached within the target, those never reached, by
  district and by week, and the distribution of arrival times.
- Cases: opened and closed in the range, closed by reason, days to closure; open now by
  stage, and overdue now. Referrals requested in the range by service type and state.

Every count goes through `helpline_suppression`, so a count from 1 to 4 is never shown,
not even by subtraction from a total; medians and shares resting on fewer than 5 are
not shown either. As in the other statistics, everything is computed in Python from a
few columns fetched in one query per record type, so SQLite and PostgreSQL agree;
percentiles use `services.percentile` (linear interpolation, like `percentile_cont`).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from haven.cases.models import Case, CaseReferral, ClosureReason, ReferralStatus, Stage
from haven.network.models import ServiceType
from haven.stats.helpline_contacts import contact_tables
from haven.stats.helpline_emergencies import Bucket, Emergencies, Timing
from haven.stats.helpline_suppression import Count, Suppressor
from haven.stats.helpline_tables import (
    Cell,
    Column,
    Measure,
    Row,
    RowSpec,
    Share,
    Table,
    TableSpec,
    choices_with,
    one_way,
    share_of,
)
from haven.stats.services import DateRange

NOT_RECORDED = "not_recorded"


# --- The figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class HelplineFigures:
    date_range: DateRange
    computed_at: datetime
    target_minutes: int
    contacts: Count
    contact_tables: list[Table]
    emergencies: Count
    within_target: Count
    missed_target: Count
    pending: Count
    no_arrival: Count
    share_within_target: Share
    acknowledge_median: Measure
    acknowledge_p90: Measure
    arrival_median: Measure
    arrival_p90: Measure
    emergency_tables: list[Table]
    distribution: list[Bucket]
    weekly_granularity: str
    cases_opened: Count
    cases_closed: Count
    days_to_closure_median: Measure
    days_to_closure_p90: Measure
    open_cases: Count
    overdue_cases: Count
    case_tables: list[Table]
    referral_tables: list[Table] = field(default_factory=list)

    @property
    def summary(self) -> Table:
        """The headline figures, as one table (first in the exports)."""
        cells: list[tuple[str, str, Cell]] = [
            ("contacts", "Contacts", self.contacts),
            ("emergencies", "Emergencies", self.emergencies),
            ("target_minutes", "Target, minutes", Count(self.target_minutes)),
            ("within_target", "Reached within target", self.within_target),
            ("missed_target", "Target missed", self.missed_target),
            ("pending", "Not yet due", self.pending),
            ("no_arrival", "No arrival", self.no_arrival),
            ("share_within_target", "Share within target", self.share_within_target),
            ("arrival_median", "Minutes to arrival, median", self.arrival_median),
            ("arrival_p90", "Minutes to arrival, 90th percentile", self.arrival_p90),
            ("acknowledge_median", "Minutes to acknowledgement, median", self.acknowledge_median),
            (
                "acknowledge_p90",
                "Minutes to acknowledgement, 90th percentile",
                self.acknowledge_p90,
            ),
            ("cases_opened", "Cases opened", self.cases_opened),
            ("cases_closed", "Cases closed", self.cases_closed),
            ("days_to_closure_median", "Days to closure, median", self.days_to_closure_median),
            ("days_to_closure_p90", "Days to closure, 90th percentile", self.days_to_closure_p90),
            ("open_cases", "Cases open now", self.open_cases),
            ("overdue_cases", "Cases overdue now", self.overdue_cases),
        ]
        return Table(
            "summary",
            "Headline figures",
            "Figure",
            (Column("value", "Value"),),
            tuple(Row(key, label, (cell,)) for key, label, cell in cells),
        )

    @property
    def tables(self) -> list[Table]:
        return self.contact_tables + self.emergency_tables + self.case_tables + self.referral_tables

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def figures(organisation, date_range: DateRange, now: datetime | None = None) -> HelplineFigures:
    now = now or timezone.now()
    counts = Suppressor()
    contact_specs = contact_tables(counts, organisation, date_range)
    emergencies = Emergencies(counts, organisation, date_range, now)
    cases = _Cases(counts, organisation, date_range, now)
    referral_spec = _referrals(counts, organisation, date_range)
    every = ("e", "all")
    return HelplineFigures(
        date_range=date_range,
        computed_at=now,
        target_minutes=emergencies.target_minutes,
        contacts=counts.count(("contacts",)),
        contact_tables=[spec.build(counts) for spec in contact_specs],
        emergencies=counts.count((*every, "emergencies")),
        within_target=counts.count((*every, "within")),
        missed_target=counts.count((*every, "missed")),
        pending=counts.count((*every, "pending")),
        no_arrival=counts.count((*every, "no_arrival")),
        share_within_target=share_of(
            *(counts.count((*every, m)) for m in ("within", "missed", "emergencies", "pending"))
        ),
        acknowledge_median=emergencies.acknowledge.median,
        acknowledge_p90=emergencies.acknowledge.p90,
        arrival_median=emergencies.arrival.median,
        arrival_p90=emergencies.arrival.p90,
        emergency_tables=[spec.build(counts) for spec in emergencies.tables],
        distribution=[
            Bucket(label, lower, upper, counts.count(key))
            for key, label, lower, upper in emergencies.buckets
        ],
        weekly_granularity=emergencies.granularity,
        cases_opened=counts.count(("cases", "opened")),
        cases_closed=counts.count(("cases", "closed")),
        days_to_closure_median=cases.to_closure.median,
        days_to_closure_p90=cases.to_closure.p90,
        open_cases=counts.count(("cases", "open")),
        overdue_cases=counts.count(("cases", "overdue")),
        case_tables=[spec.build(counts) for spec in cases.tables],
        referral_tables=[referral_spec.build(counts)],
    )


# --- Cases and referrals --------------------------------------------------------------


class _Cases:
    def __init__(self, counts: Suppressor, organisation, date_range: DateRange, now):
        start, end = date_range.bounds()
        cases = Case.objects.filter(organisation=organisation)
        counts.add(
            ("cases", "opened"), cases.filter(created_at__gte=start, created_at__lt=end).count()
        )
        closed = list(
            cases.filter(closed_at__gte=start, closed_at__lt=end).values_list(
                "closure_reason", "created_at", "closed_at"
            )
        )
        reasons = choices_with(ClosureReason.choices, {r or NOT_RECORDED for r, _, _ in closed})
        reasons = [(c, "Not recorded" if c == NOT_RECORDED else label) for c, label in reasons]
        by_reason = Counter(reason or NOT_RECORDED for reason, _, _ in closed)
        counts.add(("cases", "closed"), len(closed))
        closed_table = one_way(
            counts,
            "closure_reason",
            "Cases closed, by reason",
            "Reason",
            Column("cases", "Cases"),
            (("cases", "closed"), "All cases closed"),
            reasons,
            by_reason,
        )
        days = sorted(max(0.0, (c - o).total_seconds() / 86400) for _, o, c in closed if c)
        self.to_closure = Timing(Measure.of(days, 0.5), Measure.of(days, 0.9))
        still_open = list(cases.exclude(stage=Stage.CLOSED).values_list("stage", "stage_due_at"))
        counts.add(("cases", "open"), len(still_open))
        counts.add(("cases", "overdue"), sum(1 for _, due in still_open if due and due < now))
        stages = choices_with(
            [(s, label) for s, label in Stage.choices if s != Stage.CLOSED],
            {s for s, _ in still_open},
        )
        open_table = one_way(
            counts,
            "open_stage",
            "Cases open now, by stage",
            "Stage",
            Column("cases", "Cases"),
            (("cases", "open"), "All open cases"),
            stages,
            Counter(s for s, _ in still_open),
            note="As things stand now, whatever the date range.",
        )
        self.tables = [closed_table, open_table]


def _referrals(counts: Suppressor, organisation, date_range: DateRange) -> TableSpec:
    start, end = date_range.bounds()
    found = list(
        CaseReferral.objects.filter(
            case__organisation=organisation, requested_at__gte=start, requested_at__lt=end
        ).values_list("partner_service__service_type", "status")
    )
    types = choices_with(ServiceType.choices, {t for t, _ in found})
    states = choices_with(ReferralStatus.choices, {s for _, s in found})
    tally = Counter(found)
    total = ("ref", "all")
    counts.add(total, len(found))
    rows = []
    for service, label in types:
        cells = [("ref", service, state) for state, _ in states]
        for cell, (state, _) in zip(cells, states, strict=True):
            counts.add(cell, tally[(service, state)])
        counts.add(("ref", service), sum(tally[(service, s)] for s, _ in states))
        counts.line(("ref", service), cells)
        rows.append(RowSpec(service, label, [*cells, ("ref", service)]))
    for state, _ in states:
        counts.add(("ref", "state", state), sum(tally[(t, state)] for t, _ in types))
        counts.line(("ref", "state", state), [("ref", t, state) for t, _ in types])
    counts.line(total, [("ref", t) for t, _ in types])
    counts.line(total, [("ref", "state", s) for s, _ in states])
    return TableSpec(
        "referrals",
        "Referrals by service type and state",
        "Service type",
        [Column(s, label) for s, label in states] + [Column("all", "All")],
        rows,
        RowSpec("all", "All referrals", [*(("ref", "state", s) for s, _ in states), total]),
        "Referrals requested in the range, in the state they are in now.",
    )
