"""Nobody reaches the Northern Hotline's reports, media, people or tokens from outside it.

The sweep is built from the URL map itself: every pattern that takes an identifier is
tried, with GET and POST, with the Northern Hotline's identifiers, by people who must
not reach them. An endpoint added later is swept without anyone remembering to add it
here; one with an identifier of a new kind fails until IDENTIFIERS says how to fill it.
"""

import itertools
import re
from dataclasses import dataclass, field

import pytest
from django.db.models import Q
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from conftest import make_user, verified_client
from haven.access.access import organisation_policy
from haven.access.models import (
    AdultAlert,
    ChildProfile,
    Policy,
    PolicyGuardian,
    PolicyRule,
    UnblockRequest,
)
from haven.accounts.models import Role, User
from haven.api.models import ApiToken
from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.cases.models import Case, CaseReferral, CaseService, FollowUp
from haven.chat.models import ChatMessage, Conversation
from haven.classification.models import Classification, Label, Scheme, SchemeSetting
from haven.cybertip.models import CyberTip
from haven.demo.synthetic import synthetic_jpeg
from haven.emergencies.models import Alert, Emergency
from haven.exchanges.models import BankShare, Exchange
from haven.fetching.models import Fetch
from haven.helpline.identity import seal
from haven.helpline.models import Contact, HelplineSettings
from haven.hosting.models import HostDirectoryEntry, Hosting
from haven.matching.models import BankEntry, BankImport, HashBank, Match
from haven.messaging.models import OutboundMessage, SmsChannel
from haven.network.models import (
    District,
    PartnerMembership,
    PartnerService,
    Responder,
    RotaShift,
    ServicePartner,
)
from haven.reports.intake import ReportInput, Upload, submit_report
from haven.reports.models import Category, MediaItem, MediaStatus, Report, ReportUrl, Source
from haven.routing.models import Partner, Referral
from haven.takedown.models import Notice, NoticeTemplate, Takedown
from haven.triage import actions
from haven.triage.models import ActionKind, ActionTaken, Note, SpentGrant

# What each kind of identifier in a URL names. A URL parameter not listed here fails
# every sweep, so that a new kind of endpoint cannot go unswept: add its name here and
# the Northern object it should name in `Northern.identifiers`.
IDENTIFIERS = {
    "reference": "a report's reference",
    "item_id": "a media item's id",
    "user_id": "a member's user id",
    "token_id": "an API token's id",
    "bank_id": "a hash bank's id",
    "bank_name": "a hash bank's name (HMA-compatible API, exchange feed)",
    "entry_id": "a bank entry's id",
    "content_id": "a bank entry's id (HMA-compatible API)",
    "match_id": "a match's id",
    "exchange_id": "an exchange's id",
    "share_id": "a bank share's id",
    "import_id": "a bank import's id",
    "url_id": "a reported address's id",
    "scheme_id": "a classification scheme's id (the organisation's own)",
    "label_id": "a classification label's id (of the organisation's own scheme)",
    "directory_entry_id": "a host directory entry's id",
    "takedown_id": "a takedown's id",
    "template_id": "a notice template's id (the organisation's own)",
    "partner_id": "a partner's id",
    "referral_id": "a referral's id",
    "tip_id": "a CyberTipline report's id",
    # The helpline: its network, contacts, chats, SMS channels, emergencies and cases.
    "district_id": "a district's id",
    "service_partner_id": "a service partner's id (the helpline's network)",
    "partner_service_id": "a partner service's id",
    "responder_id": "a responder's id",
    "shift_id": "a rota shift's id",
    "contact_ref": "a helpline contact's reference",
    "conversation_id": "a chat or SMS conversation's id",
    "sms_channel_id": "an SMS channel's id",
    "emergency_ref": "an emergency's reference",
    "case_ref": "a case's reference",
    "case_service_id": "a case service's id",
    "case_referral_id": "a case referral's id (also the partner's page)",
    "follow_up_id": "a follow-up's id",
    # Access policy: policies, children's profiles, requests to unblock and alerts.
    "policy_id": "an access policy's id",
    "policy_public_id": "an access policy's public id (API)",
    "child_id": "a child profile's id",
    "unblock_request_id": "a request to unblock's id",
    "request_token": "a request to unblock's token (API status for the platform)",
    "alert_id": "an adult alert's id",
    # Capability links sent to hosts and partners: holding the token is the permission,
    # so they are public (PUBLIC_ROUTES) and left out of the organisation sweeps.
    "token": "a referral acknowledgement token",
    "answer_token": "a takedown answer token",
    "alert_token": "an emergency alert's link token (sent to a responder)",
    "chat_token": "a child's web chat token",
    "public_id": "an SMS channel's webhook id (the provider's signature is checked)",
}
CAPABILITY_ROUTES = {
    "routing:ack",
    "takedown:answer",
    "emergencies:respond",
    "chat:rejoin",
    "messaging:inbound",
    "messaging:status",
    "access:why",
    "access:asked",
}
# Pages only a partner organisation's staff use: the control reaches them as Northern's
# responder, not as its administrator.
PARTNER_ROUTES = {"cases:partner_referral", "emergencies:partner_detail"}
# A successful look at a report or its media; none may ever be recorded for an outsider.
READS = {
    "report.viewed",
    "media.preview_viewed",
    "media.revealed",
    "media.original_viewed",
    "report.contact_viewed",
    "contact.viewed",
    "contact.revealed",
    "contact.history_viewed",
    "case.viewed",
    "case.revealed",
    "case.printed",
    "emergency.viewed",
    "emergency.revealed",
    "conversation.viewed",
}
# Pages anyone may open without signing in. Every other route is staff-only.
PUBLIC_ROUTES = {
    "",
    "healthz",
    "robots.txt",
    "i18n/setlang/",
    "accounts/login/",
    "accounts/logout/",
    "report/",
    "report/sent/",
    "report/status/",
    "api/schema/",
    "api/docs/",
    "api/redoc/",
    # HMA's liveness probe: says only "I-AM-ALIVE" or "INDEX-STALE".
    "hma/status",
    "routing/ack/<str:token>/",
    "takedown/answer/<str:answer_token>/",
    # The children's web chat: the token is the child's key, and nothing else is needed.
    "chat/",
    "chat/room/",
    "chat/room/messages",
    "chat/room/send",
    "chat/room/end",
    "chat/exit/",
    "chat/c/<str:chat_token>/",
    "emergencies/respond/<str:alert_token>/",
    # Provider webhooks: signed with the channel's secret, refused without it.
    "messaging/inbound/<str:public_id>/",
    "messaging/status/<str:public_id>/",
    # A child's own pages about an access decision: the signed link is the key.
    "access/why/<str:token>/",
    "access/asked/<str:token>/",
    "access/exit/",
}
_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


