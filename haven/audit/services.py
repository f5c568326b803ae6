"""Write audit events. Every read of protected detail and every change calls `record`."""

from dataclasses import dataclass
from typing import Any

from haven.audit.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, an API token's user, the public, or the worker."""

    user: Any  # a User, or None for the public and the worker
    label: str
    ip_address: str | None = None
    organisation_id: int | None = None

    @classmethod
    def for_user(cls, user, ip_address: str | None = None) -> "Actor":
        return cls(user, user.get_username(), ip_address, user.organisation_id)

    @classmethod
    def public(cls, ip_address: str | None = None) -> "Actor":
        # Anonymous reporters: the address is not kept, to keep reporting anonymous.
        return cls(None, "public reporter", None)

    @classmethod
    def system(cls, label: str = "worker") -> "Actor":
        return cls(None, label)


def record(
    actor: Actor,
    action: str,
    target=None,
    organisation_id: int | None = None,
    **detail,
) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation_id=organisation_id or actor.organisation_id,
        actor=actor.user if actor.user is not None else None,
        actor_label=actor.label,
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail,
        ip_address=actor.ip_address,
    )


def client_ip(request) -> str | None:
    """The client's address, taking the one our own proxies saw when there are any."""
    from django.conf import settings

    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None
