"""The access policy API: decisions (one, or a batch), the catalogue, the organisation's
policies and their matrices, children's profiles, and the status of requests to unblock.

For an organisation's staff and its partner services (platforms, schools' and parental
tools), with the same tokens, rate limits and error shape as the rest of the API. Every
id is looked up in the token's organisation only (haven.access.service): another
organisation's is "not found". Decisions are not stored and not audited one by one;
creating a profile is audited.
"""

from contextlib import contextmanager

from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from haven.access import service
from haven.access.models import Policy
from haven.access.serializers import (
    BatchRequestSerializer,
    BatchSerializer,
    CatalogueSerializer,
    ChildProfileListItemSerializer,
    ChildProfileSerializer,
    DecisionRequestSerializer,
    DecisionSerializer,
    MatrixQuerySerializer,
    PolicyMatrixSerializer,
    PolicySerializer,
    UnblockStatusSerializer,
    catalogue_data,
    matrix_data,
)
from haven.api.auth import IsOrganisationMember, actor_for
from haven.api.serializers import ErrorSerializer
from haven.api.throttling import TokenRateThrottle

TAGS = ["access"]
ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No token, or a bad or revoked one."),
    403: OpenApiResponse(ErrorSerializer, description="Not staff or a partner service."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests; see Retry-After."),
}
INVALID = {400: OpenApiResponse(ErrorSerializer, description="Invalid input, by field.")}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="Not in your organisation.")}
EDITABLE_KINDS = (Policy.Kind.SCHOOL, Policy.Kind.FAMILY)


class AccessApiView(APIView):
    # JSON only: a form post answered "profile: an object" would hide what was wrong.
    parser_classes = [JSONParser]
    permission_classes = [IsOrganisationMember]
    throttle_classes = [TokenRateThrottle]


class MayManageProfiles(permissions.BasePermission):
    """Children's profiles are for supervisors and administrators (a school's or parental
    tool's own account), as on the pages, where other staff see no children. Partner
    services are other companies: one must never list another's children."""

    message = "Only supervisors and administrators manage profiles."

    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_supervisor)


def sees_children(user) -> bool:
    """Schools' and families' policies, children's profiles and their requests are for
    supervisors' and administrators' tokens; analysts and partner services decide with
    the organisation's policy and profiles given inline."""
    return bool(user.is_supervisor)


def readable_policies(user):
    policies = _with_adjustments(user.organisation)
    if not sees_children(user):
        policies = policies.filter(kind=Policy.Kind.ORGANISATION)
    return policies


@contextmanager
def service_errors():
    """The service's refusals as the API's errors: 400 by field, or 404."""
    try:
        yield
    except service.Invalid as exc:
        raise ValidationError(exc.errors) from None
    except service.NotFound as exc:
        raise NotFound(str(exc)) from None


DECISION_EXAMPLE = {
    "profile": {"age": 11, "monitored_by": "school"},
    "context": "school",
    "content": {
        "descriptors": {"violence": "realistic_intense"},
        "ref": "https://video.example/watch/123",
    },
}


class DecisionView(AccessApiView):
    @extend_schema(
        operation_id="access_decide",
        summary="Decide on content for a child",
        description="Give content descriptors, text to analyse, or both, with a child's "
        "profile (a known profile's id, or an age with flags) and the context: get the "
        "action, the rules that produced it with their sources, support resources and "
        "explanations. Nothing of the request is stored; for a known profile, an alert "
        "to its trusted adults is made when the decision says so (without the text).",
        request=DecisionRequestSerializer,
        responses={200: DecisionSerializer, **INVALID, **NOT_FOUND, **ERRORS},
        examples=[
            OpenApiExample("Realistic violence at school", DECISION_EXAMPLE, request_only=True)
        ],
        tags=TAGS,
    )
    def post(self, request):
        with service_errors():
            data = service.decide_request(
                request.user.organisation,
                request.data,
                request=request,
                organisation_only=not sees_children(request.user),
            )
        return Response(data)


class DecisionBatchView(AccessApiView):
    @extend_schema(
        operation_id="access_decide_batch",
        summary="Decide on many items at once",
        description=f"Up to {service.MAX_BATCH} decision requests; results in the same "
        "order, each with its `index`. A bad item gets an `error` in its place and never "
        "fails the others.",
        request=BatchRequestSerializer,
        responses={200: BatchSerializer, **INVALID, **ERRORS},
        tags=TAGS,
    )
    def post(self, request):
        items = request.data.get("items") if isinstance(request.data, dict) else None
        with service_errors():
            results = service.decide_batch(
                request.user.organisation,
                items,
                request=request,
                organisation_only=not sees_children(request.user),
            )
        return Response({"results": results})


