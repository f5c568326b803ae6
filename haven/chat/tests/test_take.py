import threading

import pytest
from django.db import connection

from conftest import make_user
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.chat.models import ChatMessage, ConversationStatus, Sender
from haven.chat.services import ChatRefused, end, open_web_conversation, take
from haven.helpline.models import Contact


def test_taking_a_chat_makes_it_active_and_starts_a_contact(web_chat, counsellor):
    conversation, _token = web_chat
    take(counsellor, conversation)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ACTIVE
    assert conversation.counsellor == counsellor and conversation.taken_at is not None
    contact = Contact.objects.get(conversation=conversation)
    assert (contact.channel, contact.counsellor, contact.organisation) == (
        "chat",
        counsellor,
        conversation.organisation,
    )
    joined = ChatMessage.objects.get(conversation=conversation)
    assert joined.sender == Sender.SYSTEM
    assert AuditEvent.objects.filter(action="chat.taken", target_id=str(conversation.pk)).exists()


def test_taking_twice_by_the_same_counsellor_changes_nothing(web_chat, counsellor):
    conversation, _token = web_chat
    take(counsellor, conversation)
    take(counsellor, conversation)
    assert Contact.objects.filter(conversation=conversation).count() == 1
    assert ChatMessage.objects.filter(conversation=conversation).count() == 1


def test_an_ended_chat_cannot_be_taken(web_chat, counsellor):
    conversation, _token = web_chat
    end(conversation, "child")
    with pytest.raises(ChatRefused) as refused:
        take(counsellor, conversation)
    assert refused.value.code == "ended"
    assert not Contact.objects.exists()


def test_a_counsellor_cannot_take_another_organisations_chat(web_chat, outsider):
    conversation, _token = web_chat
    with pytest.raises(ValueError):
        take(outsider, conversation)


@pytest.mark.django_db(transaction=True)
def test_two_counsellors_clicking_take_at_once_one_wins_the_other_is_told(organisation):
    conversation, _token = open_web_conversation(organisation, "en")
    counsellors = [make_user(organisation, f"c{n}", Role.COUNSELLOR) for n in range(4)]
    start, won, refused = threading.Barrier(len(counsellors)), [], []

    def click(user) -> None:
        try:
            start.wait()
            take(user, conversation.__class__.objects.get(pk=conversation.pk))
            won.append(user)
        except ChatRefused as refusal:
            refused.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(user,)) for user in counsellors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and refused == ["taken"] * 3
    conversation.refresh_from_db()
    assert conversation.counsellor == won[0]
    assert Contact.objects.filter(conversation=conversation).count() == 1
    assert ChatMessage.objects.filter(conversation=conversation).count() == 1
