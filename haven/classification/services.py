"""Which classification schemes an organisation uses, and the labels on its reports.

`schemes_for` lists the schemes an organisation uses, in its order. `classify` is the one
way labels are written, by an analyst or automatically (for material classified before,
or known from a hash bank); it checks the labels, audits the change and tells takedown
about addresses after commit. `classifications_for`, `summary` and `summaries` read the
labels back for the report page, the queue, the API and exports; `is_actionable` says
whether an address calls for a notice. `labels_from_items` offers the items' labels for
the whole report, and `describe_change` puts an audited change into words.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.classification.models import (
    AppliesTo,
    Classification,
    ClassificationSource,
    Label,
    Scheme,
    SchemeSetting,
)
from haven.classification.signals import url_classified
from haven.reports.models import MediaItem, Report, ReportUrl, Status
from haven.triage.actions import InvalidInput, InvalidTransition

# The built-in schemes an organisation uses until a supervisor chooses otherwise.
# INTERPOL's three classes are what hotlines exchange internationally; the apparent age
# and the content type are quick to give and feed the statistics. The national sets
# (UK categories, NCMEC classes) are each organisation's choice.
DEFAULT_ENABLED = ("interpol", "age", "content")
BUILTIN_ORDER = {"interpol": 10, "uk": 20, "ncmec": 30, "age": 40, "content": 50}
OWN_SCHEME_ORDER = 100

REPORT, ITEM, URL = "report", "item", "url"
_WHAT = {REPORT: "whole reports", ITEM: "files", URL: "addresses"}
# Summaries for exports are read this many reports at a time, within SQLite's limits.
_SUMMARY_CHUNK = 500


@dataclass(frozen=True)
class SchemeUse:
    """A scheme as one organisation uses it: its labels, and that organisation's choices."""

    scheme: Scheme
    labels: list[Label]
    enabled: bool
    required: bool
    order: int
    # Whether this organisation chose (a settings row), or the defaults apply.
    chosen: bool = False

    @property
    def key(self) -> str:
        return self.scheme.key

    @property
    def name(self) -> str:
        return self.scheme.name

    @property
    def builtin(self) -> bool:
        return self.scheme.organisation_id is None

    def applies_to(self, kind: str) -> bool:
        wanted = AppliesTo.REPORT if kind == REPORT else AppliesTo.ITEM
        return self.scheme.applies_to in (wanted, AppliesTo.BOTH)

    def label(self, key: str) -> Label | None:
        return next((label for label in self.labels if label.key == key), None)


def default_setting(scheme: Scheme) -> tuple[bool, bool, int]:
    """(enabled, required, order) of a scheme no supervisor has chosen anything for.

    An organisation's own scheme is used as soon as it is made; built-ins follow
    DEFAULT_ENABLED. Nothing is required until a supervisor says so.
    """
    if scheme.organisation_id is not None:
        return True, False, OWN_SCHEME_ORDER
    return scheme.key in DEFAULT_ENABLED, False, BUILTIN_ORDER.get(scheme.key, OWN_SCHEME_ORDER)


def all_schemes_for(organisation) -> list[SchemeUse]:
    """Every scheme the organisation may use (built-ins and its own), enabled or not."""
    organisation_id = _id(organisation)
    schemes = Scheme.objects.filter(
        Q(organisation=None) | Q(organisation_id=organisation_id)
    ).prefetch_related("labels")
    chosen = {s.scheme_id: s for s in SchemeSetting.objects.filter(organisation_id=organisation_id)}
    uses = []
    for scheme in schemes:
        setting = chosen.get(scheme.pk)
        if setting is not None:
            enabled, required, order = setting.enabled, setting.required, setting.order
        else:
            enabled, required, order = default_setting(scheme)
        labels = list(scheme.labels.all())
        uses.append(
            SchemeUse(scheme, labels, enabled, enabled and required, order, setting is not None)
        )
    return sorted(uses, key=lambda use: (use.order, not use.builtin, use.name.lower(), use.key))


def schemes_for(organisation) -> list[SchemeUse]:
    """The schemes the organisation uses, in its order, each with its labels."""
    return [use for use in all_schemes_for(organisation) if use.enabled]


def target_kind(target) -> str:
    if target is None:
        return REPORT
    if isinstance(target, MediaItem):
        return ITEM
    if isinstance(target, ReportUrl):
        return URL
    raise TypeError(f"cannot classify a {type(target).__name__}")


