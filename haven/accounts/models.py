"""Organisations, the people who work in them, and their roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A hotline, helpline or online service. Nothing crosses from one to another."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    # Off by default: media is hashed and the bytes discarded. On: bytes are kept
    # encrypted at rest and every view is audited.
    evidence_retention = models.BooleanField(default=False)
    # Where the organisation works (ISO 3166 alpha-2): content hosted in another
    # country is forwarded to that country's hotline.
    country = models.CharField(max_length=2, blank=True)
    # The language notices and referrals fall back to when the recipient's is unknown.
    language = models.CharField(max_length=10, default="en")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ANALYST = "analyst", _("Analyst")
    COUNSELLOR = "counsellor", _("Counsellor")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")
    PARTNER = "partner", _("Partner service")
    # Staff of a responding partner (an NGO in the helpline's network): they see only
    # what was referred or alerted to their partner (haven.network.PartnerMembership).
    RESPONDER = "responder", _("Partner organisation staff")
    # A parent, carer or teacher responsible for a family's or school's access policy
    # (haven.access.PolicyGuardian): they see only the policies they are guardians of.
    GUARDIAN = "guardian", _("Parent, carer or teacher")


# Hotline staff: reports, media, banks, takedowns. Counsellors are not among them: a
# helpline's staff never see reported material, and hotline analysts never read
# children's counselling records (HELPLINE_ROLES). Supervisors and admins are in both.
STAFF_ROLES = {Role.ANALYST, Role.SUPERVISOR, Role.ADMIN}
HELPLINE_ROLES = {Role.COUNSELLOR, Role.SUPERVISOR, Role.ADMIN}
SUPERVISING_ROLES = {Role.SUPERVISOR, Role.ADMIN}


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="members", null=True
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ANALYST)

    @property
    def is_org_staff(self) -> bool:
        return self.organisation_id is not None and self.role in STAFF_ROLES

    @property
    def is_helpline_staff(self) -> bool:
        return self.organisation_id is not None and self.role in HELPLINE_ROLES

    @property
    def is_any_staff(self) -> bool:
        """Hotline or helpline staff: who may raise an emergency and see the board."""
        return self.is_org_staff or self.is_helpline_staff

    @property
    def is_supervisor(self) -> bool:
        return self.organisation_id is not None and self.role in SUPERVISING_ROLES

    @property
    def is_org_admin(self) -> bool:
        return self.organisation_id is not None and self.role == Role.ADMIN

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_guardian(self) -> bool:
        return self.organisation_id is not None and self.role == Role.GUARDIAN

    @property
    def is_responder(self) -> bool:
        return self.organisation_id is not None and self.role == Role.RESPONDER


class LoginFailure(models.Model):
    """A failed sign-in, kept for the lockout window."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} at {self.at:%Y-%m-%d %H:%M}"
