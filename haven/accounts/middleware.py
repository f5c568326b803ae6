"""Staff must finish two-factor sign-in before they see anything behind the login."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a signed-in user may reach before the second factor: signing in and out, the
# two-factor pages (entry and enrolment), public pages and static files. Not the rest of
# /accounts/: with only a password, nobody may make API tokens or manage people.
_OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/static/",
    "/report/",
    "/i18n/",
    "/healthz",
    # Capability links sent to hosts and partners: the token is the permission.
    "/routing/ack/",
    "/takedown/answer/",
    "/emergencies/respond/",
    # The children's web chat (its room, the quick exit and the one-time re-attach
    # link) and the SMS providers' webhooks are public.
    "/chat/room/",
    "/chat/exit/",
    "/chat/c/",
    "/messaging/inbound/",
    # A child's own pages about a decision: why, the status of a request, quick exit.
    "/access/why/",
    "/access/asked/",
    "/access/exit/",
)
# The API authenticates with tokens, which never make a session user, so this middleware
# leaves token calls alone; but a half-signed-in browser session must not use the API.
_API_PREFIXES = ("/api/", "/hma/")


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
            if request.path.startswith(_API_PREFIXES):
                message = "Finish two-factor sign-in before using the API from a browser."
                return JsonResponse(
                    {"error": {"code": "two_factor_required", "message": message}}, status=403
                )
            query = urlencode({"next": request.get_full_path()}, safe="/")
            return redirect(f"{reverse('accounts:two_factor')}?{query}")
        return self.get_response(request)
