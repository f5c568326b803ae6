"""What the takedown API sends. Input is a POST without a body; the rules are in
`services`."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from haven.takedown import display
from haven.takedown.models import (
    AnswerKind,
    Channel,
    HostAnswer,
    Notice,
    NoticeKind,
    State,
    Takedown,
)


def _enum(choices, name: str):
    lines = [f"* `{value}` - {label}" for value, label in choices.choices]
    schema = {"type": "string", "enum": list(choices.values), "description": "\n".join(lines)}

    @extend_schema_field(schema, component_name=name)
    class Field(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices.choices, **kwargs)

    Field.__name__ = name
    return Field


TakedownStateField = _enum(State, "TakedownStateEnum")
NoticeKindField = _enum(NoticeKind, "NoticeKindEnum")
NoticeChannelField = _enum(Channel, "NoticeChannelEnum")
HostAnswerKindField = _enum(AnswerKind, "HostAnswerKindEnum")


class TakedownSerializer(serializers.ModelSerializer):
    report = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    url_id = serializers.IntegerField(source="report_url_id", read_only=True)
    url = serializers.CharField(source="report_url.url", read_only=True)
    state = TakedownStateField(read_only=True)
    next_step = serializers.SerializerMethodField(
        help_text="The next step in words (“Reminder 2 due in 3h”), or why there is none "
        "(“Waiting for police to agree”, “Nothing scheduled”)."
    )
    overdue = serializers.SerializerMethodField(help_text="The next step is late.")

    class Meta:
        model = Takedown
        fields = [
            "id",
            "reference",
            "report",
            "url_id",
            "url",
            "state",
            "next_step",
            "next_action_at",
            "overdue",
            "recipient",
            "channel",
            "language",
            "host_name",
            "country",
            "opened_at",
            "police_agreed_at",
            "police_note",
            "first_notice_at",
            "last_notice_at",
            "reminders_sent",
            "escalated_at",
            "escalated_to",
            "host_answered_at",
            "gone_since",
            "removed_at",
            "reappeared_count",
            "last_check_outcome",
            "last_checked_at",
            "attention",
            "routing_note",
            "stopped_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_next_step(self, takedown: Takedown) -> str:
        return display.next_step(takedown, timezone.now(), self._first_notice(takedown)).text

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, takedown: Takedown) -> bool:
        return display.next_step(takedown, timezone.now()).overdue

    def _first_notice(self, takedown: Takedown) -> str:
        return self.context.get("first_notice", "")


class NoticeSerializer(serializers.ModelSerializer):
    kind = NoticeKindField(read_only=True)
    channel = NoticeChannelField(read_only=True)

    class Meta:
        model = Notice
        fields = ["id", "kind", "channel", "recipient", "language", "sent_at", "delivered", "error"]
        read_only_fields = fields


class HostAnswerSerializer(serializers.ModelSerializer):
    kind = HostAnswerKindField(read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = HostAnswer
        fields = ["kind", "text", "answered_at", "recorded_by"]
        read_only_fields = fields


class TakedownDetailSerializer(TakedownSerializer):
    notices = NoticeSerializer(many=True, read_only=True)
    answers = HostAnswerSerializer(many=True, read_only=True)

    class Meta(TakedownSerializer.Meta):
        fields = [*TakedownSerializer.Meta.fields, "notices", "answers"]
        read_only_fields = fields


class TakedownQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[("open", "open"), *State.choices, ("all", "all")],
        required=False,
        default="open",
        help_text="`open` (the default): waiting, notified, escalated and forwarded.",
    )