# --- The URL map ----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # as written in the URL map, e.g. "triage/<str:reference>/claim"
    name: str
    converters: dict = field(hash=False, compare=False)

    @property
    def parameters(self) -> list[str]:
        return _PARAMETER.findall(self.route)

    @property
    def is_api(self) -> bool:
        return self.route.startswith(("api/", "hma/", "exchanges/feed/"))

    def urls(self, identifiers: dict[str, list]) -> list[str]:
        """One URL for each combination of the identifiers' values."""
        names = self.parameters
        urls = []
        for values in itertools.product(*(identifiers[name] for name in names)):
            given = dict(zip(names, values, strict=True))

            def fill(match, given=given):
                name = match.group(1)
                return str(self.converters[name].to_url(given[name]))

            urls.append("/" + _PARAMETER.sub(fill, self.route))
        return urls


def every_route(patterns=None, prefix: str = "", namespace: str = "", converters=None):
    """Every URL pattern of the project, with its full route and converters."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry.pattern, RegexPattern):
            route, regex_converters = prefix + _route_of(entry.pattern), {}
            for name in _PARAMETER.findall(route):
                regex_converters[name] = _AsText()
        elif isinstance(entry.pattern, RoutePattern):
            route, regex_converters = prefix + str(entry.pattern), {}
        else:
            raise AssertionError(f"{prefix}{entry.pattern}: teach every_route to fill it")
        merged = {**(converters or {}), **regex_converters, **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from every_route(entry.url_patterns, route, inner, merged)
        else:
            name = ":".join(filter(None, [namespace, entry.name])) if entry.name else ""
            yield Route(route, name, merged)


class _AsText:
    def to_url(self, value) -> str:
        return str(value)


def _route_of(pattern: RegexPattern) -> str:
    """The HMA-style regex `^(?:/)*c/bank/(?P<bank_name>[^/]+)/?$` as `c/bank/<bank_name>`."""
    text = str(pattern.pattern) if hasattr(pattern, "pattern") else str(pattern)
    text = _REGEX_GROUP.sub(r"<\1>", str(pattern._regex))
    text = text.removeprefix("^").removeprefix("(?:/)*").removesuffix("$").removesuffix("/?")
    if not re.fullmatch(r"[\w/<>.-]*", text):
        raise AssertionError(f"{pattern}: teach _route_of how to turn it into a route")
    return text


def routes_with_identifiers() -> list[Route]:
    routes = [
        route for route in every_route() if route.parameters and route.name not in CAPABILITY_ROUTES
    ]
    unknown = {
        name: [route.route for route in routes if name in route.parameters]
        for route in routes
        for name in route.parameters
        if name not in IDENTIFIERS
    }
    if unknown:
        listed = "; ".join(f"{name!r} in {', '.join(where)}" for name, where in unknown.items())
        pytest.fail(
            f"URL parameters the authorisation sweep cannot fill: {listed}. Add each to "
            "IDENTIFIERS and Northern.identifiers in haven/web/tests/test_cross_organisation.py."
        )
    return routes


# --- The Northern Hotline and the people outside it ---------------------------------------


@dataclass
class Northern:
    organisation: object
    report: Report
    partner_report: Report
    tokens: list[ApiToken]
    bank: HashBank
    entry: BankEntry
    match: Match
    exchange: Exchange
    share: BankShare
    bank_import: BankImport
    hotline: "HotlineObjects"
    helpline: "HelplineObjects"
    access: "AccessObjects"

    def identifiers(self) -> dict[str, list]:
        hotline = self.hotline
        return {
            "reference": [self.report.reference],
            "item_id": list(self.report.media.order_by("pk").values_list("pk", flat=True)),
            "user_id": list(self.organisation.members.order_by("pk").values_list("pk", flat=True)),
            "token_id": [token.pk for token in self.tokens],
            "bank_id": [self.bank.pk],
            "bank_name": [self.bank.name],
            "entry_id": [self.entry.pk],
            "content_id": [self.entry.pk],
            "match_id": [self.match.pk],
            "exchange_id": [self.exchange.pk],
            "share_id": [self.share.pk],
            "import_id": [self.bank_import.pk],
            "url_id": list(self.report.urls.order_by("pk").values_list("pk", flat=True)),
            "scheme_id": [hotline.scheme.pk],
            "label_id": [hotline.label.pk],
            "directory_entry_id": [hotline.directory_entry.pk],
            "takedown_id": [hotline.takedown.pk],
            "template_id": [hotline.template.pk],
            "partner_id": [hotline.partner.pk],
            "referral_id": [hotline.referral.pk],
            "tip_id": [hotline.tip.pk],
            **self.helpline.identifiers(),
            **self.access.identifiers(),
            "token": ["not-a-real-token"],
            "answer_token": ["not-a-real-token"],
            "alert_token": ["not-a-real-token"],
            "chat_token": ["not-a-real-token"],
            "public_id": [self.helpline.sms_channel.public_id],
        }

    def snapshot(self) -> dict:
        """Everything of the Northern Hotline's that a sweep could change."""
        org = self.organisation
        in_org = Q(report__organisation=org)
        return {
            "reports": list(Report.objects.filter(organisation=org).order_by("pk").values()),
            "urls": list(ReportUrl.objects.filter(in_org).order_by("pk").values()),
            "media": list(MediaItem.objects.filter(in_org).order_by("pk").values()),
            "notes": list(Note.objects.filter(in_org).order_by("pk").values()),
            "actions": list(ActionTaken.objects.filter(in_org).order_by("pk").values()),
            "members": list(
                User.objects.filter(organisation=org)
                .order_by("pk")
                .values("pk", "username", "role", "is_active", "password", "organisation")
            ),
            "devices": list(
                TOTPDevice.objects.filter(user__organisation=org)
                .order_by("pk")
                .values("pk", "user", "key", "confirmed")
            ),
            # Not last_used_at: the partner's own token is used by the partner's sweep.
            "tokens": list(
                ApiToken.objects.filter(user__organisation=org)
                .order_by("pk")
                .values("pk", "user", "name", "digest", "revoked_at")
            ),
            "spent grants": SpentGrant.objects.count(),
            "banks": list(HashBank.objects.filter(organisation=org).order_by("pk").values()),
            "entries": list(
                BankEntry.objects.filter(bank__organisation=org).order_by("pk").values()
            ),
            "matches": list(Match.objects.filter(entry__bank__organisation=org).values()),
            "exchanges": list(Exchange.objects.filter(organisation=org).order_by("pk").values()),
            "shares": list(BankShare.objects.filter(bank__organisation=org).values()),
            "imports": list(BankImport.objects.filter(bank__organisation=org).values()),
            **{
                name: list(model.objects.filter(organisation=org).order_by("pk").values())
                for name, model in HOTLINE_MODELS.items()
            },
            "labels": list(Label.objects.filter(scheme__organisation=org).values()),
            "notices": list(Notice.objects.filter(takedown__organisation=org).values()),
            **{
                name: list(model.objects.filter(organisation=org).order_by("pk").values())
                for name, model in HELPLINE_MODELS.items()
            },
            **{
                name: list(model.objects.filter(**{path: org}).order_by("pk").values())
                for name, (model, path) in HELPLINE_CHILD_MODELS.items()
            },
            **{
                name: list(model.objects.filter(**{path: org}).order_by("pk").values())
                for name, (model, path) in ACCESS_MODELS.items()
            },
        }

    def audit_leaks(self, since: int) -> list[tuple]:
        """Events written after `since` that read or touch anything of the Northern Hotline."""
        reports = Report.objects.filter(organisation=self.organisation)
        items = MediaItem.objects.filter(report__organisation=self.organisation)
        touching = (
            Q(action__in=READS)
            | Q(organisation=self.organisation)
            | Q(target_type="report", target_id__in=[str(pk) for pk in reports.values("pk")])
            | Q(target_type="mediaitem", target_id__in=[str(pk) for pk in items.values("pk")])
        )
        return list(
            AuditEvent.objects.filter(touching, pk__gt=since).values_list(
                "action", "actor_label", "target_type", "target_id"
            )
        )


