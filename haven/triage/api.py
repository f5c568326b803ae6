"""The staff triage API: the queue, a report in full, and every action on it.

Same rules as the staff pages: reports are fetched through `access_report`, changes go
through `actions`, reads through `viewing` (so they are audited). Partner services are
refused; another organisation's reports do not exist.
"""

from contextlib import contextmanager

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from haven.accounts.models import User
from haven.api.auth import IsOrganisationMember, actor_for
from haven.audit.services import Actor
from haven.classification.services import summary_rows
from haven.reports.access import access_report
from haven.reports.models import Report
from haven.triage import actions, viewing
from haven.triage.queue import QueueFilter, queue_for
from haven.triage.serializers import (
    ERROR_SCHEMA,
    ActionInputSerializer,
    ActionTakenSerializer,
    AssignInputSerializer,
    ClassifyInputSerializer,
    NoteInputSerializer,
    NoteSerializer,
    QueueItemSerializer,
    QueueQuerySerializer,
    ReasonInputSerializer,
    ReportDetailSerializer,
    ReportStateSerializer,
)

TAGS = ["triage"]
_ERROR = OpenApiResponse(ERROR_SCHEMA)
# Every endpoint can be refused for these reasons, in the project's error shape.
_REFUSALS = {401: _ERROR, 403: _ERROR, 404: _ERROR}


class IsOrganisationStaff(IsOrganisationMember):
    """Analysts, supervisors and administrators; partner services are refused."""

    message = "Only analysts, supervisors and administrators can use the triage API."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_org_staff


class IsSupervisor(IsOrganisationStaff):
    message = "Only supervisors and administrators can assign reports."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_supervisor


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "invalid_transition"
    default_detail = "The report is not in a state that allows this."


class QueuePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


@contextmanager
def refusals_as_errors():
    """An action's refusal becomes a 409 (wrong state for it) or a 400 (bad input)."""
    try:
        yield
    except actions.InvalidTransition as error:
        raise Conflict(error.message) from error
    except actions.ActionError as error:
        field = error.field or "non_field_errors"
        raise exceptions.ValidationError({field: [error.message]}) from error


class TriageView(APIView):
    permission_classes = [IsOrganisationStaff]

    def report(self, reference: str) -> Report:
        return access_report(self.request.user, reference)

    def actor(self) -> Actor:
        return actor_for(self.request)

    def valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def _state(report: Report) -> Response:
    return Response(ReportStateSerializer(report).data)


@extend_schema(
    tags=TAGS,
    summary="The triage queue",
    description="Your organisation's reports: danger now first, then known material, "
    "then by due time.",
    parameters=[QueueQuerySerializer],
    responses={200: QueueItemSerializer(many=True), 400: _ERROR, **_REFUSALS},
)
class QueueView(generics.ListAPIView):
    permission_classes = [IsOrganisationStaff]
    serializer_class = QueueItemSerializer
    pagination_class = QueuePagination

    def get_queryset(self):
        query = QueueQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return queue_for(self.request.user, QueueFilter(**query.validated_data))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the queue is always paginated
        # Every row's classification summary, in one query for the whole page.
        context = {
            **self.get_serializer_context(),
            "summaries": summary_rows(report.pk for report in page),
        }
        return self.get_paginated_response(
            self.serializer_class(page, many=True, context=context).data
        )


class ReportDetailView(TriageView):
    @extend_schema(
        tags=TAGS,
        summary="A report in full",
        description="Items with their hashes and matches, notes and actions. The read is "
        "recorded in the audit log. Contact details are not included.",
        responses={200: ReportDetailSerializer, **_REFUSALS},
    )
    def get(self, request, reference):
        report = self.report(reference)
        viewing.view_report(report, request.user, actor=self.actor())
        report = (
            Report.objects.select_related("assigned_to", "duplicate_of")
            .prefetch_related("urls", "notes__author", "actions_taken__actor")
            .get(pk=report.pk)
        )
        return Response(ReportDetailSerializer(report).data)


