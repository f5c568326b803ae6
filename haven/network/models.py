"""The helpline's partner network: the districts it covers, the organisations that
respond in them (NGOs, police, health, child welfare committees), their services,
their responders and who is on call when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """A place a helpline routes by. A helpline defines its own list (districts, counties,
    municipalities): emergencies and referrals go to the partners that cover it."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="districts"
    )
    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=60)
    region = models.CharField(max_length=120, blank=True)  # state or province, for grouping
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["region", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="district_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.region}" if self.region else self.name


class PartnerKind(models.TextChoices):
    NGO = "ngo", _("Non-governmental organisation")
    GOVERNMENT = "government", _("Government service")
    POLICE = "police", _("Police")
    HEALTH = "health", _("Health provider")
    CHILD_WELFARE = "child_welfare", _("Child welfare committee")
    OTHER = "other", _("Other")


class ServicePartner(models.Model):
    """An organisation that responds to emergencies or provides services to children."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="service_partners"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PartnerKind.choices, default=PartnerKind.NGO)
    districts = models.ManyToManyField(District, related_name="partners", blank=True)
    # The partner's own desk: organisations' contact details, not children's.
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    responds_to_emergencies = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceType(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    HEALTH = "health", _("Health care")
    LEGAL_AID = "legal_aid", _("Legal aid")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    POLICE = "police", _("Police")
    CHILD_WELFARE = "child_welfare", _("Child welfare committee")
    EDUCATION = "education", _("Education")
    FAMILY = "family", _("Family support")
    OTHER = "other", _("Other")


class PartnerService(models.Model):
    """A service a partner provides, in some or all of its districts."""

    partner = models.ForeignKey(ServicePartner, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Empty: every district the partner covers.
    districts = models.ManyToManyField(District, related_name="services", blank=True)
    accepts_referrals = models.BooleanField(default=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["service_type", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner.name})"


class AlertChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    BOTH = "both", _("SMS and e-mail")


class Responder(models.Model):
    """A person who goes to a child in danger. They may have no login: alerts reach
    them by SMS or e-mail with a link that is their permission to acknowledge."""

    partner = models.ForeignKey(ServicePartner, on_delete=models.CASCADE, related_name="responders")
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)  # E.164
    email = models.EmailField(blank=True)
    alert_channel = models.CharField(
        max_length=10, choices=AlertChannel.choices, default=AlertChannel.SMS
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responder",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RotaShift(models.Model):
    """Who is on call for a partner, when. Position 1 is alerted first, then 2, ..."""

    partner = models.ForeignKey(ServicePartner, on_delete=models.CASCADE, related_name="shifts")
    responder = models.ForeignKey(Responder, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField(db_index=True)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["starts_at", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.responder} {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M}"


class PartnerMembership(models.Model):
    """A login that belongs to a partner: it sees only what was referred or alerted to
    that partner (the partner portal), never the helpline's own records."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_membership"
    )
    partner = models.ForeignKey(ServicePartner, on_delete=models.CASCADE, related_name="members")

    def __str__(self) -> str:
        return f"{self.user} at {self.partner}"
