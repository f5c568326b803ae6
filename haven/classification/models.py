"""Classification schemes as data: schemes, their labels, which an organisation uses,
and the labels given to reports and to the items (files, addresses) in them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppliesTo(models.TextChoices):
    ITEM = "item", _("Each item")
    REPORT = "report", _("The whole report")
    BOTH = "both", _("Items and the whole report")


class Scheme(models.Model):
    """A way of classifying: INTERPOL baseline, UK categories, NCMEC classes, age band…

    Built-in schemes have no organisation and are offered to every organisation; an
    organisation may add its own (national law, for example).
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="classification_schemes",
    )
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    applies_to = models.CharField(max_length=10, choices=AppliesTo.choices, default=AppliesTo.BOTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="unique_scheme_key_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["key"], condition=Q(organisation=None), name="unique_builtin_scheme_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="labels")
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Whether content with this label calls for removal and referral (INTERPOL
    # baseline, category A…); "not illegal" labels do not.
    actionable = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "key"], name="unique_label_key_per_scheme")
        ]

    def __str__(self) -> str:
        return f"{self.scheme.key}:{self.key}"


class SchemeSetting(models.Model):
    """Whether an organisation uses a scheme, and whether it must be filled in."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="scheme_settings"
    )
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="settings")
    enabled = models.BooleanField(default=True)
    required = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "scheme"], name="unique_scheme_setting")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.scheme_id}"


class ClassificationSource(models.TextChoices):
    ANALYST = "analyst", _("Analyst")
    KNOWN_MATERIAL = "known_material", _("Matched known material")
    REPEAT = "repeat", _("Classified before")


class Classification(models.Model):
    """The label one scheme gives a report, or one item of it (a file or an address).

    One row per target and scheme: classifying again replaces the label, and the audit
    log keeps the history.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="classifications"
    )
    media_item = models.ForeignKey(
        "reports.MediaItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="classifications",
    )
    report_url = models.ForeignKey(
        "reports.ReportUrl",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="classifications",
    )
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    label = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(
        max_length=20, choices=ClassificationSource.choices, default=ClassificationSource.ANALYST
    )
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    classified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(media_item=None) | Q(report_url=None),
                name="classification_one_target",
            ),
            models.UniqueConstraint(
                fields=["report", "scheme"],
                condition=Q(media_item=None, report_url=None),
                name="unique_report_classification",
            ),
            models.UniqueConstraint(
                fields=["media_item", "scheme"],
                condition=~Q(media_item=None),
                name="unique_item_classification",
            ),
            models.UniqueConstraint(
                fields=["report_url", "scheme"],
                condition=~Q(report_url=None),
                name="unique_url_classification",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "scheme", "label"])]

    def __str__(self) -> str:
        return f"{self.scheme_id}={self.label_id} on report {self.report_id}"
