"""Public reporting pages, mounted at /report/."""

from django.urls import path

from haven.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report, name="report"),
    path("sent/", views.sent, name="sent"),
    path("status/", views.status, name="status"),
]
