"""Routing: forwarding a report to the hotline of the hosting country, referring it to
police, escalating a takedown, and tracking every referral until it is acknowledged.

Writes go through these functions only. Each runs in one transaction, writes an audit
row, and leaves the sending to the `routing.deliver` job, which runs after commit (so a
slow partner never holds the database, and a crash never loses a referral: the job
system sends it again). A staff referral also records an action on the report, so the
report's first-action time and deadlines count it.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.jobs.services import enqueue
from haven.reports.models import Report
from haven.routing import channels, config
from haven.routing.evidence import chosen_urls, evidence_package
from haven.routing.models import (
    AckLink,
    Partner,
    PartnerKind,
    Referral,
    ReferralKind,
    ReferralStatus,
)
from haven.triage.actions import InvalidInput, InvalidTransition, record_action
from haven.triage.models import ActionKind
from haven.web.countries import country_name

__all__ = [
    "UnknownLink",
    "acknowledge",
    "chase_due",
    "deliver",
    "escalate",
    "evidence_package",
    "forward",
    "mark_acknowledged",
    "partner_hotline_for",
    "refer_to_police",
    "retry",
]

log = logging.getLogger(__name__)

FORWARD_KINDS = (PartnerKind.HOTLINE, PartnerKind.ONLINE_SERVICE)
NOTE_MAX_LENGTH = 2_000
CHASE_RETRY_AFTER = timedelta(hours=1)
CHASE_BATCH = 200
CHANNEL_NAMES = {"email": "by e-mail", "api": "through the partner's Haven"}


class UnknownLink(Exception):
    """No referral has this acknowledgement link (mistyped, or never sent)."""


# --- The directory ----------------------------------------------------------------------


def partner_hotline_for(organisation, country: str) -> Partner | None:
    """The organisation's active partner hotline for `country` (the first added, if the
    directory lists several)."""
    if not country:
        return None
    return (
        Partner.objects.filter(
            organisation=organisation,
            kind=PartnerKind.HOTLINE,
            active=True,
            country=country.upper(),
        )
        .order_by("pk")
        .first()
    )


def police_partner_for(organisation) -> Partner | None:
    """The police unit of the organisation's own country, or its only police unit."""
    police = Partner.objects.filter(
        organisation=organisation, kind=PartnerKind.POLICE, active=True
    ).order_by("pk")
    if organisation.country:
        national = police.filter(country=organisation.country).first()
        if national is not None:
            return national
    units = list(police[:2])
    return units[0] if len(units) == 1 else None


def registrar_partner_for(registrar_name: str, organisation) -> Partner | None:
    if not registrar_name.strip():
        return None
    return (
        Partner.objects.filter(
            organisation=organisation,
            kind=PartnerKind.REGISTRAR,
            active=True,
            name__iexact=registrar_name.strip(),
        )
        .order_by("pk")
        .first()
    )


# --- Referring --------------------------------------------------------------------------


def forward(report: Report, partner: Partner, by, *, report_urls=None, actor=None) -> Referral:
    """Forward the report (all its addresses, or `report_urls`) to a partner hotline or
    online service: by e-mail, or into the partner's Haven when it runs one."""
    if partner.kind not in FORWARD_KINDS:
        raise InvalidInput("Choose a partner hotline or online service.", "partner")
    return _refer(report, partner, ReferralKind.FORWARD, by, report_urls, actor)


def refer_to_police(report: Report, partner: Partner, by, *, actor=None) -> Referral:
    """Refer the report, with its evidence package, to a police unit."""
    if partner.kind != PartnerKind.POLICE:
        raise InvalidInput("Choose a police unit.", "partner")
    return _refer(report, partner, ReferralKind.POLICE, by, None, actor)


