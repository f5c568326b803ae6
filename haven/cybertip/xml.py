"""A case as NCMEC CyberTipline XML: the <report> document and a <fileDetails> per file.

The element names, their order and the allowed values come from NCMEC's schema, shipped
in `schema/` (HAVEN_NCMEC_XSD may point to a newer one). Everything is written in English
whatever the analyst's language, because NCMEC reads it.

What goes where is listed in docs/cybertip.md. In short: the category chooses the
incident type, the reported addresses become a web page incident, the analyst who
prepares the report is the reporting person, and each file is described by its hashes
in the report's additional information (and, for files uploaded to NCMEC, in its own
<fileDetails>). The reporter's contact details are left out unless an analyst asks.
"""

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils import translation
from lxml import etree

from haven.audit.models import AuditEvent
from haven.reports.models import Category, MediaItem, MediaKind, MediaStatus, Report, Urgency

PACKAGED_SCHEMA = Path(__file__).resolve().parent / "schema" / "cybertipline-report.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "https://report.cybertip.org/ispws/xsd"
XS = "http://www.w3.org/2001/XMLSchema"
ROOTS = ("report", "fileDetails")

CHILD_PORNOGRAPHY = "Child Pornography (possession, manufacture, and distribution)"
ENTICEMENT = "Online Enticement of Children for Sexual Acts"
# Haven's report categories and the incident type each one is sent as by default. The
# analyst may choose another; categories outside NCMEC's remit have no default.
INCIDENT_TYPES: dict[str, str] = {
    Category.SEXUAL_IMAGERY: CHILD_PORNOGRAPHY,
    Category.SOLICITATION: ENTICEMENT,
}
# The audit verb written when someone opens a file's original (triage.viewing): that,
# and not a blurred preview, is what NCMEC means by "viewed by the ESP".
ORIGINAL_VIEWED = "media.original_viewed"
NCMEC_SCHEME = "ncmec"
INDUSTRY_CLASSES = {"A1", "A2", "B1", "B2"}
# Characters XML 1.0 cannot carry (most control characters, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class NotReportable(ValueError):
    """The case cannot be described as a CyberTipline report (no incident type)."""


@dataclass(frozen=True)
class Reporter:
    """The person NCMEC may contact about the report: by default, the analyst."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""

    @classmethod
    def for_user(cls, user) -> "Reporter":
        first, last = user.first_name.strip(), user.last_name.strip()
        if not (first or last):
            first = user.get_username()
        return cls(first, last, user.email.strip())


# --- The schema -------------------------------------------------------------------------


def schema_path() -> Path:
    """HAVEN_NCMEC_XSD (the setting NCMEC_XSD) when set, else the packaged copy. An
    operator points it at a newer schema downloaded from NCMEC's /xsd."""
    return Path(settings.NCMEC_XSD) if settings.NCMEC_XSD else PACKAGED_SCHEMA


@functools.cache
def _schema_document(path: Path) -> etree._ElementTree:
    return etree.parse(str(path), _safe_parser())


@functools.cache
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(_schema_document(path))


def enumeration(type_name: str, path: Path | None = None) -> list[str]:
    """The values the schema allows for a simple type (incident types, countries…)."""
    found = _schema_document(path or schema_path()).xpath(
        "/xs:schema/xs:simpleType[@name=$name]//xs:enumeration/@value",
        name=type_name,
        namespaces={"xs": XS},
    )
    return [str(value) for value in found]


def validate(text: str | bytes, schema: Path | None = None) -> list[str]:
    """Schema errors as "line: message"; an empty list means the document is valid."""
    data = text.encode() if isinstance(text, str) else text
    try:
        document = etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as error:
        return [f"{error.lineno}: {error.msg}"]
    if document.tag not in ROOTS:
        return [f"{document.sourceline}: the root element must be <report> or <fileDetails>"]
    checker = _schema(schema or schema_path())
    if checker.validate(document):
        return []
    return [f"{entry.line}: {entry.message}" for entry in checker.error_log]


def _safe_parser() -> etree.XMLParser:
    # No entities, no DTDs fetched, no network: an XML document cannot reach anything.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


# --- The report ---------------------------------------------------------------------------


def default_incident_type(report: Report) -> str:
    return INCIDENT_TYPES.get(report.classified_category or report.category, "")


