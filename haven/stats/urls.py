from django.urls import path

from haven.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.csv", views.export_periods, name="export_periods"),
    path("reports.csv", views.export_reports, name="export_reports"),
]