class CatalogueView(AccessApiView):
    @extend_schema(
        operation_id="access_catalogue",
        summary="Descriptors, levels, age bands, contexts and actions",
        description="The keys the decision API speaks, with labels in the request's "
        "language. Keys never change; labels may.",
        responses={200: CatalogueSerializer, **ERRORS},
        tags=TAGS,
    )
    def get(self, request):
        return Response(catalogue_data())


class PolicyListView(AccessApiView):
    @extend_schema(
        operation_id="access_policies",
        summary="Your organisation's policies",
        description="The organisation's own policy and its schools' and families' "
        "policies, with the version that changes with every adjustment.",
        responses={200: PolicySerializer(many=True), **ERRORS},
        tags=TAGS,
    )
    def get(self, request):
        policies = (
            readable_policies(request.user).select_related("parent").order_by("kind", "name", "pk")
        )
        return Response(PolicySerializer(policies, many=True).data)


def _with_adjustments(organisation):
    return service.policies_in(organisation).annotate(adjustments=Count("rules"))


class PolicyDetailView(AccessApiView):
    @extend_schema(
        operation_id="access_policy_matrix",
        summary="A policy's effective matrix",
        description="For every descriptor level and age band: the action in the given "
        "context (for a child with the given vulnerabilities), the action inherited from "
        "the layers below, whether a locked rule holds it, and the rules that took part.",
        parameters=[MatrixQuerySerializer],
        responses={200: PolicyMatrixSerializer, **INVALID, **NOT_FOUND, **ERRORS},
        tags=TAGS,
    )
    def get(self, request, policy_public_id: str):
        query = MatrixQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        organisation = request.user.organisation
        with service_errors():
            policy = service.policy_in(
                organisation, policy_public_id, readable_policies(request.user)
            )
        matrix = matrix_data(
            policy,
            query.validated_data["context"],
            frozenset(query.validated_data.get("vulnerabilities") or ()),
        )
        return Response({"policy": PolicySerializer(policy).data, **matrix})


class ProfilePages(CursorPagination):
    ordering = ("-created_at", "-pk")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class ProfileListView(AccessApiView):
    permission_classes = [IsOrganisationMember, MayManageProfiles]
    pagination_class = ProfilePages

    @extend_schema(
        operation_id="access_profiles",
        summary="Your organisation's children's profiles",
        description="Public ids and labels, newest first, cursor-paginated. "
        "For supervisors, administrators and partner services.",
        responses={200: ChildProfileListItemSerializer(many=True), **ERRORS},
        tags=TAGS,
    )
    def get(self, request):
        children = service.children_in(request.user.organisation).select_related("policy")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(children, request, view=self)
        data = ChildProfileListItemSerializer(page, many=True).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="access_profile_create",
        summary="Add a child's profile",
        description="Under one of your organisation's school or family policies. Keep it "
        "minimal: a label (not necessarily a name), birth year and month, and the adults' "
        "judgement of maturity and vulnerability. Audited.",
        request=ChildProfileSerializer,
        responses={201: ChildProfileSerializer, **INVALID, **ERRORS},
        tags=TAGS,
    )
    def post(self, request):
        form = ChildProfileSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        fields = dict(form.validated_data)
        policy_id = fields.pop("policy")["public_id"]
        try:
            policy = service.policy_in(request.user.organisation, policy_id)
        except service.NotFound as exc:
            raise ValidationError({"policy": [str(exc)]}) from None
        if policy.kind not in EDITABLE_KINDS:
            raise ValidationError(
                {"policy": ["Choose a school or family policy: profiles sit under one."]}
            )
        child = service.create_profile(actor_for(request), policy, **fields)
        return Response(ChildProfileSerializer(child).data, status=status.HTTP_201_CREATED)


class UnblockRequestView(AccessApiView):
    @extend_schema(
        operation_id="access_unblock_request",
        summary="Where a child's request to unblock stands",
        description="By the request's token (from the child's page). Without the child's "
        "message or the adult's note.",
        responses={200: UnblockStatusSerializer, **NOT_FOUND, **ERRORS},
        tags=TAGS,
    )
    def get(self, request, request_token: str):
        with service_errors():
            if not sees_children(request.user):
                raise service.NotFound(_("No such request to unblock in your organisation."))
            found = service.unblock_request_in(request.user.organisation, request_token)
        return Response(UnblockStatusSerializer(found).data)
