"""Case pages under /cases/. Fixed paths come before <case_ref>/ so that they are never
read as a case reference."""

from django.urls import path

from haven.cases import partner_views, views, work_views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("overdue/", views.overdue_board, name="overdue"),
    path("from-contact/<str:contact_ref>/", views.open_from_contact, name="open_from_contact"),
    path("from-report/<str:reference>/", views.open_from_report, name="open_from_report"),
    path(
        "from-emergency/<str:emergency_ref>/",
        views.open_from_emergency,
        name="open_from_emergency",
    ),
    # The partner's page of one referral (responders; staff see it read-only).
    path(
        "partner/referrals/<int:case_referral_id>/",
        partner_views.partner_referral,
        name="partner_referral",
    ),
    path(
        "services/<int:case_service_id>/status/",
        work_views.service_status,
        name="service_status",
    ),
    path("services/<int:case_service_id>/refer/", work_views.refer, name="refer"),
    path(
        "referrals/<int:case_referral_id>/response/",
        work_views.record_response,
        name="record_response",
    ),
    path("follow-ups/<int:follow_up_id>/done/", work_views.follow_up_done, name="follow_up_done"),
    path("<str:case_ref>/", views.detail, name="detail"),
    path("<str:case_ref>/reveal/", views.reveal, name="reveal"),
    path("<str:case_ref>/print/", views.print_summary, name="print"),
    path("<str:case_ref>/assign/", work_views.assign, name="assign"),
    path("<str:case_ref>/take/", work_views.take, name="take"),
    path("<str:case_ref>/details/", work_views.details, name="details"),
    path("<str:case_ref>/record/", work_views.write_record, name="record"),
    path("<str:case_ref>/advance/", work_views.advance, name="advance"),
    path("<str:case_ref>/close/", work_views.close, name="close"),
    path("<str:case_ref>/reopen/", work_views.reopen, name="reopen"),
    path("<str:case_ref>/contacts/", work_views.link_contact, name="link_contact"),
    path("<str:case_ref>/reports/", work_views.link_report, name="link_report"),
    path("<str:case_ref>/emergencies/", work_views.link_emergency, name="link_emergency"),
    path("<str:case_ref>/services/", work_views.add_service, name="add_service"),
    path("<str:case_ref>/follow-ups/", work_views.add_follow_up, name="add_follow_up"),
]
