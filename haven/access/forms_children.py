"""Children's profiles: the form the adults fill in, and the actions that save it.

A profile holds as little as a decision needs: a label the adults choose (not
necessarily a name), the birth year and month (never the day), their judgement of the
child's maturity and vulnerabilities, and who monitors. create_child and update_child
are the one place profiles change, for the pages and the API alike; they are audited
without the label, the birth date or the vulnerabilities (only which fields changed).
"""

from datetime import date

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from haven.access.catalogue import (
    ADULT_AGE,
    MATURITY_CHOICES,
    MONITORED_BY,
    VULNERABILITIES,
    band_for_age,
)
from haven.access.models import ChildProfile, Policy
from haven.audit.services import Actor, record

FIELDS = (
    "label",
    "policy",
    "birth_year",
    "birth_month",
    "maturity",
    "vulnerabilities",
    "monitored_by",
)

# What each vulnerability changes, for the adults choosing them.
VULNERABILITY_HINTS = {
    "self_harm_risk": _(
        "Content about self-harm, suicide or methods is kept back more strictly, help and "
        "recovery content is always shown, and you are alerted to the child's own words of "
        "intent."
    ),
    "eating_disorder_risk": _(
        "Content that encourages eating disorders or extreme dieting is kept back more "
        "strictly; recovery content is always shown."
    ),
    "contact_risk": _(
        "Contact with strangers, location sharing and signs of grooming are restricted more "
        "strictly, and you are alerted sooner."
    ),
    "additional_needs": _(
        "Explanations are kept simpler, and contact with strangers needs your approval."
    ),
    "addiction_risk": _("Gambling, purchases and drug content are restricted more strictly."),
}


def age_of(birth_year: int, birth_month: int, today: date | None = None) -> int:
    """The age in whole years of someone born in that month (taken as its first day)."""
    today = today or timezone.localdate()
    return today.year - birth_year - (1 if today.month < birth_month else 0)


def birth_for_age(age: int, today: date | None = None) -> tuple[int, int]:
    """A (year, month) of birth that makes someone exactly `age` today and for the next
    eleven months: born in the month before this one (demo children, test fixtures)."""
    today = today or timezone.localdate()
    month = (today.month - 2) % 12 + 1
    return today.year - age - (1 if month > today.month else 0), month


def child_age(child: ChildProfile, today: date | None = None) -> int:
    return age_of(child.birth_year, child.birth_month, today)


def child_band(child: ChildProfile, today: date | None = None) -> str | None:
    return band_for_age(max(child_age(child, today), 0), child.maturity)


