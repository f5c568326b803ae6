from django.urls import path

from haven.stats import api, removal_api

urlpatterns = [
    path("stats/", api.StatsView.as_view(), name="stats"),
    path("stats/removal/", removal_api.RemovalStatsView.as_view(), name="stats-removal"),
]
