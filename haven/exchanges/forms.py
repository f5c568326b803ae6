"""Forms for exchanges and bank shares. They parse input; the rules live in `services`.

The exchange form is built from the kind's description in `kinds`. Credential fields are
password inputs that never render a value: a stored credential is never sent back.
"""

from django import forms

from haven.accounts.models import User
from haven.exchanges.config import custom_urls_allowed
from haven.exchanges.kinds import BASE_URL, Field, spec
from haven.exchanges.models import MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES
from haven.matching.models import HashBank

SETTING = "setting_"
CREDENTIAL = "credential_"


def _banks(organisation_id: int):
    return HashBank.objects.filter(organisation_id=organisation_id).order_by("name")


class ExchangeForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        help_text="Shown in lists and on each hash it brings; it cannot be changed later.",
    )
    bank = forms.ModelChoiceField(
        queryset=HashBank.objects.none(),
        label="Into bank",
        empty_label="Choose a bank",
        error_messages={"required": "Choose the bank the hashes go into."},
    )
    enabled = forms.BooleanField(required=False, initial=True, label="Fetch on schedule")
    interval_minutes = forms.IntegerField(
        label="Fetch every (minutes)",
        initial=60,
        min_value=MIN_INTERVAL_MINUTES,
        max_value=MAX_INTERVAL_MINUTES,
    )

    def __init__(self, *args, kind: str, organisation_id: int, exchange=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.exchange = exchange
        bank = self.fields["bank"]
        assert isinstance(bank, forms.ModelChoiceField)
        bank.queryset = _banks(organisation_id)
        if exchange is not None:
            del self.fields["name"]
            self.initial.update(
                bank=exchange.bank,
                enabled=exchange.enabled,
                interval_minutes=exchange.interval_minutes,
            )
        kind_spec = spec(kind)
        for field in kind_spec.settings:
            if field is BASE_URL and not (custom_urls_allowed() or _stored(exchange, field)):
                continue  # a testing aid: offered only where the server allows it
            self.fields[SETTING + field.name] = _setting_field(field)
            if exchange is not None:
                self.initial[SETTING + field.name] = shown(exchange.settings.get(field.name))
        for field in kind_spec.credentials:
            self.fields[CREDENTIAL + field.name] = _credential_field(field, stored=exchange)

    def settings_data(self) -> dict:
        return {
            name[len(SETTING) :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(SETTING)
        }

    def credentials_data(self) -> dict:
        return {
            name[len(CREDENTIAL) :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(CREDENTIAL)
        }


def _stored(exchange, field: Field) -> bool:
    return exchange is not None and bool(exchange.settings.get(field.name))


def _setting_field(field: Field) -> forms.Field:
    label, help_text, required = field.label, field.help, field.required
    if field.type == "choice":
        choices = [("", "Choose one"), *((c, c.replace("_", " ")) for c in field.choices)]
        return forms.ChoiceField(
            choices=choices, label=label, help_text=help_text, required=required
        )
    if field.type == "int":
        return forms.IntegerField(min_value=0, label=label, help_text=help_text, required=required)
    return forms.CharField(max_length=500, label=label, help_text=help_text, required=required)


def _credential_field(field: Field, stored) -> forms.Field:
    help_text = field.help
    if stored is not None:
        help_text = f"{help_text} A value is stored; leave blank to keep it.".strip()
    return forms.CharField(
        label=field.label,
        help_text=help_text,
        required=stored is None,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )


def shown(value):
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value


class ShareForm(forms.Form):
    bank = forms.ModelChoiceField(
        queryset=HashBank.objects.none(),
        empty_label="Choose a bank",
        error_messages={"required": "Choose the bank to share."},
    )
    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        to_field_name="username",
        label="With the account",
        empty_label="Choose an account",
        help_text="Usually a partner account made for the other Haven; its API tokens "
        "will read the feed.",
        error_messages={"required": "Choose who may read the feed."},
    )
    include_notes = forms.BooleanField(required=False, label="Include the entries' notes")

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        bank, user = self.fields["bank"], self.fields["user"]
        assert isinstance(bank, forms.ModelChoiceField)
        assert isinstance(user, forms.ModelChoiceField)
        bank.queryset = _banks(organisation_id)
        user.queryset = User.objects.filter(
            organisation_id=organisation_id, is_active=True
        ).order_by("username")
