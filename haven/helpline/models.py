"""Helpline contacts: every call, message, chat, e-mail or visit a counsellor handles,
recorded in the shape helplines report to their network."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HelplineSettings(models.Model):
    """An organisation's helpline times and retention. Every time here is a setting
    because helplines and their partners agree their own."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="helpline_settings"
    )
    # A responder must reach a child in danger within this many minutes.
    emergency_target_minutes = models.PositiveSmallIntegerField(default=60)
    # With no acknowledgement within this many minutes, the next responder and the
    # supervisors are alerted; then again every `realert_minutes` until someone answers.
    acknowledge_minutes = models.PositiveSmallIntegerField(default=5)
    realert_minutes = models.PositiveSmallIntegerField(default=10)
    # Closed contacts, conversations, emergencies and cases are anonymised this many days
    # after they close.
    retention_days = models.PositiveIntegerField(default=730)
    # A chat nobody has written in for this long is ended (the child can start another).
    chat_idle_minutes = models.PositiveSmallIntegerField(default=30)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Helpline settings of {self.organisation}"


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    CHAT = "chat", _("Web chat")
    MESSAGING = "messaging", _("Messaging app")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")


class CallerType(models.TextChoices):
    CHILD = "child", _("The child")
    PARENT = "parent", _("Parent or carer")
    RELATIVE = "relative", _("Other relative")
    FRIEND = "friend", _("Friend or peer")
    PROFESSIONAL = "professional", _("Teacher or other professional")
    OTHER = "other", _("Someone else")
    UNKNOWN = "unknown", _("Unknown")


class Gender(models.TextChoices):
    GIRL = "girl", _("Girl")
    BOY = "boy", _("Boy")
    NON_BINARY = "non_binary", _("Non-binary or another gender")
    UNKNOWN = "unknown", _("Unknown or not said")


class RiskLevel(models.TextChoices):
    NONE = "none", _("No apparent risk")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    IMMEDIATE = "immediate", _("In danger now")


class ContactUrgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Within a day")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class ContactStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    COMPLETED = "completed", _("Completed")


class Contact(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="contacts"
    )
    reference = models.CharField(max_length=20, unique=True)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="helpline_contacts",
    )
    status = models.CharField(
        max_length=12, choices=ContactStatus.choices, default=ContactStatus.OPEN
    )
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    caller_type = models.CharField(
        max_length=15, choices=CallerType.choices, default=CallerType.UNKNOWN
    )
    child_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=12, choices=Gender.choices, default=Gender.UNKNOWN)
    district = models.ForeignKey(
        "network.District", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Codes from haven.helpline.taxonomy ("violence.physical", ...).
    categories = models.JSONField(default=list, blank=True)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.NONE)
    urgency = models.CharField(
        max_length=10, choices=ContactUrgency.choices, default=ContactUrgency.ROUTINE
    )
    summary = models.TextField(blank=True)
    # Codes from haven.helpline.taxonomy.ACTIONS, and free words.
    actions = models.JSONField(default=list, blank=True)
    action_note = models.TextField(blank=True)
    # Consent, as the child gave it: keep a record with details; share details with
    # partners we refer to; be contacted back.
    consent_record = models.BooleanField(default=False)
    consent_share = models.BooleanField(default=False)
    consent_callback = models.BooleanField(default=False)
    # Identifying details: sealed at rest, masked on screen until revealed (audited).
    child_name_sealed = models.TextField(blank=True)
    contact_detail_sealed = models.TextField(blank=True)  # phone, handle or address to call back
    location_sealed = models.TextField(blank=True)
    # A keyed hash (HMAC) of the normalised phone number or handle: recognises a returning
    # child without keeping the number in plain.
    contact_key = models.CharField(max_length=64, blank=True, db_index=True)
    conversation = models.ForeignKey(
        "chat.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    # Never completed by a counsellor: completed by retention once nobody had changed it
    # for the retention period (haven.helpline.retention), then anonymised.
    abandoned = models.BooleanField(default=False)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["organisation", "started_at"])]

    def __str__(self) -> str:
        return self.reference
