"""What the classification API sends and accepts. Shapes only: the rules are in
`services`."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from haven.classification.models import AppliesTo, ClassificationSource

TARGET_TYPES = ["report", "item", "url"]


@extend_schema_field(
    {
        "type": "string",
        "enum": list(ClassificationSource.values),
        "description": "\n".join(
            f"* `{value}` - {label}" for value, label in ClassificationSource.choices
        ),
    },
    component_name="ClassificationSourceEnum",
)
class SourceField(serializers.CharField):
    pass


class LabelSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    actionable = serializers.BooleanField(
        help_text="Content with this label is to be removed and may be referred."
    )


class SchemeSerializer(serializers.Serializer):
    key = serializers.CharField(source="scheme.key")
    name = serializers.CharField(source="scheme.name")
    description = serializers.CharField(source="scheme.description")
    applies_to = serializers.ChoiceField(choices=AppliesTo.choices, source="scheme.applies_to")
    builtin = serializers.BooleanField()
    required = serializers.BooleanField(
        help_text="Must be given whenever an analyst classifies something it applies to."
    )
    labels = LabelSerializer(many=True)


class ClassificationSerializer(serializers.Serializer):
    """One label on a report, a file or an address."""

    scheme = serializers.CharField(source="scheme.key")
    scheme_name = serializers.CharField(source="scheme.name")
    label = serializers.CharField(source="label.key")
    label_name = serializers.CharField(source="label.name")
    actionable = serializers.BooleanField(source="label.actionable")
    source = SourceField(help_text="analyst, or given automatically.")
    classified_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    classified_at = serializers.DateTimeField()


class SummaryEntrySerializer(serializers.Serializer):
    """A label used somewhere in a report (on itself or on any item)."""

    scheme = serializers.CharField(source="scheme_key")
    scheme_name = serializers.CharField()
    label = serializers.CharField(source="label_key")
    label_name = serializers.CharField()


class TargetSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TARGET_TYPES)
    id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The item's or address's id (from the report detail); not for a report.",
    )

    def validate(self, attrs):
        if attrs["type"] != "report" and attrs.get("id") is None:
            raise serializers.ValidationError({"id": ["Give the id of the item or address."]})
        return attrs


class ClassifyInputSerializer(serializers.Serializer):
    target = TargetSerializer(required=False, help_text="The report itself when left out.")
    labels = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=40),
        allow_empty=False,
        help_text='{scheme key: label key}, e.g. {"interpol": "baseline", "age": "7-10"}. '
        "An empty label takes that scheme's label off.",
    )


class ClassifyResultSerializer(serializers.Serializer):
    target = TargetSerializer()
    classifications = ClassificationSerializer(many=True)
