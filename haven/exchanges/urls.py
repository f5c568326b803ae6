"""Exchange pages under /exchanges/, and the feed another Haven instance fetches from."""

from django.urls import path

from haven.exchanges import api, views

app_name = "exchanges"
urlpatterns = [
    path("", views.exchange_list, name="list"),
    path("new/", views.create, name="create"),
    path("shares/", views.shares, name="shares"),
    path("shares/<int:share_id>/delete", views.share_delete, name="share_delete"),
    path("feed/<str:bank_name>/", api.FeedView.as_view(), name="feed"),
    path("<int:exchange_id>/", views.detail, name="detail"),
    path("<int:exchange_id>/edit", views.edit, name="edit"),
    path("<int:exchange_id>/fetch", views.fetch_now, name="fetch"),
    path("<int:exchange_id>/delete", views.delete, name="delete"),
]
