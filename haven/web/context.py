"""Values every template needs."""

from django.conf import settings


def haven(request):
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "EMERGENCY_NUMBER": settings.EMERGENCY_NUMBER,
        "HELPLINE_NUMBER": settings.HELPLINE_NUMBER,
    }
