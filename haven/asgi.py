"""ASGI entry point: what `haven run` serves (gunicorn with uvicorn workers). HTTP goes
to Django as usual; WebSocket connections are the live web chat (haven.chat)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
# Django first: the chat routes import models, which need the app registry.
django.setup(set_prefix=False)

from haven.web.asgi_handler import HavenASGIHandler  # noqa: E402

django_application = HavenASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from haven.chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
