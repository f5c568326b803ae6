"""The public forms: making a report, and checking its status with a reference and PIN.

Every message here is read by children and worried adults, so errors say what is wrong
and how to put it right, one line at a time where the reporter typed several.
"""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from haven.reports.intake import DangerNow, ReportInput, Upload
from haven.reports.models import AgeBand, Category

MAX_URLS = 20
MAX_FILES = 10
MAX_URL_LENGTH = 2048
DANGER_LOCATION_MAX = 1000
DANGER_HINT_ID = "id_category_danger_hint"

# "word:" not followed by a digit is a scheme (javascript:, ftp:, mailto:); a digit
# means a port, as in "example.com:8080/page", which lacks only its https://.
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[0-9 ().-]+$")
_validate_web_address = URLValidator(schemes=["http", "https"])


class CategoryRadioSelect(forms.RadioSelect):
    """Radios that tie the "danger now" option to the hint printed under it."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value == Category.DANGER_NOW:
            option["attrs"]["aria-describedby"] = DANGER_HINT_ID
        return option


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several optional files from one `<input type=file multiple>`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,video/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        # Size and type are judged by intake, file by file, so that one bad file is
        # reported by name and never stops the rest of the report.
        if len(files) > MAX_FILES:
            raise ValidationError(
                _("You can send at most %(limit)s files. You chose %(count)s."),
                code="too_many_files",
                params={"limit": MAX_FILES, "count": len(files)},
            )
        return files


def web_address(line: str) -> str:
    """A line as typed, with https:// added when the reporter left the scheme off."""
    if "://" not in line and not _SCHEME.match(line):
        return "https://" + line
    return line


