"""Takedown endpoints, included under /api/v1/."""

from django.urls import path

from haven.takedown import api

urlpatterns = [
    path("takedowns/", api.TakedownListView.as_view(), name="takedowns"),
    path("takedowns/<int:takedown_id>/", api.TakedownDetailView.as_view(), name="takedown"),
    path(
        "reports/<str:reference>/urls/<int:url_id>/takedown/",
        api.StartTakedownView.as_view(),
        name="takedown-start",
    ),
]
