"""`GET /api/v1/stats/removal/`: the removal statistics as JSON, for supervisors.

The same serializer writes the JSON download on the removal statistics page.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from haven.api.auth import IsOrganisationMember
from haven.api.throttling import TokenRateThrottle
from haven.stats import removal
from haven.stats.api import (
    DATE_PARAMETERS,
    ERROR_RESPONSES,
    HoursField,
    IsSupervisor,
    valid_range,
)
from haven.stats.forms import REMOVAL_DEFAULT_DAYS, RemovalRangeForm


class TimingSerializer(serializers.Serializer):
    measured = serializers.IntegerField(source="finished", help_text="With an end time.")
    still_running = serializers.IntegerField(
        source="running",
        help_text="Not finished yet (still online, or waiting for the first notice): "
        "counted with their age so far.",
    )
    median_hours = HoursField(source="median", allow_null=True)
    median_at_least = serializers.BooleanField(
        help_text="The median rests on something still running, so it can only grow."
    )
    p90_hours = HoursField(source="p90", allow_null=True, help_text="90th percentile.")
    p90_at_least = serializers.BooleanField()


class ShareSerializer(serializers.Serializer):
    window = serializers.CharField(source="label")
    hours = serializers.FloatField()
    within = serializers.IntegerField(help_text="Removed within the window of the first notice.")
    judged = serializers.IntegerField(
        help_text="Notified and either removed, or still online for at least the window."
    )
    too_recent = serializers.IntegerField(
        help_text="Still online but notified less than the window ago: left out."
    )
    share = serializers.FloatField(allow_null=True, help_text="within / judged, from 0 to 1.")


class BucketSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="Of all notified takedowns.")
    cumulative = serializers.FloatField(allow_null=True)


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Host name or country code; `all` for everything.")
    name = serializers.CharField()
    takedowns = serializers.IntegerField()
    notified = serializers.IntegerField(help_text="With a first notice, not stopped.")
    removed = serializers.IntegerField()
    still_online = serializers.IntegerField()
    forwarded = serializers.IntegerField()
    escalated = serializers.IntegerField()
    stopped = serializers.IntegerField()
    reappeared = serializers.IntegerField(help_text="Takedowns whose content came back.")
    reappearances = serializers.IntegerField()
    report_to_notice = TimingSerializer()
    notice_to_removal = TimingSerializer()
    report_to_removal = TimingSerializer()
    shares = ShareSerializer(many=True)
    distribution = BucketSerializer(many=True)
    longest_online_hours = HoursField(
        source="longest_online",
        allow_null=True,
        help_text="Longest time since the first notice of notified content still online.",
    )


class RemovalSerializer(serializers.Serializer):
    date_from = serializers.DateField(source="date_range.start")
    date_to = serializers.DateField(source="date_range.end")
    computed_at = serializers.DateTimeField()
    min_for_ranking = serializers.IntegerField(
        help_text="Notified takedowns a host needs to be ranked among the slowest."
    )
    overall = GroupSerializer()
    by_country = GroupSerializer(many=True)
    by_host = GroupSerializer(many=True)
    slowest_hosts = serializers.SerializerMethodField(
        help_text="Host names, slowest median from first notice to removal first."
    )
    longest_online_hosts = serializers.SerializerMethodField(
        help_text="Host names, longest-standing content still online first."
    )

    def get_slowest_hosts(self, figures) -> list[str]:
        return [group.key for group in figures.slowest_hosts]

    def get_longest_online_hosts(self, figures) -> list[str]:
        return [group.key for group in figures.longest_online_hosts]


class RemovalStatsView(APIView):
    permission_classes = [IsOrganisationMember, IsSupervisor]
    throttle_classes = [TokenRateThrottle]

    @extend_schema(
        operation_id="stats_removal",
        summary="Removal statistics for a date range",
        description=(
            "Takedowns of reports received in the range: time from report to first notice, "
            "first notice to removal and report to removal (median and 90th percentile, in "
            "hours; content still online counts with its age so far), the share removed "
            "within 24 hours, 3 days and 7 days, the distribution, and the same per country "
            "and per host. Your organisation's takedowns only; for supervisors and "
            f"administrators. Without dates, the last {REMOVAL_DEFAULT_DAYS} days."
        ),
        parameters=DATE_PARAMETERS,
        responses={200: RemovalSerializer, **ERROR_RESPONSES},
        tags=["stats"],
    )
    def get(self, request):
        form = RemovalRangeForm(request.query_params, today=timezone.localdate())
        figures = removal.figures(request.user.organisation, valid_range(form))
        return Response(RemovalSerializer(figures).data)
