"""The web chat in a real browser against a real ASGI server (uvicorn): a child on a
phone and a counsellor on a desktop talk in real time; and with WebSockets blocked, the
long-poll fallback still carries every message."""

import re

import pytest
from django.test import Client

from conftest import verified_client
from haven.chat import cookie
from haven.chat.models import Conversation
from haven.chat.services import end, open_web_conversation, post_message, take
from haven.web.tests.conftest import DESKTOP, PHONE, accessibility_problems, browser  # noqa: F401

pytestmark = pytest.mark.browser

# A network that lets no WebSocket through: every attempt fails before it opens.
BLOCK_WEBSOCKETS = """
window.WebSocket = function () {
  var socket = this;
  socket.readyState = 3;
  socket.send = function () { throw new Error("not open"); };
  setTimeout(function () { if (socket.onclose) { socket.onclose({ code: 1006 }); } }, 20);
};
"""


@pytest.fixture
def contexts(browser, asgi_live_server):  # noqa: F811
    made = []

    def make(viewport=PHONE, user=None, javascript=True):
        context = browser.new_context(
            base_url=asgi_live_server, viewport=viewport, java_script_enabled=javascript
        )
        context.set_default_timeout(10_000)
        if user is not None:
            client = verified_client(Client(), user)
            context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
                        "url": asgi_live_server,
                    }
                ]
            )
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def _transcript(page):
    return page.locator("#transcript")


def test_a_child_and_a_counsellor_chat_in_real_time(contexts, organisation, counsellor):
    child = contexts().new_page()
    sockets = []
    child.on("websocket", lambda socket: sockets.append(socket.url))

    child.goto("/chat/")
    assert not accessibility_problems(child), accessibility_problems(child)
    child.get_by_label("English").check()
    child.get_by_label("School or friends").check()
    child.get_by_role("button", name="Start chatting").click()
    child.wait_for_url(re.compile(r"/chat/room/$"))
    assert "You are anonymous." in child.content()
    child.get_by_label("Your message").fill("I need to talk to someone")
    child.get_by_role("button", name="Send").click()
    _transcript(child).get_by_text("I need to talk to someone").wait_for()
    child.evaluate("window.stillTheSamePage = true")

    staff = contexts(DESKTOP, counsellor).new_page()
    staff.goto("/chat/queue/")
    row = staff.get_by_role("row").filter(has_text="I need to talk to someone")
    row.get_by_role("button", name=re.compile("^Take")).click()
    staff.wait_for_url(re.compile(r"/chat/conversations/\d+/$"))
    _transcript(staff).get_by_text("I need to talk to someone").wait_for()

    _transcript(child).get_by_text("A counsellor has joined the chat.").wait_for()
    staff.get_by_label("Your reply").fill("Hello, I'm Chris. I'm listening.")
    staff.get_by_role("button", name="Send").click()
    _transcript(child).get_by_text("Hello, I'm Chris. I'm listening.").wait_for(timeout=3_000)

    child.get_by_label("Your message").fill("thank you")
    child.get_by_role("button", name="Send").click()
    _transcript(staff).get_by_text("thank you").wait_for(timeout=3_000)

    assert child.evaluate("window.stillTheSamePage") is True  # live, no reload
    assert sockets and sockets[0].endswith("/chat/room/ws?after=0")
    assert not accessibility_problems(child), accessibility_problems(child)
    staff.get_by_role("link", name=re.compile("Open the contact form")).wait_for()

    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="End chat").click()
    child.get_by_text("This chat has ended. Thank you for talking to us.").wait_for()
    assert child.locator("#chat-form").is_hidden()


