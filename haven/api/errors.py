"""One error shape for the whole API: {"error": {"code", "message", "fields"}}."""

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_handler

# Django's own exceptions carry no code; name them as DRF would.
_DJANGO_CODES = {Http404: "not_found", PermissionDenied: "permission_denied"}


def exception_handler(exc, context):
    exc = _as_api_exception(exc)
    response = drf_handler(exc, context)
    if response is None:
        return None
    data = response.data
    code = _DJANGO_CODES.get(type(exc)) or getattr(exc, "default_code", "error")
    # A plain message is a string; a list under "detail" is an input field called detail.
    if isinstance(data, dict) and len(data) == 1 and isinstance(data.get("detail"), str):
        body = {"code": code, "message": str(data["detail"])}
    else:
        body = {"code": "invalid", "message": "Some fields are not valid.", "fields": data}
    response.data = {"error": body}
    return response


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request is too large."
    default_code = "too_large"


def _as_api_exception(exc):
    # Django raises these while parsing an upload, before DRF sees the data; without
    # this they would be answered with an HTML page instead of the API's error shape.
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, TooManyFilesSent | TooManyFieldsSent):
        return exceptions.ParseError("Too many fields or files in one request.")
    return exc