def _refer(report: Report, partner: Partner, kind: str, by, report_urls, actor) -> Referral:
    _check_partner(report, partner)
    urls = _check_urls(report, report_urls)
    actor = actor or (Actor.for_user(by) if by is not None else Actor.system("routing"))
    action_kind = ActionKind.POLICE if kind == ReferralKind.POLICE else ActionKind.FORWARDED
    with transaction.atomic():
        if by is not None:
            # The action locks the report and refuses a closed one; the referral is made
            # under the same lock, so both exist or neither does.
            action_id = record_action(
                report, action_kind, _action_detail(partner), by, actor=actor
            ).pk
        else:
            # Sent by the scheduler (a takedown opened by an automatic classification):
            # no person acted, so no action is recorded on the report; the audit row
            # names the system actor.
            _require_open_report(report)
            action_id = None
        referral = _create(report, partner, kind, urls, sent_by=by)
        record(
            actor,
            "referral.created",
            referral,
            reference=report.reference,
            kind=kind,
            partner=partner.name,
            channel=referral.channel,
            urls=len(referral.evidence["urls"]),
            files=len(referral.evidence["files"]),
            action_id=action_id,
        )
    return referral


def _require_open_report(report: Report) -> None:
    locked = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if not locked.is_open:
        raise InvalidTransition("This report is not open: reopen it before referring it.")


def escalate(takedown, to: str) -> Referral | None:
    """Escalate a takedown the host ignores (called by the takedown scheduler).

    `to` is an EscalateTo value. Returns the referral, or None when the directory has no
    one to escalate to: for "registrar" that means the takedown writes to the registrar's
    own abuse contact. Either way the audit log records where it went. No action is
    recorded on the report: nobody acted, the scheduler did, and the audit row says so
    (the report's first action was the takedown's own notice).
    """
    report, organisation = takedown.report, takedown.organisation
    partner, why = _escalation_target(takedown, to)
    actor = Actor.system("takedown scheduler")
    if partner is None:
        record(
            actor,
            "referral.escalation_unavailable",
            report,
            organisation_id=organisation.pk,
            reference=report.reference,
            takedown=takedown.pk,
            to=to,
            why=why,
        )
        return None
    earlier = getattr(takedown, "referral", None)
    if (
        earlier is not None
        and earlier.kind == ReferralKind.ESCALATION
        and earlier.partner_id == partner.pk
    ):
        return earlier  # the scheduler asked twice: one referral is enough
    with transaction.atomic():
        referral = _create(report, partner, ReferralKind.ESCALATION, [takedown.report_url], None)
        record(
            actor,
            "referral.created",
            referral,
            organisation_id=organisation.pk,
            reference=report.reference,
            kind=ReferralKind.ESCALATION,
            partner=partner.name,
            channel=referral.channel,
            takedown=takedown.pk,
            to=to,
        )
    return referral


def _escalation_target(takedown, to: str) -> tuple[Partner | None, str]:
    organisation = takedown.organisation
    if to == "partner_hotline":
        if not takedown.country:
            return None, "the hosting country is not known"
        partner = partner_hotline_for(organisation, takedown.country)
        return partner, "" if partner else (
            f"no active partner hotline for {country_name(takedown.country)} in the directory"
        )
    if to == "police":
        partner = police_partner_for(organisation)
        return partner, "" if partner else "no police unit for the organisation's country"
    if to == "registrar":
        hosting = getattr(takedown.report_url, "hosting", None)
        name = hosting.registrar_name if hosting is not None else ""
        partner = registrar_partner_for(name, organisation)
        return partner, "" if partner else (
            f"registrar {name or '(unknown)'} is not in the directory: "
            "the takedown writes to the registrar's abuse contact itself"
        )
    return None, f"unknown escalation target {to!r}"


def _check_partner(report: Report, partner: Partner) -> None:
    if partner.organisation_id != report.organisation_id:
        raise InvalidInput("Choose a partner from your directory.", "partner")
    if not partner.active:
        raise InvalidInput(f"{partner.name} is no longer active in the directory.", "partner")
    if not channels.channel_of(partner):
        raise InvalidInput(
            f"{partner.name} has no e-mail address or API in the directory; add one first.",
            "partner",
        )


def _check_urls(report: Report, report_urls):
    if report_urls is None:
        return None
    wanted = {getattr(url, "pk", url) for url in report_urls}
    urls = chosen_urls(report, wanted)
    if len(urls) != len(wanted):
        raise InvalidInput("Choose addresses of this report.", "urls")
    if not urls and report.urls.exists():
        raise InvalidInput("Choose at least one address.", "urls")
    return urls