@pytest.fixture
def northern(organisation, analyst, supervisor, partner, django_capture_on_commit_callbacks):
    organisation.evidence_retention = True
    organisation.save()
    admin = make_user(organisation, "nadia", Role.ADMIN)
    data = ReportInput(
        category=Category.SEXUAL_IMAGERY,
        description="Northern secret description",
        urls=["https://northern.example/album"],
        contact="reporter@example.org",
        uploads=[Upload("kept.jpg", synthetic_jpeg(11)), Upload("broken.jpg", b"\xff\xd8\xff")],
    )
    partner_data = ReportInput(category=Category.BULLYING, external_id="partner-1")
    # The hashing job runs on commit: the kept file is then hashed and stored as evidence.
    with django_capture_on_commit_callbacks(execute=True):
        report = submit_report(organisation, Source.PUBLIC, data, Actor.public()).report
        by_partner = submit_report(
            organisation, Source.API, partner_data, Actor.for_user(partner), submitted_by=partner
        ).report
    kept = report.media.get(status=MediaStatus.HASHED)
    assert kept.evidence_name and kept.sha256
    actions.add_note(report, "Northern note", analyst)
    actions.record_action(report, ActionKind.POLICE, "Northern police unit", analyst)
    tokens = [ApiToken.issue(admin, "northern admin")[0], ApiToken.issue(analyst, "northern")[0]]
    bank = HashBank.objects.create(organisation=organisation, name="Northern list")
    entry = BankEntry.objects.create(bank=bank, signal_type="md5", value=kept.md5)
    match = Match.objects.create(item=kept, entry=entry, signal_type="md5")
    exchange = Exchange.objects.create(
        organisation=organisation, name="northern-ncmec", kind="ncmec", bank=bank
    )
    # Shared with Nadia, so that her control request to the feed is answered.
    share = BankShare.objects.create(bank=bank, user=admin)
    bank_import = BankImport.objects.create(
        bank=bank, file_name="northern.txt", file_size=1, head_sha256="0" * 64, format="te-file"
    )
    hotline = hotline_objects(report, admin)
    helpline = helpline_objects(report, admin, analyst)
    return Northern(
        organisation,
        report,
        by_partner,
        tokens,
        bank,
        entry,
        match,
        exchange,
        share,
        bank_import,
        hotline,
        helpline,
        access_objects(organisation, admin),
    )


