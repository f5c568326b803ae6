"""Permission checks for views: who may see the staff pages at all.

Objects are fetched through `access_<thing>()` helpers in each app, which scope every
query to the user's organisation; these decorators only check the role.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from haven.accounts.models import User
from haven.api.models import ApiToken


def staff_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_org_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def helpline_staff_required(view):
    """Counsellors, supervisors and administrators: the helpline's pages."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_helpline_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def supervisor_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_supervisor:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def admin_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_org_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def access_member(admin, user_id: int):
    """A member of the admin's own organisation; anyone else is a 404, as if absent."""
    return get_object_or_404(User, pk=user_id, organisation_id=admin.organisation_id)


def access_own_token(user, token_id: int):
    """One of the user's own API tokens; another user's token is a 404, as if absent."""
    return get_object_or_404(ApiToken, pk=token_id, user=user)
