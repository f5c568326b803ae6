"""Forms for classifying a report or one of its items, and for the scheme settings.

Forms parse input; the rules are in `services` (classifying) and `actions` (schemes).
A refusal is put back on the form beside the field it is about.
"""

from django import forms

from haven.classification.actions import (
    DESCRIPTION_MAX_LENGTH,
    KEY_RULE,
    MAX_ORDER,
    NAME_MAX_LENGTH,
)
from haven.classification.models import AppliesTo
from haven.classification.services import SchemeUse

NOT_CLASSIFIED = "Not classified"


class ClassifyForm(forms.Form):
    """One select per scheme that applies to the target; field names are scheme keys."""

    def __init__(self, *args, uses: list[SchemeUse], current: dict[str, str], **kwargs):
        kwargs["initial"] = current
        super().__init__(*args, **kwargs)
        for use in uses:
            self.fields[use.key] = forms.ChoiceField(
                label=use.name,
                required=use.required,
                choices=[("", NOT_CLASSIFIED), *((label.key, label.name) for label in use.labels)],
                help_text="Required by your organisation." if use.required else "",
                error_messages={
                    "required": f"Choose a label for {use.name}: your organisation requires it.",
                    "invalid_choice": f"Choose one of the labels of {use.name}.",
                },
            )

    def labels(self) -> dict[str, str]:
        return {key: value or "" for key, value in self.cleaned_data.items()}


class SettingsForm(forms.Form):
    """Used, required and order for every scheme, one row each."""

    def __init__(self, *args, uses: list[SchemeUse], **kwargs):
        super().__init__(*args, **kwargs)
        self.uses = uses
        for use in uses:
            pk = use.scheme.pk
            self.fields[f"enabled_{pk}"] = forms.BooleanField(
                required=False, label=f"Use {use.name}", initial=use.enabled
            )
            self.fields[f"required_{pk}"] = forms.BooleanField(
                required=False, label=f"Require {use.name}", initial=use.required
            )
            self.fields[f"order_{pk}"] = forms.IntegerField(
                label=f"Order of {use.name}",
                min_value=0,
                max_value=MAX_ORDER,
                initial=use.order,
                error_messages={
                    "required": f"Give an order for {use.name}.",
                    "invalid": f"The order of {use.name} is a whole number.",
                    "min_value": f"The order of {use.name} is from 0 to {MAX_ORDER}.",
                    "max_value": f"The order of {use.name} is from 0 to {MAX_ORDER}.",
                },
                widget=forms.NumberInput(attrs={"class": "narrow"}),
            )

    def rows(self):
        """(use, enabled field, required field, order field) for the table."""
        for use in self.uses:
            pk = use.scheme.pk
            yield use, self[f"enabled_{pk}"], self[f"required_{pk}"], self[f"order_{pk}"]

    def choices(self) -> dict[int, tuple[bool, bool, int]]:
        data = self.cleaned_data
        return {
            use.scheme.pk: (
                data[f"enabled_{use.scheme.pk}"],
                data[f"required_{use.scheme.pk}"],
                data[f"order_{use.scheme.pk}"],
            )
            for use in self.uses
        }


class SchemeForm(forms.Form):
    key = forms.CharField(
        max_length=40,
        help_text=f"How the API and bank classifications name it, e.g. “national”. {KEY_RULE} "
        "It cannot be changed later.",
        error_messages={"required": "Give the scheme a key."},
    )
    name = forms.CharField(
        max_length=NAME_MAX_LENGTH, error_messages={"required": "Give the scheme a name."}
    )
    description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the scheme is for and when to use it; analysts see it.",
    )
    applies_to = forms.ChoiceField(
        label="Classifies",
        choices=AppliesTo.choices,
        initial=AppliesTo.BOTH,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the scheme classifies."},
    )

    @classmethod
    def for_scheme(cls, scheme, data=None) -> "SchemeForm":
        form = cls(data, initial={name: getattr(scheme, name) for name in cls.base_fields})
        del form.fields["key"]
        return form


class LabelForm(forms.Form):
    key = forms.CharField(
        max_length=40,
        help_text=f"{KEY_RULE} It cannot be changed later.",
        error_messages={"required": "Give the label a key."},
    )
    name = forms.CharField(
        max_length=NAME_MAX_LENGTH, error_messages={"required": "Give the label a name."}
    )
    description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the label means, in words an analyst can apply. Keep it factual.",
    )
    actionable = forms.BooleanField(
        required=False,
        initial=True,
        label="Actionable: content with this label is to be removed and may be referred",
    )
    order = forms.IntegerField(
        min_value=0,
        max_value=MAX_ORDER,
        initial=0,
        help_text="Labels are listed from the lowest number.",
        error_messages={
            "required": "Give the label an order.",
            "invalid": "The label's order is a whole number.",
            "min_value": f"The label's order is from 0 to {MAX_ORDER}.",
            "max_value": f"The label's order is from 0 to {MAX_ORDER}.",
        },
    )

    @classmethod
    def for_label(cls, label, data=None) -> "LabelForm":
        form = cls(data, initial={name: getattr(label, name) for name in cls.base_fields})
        del form.fields["key"]
        return form


class ConfirmForm(forms.Form):
    """Nothing to fill in: the button is the confirmation."""