class VulnerabilityChoices(forms.CheckboxSelectMultiple):
    """Checkboxes that know what each one changes (`choice.data.hint` in templates)."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["hint"] = VULNERABILITY_HINTS.get(option["value"], "")
        return option


class PolicyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class ChildForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=60,
        help_text=_(
            "How you and the other adults recognise this child, for example a nickname or "
            "initials. It is not necessarily a name: Haven does not need one, and the child "
            "never sees it."
        ),
    )
    policy = PolicyChoice(
        label=_("Policy"),
        queryset=Policy.objects.none(),
        empty_label=None,
        help_text=_("The school's or family's policy that applies to this child."),
    )
    birth_year = forms.TypedChoiceField(label=_("Year of birth"), coerce=int)
    birth_month = forms.TypedChoiceField(
        label=_("Month of birth"),
        coerce=int,
        choices=list(MONTHS.items()),
        help_text=_("Only the month and year are kept: enough to know the age, never the day."),
    )
    maturity = forms.ChoiceField(
        label=_("Maturity"),
        choices=MATURITY_CHOICES,
        widget=forms.RadioSelect,
        initial="as_age",
        help_text=_(
            "Your judgement: a child may be treated as the age band below or above their own."
        ),
    )
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"),
        choices=VULNERABILITIES,
        widget=VulnerabilityChoices,
        required=False,
        help_text=_(
            "Tick only what you know and what the child would want taken into account. Each "
            "one adds safeguards; none of them is shown to the child."
        ),
    )
    monitored_by = forms.ChoiceField(
        label=_("Who monitors"),
        choices=MONITORED_BY,
        widget=forms.RadioSelect,
        required=False,
        initial="",
        help_text=_(
            "When someone monitors, the child sees a clear sign saying so on every page "
            "Haven shows them (UK Age Appropriate Design Code, standard 11)."
        ),
    )

    def __init__(self, *args, policies, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        policy_field = self.fields["policy"]
        assert isinstance(policy_field, forms.ModelChoiceField)
        policy_field.queryset = policies
        years = range(self.today.year, self.today.year - ADULT_AGE - 1, -1)
        year_field = self.fields["birth_year"]
        assert isinstance(year_field, forms.ChoiceField)
        year_field.choices = [(year, str(year)) for year in years]

    def clean(self):
        data = super().clean()
        year, month = data.get("birth_year"), data.get("birth_month")
        if year and month:
            age = age_of(year, month, self.today)
            if age < 0:
                self.add_error("birth_month", _("That month has not come yet."))
            elif age >= ADULT_AGE:
                self.add_error(
                    "birth_year", _("Profiles are for children: this person is 18 or over.")
                )
        return data


def initial_for(child: ChildProfile) -> dict:
    return {name: getattr(child, name) for name in FIELDS if name != "policy"} | {
        "policy": child.policy_id
    }


def create_child(actor: Actor, organisation, data: dict) -> ChildProfile:
    policy = data["policy"]
    if policy.organisation_id != organisation.pk:
        raise ValueError("the policy is another organisation's")
    with transaction.atomic():
        child = ChildProfile(organisation=organisation)
        _apply(child, data)
        child.save()
        record(
            actor,
            "access.child.create",
            child,
            organisation_id=organisation.pk,
            profile=child.public_id,
            policy=policy.public_id,
        )
    return child


def update_child(actor: Actor, child: ChildProfile, data: dict) -> ChildProfile:
    with transaction.atomic():
        child = ChildProfile.objects.select_for_update().get(pk=child.pk)
        if "policy" in data and data["policy"].organisation_id != child.organisation_id:
            raise ValueError("the policy is another organisation's")
        before = {name: getattr(child, name) for name in (*FIELDS, "active")}
        _apply(child, data)
        changed = [name for name in before if getattr(child, name) != before[name]]
        if changed:
            child.save()
            record(
                actor,
                "access.child.update",
                child,
                profile=child.public_id,
                policy=child.policy.public_id,
                changed=changed,
            )
    return child


def _apply(child: ChildProfile, data: dict) -> None:
    for name in (*FIELDS, "active"):
        if name in data:
            value = data[name]
            if name == "vulnerabilities":
                value = sorted(value)
            elif name == "label":
                value = value.strip()
            setattr(child, name, value)


# --- Answering a child's request to unblock ---------------------------------------------

ANSWERS = (
    ("approve_1", _("Yes, for one day"), 1),
    ("approve_30", _("Yes, for 30 days"), 30),
    ("approve", _("Yes, until I withdraw it"), None),
    ("decline", _("No"), None),
)
DAYS_BY_ANSWER = {key: days for key, _label, days in ANSWERS}


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(key, label) for key, label, _days in ANSWERS],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("A note for the child (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The child reads this on their page, for example why not, or when you can look "
            "at it together. Up to 300 characters."
        ),
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data["answer"] != "decline"

    @property
    def days(self) -> int | None:
        return DAYS_BY_ANSWER[self.cleaned_data["answer"]]


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the child (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- The child's own form ---------------------------------------------------------------

MESSAGE_CHARS = 500


class AskForm(forms.Form):
    """ "Ask <adult> to unblock this": an optional message, nothing else."""

    message = forms.CharField(
        label=_("Your message (you don't have to write one)"),
        max_length=MESSAGE_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_CHARS}),
    )
