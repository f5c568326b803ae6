"""Forms for takedown pages. They only parse input; the rules are in `services`,
`policies` and `rendering`, whose refusals come back onto the form beside their field."""

import re

from django import forms

from haven.takedown.models import (
    AnswerKind,
    EscalateTo,
    FirstNotice,
    NoticeKind,
    State,
    TakedownPolicy,
)
from haven.takedown.policies import MAX_DELAY_MINUTES, MAX_RECHECK_DAYS, MAX_REMINDER_HOURS
from haven.takedown.services import (
    ANSWER_MAX_LENGTH,
    POLICE_NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
)

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


class StopForm(forms.Form):
    reason = forms.CharField(
        label="Why stop?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the takedown is stopped."},
    )


class PoliceAgreedForm(forms.Form):
    note = forms.CharField(
        label="Who agreed (optional)",
        required=False,
        max_length=POLICE_NOTE_MAX_LENGTH,
        help_text="Officer, unit, reference.",
    )


class HostAnswerForm(forms.Form):
    """Staff writing down what a host said by phone or e-mail."""

    kind = forms.ChoiceField(
        label="What the host said",
        choices=AnswerKind.choices,
        initial=AnswerKind.MESSAGE,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label="Their answer",
        required=False,
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for a message; optional otherwise.",
    )


class PublicAnswerForm(forms.Form):
    """The host, through the link in a notice."""

    kind = forms.ChoiceField(
        label="Your answer",
        choices=[
            (AnswerKind.REMOVED, "We have removed the content"),
            (AnswerKind.NOT_HOSTED, "We do not host this address"),
            (AnswerKind.MESSAGE, "Something else (write it below)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer."},
    )
    text = forms.CharField(
        label="Message (optional unless you chose “Something else”)",
        required=False,
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ListFilterForm(forms.Form):
    state = forms.ChoiceField(
        required=False,
        choices=[("open", "Open (incl. forwarded)"), *State.choices, ("all", "All")],
    )

    def chosen(self) -> str:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("state") or "open"


class PolicyForm(forms.ModelForm):
    recheck_after_removal_days = forms.CharField(
        label="Check again after removal (days)",
        required=False,
        help_text="Days after removal, separated by commas, e.g. “1, 7, 30”. Empty: no re-checks.",
    )

    class Meta:
        model = TakedownPolicy
        fields = [
            "first_notice",
            "first_notice_delay_minutes",
            "reminder_hours",
            "escalate_after_reminders",
            "escalate_to",
            "recheck_after_removal_days",
            "auto_open",
            "reply_to",
        ]
        labels = {
            "first_notice": "When the first notice goes",
            "first_notice_delay_minutes": "Delay before the first notice (minutes)",
            "reminder_hours": "Hours between reminders",
            "escalate_after_reminders": "Escalate after this many reminders",
            "escalate_to": "Escalate to",
            "auto_open": "Start a takedown by itself when an address is classified as actionable",
            "reply_to": "Replies to e-mailed notices go to",
        }
        help_texts = {
            "first_notice_delay_minutes": "Used when the first notice goes after a delay.",
            "reminder_hours": "The address is checked before every reminder; a reminder goes "
            "only while the content is still online.",
            "escalate_after_reminders": "The reminder that reaches this number also escalates.",
            "reply_to": "Empty: the server's sender address.",
        }
        widgets = {
            "first_notice": forms.RadioSelect,
            "escalate_to": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_notice"].choices = FirstNotice.choices
        self.fields["escalate_to"].choices = EscalateTo.choices
        if not self.is_bound:
            days = self.instance.recheck_after_removal_days or []
            self.initial["recheck_after_removal_days"] = ", ".join(str(day) for day in days)

    def clean_first_notice_delay_minutes(self) -> int:
        return _within(self.cleaned_data["first_notice_delay_minutes"], 0, MAX_DELAY_MINUTES)

    def clean_reminder_hours(self) -> int:
        return _within(self.cleaned_data["reminder_hours"], 1, MAX_REMINDER_HOURS)

    def clean_escalate_after_reminders(self) -> int:
        return _within(self.cleaned_data["escalate_after_reminders"], 0, 100)

    def clean_recheck_after_removal_days(self) -> list[int]:
        raw = self.cleaned_data["recheck_after_removal_days"] or ""
        parts = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError("Write whole numbers of days, separated by commas.")
        days = sorted({int(part) for part in parts})
        if any(not 1 <= day <= MAX_RECHECK_DAYS for day in days):
            raise forms.ValidationError(f"Each must be between 1 and {MAX_RECHECK_DAYS} days.")
        return days

    def values(self) -> dict:
        return dict(self.cleaned_data)


def _within(value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise forms.ValidationError(f"Enter a number between {low} and {high}.")
    return value


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of notice", choices=NoticeKind.choices)
    language = forms.CharField(
        label="Language",
        max_length=10,
        help_text="A language code such as en, fr, es, de, nl or pt-br: the notice goes in "
        "this language to hosts whose language it is.",
    )
    subject = forms.CharField(label="Subject", max_length=300)
    body = forms.CharField(label="Body", widget=forms.Textarea(attrs={"rows": 20}))

    def clean_language(self) -> str:
        code = self.cleaned_data["language"].strip().lower().replace("_", "-")
        if not LANGUAGE_CODE.match(code):
            raise forms.ValidationError("Write a language code such as en, fr or pt-br.")
        return code
