"""The CyberTipline documents: what a case becomes, and that NCMEC's schema accepts it."""

import pytest
from django.utils import timezone
from lxml import etree

from haven.audit.services import Actor, record
from haven.classification.models import Classification, Label, Scheme
from haven.cybertip import xml
from haven.cybertip.tests.conftest import REFERENCE_SCHEMA, needs_reference
from haven.hosting.models import Hosting
from haven.reports.models import Category, MediaItem, MediaKind, MediaStatus, Urgency
from haven.triage.tests.support import add_image, make_report


def valid_everywhere(text: str) -> None:
    """Valid against the packaged schema and, where present, the reference copy."""
    assert xml.validate(text) == []
    if REFERENCE_SCHEMA is not None:
        assert xml.validate(text, schema=REFERENCE_SCHEMA) == []


def parse(text: str):
    return etree.fromstring(text.encode())


def label(report, key: str, *, item=None, scheme_key="ncmec", scheme_name="NCMEC industry"):
    scheme, _ = Scheme.objects.get_or_create(
        organisation=None, key=scheme_key, defaults={"name": scheme_name}
    )
    chosen, _ = Label.objects.get_or_create(scheme=scheme, key=key, defaults={"name": key.upper()})
    return Classification.objects.create(
        organisation=report.organisation,
        report=report,
        media_item=item,
        scheme=scheme,
        label=chosen,
    )


@needs_reference
def test_the_packaged_schema_is_identical_to_the_reference_copy():
    assert xml.PACKAGED_SCHEMA.read_bytes() == REFERENCE_SCHEMA.read_bytes()


def test_a_report_of_addresses_only_validates_and_lists_every_address(case, analyst):
    case.urls.create(url="http://second.example.org/a?b=c&d=e")
    text = xml.build(case, analyst)
    valid_everywhere(text)
    root = parse(text)
    page = root.find("internetDetails/webPageIncident")
    assert page.get("thirdPartyHostedContent") == "true"
    assert [u.text for u in page.findall("url")] == [
        "https://bad.example.net/gallery/1.html",
        "http://second.example.org/a?b=c&d=e",
    ]
    assert root.findtext("incidentSummary/incidentType") == xml.CHILD_PORNOGRAPHY
    assert root.findtext("incidentSummary/platform") == "Example Forum"
    assert "Files" not in root.findtext("additionalInfo")


def test_a_report_of_files_only_describes_them_by_their_hashes(organisation, analyst):
    report = make_report(organisation, category=Category.SEXUAL_IMAGERY)
    item, _ = add_image(report, 3, keep=False)
    MediaItem.objects.create(
        report=report,
        kind=MediaKind.HASHES,
        md5="0" * 32,
        sha256="1" * 64,
        pdq="f" * 64,
        status=MediaStatus.HASHED,
    )
    text = xml.build(report, analyst)
    valid_everywhere(text)
    root = parse(text)
    assert root.find("internetDetails") is None
    info = root.findtext("additionalInfo")
    assert (
        f"1. image-3.jpg (image, {item.size} bytes); MD5 {item.md5}; SHA256 {item.sha256}" in info
    )
    assert (
        f"2. hashes only (hashes only); MD5 {'0' * 32}; SHA256 {'1' * 64}; PDQ {'f' * 64}" in info
    )
    assert "viewed by staff: no" in info
    assert "keeps no copy of reported files" in info


def test_a_report_of_addresses_and_files_validates(case, analyst):
    add_image(case, 4)
    text = xml.build(case, analyst)
    valid_everywhere(text)
    root = parse(text)
    assert root.find("internetDetails/webPageIncident/url") is not None
    assert "image-4.jpg" in root.findtext("additionalInfo")


def test_unicode_text_is_kept_and_characters_xml_cannot_carry_are_dropped(organisation, analyst):
    analyst.first_name, analyst.last_name = "Zoë", "Ødegård-Nakamura 中村"
    report = make_report(
        organisation,
        category=Category.SOLICITATION,
        description="Он писал ребёнку 😟 — «встретимся» مرحبا\x1b\x0b end",
        platform="Chat ✉",
    )
    report.urls.create(url="https://пример.испытание/страница?q=ü")
    text = xml.build(report, analyst)
    valid_everywhere(text)
    root = parse(text)
    info = root.findtext("additionalInfo")
    assert "Он писал ребёнку 😟 — «встретимся» مرحبا end" in info
    assert "\x1b" not in info and "\x0b" not in info
    assert xml.clean("a\x00b\ud800c\ufffed\U0001f600") == "abcd\U0001f600"
    assert root.findtext("reporter/reportingPerson/lastName") == "Ødegård-Nakamura 中村"
    assert (
        root.findtext("internetDetails/webPageIncident/url")
        == "https://пример.испытание/страница?q=ü"
    )
    assert root.findtext("incidentSummary/incidentType") == xml.ENTICEMENT


