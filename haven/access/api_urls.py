"""Access policy endpoints, included under /api/v1/access/."""

from django.urls import path

from haven.access import api_views

urlpatterns = [
    path("access/decisions/", api_views.DecisionView.as_view(), name="access-decisions"),
    path(
        "access/decisions/batch/",
        api_views.DecisionBatchView.as_view(),
        name="access-decisions-batch",
    ),
    path("access/catalogue/", api_views.CatalogueView.as_view(), name="access-catalogue"),
    path("access/policies/", api_views.PolicyListView.as_view(), name="access-policies"),
    path(
        "access/policies/<str:policy_public_id>/",
        api_views.PolicyDetailView.as_view(),
        name="access-policy",
    ),
    path("access/profiles/", api_views.ProfileListView.as_view(), name="access-profiles"),
    path(
        "access/unblock-requests/<str:request_token>/",
        api_views.UnblockRequestView.as_view(),
        name="access-unblock-request",
    ),
]
