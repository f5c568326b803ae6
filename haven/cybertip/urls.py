"""Staff pages under /cybertip/."""

from django.urls import path

from haven.cybertip import views

app_name = "cybertip"
urlpatterns = [
    path("report/<str:reference>/prepare", views.prepare, name="prepare"),
    path("report/<str:reference>/check", views.check_connection, name="check_connection"),
    path("<int:tip_id>/report.xml", views.download, name="download"),
    path("<int:tip_id>/send", views.send, name="send"),
    path("<int:tip_id>/finish", views.finish, name="finish"),
    path("<int:tip_id>/retract", views.retract, name="retract"),
]
