"""HMA's curation endpoints (/c/): banks and their content, for the caller's organisation.

Banks are found by name only among the caller's own (`access_bank`), and content by id
only within that bank (`access_entry`): another organisation's bank or content answers
404, exactly as one that does not exist. Every change goes through
`haven.matching.banks`, which audits it. Partner services may read the bank list;
analysts may also read content; only supervisors and administrators change anything.
"""

from contextlib import contextmanager

from django.db.models import ProtectedError
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from haven.api.auth import IsOrganisationMember, actor_for
from haven.hma import params
from haven.hma.banking import bank_signals, primary
from haven.hma.errors import BadRequest, Conflict
from haven.hma.shapes import bank_json, content_json, entry_signals, entry_value
from haven.hma.signals import CONTENT_KINDS, SIGNAL_TYPES, parse_signal
from haven.hma.uploads import NO_URL_FETCHING, hash_upload
from haven.hma.views import HmaView
from haven.matching.access import access_bank, access_entry, banks_for
from haven.matching.banks import (
    BankError,
    create_bank,
    delete_bank,
    remove_entry,
    update_bank,
    update_entry,
)
from haven.matching.models import BankEntry

IN_USE = (
    "this bank is still in use elsewhere in Haven (for example by an exchange that feeds "
    "it); disable it instead"
)


class ChangesNeedSupervisor(BasePermission):
    message = "Only supervisors and administrators can change banks."

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or request.user.is_supervisor


class ContentReadsNeedStaff(BasePermission):
    message = "Only analysts, supervisors and administrators can read bank content."

    def has_permission(self, request, view) -> bool:
        return request.method not in SAFE_METHODS or request.user.is_org_staff


class CurationView(HmaView):
    permission_classes = [IsOrganisationMember, ChangesNeedSupervisor]


@contextmanager
def refusals(answer: type[APIException] = BadRequest):
    """A bank change Haven refuses (`BankError`) becomes an answer with its message."""
    try:
        yield
    except BankError as error:
        raise answer(str(error)) from None


# -- banks ------------------------------------------------------------------------------


class BanksView(CurationView):
    def get(self, request):
        banks = banks_for(request.user).order_by("name")
        return Response([bank_json(bank) for bank in banks])

    def post(self, request):
        body = params.json_object(request)
        name = params.bank_name(body.get("name"))
        enabled = params.enabled(body)
        if banks_for(request.user).filter(name=name).exists():
            raise PermissionDenied("Bank already exists")  # HMA's answer to a taken name
        with refusals():
            bank = create_bank(
                actor_for(request),
                request.user.organisation,
                name,
                enabled=True if enabled is None else enabled,
            )
        return Response(bank_json(bank), status=status.HTTP_201_CREATED)


class BankView(CurationView):
    def get(self, request, bank_name: str):
        return Response(bank_json(access_bank(request.user, name=bank_name)))

    def put(self, request, bank_name: str):
        bank = access_bank(request.user, name=bank_name)
        body = params.json_object(request)
        changes: dict = {}
        if body.get("name") is not None:
            changes["name"] = params.bank_name(body["name"])
            taken = banks_for(request.user).filter(name=changes["name"]).exclude(pk=bank.pk)
            if taken.exists():
                raise PermissionDenied("Bank name already exists")
        enabled = params.enabled(body)
        if enabled is not None:
            changes["enabled"] = enabled
        with refusals():
            bank = update_bank(actor_for(request), bank, **changes)
        return Response(bank_json(bank))

    def delete(self, request, bank_name: str):
        bank = access_bank(request.user, name=bank_name)
        with refusals(Conflict):
            try:
                delete_bank(actor_for(request), bank)
            except ProtectedError:
                raise Conflict(IN_USE) from None
        return Response({"message": "Done"})


# -- content ----------------------------------------------------------------------------


def added(entries: dict[str, BankEntry], signals: dict[str, str]) -> dict:
    """HMA's answer to banking content, with Haven's id for each signal."""
    return {
        "id": primary(entries).pk,
        "signals": signals,
        "content_ids": {name: entry.pk for name, entry in entries.items()},
    }


class BankContentView(CurationView):
    def post(self, request, bank_name: str):
        bank = access_bank(request.user, name=bank_name)
        if request.query_params.get("url"):
            raise BadRequest(NO_URL_FETCHING)
        if not request.FILES:
            raise BadRequest("Neither `url` nor multipart file upload was received")
        metadata = params.content_metadata(request)
        upload = hash_upload(request.FILES, request.query_params.get("types"))
        signals = [parse_signal(name, upload.haven_value(name)) for name in upload.signals]
        entries = bank_signals(actor_for(request), bank, signals, metadata)
        return Response(added(entries, upload.signals))


class BankSignalView(CurationView):
    def post(self, request, bank_name: str):
        bank = access_bank(request.user, name=bank_name)
        signals = params.body_signals(params.json_object(request))
        entries = bank_signals(actor_for(request), bank, signals)
        return Response(added(entries, {signal.name: signal.hma_value for signal in signals}))


class BankContentItemView(HmaView):
    permission_classes = [IsOrganisationMember, ChangesNeedSupervisor, ContentReadsNeedStaff]

    def get(self, request, bank_name: str, content_id: str):
        entry = self._entry(request, bank_name, content_id)
        only = request.query_params.get("signal_type")
        if only is not None and only not in SIGNAL_TYPES:
            raise BadRequest(f"No such signal type '{only}'")
        signals = None
        if only is not None:
            # HMA's older form: the one signal of that type, if the content has it.
            has_it = SIGNAL_TYPES[only] == entry.signal_type
            signals = {only: entry_value(entry)} if has_it else {}
        elif params.flag(request.query_params, "include_signals"):
            signals = entry_signals(entry)
        return Response(content_json(entry, signals))

    def put(self, request, bank_name: str, content_id: str):
        entry = self._entry(request, bank_name, content_id)
        body = params.json_object(request)
        if "disable_until_ts" in body:
            fields = params.disable_until(body["disable_until_ts"])
            with refusals():
                entry = update_entry(actor_for(request), entry, **fields)
        return Response(content_json(entry))

    def delete(self, request, bank_name: str, content_id: str):
        entry = self._entry(request, bank_name, content_id)
        remove_entry(actor_for(request), entry)
        # An entry that matches point at is disabled instead, to keep the record.
        if BankEntry.objects.filter(pk=entry.pk).exists():
            return Response({"deleted": 0, "disabled": True})
        return Response({"deleted": 1})

    def _entry(self, request, bank_name: str, content_id: str) -> BankEntry:
        bank = access_bank(request.user, name=bank_name)
        return access_entry(request.user, int(content_id), bank=bank)


# -- what this Haven supports -------------------------------------------------------------


class SignalTypesView(CurationView):
    def get(self, request):
        return Response([{"name": name, "enabled_ratio": 1.0} for name in SIGNAL_TYPES])


class ContentTypesView(CurationView):
    def get(self, request):
        return Response([{"name": name, "enabled": True} for name in CONTENT_KINDS])
