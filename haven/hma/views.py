"""HMA's liveness probe, hashing (/h/) and matching (/m/) endpoints.

Paths, parameters and answers are HMA's (OpenMediaMatch's blueprints), so that HMA
clients work unchanged with https://<haven>/hma as their base address; the differences
are in docs/hma.md. Every endpoint but /status needs a Haven API token (or a signed-in
staff session) and sees only the caller's organisation's banks.
"""

import logging

from django.db import DatabaseError
from django.http import HttpResponse
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from haven.api.auth import IsOrganisationMember
from haven.api.throttling import TokenRateThrottle
from haven.hma import matching, params
from haven.hma.errors import BadRequest, hma_exception_handler
from haven.hma.shapes import match_json, matches_by_bank
from haven.hma.signals import SIGNAL_TYPES, compare
from haven.hma.uploads import NO_URL_FETCHING, hash_upload
from haven.matching.banks import InvalidSignal
from haven.matching.live import live_index

log = logging.getLogger(__name__)


@extend_schema(exclude=True)  # HMA's contract, described in docs/hma.md
class HmaView(APIView):
    permission_classes = [IsOrganisationMember]
    throttle_classes = [TokenRateThrottle]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_exception_handler(self):
        return hma_exception_handler


# -- liveness ---------------------------------------------------------------------------


@require_safe
def status(request):
    """HMA's probe for load balancers, open to all: it says only whether this process is
    alive and its PDQ index can follow the banks.

    An index not loaded yet is not loaded here (the first lookup does that), so that
    anonymous probes cannot make a process build it.
    """
    live = live_index()
    if live.index is not None:
        try:
            live.current()
        except (DatabaseError, OSError, ValueError):
            log.exception("the PDQ index cannot follow the banks")
            return HttpResponse("INDEX-STALE", status=503, content_type="text/plain")
    return HttpResponse("I-AM-ALIVE", content_type="text/plain")


# -- hashing ----------------------------------------------------------------------------


class HashView(HmaView):
    def get(self, request):
        if not request.query_params.get("url"):
            raise BadRequest("url is required")
        raise BadRequest(NO_URL_FETCHING)

    def post(self, request):
        upload = hash_upload(request.FILES, request.query_params.get("types"))
        return Response(upload.signals)


# -- matching ---------------------------------------------------------------------------


class LookupView(HmaView):
    def get(self, request):
        query = request.query_params
        if query.get("url"):
            raise BadRequest(NO_URL_FETCHING)
        signal = params.query_signal(query)
        hits = matching.lookup_signal(
            request.user,
            signal,
            matching.bank_ids_named(request.user, query.get("banks")),
            params.threshold(query),
        )
        return Response(matches_by_bank(hits))

    def post(self, request):
        query = request.query_params
        upload = hash_upload(request.FILES, query.get("types"))
        found = matching.lookup_upload(
            request.user,
            upload,
            matching.bank_ids_named(request.user, query.get("banks")),
            params.threshold(query),
        )
        return Response({name: matches_by_bank(hits) for name, hits in found.items()})


class RawLookupView(HmaView):
    def get(self, request):
        query = request.query_params
        include_distance = params.flag(query, "include_distance")
        signal = params.query_signal(query)
        hits = matching.lookup_signal(
            request.user,
            signal,
            matching.bank_ids_named(request.user, query.get("banks")),
            params.threshold(query),
        )
        hits.sort(key=lambda hit: (hit.distance, hit.entry.pk))
        if include_distance:
            return Response({"matches": [match_json(hit) for hit in hits]})
        return Response({"matches": [hit.entry.pk for hit in hits]})


class CompareView(HmaView):
    def post(self, request):
        if not isinstance(request.data, dict):
            raise BadRequest("Request input was not a dict")
        threshold = params.threshold(request.query_params)
        results = {}
        for name, pair in request.data.items():
            if not isinstance(pair, list):
                raise BadRequest(f"Comparison hashes for {name} was not a list")
            if len(pair) != 2:
                raise BadRequest("Comparison hash list length must be exactly 2")
            try:
                results[name] = compare(name, pair[0], pair[1], threshold)
            except InvalidSignal as error:
                raise BadRequest(f"Invalid {name} hash: {error}") from None
        return Response(results)


class IndexStatusView(HmaView):
    def get(self, request):
        only = request.query_params.get("signal_type")
        if only is not None and only not in SIGNAL_TYPES:
            raise BadRequest(f"No such signal type '{only}'")
        names = [only] if only else list(SIGNAL_TYPES)
        return Response(matching.index_status(request.user, names))