def _create(report: Report, partner: Partner, kind: str, urls, sent_by) -> Referral:
    referral = Referral.objects.create(
        organisation_id=report.organisation_id,
        report=report,
        partner=partner,
        kind=kind,
        channel=channels.channel_of(partner),
        evidence=evidence_package(report, report_urls=urls),
        status=ReferralStatus.SENDING,
        sent_by=sent_by,
        sent_at=timezone.now(),
    )
    enqueue("routing.deliver", referral_id=referral.pk)
    return referral


def _action_detail(partner: Partner) -> str:
    where = f" ({country_name(partner.country)})" if partner.country else ""
    return f"{partner.name}{where}, {CHANNEL_NAMES[channels.channel_of(partner)]}"


# --- Sending ----------------------------------------------------------------------------


def deliver(referral_id: int) -> Referral | None:
    """Send a referral that is waiting to go (the `routing.deliver` job).

    Nothing is raised: a failure is the referral's news, recorded on it with the reason
    for the retry button. None if it is not waiting (sent already, or retried).
    """
    referral = (
        Referral.objects.select_related("partner", "sent_by")
        .filter(pk=referral_id, status=ReferralStatus.SENDING)
        .first()
    )
    if referral is None:
        return None
    remote = ""
    try:
        if referral.channel == "api":
            remote = channels.submit_to_haven(referral)
        else:
            channels.send_email(referral, _new_link(referral))
    except channels.DeliveryFailed as failure:
        _failed(referral, str(failure))
    except Exception as exc:
        log.exception("referral %s: unexpected failure", referral.pk)
        _failed(referral, f"Unexpected error ({type(exc).__name__}); see the logs, then retry.")
    else:
        _sent(referral, remote)
    referral.refresh_from_db()
    return referral


def _sent(referral: Referral, remote: str) -> None:
    now = timezone.now()
    fields = {"sent_at": now, "error": ""}
    if remote:
        # The partner's Haven took it and gave its reference: that is the receipt.
        fields |= {
            "status": ReferralStatus.ACKNOWLEDGED,
            "remote_reference": remote,
            "acknowledged_at": now,
            "chase_at": None,
        }
    else:
        fields |= {
            "status": ReferralStatus.SENT,
            "chase_at": now + timedelta(hours=config.chase_hours()),
        }
    with transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(**fields)
        record(
            _system(),
            "referral.sent",
            referral,
            organisation_id=referral.organisation_id,
            channel=referral.channel,
            partner=referral.partner.name,
            remote_reference=remote,
        )


def _failed(referral: Referral, reason: str) -> None:
    with transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(
            status=ReferralStatus.FAILED, error=reason[:300], chase_at=None
        )
        record(
            _system(),
            "referral.failed",
            referral,
            organisation_id=referral.organisation_id,
            channel=referral.channel,
            partner=referral.partner.name,
            reason=reason[:300],
        )


def _new_link(referral: Referral) -> str:
    """A fresh acknowledgement link; only its digest is kept."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        AckLink.objects.create(referral=referral, digest=_digest(token), created_at=timezone.now())
    return config.public_base_url() + reverse("routing:ack", args=[token])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _system() -> Actor:
    return Actor.system("routing")


def retry(referral: Referral, by, *, actor=None) -> Referral:
    """Send a referral that failed again, through the partner's current directory entry."""
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update().select_related("partner").get(pk=referral.pk)
        )
        if referral.status != ReferralStatus.FAILED:
            raise InvalidTransition("Only a referral that could not be sent can be retried.")
        channel = channels.channel_of(referral.partner)
        if not channel:
            raise InvalidInput(
                f"{referral.partner.name} has no e-mail address or API in the directory."
            )
        referral.status, referral.channel = ReferralStatus.SENDING, channel
        referral.save(update_fields=["status", "channel"])
        record(
            actor or Actor.for_user(by),
            "referral.retried",
            referral,
            reference=referral.report.reference,
            channel=channel,
            previous_error=referral.error,
        )
        enqueue("routing.deliver", referral_id=referral.pk)
    return referral


# --- Acknowledgement --------------------------------------------------------------------


def referral_for_link(token: str) -> Referral:
    link = (
        AckLink.objects.select_related("referral__partner", "referral__report")
        .filter(digest=_digest(token or ""))
        .first()
    )
    if link is None:
        raise UnknownLink("No referral has this link.")
    return link.referral


