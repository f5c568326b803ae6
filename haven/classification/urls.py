"""Classification pages under /classification/: schemes, labels, and the report page's
classify forms."""

from django.urls import path

from haven.classification import views

app_name = "classification"
urlpatterns = [
    path("", views.scheme_list, name="schemes"),
    path("new", views.scheme_create, name="scheme_create"),
    path("<int:scheme_id>/", views.scheme_detail, name="scheme"),
    path("<int:scheme_id>/edit", views.scheme_edit, name="scheme_edit"),
    path("<int:scheme_id>/delete", views.scheme_delete, name="scheme_delete"),
    path("<int:scheme_id>/labels/new", views.label_create, name="label_create"),
    path("labels/<int:label_id>/edit", views.label_edit, name="label_edit"),
    path("labels/<int:label_id>/delete", views.label_delete, name="label_delete"),
    path("reports/<str:reference>/", views.classify_report, name="classify_report"),
    path(
        "reports/<str:reference>/from-items",
        views.classify_from_items,
        name="classify_from_items",
    ),
    path("reports/<str:reference>/items/<int:item_id>", views.classify_item, name="classify_item"),
    path("reports/<str:reference>/urls/<int:url_id>", views.classify_url, name="classify_url"),
    path("reports/<str:reference>/separate", views.separate, name="separate"),
]
