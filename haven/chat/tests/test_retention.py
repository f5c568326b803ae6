from datetime import timedelta

from haven.audit.models import AuditEvent
from haven.chat.models import ChatMessage, Conversation
from haven.chat.retention import anonymise_due
from haven.chat.services import (
    conversation_for_token,
    end,
    open_web_conversation,
    post_message,
    receive_sms,
    take,
)
from haven.helpline.retention import anonymise_due as anonymise_everything


def _ended_chat(organisation, counsellor, text="my secret"):
    conversation, token = open_web_conversation(organisation, "en")
    post_message(conversation, sender="child", body=text, client_id="c1")
    take(counsellor, conversation)
    end(conversation, counsellor)
    return conversation, token


def test_chats_ended_before_the_cutoff_lose_their_words_but_keep_their_counts(
    clock, organisation, counsellor, sms_channel
):
    old, token = _ended_chat(organisation, counsellor)
    sms = receive_sms(sms_channel, "+447700900123", "my address is", "p-1").conversation
    end(sms, "idle")
    clock.advance(days=10)
    recent, _ = _ended_chat(organisation, counsellor, "recent")
    open_chat, _ = open_web_conversation(organisation, "en")
    post_message(open_chat, sender="child", body="still talking")

    assert anonymise_due(organisation, clock.now - timedelta(days=5)) == 2

    old.refresh_from_db()
    sms.refresh_from_db()
    assert old.anonymised_at is not None and sms.anonymised_at is not None
    assert sms.address_sealed == "" and sms.contact_key == ""
    assert set(
        ChatMessage.objects.filter(conversation__in=[old, sms]).values_list("body", flat=True)
    ) == {""}
    assert ChatMessage.objects.filter(conversation=old).count() == 3  # counts and times stay
    assert old.ended_at is not None and old.taken_at is not None
    assert conversation_for_token(token) is None
    assert ChatMessage.objects.get(conversation=recent, seq=1).body == "recent"
    assert ChatMessage.objects.get(conversation=open_chat).body == "still talking"
    assert anonymise_due(organisation, clock.now - timedelta(days=5)) == 0


def test_another_organisations_chats_are_left_alone(
    clock, organisation, other_organisation, counsellor, outsider
):
    _ended_chat(other_organisation, outsider, "theirs")
    clock.advance(days=3)
    assert anonymise_due(organisation, clock.now) == 0
    assert ChatMessage.objects.filter(body="theirs").exists()


def test_the_helpline_retention_run_anonymises_chats_past_retention(
    clock, organisation, counsellor
):
    conversation, _ = _ended_chat(organisation, counsellor)
    clock.advance(days=731)
    counts = anonymise_everything()
    assert counts[organisation.pk]["conversations"] == 1
    assert Conversation.objects.get(pk=conversation.pk).anonymised_at is not None


def test_a_waiting_sms_conversation_silent_since_the_cutoff_is_ended_then_anonymised(
    clock, organisation, sms_channel
):
    """It never ends by itself (the child is owed an answer): retention ends it."""
    silent = receive_sms(sms_channel, "+447700900123", "my address is 4 Elm Road", "p-1")
    clock.advance(days=10)
    recent = receive_sms(sms_channel, "+447700900999", "still waiting", "p-2")

    assert anonymise_due(organisation, clock.now - timedelta(days=5)) == 1

    old = Conversation.objects.get(pk=silent.conversation_id)
    assert (old.status, old.ended_by) == ("ended", "retention")
    assert old.anonymised_at is not None
    assert (old.address_sealed, old.contact_key) == ("", "")
    assert set(ChatMessage.objects.filter(conversation=old).values_list("body", flat=True)) == {""}
    assert AuditEvent.objects.filter(action="chat.ended", target_id=str(old.pk)).exists()
    kept = Conversation.objects.get(pk=recent.conversation_id)
    assert (kept.status, kept.anonymised_at) == ("waiting", None)
    assert ChatMessage.objects.get(conversation=kept).body == "still waiting"
    assert anonymise_due(organisation, clock.now - timedelta(days=5)) == 0


def test_an_open_chat_nobody_wrote_in_since_the_cutoff_is_ended_then_anonymised(
    clock, organisation, counsellor
):
    conversation, token = open_web_conversation(organisation, "en")
    post_message(conversation, sender="child", body="my secret")
    take(counsellor, conversation)
    clock.advance(days=10)
    assert anonymise_due(organisation, clock.now - timedelta(days=5)) == 1
    conversation.refresh_from_db()
    assert conversation.status == "ended" and conversation.anonymised_at is not None
    assert conversation_for_token(token) is None
    assert not ChatMessage.objects.filter(body="my secret").exists()