def acknowledge(token: str, *, ip_address: str | None = None) -> Referral:
    """The partner followed the link in our e-mail and confirmed receipt. Idempotent:
    a second confirmation changes nothing."""
    referral = referral_for_link(token)
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update().select_related("partner").get(pk=referral.pk)
        )
        if referral.acknowledged_at is not None:
            return referral
        _set_acknowledged(referral)
        actor = Actor(
            None,
            f"{referral.partner.name} (acknowledgement link)"[:150],
            ip_address,
            referral.organisation_id,
        )
        record(actor, "referral.acknowledged", referral, via="link", partner=referral.partner.name)
    return referral


def mark_acknowledged(referral: Referral, by, note: str, *, actor=None) -> Referral:
    """Staff record an acknowledgement that came another way (police on the phone)."""
    note = (note or "").strip()
    if not note:
        raise InvalidInput("Say how the partner acknowledged it (who, when, how).", "note")
    if len(note) > NOTE_MAX_LENGTH:
        raise InvalidInput(f"Keep this under {NOTE_MAX_LENGTH} characters.", "note")
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.acknowledged_at is not None:
            raise InvalidTransition(
                f"Already acknowledged on {referral.acknowledged_at:%d %b %Y %H:%M}."
            )
        referral.acknowledged_by, referral.acknowledgement_note = by, note
        _set_acknowledged(referral, ["acknowledged_by", "acknowledgement_note"])
        # The note's words stay on the referral; the audit log records that one was given.
        record(actor or Actor.for_user(by), "referral.acknowledged", referral, via="staff")
    return referral


def _set_acknowledged(referral: Referral, extra: list[str] | None = None) -> None:
    referral.acknowledged_at = timezone.now()
    referral.status = ReferralStatus.ACKNOWLEDGED
    referral.chase_at = None
    referral.save(update_fields=["acknowledged_at", "status", "chase_at", *(extra or [])])


# --- Chasing ----------------------------------------------------------------------------


def chase_due(now=None) -> int:
    """Chase referrals nobody acknowledged (the periodic `haven.routing.chase_due`).

    Every chase e-mail carries a fresh acknowledgement link (all links keep working).
    After the last chase, a referral still unacknowledged is flagged for an analyst
    instead. Returns how many referrals were chased or flagged.
    """
    now = now or timezone.now()
    due = list(
        Referral.objects.filter(
            status=ReferralStatus.SENT,
            acknowledged_at=None,
            flagged_at=None,
            chase_at__lte=now,
        )
        .order_by("chase_at")
        .values_list("pk", flat=True)[:CHASE_BATCH]
    )
    return sum(_chase(pk, now) for pk in due)


def _chase(referral_id: int, now) -> bool:
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("partner", "sent_by")
            .filter(pk=referral_id, status=ReferralStatus.SENT, flagged_at=None, chase_at__lte=now)
            .first()
        )
        if referral is None:
            return False  # acknowledged meanwhile, or another worker took it
        if referral.chases >= config.max_chases() or not referral.partner.email:
            _flag(referral, now)
            return True
        # Claim it before sending: moving chase_at keeps every other worker away.
        referral.chase_at = now + timedelta(hours=config.chase_hours())
        referral.save(update_fields=["chase_at"])
    number = referral.chases + 1
    try:
        channels.send_email(referral, _new_link(referral), chase=number)
    except channels.DeliveryFailed as failure:
        with transaction.atomic():
            Referral.objects.filter(pk=referral.pk).update(
                chase_at=now + CHASE_RETRY_AFTER, error=str(failure)[:300]
            )
        return False
    with transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(
            chases=F("chases") + 1, last_chased_at=now, error=""
        )
        record(
            _system(),
            "referral.chased",
            referral,
            organisation_id=referral.organisation_id,
            chase=number,
            partner=referral.partner.name,
        )
    return True


def _flag(referral: Referral, now) -> None:
    referral.flagged_at, referral.chase_at = now, None
    referral.save(update_fields=["flagged_at", "chase_at"])
    record(
        _system(),
        "referral.flagged",
        referral,
        organisation_id=referral.organisation_id,
        chases=referral.chases,
        partner=referral.partner.name,
    )
    enqueue("routing.notify_flagged", referral_id=referral.pk)