@dataclass
class HotlineObjects:
    """The Northern Hotline's classification, hosting, takedown, routing and CyberTipline."""

    scheme: Scheme
    label: Label
    directory_entry: HostDirectoryEntry
    takedown: Takedown
    template: NoticeTemplate
    partner: Partner
    referral: Referral
    tip: CyberTip


# Models with an organisation column whose rows the sweep must leave untouched.
HOTLINE_MODELS = {
    "schemes": Scheme,
    "scheme settings": SchemeSetting,
    "classifications": Classification,
    "fetches": Fetch,
    "hosting": Hosting,
    "host directory": HostDirectoryEntry,
    "takedowns": Takedown,
    "notice templates": NoticeTemplate,
    "partners": Partner,
    "referrals": Referral,
    "cybertips": CyberTip,
}


def hotline_objects(report: Report, admin) -> HotlineObjects:
    organisation = report.organisation
    url = report.urls.get()
    scheme = Scheme.objects.create(organisation=organisation, key="northern-law", name="Northern")
    label = Label.objects.create(scheme=scheme, key="illegal", name="Illegal here")
    SchemeSetting.objects.create(organisation=organisation, scheme=scheme)
    Classification.objects.create(
        organisation=organisation, report=report, report_url=url, scheme=scheme, label=label
    )
    Fetch.objects.create(
        organisation=organisation,
        report_url=url,
        purpose="capture",
        requested_url=url.url,
        outcome="present",
    )
    Hosting.objects.create(organisation=organisation, report_url=url, hostname="northern.example")
    directory_entry = HostDirectoryEntry.objects.create(
        organisation=organisation, kind="domain", match="northern.example", name="Northern host"
    )
    takedown = Takedown.objects.create(
        organisation=organisation, report=report, report_url=url, opened_by=admin
    )
    template = NoticeTemplate.objects.create(
        organisation=organisation,
        kind="first",
        language="en",
        subject="Northern notice",
        body="{{ url }} {{ reply_url }}",
    )
    partner = Partner.objects.create(
        organisation=organisation, kind="hotline", name="Northern partner", email="p@example.org"
    )
    referral = Referral.objects.create(
        organisation=organisation,
        report=report,
        partner=partner,
        kind="forward",
        channel="email",
        status="sent",
    )
    tip = CyberTip.objects.create(
        organisation=organisation, report=report, xml="<report/>", created_by=admin
    )
    return HotlineObjects(
        scheme, label, directory_entry, takedown, template, partner, referral, tip
    )