def classify(
    report: Report,
    *,
    target=None,
    labels: dict[str, str],
    by,
    source: str = ClassificationSource.ANALYST,
    actor: Actor | None = None,
) -> list[Classification]:
    """Give `target` (None for the report itself, a MediaItem or a ReportUrl) labels.

    `labels` is {scheme key: label key}; an analyst may send "" to take a label off.
    An analyst's labels replace any; automatic ones (`source` "repeat" or
    "known_material", `by` None) only fill schemes that have no label yet, and quietly
    skip schemes the organisation does not use. Returns the target's labels now.
    """
    if source not in ClassificationSource.values:
        raise ValueError(f"unknown source {source!r}")
    automatic = source != ClassificationSource.ANALYST
    kind = target_kind(target)
    if target is not None and target.report_id != report.pk:
        raise InvalidInput("That item is not part of this report.", "target")
    if not automatic:
        _check_may_classify(by, report)
    uses = [use for use in schemes_for(report.organisation_id) if use.applies_to(kind)]
    chosen = _chosen(labels, uses, kind, automatic)
    with transaction.atomic():
        report = _locked(report)
        if not automatic and report.status == Status.CLOSED:
            raise InvalidTransition("This report is closed. Reopen it before classifying it.")
        if not automatic and report.status == Status.RECEIVED:
            # As with triage's classify: an analyst has started on it (and it is no
            # longer an untouched report that could still join another case).
            report.status = Status.IN_REVIEW
            report.save(update_fields=["status", "updated_at"])
        rows = {row.scheme_id: row for row in _rows_for(report, target)}
        changes = _apply(report, target, chosen, rows, None if automatic else by, source)
        if not automatic:
            _check_required(uses, rows)
        if changes:
            _record_change(report, target, kind, changes, source, actor or _actor(by, source))
            if kind == URL:
                _announce(target, rows, by, source)
    return _in_order(rows.values(), uses)


def _check_may_classify(by, report: Report) -> None:
    if (
        by is None
        or not by.is_org_staff
        or not by.is_active
        or by.organisation_id != report.organisation_id
    ):
        raise PermissionDenied("Only staff of the report's organisation can classify it.")


def _chosen(
    labels: dict[str, str], uses: list[SchemeUse], kind: str, automatic: bool
) -> dict[str, tuple[SchemeUse, Label | None]]:
    if not isinstance(labels, dict) or not labels:
        raise InvalidInput("Choose at least one label.", "labels")
    usable = {use.key: use for use in uses}
    chosen: dict[str, tuple[SchemeUse, Label | None]] = {}
    for scheme_key, label_key in labels.items():
        use = usable.get(scheme_key)
        if use is None:
            if automatic:
                continue
            raise InvalidInput(
                f"“{scheme_key}” is not a scheme your organisation uses for {_WHAT[kind]}.",
                str(scheme_key),
            )
        if not label_key:
            if not automatic:
                chosen[use.key] = (use, None)
            continue
        label = use.label(label_key)
        if label is None:
            if automatic:
                continue
            raise InvalidInput(f"“{label_key}” is not a label of {use.name}.", use.key)
        chosen[use.key] = (use, label)
    return chosen


def _locked(report: Report) -> Report:
    # The report row is the lock for all of its classifications: two analysts saving at
    # once are applied one after the other, never both inserted.
    return Report.objects.select_for_update(of=("self",)).get(pk=report.pk)


def _rows_for(report: Report, target) -> QuerySet[Classification]:
    rows = Classification.objects.filter(report=report).select_related("scheme", "label")
    if isinstance(target, MediaItem):
        return rows.filter(media_item=target)
    if isinstance(target, ReportUrl):
        return rows.filter(report_url=target)
    return rows.filter(media_item=None, report_url=None)


def _apply(report, target, chosen, rows, by, source) -> dict[str, tuple[str, str]]:
    """Write the chosen labels into `rows` (by scheme id); returns {scheme: (old, new)}."""
    automatic = source != ClassificationSource.ANALYST
    now = timezone.now()
    changes: dict[str, tuple[str, str]] = {}
    for key, (use, label) in chosen.items():
        row = rows.get(use.scheme.pk)
        old = row.label.key if row is not None else ""
        if row is not None and (automatic or (label is not None and row.label_id == label.pk)):
            continue
        if label is None:
            if row is not None:
                row.delete()
                del rows[use.scheme.pk]
                changes[key] = (old, "")
            continue
        if row is None:
            row = Classification(
                organisation_id=report.organisation_id,
                report=report,
                media_item=target if isinstance(target, MediaItem) else None,
                report_url=target if isinstance(target, ReportUrl) else None,
                scheme=use.scheme,
            )
        row.label, row.source, row.classified_by, row.classified_at = label, source, by, now
        row.save()
        rows[use.scheme.pk] = row
        changes[key] = (old, label.key)
    return changes


