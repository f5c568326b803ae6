from haven.chat.models import ChatMessage, Conversation, ConversationStatus, DeliveryStatus, Sender
from haven.chat.services import end, receive_sms, reply, take
from haven.chat.tests.conftest import CHILD_NUMBER
from haven.helpline import identity
from haven.helpline.models import Contact
from haven.messaging.models import OutboundMessage


def test_a_text_from_a_new_number_opens_a_waiting_conversation(sms_channel, organisation):
    message = receive_sms(sms_channel, CHILD_NUMBER, "can someone help me", "p-1")
    conversation = message.conversation
    assert (conversation.channel, conversation.status) == ("sms", ConversationStatus.WAITING)
    assert conversation.sms_channel == sms_channel
    assert conversation.contact_key == identity.contact_key(organisation.pk, CHILD_NUMBER)
    assert CHILD_NUMBER not in conversation.address_sealed
    assert identity.unseal(conversation.address_sealed) == CHILD_NUMBER
    assert (message.sender, message.body, message.seq) == (Sender.CHILD, "can someone help me", 1)


def test_the_next_text_from_that_number_joins_the_same_conversation(sms_channel):
    first = receive_sms(sms_channel, CHILD_NUMBER, "hello", "p-1")
    second = receive_sms(sms_channel, "+44 7700 900123", "are you there", "p-2")
    assert second.conversation_id == first.conversation_id and second.seq == 2


def test_a_webhook_delivered_twice_stores_one_message(sms_channel):
    assert receive_sms(sms_channel, CHILD_NUMBER, "hello", "p-1") is not None
    assert receive_sms(sms_channel, CHILD_NUMBER, "hello", "p-1") is None
    assert ChatMessage.objects.count() == 1


def test_texts_are_never_refused_for_speed_or_length(sms_channel, settings):
    settings.CHAT_MAX_MESSAGES_PER_10S = 1
    settings.CHAT_MAX_MESSAGE_CHARS = 5
    for n in range(3):
        assert receive_sms(sms_channel, CHILD_NUMBER, f"a long text {n}", f"p-{n}") is not None
    assert ChatMessage.objects.count() == 3


def test_after_the_conversation_ends_a_new_text_opens_a_new_one(sms_channel, counsellor):
    first = receive_sms(sms_channel, CHILD_NUMBER, "hello", "p-1")
    take(counsellor, first.conversation)
    end(first.conversation, counsellor)
    again = receive_sms(sms_channel, CHILD_NUMBER, "me again", "p-2")
    assert again.conversation_id != first.conversation_id
    assert Conversation.objects.filter(status=ConversationStatus.WAITING).count() == 1


def test_taking_an_sms_conversation_starts_an_sms_contact_that_knows_the_number(
    sms_channel, counsellor, organisation
):
    conversation = receive_sms(sms_channel, CHILD_NUMBER, "hello", "p-1").conversation
    take(counsellor, conversation)
    contact = Contact.objects.get(conversation=conversation)
    assert contact.channel == "sms"
    assert contact.contact_key == identity.contact_key(organisation.pk, CHILD_NUMBER)


def test_a_counsellor_reply_goes_out_by_sms(sms_channel, counsellor):
    conversation = receive_sms(sms_channel, CHILD_NUMBER, "hello", "p-1").conversation
    take(counsellor, conversation)
    answer = reply(counsellor, conversation, body="I'm here for you")
    outbound = OutboundMessage.objects.get(chat_message=answer)
    assert (outbound.channel, outbound.purpose) == (sms_channel, "chat")
    assert identity.unseal(outbound.to_sealed) == CHILD_NUMBER
    answer.refresh_from_db()
    assert answer.delivery in {DeliveryStatus.QUEUED, DeliveryStatus.SENT}


def test_a_reply_with_no_active_channel_is_marked_failed_not_lost(sms_channel, counsellor):
    conversation = receive_sms(sms_channel, CHILD_NUMBER, "hello", "p-1").conversation
    take(counsellor, conversation)
    sms_channel.active = False
    sms_channel.save()
    answer = reply(counsellor, conversation, body="still here")
    answer.refresh_from_db()
    assert (
        answer.delivery == DeliveryStatus.FAILED
        and "No active SMS channel" in answer.delivery_error
    )
    assert ChatMessage.objects.filter(pk=answer.pk).exists()
