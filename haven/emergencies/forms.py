"""Forms for opening an emergency and for each step staff or a responder records."""

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.emergencies import people
from haven.emergencies.models import Outcome
from haven.emergencies.services import LOCATION_MAX, NOTE_MAX, SITUATION_MAX
from haven.network.models import District, Responder


class DistrictChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class ResponderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.partner.name})"


class EmergencyForm(forms.Form):
    """What staff give to open an emergency: where, and what is happening."""

    district = DistrictChoice(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Not known"),
        help_text=_("The on-call responder of the partner covering this district is alerted."),
    )
    location = forms.CharField(
        label=_("Where the child is"),
        help_text=_(
            "An address, a landmark, a school or a village: whatever helps a responder "
            "find the child. Shown only to the helpline and the responders alerted."
        ),
        max_length=LOCATION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    situation = forms.CharField(
        label=_("What is happening"),
        help_text=_("What the responder needs to know to help: the danger, who is with the child."),
        max_length=SITUATION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["district"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = District.objects.filter(organisation=organisation, active=True)
        for name in ("location", "situation"):
            # The server says what was too long; a browser's maxlength cuts text silently.
            self.fields[name].widget.attrs.pop("maxlength", None)

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("district") and not data.get("location", "").strip():
            self.add_error(
                "location",
                _("Say where the child is, or choose the district, so that someone can go."),
            )
        return data


class AcknowledgeForm(forms.Form):
    responder = ResponderChoice(
        label=_("Who said they are going"),
        queryset=Responder.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, emergency, **kwargs):
        super().__init__(*args, **kwargs)
        alerted = emergency.alerts.filter(responder__isnull=False).values("responder_id")
        field = self.fields["responder"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Responder.objects.filter(pk__in=alerted).select_related("partner").order_by("name")
        )


class AssignForm(forms.Form):
    responder = ResponderChoice(label=_("Responder"), queryset=Responder.objects.none())
    confirmed = forms.BooleanField(
        label=_("They have already said they are going (on the phone)"), required=False
    )

    def __init__(self, *args, emergency, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["responder"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people.assignable(emergency)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happened.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("Anything the helpline should know for the child's follow-up."),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].widget.attrs.pop("maxlength", None)
