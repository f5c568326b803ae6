"""Version 1 of the API. Each area keeps its endpoints beside its own code."""

from django.urls import include, path

urlpatterns = [
    path("", include("haven.api.report_urls")),
    path("", include("haven.triage.api_urls")),
    path("", include("haven.stats.api_urls")),
    path("", include("haven.classification.api_urls")),
    path("", include("haven.takedown.api_urls")),
    path("", include("haven.access.api_urls")),
]
