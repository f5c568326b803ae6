"""WebSocket routes of the web chat (served by haven.asgi)."""

from django.urls import path

from haven.chat import consumers

websocket_urlpatterns: list = [
    path("chat/room/ws", consumers.ChildChatSocket.as_asgi()),
    path("chat/ws/<int:conversation_id>", consumers.CounsellorChatSocket.as_asgi()),
]