def build(
    report: Report,
    by,
    *,
    reporter: Reporter | None = None,
    incident_type: str = "",
    include_description: bool = True,
    contact: str = "",
) -> str:
    """The <report> document for a case. `contact` is the reporter's contact details,
    passed only when an analyst has chosen to share them."""
    incident_type = incident_type or default_incident_type(report)
    if not incident_type:
        raise NotReportable(
            "NCMEC's CyberTipline takes reports of child sexual exploitation. "
            "Choose the incident type that fits this case."
        )
    if incident_type not in enumeration("incidentType"):
        raise NotReportable(f"NCMEC does not know the incident type {incident_type!r}.")
    with translation.override("en"):
        root = etree.Element("report", nsmap={"xsi": XSI})
        root.set(f"{{{XSI}}}noNamespaceSchemaLocation", SCHEMA_LOCATION)
        root.append(_incident_summary(report, incident_type))
        urls = list(report.urls.order_by("pk").select_related("hosting"))
        if urls:
            root.append(_internet_details(urls))
        root.append(_reporter(report, reporter or Reporter.for_user(by)))
        _add(root, "additionalInfo", _additional_info(report, include_description, contact))
        return _serialise(root)


def _incident_summary(report: Report, incident_type: str) -> etree._Element:
    summary = etree.Element("incidentSummary")
    _add(summary, "incidentType", incident_type)
    _add(summary, "platform", report.platform)
    if report.urgency == Urgency.DANGER_NOW or report.category == Category.DANGER_NOW:
        _add(
            summary,
            "escalateToHighPriority",
            f"{report.organisation.name} treats this case as a child in danger now.",
        )
    _add(summary, "incidentDateTime", _datetime(report.received_at))
    _add(
        summary,
        "incidentDateTimeDescription",
        f"When the report reached {report.organisation.name}; the incident itself may be earlier.",
    )
    return summary


def _internet_details(urls) -> etree._Element:
    details = etree.Element("internetDetails")
    # A hotline reports what others host: it holds nothing more about the site.
    page = etree.SubElement(details, "webPageIncident", thirdPartyHostedContent="true")
    for report_url in urls:
        _add(page, "url", report_url.url)
    _add(page, "additionalInfo", "\n".join(filter(None, map(_hosting_line, urls))))
    return details


def _hosting_line(report_url) -> str:
    hosting = getattr(report_url, "hosting", None)
    if hosting is None:
        return ""
    facts = []
    if hosting.country:
        facts.append(f"hosted in {hosting.country}")
    if hosting.addresses:
        facts.append("at " + ", ".join(str(a) for a in hosting.addresses))
    if hosting.network_name:
        facts.append(f"network {hosting.network_name}")
    if hosting.cdn:
        facts.append(f"behind the CDN {hosting.cdn}")
    return f"{report_url.url}: " + "; ".join(facts) if facts else ""


def _reporter(report: Report, reporter: Reporter) -> etree._Element:
    element = etree.Element("reporter")
    person = etree.SubElement(element, "reportingPerson")
    _add(person, "firstName", reporter.first_name)
    _add(person, "lastName", reporter.last_name)
    if reporter.email:
        _add(person, "email", reporter.email).set("type", "Work")
    country = report.organisation.country.upper()
    if country and country in enumeration("country"):
        address = etree.SubElement(person, "address", type="Business")
        _add(address, "country", country)
    _add(
        element,
        "companyTemplate",
        f"{report.organisation.name} is a hotline: it receives reports of child sexual "
        "abuse material and exploitation from the public and from online services.",
    )
    return element


def _additional_info(report: Report, include_description: bool, contact: str) -> str:
    organisation = report.organisation.name
    lines = [
        f"Reported to {organisation} on {_datetime(report.received_at)} as "
        f'"{report.get_category_display()}". {organisation}\'s reference: {report.reference}.'
    ]
    if report.classified_category and report.classified_category != report.category:
        lines.append(
            f"Classified by {organisation} as: {report.get_classified_category_display()}."
        )
    if report.age_band:
        lines.append(f"Age of the child, as reported: {report.get_age_band_display()}.")
    labels = _labels(report, media_item=None, report_url=None)
    if labels:
        lines.append(f"Classification by {organisation}: {labels}.")
    if report.duplicate_count:
        lines.append(
            f"The same content was reported to {organisation} {report.duplicate_count} more "
            "time(s); those reports joined this case."
        )
    if include_description and report.description:
        lines += ["", "Description given by the reporter:", report.description]
    if contact:
        lines += [
            "",
            "Contact details the reporter gave (shared by an analyst's decision):",
            contact,
        ]
    items = report.media.order_by("pk").select_related("report_url")
    files = [item for item in items if _has_hashes(item)]
    if files:
        lines += ["", f"Files ({len(files)}), described by their hashes:"]
        viewed = viewed_items(files)
        lines += [_file_line(report, n, item, item.pk in viewed) for n, item in enumerate(files, 1)]
        if not report.organisation.evidence_retention:
            lines.append(
                f"{organisation} keeps no copy of reported files (it keeps their hashes "
                "only), so none is uploaded with this report."
            )
    return "\n".join(lines)


def _has_hashes(item: MediaItem) -> bool:
    return item.status == MediaStatus.HASHED and bool(item.md5 or item.sha256 or item.pdq)


