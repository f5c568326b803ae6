"""Access policies as data: an organisation's policy and its schools' and families'
adjustments, the children they apply to, and children's requests to unblock.

The built-in default policy is code (haven.access.default_policy), versioned with
Haven; what is stored here is only what an organisation, school or family changed.
No decision is stored: deciding is a pure function of policy, profile and content.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.access.catalogue import (
    ACTION_KEYS,
    AGE_BANDS,
    CONTEXTS,
    MATURITY_CHOICES,
    MONITORED_BY,
)
from haven.accounts.models import Organisation

ACTION_CHOICES = [(key, key) for key in ACTION_KEYS.values()]
BAND_CHOICES = [(band.key, band.label) for band in AGE_BANDS]


def _public_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(12)}"


def new_policy_id() -> str:
    return _public_id("pol")


def new_child_id() -> str:
    return _public_id("chd")


def new_request_token() -> str:
    return secrets.token_urlsafe(24)


class Policy(models.Model):
    """One layer of policy. The organisation's own policy sits on Haven's default;
    a school's or a family's sits on the organisation's."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        SCHOOL = "school", _("School")
        FAMILY = "family", _("Family")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="access_policies"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=120)
    # What API clients use: not guessable, not a row number.
    public_id = models.CharField(max_length=32, unique=True, default=new_policy_id)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Bumped on every change to this policy's rules: compiled policies are cached per
    # (policy, version) of every layer, so a change is seen by the next decision.
    version = models.PositiveIntegerField(default=1)
    # Who the child is told to ask, in their words ("Mum or Dad", "your teacher").
    adult_label = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(kind="organisation"),
                name="access_one_organisation_policy",
            )
        ]
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class PolicyRule(models.Model):
    """An adjustment: in this policy, `descriptor` at `level` for `age_band` (in
    `context`, or in any context when blank) gets `action`, whatever lower layers say.
    Locked rules (pornography, self-harm instructions...) still apply above it."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="rules")
    descriptor = models.CharField(max_length=40)
    level = models.CharField(max_length=40)
    age_band = models.CharField(max_length=8, choices=BAND_CHOICES)
    context = models.CharField(max_length=20, blank=True, choices=CONTEXTS)
    action = models.CharField(max_length=24, choices=ACTION_CHOICES)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "descriptor", "level", "age_band", "context"],
                name="access_one_rule_per_cell",
            )
        ]

    def __str__(self) -> str:
        where = self.context or "any context"
        return f"{self.descriptor}/{self.level} {self.age_band} {where}: {self.action}"


class PolicyGuardian(models.Model):
    """A trusted adult responsible for a school's or family's policy: they change it,
    look after its children's profiles and answer their requests to unblock."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="guardians")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guarded_policies"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy", "user"], name="access_one_guardianship")
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.policy}"


class ChildProfile(models.Model):
    """A child a policy applies to, kept to the minimum: a label the adults choose (not
    necessarily a name), birth year and month, and the adults' judgement of maturity
    and vulnerability. Platforms refer to it by its public id."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="access_children"
    )
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="profiles")
    public_id = models.CharField(max_length=32, unique=True, default=new_child_id)
    label = models.CharField(max_length=60)
    birth_year = models.PositiveSmallIntegerField()
    birth_month = models.PositiveSmallIntegerField(default=1)
    maturity = models.CharField(max_length=10, choices=MATURITY_CHOICES, default="as_age")
    vulnerabilities = models.JSONField(default=list, blank=True)
    monitored_by = models.CharField(max_length=10, choices=MONITORED_BY, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class UnblockRequest(models.Model):
    """A child asking the responsible adult to let them see something. Approval makes
    later decisions for the same content and child allow it (until it expires)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an adult")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="access_unblock_requests"
    )
    profile = models.ForeignKey(
        ChildProfile, on_delete=models.CASCADE, related_name="unblock_requests"
    )
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="+")
    # The child's status page is reached with this token; staff pages use the row id.
    token = models.CharField(max_length=40, unique=True, default=new_request_token)
    # What the platform called the content (a URL or its own id) and its title; the key
    # is a digest of the normalised reference, to match later decisions.
    content_ref = models.CharField(max_length=2000)
    content_title = models.CharField(max_length=300, blank=True)
    content_key = models.CharField(max_length=64, db_index=True)
    descriptors = models.JSONField(default=dict)
    action = models.CharField(max_length=24, choices=ACTION_CHOICES)
    rule_ids = models.JSONField(default=list)
    child_message = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    adult_note = models.CharField(max_length=300, blank=True)
    # An approval lasts until then (None: until withdrawn).
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["profile", "content_key", "status"])]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.profile} asks for {self.content_title or self.content_ref}"


class AdultAlert(models.Model):
    """Made when a decision for a known child says "alert a trusted adult" (grooming,
    self-harm intent, threats). Holds categories and rule ids, never the text."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="access_alerts"
    )
    profile = models.ForeignKey(ChildProfile, on_delete=models.CASCADE, related_name="alerts")
    categories = models.JSONField(default=list)  # descriptor keys, e.g. ["grooming"]
    signals = models.JSONField(default=list)  # signal kinds, e.g. ["grooming.secrecy"]
    rule_ids = models.JSONField(default=list)
    content_ref = models.CharField(max_length=2000, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Alert for {self.profile}: {', '.join(self.categories)}"
