"""`GET /api/v1/stats/`: the statistics page's summary as JSON, for supervisors."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from haven.api.auth import IsOrganisationMember
from haven.api.serializers import ErrorSerializer
from haven.api.throttling import TokenRateThrottle
from haven.reports.models import Category
from haven.stats import services
from haven.stats.forms import DEFAULT_DAYS, MAX_DAYS, RangeForm

# The dates and refusals every statistics endpoint shares.
DATE_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day, included (YYYY-MM-DD)."),
    OpenApiParameter(
        "to",
        OpenApiTypes.DATE,
        description=f"Last day, included. At most {MAX_DAYS} days after `from`.",
    ),
]
ERROR_RESPONSES = {
    400: OpenApiResponse(ErrorSerializer, description="The dates are not valid."),
    401: OpenApiResponse(ErrorSerializer, description="No token, or a bad one."),
    403: OpenApiResponse(ErrorSerializer, description="Not a supervisor or admin."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests."),
}


def valid_range(form):
    """The form's date range, or a 400 naming each field at fault."""
    if not form.is_valid():
        raise ValidationError(
            {
                "non_field_errors" if field == "__all__" else field: list(messages)
                for field, messages in form.errors.items()
            }
        )
    return form.date_range


class IsSupervisor(permissions.BasePermission):
    """Supervisors and administrators; IsOrganisationMember has checked the rest."""

    message = "Only supervisors and administrators may read statistics."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_supervisor)


class HoursField(serializers.FloatField):
    """Hours, to two decimal places."""

    def to_representation(self, value):
        return round(float(value), 2)


class StatsDurationsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Reports measured.")
    median_hours = HoursField(source="median", allow_null=True)
    p90_hours = HoursField(source="p90", allow_null=True, help_text="90th percentile.")


class StatsDeadlinesSerializer(serializers.Serializer):
    met = serializers.IntegerField()
    missed = serializers.IntegerField(
        help_text="Responded late, or not yet responded to and past due."
    )
    not_yet_due = serializers.IntegerField(
        help_text="Not yet due and without a response: left out of the share."
    )
    share = serializers.FloatField(
        allow_null=True, help_text="met / (met + missed), from 0 to 1; null when both are 0."
    )


class StatsCategorySerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    name = serializers.CharField(source="label", help_text="In the language of the request.")
    count = serializers.IntegerField()
    first_action = StatsDurationsSerializer(help_text="Time from receipt to first action.")
    to_close = StatsDurationsSerializer(help_text="Time from receipt to closing.")
    deadlines = StatsDeadlinesSerializer()


class StatsStatusCountSerializer(serializers.Serializer):
    status = serializers.CharField()
    name = serializers.CharField(source="label", help_text="In the language of the request.")
    count = serializers.IntegerField()


class StatsPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    received = serializers.IntegerField()
    by_category = serializers.DictField(
        child=serializers.IntegerField(), help_text="Reports received, by category code."
    )
    first_action = StatsDurationsSerializer()
    deadlines = StatsDeadlinesSerializer()


class StatsSummarySerializer(serializers.Serializer):
    date_from = serializers.DateField(source="date_range.start")
    date_to = serializers.DateField(source="date_range.end")
    granularity = serializers.ChoiceField(
        choices=[services.DAY, services.WEEK, services.MONTH], help_text="Length of a period."
    )
    total = serializers.IntegerField(help_text="Reports received in the range.")
    first_action = StatsDurationsSerializer(help_text="Time from receipt to first action.")
    to_close = StatsDurationsSerializer(help_text="Time from receipt to closing.")
    deadlines = StatsDeadlinesSerializer()
    by_category = StatsCategorySerializer(many=True)
    by_status = StatsStatusCountSerializer(many=True)
    periods = StatsPeriodSerializer(many=True)


class StatsView(APIView):
    permission_classes = [IsOrganisationMember, IsSupervisor]
    throttle_classes = [TokenRateThrottle]

    @extend_schema(
        operation_id="stats_summary",
        summary="Statistics for a date range",
        description=(
            "Reports received by category and status, time to first action and to close "
            "(median and 90th percentile, in hours), the share of deadlines met, and the same "
            "per day, week or month. Your organisation's reports only; for supervisors and "
            f"administrators. Without dates, the last {DEFAULT_DAYS} days."
        ),
        parameters=DATE_PARAMETERS,
        responses={200: StatsSummarySerializer, **ERROR_RESPONSES},
        tags=["stats"],
    )
    def get(self, request):
        form = RangeForm(request.query_params, today=timezone.localdate())
        summary = services.summarise(request.user.organisation, valid_range(form))
        return Response(StatsSummarySerializer(summary).data)