def test_with_websockets_blocked_the_fallback_still_delivers(contexts, organisation, counsellor):
    child_context = contexts()
    child_context.add_init_script(BLOCK_WEBSOCKETS)
    child = child_context.new_page()
    child.goto("/chat/")
    child.get_by_role("button", name="Start chatting").click()
    child.wait_for_url(re.compile(r"/chat/room/$"))
    child.get_by_text("Live connection not available").wait_for()
    child.get_by_label("Your message").fill("can you hear me")
    child.get_by_role("button", name="Send").click()
    _transcript(child).get_by_text("can you hear me").wait_for()

    conversation = Conversation.objects.get()
    take(counsellor, conversation)
    _transcript(child).get_by_text("A counsellor has joined the chat.").wait_for()

    staff = contexts(DESKTOP, counsellor).new_page()
    staff.goto(f"/chat/conversations/{conversation.pk}/")
    _transcript(staff).get_by_text("can you hear me").wait_for()
    staff.get_by_label("Your reply").fill("Yes, I can hear you.")
    staff.get_by_role("button", name="Send").click()
    _transcript(child).get_by_text("Yes, I can hear you.").wait_for(timeout=5_000)

    child.get_by_label("Your message").fill("good")
    child.get_by_role("button", name="Send").click()
    _transcript(staff).get_by_text("good", exact=True).wait_for(timeout=5_000)
    bodies = list(conversation.messages.values_list("body", flat=True))
    assert bodies.count("can you hear me") == 1 and bodies.count("good") == 1


def test_without_javascript_the_child_can_still_chat(contexts, organisation, counsellor):
    child = contexts(javascript=False).new_page()
    child.goto("/chat/")
    child.get_by_role("button", name="Start chatting").click()
    child.wait_for_url(re.compile(r"/chat/room/$"))
    child.get_by_label("Your message").fill("typed on an old phone")
    child.get_by_role("button", name="Send").click()
    _transcript(child).get_by_text("typed on an old phone").wait_for()
    take(counsellor, Conversation.objects.get())
    child.get_by_role("link", name="Refresh now").click()
    _transcript(child).get_by_text("A counsellor has joined the chat.").wait_for()
    # The page refreshes itself every 10 seconds (a noscript meta refresh).
    assert child.locator('noscript meta[http-equiv="refresh"]').count() == 1


def test_the_chat_key_is_out_of_the_address_and_out_of_reach_of_scripts(contexts, organisation):
    context = contexts()
    child = context.new_page()
    child.goto("/chat/")
    child.get_by_role("button", name="Start chatting").click()
    child.wait_for_url(re.compile(r"/chat/room/$"))
    child.get_by_label("Your message").fill("my uncle hurts me")
    child.get_by_role("button", name="Send").click()
    _transcript(child).get_by_text("my uncle hurts me").wait_for()
    (jar,) = [c for c in context.cookies() if c["name"] == cookie.NAME]
    assert (jar["httpOnly"], jar["sameSite"], jar["path"], jar["expires"]) == (
        True,
        "Lax",
        "/chat/",
        -1,  # a session cookie
    )
    assert jar["value"] not in child.url
    assert cookie.NAME not in child.evaluate("document.cookie")
    assert child.evaluate("window.sessionStorage.length") == 0


def test_leaving_quickly_leaves_nothing_to_go_back_to(contexts, organisation):
    context = contexts()
    context.route("https://www.bbc.com/**", lambda route: route.fulfill(body="Weather"))
    child = context.new_page()
    child.goto("/chat/")
    child.get_by_role("button", name="Start chatting").click()
    child.wait_for_url(re.compile(r"/chat/room/$"))
    child.get_by_label("Your message").fill("my uncle hurts me")
    child.get_by_role("button", name="Send").click()
    _transcript(child).get_by_text("my uncle hurts me").wait_for()
    child.get_by_role("link", name="Leave this site quickly").click()
    child.wait_for_url("https://www.bbc.com/weather")
    assert not [c for c in context.cookies() if c["name"] == cookie.NAME]
    child.go_back()  # the page before the chat: the room itself was replaced
    assert "/chat/room/" not in child.url
    child.goto("/chat/room/")
    assert "my uncle hurts me" not in child.content()
    child.get_by_text("There is no chat open here").first.wait_for()


def test_the_page_forgets_an_ended_chat_after_the_grace(
    contexts, asgi_live_server, organisation, clock
):
    conversation, token = open_web_conversation(organisation, "en")
    post_message(conversation, sender="child", body="my uncle hurts me")
    end(conversation, "child")
    clock.advance(minutes=9, seconds=58)  # two seconds of the grace left
    context = contexts()
    context.add_cookies([{"name": cookie.NAME, "value": token, "url": asgi_live_server + "/chat/"}])
    child = context.new_page()
    child.goto("/chat/room/")
    _transcript(child).get_by_text("my uncle hurts me").wait_for()
    _transcript(child).get_by_text("my uncle hurts me").wait_for(state="detached", timeout=8_000)
    assert child.get_by_text("Start a new chat").is_visible()
