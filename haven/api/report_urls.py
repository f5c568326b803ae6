"""Report endpoints of the API: /api/v1/reports/ and /api/v1/reports/<reference>/."""

from django.urls import path

from haven.api import views

urlpatterns = [
    path("reports/", views.ReportCollectionView.as_view(), name="reports"),
    path("reports/<str:reference>/", views.ReportStatusView.as_view(), name="report-status"),
]