def test_an_ncmec_classification_becomes_the_files_industry_class(case, analyst):
    item, _ = add_image(case, 5)
    industry = label(case, "a1", item=item)
    whole = label(case, "b2")  # the whole report: told in words, not forced onto every file
    interpol = label(case, "baseline", item=item, scheme_key="interpol", scheme_name="INTERPOL")
    text = xml.build(case, analyst)
    valid_everywhere(text)
    info = parse(text).findtext("additionalInfo")
    assert "NCMEC industry classification A1" in info
    assert f"classification: {named(interpol)}; {named(industry)}" in info
    assert f"Classification by Northern Hotline: {named(whole)}." in info
    details = xml.build_file_details(item, report_id="4564654", file_id="b0754af766b426f2")
    valid_everywhere(details)
    assert parse(details).findtext("industryClassification") == "A1"


def named(classification) -> str:
    return f"{classification.scheme.name}: {classification.label.name}"


def test_file_details_carry_the_hashes_and_whether_staff_viewed_the_original(case, analyst):
    item, _ = add_image(case, 6)
    item.pdq, item.match_label = "a" * 64, "Known series 7"
    item.report_url = case.urls.get()
    item.save()
    details = parse(xml.build_file_details(item, report_id="12", file_id="f1"))
    assert details.findtext("reportId") == "12" and details.findtext("fileId") == "f1"
    assert details.findtext("originalFileName") == "image-6.jpg"
    assert details.findtext("locationOfFile") == "https://bad.example.net/gallery/1.html"
    assert details.findtext("publiclyAvailable") == "true"
    assert details.findtext("fileViewedByEsp") == "false"
    hashes = {h.get("hashType"): h.text for h in details.findall("originalFileHash")}
    assert hashes == {"MD5": item.md5, "SHA256": item.sha256}
    pair = details.find("details[@type='HASH']/nameValuePair")
    assert (pair.findtext("name"), pair.findtext("value")) == ("PDQ", "a" * 64)
    assert details.findtext("additionalInfo") == "Matches known material: Known series 7"
    # A blurred preview is not a view; opening the original is.
    record(Actor.for_user(analyst), "media.preview_viewed", item)
    assert (
        parse(xml.build_file_details(item, report_id="12", file_id="f1")).findtext(
            "fileViewedByEsp"
        )
        == "false"
    )
    record(Actor.for_user(analyst), "media.original_viewed", item)
    text = xml.build_file_details(item, report_id="12", file_id="f1")
    valid_everywhere(text)
    assert parse(text).findtext("fileViewedByEsp") == "true"
    assert "viewed by staff: yes" in parse(xml.build(case, analyst)).findtext("additionalInfo")


def test_the_category_chooses_the_incident_type_and_the_analyst_may_change_it(case, analyst):
    chosen = xml.build(case, analyst, incident_type="Misleading Domain Name")
    assert parse(chosen).findtext("incidentSummary/incidentType") == "Misleading Domain Name"
    case.category = Category.BULLYING
    with pytest.raises(xml.NotReportable):
        xml.build(case, analyst)
    with pytest.raises(xml.NotReportable):
        xml.build(case, analyst, incident_type="Bullying")
    # An analyst's classification outranks what the reporter chose.
    case.classified_category = Category.SOLICITATION
    assert (
        parse(xml.build(case, analyst)).findtext("incidentSummary/incidentType") == xml.ENTICEMENT
    )


def test_a_child_in_danger_now_is_escalated_to_high_priority(case, analyst):
    assert parse(xml.build(case, analyst)).find("incidentSummary/escalateToHighPriority") is None
    case.urgency = Urgency.DANGER_NOW
    text = xml.build(case, analyst)
    valid_everywhere(text)
    assert "child in danger now" in parse(text).findtext("incidentSummary/escalateToHighPriority")


def test_the_incident_time_is_when_the_report_arrived_in_utc_with_a_zone(case, analyst):
    case.received_at = timezone.datetime(
        2025, 3, 9, 23, 30, 15, 123456, tzinfo=timezone.get_fixed_timezone(120)
    )
    text = xml.build(case, analyst)
    assert parse(text).findtext("incidentSummary/incidentDateTime") == "2025-03-09T21:30:15+00:00"


