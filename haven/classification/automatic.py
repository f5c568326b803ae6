"""Labels given without an analyst looking at anything.

A file or address classified before in the same organisation gets the same labels again
("repeat": the same SHA-256, see `haven.reports.duplicates.same_file`, or the same
normalised address). A file that matches a hash bank whose classification names labels
("interpol:baseline, uk:a") gets those ("known_material"). Automatic labels never
replace a label that is already there, and schemes the organisation does not use are
skipped. A file that gets an actionable label this way is marked as known material, so
the report page tells analysts there is no need to view it.
"""

import re
from collections import defaultdict
from collections.abc import Iterable

from haven.classification.models import Classification, ClassificationSource
from haven.classification.services import classify
from haven.reports.duplicates import same_file
from haven.reports.models import MediaItem, ReportUrl

_KEY = re.compile(r"^[a-z0-9_-]{1,40}$")
MATCH_LABEL_LENGTH = 200


def reclassify_item(item: MediaItem) -> list[Classification]:
    """Copy the latest labels of the same file classified before in this organisation."""
    same = same_file(item)
    if same is None:
        return []
    organisation_id = item.report.organisation_id
    twins = MediaItem.objects.filter(same, report__organisation_id=organisation_id).exclude(
        pk=item.pk
    )
    earlier = Classification.objects.filter(
        organisation_id=organisation_id, media_item__in=twins
    ).order_by("-classified_at", "-pk")
    labels = _latest(earlier.values_list("scheme__key", "label__key"))
    if not labels:
        return []
    rows = classify(item.report, target=item, labels=labels, by=None, source=_REPEAT)
    _mark_known(item, rows)
    return rows


def reclassify_urls(report_urls: Iterable[ReportUrl]) -> None:
    """Copy the latest labels of each address classified before in this organisation."""
    urls = [url for url in report_urls if url.normalised]
    if not urls:
        return
    report = urls[0].report
    earlier = (
        Classification.objects.filter(
            organisation_id=report.organisation_id,
            report_url__normalised__in={url.normalised for url in urls},
        )
        .exclude(report_url__in=urls)
        .order_by("-classified_at", "-pk")
        .values_list("report_url__normalised", "scheme__key", "label__key")
    )
    per_address: dict[str, dict[str, str]] = defaultdict(dict)
    for address, scheme, label in earlier:
        per_address[address].setdefault(scheme, label)
    for url in urls:
        if per_address.get(url.normalised):
            classify(
                report, target=url, labels=per_address[url.normalised], by=None, source=_REPEAT
            )


def classify_known_material(item: MediaItem, bank_classifications: Iterable[str]) -> None:
    """Labels named by the banks an item matched, closest match first."""
    labels: dict[str, str] = {}
    for text in bank_classifications:
        for scheme, label in parse_bank_classification(text).items():
            labels.setdefault(scheme, label)
    if labels:
        classify(
            item.report,
            target=item,
            labels=labels,
            by=None,
            source=ClassificationSource.KNOWN_MATERIAL,
        )


def parse_bank_classification(text: str) -> dict[str, str]:
    """{scheme: label} from a bank's classification such as "interpol:baseline, uk:a".

    A classification written as free text ("Known material (category A)") names no
    labels; parts that are not `scheme:label` are ignored.
    """
    labels: dict[str, str] = {}
    for part in (text or "").split(","):
        scheme, colon, label = (piece.strip().lower() for piece in part.partition(":"))
        if colon and _KEY.match(scheme) and _KEY.match(label):
            labels.setdefault(scheme, label)
    return labels


_REPEAT = ClassificationSource.REPEAT


def _latest(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for scheme, label in rows:
        labels.setdefault(scheme, label)
    return labels


def _mark_known(item: MediaItem, rows: list[Classification]) -> None:
    """Name the item the way a bank match would, so the page says it need not be viewed."""
    actionable = [row for row in rows if row.label.actionable]
    if item.match_label or not actionable:
        return
    named = "; ".join(f"{row.scheme.name}: {row.label.name}" for row in actionable)
    item.match_label = f"Classified before ({named})"[:MATCH_LABEL_LENGTH]
    item.save(update_fields=["match_label"])
    from haven.triage.deadlines import raise_for_known_material

    raise_for_known_material(item.report)
