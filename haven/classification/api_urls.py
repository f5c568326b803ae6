"""Classification endpoints, included under /api/v1/."""

from django.urls import path

from haven.classification import api

urlpatterns = [
    path("classification/schemes", api.SchemesView.as_view(), name="classification-schemes"),
    path(
        "reports/<str:reference>/classifications",
        api.ClassifyView.as_view(),
        name="classification-classify",
    ),
]
