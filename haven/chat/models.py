"""Conversations with children: web chat on the public site, and SMS or messaging-app
threads that arrive through a provider. Every message is written before anyone is told
of it, numbered within its conversation, so a client that reconnects asks for what came
after the last number it saw and nothing is lost."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConversationChannel(models.TextChoices):
    WEB = "web", _("Web chat")
    SMS = "sms", _("SMS")


class ConversationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a counsellor")
    ACTIVE = "active", _("In conversation")
    ENDED = "ended", _("Ended")


class Conversation(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="conversations"
    )
    channel = models.CharField(max_length=10, choices=ConversationChannel.choices)
    status = models.CharField(
        max_length=10,
        choices=ConversationStatus.choices,
        default=ConversationStatus.WAITING,
        db_index=True,
    )
    # Web chat: the SHA-256 of the child's random token; the token itself is the child's
    # only key to the conversation and is never stored.
    token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)
    # What the child said it is about on the start page (a code of TOPICS), if anything.
    topic = models.CharField(max_length=20, blank=True)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    # SMS: the channel it came in on, and the child's number sealed (to reply) and keyed
    # hash (to recognise a returning child).
    sms_channel = models.ForeignKey(
        "messaging.SmsChannel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    address_sealed = models.TextField(blank=True)
    contact_key = models.CharField(max_length=64, blank=True, db_index=True)
    next_seq = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(db_index=True)
    # Web chat: when the child's page last showed it was still open (at most once a
    # minute). A waiting child who is still there is never ended as idle.
    child_seen_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=20, blank=True)  # child, counsellor, idle
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["organisation", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} conversation {self.pk}"


class Sender(models.TextChoices):
    CHILD = "child", _("Child")
    COUNSELLOR = "counsellor", _("Counsellor")
    SYSTEM = "system", _("Haven")


class DeliveryStatus(models.TextChoices):
    STORED = "stored", _("Stored")  # web chat: stored is delivered (the client fetches it)
    QUEUED = "queued", _("Queued for the provider")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class ChatMessage(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveIntegerField()
    sender = models.CharField(max_length=12, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(db_index=True)
    # The sender's own id for the message: a client that resends after a lost answer
    # gets the stored message back instead of a second copy.
    client_id = models.CharField(max_length=64, blank=True)
    # SMS: the provider's id, unique, so a webhook delivered twice stores one message.
    provider_message_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    delivery = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.STORED
    )
    delivery_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="chat_message_seq_unique"),
            models.UniqueConstraint(
                fields=["conversation", "sender", "client_id"],
                condition=~models.Q(client_id=""),
                name="chat_message_client_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.seq}"
