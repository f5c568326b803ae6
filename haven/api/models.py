"""API tokens: each belongs to one user, and so to one organisation and one role."""

import hashlib
import secrets

from django.conf import settings
from django.db import models

TOKEN_PREFIX = "hvn_"  # noqa: S105 (a public prefix, not a secret)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    # Only a digest of the secret is stored; the token is shown once, when made.
    key_id = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    rate_per_minute = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str, rate_per_minute: int | None = None) -> tuple["ApiToken", str]:
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_id=key_id,
            digest=cls.digest_of(secret),
            rate_per_minute=rate_per_minute,
        )
        return token, f"{TOKEN_PREFIX}{key_id}_{secret}"
