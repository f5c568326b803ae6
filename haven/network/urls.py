from django.urls import path

from haven.network import views

app_name = "network"
urlpatterns = [path("portal/", views.portal, name="portal")]
