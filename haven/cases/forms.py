"""Forms for the case pages. They parse input; the rules live in `services` and
`delivery`."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from haven.accounts.models import HELPLINE_ROLES, User
from haven.cases import config
from haven.cases.models import ClosureReason, ReferralStatus, ServiceStatus, Stage, Timeframe
from haven.helpline import taxonomy
from haven.helpline.models import Gender, RiskLevel
from haven.network.models import District, ServiceType

ANY = [("", "Any")]
NOTE_MAX_LENGTH = 4_000
TEXT_MAX_LENGTH = 20_000
CHOOSE_STAFF = "Choose a member of your organisation's staff from the list."


def staff_of(organisation_id: int):
    return User.objects.filter(
        organisation_id=organisation_id, role__in=HELPLINE_ROLES, is_active=True
    ).order_by("username")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else obj.get_username()


def end_of_day(day) -> datetime:
    """A due date typed as a day means "by the end of that day", in the server's zone."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


# --- Lists ------------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label="Stage",
        required=False,
        choices=[("", "Open cases"), ("all", "All cases"), *Stage.choices],
    )
    risk = forms.ChoiceField(label="Risk", required=False, choices=ANY + list(RiskLevel.choices))
    overdue = forms.ChoiceField(
        label="Overdue",
        required=False,
        choices=[("", "Any"), ("yes", "Overdue only")],
    )
    assignee = forms.ChoiceField(label="Assigned to", required=False, choices=())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)
        people = [(str(u.pk), u.get_username()) for u in staff_of(user.organisation_id)]
        field.choices = [("", "Anyone"), ("me", "Me"), ("none", "No one"), *people]

    def apply(self, cases, user, now):
        if not self.is_valid():
            return cases.exclude(stage=Stage.CLOSED)
        data = self.cleaned_data
        if data["stage"] == "":
            cases = cases.exclude(stage=Stage.CLOSED)
        elif data["stage"] != "all":
            cases = cases.filter(stage=data["stage"])
        if data["risk"]:
            cases = cases.filter(risk_level=data["risk"])
        if data["overdue"] == "yes":
            cases = cases.filter(stage_due_at__lt=now).exclude(stage=Stage.CLOSED)
        if data["assignee"] == "me":
            cases = cases.filter(assigned_to=user)
        elif data["assignee"] == "none":
            cases = cases.filter(assigned_to=None)
        elif data["assignee"]:
            cases = cases.filter(assigned_to_id=int(data["assignee"]))
        return cases


class OverdueFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="What",
        required=False,
        choices=[
            ("", "Everything"),
            ("stage", "Stages"),
            ("service", "Services"),
            ("follow_up", "Follow-ups"),
            ("referral", "Referrals"),
        ],
    )
    assignee = StaffChoiceField(
        label="Assigned to",
        queryset=User.objects.none(),
        required=False,
        empty_label="Anyone",
        error_messages={"invalid_choice": CHOOSE_STAFF},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_supervisor:
            field = self.fields["assignee"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = staff_of(user.organisation_id)
        else:
            del self.fields["assignee"]


# --- Opening a case ---------------------------------------------------------------------


class OpenCaseForm(forms.Form):
    """Open a new case for the record, or add the record to an existing case."""

    choice = forms.ChoiceField(
        label="What to do",
        choices=[("new", "Open a new case"), ("existing", "Add it to an existing case")],
        initial="new",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose to open a new case or add to an existing one."},
    )
    case_ref = forms.CharField(
        label="Reference of the existing case",
        required=False,
        max_length=30,
        help_text="Such as K-23456-789AB.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    take = forms.BooleanField(
        label="Assign the new case to me",
        required=False,
        help_text="Otherwise a supervisor assigns it.",
    )

    def clean(self):
        data = super().clean()
        if data.get("choice") == "existing" and not (data.get("case_ref") or "").strip():
            self.add_error("case_ref", "Give the reference of the case to add it to.")
        return data


# --- The case page ----------------------------------------------------------------------


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label="Assign to",
        queryset=User.objects.none(),
        empty_label="Choose a member of staff",
        error_messages={
            "required": "Choose who to assign the case to.",
            "invalid_choice": CHOOSE_STAFF,
        },
    )

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = staff_of(organisation_id)


class DistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj) if obj.active else f"{obj} (no longer used)"


class DetailsForm(forms.Form):
    """What the case knows about the child. The name is never put back into the form
    (the page would show it unmasked): blank keeps the stored one."""

    child_name = forms.CharField(
        label="Child's name",
        required=False,
        max_length=200,
        help_text="Leave blank to keep the name already recorded.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    clear_child_name = forms.BooleanField(label="Remove the recorded name", required=False)
    child_age = forms.IntegerField(
        label="Child's age",
        required=False,
        min_value=0,
        max_value=25,
        help_text="In years. Leave blank if not known.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the child's age in years, such as 14.",
            "min_value": "Enter an age from 0 to 25.",
            "max_value": "Enter an age from 0 to 25.",
        },
    )
    gender = forms.ChoiceField(label="Child's gender", choices=Gender.choices)
    district = DistrictChoiceField(
        label="District",
        queryset=District.objects.none(),
        required=False,
        empty_label="Not known",
        help_text="Where the child is: referrals go to partners covering it.",
        error_messages={"invalid_choice": "Choose one of your districts from the list."},
    )
    risk_level = forms.ChoiceField(label="Risk to the child", choices=RiskLevel.choices)
    consent_share = forms.BooleanField(
        label="The child agrees that we share details with partners we refer them to",
        required=False,
        help_text="Without it, partners see only the case reference, the service, the "
        "child's age band and district.",
    )
    categories = forms.MultipleChoiceField(
        label="What the case is about",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose categories from the list: %(value)s is not one."},
    )

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        district = self.fields["district"]
        assert isinstance(district, forms.ModelChoiceField)
        district.queryset = District.objects.filter(organisation_id=organisation_id)
        categories = self.fields["categories"]
        assert isinstance(categories, forms.MultipleChoiceField)
        categories.choices = taxonomy.category_choices()

    @classmethod
    def initial_for(cls, case) -> dict:
        return {
            "child_age": case.child_age,
            "gender": case.gender,
            "district": case.district_id,
            "risk_level": case.risk_level,
            "consent_share": case.consent_share,
            "categories": list(case.categories),
        }


