"""The child's key to their chat, kept in a cookie instead of the address.

An address stays in the browser's history, and on a shared family phone whoever opens
the history after the child could read the chat. So the token that opens a chat lives
in a cookie: HttpOnly (the page's scripts never see it), SameSite=Lax (another site
cannot post with it), Secure over HTTPS, limited to /chat/, and kept only for the
browser session. The pages, the WebSocket and the long-poll read it; "End chat" and
"Leave this site quickly" delete it.
"""

from django.conf import settings

NAME = "haven_chat"
PATH = "/chat/"


def token_from(cookies) -> str:
    """The token in a request's cookies (request.COOKIES, or a WebSocket scope's)."""
    value = cookies.get(NAME, "") if cookies else ""
    return value if isinstance(value, str) else ""


def remember(response, request, token: str) -> None:
    response.set_cookie(
        NAME,
        token,
        # No max_age or expires: a session cookie, gone when the browser closes.
        path=PATH,
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget(response) -> None:
    response.delete_cookie(NAME, path=PATH, samesite="Lax")
