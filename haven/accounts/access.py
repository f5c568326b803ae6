"""Permission checks for views: who may see the staff pages at all.

Objects are fetched through `access_<thing>()` helpers in each app, which scope every
query to the user's organisation; these decorators only check the role.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def staff_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_org_staff:
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
