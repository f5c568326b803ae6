"""The feed endpoint another Haven reads: /exchanges/feed/<bank name>/?since=&limit=.

Only an account the bank is shared with may read it (`access_feed`); anyone else, in the
organisation or not, gets a 404, as if the bank did not exist. Each page read is audited.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import APIView

from haven.api.auth import IsOrganisationMember, actor_for
from haven.api.serializers import ErrorSerializer
from haven.api.throttling import TokenRateThrottle
from haven.audit.services import record
from haven.exchanges.access import access_feed
from haven.exchanges.feed import FeedError, feed_page, parse_limit


class FeedView(APIView):
    permission_classes = [IsOrganisationMember]
    throttle_classes = [TokenRateThrottle]

    @extend_schema(
        operation_id="exchange_feed",
        summary="Read a shared bank's feed",
        description="Entries of a bank shared with you, oldest change first, after the "
        "cursor `since`; deleted entries come back with `deleted: true`. Call again with "
        "`since` set to `next` while `more` is true.",
        parameters=[
            OpenApiParameter("since", description="The `next` cursor of the previous page."),
            OpenApiParameter("limit", OpenApiTypes.INT, description="Entries per page."),
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiResponse(ErrorSerializer, description="A bad cursor or limit."),
            404: OpenApiResponse(ErrorSerializer, description="No such bank shared with you."),
        },
        tags=["exchanges"],
    )
    def get(self, request, bank_name: str):
        share = access_feed(request.user, bank_name)
        try:
            limit = parse_limit(request.query_params.get("limit"))
            page = feed_page(share, request.query_params.get("since", ""), limit)
        except FeedError as problem:
            raise ParseError(str(problem)) from None
        record(
            actor_for(request),
            "bank.feed_read",
            share.bank,
            organisation_id=share.bank.organisation_id,
            entries=len(page["entries"]),
        )
        return Response(page)
