"""Alerts: one row per person per channel, delivered by a durable job after commit.

A responder is alerted on the channel(s) the network lists for them (SMS, e-mail or
both), and in the app when they have a login. Each SMS or e-mail carries a link whose
random token is their permission to see where the child is and to answer; only the
token's SHA-256 is stored, and it is made when the message is sent (the job), so a
token never sits in the database or the job queue. An SMS says the reference, the
district and the link, nothing more: the location is behind the link.

Supervisors (and administrators) are alerted by e-mail, with a link to the staff page,
and in the app (the board). Delivery is at most once per alert: the job claims the
alert before sending, and the escalation clock, not a resend, is what follows up an
alert that went nowhere.
"""

import hashlib
import logging
import secrets

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from haven.emergencies import config, people, timeline
from haven.emergencies.models import Alert, AlertRole, AlertStatus, Emergency, EmergencyStatus
from haven.jobs.services import enqueue
from haven.messaging import services as messaging
from haven.messaging.models import OutboundMessage, OutboundStatus
from haven.network.models import AlertChannel

log = logging.getLogger(__name__)

SMS, EMAIL, APP = "sms", "email", "app"
TOKEN_BYTES = 24


class DeliveryFailed(Exception):
    """The alert could not be handed to its channel; the message says why."""


# --- Making alerts (inside the caller's transaction) ----------------------------------


def alert_responder(emergency: Emergency, responder, level: int, now) -> list[Alert]:
    channels = {
        AlertChannel.SMS: [SMS],
        AlertChannel.EMAIL: [EMAIL],
        AlertChannel.BOTH: [SMS, EMAIL],
    }.get(responder.alert_channel, [SMS])
    if responder.user_id is not None:
        channels = [*channels, APP]
    alerts = [
        _create(emergency, AlertRole.RESPONDER, channel, level, now, responder=responder)
        for channel in channels
    ]
    _deliver_after_commit(alerts)
    return alerts


def alert_supervisors(emergency: Emergency, level: int, now, reason: str) -> list[Alert]:
    """E-mail and in-app alerts to every active supervisor and administrator."""
    alerts = []
    for user in people.supervisors(emergency.organisation_id):
        if user.email:
            alerts.append(_create(emergency, AlertRole.SUPERVISOR, EMAIL, level, now, user=user))
        alerts.append(_create(emergency, AlertRole.SUPERVISOR, APP, level, now, user=user))
    timeline.add(
        emergency, "supervisors_alerted", at=now, level=level, count=len(alerts), reason=reason
    )
    _deliver_after_commit(alerts, reason=reason)
    return alerts


def _create(emergency, role, channel, level, now, *, responder=None, user=None) -> Alert:
    in_app = channel == APP
    return Alert.objects.create(
        emergency=emergency,
        role=role,
        responder=responder,
        user=user if user is not None else getattr(responder, "user", None),
        channel=channel,
        level=level,
        # An in-app alert is there as soon as it exists: the board and portal show it.
        status=AlertStatus.SENT if in_app else AlertStatus.QUEUED,
        created_at=now,
        sent_at=now if in_app else None,
    )


def _deliver_after_commit(alerts: list[Alert], reason: str = "") -> None:
    for alert in alerts:
        if alert.status == AlertStatus.QUEUED:
            enqueue("emergencies.deliver_alert", alert_id=alert.pk, reason=reason)


# --- Delivering one (the job) ---------------------------------------------------------


def deliver(alert_id: int, reason: str = "") -> Alert | None:
    """Send one queued alert. Never raises for a failed delivery: the failure is recorded
    on the alert and the timeline. None when the alert was taken already."""
    now = timezone.now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    alert = (
        Alert.objects.select_related(
            "emergency__organisation", "emergency__district", "responder__partner", "user"
        )
        .filter(pk=alert_id, status=AlertStatus.QUEUED, sent_at=None)
        .first()
    )
    if alert is None:
        return None
    claim: dict[str, object] = {"sent_at": now}
    if alert.role == AlertRole.RESPONDER:
        claim["token_digest"] = digest(token)
    with transaction.atomic():
        # Claimed before sending: a second worker on the same job finds nothing to do.
        taken = Alert.objects.filter(pk=alert.pk, status=AlertStatus.QUEUED, sent_at=None).update(
            **claim
        )
    if not taken:
        return None
    outbound = None
    try:
        if alert.emergency.status == EmergencyStatus.CLOSED:
            raise DeliveryFailed("Not sent: the emergency closed first.")
        if alert.role == AlertRole.RESPONDER:
            outbound = _to_responder(alert, link_for(token))
        else:
            _to_supervisor(alert, reason)
    except DeliveryFailed as failure:
        _failed(alert, str(failure))
    except Exception as exc:
        log.exception("emergency alert %s: unexpected failure", alert.pk)
        _failed(alert, f"Unexpected error ({type(exc).__name__}); see the logs.")
    else:
        _sent(alert, outbound)
    alert.refresh_from_db()
    return alert


