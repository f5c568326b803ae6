"""Emergency pages under /emergencies/. The responder's link (respond/) is public: the
token is the permission. Fixed paths come before <emergency_ref>/ so they are never
read as a reference."""

from django.urls import path

from haven.emergencies import responding, views

app_name = "emergencies"
urlpatterns = [
    path("", views.board_page, name="board"),
    path("board.json", views.board_data, name="board_data"),
    path("new/", views.new, name="new"),
    path("from-contact/<str:contact_ref>/", views.open_from_contact, name="open_from_contact"),
    path("from-report/<str:reference>/", views.open_from_report, name="open_from_report"),
    path("respond/<str:alert_token>/", responding.respond, name="respond"),
    path("partner/", responding.partner_list, name="partner_list"),
    path("partner/<str:emergency_ref>/", responding.partner_detail, name="partner_detail"),
    path("<str:emergency_ref>/", views.detail, name="detail"),
    path("<str:emergency_ref>/reveal/", views.reveal, name="reveal"),
    path("<str:emergency_ref>/confirm/", views.confirm, name="confirm"),
    path("<str:emergency_ref>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<str:emergency_ref>/arrived/", views.arrived, name="arrived"),
    path("<str:emergency_ref>/assign/", views.assign, name="assign"),
    path("<str:emergency_ref>/close/", views.close, name="close"),
]
