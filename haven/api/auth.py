"""`Authorization: Bearer hvn_<id>_<secret>` authentication for the API, who may use it,
and how an API caller is named in the audit log."""

import hmac

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from haven.api.models import TOKEN_PREFIX, ApiToken
from haven.audit.services import Actor, client_ip


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        scheme, _, raw = header.partition(" ")
        if scheme != self.keyword:
            return None
        token = self._token(raw.strip())
        # Record use at most once a minute, so that busy tokens don't write on every call.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def _token(self, raw: str) -> ApiToken:
        if not raw.startswith(TOKEN_PREFIX) or "_" not in raw[len(TOKEN_PREFIX) :]:
            raise exceptions.AuthenticationFailed("Malformed token.")
        key_id, _, secret = raw[len(TOKEN_PREFIX) :].partition("_")
        token = (
            ApiToken.objects.select_related("user__organisation")
            .filter(key_id=key_id, revoked_at__isnull=True)
            .first()
        )
        if token is None or not hmac.compare_digest(token.digest, ApiToken.digest_of(secret)):
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        if not token.user.is_active or token.user.organisation_id is None:
            raise exceptions.AuthenticationFailed("This token's account is disabled.")
        return token

    def authenticate_header(self, request):
        return self.keyword


class TokenScheme(OpenApiAuthenticationExtension):
    """Describes TokenAuthentication in the OpenAPI schema as the `HavenToken` scheme."""

    target_class = "haven.api.auth.TokenAuthentication"
    name = "HavenToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "hvn_<key id>_<secret>",
            "description": "An API token from `haven token create`, sent as "
            "`Authorization: Bearer hvn_...`.",
        }


class IsOrganisationMember(permissions.BasePermission):
    """A token's user, or a staff member signed in with both factors, of some organisation."""

    message = "Only members of an organisation may use this API."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user is None or not user.is_authenticated or user.organisation_id is None:
            return False
        # The API is the hotline's and its partner services': counsellors and partner
        # organisations' staff work in the browser only.
        if not (user.is_org_staff or user.is_partner):
            return False
        if isinstance(request.auth, ApiToken):
            return True
        # A browser session reaches the API past the two-factor middleware, so the same
        # rule is applied here: no second factor, no data.
        is_verified = getattr(user, "is_verified", None)
        return not settings.REQUIRE_TWO_FACTOR or bool(is_verified and is_verified())


def actor_for(request) -> Actor:
    """The audit actor for an API call: "<username> (token <name>)" for tokens."""
    user = request.user
    token = request.auth if isinstance(request.auth, ApiToken) else None
    label = f"{user.get_username()} (token {token.name})" if token else user.get_username()
    return Actor(user, label, client_ip(request), user.organisation_id)
