from django.urls import path

from haven.stats import helpline_views, views

app_name = "stats"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.csv", views.export_periods, name="export_periods"),
    path("reports.csv", views.export_reports, name="export_reports"),
    path("removal/", views.removal_overview, name="removal"),
    path("removal/takedowns.csv", views.export_takedowns, name="removal_takedowns"),
    path("removal/figures.csv", views.export_removal_figures, name="removal_figures"),
    path("removal/figures.json", views.export_removal_json, name="removal_figures_json"),
    path("helpline/", helpline_views.overview, name="helpline"),
    # One name for both formats: reverse("stats:helpline_export", kwargs={"fmt": "json"}).
    # The format is fixed per path, not a URL parameter, so nothing in it names a record.
    path("helpline/export.csv", helpline_views.export, {"fmt": "csv"}, name="helpline_export"),
    path("helpline/export.json", helpline_views.export, {"fmt": "json"}, name="helpline_export"),
]
