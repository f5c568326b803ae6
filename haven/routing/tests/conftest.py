"""A report hosted abroad, with what fetching, hosting, matching and classification
would have recorded about it, and a directory of partners for the Northern Hotline
(which works in the United Kingdom)."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from haven.audit.services import Actor
from haven.classification.models import Classification, Label, Scheme
from haven.fetching.models import Fetch, Outcome, Purpose
from haven.hosting.models import Hosting
from haven.matching.models import BankEntry, HashBank, Match
from haven.reports.intake import HashSet, ReportInput, submit_report
from haven.reports.models import Category, MediaItem, MediaKind, MediaStatus, Source
from haven.routing.credentials import seal_token
from haven.routing.models import Partner, PartnerKind

REPORTER_WORDS = "My neighbour's son told me about this site"
REPORTER_CONTACT = "worried.parent@example.org"
MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
PDQ = "f" * 64
FETCHED_SHA256 = "a" * 64


@dataclass
class Hosted:
    report: object
    abroad: object  # a ReportUrl hosted in Germany
    at_home: object  # a ReportUrl hosted in the United Kingdom
    sent_file: object  # hashes the reporter sent
    fetched_file: object  # what was fetched from `abroad`


@pytest.fixture
def organisation(organisation):
    organisation.country = "GB"
    organisation.save()
    return organisation


@pytest.fixture
def hosted(organisation) -> Hosted:
    data = ReportInput(
        category=Category.SEXUAL_IMAGERY,
        description=REPORTER_WORDS,
        contact=REPORTER_CONTACT,
        urls=["https://images.example.de/album/7", "https://uk.example.co.uk/page"],
        hashes=[HashSet(md5=MD5, sha256=SHA256, pdq=PDQ)],
    )
    report = submit_report(organisation, Source.PUBLIC, data, Actor.public()).report
    abroad, at_home = report.urls.order_by("pk")
    abroad.normalised = abroad.url
    abroad.save()
    sent_file = report.media.get()
    captured = timezone.now() - timedelta(hours=2)
    fetched_file = MediaItem.objects.create(
        report=report,
        report_url=abroad,
        kind=MediaKind.VIDEO,
        content_type="video/mp4",
        size=123_456,
        status=MediaStatus.HASHED,
        md5="b" * 32,
        sha256=FETCHED_SHA256,
        vpdq="".join(f"{n},100,{str(n + 1) * 64},{n}.0\n" for n in range(3)),
        hashed_at=captured,
    )
    Fetch.objects.create(
        organisation=organisation,
        report_url=abroad,
        purpose=Purpose.CAPTURE,
        requested_url=abroad.url,
        final_url="https://cdn.example.de/album/7.mp4",
        outcome=Outcome.PRESENT,
        status_code=200,
        addresses=["203.0.113.7"],
        redirects=["https://cdn.example.de/album/7.mp4"],
        response_headers={"Server": "nginx", "Set-Cookie": "session=secret", "Via": "1.1 x"},
        content_type="video/mp4",
        size=123_456,
        sha256=FETCHED_SHA256,
        media_item=fetched_file,
        started_at=captured,
        finished_at=captured + timedelta(seconds=3),
    )
    Hosting.objects.create(
        organisation=organisation,
        report_url=abroad,
        hostname="images.example.de",
        addresses=["203.0.113.7"],
        country="DE",
        network_name="Example Hosting GmbH",
        registrar_name="Example Registrar AG",
    )
    Hosting.objects.create(
        organisation=organisation, report_url=at_home, hostname="uk.example.co.uk", country="GB"
    )
    bank = HashBank.objects.create(
        organisation=organisation, name="Known videos", classification="Known CSAM (video)"
    )
    entry = BankEntry.objects.create(
        bank=bank, signal_type="sha256", value=FETCHED_SHA256, note="secret entry note"
    )
    Match.objects.create(item=fetched_file, entry=entry, signal_type="sha256")
    _classify(organisation, report, fetched_file)
    return Hosted(report, abroad, at_home, sent_file, fetched_file)


def _classify(organisation, report, item) -> None:
    scheme = Scheme.objects.create(organisation=organisation, key="national", name="National law")
    illegal = Label.objects.create(scheme=scheme, key="illegal", name="Illegal here")
    Classification.objects.create(
        organisation=organisation, report=report, scheme=scheme, label=illegal
    )
    Classification.objects.create(
        organisation=organisation, report=report, media_item=item, scheme=scheme, label=illegal
    )


@pytest.fixture
def german_hotline(organisation) -> Partner:
    return Partner.objects.create(
        organisation=organisation,
        kind=PartnerKind.HOTLINE,
        name="eco Beschwerdestelle",
        country="DE",
        email="hotline@eco.example",
        language="de",
    )


@pytest.fixture
def police_unit(organisation) -> Partner:
    return Partner.objects.create(
        organisation=organisation,
        kind=PartnerKind.POLICE,
        name="CEOP",
        country="GB",
        email="referrals@ceop.example",
    )


def haven_partner(organisation, url: str, token: str, **fields) -> Partner:
    return Partner.objects.create(
        organisation=organisation,
        kind=fields.pop("kind", PartnerKind.HOTLINE),
        name=fields.pop("name", "Southern Helpline"),
        country=fields.pop("country", "DE"),
        api_url=url,
        api_token_sealed=seal_token(token),
        **fields,
    )
