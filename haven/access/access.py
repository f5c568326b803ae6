"""Fetch access policies, children, requests and alerts only through these helpers.

Supervisors and administrators of an organisation see and change all of its policies.
A guardian (a parent, carer or teacher) sees the organisation's policy, changes only the
school or family policies they are a guardian of, and sees only those policies'
children, requests to unblock and alerts; one family never sees another's. Other staff
(analysts, counsellors) may read the organisation's own policy and try it in the tester.
Every lookup is scoped this way, so an id from a URL outside it is a 404, as if absent.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from haven.access.models import AdultAlert, ChildProfile, Policy, UnblockRequest
from haven.accounts.access import allowed_only


def may_use_access(user) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.organisation_id is not None
        and (user.is_any_staff or user.is_guardian)
    )


# Staff and guardians of an organisation; anyone else signed in gets a 404.
access_page = allowed_only(may_use_access, Http404)


def supervisor_access_page(view):
    """Supervisors and administrators only (others who may use access pages: 403)."""
    return access_page(allowed_only(lambda user: user.is_supervisor)(view))


# --- Policies -----------------------------------------------------------------------------


def organisation_policy(organisation) -> Policy:
    """The organisation's own policy, made on first use (it starts with no changes to
    Haven's default)."""
    policy, _created = Policy.objects.get_or_create(
        organisation=organisation,
        kind=Policy.Kind.ORGANISATION,
        defaults={"name": organisation.name},
    )
    return policy


def policies_for(user) -> QuerySet[Policy]:
    """The policies `user` may read."""
    mine = Policy.objects.filter(organisation_id=user.organisation_id)
    if user.is_supervisor:
        return mine
    if user.is_guardian:
        return mine.filter(Q(kind=Policy.Kind.ORGANISATION) | Q(guardians__user=user)).distinct()
    return mine.filter(kind=Policy.Kind.ORGANISATION)


def policy_for(user, policy_id: int) -> Policy:
    return get_object_or_404(policies_for(user), pk=policy_id)


def may_edit_policy(user, policy: Policy) -> bool:
    if policy.organisation_id != user.organisation_id:
        return False
    if user.is_supervisor:
        return True
    return (
        user.is_guardian
        and policy.kind != Policy.Kind.ORGANISATION
        and policy.guardians.filter(user=user).exists()
    )


def editable_policy_for(user, policy_id: int) -> Policy:
    """A policy `user` may change: 404 if they may not read it, 403 if only read."""
    policy = policy_for(user, policy_id)
    if not may_edit_policy(user, policy):
        raise PermissionDenied
    return policy


# --- Children, requests to unblock and alerts ------------------------------------------------


def children_for(user) -> QuerySet[ChildProfile]:
    mine = ChildProfile.objects.filter(organisation_id=user.organisation_id)
    if user.is_supervisor:
        return mine
    if user.is_guardian:
        return mine.filter(policy__guardians__user=user).distinct()
    return mine.none()


def child_for(user, child_id: int) -> ChildProfile:
    return get_object_or_404(children_for(user), pk=child_id)


def unblock_requests_for(user) -> QuerySet[UnblockRequest]:
    return UnblockRequest.objects.filter(profile__in=children_for(user)).select_related(
        "profile", "policy"
    )


def unblock_request_for(user, unblock_request_id: int) -> UnblockRequest:
    return get_object_or_404(unblock_requests_for(user), pk=unblock_request_id)


def alerts_for(user) -> QuerySet[AdultAlert]:
    return AdultAlert.objects.filter(profile__in=children_for(user)).select_related("profile")


def alert_for(user, alert_id: int) -> AdultAlert:
    return get_object_or_404(alerts_for(user), pk=alert_id)
