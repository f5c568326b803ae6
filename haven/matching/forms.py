"""Forms for the hash bank pages: they parse input; the rules live in `banks`.

A refusal from `banks` (a duplicate name, a date in the past...) is put back on the form
with `show_bank_error`, beside the field it is about, so the page can link to it.
"""

import json

from django import forms
from django.conf import settings

from haven.hashing.media import MediaRejected, hash_media, inspect, rejection_message
from haven.hashing.signals import pdq_is_matchable
from haven.hashing.video import format_vpdq
from haven.matching.banks import Signal
from haven.matching.models import MAX_PDQ_THRESHOLD, Feedback, SignalType

MAX_LABELS = 20
MAX_LABEL_LENGTH = 100
MAX_METADATA_CHARS = 10_000
# A vPDQ text of a long video (one line a second for hours) still fits.
MAX_SIGNAL_CHARS = 1_000_000
IMPORT_FORMATS = [
    ("auto", "Detect from the file"),
    ("te-file", "ThreatExchange local file (one \u201ctype hash\u201d per line)"),
    ("te-csv", "ThreatExchange CSV (signal_type,signal_str,collab,category,tags)"),
    ("csv", "Haven CSV (signal_type,value,note,labels,external_id)"),
]
EXPORT_FORMATS = [value for value, _ in IMPORT_FORMATS if value != "auto"]

# Which field a refusal from `banks` is about, by a phrase in its message.
_ERROR_FIELDS = (
    ("named", "name"),
    ("needs a name", "name"),
    ("threshold", "pdq_threshold"),
    ("match share", "vpdq_match_percent"),
    ("disabled until", "disabled_until"),
)


def as_sentence(message: str) -> str:
    """The banks' messages are written to be embedded ("line 7: a pdq hash is ...");
    on a page they stand alone, as sentences."""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


def show_bank_error(form: forms.Form, error: ValueError) -> None:
    message = str(error)
    field = next((name for phrase, name in _ERROR_FIELDS if phrase in message), None)
    form.add_error(field if field in form.fields else None, as_sentence(message))


# --- Banks ------------------------------------------------------------------------------


