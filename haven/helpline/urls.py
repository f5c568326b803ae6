from django.urls import path

from haven.helpline import views

app_name = "helpline"
urlpatterns = [
    path("", views.home, name="home"),
    path("contacts/", views.contact_list, name="contacts"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<str:contact_ref>/", views.contact_detail, name="contact"),
    path("contacts/<str:contact_ref>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<str:contact_ref>/complete/", views.contact_complete, name="contact_complete"),
    path("contacts/<str:contact_ref>/reveal/", views.contact_reveal, name="contact_reveal"),
    path("settings/", views.settings_page, name="settings"),
]
