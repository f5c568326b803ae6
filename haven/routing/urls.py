"""Routing pages under /routing/: the directory, the report panel's actions, the
evidence package, and the public acknowledgement page."""

from django.urls import path

from haven.routing import views

app_name = "routing"
urlpatterns = [
    path("partners/", views.partner_list, name="partners"),
    path("partners/new/", views.partner_create, name="partner_create"),
    path("partners/<int:partner_id>/edit/", views.partner_edit, name="partner_edit"),
    path(
        "partners/<int:partner_id>/deactivate/",
        views.partner_deactivate,
        name="partner_deactivate",
    ),
    path("reports/<str:reference>/forward/", views.forward, name="forward"),
    path("reports/<str:reference>/police/", views.police, name="police"),
    path("reports/<str:reference>/evidence.json", views.evidence, name="evidence"),
    path("referrals/<int:referral_id>/retry/", views.retry, name="retry"),
    path(
        "referrals/<int:referral_id>/acknowledged/",
        views.mark_acknowledged,
        name="mark_acknowledged",
    ),
    # Public: the link in referral e-mails. The token is the permission.
    path("ack/<str:token>/", views.acknowledge, name="ack"),
]