@dataclass
class HelplineObjects:
    """The Northern Hotline's helpline: network, contact, chat, SMS, emergency and case."""

    district: District
    service_partner: ServicePartner
    partner_service: PartnerService
    responder: Responder
    shift: RotaShift
    contact: Contact
    conversation: Conversation
    sms_channel: SmsChannel
    emergency: Emergency
    case: Case
    case_service: CaseService
    case_referral: CaseReferral
    follow_up: FollowUp
    responder_user: User

    def identifiers(self) -> dict[str, list]:
        return {
            "district_id": [self.district.pk],
            "service_partner_id": [self.service_partner.pk],
            "partner_service_id": [self.partner_service.pk],
            "responder_id": [self.responder.pk],
            "shift_id": [self.shift.pk],
            "contact_ref": [self.contact.reference],
            "conversation_id": [self.conversation.pk],
            "sms_channel_id": [self.sms_channel.pk],
            "emergency_ref": [self.emergency.reference],
            "case_ref": [self.case.reference],
            "case_service_id": [self.case_service.pk],
            "case_referral_id": [self.case_referral.pk],
            "follow_up_id": [self.follow_up.pk],
        }


HELPLINE_MODELS = {
    "districts": District,
    "service partners": ServicePartner,
    "contacts": Contact,
    "conversations": Conversation,
    "sms channels": SmsChannel,
    "outbound sms": OutboundMessage,
    "emergencies": Emergency,
    "cases": Case,
    "helpline settings": HelplineSettings,
}
# Rows that belong to the organisation through a parent: (model, path to the organisation).
HELPLINE_CHILD_MODELS = {
    "partner services": (PartnerService, "partner__organisation"),
    "responders": (Responder, "partner__organisation"),
    "shifts": (RotaShift, "partner__organisation"),
    "chat messages": (ChatMessage, "conversation__organisation"),
    "alerts": (Alert, "emergency__organisation"),
    "case services": (CaseService, "case__organisation"),
    "case referrals": (CaseReferral, "case__organisation"),
    "follow-ups": (FollowUp, "case__organisation"),
}


def helpline_objects(report: Report, admin, counsellor) -> HelplineObjects:
    from datetime import timedelta

    from django.utils import timezone

    organisation = report.organisation
    now = timezone.now()
    HelplineSettings.objects.create(organisation=organisation)
    district = District.objects.create(organisation=organisation, name="Northdale", code="north")
    service_partner = ServicePartner.objects.create(organisation=organisation, name="North NGO")
    service_partner.districts.add(district)
    partner_service = PartnerService.objects.create(
        partner=service_partner, service_type="shelter", name="North shelter"
    )
    responder_user = make_user(organisation, "rhea", Role.RESPONDER)
    PartnerMembership.objects.create(user=responder_user, partner=service_partner)
    responder = Responder.objects.create(
        partner=service_partner, name="Rhea", phone="+447700900001", user=responder_user
    )
    shift = RotaShift.objects.create(
        partner=service_partner,
        responder=responder,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=8),
    )
    sms_channel = SmsChannel.objects.create(
        organisation=organisation,
        name="North SMS",
        provider="fake",
        number="+447700900000",
        public_id="northern-sms-webhook",
    )
    conversation = Conversation.objects.create(
        organisation=organisation,
        channel="web",
        status="active",
        counsellor=admin,
        token_digest="0" * 64,
        last_activity_at=now,
        next_seq=2,
    )
    ChatMessage.objects.create(
        conversation=conversation, seq=1, sender="child", body="Northern chat", created_at=now
    )
    contact = Contact.objects.create(
        organisation=organisation,
        reference="C-NRTHN-CNTCT",
        channel="chat",
        counsellor=admin,
        started_at=now,
        district=district,
        summary="Northern contact summary",
        child_name_sealed=seal("Northern Child"),
        conversation=conversation,
    )
    case = Case.objects.create(
        organisation=organisation,
        reference="K-NRTHN-CASE2",
        created_by=admin,
        created_at=now,
        assigned_to=admin,
        district=district,
        child_name_sealed=seal("Northern Child"),
    )
    case.reports.add(report)
    contact.case = case
    contact.save()
    emergency = Emergency.objects.create(
        organisation=organisation,
        reference="E-NRTHN-EMRG2",
        contact=contact,
        case=case,
        district=district,
        location_sealed=seal("Northern street"),
        opened_by=admin,
        opened_at=now,
        target_at=now + timedelta(hours=1),
        partner=service_partner,
        next_escalation_at=now + timedelta(minutes=5),
    )
    Alert.objects.create(
        emergency=emergency, role="responder", responder=responder, channel="app", created_at=now
    )
    case_service = CaseService.objects.create(
        case=case, service_type="shelter", timeframe="1d", due_at=now, created_at=now
    )
    case_referral = CaseReferral.objects.create(
        case=case,
        service=case_service,
        partner_service=partner_service,
        partner=service_partner,
        note="Northern referral note",
        requested_by=admin,
        requested_at=now,
    )
    follow_up = FollowUp.objects.create(case=case, due_at=now, description="Northern follow-up")
    return HelplineObjects(
        district,
        service_partner,
        partner_service,
        responder,
        shift,
        contact,
        conversation,
        sms_channel,
        emergency,
        case,
        case_service,
        case_referral,
        follow_up,
        responder_user,
    )


