"""What the partner API accepts and returns; the OpenAPI schema is generated from these.

Input serializers check a submission and turn it into the `ReportInput` that intake
takes. Output serializers render receipts and statuses: never a report's description.
"""

import json

from django.conf import settings
from django.core.validators import URLValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html

from haven.hashing.media import rejection_message
from haven.reports.intake import HashSet, ReportInput, Upload
from haven.reports.models import AgeBand, Category, MediaKind, MediaStatus, Status, Urgency

MAX_URLS = 50
MAX_FILES = 10
MAX_HASH_SETS = 100
MAX_DESCRIPTION = 20_000
NOTHING_TO_REPORT = "Send at least one of urls, files, hashes or description."


# --- Input ----------------------------------------------------------------------------


class WebUrlField(serializers.URLField):
    """An http or https address; other schemes (ftp, javascript, data) are refused."""

    default_error_messages = {"invalid": "Enter a valid http or https URL."}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2048)
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, URLValidator)]
        self.validators.append(
            URLValidator(schemes=["http", "https"], message=self.error_messages["invalid"])
        )


def hex_field(digits: int, help_text: str) -> serializers.RegexField:
    return serializers.RegexField(
        rf"^[0-9a-fA-F]{{{digits}}}$",
        required=False,
        allow_blank=True,
        help_text=help_text,
        error_messages={"invalid": f"Must be exactly {digits} hexadecimal digits."},
    )


class HashSetSerializer(serializers.Serializer):
    """The hashes of one file the partner has and will not send."""

    md5 = hex_field(32, "MD5 of the file, 32 hex digits.")
    sha256 = hex_field(64, "SHA-256 of the file, 64 hex digits.")
    pdq = hex_field(64, "PDQ perceptual hash of the image, 64 hex digits.")

    def validate(self, attrs):
        attrs = {name: value.lower() for name, value in attrs.items()}
        if not any(attrs.values()):
            raise serializers.ValidationError("Give at least one of md5, sha256 or pdq.")
        return attrs


class ReportSubmissionSerializer(serializers.Serializer):
    """A report sent as JSON: addresses and hashes, but no files."""

    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_DESCRIPTION,
        help_text="What the partner knows, in its own words.",
    )
    urls = serializers.ListField(
        child=WebUrlField(),
        required=False,
        max_length=MAX_URLS,
        help_text=f"Addresses where the material is, at most {MAX_URLS}.",
    )
    platform = serializers.CharField(required=False, allow_blank=True, max_length=200)
    age_band = serializers.ChoiceField(choices=AgeBand.choices, required=False, allow_blank=True)
    external_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The partner's own id for this report. Sending the same id again returns "
        "the report made the first time (200) instead of a second one, so retries are safe.",
    )
    hashes = HashSetSerializer(
        many=True,
        required=False,
        max_length=MAX_HASH_SETS,
        help_text=f"Hashes of files not sent, at most {MAX_HASH_SETS} sets.",
    )

    def validate(self, attrs):
        if not any(attrs.get(name) for name in ("urls", "files", "hashes", "description")):
            raise serializers.ValidationError(NOTHING_TO_REPORT)
        return attrs

    def report_input(self) -> ReportInput:
        data = self.validated_data
        return ReportInput(
            category=data["category"],
            description=data.get("description", ""),
            urls=data.get("urls", []),
            platform=data.get("platform", ""),
            age_band=data.get("age_band", ""),
            external_id=data.get("external_id", ""),
            uploads=[_upload(file) for file in data.get("files", [])],
            hashes=[HashSet(**hashes) for hashes in data.get("hashes", [])],
        )


def _upload(file) -> Upload:
    # Read one byte past the limit, no more: intake then refuses the file as too large
    # without a huge upload ever being held in memory.
    return Upload(file.name or "", file.read(settings.MAX_UPLOAD_BYTES + 1))


