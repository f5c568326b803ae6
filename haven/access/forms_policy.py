"""Forms of the policy editor and tester. They parse input; Haven's limits on what a
cell may be set to live in haven.access.editing, which makes the changes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.access.catalogue import (
    ADULT_AGE,
    CONTEXTS,
    DEFAULT_CONTEXT,
    DESCRIPTORS,
    MATURITY_CHOICES,
    MONITORED_BY,
    VULNERABILITIES,
)
from haven.access.models import Policy
from haven.accounts.models import Role, User

# The tester refuses more than the text analysis would read (it cuts at this length).
MAX_TEXT = 20_000
ANY_CONTEXT_CHOICE = [("", _("Any context"))]
_NO_AUTOCORRECT = {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}


class NewPolicyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of policy"),
        choices=[
            (Policy.Kind.SCHOOL, _("A school's policy")),
            (Policy.Kind.FAMILY, _("A family's policy")),
        ],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("For example “Hillside Primary” or “The Okafor family”."),
    )
    adult_label = forms.CharField(
        label=_("Who the children are told to ask"),
        max_length=80,
        required=False,
        help_text=_(
            "In a child's words, for example “your teacher” or “Mum or Dad”. Children "
            "see it when something is restricted: “Ask your teacher to unblock it.”"
        ),
    )


class PolicyForm(forms.Form):
    name = NewPolicyForm.base_fields["name"]
    adult_label = NewPolicyForm.base_fields["adult_label"]


class AddGuardianForm(forms.Form):
    username = forms.CharField(
        label=_("Username of the parent, carer or teacher"),
        max_length=150,
        help_text=_(
            "They need a Haven login with the role “Parent, carer or teacher”: an "
            "administrator makes it on the People page."
        ),
        widget=forms.TextInput(attrs=_NO_AUTOCORRECT),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(
            organisation=self.organisation,
            username=username,
            role=Role.GUARDIAN,
            is_active=True,
        ).first()
        if user is None:
            raise forms.ValidationError(
                _("There is no parent, carer or teacher with that username in your organisation.")
            )
        return user


class MatrixViewForm(forms.Form):
    """What the matrix shows: a context, and a vulnerable child's safeguards."""

    context = forms.ChoiceField(
        label=_("Context"), choices=ANY_CONTEXT_CHOICE + list(CONTEXTS), required=False
    )
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Preview for a child who is vulnerable"),
        choices=VULNERABILITIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shows the safeguards Haven adds. Clear these to change the policy."),
    )

    def values(self) -> tuple[str, frozenset[str]]:
        if not self.is_valid():
            return "", frozenset()
        data = self.cleaned_data
        return data["context"], frozenset(data["vulnerabilities"])


def descriptor_field_name(key: str) -> str:
    return f"d_{key}"


class TesterForm(forms.Form):
    """Sample content and a child, for one decision. Nothing is stored."""

    text = forms.CharField(
        label=_("Sample text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "A message or a page's words, up to 20,000 characters. Haven looks for grooming, "
            "self-harm, bullying and threats in it. It is not stored or logged."
        ),
    )
    age = forms.IntegerField(
        label=_("Child's age"),
        min_value=0,
        max_value=ADULT_AGE,
        initial=12,
        help_text=_("0 to 17; 18 for an adult."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    maturity = forms.ChoiceField(label=_("Maturity"), choices=MATURITY_CHOICES, initial="as_age")
    context = forms.ChoiceField(label=_("Context"), choices=CONTEXTS, initial=DEFAULT_CONTEXT)
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"),
        choices=VULNERABILITIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    monitored_by = forms.ChoiceField(label=_("Monitored by"), choices=MONITORED_BY, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for descriptor in DESCRIPTORS:
            self.fields[descriptor_field_name(descriptor.key)] = forms.ChoiceField(
                label=descriptor.label,
                choices=[("", _("None"))] + [(lv.key, lv.label) for lv in descriptor.levels],
                required=False,
            )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if len(text) > MAX_TEXT:
            # Not the textarea's maxlength: a browser would cut pasted text silently.
            raise forms.ValidationError(
                _(
                    "The sample text is too long: at most 20,000 characters, and this has "
                    "%(count)s. Test a shorter part of it."
                ),
                params={"count": f"{len(text):,}"},
            )
        return text

    def descriptors_chosen(self) -> bool:
        """Whether any kind of content was given (the pickers are then shown open)."""
        return self.is_bound and any(
            self.data.get(descriptor_field_name(d.key)) for d in DESCRIPTORS
        )

    def descriptor_fields(self):
        return [self[descriptor_field_name(d.key)] for d in DESCRIPTORS]

    def other_fields(self):
        return [self[name] for name in ("age", "maturity", "context", "monitored_by")]

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not self.descriptors():
            raise forms.ValidationError(
                _("Enter some sample text or choose at least one kind of content."),
                code="empty",
            )
        return data

    def descriptors(self) -> dict[str, str]:
        return {
            d.key: self.cleaned_data[descriptor_field_name(d.key)]
            for d in DESCRIPTORS
            if self.cleaned_data.get(descriptor_field_name(d.key))
        }

    def decision_request(self, policy: Policy) -> dict:
        """The decision API's request for this sample: the tester answers exactly what
        the API would."""
        data = self.cleaned_data
        return {
            "policy": policy.public_id,
            "profile": {
                "age": data["age"],
                "maturity": data["maturity"],
                "vulnerabilities": list(data["vulnerabilities"]),
                "monitored_by": data["monitored_by"],
            },
            "context": data["context"],
            "content": {"descriptors": self.descriptors(), "text": data["text"]},
        }
