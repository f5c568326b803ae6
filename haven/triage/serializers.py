"""What the staff triage API sends and accepts.

Output serializers describe a report at three depths: its state (after an action), a
queue row, and the full detail. Input serializers only check shape; the rules are in
`actions`.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from haven.api.serializers import ItemStatusField, ReportStatusField, UrgencyField
from haven.classification.serializers import ClassificationSerializer, SummaryEntrySerializer
from haven.classification.services import classifications_for, summary_rows
from haven.reports.models import Category, MediaItem, Report, ReportUrl
from haven.triage.actions import NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from haven.triage.models import ActionKind, ActionTaken, Note, Severity
from haven.triage.queue import ASSIGNED_FILTERS, STATUS_FILTERS, is_overdue
from haven.triage.viewing import media_for


def _enum_schema(choices, blank: bool = False) -> dict:
    values = [*choices.values, *([""] if blank else [])]
    lines = [f"* `{value}` - {label}" for value, label in choices.choices]
    return {"type": "string", "enum": values, "description": "\n".join(lines)}


# Named schema components, so that fields called `kind` or `classified_category` do not
# collide with other choice sets of the same field name elsewhere in the API.
@extend_schema_field(_enum_schema(ActionKind), component_name="ActionKindEnum")
class ActionKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ActionKind.choices, **kwargs)


@extend_schema_field(_enum_schema(Category, blank=True), component_name="ClassificationEnum")
class ClassificationField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Category.choices, allow_blank=True, **kwargs)


@extend_schema_field(_enum_schema(Severity, blank=True), component_name="SeverityOrBlankEnum")
class SeverityField(serializers.CharField):
    pass


class ReportStateSerializer(serializers.ModelSerializer):
    status = ReportStatusField(read_only=True)
    urgency = UrgencyField(read_only=True, help_text="Queue order: danger_now comes first.")
    classified_category = ClassificationField(
        read_only=True, help_text="The analyst's category; empty until classified."
    )
    severity = SeverityField(read_only=True, help_text="Empty until classified.")
    assigned_to = serializers.SlugRelatedField(slug_field="username", read_only=True)
    overdue = serializers.SerializerMethodField(
        help_text="Past its deadline, still open, and no action recorded yet."
    )
    duplicate_of = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        help_text="The case this report joined (status `joined`), or null.",
    )
    duplicate_count = serializers.IntegerField(
        read_only=True, help_text="How many later reports of the same thing joined this one."
    )

    class Meta:
        model = Report
        fields = [
            "reference",
            "category",
            "classified_category",
            "severity",
            "status",
            "urgency",
            "received_at",
            "due_at",
            "first_action_at",
            "closed_at",
            "overdue",
            "assigned_to",
            "duplicate_of",
            "duplicate_count",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, report: Report) -> bool:
        return is_overdue(report, timezone.now())


def _summary(serializer, report: Report) -> list:
    # Lists pass every row's summary in the context, read in one query for the page.
    found = serializer.context.get("summaries")
    rows = found.get(report.pk, []) if found is not None else summary_rows([report.pk])[report.pk]
    return SummaryEntrySerializer(rows, many=True).data


class QueueItemSerializer(ReportStateSerializer):
    item_count = serializers.IntegerField(read_only=True)
    match_count = serializers.IntegerField(
        read_only=True, help_text="Items that match known material."
    )
    classification = serializers.SerializerMethodField(
        help_text="Every label used in the report or its items, in scheme order."
    )

    class Meta(ReportStateSerializer.Meta):
        fields = [
            *ReportStateSerializer.Meta.fields,
            "item_count",
            "match_count",
            "classification",
        ]
        read_only_fields = fields

    @extend_schema_field(SummaryEntrySerializer(many=True))
    def get_classification(self, report: Report) -> list:
        return _summary(self, report)


class MediaItemSerializer(serializers.ModelSerializer):
    status = ItemStatusField(read_only=True)
    banks = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Hash banks it matched."
    )
    evidence_kept = serializers.SerializerMethodField(
        help_text="False for hash-only items: the file was not kept."
    )
    labels = serializers.SerializerMethodField(help_text="The item's classification.")

    class Meta:
        model = MediaItem
        fields = [
            "id",
            "kind",
            "original_name",
            "content_type",
            "size",
            "status",
            "rejection",
            "md5",
            "sha256",
            "pdq",
            "pdq_quality",
            "match_label",
            "banks",
            "evidence_kept",
            "labels",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_evidence_kept(self, item: MediaItem) -> bool:
        return bool(item.evidence_name)

    @extend_schema_field(ClassificationSerializer(many=True))
    def get_labels(self, item: MediaItem) -> list:
        return ClassificationSerializer(_labels(self, item), many=True).data


class AddressSerializer(serializers.ModelSerializer):
    normalised = serializers.CharField(
        read_only=True,
        help_text="The canonical form used to recognise the same address; empty when the "
        "address could not be parsed.",
    )
    labels = serializers.SerializerMethodField(help_text="The address's classification.")

    class Meta:
        model = ReportUrl
        fields = ["id", "url", "normalised", "labels"]
        read_only_fields = fields

    @extend_schema_field(ClassificationSerializer(many=True))
    def get_labels(self, report_url: ReportUrl) -> list:
        return ClassificationSerializer(_labels(self, report_url), many=True).data


def _labels(serializer, target) -> list:
    found = serializer.context.get("classifications")
    if found is None:
        found = classifications_for(target.report)
    return found.for_target(target)


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Note
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = fields


class ActionTakenSerializer(serializers.ModelSerializer):
    kind = ActionKindField(read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ActionTaken
        fields = ["id", "kind", "detail", "actor", "taken_at"]
        read_only_fields = fields


class ReportDetailSerializer(ReportStateSerializer):
    has_contact = serializers.SerializerMethodField(
        help_text="The reporter left contact details (shown only in the staff pages)."
    )
    urls = serializers.SlugRelatedField(slug_field="url", many=True, read_only=True)
    addresses = serializers.SerializerMethodField(
        help_text="The reported addresses with their ids (to classify them) and labels."
    )
    media = serializers.SerializerMethodField()
    labels = serializers.SerializerMethodField(help_text="The whole report's classification.")
    classification = serializers.SerializerMethodField(
        help_text="Every label used in the report or its items, in scheme order."
    )
    notes = NoteSerializer(many=True, read_only=True)
    actions = ActionTakenSerializer(many=True, read_only=True, source="actions_taken")

    class Meta(ReportStateSerializer.Meta):
        fields = [
            *ReportStateSerializer.Meta.fields,
            "description",
            "platform",
            "age_band",
            "language",
            "source",
            "external_id",
            "has_contact",
            "urls",
            "addresses",
            "media",
            "labels",
            "classification",
            "notes",
            "actions",
        ]
        read_only_fields = fields

    @property
    def _shared(self) -> dict:
        # The report's classifications are read once, for the report and every item.
        context = self.context
        if "classifications" not in context and isinstance(self.instance, Report):
            context["classifications"] = classifications_for(self.instance)
        return context

    @extend_schema_field(MediaItemSerializer(many=True))
    def get_media(self, report: Report) -> list:
        return MediaItemSerializer(media_for(report), many=True, context=self._shared).data

    @extend_schema_field(AddressSerializer(many=True))
    def get_addresses(self, report: Report) -> list:
        urls = report.urls.order_by("pk")
        return AddressSerializer(urls, many=True, context=self._shared).data

    @extend_schema_field(ClassificationSerializer(many=True))
    def get_labels(self, report: Report) -> list:
        return ClassificationSerializer(self._shared["classifications"].report, many=True).data

    @extend_schema_field(SummaryEntrySerializer(many=True))
    def get_classification(self, report: Report) -> list:
        return _summary(self, report)

    @extend_schema_field(serializers.BooleanField())
    def get_has_contact(self, report: Report) -> bool:
        return bool(report.contact_sealed)


class QueueQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(STATUS_FILTERS), default="open")
    assigned = serializers.ChoiceField(
        choices=[value for value in ASSIGNED_FILTERS if value],
        required=False,
        help_text="mine: assigned to you; unassigned: assigned to no one.",
    )
    category = serializers.ChoiceField(choices=Category.choices, required=False)


class AssignInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class ClassifyInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=NOTE_MAX_LENGTH)


class ActionInputSerializer(serializers.Serializer):
    kind = ActionKindField()
    detail = serializers.CharField(
        max_length=NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Who it went to, or (required for no_action) why nothing was done.",
    )


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


# The project's error shape (see haven.api.errors), for the schema. A plain schema, not a
# serializer, because a serializer cannot declare a field called "fields".
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": True},
            },
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}