@dataclass
class AccessObjects:
    """The Northern organisation's access policy: a family, its child, a request, an alert."""

    policy: Policy
    child: ChildProfile
    unblock_request: UnblockRequest
    alert: AdultAlert

    def identifiers(self) -> dict[str, list]:
        return {
            "policy_id": [self.policy.pk],
            "policy_public_id": [self.policy.public_id],
            "child_id": [self.child.pk],
            "unblock_request_id": [self.unblock_request.pk],
            "request_token": [self.unblock_request.token],
            "alert_id": [self.alert.pk],
        }


ACCESS_MODELS = {
    "access policies": (Policy, "organisation"),
    "access rules": (PolicyRule, "policy__organisation"),
    "access guardians": (PolicyGuardian, "policy__organisation"),
    "children": (ChildProfile, "organisation"),
    "unblock requests": (UnblockRequest, "organisation"),
    "adult alerts": (AdultAlert, "organisation"),
}


def access_objects(organisation, admin) -> AccessObjects:
    family = Policy.objects.create(
        organisation=organisation,
        kind=Policy.Kind.FAMILY,
        name="Northern family",
        parent=organisation_policy(organisation),
    )
    PolicyRule.objects.create(
        policy=family, descriptor="horror", level="mild", age_band="6-9", action="allow"
    )
    guardian = make_user(organisation, "northern-parent", Role.GUARDIAN)
    PolicyGuardian.objects.create(policy=family, user=guardian)
    child = ChildProfile.objects.create(
        organisation=organisation, policy=family, label="Northern child", birth_year=2014
    )
    unblock_request = UnblockRequest.objects.create(
        organisation=organisation,
        profile=child,
        policy=family,
        content_ref="https://northern.example/page",
        content_key="1" * 64,
        action="restrict",
    )
    alert = AdultAlert.objects.create(
        organisation=organisation, profile=child, categories=["grooming"]
    )
    return AccessObjects(family, child, unblock_request, alert)


@pytest.fixture
def southern_report(other_organisation):
    data = ReportInput(category=Category.BULLYING, description="Southern report")
    return submit_report(other_organisation, Source.PUBLIC, data, Actor.public()).report


@pytest.fixture
def southern_admin(other_organisation):
    return make_user(other_organisation, "sol", Role.ADMIN)


def session_for(user) -> Client:
    # A 500 must show up as a failed expectation, not stop the sweep at the first one.
    return verified_client(Client(raise_request_exception=False), user)


def token_for(user) -> APIClient:
    _, plaintext = ApiToken.issue(user, f"{user.username} sweep")
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


# --- Sweeping ---------------------------------------------------------------------------


def attempt_payload(northern: Northern) -> dict:
    """What each form or serializer would accept, so that a missing check would act on the
    report (and show in the snapshot), not merely fail validation."""
    assignee = northern.organisation.members.get(role=Role.ANALYST).username
    return {
        "reason": "sweep",
        "close-reason": "sweep",
        "reopen-reason": "sweep",
        "category": Category.OTHER,
        "classify-category": Category.OTHER,
        "severity": "low",
        "classify-severity": "low",
        "kind": ActionKind.NO_ACTION,
        "action-kind": ActionKind.NO_ACTION,
        "detail": "sweep",
        "action-detail": "sweep",
        "text": "sweep",
        "note-text": "sweep",
        "username": assignee,
        "assignee": assignee,
        "assign-assignee": assignee,
        "role": Role.ADMIN,
        "active": "0",
        "confirm": "on",
        "name": "sweep",
        "classification": "sweep",
        "pdq_threshold": "5",
        "vpdq_match_percent": "50",
        "signal_type": "md5",
        "value": "f" * 32,
        "state": "disabled",
        "format": "auto",
        "verdict": "rejected",
        "enabled": "false",
        "disable_until_ts": "9999999999",
        # Classification, hosting, takedown, routing and CyberTipline forms.
        "northern-law": "illegal",
        "interpol": "baseline",
        "key": "sweep",
        "applies_to": "both",
        "actionable": "on",
        "order": "1",
        "country": "FR",
        "network_name": "sweep",
        "abuse_email": "sweep@example.org",
        "match": "sweep.example",
        "language": "en",
        "subject": "sweep {{ url }} {{ reply_url }}",
        "body": "sweep {{ url }} {{ reply_url }}",
        "email": "sweep@example.org",
        "partner": "1",
        "urls": "1",
        "note": "sweep",
        "cybertip-incident_type": "Child Pornography (possession, manufacture, and distribution)",
        "cybertip-retract-reason": "sweep",
    }