class BankForm(forms.Form):
    name = forms.CharField(max_length=100, error_messages={"required": "Give the bank a name."})
    classification = forms.CharField(
        label="Classification",
        max_length=200,
        help_text="What a match means, shown on the report instead of the media, "
        "e.g. \u201cKnown material (category A)\u201d.",
        error_messages={"required": "Say what a match in this bank means."},
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    enabled = forms.BooleanField(required=False, label="Enabled: match new media against it")
    is_safe = forms.BooleanField(
        required=False,
        label="Safe bank: it lists known false positives, and a match in it "
        "suppresses every other match",
    )
    pdq_threshold = forms.IntegerField(
        label="PDQ threshold",
        min_value=0,
        max_value=MAX_PDQ_THRESHOLD,
        help_text=f"Bits that may differ for a picture to match, 0 to {MAX_PDQ_THRESHOLD}. "
        "The usual value is 31; lower is stricter.",
        error_messages={
            "required": "Give a PDQ threshold.",
            "invalid": f"The PDQ threshold is a whole number from 0 to {MAX_PDQ_THRESHOLD}.",
            "min_value": f"The PDQ threshold is a whole number from 0 to {MAX_PDQ_THRESHOLD}.",
            "max_value": f"The PDQ threshold is a whole number from 0 to {MAX_PDQ_THRESHOLD}.",
        },
    )
    vpdq_match_percent = forms.IntegerField(
        label="vPDQ match share (%)",
        min_value=1,
        max_value=100,
        help_text="Share of a video's frames that must match for the video to match, "
        "1 to 100. The usual value is 80.",
        error_messages={
            "required": "Give a vPDQ match share.",
            "invalid": "The vPDQ match share is a whole number from 1 to 100.",
            "min_value": "The vPDQ match share is a whole number from 1 to 100.",
            "max_value": "The vPDQ match share is a whole number from 1 to 100.",
        },
    )

    @classmethod
    def for_bank(cls, bank, data=None) -> "BankForm":
        initial = {name: getattr(bank, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class DeleteBankForm(forms.Form):
    """Nothing to fill in: the button is the confirmation."""


# --- Entries ----------------------------------------------------------------------------


class EntryDetailsForm(forms.Form):
    """What staff may say about a hash: a note, labels and metadata."""

    note = forms.CharField(required=False, max_length=200)
    labels = forms.CharField(
        required=False,
        max_length=MAX_LABELS * (MAX_LABEL_LENGTH + 2),
        help_text="Separated by commas, e.g. \u201cA1, series-12\u201d.",
    )
    metadata = forms.CharField(
        required=False,
        max_length=MAX_METADATA_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text='A JSON object, e.g. {"case": "2024-117"}. Leave empty for none.',
    )

    def clean_labels(self) -> list[str]:
        labels = [label.strip() for label in self.cleaned_data["labels"].split(",")]
        labels = list(dict.fromkeys(label for label in labels if label))
        if len(labels) > MAX_LABELS:
            raise forms.ValidationError(f"Give at most {MAX_LABELS} labels.")
        if any(len(label) > MAX_LABEL_LENGTH for label in labels):
            raise forms.ValidationError(f"A label is at most {MAX_LABEL_LENGTH} characters.")
        return labels

    def clean_metadata(self) -> dict:
        text = self.cleaned_data["metadata"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(
                'The metadata is not valid JSON. Write an object, e.g. {"case": "2024-117"}.'
            ) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(
                'The metadata must be a JSON object in braces, e.g. {"case": "2024-117"}.'
            )
        return value

    def details(self) -> dict:
        data = self.cleaned_data
        return {"note": data["note"], "labels": data["labels"], "metadata": data["metadata"]}

    @classmethod
    def initial_for(cls, entry) -> dict:
        metadata = json.dumps(entry.metadata, ensure_ascii=False) if entry.metadata else ""
        return {"note": entry.note, "labels": ", ".join(entry.labels), "metadata": metadata}


class EntryForm(EntryDetailsForm):
    """A hash typed or pasted in."""

    signal_type = forms.ChoiceField(
        label="Type of hash",
        choices=[("", "Choose a type"), *SignalType.choices],
        error_messages={"required": "Choose the type of hash."},
    )
    value = forms.CharField(
        label="Hash",
        max_length=MAX_SIGNAL_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text="Hexadecimal for PDQ (64 digits), MD5 (32) and SHA-256 (64); "
        "for vPDQ, its lines (frame,quality,pdq,seconds).",
        error_messages={"required": "Give the hash."},
    )
    external_id = forms.CharField(label="Reference at the source", required=False, max_length=200)
    field_order = ["signal_type", "value", "external_id", "note", "labels", "metadata"]

    def signal(self) -> Signal:
        data = self.cleaned_data
        return Signal(
            data["signal_type"], data["value"], external_id=data["external_id"], **self.details()
        )


HASH_CHOICES = [
    ("pdq", "PDQ (pictures)"),
    ("vpdq", "vPDQ (videos)"),
    ("md5", "MD5 (the exact file)"),
    ("sha256", "SHA-256 (the exact file)"),
]
HASHES_FOR_KIND = {"image": {"pdq", "md5", "sha256"}, "video": {"vpdq", "md5", "sha256"}}


class UploadForm(EntryDetailsForm):
    """A picture or video, hashed in memory here and then forgotten: only hashes are kept."""

    file = forms.FileField(
        label="Picture or video",
        help_text="It is hashed and not kept. Only the hashes you choose are added.",
        error_messages={"required": "Choose a file.", "empty": "The file is empty."},
    )
    hashes = forms.MultipleChoiceField(
        label="Hashes to add",
        choices=HASH_CHOICES,
        initial=["pdq", "vpdq", "md5"],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one hash to add."},
    )
    field_order = ["file", "hashes", "note", "labels", "metadata"]

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        if too_large:  # the body was not kept, so "choose a file" would mislead
            self.fields["file"].required = False
        self.signals: list[Signal] = []
        self.kind = ""

    def clean(self):
        data = super().clean()
        if self.too_large:
            self.add_error("file", rejection_message("too_large"))
        if self.errors:
            return data
        self.kind, hashes = _hash_upload(data["file"])
        chosen = [name for name, _ in HASH_CHOICES if name in data["hashes"]]
        usable = [name for name in chosen if name in HASHES_FOR_KIND[self.kind]]
        if not usable:
            what = "picture" if self.kind == "image" else "video"
            raise forms.ValidationError(
                {"hashes": f"None of the chosen hashes applies to a {what}."}
            )
        if "pdq" in usable and not pdq_is_matchable(hashes.pdq_quality):
            raise forms.ValidationError(
                {
                    "hashes": f"This picture's PDQ hash is of low quality ({hashes.pdq_quality}):"
                    " it would match unrelated pictures. Add its MD5 or SHA-256 instead."
                }
            )
        if "vpdq" in usable and not hashes.vpdq:
            raise forms.ValidationError({"file": rejection_message(hashes.vpdq_rejection)})
        values = {
            "pdq": hashes.pdq,
            "md5": hashes.md5,
            "sha256": hashes.sha256,
            "vpdq": format_vpdq(hashes.vpdq),
        }
        self.signals = [Signal(name, values[name], **self.details()) for name in usable]
        return data


def _hash_upload(upload):
    data = upload.read(settings.MAX_UPLOAD_BYTES + 1)
    try:
        kind = inspect(data).kind
        # A bank entry keeps every frame, so that a clip hashed one frame a second
        # (what reported videos get) still lines up with it.
        return kind, hash_media(data, kind, seconds_per_frame=0)
    except MediaRejected as exc:
        raise forms.ValidationError({"file": exc.message}) from None


class EntryEditForm(EntryDetailsForm):
    state = forms.ChoiceField(
        label="Matching",
        choices=[
            ("enabled", "Enabled: it matches"),
            ("disabled", "Disabled: it does not match"),
            ("until", "Disabled until a date and time, then it matches again"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this hash matches."},
    )
    disabled_until = forms.DateTimeField(
        label="Disabled until",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Only for \u201cdisabled until\u201d. Times are in the server's time zone.",
        error_messages={"invalid": "Enter a date and time, e.g. 2030-01-31 14:00."},
    )
    field_order = ["state", "disabled_until", "note", "labels", "metadata"]

    @classmethod
    def for_entry(cls, entry, data=None) -> "EntryEditForm":
        state = "until" if entry.disabled_until else "disabled"
        state = "enabled" if entry.enabled else state
        initial = {**cls.initial_for(entry), "state": state, "disabled_until": entry.disabled_until}
        return cls(data, initial=initial)

    def clean(self):
        data = super().clean()
        if data.get("state") == "until" and not data.get("disabled_until"):
            self.add_error("disabled_until", "Give the date and time it should match again.")
        return data

    def changes(self) -> dict:
        """Fields for `banks.update_entry`."""
        data = self.cleaned_data
        fields = self.details()
        if data["state"] == "enabled":
            fields["enabled"] = True
        elif data["state"] == "disabled":
            fields.update(enabled=False, disabled_until=None)
        else:
            fields["disabled_until"] = data["disabled_until"]
        return fields


class EntryFilterForm(forms.Form):
    signal_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *SignalType.choices]
    )
    state = forms.ChoiceField(
        label="Matching",
        required=False,
        choices=[("", "Enabled or disabled"), ("enabled", "Enabled"), ("disabled", "Disabled")],
    )
    q = forms.CharField(
        label="Hash or reference",
        required=False,
        max_length=200,
        help_text="The exact hash value, or the entry's reference at its source.",
    )

    def filters(self) -> dict:
        # Nonsense in the query string falls back to all entries, not an error page.
        data = self.cleaned_data if self.is_valid() else {}
        return {key: data.get(key) or "" for key in ("signal_type", "state", "q")}


# --- Import and feedback ----------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label="File of hashes",
        help_text="Text or CSV. It is imported in the background; malformed lines are "
        "skipped and counted.",
        error_messages={"required": "Choose a file.", "empty": "The file is empty."},
    )
    format = forms.ChoiceField(
        label="Format",
        choices=IMPORT_FORMATS,
        initial="auto",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the file's format."},
    )
    restart = forms.BooleanField(
        label="Import again from the start, even if this file was imported before",
        required=False,
    )


class FeedbackForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=[(Feedback.CONFIRMED, "Confirm"), (Feedback.REJECTED, "Reject")],
        error_messages={
            "required": "Choose confirm or reject.",
            "invalid_choice": "Feedback is confirm or reject.",
        },
    )
