"""Staff triage endpoints, included under /api/v1/."""

from django.urls import path

from haven.triage import api

_REPORT = "triage/reports/<str:reference>/"

urlpatterns = [
    path("queue/", api.QueueView.as_view(), name="triage-queue"),
    path(_REPORT, api.ReportDetailView.as_view(), name="triage-report"),
    path(_REPORT + "claim/", api.ClaimView.as_view(), name="triage-claim"),
    path(_REPORT + "assign/", api.AssignView.as_view(), name="triage-assign"),
    path(_REPORT + "classify/", api.ClassifyView.as_view(), name="triage-classify"),
    path(_REPORT + "notes/", api.NotesView.as_view(), name="triage-notes"),
    path(_REPORT + "actions/", api.ActionsView.as_view(), name="triage-actions"),
    path(_REPORT + "close/", api.CloseView.as_view(), name="triage-close"),
    path(_REPORT + "reopen/", api.ReopenView.as_view(), name="triage-reopen"),
]
