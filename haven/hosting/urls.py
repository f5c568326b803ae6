from django.urls import path

from haven.hosting import views

app_name = "hosting"
urlpatterns = [
    path("urls/<int:url_id>/locate", views.locate, name="locate"),
    path("urls/<int:url_id>/correct", views.correct, name="correct"),
    path("directory/", views.directory_list, name="directory"),
    path("directory/add", views.directory_add, name="directory_add"),
    path("directory/import", views.directory_import, name="directory_import"),
    path("directory/<int:directory_entry_id>/", views.directory_entry, name="directory_entry"),
    path("directory/<int:directory_entry_id>/edit", views.directory_edit, name="directory_edit"),
    path(
        "directory/<int:directory_entry_id>/delete", views.directory_delete, name="directory_delete"
    ),
]
