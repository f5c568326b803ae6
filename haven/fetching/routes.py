"""Staff URLs under /fetching/ (named `routes` because `urls` is the address normaliser)."""

from django.urls import path

from haven.fetching import views

app_name = "fetching"
urlpatterns = [
    path("urls/<int:url_id>/check", views.check_now, name="check"),
]
