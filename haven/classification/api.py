"""The classification API: the schemes an organisation uses, and classifying a report,
one of its files or one of its addresses.

Staff tokens only (partner services are refused), reports fetched through
`access_report`, every write through `services.classify`.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from haven.api.auth import actor_for
from haven.classification import services
from haven.classification.access import access_item_of, access_url_of
from haven.classification.serializers import (
    ClassifyInputSerializer,
    ClassifyResultSerializer,
    SchemeSerializer,
)
from haven.reports.access import access_report
from haven.triage.actions import ActionError, InvalidTransition
from haven.triage.api import Conflict, IsOrganisationStaff
from haven.triage.serializers import ERROR_SCHEMA

TAGS = ["classification"]
_ERROR = OpenApiResponse(ERROR_SCHEMA)
_REFUSALS = {401: _ERROR, 403: _ERROR, 404: _ERROR}


class SchemesView(APIView):
    permission_classes = [IsOrganisationStaff]

    @extend_schema(
        tags=TAGS,
        summary="Classification schemes in use",
        description="The schemes your organisation uses, in its order, with their labels. "
        "Classify with their keys.",
        responses={200: SchemeSerializer(many=True), **_REFUSALS},
    )
    def get(self, request):
        uses = services.schemes_for(request.user.organisation_id)
        return Response(SchemeSerializer(uses, many=True).data)


class ClassifyView(APIView):
    permission_classes = [IsOrganisationStaff]

    @extend_schema(
        tags=TAGS,
        summary="Classify a report, a file or an address",
        description="Give one label per scheme. Labels must belong to schemes your "
        "organisation uses for that kind of target, and required schemes must end up "
        "with a label. The change is recorded in the audit log. Returns the target's "
        "labels after the change.",
        request=ClassifyInputSerializer,
        responses={200: ClassifyResultSerializer, 400: _ERROR, 409: _ERROR, **_REFUSALS},
    )
    def post(self, request, reference):
        report = access_report(request.user, reference)
        data = ClassifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target_input = data.validated_data.get("target") or {"type": "report", "id": None}
        target = _target(report, target_input)
        try:
            rows = services.classify(
                report,
                target=target,
                labels=data.validated_data["labels"],
                by=request.user,
                actor=actor_for(request),
            )
        except InvalidTransition as error:
            raise Conflict(error.message) from error
        except ActionError as error:
            raise exceptions.ValidationError(_error_fields(error)) from error
        body = {
            "target": {"type": target_input["type"], "id": target.pk if target else None},
            "classifications": rows,
        }
        return Response(ClassifyResultSerializer(body).data)


def _target(report, target: dict):
    if target["type"] == "item":
        return access_item_of(report, target["id"])
    if target["type"] == "url":
        return access_url_of(report, target["id"])
    return None


def _error_fields(error: ActionError) -> dict:
    # Refusals about one scheme are reported under labels.<scheme key>, as it was sent.
    if error.field in (None, "labels", "target"):
        return {error.field or "non_field_errors": [error.message]}
    return {"labels": {error.field: [error.message]}}
