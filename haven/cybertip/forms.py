"""The report panel's forms: prepare, send and retract a CyberTipline report."""

from django import forms

from haven.cybertip import xml
from haven.triage.actions import REASON_MAX_LENGTH


class PrepareForm(forms.Form):
    incident_type = forms.ChoiceField(
        label="Incident type",
        help_text="NCMEC's categories. The default follows the report's category.",
        error_messages={
            "required": "Choose the incident type.",
            "invalid_choice": "Choose one of NCMEC's incident types.",
        },
    )
    include_description = forms.BooleanField(
        label="Include the reporter's description", required=False, initial=True
    )
    include_contact = forms.BooleanField(
        label="Include the reporter's contact details (left out unless you tick this)",
        required=False,
    )

    def __init__(self, *args, report, **kwargs):
        kwargs.setdefault("prefix", "cybertip")
        kwargs.setdefault("initial", {"incident_type": xml.default_incident_type(report)})
        super().__init__(*args, **kwargs)
        choices = [(value, value) for value in xml.enumeration("incidentType")]
        self.fields["incident_type"].choices = [("", "Choose…"), *choices]
        if not report.description:
            del self.fields["include_description"]
        if not report.contact_sealed:
            del self.fields["include_contact"]


class SendForm(forms.Form):
    upload_files = forms.BooleanField(
        label="Upload the files your organisation keeps, with their details",
        required=False,
        initial=True,
    )

    def __init__(self, *args, uploads: bool, **kwargs):
        kwargs.setdefault("prefix", "cybertip-send")
        super().__init__(*args, **kwargs)
        if not uploads:
            del self.fields["upload_files"]


class RetractForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": "Say why: it is kept with the report."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "cybertip-retract")
        super().__init__(*args, **kwargs)
