"""Where a reported address is hosted: addresses, country, network owner, abuse
contact, CDN; and the operator-maintained directory used when RDAP is not reachable."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Hosting(models.Model):
    """What is known of where one reported address is hosted. Analysts may correct any
    field; corrected fields are not overwritten by a later look-up."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    report_url = models.OneToOneField(
        "reports.ReportUrl", on_delete=models.CASCADE, related_name="hosting"
    )
    hostname = models.CharField(max_length=255, blank=True)
    addresses = models.JSONField(default=list, blank=True)
    country = models.CharField(max_length=2, blank=True, db_index=True)
    network_name = models.CharField(max_length=200, blank=True)
    network_range = models.CharField(max_length=100, blank=True)
    abuse_email = models.CharField(max_length=254, blank=True)
    registrar_name = models.CharField(max_length=200, blank=True)
    registrar_abuse_email = models.CharField(max_length=254, blank=True)
    # The CDN in front of the site ("Cloudflare"), when there is one: the real host is
    # behind it and the CDN's abuse desk passes notices on.
    cdn = models.CharField(max_length=100, blank=True)
    # Where each fact came from: {"country": "iptocc", "abuse_email": "rdap", …}.
    sources = models.JSONField(default=dict, blank=True)
    corrected_fields = models.JSONField(default=list, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    corrected_at = models.DateTimeField(null=True, blank=True)
    looked_up_at = models.DateTimeField(null=True, blank=True)
    lookup_error = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.hostname} ({self.country or '??'})"


class DirectoryKind(models.TextChoices):
    NETWORK = "network", _("Network (address range)")
    DOMAIN = "domain", _("Domain")


class HostDirectoryEntry(models.Model):
    """An operator-maintained fact about a host: who runs a network or a domain, where
    to send notices, and (for partners that offer one) a notice API."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="host_directory"
    )
    kind = models.CharField(max_length=10, choices=DirectoryKind.choices)
    # A CIDR range for networks, a domain (and its subdomains) for domains.
    match = models.CharField(max_length=255)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, blank=True)
    abuse_email = models.CharField(max_length=254, blank=True)
    notice_api_url = models.URLField(max_length=500, blank=True)
    notice_api_token_sealed = models.TextField(blank=True)
    language = models.CharField(max_length=10, blank=True)
    cdn = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "match"], name="unique_directory_entry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.match}: {self.name}"