def _to_responder(alert: Alert, link: str):
    responder, emergency = alert.responder, alert.emergency
    if responder is None:
        raise DeliveryFailed("The responder was removed from the network.")
    where = str(emergency.district) if emergency.district else "an unknown district"
    if alert.channel == SMS:
        if not responder.phone:
            raise DeliveryFailed("The responder has no phone number.")
        body = (
            f"Haven emergency {emergency.reference}: a child in danger in {where} needs "
            f"someone now. See where and say if you can go: {link}"
        )
        outbound = _send_sms(emergency.organisation, responder.phone, body)
        if outbound is None:
            raise DeliveryFailed("The organisation has no active SMS channel for alerts.")
        if outbound.status == OutboundStatus.FAILED:
            raise DeliveryFailed(outbound.error or "The SMS was refused.")
        return outbound
    if not responder.email:
        raise DeliveryFailed("The responder has no e-mail address.")
    _send_email(
        f"[Haven] Emergency {emergency.reference}: a child in danger in {where}",
        f"A child in danger in {where} needs someone now (emergency {emergency.reference}, "
        f"from {emergency.organisation.name}).\n\n"
        "Open this link to see where the child is and to say whether you are going:\n"
        f"{link}\n\n"
        "The link is yours alone: do not forward it. It stops working when the "
        "emergency is over.\n",
        responder.email,
    )
    return None


def _to_supervisor(alert: Alert, reason: str) -> None:
    emergency, user = alert.emergency, alert.user
    if user is None or not user.email:
        raise DeliveryFailed("The supervisor has no e-mail address.")
    where = str(emergency.district) if emergency.district else "district not known"
    page = config.public_base_url() + reverse("emergencies:detail", args=[emergency.reference])
    # The reference, the district and why: nothing about the child in e-mail.
    reason = reason or "It needs a supervisor."
    _send_email(
        f"[Haven] Emergency {emergency.reference}: {reason.rstrip('.')}",
        f"Emergency {emergency.reference} ({where}) was opened on "
        f"{dateformat.format(emergency.opened_at, 'j M Y')} at "
        f"{dateformat.format(emergency.opened_at, 'H:i')} UTC.\n\n{reason}\n\n"
        f"Status: {emergency.get_status_display()}.\n\n"
        f"Find a responder and assign them here:\n{page}\n",
        user.email,
    )


def _send_sms(organisation, to: str, body: str) -> OutboundMessage | None:
    return messaging.send_sms(organisation, to=to, body=body, purpose=messaging.Purpose.ALERT)


def _send_email(subject: str, body: str, to: str) -> None:
    try:
        send_mail(subject, body, None, [to])
    except Exception as exc:  # SMTP refusals, timeouts, a bad address
        raise DeliveryFailed(f"The e-mail could not be sent ({type(exc).__name__}).") from exc


def _sent(alert: Alert, outbound) -> None:
    with transaction.atomic():
        Alert.objects.filter(pk=alert.pk).update(
            status=AlertStatus.SENT, error="", outbound_message=outbound
        )
        if alert.role == AlertRole.RESPONDER:
            timeline.add(alert.emergency, "alert_sent", **_who(alert))


def _failed(alert: Alert, reason: str) -> None:
    with transaction.atomic():
        Alert.objects.filter(pk=alert.pk).update(
            status=AlertStatus.FAILED, error=reason[:300], token_digest=None
        )
        timeline.add(alert.emergency, "alert_failed", error=reason[:300], **_who(alert))
        _fall_back_to_email(alert)


def _fall_back_to_email(alert: Alert) -> None:
    """An SMS that cannot go (no number, no SMS channel) goes by e-mail instead, when
    the responder has an address and was not e-mailed at this level already."""
    responder = alert.responder
    if alert.channel != SMS or responder is None or not responder.email:
        return
    if alert.emergency.status == EmergencyStatus.CLOSED:
        return
    if alert.emergency.alerts.filter(
        responder=responder, channel=EMAIL, level=alert.level
    ).exists():
        return
    fallback = _create(
        alert.emergency,
        AlertRole.RESPONDER,
        EMAIL,
        alert.level,
        timezone.now(),
        responder=responder,
    )
    _deliver_after_commit([fallback])


def _who(alert: Alert) -> dict:
    detail = {"role": alert.role, "channel": alert.channel, "level": alert.level}
    if alert.responder is not None:
        detail |= {"responder": alert.responder.name, "partner": alert.responder.partner.name}
    elif alert.user is not None:
        detail["responder"] = alert.user.get_username()
    return detail


# --- Links --------------------------------------------------------------------------------


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _still_in_network(responder) -> bool:
    if responder is None or not responder.active or not responder.partner.active:
        return False
    return responder.user is None or responder.user.is_active


def link_for(token: str) -> str:
    return config.public_base_url() + reverse("emergencies:respond", args=[token])


def for_token(token: str) -> Alert | None:
    """The responder alert this link was sent in, while the link is still good: not past
    its maximum age, not past the grace period after the emergency closed, and only
    while the responder, their partner (and their login, if they have one) are active:
    someone taken off the network loses their links with it."""
    if not token or len(token) > 100:
        return None
    alert = (
        Alert.objects.select_related(
            "emergency__organisation",
            "emergency__district",
            "emergency__responder",
            "emergency__partner",
            "responder__partner",
            "responder__user",
        )
        .filter(token_digest=digest(token), role=AlertRole.RESPONDER)
        .first()
    )
    if alert is None or not _still_in_network(alert.responder):
        return None
    now = timezone.now()
    if alert.created_at + config.link_max_age() < now:
        return None
    closed_at = alert.emergency.closed_at
    if closed_at is not None and closed_at + config.link_grace() < now:
        return None
    return alert
