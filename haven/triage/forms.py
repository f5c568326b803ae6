"""Forms for the queue filters and for each thing staff do on a report page.

Forms only parse input; the rules live in `actions`. When an action refuses, its
message is put back on the form with `show_refusal`, beside the field it is about.
"""

from django import forms

from haven.accounts.models import STAFF_ROLES, User
from haven.reports.models import Category
from haven.triage.actions import (
    MAX_DEADLINE_HOURS,
    NOT_STAFF_HERE,
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
)
from haven.triage.deadlines import hours_for
from haven.triage.models import ActionKind, Severity
from haven.triage.queue import QueueFilter


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("open", "Open"),
            ("closed", "Closed"),
            ("joined", "Joined a case"),
            ("all", "All"),
        ],
    )
    assigned = forms.ChoiceField(
        required=False,
        label="Assigned to",
        choices=[("", "Anyone"), ("mine", "Me"), ("unassigned", "No one")],
    )
    category = forms.ChoiceField(required=False, choices=[("", "Any category"), *Category.choices])

    def to_filter(self) -> QueueFilter:
        # Nonsense in the query string falls back to the default view, not an error page.
        data = self.cleaned_data if self.is_valid() else {}
        return QueueFilter(
            status=data.get("status") or "open",
            assigned=data.get("assigned") or "",
            category=data.get("category") or "",
        )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        to_field_name="username",
        label="Assign to",
        empty_label="Choose a member of staff",
        error_messages={
            "required": "Choose who to assign the report to.",
            "invalid_choice": NOT_STAFF_HERE,
        },
    )

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            organisation_id=organisation_id, role__in=STAFF_ROLES, is_active=True
        ).order_by("username")


class ClassifyForm(forms.Form):
    category = forms.ChoiceField(
        choices=[("", "Choose a category"), *Category.choices],
        error_messages={"required": "Choose a category."},
    )
    severity = forms.ChoiceField(
        choices=Severity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a severity."},
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX_LENGTH,
        error_messages={"required": "Write the note."},
    )


class ActionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What was done",
        choices=ActionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what was done."},
    )
    detail = forms.CharField(
        label="Details",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
        help_text="Who it went to (police unit, host, organisation). "
        "For \u201cNo action\u201d, say why: this is required.",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": "Give a reason."},
    )


class RevealForm(forms.Form):
    confirm = forms.BooleanField(
        required=False,
        label="I understand this matches known material and I still need to see it.",
    )

    def __init__(self, *args, known_material: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_material = known_material

    def clean(self):
        data = super().clean()
        if self.known_material and not data.get("confirm"):
            self.add_error("confirm", "Confirm that you need to see known material.")
        return data


class DeadlinesForm(forms.Form):
    """One number of hours per category, starting from what the organisation uses now."""

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Category.choices:
            self.fields[value] = forms.IntegerField(
                label=label,
                min_value=1,
                max_value=MAX_DEADLINE_HOURS,
                initial=hours_for(organisation_id, value),
                help_text="Hours",
                error_messages={"required": f"Enter the hours for \u201c{label}\u201d."},
            )