def test_the_reporting_person_is_the_analyst_with_the_organisations_country(case, analyst):
    case.organisation.country = "gb"
    analyst.first_name, analyst.last_name = "Ana", "Lyst"
    person = parse(xml.build(case, analyst)).find("reporter/reportingPerson")
    assert [child.tag for child in person] == ["firstName", "lastName", "email", "address"]
    assert person.find("email").text == "ana@example.org"
    assert person.find("email").get("type") == "Work"
    assert person.findtext("address/country") == "GB"
    other = xml.Reporter("Duty", "Officer", "duty@example.org")
    assert (
        parse(xml.build(case, analyst, reporter=other)).findtext("reporter/reportingPerson/email")
        == "duty@example.org"
    )
    analyst.first_name = analyst.last_name = ""
    assert parse(xml.build(case, analyst)).findtext("reporter/reportingPerson/firstName") == "ana"


def test_the_description_is_included_unless_left_out_and_the_contact_only_when_given(case, analyst):
    assert "Pictures of a child" in parse(xml.build(case, analyst)).findtext("additionalInfo")
    left_out = xml.build(case, analyst, include_description=False)
    assert "Pictures of a child" not in left_out
    assert "Contact details" not in left_out
    shared = xml.build(case, analyst, contact="parent@example.com")
    valid_everywhere(shared)
    assert "parent@example.com" in parse(shared).findtext("additionalInfo")


def test_hosting_facts_are_told_with_the_web_page(case, analyst):
    Hosting.objects.create(
        organisation=case.organisation,
        report_url=case.urls.get(),
        hostname="bad.example.net",
        addresses=["203.0.113.7"],
        country="NL",
        network_name="Example Hosting BV",
        cdn="Cloudflare",
    )
    text = xml.build(case, analyst)
    valid_everywhere(text)
    assert parse(text).findtext("internetDetails/webPageIncident/additionalInfo") == (
        "https://bad.example.net/gallery/1.html: hosted in NL; at 203.0.113.7; "
        "network Example Hosting BV; behind the CDN Cloudflare"
    )


def test_validate_reports_each_schema_error_with_its_line(case, analyst):
    good = xml.build(case, analyst)
    missing = good.replace(f"<incidentType>{xml.CHILD_PORNOGRAPHY}</incidentType>", "")
    errors = xml.validate(missing)
    assert len(errors) == 1 and "platform" in errors[0] and "incidentType" in errors[0]
    assert errors[0].split(":")[0].isdigit()
    unknown = good.replace(xml.CHILD_PORNOGRAPHY, "Something else")
    assert any("incidentType" in error for error in xml.validate(unknown))
    swapped = good.replace("<reporter>", "<additionalInfo>x</additionalInfo><reporter>", 1)
    assert xml.validate(swapped)
    assert xml.validate("<report><incidentSummary>")[0].startswith("1: ")
    assert xml.validate("<reportResponse><responseCode>0</responseCode></reportResponse>") == [
        "1: the root element must be <report> or <fileDetails>"
    ]


def test_validate_never_expands_entities_or_reads_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read")
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE report [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<report><additionalInfo>&x;</additionalInfo></report>"
    )
    errors = xml.validate(hostile)
    assert errors and not any("do not read" in error for error in errors)


def test_the_incident_types_offered_are_the_schemas_own():
    assert xml.enumeration("incidentType") == [
        xml.CHILD_PORNOGRAPHY,
        "Child Sex Trafficking",
        "Child Sex Tourism",
        "Child Sexual Molestation",
        "Misleading Domain Name",
        "Misleading Words or Digital Images on the Internet",
        xml.ENTICEMENT,
        "Unsolicited Obscene Material Sent to a Child",
    ]


def test_an_operator_may_point_to_a_newer_schema(case, analyst, settings, tmp_path):
    newer = tmp_path / "newer.xsd"
    newer.write_text(
        xml.PACKAGED_SCHEMA.read_text().replace(
            '<xs:enumeration value="Misleading Domain Name" />', ""
        )
    )
    settings.NCMEC_XSD = str(newer)
    assert "Misleading Domain Name" not in xml.enumeration("incidentType")
    with pytest.raises(xml.NotReportable):
        xml.build(case, analyst, incident_type="Misleading Domain Name")
    assert xml.validate(xml.build(case, analyst)) == []