def _check_required(uses: list[SchemeUse], rows: dict) -> None:
    for use in uses:
        if use.required and use.scheme.pk not in rows:
            raise InvalidInput(
                f"Choose a label for {use.name}: your organisation requires it.", use.key
            )


def _actor(by, source: str) -> Actor:
    if by is not None:
        return Actor.for_user(by)
    return Actor.system("matcher" if source == ClassificationSource.KNOWN_MATERIAL else "repeat")


def _record_change(report, target, kind, changes, source, actor: Actor) -> None:
    record(
        actor,
        "classification.changed",
        report,
        organisation_id=report.organisation_id,
        reference=report.reference,
        on={"type": kind, "id": target.pk if target is not None else None},
        labels={key: new for key, (_, new) in changes.items()},
        previous={key: old for key, (old, _) in changes.items()},
        source=source,
    )


def _announce(report_url: ReportUrl, rows: dict, by, source: str) -> None:
    labels = {row.scheme.key: row.label.key for row in rows.values()}
    transaction.on_commit(
        lambda: url_classified.send(
            sender=Classification, report_url=report_url, labels=labels, by=by, source=source
        )
    )


def _in_order(rows: Iterable[Classification], uses: list[SchemeUse]) -> list[Classification]:
    position = {use.scheme.pk: index for index, use in enumerate(uses)}
    return sorted(rows, key=lambda row: (position.get(row.scheme_id, len(position)), row.pk))


# --- Reading ----------------------------------------------------------------------------


@dataclass
class ReportClassifications:
    """A report's labels: its own, and each file's and address's, in scheme order."""

    report: list[Classification] = field(default_factory=list)
    items: dict[int, list[Classification]] = field(default_factory=dict)
    urls: dict[int, list[Classification]] = field(default_factory=dict)

    def for_target(self, target) -> list[Classification]:
        if isinstance(target, MediaItem):
            return self.items.get(target.pk, [])
        if isinstance(target, ReportUrl):
            return self.urls.get(target.pk, [])
        return self.report


def classifications_for(report: Report) -> ReportClassifications:
    rows = Classification.objects.filter(report=report).select_related(
        "scheme", "label", "classified_by"
    )
    order = scheme_order(report.organisation_id)
    found = ReportClassifications()
    for row in sorted(rows, key=lambda row: (order(row.scheme), row.scheme.key, row.pk)):
        if row.media_item_id is not None:
            found.items.setdefault(row.media_item_id, []).append(row)
        elif row.report_url_id is not None:
            found.urls.setdefault(row.report_url_id, []).append(row)
        else:
            found.report.append(row)
    return found


def scheme_order(organisation_id: int):
    """A sort key for schemes in the organisation's order (one query, then none)."""
    chosen = dict(
        SchemeSetting.objects.filter(organisation_id=organisation_id).values_list(
            "scheme_id", "order"
        )
    )

    def order(scheme: Scheme) -> int:
        return chosen.get(scheme.pk, default_setting(scheme)[2])

    return order


class SummaryRow(NamedTuple):
    scheme_key: str
    scheme_name: str
    label_key: str
    label_name: str


def summary(report: Report) -> list[tuple[str, str]]:
    """(scheme name, label name) for every label used in the report, in scheme order."""
    return summaries([report.pk])[report.pk]


def summaries(report_ids) -> dict[int, list[tuple[str, str]]]:
    """`summary` for many reports at once, for lists and exports (missing ids map to [])."""
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for report_id, rows in summary_rows(report_ids).items():
        found[report_id] = [(row.scheme_name, row.label_name) for row in rows]
    return found


def grouped_summaries(report_ids) -> dict[int, list[tuple[str, str]]]:
    """Like `summaries`, one entry per scheme: its labels joined, the most serious (first
    in the scheme's order) first: ("INTERPOL baseline", "Baseline, Nationally illegal").

    A report's items may disagree (one address baseline, another nationally illegal);
    lists show that once per scheme rather than as two entries that look contradictory.
    """
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for report_id, rows in summary_rows(report_ids).items():
        found[report_id] = grouped(rows)
    return found


def grouped(rows: Iterable[SummaryRow]) -> list[tuple[str, str]]:
    """(scheme name, "label, label…") per scheme, keeping the order of `rows`."""
    names: dict[str, str] = {}
    labels: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        names.setdefault(row.scheme_key, row.scheme_name)
        if row.label_name not in labels[row.scheme_key]:
            labels[row.scheme_key].append(row.label_name)
    return [(name, ", ".join(labels[key])) for key, name in names.items()]