class ClaimView(TriageView):
    @extend_schema(
        tags=TAGS,
        summary="Claim a report",
        description="Assign the report to yourself.",
        request=None,
        responses={200: ReportStateSerializer, 409: _ERROR, **_REFUSALS},
    )
    def post(self, request, reference):
        report = self.report(reference)
        with refusals_as_errors():
            report = actions.claim(report, request.user, actor=self.actor())
        return _state(report)


class AssignView(TriageView):
    permission_classes = [IsSupervisor]

    @extend_schema(
        tags=TAGS,
        summary="Assign a report",
        description="Supervisors only. The assignee must be staff of your organisation.",
        request=AssignInputSerializer,
        responses={200: ReportStateSerializer, 400: _ERROR, 409: _ERROR, **_REFUSALS},
    )
    def post(self, request, reference):
        report = self.report(reference)
        username = self.valid(AssignInputSerializer)["username"]
        # Someone in another organisation is refused like a partner: "not staff here".
        assignee = User.objects.filter(
            username=username, organisation_id=request.user.organisation_id
        ).first()
        if assignee is None:
            raise exceptions.ValidationError({"username": [actions.NOT_STAFF_HERE]})
        with refusals_as_errors():
            report = actions.assign(report, assignee, request.user, actor=self.actor())
        return _state(report)


class ClassifyView(TriageView):
    @extend_schema(
        tags=TAGS,
        summary="Classify a report",
        request=ClassifyInputSerializer,
        responses={200: ReportStateSerializer, 400: _ERROR, 409: _ERROR, **_REFUSALS},
    )
    def post(self, request, reference):
        report = self.report(reference)
        data = self.valid(ClassifyInputSerializer)
        with refusals_as_errors():
            report = actions.classify(
                report, data["category"], data["severity"], request.user, actor=self.actor()
            )
        return _state(report)


class NotesView(TriageView):
    @extend_schema(
        tags=TAGS,
        summary="Add a note",
        request=NoteInputSerializer,
        responses={201: NoteSerializer, 400: _ERROR, **_REFUSALS},
    )
    def post(self, request, reference):
        report = self.report(reference)
        text = self.valid(NoteInputSerializer)["text"]
        with refusals_as_errors():
            note = actions.add_note(report, text, request.user, actor=self.actor())
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class ActionsView(TriageView):
    @extend_schema(
        tags=TAGS,
        summary="Record an action",
        description="The first action stops the deadline clock. `no_action` needs a reason "
        "in `detail`.",
        request=ActionInputSerializer,
        responses={201: ActionTakenSerializer, 400: _ERROR, 409: _ERROR, **_REFUSALS},
    )
    def post(self, request, reference):
        report = self.report(reference)
        data = self.valid(ActionInputSerializer)
        with refusals_as_errors():
            action = actions.record_action(
                report, data["kind"], data["detail"], request.user, actor=self.actor()
            )
        return Response(ActionTakenSerializer(action).data, status=status.HTTP_201_CREATED)


class CloseView(TriageView):
    @extend_schema(
        tags=TAGS,
        summary="Close a report",
        request=ReasonInputSerializer,
        responses={200: ReportStateSerializer, 400: _ERROR, 409: _ERROR, **_REFUSALS},
    )
    def post(self, request, reference):
        report = self.report(reference)
        reason = self.valid(ReasonInputSerializer)["reason"]
        with refusals_as_errors():
            report = actions.close(report, request.user, reason, actor=self.actor())
        return _state(report)


class ReopenView(TriageView):
    @extend_schema(
        tags=TAGS,
        summary="Reopen a closed report",
        request=ReasonInputSerializer,
        responses={200: ReportStateSerializer, 400: _ERROR, 409: _ERROR, **_REFUSALS},
    )
    def post(self, request, reference):
        report = self.report(reference)
        reason = self.valid(ReasonInputSerializer)["reason"]
        with refusals_as_errors():
            report = actions.reopen(report, request.user, reason, actor=self.actor())
        return _state(report)
