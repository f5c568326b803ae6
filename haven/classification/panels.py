"""The report page's "Classification" and "Reported again" sections.

The classification panel lists the report's labels and each address's and file's, and
offers a form for each. It shows names and the start of each hash, never the media:
an item known from a bank or classified before needs no one to open it.
"""

from dataclasses import dataclass

from django.urls import reverse

from haven.classification.forms import ClassifyForm
from haven.classification.services import (
    ITEM,
    REPORT,
    URL,
    by_scheme,
    classifications_for,
    item_name,
    item_rows,
    labels_of,
    scheme_order,
    schemes_for,
)
from haven.reports import duplicates
from haven.reports.models import Report, Status
from haven.triage.forms import ReasonForm

HASH_SHOWN = 16


@dataclass(frozen=True)
class Target:
    """One row of the per-item table: an address or a file."""

    kind: str
    pk: int
    name: str
    detail: str
    known: str
    labels: list
    form: ClassifyForm | None
    action: str


def classification_panel(report: Report, user, request=None) -> dict:
    uses = schemes_for(report.organisation_id)
    found = classifications_for(report)
    order = scheme_order(report.organisation_id)
    can_classify = report.status != Status.CLOSED and user.is_org_staff
    report_uses = [use for use in uses if use.applies_to(REPORT)]
    item_uses = [use for use in uses if use.applies_to(ITEM)] if can_classify else []
    targets = [_url_row(url, found, item_uses) for url in report.urls.order_by("pk")]
    targets += [_item_row(item, found, item_uses) for item in report.media.order_by("pk")]
    labelled = {row.scheme_id for row in found.report}
    # Where each label comes from: the report's own labels, and those of its items.
    from_items = by_scheme(item_rows(found), order)
    items_have = dict((scheme.pk, labels) for scheme, labels in from_items)
    open_schemes = {use.scheme.pk for use in report_uses} - labelled
    return {
        "uses": uses,
        "report_summary": by_scheme(found.report, order),
        "item_summary": from_items,
        "report_labels": found.report,
        "report_form": _form(report_uses, found.report, "report") if can_classify else None,
        "report_action": reverse("classification:classify_report", args=[report.reference]),
        "missing": [
            (use, items_have.get(use.scheme.pk, []))
            for use in report_uses
            if use.required and use.scheme.pk not in labelled
        ],
        # Schemes the whole report has no label for but its items do: one click copies.
        "offer": [(s, labels) for s, labels in from_items if s.pk in open_schemes]
        if can_classify
        else [],
        "from_items_action": reverse("classification:classify_from_items", args=[report.reference]),
        "targets": targets,
        "can_classify": can_classify,
        "closed": report.status == Status.CLOSED,
    }


def _form(uses, rows, prefix: str) -> ClassifyForm | None:
    if not uses:
        return None
    return ClassifyForm(uses=uses, current=labels_of(rows), prefix=prefix)


def _url_row(url, found, uses) -> Target:
    labels = found.for_target(url)
    return Target(
        kind=URL,
        pk=url.pk,
        name=url.url,
        # The canonical form, when it differs, shows what was compared with other reports.
        detail=url.normalised if url.normalised != url.url else "",
        known="",
        labels=labels,
        form=_form(uses, labels, f"url-{url.pk}"),
        action=reverse("classification:classify_url", args=[url.report.reference, url.pk]),
    )


def _item_row(item, found, uses) -> Target:
    labels = found.for_target(item)
    return Target(
        kind=ITEM,
        pk=item.pk,
        name=item_name(item),
        detail=_hash_prefix(item),
        known=item.match_label,
        labels=labels,
        form=_form(uses, labels, f"item-{item.pk}"),
        action=reverse("classification:classify_item", args=[item.report.reference, item.pk]),
    )


def _hash_prefix(item) -> str:
    for name, value in (("SHA-256", item.sha256), ("MD5", item.md5), ("PDQ", item.pdq)):
        if value:
            return f"{name} {value[:HASH_SHOWN]}…"
    return "Not hashed"


def duplicates_panel(report: Report, user, request=None) -> dict:
    return {
        "case": report.duplicate_of,
        "joined": list(report.duplicates.order_by("received_at", "pk")),
        "elsewhere": duplicates.same_content_elsewhere(report),
        "form": ReasonForm(prefix="separate"),
        "can_separate": report.status == Status.JOINED and user.is_org_staff,
    }
