"""The partner network's pages, under /network/: districts, partners, their services,
responders and rota, the directory of services, and the partner portal."""

from django.urls import path

from haven.network.views import districts, partners, portal, responders, rota, services

app_name = "network"
urlpatterns = [
    path("portal/", portal.portal, name="portal"),
    # Districts
    path("districts/", districts.district_list, name="districts"),
    path("districts/new/", districts.district_create, name="district_create"),
    path("districts/bulk/", districts.district_bulk, name="district_bulk"),
    path("districts/<int:district_id>/edit/", districts.district_edit, name="district_edit"),
    path(
        "districts/<int:district_id>/deactivate/",
        districts.district_deactivate,
        name="district_deactivate",
    ),
    # Partners
    path("partners/", partners.partner_list, name="partners"),
    path("partners/new/", partners.partner_create, name="partner_create"),
    path("partners/<int:service_partner_id>/", partners.partner_detail, name="partner_detail"),
    path("partners/<int:service_partner_id>/edit/", partners.partner_edit, name="partner_edit"),
    path(
        "partners/<int:service_partner_id>/deactivate/",
        partners.partner_deactivate,
        name="partner_deactivate",
    ),
    # Services and the directory
    path("directory/", services.directory_page, name="directory"),
    path(
        "partners/<int:service_partner_id>/services/new/",
        services.service_create,
        name="service_create",
    ),
    path("services/<int:partner_service_id>/edit/", services.service_edit, name="service_edit"),
    path(
        "services/<int:partner_service_id>/deactivate/",
        services.service_deactivate,
        name="service_deactivate",
    ),
    # Responders
    path(
        "partners/<int:service_partner_id>/responders/new/",
        responders.responder_create,
        name="responder_create",
    ),
    path("responders/<int:responder_id>/edit/", responders.responder_edit, name="responder_edit"),
    path(
        "responders/<int:responder_id>/deactivate/",
        responders.responder_deactivate,
        name="responder_deactivate",
    ),
    path(
        "responders/<int:responder_id>/login/", responders.responder_login, name="responder_login"
    ),
    # The rota
    path("partners/<int:service_partner_id>/rota/", rota.rota_week, name="rota"),
    path("partners/<int:service_partner_id>/rota/shifts/", rota.shift_add, name="shift_add"),
    path("partners/<int:service_partner_id>/rota/weekly/", rota.shift_weekly, name="shift_weekly"),
    path("shifts/<int:shift_id>/remove/", rota.shift_remove, name="shift_remove"),
]
