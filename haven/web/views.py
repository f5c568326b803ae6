"""Site-wide pages: the front page and the health check."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render


def home(request):
    user = request.user
    if not user.is_authenticated:
        return redirect("reports:report")
    if user.is_responder:
        return redirect("network:portal")
    if user.is_helpline_staff and not user.is_org_staff:
        return redirect("helpline:home")
    if user.is_guardian:
        return redirect("access:home")
    # Partner services have no queue: their page is their API tokens.
    return redirect("triage:queue" if user.is_org_staff else "accounts:tokens")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


def csrf_failure(request, reason=""):
    # Django's own page is in English and offers no way on; a reporter needs both.
    return render(request, "403_csrf.html", status=403)
