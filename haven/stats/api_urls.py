from django.urls import path

from haven.stats import api

urlpatterns = [
    path("stats/", api.StatsView.as_view(), name="stats"),
]