def refusal_problem(response, method: str) -> str:
    """Why the response is not a refusal, or "" when it is one."""
    status = response.status_code
    if status == 405 and method not in response.get("Allow", ""):
        return ""  # the method does not exist here for anyone: nothing was looked up
    if status == 404:
        return ""
    if status == 403:
        body = response.content.decode(errors="replace")
        # These refusals come before the check under test, so they would hide a gap.
        if "CSRF" in body or "two_factor_required" in body:
            return "refused by CSRF or two-factor, before any permission check"
        return ""
    return f"answered {status}, not 403 or 404"


def sweep(client, urls: list[str], payload: dict, **post_options) -> list[str]:
    problems = []
    for url in urls:
        for method in ("GET", "POST"):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, payload, **post_options)
            problem = refusal_problem(response, method)
            if problem:
                problems.append(f"{method} {url}: {problem}")
    return problems


def swept_urls(northern: Northern, api_only: bool = False, allowed=()) -> list[str]:
    identifiers = northern.identifiers()
    routes = [
        r for r in routes_with_identifiers() if (r.is_api or not api_only) and r.name not in allowed
    ]
    return [url for route in routes for url in route.urls(identifiers)]


def assert_refused_everywhere(northern: Northern, attempts) -> None:
    """Run (client, urls, post options) attempts; check answers, audit log and state."""
    before, since = northern.snapshot(), AuditEvent.objects.order_by("-pk").first().pk
    payload = attempt_payload(northern)
    problems = []
    for client, urls, options in attempts:
        problems += sweep(client, urls, payload, **options)
    assert not problems, "Reached the Northern Hotline's data:\n" + "\n".join(problems)
    assert northern.audit_leaks(since) == []
    assert northern.snapshot() == before


# --- The tests ----------------------------------------------------------------------------


def test_the_sweep_covers_every_endpoint_that_takes_an_identifier(northern):
    names = {route.name for route in routes_with_identifiers()}
    # A few that must be there, so that a broken walk cannot pass by sweeping nothing.
    assert {
        "triage:detail",
        "triage:contact",
        "triage:media_preview",
        "triage:media_original",
        "accounts:user_detail",
        "accounts:token_revoke",
        "api:report-status",
        "api:triage-report",
        "api:triage-close",
    } <= names
    assert len(swept_urls(northern)) >= len(names)


def test_the_swept_urls_reach_real_objects_for_their_own_organisation(northern):
    """The control: for a Northern administrator each swept route finds its object, so a
    404 for anyone else means "not yours", not "never existed"."""
    admin = session_for(northern.organisation.members.get(username="nadia"))
    responder = session_for(northern.helpline.responder_user)
    identifiers = northern.identifiers()
    missing = []
    for route in routes_with_identifiers():
        client = responder if route.name in PARTNER_ROUTES else admin
        statuses = [client.get(url).status_code for url in route.urls(identifiers)]
        if all(status == 404 or status >= 500 for status in statuses):
            missing.append(f"{route.route}: {statuses}")
    assert not missing, "Northern's own administrator could not reach:\n" + "\n".join(missing)


def test_another_organisation_reaches_nothing_northern_through_any_page_or_endpoint(
    northern, outsider, southern_admin
):
    # The outsider is a supervisor; the Southern administrator passes every role check,
    # so the member pages are refused for being another organisation's, not for the role.
    urls = swept_urls(northern)
    assert_refused_everywhere(
        northern,
        [(session_for(outsider), urls, {}), (session_for(southern_admin), urls, {})],
    )


def test_another_organisations_api_token_reaches_nothing_northern(northern, outsider):
    urls = swept_urls(northern, api_only=True)
    assert_refused_everywhere(northern, [(token_for(outsider), urls, {"format": "json"})])


