"""Filters for the audit log browser: action, actor, target and a date range."""

from datetime import datetime, time, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone

from haven.reports.references import normalise_reference


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False, max_length=60)
    actor = forms.CharField(
        required=False, max_length=200, help_text="A username or a label such as “worker”."
    )
    target = forms.CharField(
        required=False, max_length=64, help_text="A report reference, or the id of a target."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two cannot be class attributes.
        date_input = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["from"] = forms.DateField(required=False, label="From", widget=date_input)
        self.fields["to"] = forms.DateField(required=False, label="To", widget=date_input)

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise forms.ValidationError("The start date must be on or before the end date.")
        return data

    def apply(self, events):
        """Narrow `events` to what was asked for; all of them if the form is not valid."""
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            # The label is the username for people, so one search finds either.
            events = events.filter(
                Q(actor_label__icontains=data["actor"]) | Q(actor__username__iexact=data["actor"])
            )
        if data["target"]:
            target = data["target"].strip()
            events = events.filter(
                Q(target_id=target) | Q(detail__reference=normalise_reference(target))
            )
        if data["from"]:
            events = events.filter(at__gte=_midnight(data["from"]))
        if data["to"]:
            events = events.filter(at__lt=_midnight(data["to"] + timedelta(days=1)))
        return events

    def applied(self) -> dict[str, str]:
        """The filters in use, as text, for the audit row that records this viewing."""
        if not self.is_valid():
            return {}
        return {
            name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in self.cleaned_data.items()
            if value
        }


def _midnight(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