def clean_web_addresses(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    addresses = [line for line in lines if line]
    if len(addresses) > MAX_URLS:
        raise ValidationError(
            _("Please give at most %(limit)s web addresses. You gave %(count)s."),
            code="too_many_urls",
            params={"limit": MAX_URLS, "count": len(addresses)},
        )
    cleaned, errors = [], []
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        address = web_address(line)
        try:
            if len(address) > MAX_URL_LENGTH:
                raise ValidationError("too long")
            _validate_web_address(address)
        except ValidationError:
            errors.append(bad_address_error(number, line))
            continue
        if address not in cleaned:
            cleaned.append(address)
    if errors:
        raise ValidationError(errors)
    return cleaned


def bad_address_error(number: int, line: str) -> ValidationError:
    shown = line if len(line) <= 60 else line[:57] + "..."
    return ValidationError(
        _(
            "Line %(line)s: “%(address)s” is not a web address we can use. "
            "Check it for typing mistakes, or copy it from the browser's address bar "
            "(like https://example.com/page)."
        ),
        code="bad_url",
        params={"line": number, "address": shown},
    )


def clean_contact(text: str) -> str:
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(
                _("This e-mail address does not look right. Check it, or leave it empty."),
                code="bad_email",
            ) from None
        return text
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE.match(text) or not 6 <= digits <= 15:
        raise ValidationError(
            _(
                "Enter an e-mail address or a phone number (digits, spaces and + only), "
                "or leave it empty."
            ),
            code="bad_contact",
        )
    return text


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What happened?"),
        choices=Category.choices,
        widget=CategoryRadioSelect,
        error_messages={"required": _("Choose what happened.")},
    )
    description = forms.CharField(
        label=_("Tell us what happened"),
        help_text=_(
            "In your own words: what you saw, when, and anything else that may help. "
            "Do not put your name here unless you want to."
        ),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    urls = forms.CharField(
        label=_("Where did you see it? (optional)"),
        help_text=ngettext_lazy(
            "Web addresses, one on each line, starting with https://. At most %(limit)d address.",
            "Web addresses, one on each line, starting with https://. At most %(limit)d addresses.",
            "limit",
        )
        % {"limit": MAX_URLS},
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "autocapitalize": "off", "autocorrect": "off", "spellcheck": "false"}
        ),
    )
    platform = forms.CharField(
        label=_("Which app, game or website? (optional)"),
        help_text=_("For example the name of a chat app, game or social network."),
        required=False,
        max_length=200,
    )
    # Not "files": that name is taken by Form.files, the uploaded data itself.
    uploads = MultipleFileField(
        label=_("Photos or videos (optional)"),
        help_text=ngettext_lazy(
            "Only if you already have them. Do not go looking for more. At most %(limit)d file.",
            "Only if you already have them. Do not go looking for more. At most %(limit)d files.",
            "limit",
        )
        % {"limit": MAX_FILES},
        required=False,
    )
    age_band = forms.ChoiceField(
        label=_("How old is the child? (optional)"),
        help_text=_("Your best guess is fine."),
        choices=AgeBand.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    contact = forms.CharField(
        label=_("Your e-mail address or phone number (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # A child in danger now, and where: the helpline tries to send someone (an
    # emergency, haven.emergencies). The district is a list when the organisation has
    # one (see __init__), else typed.
    in_danger = forms.BooleanField(
        label=_("A child is in danger right now, and I know where"),
        help_text=_(
            "Tick this to ask our helpline to try to send someone to the child. "
            "Tell us where below."
        ),
        required=False,
    )
    danger_district = forms.CharField(
        label=_("District, town or area (optional)"),
        required=False,
        max_length=120,
    )
    danger_location = forms.CharField(
        label=_("Where is the child now?"),
        help_text=_(
            "An address, a landmark, a school or a village: anything that helps someone "
            "find the child."
        ),
        required=False,
        max_length=DANGER_LOCATION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if districts:
            self.fields["danger_district"] = forms.TypedChoiceField(
                label=_("District (optional)"),
                choices=[("", _("I don't know"))] + [(str(d.pk), str(d)) for d in districts],
                coerce=int,
                empty_value=None,
                required=False,
            )
        self.fields["danger_location"].widget.attrs.pop("maxlength", None)
        # A browser's maxlength cuts pasted text off without a word; the server's check
        # says what happened instead, and nothing typed is lost.
        self.fields["description"].widget.attrs.pop("maxlength", None)
        self.fields["contact"].help_text = ngettext_lazy(
            "Only if you want us to be able to reach you. We keep it locked away and delete "
            "it after %(days)d day.",
            "Only if you want us to be able to reach you. We keep it locked away and delete "
            "it after %(days)d days.",
            "days",
        ) % {"days": settings.CONTACT_RETENTION_DAYS}

    def clean_urls(self) -> list[str]:
        return clean_web_addresses(self.cleaned_data["urls"])

    def clean_contact(self) -> str:
        contact = self.cleaned_data["contact"].strip()
        return clean_contact(contact) if contact else ""

    def clean(self):
        data = super().clean()
        given = ("description", "urls", "uploads", "contact")
        # Said at once, beside any other problem, so that one send shows every fix needed;
        # but not when one of these fields already has its own error.
        own_errors = any(name in self.errors for name in given)
        if not own_errors and not any(data.get(name) for name in given):
            self.add_error(
                "description",
                ValidationError(
                    _(
                        "Tell us what happened, where you saw it, or add a file, "
                        "so that we can act on your report."
                    ),
                    code="empty_report",
                ),
            )
        where = ("danger_district", "danger_location")
        where_given = any(str(data.get(name) or "").strip() for name in where)
        # The category "A child in danger now" with a place is the same request as the
        # tick: a reporter who chose it and said where wants someone sent, tick or not.
        if data.get("category") == Category.DANGER_NOW and where_given:
            data["in_danger"] = True
        if (
            data.get("in_danger")
            and not any(name in self.errors for name in where)
            and not where_given
        ):
            self.add_error(
                "danger_location",
                ValidationError(
                    _("Tell us where the child is, so that someone can go there."),
                    code="danger_where",
                ),
            )
        return data

    def danger(self) -> DangerNow | None:
        data = self.cleaned_data
        if not data.get("in_danger"):
            return None
        district = data.get("danger_district")
        return DangerNow(
            location=data.get("danger_location", "").strip(),
            district_id=district if isinstance(district, int) else None,
            district_name=district.strip() if isinstance(district, str) else "",
        )

    def to_input(self, language: str) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            category=data["category"],
            description=data["description"],
            urls=data["urls"],
            platform=data["platform"],
            age_band=data["age_band"],
            contact=data["contact"],
            language=language,
            uploads=[upload_from(f) for f in data["uploads"]],
            danger=self.danger(),
        )


def upload_from(uploaded) -> Upload:
    # Read one byte past the limit, never more: intake then refuses the file as too
    # large without a huge upload ever being held in memory whole.
    return Upload(uploaded.name or "", uploaded.read(settings.MAX_UPLOAD_BYTES + 1))


def error_links(form) -> list[tuple[str, str]]:
    """Every error with the id of the input it is about, for the summary at the top."""
    fields = list(form)
    links = [(input_id(fields[0]), str(error)) for error in form.non_field_errors()]
    for field in fields:
        links += [(input_id(field), str(error)) for error in field.errors]
    return links


def input_id(field) -> str:
    # A radio group has no single input to label; its first radio is where to start.
    return field.id_for_label or f"{field.auto_id}_0"


class PinInput(forms.TextInput):
    """A PIN box that never sends the PIN back in a page."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


class StatusForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"),
        help_text=_("It looks like HVN-ABCDE-23456."),
        max_length=40,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
        error_messages={"required": _("Enter your reference number.")},
    )
    pin = forms.CharField(
        label=_("PIN"),
        help_text=_("The 6 digits you were given with your reference number."),
        max_length=12,
        widget=PinInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Enter your PIN.")},
    )
