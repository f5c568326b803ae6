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


def allowed_only(may, refusal: type[Exception] = PermissionDenied):
    """A view decorator: signed-in people for whom `may(user)` holds; anyone else signed
    in gets `refusal` (PermissionDenied, a 403; Http404 for pages whose existence is
    nobody else's business)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not may(request.user):
                raise refusal()
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = allowed_only(lambda user: user.is_org_staff)
# Counsellors, supervisors and administrators: the helpline's pages.
helpline_staff_required = allowed_only(lambda user: user.is_helpline_staff)
supervisor_required = allowed_only(lambda user: user.is_supervisor)
admin_required = allowed_only(lambda user: user.is_org_admin)


def access_member(admin, user_id: int):
    """A member of the admin's own organisation; anyone else is a 404, as if absent."""
    return get_object_or_404(User, pk=user_id, organisation_id=admin.organisation_id)


def access_own_token(user, token_id: int):
    """One of the user's own API tokens; another user's token is a 404, as if absent."""
    return get_object_or_404(ApiToken, pk=token_id, user=user)