def _file_line(report: Report, number: int, item: MediaItem, viewed: bool) -> str:
    hashes_only = item.kind == MediaKind.HASHES
    name = item.original_name or ("hashes only" if hashes_only else "unnamed file")
    facts = [f"{number}. {name} ({item.get_kind_display().lower()}"]
    facts[0] += f", {item.size} bytes)" if item.size else ")"
    facts += [f"{kind} {value}" for kind, value in _binary_hashes(item)]
    if item.pdq:
        quality = f" (quality {item.pdq_quality})" if item.pdq_quality is not None else ""
        facts.append(f"PDQ {item.pdq}{quality}")
    industry = industry_classification(item)
    if industry:
        facts.append(f"NCMEC industry classification {industry}")
    labels = _labels(report, media_item=item, report_url=None)
    if labels:
        facts.append(f"classification: {labels}")
    if item.match_label:
        facts.append(f"matches known material ({item.match_label})")
    if item.report_url is not None:
        facts.append(f"found at {item.report_url.url}")
    if not hashes_only:
        facts.append("viewed by staff: " + ("yes" if viewed else "no"))
    return "; ".join(facts)


def _binary_hashes(item: MediaItem) -> list[tuple[str, str]]:
    return [(kind, value) for kind, value in (("MD5", item.md5), ("SHA256", item.sha256)) if value]


def _labels(report: Report, *, media_item, report_url) -> str:
    """Every scheme's label on the report (or on one of its items), as text."""
    rows = report.classifications.filter(media_item=media_item, report_url=report_url)
    rows = rows.select_related("scheme", "label").order_by("scheme__key")
    return "; ".join(f"{row.scheme.name}: {row.label.name}" for row in rows)


def industry_classification(item: MediaItem) -> str:
    """A1, A2, B1 or B2 when the file carries a label of the `ncmec` scheme."""
    row = (
        item.classifications.filter(scheme__key=NCMEC_SCHEME)
        .select_related("label")
        .order_by("-classified_at")
        .first()
    )
    label = row.label.key.upper() if row else ""
    return label if label in INDUSTRY_CLASSES else ""


def viewed_items(items) -> set[int]:
    """The ids of the items whose original someone in the organisation has opened."""
    ids = [str(item.pk) for item in items]
    if not ids:
        return set()
    seen = AuditEvent.objects.filter(
        action=ORIGINAL_VIEWED, target_type="mediaitem", target_id__in=ids
    ).values_list("target_id", flat=True)
    return {int(pk) for pk in seen}


# --- File details ---------------------------------------------------------------------------


def build_file_details(item: MediaItem, *, report_id: str, file_id: str) -> str:
    """The <fileDetails> document for one file uploaded to NCMEC."""
    with translation.override("en"):
        root = etree.Element("fileDetails", nsmap={"xsi": XSI})
        root.set(f"{{{XSI}}}noNamespaceSchemaLocation", SCHEMA_LOCATION)
        _add(root, "reportId", report_id)
        _add(root, "fileId", file_id)
        _add(root, "originalFileName", item.original_name)
        _add(root, "uploadedToEspTimestamp", _datetime(item.created_at))
        if item.report_url is not None:
            _add(root, "locationOfFile", item.report_url.url)
        _add(root, "fileViewedByEsp", _boolean(item.pk in viewed_items([item])))
        if item.report_url is not None:
            # Fetched from a public address that was reported: anyone could see it.
            _add(root, "publiclyAvailable", "true")
        _add(root, "fileRelevance", "Reported")
        _add(root, "industryClassification", industry_classification(item))
        for kind, value in _binary_hashes(item):
            _add(root, "originalFileHash", value).set("hashType", kind)
        if item.pdq:
            # PDQ is a perceptual hash, not a hash of the bytes: a HASH metadata pair.
            details = etree.SubElement(root, "details", type="HASH")
            pair = etree.SubElement(details, "nameValuePair")
            _add(pair, "name", "PDQ")
            _add(pair, "value", item.pdq)
        labels = _labels(item.report, media_item=item, report_url=None)
        _add(root, "additionalInfo", f"Classification: {labels}" if labels else "")
        if item.match_label:
            _add(root, "additionalInfo", f"Matches known material: {item.match_label}")
        return _serialise(root)


# --- Helpers ---------------------------------------------------------------------------------


def _add(parent: etree._Element, tag: str, text: str) -> etree._Element:
    """A child with text, or nothing when there is no text (every optional element)."""
    if not text:
        return etree.Element(tag)  # detached: not added to the document
    child = etree.SubElement(parent, tag)
    child.text = clean(text)
    return child


def clean(text: str) -> str:
    """The text without the characters XML cannot carry."""
    return _NOT_XML.sub("", str(text))


def _datetime(value: datetime) -> str:
    # ISO 8601 with the zone as +hh:mm, as NCMEC requires.
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def _serialise(root: etree._Element) -> str:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode()
