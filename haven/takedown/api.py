"""The takedown API: your organisation's takedowns, one in full, and starting one.

Same rules as the pages: takedowns and addresses are fetched through
`haven.takedown.access` (another organisation's do not exist), changes go through
`services`. Partner services are refused.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from haven.reports.access import access_report
from haven.takedown import policies, services
from haven.takedown.access import access_takedown, takedowns_for
from haven.takedown.models import OPEN_STATES, State, Takedown
from haven.takedown.serializers import (
    TakedownDetailSerializer,
    TakedownQuerySerializer,
    TakedownSerializer,
)
from haven.triage.api import IsOrganisationStaff, QueuePagination, TriageView, refusals_as_errors
from haven.triage.serializers import ERROR_SCHEMA

TAGS = ["takedown"]
_ERROR = OpenApiResponse(ERROR_SCHEMA)
_REFUSALS = {401: _ERROR, 403: _ERROR, 404: _ERROR}


@extend_schema(
    tags=TAGS,
    summary="Takedowns",
    description="Your organisation's takedowns, next step first.",
    parameters=[TakedownQuerySerializer],
    responses={200: TakedownSerializer(many=True), 400: _ERROR, **_REFUSALS},
)
class TakedownListView(generics.ListAPIView):
    permission_classes = [IsOrganisationStaff]
    serializer_class = TakedownSerializer
    pagination_class = QueuePagination

    def get_queryset(self):
        query = TakedownQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        state = query.validated_data["state"]
        takedowns = takedowns_for(self.request.user).select_related("report", "report_url")
        if state == "open":
            takedowns = takedowns.filter(state__in=(*OPEN_STATES, State.FORWARDED))
        elif state != "all":
            takedowns = takedowns.filter(state=state)
        return takedowns.order_by("next_action_at", "pk")

    def get_serializer_context(self):
        policy = policies.policy_for(self.request.user.organisation)
        return {**super().get_serializer_context(), "first_notice": policy.first_notice}


class TakedownDetailView(TriageView):
    @extend_schema(
        tags=TAGS,
        summary="A takedown in full",
        description="With every notice sent and every answer from the host.",
        responses={200: TakedownDetailSerializer, **_REFUSALS},
    )
    def get(self, request, takedown_id: int):
        takedown = access_takedown(request.user, takedown_id)
        return Response(_detail(takedown))


class StartTakedownView(TriageView):
    @extend_schema(
        tags=TAGS,
        summary="Start a takedown of a reported address",
        description="Needs an actionable classification of the address, or a supervisor. "
        "The first notice goes as the organisation's policy says (at once, after a delay, "
        "or once police agree), always after a check that the content is still online.",
        request=None,
        responses={201: TakedownDetailSerializer, 400: _ERROR, 409: _ERROR, **_REFUSALS},
    )
    def post(self, request, reference: str, url_id: int):
        report = self.report(reference)
        report_url = generics.get_object_or_404(report.urls.all(), pk=url_id)
        with refusals_as_errors():
            takedown = services.open_takedown(report_url, request.user, actor=self.actor())
        return Response(_detail(takedown), status=status.HTTP_201_CREATED)

    def report(self, reference: str):
        return access_report(self.request.user, reference)


def _detail(takedown: Takedown) -> dict:
    takedown = (
        Takedown.objects.select_related("report", "report_url", "organisation")
        .prefetch_related("notices", "answers__recorded_by")
        .get(pk=takedown.pk)
    )
    first_notice = policies.policy_for(takedown.organisation).first_notice
    return TakedownDetailSerializer(takedown, context={"first_notice": first_notice}).data