def summary_rows(report_ids) -> dict[int, list[SummaryRow]]:
    """Like `summaries`, with the keys too (for the API). One query per 500 reports, or
    one in all when `report_ids` is a queryset."""
    found: dict[int, list[SummaryRow]] = defaultdict(list)
    if isinstance(report_ids, QuerySet):
        chunks: Iterable = [report_ids.values("pk") if report_ids.model is Report else report_ids]
    else:
        ids = list(report_ids)
        chunks = (
            ids[start : start + _SUMMARY_CHUNK] for start in range(0, len(ids), _SUMMARY_CHUNK)
        )
    for chunk in chunks:
        for report_id, rows in _summary_chunk(chunk).items():
            found[report_id] = rows
    return found


def _summary_chunk(report_ids) -> dict[int, list[SummaryRow]]:
    # The organisation's own order for each scheme comes in the same query, through its
    # settings row if it has one.
    rows = (
        Classification.objects.filter(report_id__in=report_ids)
        .annotate(
            setting=FilteredRelation(
                "scheme__settings",
                condition=Q(scheme__settings__organisation=F("organisation")),
            )
        )
        .values_list(
            "report_id",
            "scheme__key",
            "scheme__name",
            "scheme__organisation_id",
            "setting__order",
            "label__key",
            "label__name",
            "label__order",
        )
        .distinct()
    )
    per_report: dict[int, list[tuple]] = defaultdict(list)
    for report_id, key, name, owner, order, label_key, label_name, label_order in rows:
        if order is None:
            order = BUILTIN_ORDER.get(key, OWN_SCHEME_ORDER) if owner is None else OWN_SCHEME_ORDER
        per_report[report_id].append(
            ((order, key, label_order, label_key), SummaryRow(key, name, label_key, label_name))
        )
    found: dict[int, list[SummaryRow]] = {}
    for report_id, entries in per_report.items():
        seen = dict.fromkeys(row for _, row in sorted(entries))
        found[report_id] = list(seen)
    return found


def is_actionable(report_url: ReportUrl) -> bool:
    """Whether the address has a label that calls for removal (baseline, category A…)."""
    return Classification.objects.filter(report_url=report_url, label__actionable=True).exists()


def missing_required(report: Report) -> list[SchemeUse]:
    """Required schemes that the report itself has no label for yet."""
    labelled = set(
        Classification.objects.filter(report=report, media_item=None, report_url=None).values_list(
            "scheme_id", flat=True
        )
    )
    return [
        use
        for use in schemes_for(report.organisation_id)
        if use.required and use.applies_to(REPORT) and use.scheme.pk not in labelled
    ]


def labels_of(classifications: Iterable[Classification]) -> dict[str, str]:
    return {row.scheme.key: row.label.key for row in classifications}


def by_scheme(rows: Iterable[Classification], order) -> list[tuple[Scheme, list[Label]]]:
    """Each scheme with the distinct labels `rows` give it, the most serious first;
    schemes in the organisation's order (`order` as from `scheme_order`)."""
    found: dict[int, tuple[Scheme, dict[int, Label]]] = {}
    for row in rows:
        found.setdefault(row.scheme_id, (row.scheme, {}))[1].setdefault(row.label_id, row.label)
    schemes = sorted(found.values(), key=lambda pair: (order(pair[0]), pair[0].key))
    return [
        (scheme, sorted(labels.values(), key=lambda label: (label.order, label.pk)))
        for scheme, labels in schemes
    ]


def item_rows(found: ReportClassifications) -> list[Classification]:
    """Every label given to the report's files and addresses."""
    return [row for rows in (*found.items.values(), *found.urls.values()) for row in rows]


def labels_from_items(report: Report, found: ReportClassifications | None = None) -> dict:
    """{scheme key: label key} for the whole report, taken from its files and addresses:
    for each scheme in use for whole reports that the report has no label for yet, the
    most serious label its items have (the first in the scheme's order)."""
    found = found if found is not None else classifications_for(report)
    uses = {use.scheme.pk: use for use in schemes_for(report.organisation_id)}
    labelled = {row.scheme_id for row in found.report}
    chosen: dict[str, str] = {}
    for scheme, labels in by_scheme(item_rows(found), scheme_order(report.organisation_id)):
        use = uses.get(scheme.pk)
        if use is not None and use.applies_to(REPORT) and scheme.pk not in labelled:
            chosen[scheme.key] = labels[0].key
    return chosen


def _id(organisation) -> int:
    return organisation if isinstance(organisation, int) else organisation.pk


# --- Describing changes -----------------------------------------------------------------

