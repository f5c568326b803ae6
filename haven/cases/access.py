"""Fetch cases and everything in them only through these helpers. Every lookup is scoped
to the user's organisation, and within it to what their role allows:

- supervisors and administrators: every case of their organisation;
- counsellors (and any other staff): the cases assigned to them, the cases they opened,
  the cases with a follow-up given to them, and the cases linked to a contact they took
  (a returning child's counsellor needs the case to help them; everything they do there
  is audited);
- responders (partner organisation staff): no case at all, only the referrals made to
  their partner, through `access_partner_referral`;
- partner services, other organisations and the public: nothing (a 404, as if absent).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from haven.cases.models import Case, CaseReferral, CaseService, FollowUp
from haven.helpline.models import Contact
from haven.network.access import partner_of
from haven.network.models import ServicePartner


def is_case_staff(user) -> bool:
    return user is not None and user.is_authenticated and user.is_helpline_staff


def staff_page(view):
    """Staff of an organisation only. Anyone else signed in (a responder, a partner
    service) gets a 404: the helpline's cases are not something they may learn exist."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_case_staff(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


def supervisor_page(view):
    """Supervisors and administrators; other staff are refused (403), and anyone else
    gets a 404 as on every case page."""

    @staff_page
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_supervisor:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def cases_for(user) -> QuerySet[Case]:
    if not is_case_staff(user):
        return Case.objects.none()
    cases = Case.objects.filter(organisation_id=user.organisation_id)
    if user.is_supervisor:
        return cases
    # A subquery, not a join: a case with several of the user's contacts is one row.
    through_contacts = Contact.objects.filter(
        organisation_id=user.organisation_id, counsellor=user, case__isnull=False
    ).values("case_id")
    through_follow_ups = FollowUp.objects.filter(assigned_to=user).values("case_id")
    return cases.filter(
        Q(assigned_to=user)
        | Q(created_by=user)
        | Q(pk__in=through_contacts)
        | Q(pk__in=through_follow_ups)
    )


def normalise_case_reference(raw: str) -> str:
    """ "k 2345 6789 ab" as typed or read aloud -> "K-23456-789AB"."""
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum())
    if cleaned.startswith("K") and len(cleaned) == 11:
        return f"K-{cleaned[1:6]}-{cleaned[6:]}"
    return raw.strip().upper()


def access_case(user, case_ref: str) -> Case:
    case = (
        cases_for(user)
        .filter(reference=normalise_case_reference(case_ref))
        .select_related("assigned_to", "district", "created_by", "organisation")
        .first()
    )
    if case is None:
        raise Http404("No such case")
    return case


def access_case_service(user, case_service_id: int) -> CaseService:
    service = (
        CaseService.objects.filter(pk=case_service_id, case__in=cases_for(user))
        .select_related("case")
        .first()
    )
    if service is None:
        raise Http404("No such service")
    return service


def access_referral(user, case_referral_id: int) -> CaseReferral:
    """A referral of a case the (staff) user may open."""
    referral = (
        CaseReferral.objects.filter(pk=case_referral_id, case__in=cases_for(user))
        .select_related("case", "partner", "partner_service", "service")
        .first()
    )
    if referral is None:
        raise Http404("No such referral")
    return referral


def access_follow_up(user, follow_up_id: int) -> FollowUp:
    follow_up = (
        FollowUp.objects.filter(pk=follow_up_id, case__in=cases_for(user))
        .select_related("case")
        .first()
    )
    if follow_up is None:
        raise Http404("No such follow-up")
    return follow_up


# --- The partner's side -----------------------------------------------------------------


def referrals_for_partner(partner: ServicePartner) -> QuerySet[CaseReferral]:
    """Every referral made to `partner`: what its portal lists. Only referrals of the
    helpline whose network the partner belongs to (which is the only way one is made)."""
    return (
        CaseReferral.objects.filter(partner=partner, case__organisation_id=partner.organisation_id)
        .select_related("case", "case__district", "partner_service", "partner")
        .order_by("-requested_at", "-pk")
    )


def access_partner_referral(user, case_referral_id: int) -> tuple[CaseReferral, bool]:
    """The referral and whether this user answers it for the partner.

    A responder of the partner it was made to answers it. The helpline's own staff who
    may open its case see the same page read-only (to know what the partner sees).
    Anyone else, including responders of every other partner, gets a 404.
    """
    partner = partner_of(user)
    if partner is not None:
        referral = referrals_for_partner(partner).filter(pk=case_referral_id).first()
        if referral is not None:
            return referral, True
        raise Http404("No such referral")
    if is_case_staff(user):
        return access_referral(user, case_referral_id), False
    raise Http404("No such referral")


def partner_page(view):
    """Responders and the helpline's staff; the referral itself is checked by
    `access_partner_referral`. Anyone else signed in gets a 404."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (is_case_staff(user) or user.is_responder):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped
