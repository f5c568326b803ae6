"""Forms of the SMS channel pages. They parse input; the rules live in `channels` and
`services`."""

from django import forms

from haven.messaging.channels import NUMBER, compact_number
from haven.messaging.models import ProviderKind, SmsChannel

EXAMPLE_NUMBER = "+447700900123"  # Ofcom's range for drama: never a real phone


class ChannelForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What staff call it, e.g. “Helpline SMS” or “Alerts”.",
        error_messages={"required": "Give the channel a name."},
    )
    provider = forms.ChoiceField(
        choices=ProviderKind.choices,
        help_text="Twilio, or a provider with the same API (SignalWire…). The local fake "
        "sends nothing: for tests and demonstrations.",
        error_messages={"invalid_choice": "Choose a provider from the list."},
    )
    number = forms.CharField(
        label="Number",
        max_length=40,
        help_text="The number children text and messages are sent from, in international "
        "format (+44 7700 900123), or a Twilio Messaging Service SID (MG…).",
        error_messages={"required": "Give the channel's number."},
    )
    account_id = forms.CharField(
        label="Account SID",
        max_length=100,
        required=False,
        help_text="Twilio: the Account SID (AC…). SignalWire: the project id.",
    )
    auth_token = forms.CharField(
        label="Auth token",
        max_length=200,
        required=False,
        strip=True,
        help_text="The provider's auth token: it signs the webhooks and authenticates "
        "sending. Stored encrypted and never shown again. For the fake provider: a "
        "shared secret of your choice (blank: a random one).",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    api_base_url = forms.URLField(
        label="API address",
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text="Blank for Twilio (https://api.twilio.com). A compatible provider's "
        "address, e.g. https://example.signalwire.com/api/laml.",
        error_messages={"invalid": "Enter the API's full address, starting with https://."},
    )
    used_for_alerts = forms.BooleanField(
        required=False,
        label="Send alerts to responders from this channel",
        help_text="One channel at most; without one, alerts use the first active channel.",
    )
    active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args, channel: SmsChannel | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel is None:
            del self.fields["active"]
        else:
            self.initial.update(
                {name: getattr(channel, name) for name in self.fields if name != "auth_token"}
            )
            if channel.auth_token_sealed:
                self.fields["auth_token"].help_text = (
                    "A token is stored; leave blank to keep it. Stored encrypted and never "
                    "shown again."
                )

    def channel_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "auth_token"}


class TestMessageForm(forms.Form):
    to = forms.CharField(
        label="Send a test message to",
        max_length=40,
        help_text="A phone you hold, in international format.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": "Give the number to send the test message to."},
    )


class SimulateForm(forms.Form):
    from_number = forms.CharField(
        label="The child's phone number",
        max_length=40,
        initial=EXAMPLE_NUMBER,
        help_text="Any number in international format; +44 7700 900xxx numbers are "
        "reserved for fiction.",
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
        error_messages={"required": "Give the number the text comes from."},
    )
    body = forms.CharField(
        label="Text message",
        max_length=1600,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the text the child sends."},
    )

    def clean_from_number(self) -> str:
        number = compact_number(self.cleaned_data["from_number"])
        if not NUMBER.match(number):
            raise forms.ValidationError(f"Use international format, such as {EXAMPLE_NUMBER}.")
        return number
