"""`Authorization: Bearer hvn_<id>_<secret>` authentication for the API."""

import hmac

from django.utils import timezone
from rest_framework import authentication, exceptions

from haven.api.models import TOKEN_PREFIX, ApiToken


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
        if not raw.startswith(TOKEN_PREFIX) or "_" not in raw[len(TOKEN_PREFIX):]:
            raise exceptions.AuthenticationFailed("Malformed token.")
        key_id, _, secret = raw[len(TOKEN_PREFIX):].partition("_")
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
