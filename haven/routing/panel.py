"""The report page's "Forwarding and police" panel: where the content is hosted and
which partner hotline should have it, the forms to forward and to refer to police, the
evidence package, and every referral with where it stands."""

from django.utils import timezone

from haven.hosting.models import Hosting
from haven.routing import config
from haven.routing.forms import AcknowledgedForm, ForwardForm, PoliceForm
from haven.routing.models import Referral, ReferralKind, ReferralStatus
from haven.routing.services import partner_hotline_for
from haven.triage.panels import Panel
from haven.web.countries import country_name

KEY = "routing"


def panel() -> Panel:
    return Panel(KEY, "Forwarding and police", "routing/_panel.html", context, order=40)


def context(report, user, request=None) -> dict:
    referrals = list(
        Referral.objects.filter(report=report)
        .select_related("partner", "sent_by", "acknowledged_by")
        .order_by("-sent_at", "-pk")
    )
    # The evidence package is built when it is downloaded or sent, not on every view.
    return {
        "suggestions": suggestions(report, referrals),
        "rows": [_row(referral) for referral in referrals],
        "forward_form": ForwardForm(report=report, prefix="forward"),
        "police_form": PoliceForm(report=report, prefix="police"),
        "can_act": report.is_open,
    }


def suggestions(report, referrals: list[Referral]) -> list[dict]:
    """One per hosting country other than the organisation's: that country's partner
    hotline (or the lack of one), the addresses hosted there, and what already went to
    that hotline (a forward, or the takedown's escalation) so it is not offered twice."""
    organisation = report.organisation
    hosted = (
        Hosting.objects.filter(report_url__report=report)
        .exclude(country="")
        .select_related("report_url")
        .order_by("country", "report_url_id")
    )
    by_country: dict[str, list] = {}
    for hosting in hosted:
        if hosting.country != organisation.country:
            by_country.setdefault(hosting.country, []).append(hosting.report_url)
    found = []
    for country, urls in by_country.items():
        partner = partner_hotline_for(organisation, country)
        sent = _sent_to(partner, referrals) if partner is not None else []
        covered = {entry.get("url") for referral in sent for entry in _urls_of(referral)}
        found.append(
            {
                "country": country,
                "country_name": country_name(country),
                "partner": partner,
                "urls": urls,
                # The earliest referral that reached this hotline, for "Already … on …".
                "forwarded": sent[-1] if sent else None,
                # Addresses hosted there that no referral to this hotline has carried yet.
                "remaining": [url for url in urls if url.url not in covered],
            }
        )
    return found


def _sent_to(partner, referrals: list[Referral]) -> list[Referral]:
    """Referrals to `partner` that carried the report there or are on their way (a
    forward or an escalation), newest first as `referrals` are."""
    return [
        referral
        for referral in referrals
        if referral.partner_id == partner.pk
        and referral.kind in (ReferralKind.FORWARD, ReferralKind.ESCALATION)
        and referral.status != ReferralStatus.FAILED
    ]


def _urls_of(referral: Referral) -> list[dict]:
    urls = referral.evidence.get("urls") if isinstance(referral.evidence, dict) else None
    return [entry for entry in urls if isinstance(entry, dict)] if isinstance(urls, list) else []


def _row(referral: Referral) -> dict:
    waiting = None
    late = False
    if referral.acknowledged_at is None and referral.status == ReferralStatus.SENT:
        hours = (timezone.now() - referral.sent_at).total_seconds() / 3600
        waiting = int(hours)
        late = hours >= config.chase_hours()
    return {
        "referral": referral,
        "country_name": country_name(referral.partner.country) if referral.partner.country else "",
        "waiting_hours": waiting,
        "late": late,
        "ack_form": AcknowledgedForm(prefix=f"ack-{referral.pk}"),
    }
