"""Staff must finish two-factor sign-in before they see anything behind the login."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Paths a signed-in user may reach before the second factor: signing in and out, the
# enrolment page, and static files. The API authenticates with tokens, not sessions.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/report/", "/api/", "/i18n/", "/healthz")


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_TWO_FACTOR
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(reverse("accounts:two_factor") + f"?next={request.path}")
        return self.get_response(request)