# How long an address may be in a timeline entry's title before it is shortened.
_ADDRESS_SHOWN = 80
_AUTOMATIC = {
    ClassificationSource.REPEAT: "automatically (classified before)",
    ClassificationSource.KNOWN_MATERIAL: "automatically (known material)",
}


@dataclass
class ChangeNames:
    """What `describe_change` needs to name things: scheme and label names by key, and
    the report's addresses and files by id. `change_names` reads them once for a whole
    timeline."""

    schemes: dict[str, str] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    urls: dict[int, str] = field(default_factory=dict)
    items: dict[int, str] = field(default_factory=dict)
    # Scheme keys in the organisation's order (the audit detail's JSON keeps none).
    order: dict[str, int] = field(default_factory=dict)


def change_names(report: Report) -> ChangeNames:
    """Names for every `classification.changed` row of `report` (four queries)."""
    names = _scheme_names(report.organisation_id)
    names.urls = dict(report.urls.values_list("pk", "url"))
    names.items = {item.pk: item_name(item) for item in report.media.all()}
    return names


def _scheme_names(organisation_id) -> ChangeNames:
    names = ChangeNames()
    rows = Label.objects.filter(
        Q(scheme__organisation=None) | Q(scheme__organisation_id=organisation_id)
    ).values_list("scheme__key", "scheme__name", "scheme__organisation_id", "key", "name")
    chosen = dict(
        SchemeSetting.objects.filter(organisation_id=organisation_id).values_list(
            "scheme__key", "order"
        )
    )
    for scheme_key, scheme_name, owner, label_key, label_name in rows:
        names.schemes[scheme_key] = scheme_name
        names.labels[(scheme_key, label_key)] = label_name
        default = OWN_SCHEME_ORDER if owner is not None else BUILTIN_ORDER.get(scheme_key, 0)
        names.order[scheme_key] = chosen.get(scheme_key, default)
    return names


def item_name(item: MediaItem) -> str:
    return item.original_name or f"{item.get_kind_display()} {item.pk}"


def describe_change(detail: dict, *, names: ChangeNames | None = None) -> tuple[str, str]:
    """(what happened, the labels) in words for a `classification.changed` audit detail:
    ("Address https://example.com/a classified",
     "INTERPOL baseline — Baseline (illegal everywhere); Apparent age — removed (was 3 to 6)").

    Pass `names` (from `change_names(report)`) when describing many; without it the
    names are read for this one detail.
    """
    on = detail.get("on") or {}
    kind, target_id = on.get("type", REPORT), on.get("id")
    if names is None:
        names = _scheme_names(detail.get("organisation_id"))
        _add_target_name(names, kind, target_id)
    labels, previous = detail.get("labels") or {}, detail.get("previous") or {}
    what = _target_words(names, kind, target_id)
    done = "classified" if any(labels.values()) else "labels removed"
    title = f"{what} {done}" if done == "classified" else f"{what}: {done}"
    automatic = _AUTOMATIC.get(detail.get("source", ""))
    if automatic:
        title = f"{title} {automatic}"
    keys = sorted(labels, key=lambda key: (names.order.get(key, OWN_SCHEME_ORDER), key))
    parts = [_label_change(names, key, labels[key], previous.get(key, "")) for key in keys]
    return title, "; ".join(parts)


def _add_target_name(names: ChangeNames, kind: str, target_id) -> None:
    if kind == URL and target_id is not None:
        names.urls.update(ReportUrl.objects.filter(pk=target_id).values_list("pk", "url"))
    elif kind == ITEM and target_id is not None:
        names.items.update(
            (item.pk, item_name(item)) for item in MediaItem.objects.filter(pk=target_id)
        )


def _target_words(names: ChangeNames, kind: str, target_id) -> str:
    if kind == URL:
        address = names.urls.get(target_id, "")
        if len(address) > _ADDRESS_SHOWN:
            address = address[: _ADDRESS_SHOWN - 1] + "…"
        return f"Address {address}" if address else f"Address {target_id}"
    if kind == ITEM:
        return f"File {names.items.get(target_id) or target_id}"
    return "Whole report"


def _label_change(names: ChangeNames, scheme_key: str, new: str, old: str) -> str:
    scheme = names.schemes.get(scheme_key, scheme_key)
    new_name = names.labels.get((scheme_key, new), new)
    old_name = names.labels.get((scheme_key, old), old)
    if not new:
        return f"{scheme} — removed (was {old_name})" if old else f"{scheme} — removed"
    return f"{scheme} — {new_name} (was {old_name})" if old else f"{scheme} — {new_name}"
