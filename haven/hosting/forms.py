"""Forms for the hosting pages: they parse input; the rules live in `services` and
`directory`, whose refusals are put back beside the field they are about."""

from typing import Any

from django import forms

from haven.hosting import directory
from haven.hosting.models import DirectoryKind, HostDirectoryEntry, Hosting
from haven.triage.actions import InvalidInput
from haven.web.countries import country_choices
from haven.web.forms import show_refusal as show_error
from haven.web.languages import language_choices

IMPORT_MAX_BYTES = 1024 * 1024
CHOOSE_COUNTRY = "Choose a country from the list."


def _countries() -> list[tuple[str, str]]:
    return country_choices("Not known")


def _keep_recorded(field: forms.Field, recorded: str) -> None:
    """Keep a value recorded before the choices were checked selectable, so that the
    form does not quietly replace it with the first choice."""
    assert isinstance(field, forms.ChoiceField)
    choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
    values: set[str] = set()
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            values.update(choice for choice, _ in label)
        else:
            values.add(value)
    if recorded and recorded not in values:
        field.choices = [*choices, (recorded, recorded)]


class CorrectionForm(forms.Form):
    """An analyst's corrections to one address's hosting record. Only the fields whose
    value differs from what is recorded become corrections."""

    country = forms.ChoiceField(
        choices=_countries, required=False, error_messages={"invalid_choice": CHOOSE_COUNTRY}
    )
    network_name = forms.CharField(label="Network (who runs it)", max_length=200, required=False)
    network_range = forms.CharField(
        label="Network range",
        max_length=100,
        required=False,
        help_text="A range such as 203.0.113.0/24 (several separated by commas), or its "
        "first and last addresses such as 203.0.113.0 - 203.0.113.255.",
    )
    abuse_email = forms.CharField(
        label="Abuse e-mail",
        max_length=254,
        required=False,
        help_text="Where notices go, unless the directory lists a notice API for this host.",
    )
    registrar_name = forms.CharField(label="Registrar", max_length=200, required=False)
    registrar_abuse_email = forms.CharField(
        label="Registrar's abuse e-mail", max_length=254, required=False
    )
    cdn = forms.CharField(
        label="CDN in front of the site",
        max_length=100,
        required=False,
        help_text="The CDN's name, e.g. Cloudflare; empty when the site is not behind one.",
    )

    def __init__(self, *args, hosting: Hosting | None = None, url_id: int = 0, **kwargs):
        initial = {name: getattr(hosting, name) for name in self.base_fields} if hosting else {}
        kwargs.setdefault("initial", initial)
        # Ids unique per address: the report page shows one form per reported address.
        kwargs.setdefault("auto_id", f"id_hosting{url_id}_%s")
        super().__init__(*args, **kwargs)
        # A registry code that is not a country (EU, AP): keep it selectable.
        _keep_recorded(self.fields["country"], initial.get("country", ""))

    def clean_network_range(self) -> str:
        text = self.cleaned_data.get("network_range", "")
        if text == (self.initial.get("network_range") or ""):
            # What the look-up recorded stays as it is, even in a form it did not expect.
            return text
        try:
            return directory.clean_network_range(text)
        except InvalidInput as problem:
            raise forms.ValidationError(problem.message) from None

    def clean_abuse_email(self) -> str:
        return self._email("abuse_email")

    def clean_registrar_abuse_email(self) -> str:
        return self._email("registrar_abuse_email")

    def _email(self, name: str) -> str:
        try:
            return directory.clean_email(self.cleaned_data.get(name, ""), name)
        except InvalidInput as problem:
            raise forms.ValidationError(problem.message) from None

    def changes(self) -> dict[str, str]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value != (self.initial.get(name) or "")
        }


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        choices=DirectoryKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is a network or a domain."},
    )
    match = forms.CharField(
        label="Network range or domain",
        max_length=255,
        help_text="A range such as 203.0.113.0/24, or a domain such as example.org "
        "(its subdomains are included).",
        error_messages={"required": "Enter the range or the domain."},
    )
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Name the host or service."}
    )
    country = forms.ChoiceField(
        choices=_countries, required=False, error_messages={"invalid_choice": CHOOSE_COUNTRY}
    )
    abuse_email = forms.CharField(
        label="Abuse e-mail",
        max_length=254,
        required=False,
        help_text="Notices go here rather than to the address RDAP gives.",
    )
    notice_api_url = forms.CharField(
        label="Notice API address",
        max_length=500,
        required=False,
        help_text="Only for hosts that take notices through an API: its https:// address.",
    )
    api_token = forms.CharField(
        label="Notice API token",
        max_length=2000,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    forget_token = forms.BooleanField(label="Remove the stored token", required=False)
    language = forms.ChoiceField(
        label="Language of notices",
        choices=(),
        required=False,
        error_messages={"invalid_choice": "Choose the language of notices from the list."},
    )
    cdn = forms.BooleanField(
        label="This is a CDN or reverse proxy: the real host is hidden behind it", required=False
    )
    notes = forms.CharField(
        required=False,
        max_length=directory.NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, entry: HostDirectoryEntry | None = None, **kwargs):
        if entry is not None:
            kwargs.setdefault(
                "initial", {name: getattr(entry, name) for name in directory.ENTRY_FIELDS}
            )
        super().__init__(*args, **kwargs)
        self.entry = entry
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = language_choices("Your organisation's default")
        _keep_recorded(language, entry.language if entry else "")
        _keep_recorded(self.fields["country"], entry.country if entry else "")
        stored = entry is not None and bool(entry.notice_api_token_sealed)
        self.fields["api_token"].help_text = (
            "A token is stored (encrypted, never shown). Enter a new one to replace it."
            if stored
            else "Stored encrypted and never shown again after saving."
        )
        if not stored:
            del self.fields["forget_token"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            cleaned = directory.clean_entry(data)
        except InvalidInput as problem:
            show_error(self, problem)
            return data
        data.update(cleaned)
        return data

    def entry_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in directory.ENTRY_FIELDS}


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="First line: kind,match,name,country,abuse_email,notice_api_url,language,"
        "cdn,notes (kind, match and name required). Rows for an existing range or domain "
        "update it. Tokens are not imported.",
        error_messages={"required": "Choose a file.", "empty": "The file is empty."},
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None