class RecordForm(forms.Form):
    """The assessment or the plan (the page posts `which` beside it)."""

    text = forms.CharField(
        label="Text",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class AdvanceForm(forms.Form):
    to_stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    record = forms.CharField(
        label="Reason",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why the case is closing",
        choices=[("", "Choose a reason"), *ClosureReason.choices],
        error_messages={"required": "Choose why the case is closing."},
    )
    note = forms.CharField(
        label="Closing note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text="Required when the reason is “Other”.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why reopen the case",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the case is reopened."},
    )


class LinkForm(forms.Form):
    reference = forms.CharField(
        label="Reference",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Give the reference."},
    )


class ServiceForm(forms.Form):
    service_type = forms.ChoiceField(
        label="Service",
        choices=[("", "Choose a service"), *ServiceType.choices],
        error_messages={"required": "Choose the service the child needs."},
    )
    timeframe = forms.ChoiceField(
        label="Timeframe",
        choices=Timeframe.choices,
        initial=Timeframe.DAY,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how soon the service is needed."},
    )
    description = forms.CharField(
        label="What is needed",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ServiceStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=ServiceStatus.choices,
        error_messages={"invalid_choice": "Choose the service's status from the list."},
    )


class PartnerServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}, {obj.partner.name}"


class ReferForm(forms.Form):
    partner_service = PartnerServiceChoiceField(
        label="Refer to",
        queryset=None,
        empty_label="Choose a partner service",
        error_messages={
            "required": "Choose the partner service to refer the child to.",
            "invalid_choice": "Choose a partner service from the list.",
        },
    )
    note = forms.CharField(
        label="Note for the partner",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, candidates, consent_share: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["partner_service"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates
        note = self.fields["note"]
        if consent_share:
            note.help_text = (
                "The child agreed to share details: the partner sees this note, the "
                "child's name, age, gender and categories."
            )
        else:
            note.label = "Note (kept by the helpline, not shared)"
            note.help_text = (
                "The child did not agree to share details. The partner sees only the case "
                "reference, the service, the child's age band and district: not the name, "
                "not this note."
            )


# The answers a partner can give from each referral status.
ANSWERS = {
    ReferralStatus.REQUESTED: [("accept", "Accept"), ("decline", "Decline")],
    ReferralStatus.ACCEPTED: [("complete", "Completed")],
}


class ResponseForm(forms.Form):
    """A partner's answer to a referral; only the answers its status allows are offered."""

    action = forms.ChoiceField(
        label="Answer",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose an answer.",
            "invalid_choice": "Choose one of the answers offered.",
        },
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text="Required to decline (why) and to complete (what was done).",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, status: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = ANSWERS.get(ReferralStatus(status), [])


class FollowUpForm(forms.Form):
    due = forms.DateField(
        label="Due by",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Give the date.",
            "invalid": "Enter a date such as 2025-03-14.",
        },
    )
    description = forms.CharField(
        label="What to do",
        max_length=300,
        error_messages={"required": "Say what the follow-up is."},
    )
    assignee = StaffChoiceField(
        label="Who",
        queryset=User.objects.none(),
        required=False,
        empty_label="Whoever the case is assigned to",
        error_messages={"invalid_choice": CHOOSE_STAFF},
    )

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = staff_of(organisation_id)
        self.fields["due"].initial = (timezone.localdate() + timedelta(days=7)).isoformat()

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due < timezone.localdate():
            raise forms.ValidationError("Give a date from today on.")
        return due


class FollowUpDoneForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say how the child is: the outcome of the follow-up."},
    )
    next_due = forms.DateField(
        label="Next follow-up by",
        required=False,
        help_text="Leave blank for no further follow-up.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date such as 2025-03-14."},
    )

    def __init__(self, *args, suggest_next: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # In the follow-up stage the next one is suggested, every CASES_FOLLOW_UP_DAYS.
        if suggest_next:
            every = config.follow_up_every()
            self.fields["next_due"].initial = (timezone.localdate() + every).isoformat()

    def clean_next_due(self):
        due = self.cleaned_data.get("next_due")
        if due is not None and due < timezone.localdate():
            raise forms.ValidationError("Give a date from today on.")
        return due


class PrintForm(forms.Form):
    with_name = forms.BooleanField(
        label="Include the child's name in the printout",
        required=False,
        help_text="Recorded in the audit log. Keep the paper as safe as the case.",
    )
