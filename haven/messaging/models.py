"""SMS and messaging providers: where a helpline's number lives, what came in, and
what went out (replies to children and alerts to responders)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderKind(models.TextChoices):
    TWILIO = "twilio", _("Twilio-compatible REST API")
    FAKE = "fake", _("Local fake (tests and demos: nothing leaves the machine)")


class SmsChannel(models.Model):
    """A number (or sender id) a helpline receives and sends messages on."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="sms_channels"
    )
    name = models.CharField(max_length=100)
    provider = models.CharField(max_length=10, choices=ProviderKind.choices)
    number = models.CharField(max_length=40)  # E.164, what the provider sends from
    # The provider calls /messaging/inbound/<public_id>/ : a random id, so the URL says
    # nothing about the organisation and cannot be guessed.
    public_id = models.CharField(max_length=32, unique=True)
    api_base_url = models.URLField(max_length=300, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    auth_token_sealed = models.TextField(blank=True)
    # Alerts to responders go out on the organisation's alert channel.
    used_for_alerts = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class OutboundMessage(models.Model):
    """One message to send, kept until the provider took it (retried by a durable job)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    channel = models.ForeignKey(SmsChannel, on_delete=models.PROTECT, related_name="outbound")
    to_sealed = models.TextField()
    body_sealed = models.TextField()
    purpose = models.CharField(max_length=20)  # "chat" or "alert"
    chat_message = models.OneToOneField(
        "chat.ChatMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="sms"
    )
    status = models.CharField(
        max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    provider_message_id = models.CharField(max_length=100, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} message {self.pk} ({self.status})"


class RejectedWebhook(models.Model):
    """A webhook call refused (bad signature, unknown channel, malformed): kept briefly
    with no content, so an operator can see that a provider is misconfigured."""

    channel = models.ForeignKey(SmsChannel, on_delete=models.CASCADE, null=True, related_name="+")
    reason = models.CharField(max_length=100)
    ip_address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.reason} at {self.at:%Y-%m-%d %H:%M}"
