"""Chat pages under /chat/: the child's (public: the chat cookie is the permission, and
no address holds the token but the one-time /chat/c/<chat_token>/) and the counsellors'
(staff, signed in with both factors). The WebSocket routes are in routing.py."""

from django.urls import path

from haven.chat import staff_views, views

app_name = "chat"
urlpatterns = [
    # The child's side.
    path("", views.start, name="start"),
    path("room/", views.room, name="room"),
    path("room/messages", views.poll, name="poll"),
    path("room/send", views.send, name="send"),
    path("room/end", views.leave, name="leave"),
    path("exit/", views.quick_exit, name="exit"),
    path("c/<str:chat_token>/", views.rejoin, name="rejoin"),
    # The counsellors' side.
    path("queue/", staff_views.queue, name="queue"),
    path("queue.json", staff_views.queue_data, name="queue_data"),
    path(
        "conversations/<int:conversation_id>/", staff_views.conversation_page, name="conversation"
    ),
    path("conversations/<int:conversation_id>/take", staff_views.take_view, name="take"),
    path(
        "conversations/<int:conversation_id>/messages",
        staff_views.conversation_poll,
        name="conversation_poll",
    ),
    path(
        "conversations/<int:conversation_id>/send",
        staff_views.conversation_send,
        name="conversation_send",
    ),
    path("conversations/<int:conversation_id>/end", staff_views.end_view, name="end"),
]
