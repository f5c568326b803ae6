"""The chat's forms: starting a chat (language, what it is about) and the plain send
box that works without JavaScript. Length and flood limits are the service's to judge,
so that the form, the JSON endpoint and the WebSocket refuse alike."""

import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from haven.chat.services import TOPICS


class StartForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Which language would you like to chat in?"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )
    topic = forms.ChoiceField(
        label=_("What is it about? (you don't have to say)"),
        choices=list(TOPICS.items()),
        required=False,
        widget=forms.RadioSelect,
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    # The form's own id for this message: pressing Send twice stores it once.
    client_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_id", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = settings.CHAT_MAX_MESSAGE_CHARS
