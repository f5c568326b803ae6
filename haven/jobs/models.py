"""Durable jobs: every piece of background work is a row before it is a message."""

from django.db import models


class Job(models.Model):
    """One unit of background work, kept until it has run to the end.

    The broker message only says "run job N". If the message is lost (a worker killed
    with SIGKILL after taking it, a broker restart) the row is still here and the sweep
    sends it again, so queued work is never lost on any broker.
    """

    name = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A worker owns the job until this time; after it, another worker may take it.
    leased_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["failed_at", "leased_until"])]

    def __str__(self) -> str:
        return f"{self.name}#{self.pk}"
