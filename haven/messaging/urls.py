"""SMS pages under /messaging/: the channels (supervisors) and the providers' webhooks
(public, authenticated by their signature; /messaging/inbound/ is exempt from the
two-factor middleware)."""

from django.urls import path

from haven.messaging import views

app_name = "messaging"
urlpatterns = [
    path("channels/", views.channel_list, name="channels"),
    path("channels/new/", views.channel_create, name="channel_create"),
    path("channels/<int:sms_channel_id>/edit/", views.channel_edit, name="channel_edit"),
    path(
        "channels/<int:sms_channel_id>/deactivate/",
        views.channel_deactivate,
        name="channel_deactivate",
    ),
    path("channels/<int:sms_channel_id>/test/", views.channel_test, name="channel_test"),
    path(
        "channels/<int:sms_channel_id>/simulate/",
        views.channel_simulate,
        name="channel_simulate",
    ),
    # Public: the provider calls these. The random public id names the channel.
    path("inbound/<str:public_id>/", views.inbound, name="inbound"),
    path("status/<str:public_id>/", views.status, name="status"),
]
