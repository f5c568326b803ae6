"""HMA's error answers: `{"message": ...}`, here alongside Haven's `{"error": {...}}`.

HMA clients read `message`; Haven's own clients read `error`. Both are sent, so either
kind of client can show what went wrong.
"""

from rest_framework import exceptions, status

from haven.api.errors import exception_handler


class BadRequest(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = "The request is not valid."


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The change cannot be made in the current state."


def hma_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "error" in response.data:
        response.data = {"message": response.data["error"]["message"], **response.data}
    return response