def test_a_partner_service_reads_only_the_reports_it_submitted(northern, partner):
    api = token_for(partner)
    # Its own report it can read: the refusals below are about whose report it is.
    own = api.get(reverse("api:report-status", args=[northern.partner_report.reference]))
    assert own.status_code == 200
    listed = api.get(reverse("api:reports")).json()["results"]
    assert [row["reference"] for row in listed] == [northern.partner_report.reference]

    # A partner may read its own organisation's bank names and settings through the
    # HMA-compatible API (HMA clients list banks before they look up); never the hashes.
    bank = api.get(f"/hma/c/bank/{northern.bank.name}")
    assert bank.status_code == 200 and "signals" not in bank.json()
    allowed = {"hma:bank"}
    assert_refused_everywhere(
        northern,
        [
            (session_for(partner), swept_urls(northern, allowed=allowed), {}),
            (api, swept_urls(northern, api_only=True, allowed=allowed), {"format": "json"}),
        ],
    )


def test_staff_of_another_partner_in_the_network_reach_nothing_of_the_helpline(northern):
    """A responder's login sees what was referred or alerted to its own partner only:
    staff of a second Northern partner, with nothing referred to it, reach nothing."""
    elsewhere = ServicePartner.objects.create(organisation=northern.organisation, name="Other NGO")
    other = make_user(northern.organisation, "otto", Role.RESPONDER)
    PartnerMembership.objects.create(user=other, partner=elsewhere)
    # The control: Northern's own responder reaches its partner's referral and emergency.
    own = session_for(northern.helpline.responder_user)
    referral = northern.helpline.case_referral.pk
    assert own.get(f"/cases/partner/referrals/{referral}/").status_code == 200
    emergency = northern.helpline.emergency.reference
    assert own.get(f"/emergencies/partner/{emergency}/").status_code == 200

    assert_refused_everywhere(northern, [(session_for(other), swept_urls(northern), {})])


def test_the_public_is_sent_to_sign_in_from_every_staff_page_and_refused_by_the_api(northern):
    identifiers = northern.identifiers()
    routes = [route for route in every_route() if route.route not in PUBLIC_ROUTES]
    assert {route.name for route in routes} >= {"triage:queue", "audit:log", "api:reports"}
    before, since = northern.snapshot(), AuditEvent.objects.order_by("-pk").first().pk
    anonymous = APIClient(raise_request_exception=False)
    login = reverse("accounts:login")
    problems = []
    for route in routes:
        unknown = set(route.parameters) - set(IDENTIFIERS)
        assert not unknown, f"{route.route}: add {unknown} to IDENTIFIERS"
        for url in route.urls(identifiers):
            for method in ("GET", "POST"):
                response = anonymous.generic(method, url)
                status, location = response.status_code, response.get("Location", "")
                if status == 405 and method not in response.get("Allow", ""):
                    continue
                if route.is_api and status == 401:
                    continue
                # A page's own JSON feed (a long poll) refuses instead of redirecting.
                is_json = response.get("Content-Type", "").startswith("application/json")
                if is_json and status in (401, 403):
                    continue
                if not route.is_api and status == 302 and location.startswith(login):
                    continue
                problems.append(f"{method} {url}: {status} {location}")
    assert not problems, "Open to anyone:\n" + "\n".join(problems)
    assert northern.audit_leaks(since) == []
    assert northern.snapshot() == before


def test_another_organisations_lists_exports_and_statistics_leave_northern_reports_out(
    northern, outsider, southern_admin, southern_report
):
    page, api = session_for(outsider), token_for(outsider)
    ours, theirs = southern_report.reference, northern.report.reference
    lists = {
        "queue page": page.get("/triage/?status=all"),
        "queue API": api.get("/api/v1/queue/?status=all"),
        "queue API in a browser session": page.get("/api/v1/queue/?status=all"),
        "reports API": api.get("/api/v1/reports/"),
        "reports CSV": page.get("/stats/reports.csv"),
    }
    for what, response in lists.items():
        assert response.status_code == 200, what
        body = response.content.decode()
        assert ours in body, f"{what} should list the Southern report"
        assert theirs not in body and northern.partner_report.reference not in body, what

    summary = {
        # Filtered to the Northern report's category: the Southern report drops out too.
        "queue page, filtered": page.get("/triage/?status=all&category=sexual_imagery"),
        "statistics page": page.get("/stats/"),
        "statistics CSV": page.get("/stats/export.csv"),
        "audit log": page.get("/audit/"),
        "audit log, all reads": page.get("/audit/?action=report.viewed"),
        "people": session_for(southern_admin).get("/accounts/users/"),
        "tokens": session_for(southern_admin).get("/accounts/tokens/"),
    }
    for what, response in summary.items():
        assert response.status_code == 200, what
        body = response.content.decode()
        for northern_text in (theirs, "Northern", "nadia", "northern admin"):
            assert northern_text not in body, f"{what} shows {northern_text!r}"
    assert "<strong>1 report</strong>" in summary["statistics page"].content.decode()
    assert api.get("/api/v1/stats/").json()["total"] == 1
