from haven.chat.idle import end_idle
from haven.chat.models import ChatMessage, ConversationStatus, Sender
from haven.chat.services import open_web_conversation, post_message, receive_sms, take, touch_child
from haven.chat.tasks import end_idle_task
from haven.helpline.services import settings_for


def _status(conversation) -> str:
    conversation.refresh_from_db()
    return conversation.status


def test_an_active_chat_nobody_writes_in_ends_after_the_idle_time(clock, organisation, counsellor):
    conversation, _token = open_web_conversation(organisation, "en")
    take(counsellor, conversation)
    clock.advance(minutes=29)
    assert end_idle() == 0
    post_message(conversation, sender=Sender.CHILD, body="still here")
    clock.advance(minutes=29)
    assert end_idle() == 0 and _status(conversation) == ConversationStatus.ACTIVE
    clock.advance(minutes=2)
    assert end_idle_task() == 1
    assert _status(conversation) == ConversationStatus.ENDED
    assert conversation.ended_by == "idle"
    last = ChatMessage.objects.filter(conversation=conversation).last()
    assert last.sender == Sender.SYSTEM and "nobody wrote" in last.body


def test_the_idle_time_is_the_organisations_setting(clock, organisation, counsellor):
    helpline = settings_for(organisation)
    helpline.chat_idle_minutes = 5
    helpline.save()
    conversation, _token = open_web_conversation(organisation, "en")
    take(counsellor, conversation)
    clock.advance(minutes=6)
    assert end_idle() == 1


def test_a_child_still_waiting_for_a_counsellor_is_not_sent_away(clock, organisation):
    conversation, _token = open_web_conversation(organisation, "en")
    for _ in range(4):
        clock.advance(minutes=20)
        touch_child(conversation.pk)  # the child's page is still open
        assert end_idle() == 0
    assert _status(conversation) == ConversationStatus.WAITING


def test_a_waiting_web_chat_whose_child_has_gone_ends(clock, organisation):
    conversation, _token = open_web_conversation(organisation, "en")
    clock.advance(minutes=31)
    assert end_idle() == 1
    assert _status(conversation) == ConversationStatus.ENDED


def test_a_waiting_sms_conversation_never_ends_by_itself(clock, sms_channel):
    conversation = receive_sms(sms_channel, "+447700900123", "help", "p-1").conversation
    clock.advance(days=2)
    assert end_idle() == 0
    assert _status(conversation) == ConversationStatus.WAITING
