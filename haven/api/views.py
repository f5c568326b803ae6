"""The partner API for reports: submit one, read where it stands, list your own.

Views parse, check permission, call one action and render. Reports are fetched only
through `reports_for` and `access_report`, so a partner sees what it submitted and no
organisation ever sees another's.
"""

from django.db import IntegrityError
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from haven.api.auth import IsOrganisationMember, actor_for
from haven.api.serializers import (
    ErrorSerializer,
    ReportFilterSerializer,
    ReportFormSerializer,
    ReportReceiptSerializer,
    ReportStatusSerializer,
    ReportSubmissionSerializer,
)
from haven.api.throttling import TokenRateThrottle
from haven.audit.services import record
from haven.reports.access import access_report, reports_for
from haven.reports.intake import submit_report
from haven.reports.models import MediaItem, Report, Source, Status
from haven.reports.references import normalise_reference

ITEMS = Prefetch("media", queryset=MediaItem.objects.order_by("pk"))

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No token, or a bad or revoked one."),
    403: OpenApiResponse(ErrorSerializer, description="Not a member of an organisation."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests; see Retry-After."),
}
INVALID = {400: OpenApiResponse(ErrorSerializer, description="Invalid input, by field.")}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such report for you.")}


class ApiView(APIView):
    permission_classes = [IsOrganisationMember]
    throttle_classes = [TokenRateThrottle]


class ReportPages(CursorPagination):
    # A cursor, not page numbers: partners poll while new reports keep arriving.
    ordering = ("-received_at", "-pk")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ReportCollectionView(ApiView, GenericAPIView):
    parser_classes = [JSONParser, MultiPartParser]
    pagination_class = ReportPages
    serializer_class = ReportStatusSerializer

    @extend_schema(
        operation_id="reports_list",
        summary="List your reports",
        description="Reports you can see, newest first: a partner service sees only the "
        "reports it submitted itself.",
        parameters=[
            OpenApiParameter(
                "status", description="Only reports in this status.", enum=Status.values
            ),
            OpenApiParameter("external_id", description="Only the report with your own id."),
        ],
        responses={200: ReportStatusSerializer(many=True), **INVALID, **ERRORS},
        tags=["reports"],
    )
    def get(self, request):
        filters = ReportFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        reports = filters.apply(reports_for(request.user)).prefetch_related(ITEMS)
        page = self.paginate_queryset(reports)
        return self.get_paginated_response(ReportStatusSerializer(page, many=True).data)

    @extend_schema(
        operation_id="reports_submit",
        summary="Submit a report",
        description="Send addresses, hashes and files (as multipart/form-data) of material "
        "harming children. Files that cannot be used are listed with the reason and never "
        "fail the report. Resending a known `external_id` returns the first report (200).",
        request={
            "application/json": ReportSubmissionSerializer,
            "multipart/form-data": ReportFormSerializer,
        },
        responses={
            201: OpenApiResponse(ReportReceiptSerializer, description="Report received."),
            200: OpenApiResponse(
                ReportReceiptSerializer, description="Already received with this external_id."
            ),
            **INVALID,
            **ERRORS,
        },
        # An explicit example: "Try it out" would otherwise start from the first category,
        # "a child in danger now", which alerts the hotline's supervisors.
        examples=[
            OpenApiExample(
                "A bullying report with one address",
                request_only=True,
                media_type="application/json",
                value={
                    "category": "bullying",
                    "description": "A group chat is posting insults about a pupil.",
                    "urls": ["https://example.com/group/123"],
                    "platform": "ExampleSocial",
                    "external_id": "your-own-id-123",
                },
            )
        ],
        tags=["reports"],
    )
    def post(self, request):
        form_class = ReportFormSerializer if _is_multipart(request) else ReportSubmissionSerializer
        form = form_class(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.report_input()
        earlier = _earlier_submission(request.user, data.external_id)
        if earlier is not None:
            record(actor_for(request), "report.viewed", earlier, via="api resubmission")
            return _receipt(request, earlier, status.HTTP_200_OK)
        try:
            submission = submit_report(
                request.user.organisation,
                Source.API,
                data,
                actor_for(request),
                submitted_by=request.user,
            )
        except IntegrityError:
            # Two retries raced and the other one stored the report first.
            earlier = _earlier_submission(request.user, data.external_id)
            if earlier is None:
                raise
            return _receipt(request, earlier, status.HTTP_200_OK)
        return _receipt(request, submission.report, status.HTTP_201_CREATED, submission.items)


class ReportStatusView(ApiView):
    @extend_schema(
        operation_id="reports_status",
        summary="Read where a report stands",
        parameters=[
            OpenApiParameter(
                "reference",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The reference given when the report was made, e.g. HVN-ABCDE-FGHJK.",
            )
        ],
        responses={200: ReportStatusSerializer, **NOT_FOUND, **ERRORS},
        tags=["reports"],
    )
    def get(self, request, reference: str):
        report = access_report(request.user, normalise_reference(reference))
        prefetch_related_objects([report], ITEMS)
        record(actor_for(request), "report.viewed", report, via="api")
        return Response(ReportStatusSerializer(report).data)


def _is_multipart(request) -> bool:
    return (request.content_type or "").startswith("multipart/")


def _earlier_submission(user, external_id: str) -> Report | None:
    if not external_id:
        return None
    return (
        reports_for(user).filter(submitted_by=user, external_id=external_id).order_by("pk").first()
    )


def _receipt(request, report: Report, code: int, items=None) -> Response:
    status_url = request.build_absolute_uri(reverse("api:report-status", args=[report.reference]))
    context = {"status_url": status_url, "items": items}
    body = ReportReceiptSerializer(report, context=context).data
    return Response(body, status=code, headers={"Location": status_url})