@extend_schema_field(
    {
        "type": "string",
        "description": "Hash sets as JSON: an array of objects with md5, sha256 and/or "
        'pdq, e.g. `[{"sha256": "9f86d0..."}]`. May be repeated, one object each.',
    }
)
class JsonHashSetsField(serializers.Field):
    """Hash sets in a form field, where nesting is not possible: JSON text."""

    def get_value(self, dictionary):
        if html.is_html_input(dictionary):
            return dictionary.getlist(self.field_name) or empty
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data):
        sets = []
        for value in data if isinstance(data, list) else [data]:
            try:
                parsed = json.loads(value) if isinstance(value, str) else value
            except ValueError:
                raise serializers.ValidationError("Must be JSON.") from None
            sets.extend(parsed if isinstance(parsed, list) else [parsed])
        checker = HashSetSerializer(data=sets, many=True, max_length=MAX_HASH_SETS)
        checker.is_valid(raise_exception=True)
        return checker.validated_data


class ReportFormSerializer(ReportSubmissionSerializer):
    """A report sent as multipart/form-data, which can carry files.

    Repeat `urls` and `files` once per value; send `hashes` as JSON text.
    """

    hashes = JsonHashSetsField(required=False)
    files = serializers.ListField(
        # Empty files are let through so that intake lists them as rejected, as it
        # does any other unusable file, instead of failing the whole report.
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        max_length=MAX_FILES,
        help_text=f"Images or videos, at most {MAX_FILES}. A file that cannot be used is "
        "listed in the receipt with the reason; it never fails the report.",
    )


class ReportFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    external_id = serializers.CharField(required=False, max_length=200)

    def apply(self, reports):
        return reports.filter(**self.validated_data)


# --- Output ---------------------------------------------------------------------------

URGENCY_NAMES = {value: value.name.lower() for value in Urgency}


def _enum_schema(choices) -> dict:
    return {
        "type": "string",
        "enum": list(choices.values),
        "description": "\n".join(f"* `{value}` - {label}" for value, label in choices.choices),
    }


# Reports and items both have a `status`; naming their schema components keeps the two
# enums apart (otherwise drf-spectacular invents hashed names for them).
@extend_schema_field(_enum_schema(Status), component_name="ReportStatusEnum")
class ReportStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Status.choices, **kwargs)


@extend_schema_field(_enum_schema(MediaStatus), component_name="ItemStatusEnum")
class ItemStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=MediaStatus.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": list(URGENCY_NAMES.values())})
class UrgencyField(serializers.Field):
    def to_representation(self, value):
        return URGENCY_NAMES[Urgency(value)]


class ItemReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MediaKind.choices)
    name = serializers.CharField(source="original_name", help_text="The file name as sent.")
    status = ItemStatusField()
    rejection = serializers.CharField(help_text="Why the file was not used; empty if it was.")
    rejection_message = serializers.SerializerMethodField()

    def get_rejection_message(self, item) -> str:
        return rejection_message(item.rejection) if item.rejection else ""


class ReportReceiptSerializer(serializers.Serializer):
    """What a partner gets back for a submission."""

    reference = serializers.CharField()
    status = ReportStatusField()
    category = serializers.ChoiceField(choices=Category.choices)
    urgency = UrgencyField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(help_text="When the hotline aims to have acted.")
    status_url = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    def get_status_url(self, report) -> str:
        return self.context["status_url"]

    @extend_schema_field(ItemReceiptSerializer(many=True))
    def get_items(self, report):
        # A fresh submission passes the items it just made, saving a query.
        items = self.context.get("items")
        if items is None:
            items = report.media.order_by("pk")
        return ItemReceiptSerializer(items, many=True).data


class ItemStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MediaKind.choices)
    name = serializers.CharField(source="original_name")
    status = ItemStatusField()
    rejection = serializers.CharField()
    known_material = serializers.BooleanField(
        source="is_known_material", help_text="Whether the item matched known material."
    )


class ReportStatusSerializer(serializers.Serializer):
    """Where a report stands. Deliberately without its description or addresses."""

    reference = serializers.CharField()
    status = ReportStatusField()
    category = serializers.ChoiceField(choices=Category.choices)
    external_id = serializers.CharField()
    received_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    items = ItemStatusSerializer(source="media", many=True)


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. invalid, not_authenticated, throttled.")
    message = serializers.CharField()
    fields = serializers.DictField(
        required=False, help_text="For invalid input: the problems, by field name."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()
