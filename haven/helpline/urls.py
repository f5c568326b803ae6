from django.urls import path

from haven.helpline import views

app_name = "helpline"
urlpatterns = [path("", views.home, name="home")]
