"""`haven token create|list|revoke`: issue, show and revoke API tokens.

haven token create --org northern --name "ExampleSocial intake" --partner "ExampleSocial"
haven token create --org northern --name "Ana's scripts" --user ana --rate 60
haven token list --org northern
haven token revoke 3f2a9c01b7de
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from haven.accounts.models import Organisation, Role
from haven.api.models import ApiToken
from haven.audit.services import Actor, record
from haven.cli import positive_int

CLI = Actor.system("cli")


class Command(BaseCommand):
    help = "Issue, list and revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Issue a token and print it once.")
        create.add_argument("--org", required=True, help="The organisation's slug.")
        create.add_argument("--name", required=True, help="What the token is for.")
        who = create.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="Username of an existing member.")
        who.add_argument(
            "--partner",
            metavar="SERVICE",
            help="An online service; its partner account is made if it does not exist.",
        )
        create.add_argument("--rate", type=positive_int, help="Requests per minute allowed.")
        create.add_argument(
            "--base-url", default="http://localhost:8000", help="Shown in the usage example."
        )
        listing = actions.add_parser("list", help="List an organisation's tokens.")
        listing.add_argument("--org", required=True, help="The organisation's slug.")
        revoke = actions.add_parser("revoke", help="Revoke a token by its key id.")
        revoke.add_argument("key_id")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"_{action}")(**options)

    def _create(self, org, name, user, partner, rate, base_url, **_) -> None:
        organisation = _organisation(org)
        with transaction.atomic():
            owner = _member(organisation, user) if user else _partner(organisation, partner)
            token, plaintext = ApiToken.issue(owner, name, rate_per_minute=rate)
            record(
                CLI,
                "api_token.issued",
                token,
                organisation_id=organisation.pk,
                key_id=token.key_id,
                name=name,
                user=owner.username,
                rate_per_minute=rate,
            )
        self.stdout.write(
            f"Token {token.key_id} for {owner.username} ({organisation.slug}). "
            "It is shown only this once:\n"
        )
        self.stdout.write(plaintext)
        self.stdout.write(
            f'\nTry: curl -H "Authorization: Bearer {plaintext}" {base_url.rstrip("/")}'
            "/api/v1/reports/\n"
        )

    def _list(self, org, **_) -> None:
        organisation = _organisation(org)
        tokens = (
            ApiToken.objects.filter(user__organisation=organisation)
            .select_related("user")
            .order_by("created_at")
        )
        rows = [("KEY ID", "NAME", "USER", "CREATED", "LAST USED", "REVOKED")]
        rows += [
            (
                t.key_id,
                t.name,
                t.user.username,
                _when(t.created_at),
                _when(t.last_used_at),
                _when(t.revoked_at),
            )
            for t in tokens
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())

    def _revoke(self, key_id, **_) -> None:
        token = ApiToken.objects.select_related("user").filter(key_id=key_id).first()
        if token is None:
            raise CommandError(f"No token with key id {key_id!r}. See `haven token list`.")
        if token.revoked_at is not None:
            self.stdout.write(f"Token {key_id} was already revoked on {_when(token.revoked_at)}.")
            return
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(
                CLI,
                "api_token.revoked",
                token,
                organisation_id=token.user.organisation_id,
                key_id=key_id,
                name=token.name,
                user=token.user.username,
            )
        self.stdout.write(f"Revoked token {key_id} ({token.name}).")


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        known = ", ".join(Organisation.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"No organisation {slug!r}. Known: {known}.")
    return organisation


def _member(organisation: Organisation, username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user {username!r}.")
    if user.organisation_id != organisation.pk:
        raise CommandError(f"User {username!r} is not a member of {organisation.slug}.")
    if not user.is_active:
        raise CommandError(f"User {username!r} is disabled.")
    return user


def _partner(organisation: Organisation, service: str):
    """The partner account for an online service, made on first use."""
    username = slugify(service)
    if not username:
        raise CommandError("--partner needs a service name with letters or digits.")
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        # No usable password: a partner service only ever signs in with its tokens.
        user = get_user_model().objects.create_user(
            username=username,
            password=None,
            organisation=organisation,
            role=Role.PARTNER,
            first_name=service[:150],
        )
        record(
            CLI,
            "account.created",
            user,
            organisation_id=organisation.pk,
            username=username,
            role=Role.PARTNER,
        )
        return user
    if user.organisation_id != organisation.pk or user.role != Role.PARTNER:
        raise CommandError(
            f"The username {username!r} is taken by an account that is not a partner "
            f"service of {organisation.slug}; choose another service name."
        )
    if not user.is_active:
        raise CommandError(f"The partner account {username!r} is disabled.")
    return user


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"
