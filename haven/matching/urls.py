"""Hash bank pages under /banks/, and feedback on matches from the report page."""

from django.urls import path

from haven.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.bank_list, name="banks"),
    path("new", views.bank_create, name="bank_create"),
    path("<int:bank_id>/", views.bank_detail, name="bank"),
    path("<int:bank_id>/edit", views.bank_edit, name="bank_edit"),
    path("<int:bank_id>/delete", views.bank_delete, name="bank_delete"),
    path("<int:bank_id>/add", views.entry_add, name="entry_add"),
    path("<int:bank_id>/upload", views.entry_upload, name="entry_upload"),
    path("<int:bank_id>/import", views.bank_import, name="bank_import"),
    path("<int:bank_id>/export", views.bank_export, name="bank_export"),
    path("imports/<int:import_id>/errors", views.import_errors, name="import_errors"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry"),
    path("entries/<int:entry_id>/edit", views.entry_edit, name="entry_edit"),
    path("entries/<int:entry_id>/remove", views.entry_remove, name="entry_remove"),
    path("matches/<int:match_id>/feedback", views.match_feedback, name="match_feedback"),
]
