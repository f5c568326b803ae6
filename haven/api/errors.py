"""One error shape for the whole API: {"error": {"code", "message", "fields"}}."""

from rest_framework.views import exception_handler as drf_handler


def exception_handler(exc, context):
    response = drf_handler(exc, context)
    if response is None:
        return None
    data = response.data
    code = getattr(exc, "default_code", "error")
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        body = {"code": code, "message": str(data["detail"])}
    else:
        body = {"code": "invalid", "message": "Some fields are not valid.", "fields": data}
    response.data = {"error": body}
    return response
