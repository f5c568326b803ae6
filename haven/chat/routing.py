"""WebSocket routes of the web chat."""

websocket_urlpatterns: list = []
