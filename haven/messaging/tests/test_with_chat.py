"""The webhook and the chat together: an SMS from a child becomes a waiting
conversation, a repeated delivery stays one message, and a counsellor's reply goes out
on the number the child texted. Runs once the chat's services exist."""

import pytest

from haven.chat.models import ChatMessage, Conversation
from haven.messaging import services
from haven.messaging.models import OutboundStatus
from haven.messaging.providers import FakeProvider
from haven.messaging.tests.conftest import CHILD, fake_post, inbound_path

pytestmark = pytest.mark.django_db

chat_services = pytest.importorskip("haven.chat.services")
if not hasattr(chat_services, "receive_sms"):
    pytest.skip("the chat's receive_sms is not written yet", allow_module_level=True)


def test_an_sms_opens_a_conversation_once_however_often_it_is_delivered(
    client, fake_channel, django_capture_on_commit_callbacks
):
    params = {"from": CHILD, "body": "my dad hit me", "id": "in-42"}
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert fake_post(client, inbound_path(fake_channel), params).status_code == 200
    stored = ChatMessage.objects.get(provider_message_id=f"{fake_channel.pk}/in-42")
    assert stored.body == "my dad hit me"
    conversation = Conversation.objects.get()
    assert conversation.sms_channel == fake_channel
    assert conversation.organisation == fake_channel.organisation
    assert CHILD not in conversation.address_sealed


def test_a_reply_to_an_sms_conversation_goes_to_the_childs_number(
    client, fake_channel, django_capture_on_commit_callbacks
):
    from haven.helpline.identity import unseal

    params = {"from": CHILD, "body": "hello?", "id": "in-43"}
    with django_capture_on_commit_callbacks(execute=True):
        fake_post(client, inbound_path(fake_channel), params)
    conversation = Conversation.objects.get()
    reply = ChatMessage.objects.create(
        conversation=conversation,
        seq=conversation.messages.count() + 1,
        sender="counsellor",
        body="Hello, I am listening.",
        created_at=conversation.last_activity_at,
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_sms(
            conversation.organisation,
            to=unseal(conversation.address_sealed),
            body=reply.body,
            purpose=services.Purpose.CHAT,
            chat_message=reply,
        )
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT
    assert FakeProvider.outbox[-1].to == CHILD
    reply.refresh_from_db()
    assert reply.delivery == "sent"
