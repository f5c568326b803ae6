"""Every change to accounts, sign-in state, devices and tokens, each atomic and audited.

Views parse input and check permission; these functions make the change and write the
audit row in the same transaction, so that nothing happens without a record of it.
"""

import base64
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import lockout
from haven.accounts.models import Role, User
from haven.api.models import ApiToken
from haven.audit.services import Actor, record


class ActionRefused(Exception):
    """A change that is never allowed, whatever the form said (e.g. deactivating yourself)."""


# --- Signing in and out -----------------------------------------------------------------


def _attempt_actor(username: str, ip_address: str | None) -> Actor:
    # The attempt is filed under the account's organisation when there is one, so its
    # administrators can see attempts against their people; unknown names stay unfiled.
    user = User.objects.filter(username=username).only("organisation_id").first()
    organisation_id = user.organisation_id if user else None
    return Actor(None, f"sign-in as {username[:150]}", ip_address, organisation_id)


@transaction.atomic
def sign_in_failed(username: str, ip_address: str | None, stage: str = "password") -> None:
    lockout.note_failure(username, ip_address)
    record(_attempt_actor(username, ip_address), "auth.login_failed", stage=stage)


@transaction.atomic
def sign_in_refused(username: str, ip_address: str | None, until: datetime) -> None:
    record(_attempt_actor(username, ip_address), "auth.locked_out", until=until.isoformat())


@transaction.atomic
def password_accepted(user: User, ip_address: str | None) -> None:
    """The first factor passed; the sign-in is not complete until the second does."""
    record(Actor.for_user(user, ip_address), "auth.password_accepted", user)


@transaction.atomic
def signed_in(user: User, ip_address: str | None, two_factor: bool) -> None:
    lockout.clear(user.get_username())
    record(Actor.for_user(user, ip_address), "auth.login", user, two_factor=two_factor)


@transaction.atomic
def signed_out(user: User, ip_address: str | None) -> None:
    record(Actor.for_user(user, ip_address), "auth.logout", user)


@transaction.atomic
def change_password(user: User, new_password: str, actor: Actor) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record(actor, "auth.password_changed", user)


# --- Two-factor devices -----------------------------------------------------------------


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@transaction.atomic
def start_two_factor_setup(user: User, actor: Actor) -> TOTPDevice:
    """The user's unconfirmed device, made on first visit so a reload shows the same code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        record(actor, "auth.two_factor_setup_started", user)
    return device


@transaction.atomic
def confirm_two_factor(device: TOTPDevice, actor: Actor) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id, confirmed=False).delete()
    record(actor, "auth.two_factor_enrolled", device.user)


def base32_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it by hand, in groups of four for reading."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --- API tokens -------------------------------------------------------------------------


@transaction.atomic
def issue_token(user: User, name: str, actor: Actor) -> tuple[ApiToken, str]:
    token, plaintext = ApiToken.issue(user, name)
    record(actor, "api.token_created", token, name=name, key_id=token.key_id)
    return token, plaintext


@transaction.atomic
def revoke_token(token: ApiToken, actor: Actor) -> bool:
    """Revoke once; revoking an already revoked token changes nothing and returns False."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor, "api.token_revoked", token, key_id=token.key_id)
    return True


# --- Organisation members ---------------------------------------------------------------


@transaction.atomic
def create_member(
    admin: User,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    member = User.objects.create_user(
        username=username,
        password=password,
        email=email,
        first_name=first_name,
        last_name=last_name,
        organisation_id=admin.organisation_id,
        role=Role(role),
    )
    record(actor, "accounts.user_created", member, username=username, role=role)
    return member


@transaction.atomic
def change_role(admin: User, member: User, role: str, actor: Actor) -> None:
    # An administrator who demoted themselves could leave nobody able to manage people.
    if member.pk == admin.pk:
        raise ActionRefused("You cannot change your own role.")
    old = member.role
    if old == role:
        return
    member.role = Role(role)
    member.save(update_fields=["role"])
    record(actor, "accounts.role_changed", member, old=old, new=role)


@transaction.atomic
def set_active(admin: User, member: User, active: bool, actor: Actor) -> None:
    if member.pk == admin.pk and not active:
        raise ActionRefused("You cannot deactivate your own account.")
    if member.is_active == active:
        return
    member.is_active = active
    member.save(update_fields=["is_active"])
    record(actor, "accounts.user_reactivated" if active else "accounts.user_deactivated", member)


@transaction.atomic
def reset_two_factor(member: User, actor: Actor) -> int:
    """Remove every device; the member sets up a new one at their next sign-in."""
    removed, _ = TOTPDevice.objects.filter(user=member).delete()
    record(actor, "accounts.two_factor_reset", member, devices=removed)
    return removed


def update_organisation(admin: User, changes: dict[str, str], actor: Actor) -> dict:
    """Save the organisation's country and notice language; returns what changed."""
    organisation = admin.organisation
    if not admin.is_org_admin or organisation is None:
        raise ActionRefused("Only administrators can change the organisation's settings.")
    changed = {
        field: [getattr(organisation, field), value]
        for field, value in changes.items()
        if field in {"country", "language"} and getattr(organisation, field) != value
    }
    if changed:
        with transaction.atomic():
            for field, (_old, value) in changed.items():
                setattr(organisation, field, value)
            organisation.save(update_fields=list(changed))
            record(
                actor,
                "organisation.changed",
                organisation,
                organisation_id=organisation.pk,
                changes=changed,
            )
    return changed
