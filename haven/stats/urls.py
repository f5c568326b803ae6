from django.urls import path

from haven.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.csv", views.export_periods, name="export_periods"),
    path("reports.csv", views.export_reports, name="export_reports"),
    path("removal/", views.removal_overview, name="removal"),
    path("removal/takedowns.csv", views.export_takedowns, name="removal_takedowns"),
    path("removal/figures.csv", views.export_removal_figures, name="removal_figures"),
    path("removal/figures.json", views.export_removal_json, name="removal_figures_json"),
]
