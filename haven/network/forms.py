"""Forms of the partner network pages. They parse input; the rules live in the modules
that make the changes (districts, partners, directory, responders, rota)."""

from collections.abc import Iterable
from datetime import datetime

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from haven.network.models import (
    AlertChannel,
    District,
    PartnerKind,
    Responder,
    ServicePartner,
    ServiceType,
)
from haven.network.rota import FIRST_YEAR, LAST_YEAR, MAX_POSITION, MAX_WEEKS, within_years

ANY = [("", _("Any"))]
EMAIL_EXAMPLE = _("Enter an e-mail address such as desk@example.org.")
_NO_AUTOCORRECT = {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def position_choices() -> list[tuple[int, str]]:
    labels = {1: _("1: alerted first"), 2: _("2: backup"), 3: _("3: second backup")}
    return [(n, str(labels.get(n, n))) for n in range(1, MAX_POSITION + 1)]


# --- Districts ------------------------------------------------------------------------------


class DistrictForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        error_messages={"required": _("Give the district's name.")},
    )
    region = forms.CharField(
        label=_("Region"),
        max_length=120,
        required=False,
        help_text=_("The state, province or county, to group districts by (optional)."),
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=60,
        required=False,
        help_text=_(
            "A short identifier for exports, such as pune-mh. Leave blank to make one "
            "from the name."
        ),
        widget=forms.TextInput(attrs=_NO_AUTOCORRECT),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, district: District | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if district is None:
            del self.fields["active"]
        else:
            self.initial.update(
                {
                    "name": district.name,
                    "region": district.region,
                    "code": district.code,
                    "active": district.active,
                }
            )


class DistrictBulkForm(forms.Form):
    lines = forms.CharField(
        label=_("Districts, one a line"),
        max_length=200_000,
        help_text=_(
            "Write each district as “name, region”, such as “Pune, Maharashtra”, or just "
            "the name. Districts already in the list are skipped."
        ),
        widget=forms.Textarea(attrs={"rows": 12, **_NO_AUTOCORRECT}),
        error_messages={"required": _("Paste at least one line.")},
    )


# --- Districts to choose, grouped by region ---------------------------------------------------


class DistrictsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid_choice": _("Choose districts from the list."),
                "invalid_pk_value": _("Choose districts from the list."),
            },
        )
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.name if obj.active else f"{obj.name} ({_('inactive')})"


def district_groups(bound_field) -> list[tuple[str, list]]:
    """The checkboxes of a DistrictsField as (region, [checkbox, ...]), in list order."""
    groups: dict[str, list] = {}
    for checkbox in bound_field:
        district = checkbox.data["value"].instance
        groups.setdefault(district.region, []).append(checkbox)
    return list(groups.items())


def _districts_offered(organisation_id: int, keep: Iterable[int]):
    # Inactive districts are not offered, except those already chosen: saving a form
    # must not silently drop them.
    return District.objects.filter(organisation_id=organisation_id).filter(
        Q(active=True) | Q(pk__in=list(keep))
    )


# --- Partners -------------------------------------------------------------------------------


class PartnerFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ANY + list(PartnerKind.choices), required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False, empty_label=_("Any")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))],
        required=False,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        district = self.fields["district"]
        assert isinstance(district, forms.ModelChoiceField)
        district.queryset = District.objects.filter(organisation=organisation, active=True)

    def apply(self, partners):
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or "active"
        if status != "all":
            partners = partners.filter(active=status == "active")
        if data.get("kind"):
            partners = partners.filter(kind=data["kind"])
        if data.get("district"):
            partners = partners.filter(districts=data["district"])
        return partners


class PartnerForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, error_messages={"required": _("Give the partner's name.")}
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=PartnerKind.choices,
        error_messages={
            "invalid_choice": _("Choose what kind of organisation this is from the list.")
        },
    )
    districts = DistrictsField(
        queryset=District.objects.none(),
        label=_("Districts covered"),
        help_text=_("Emergencies and referrals in these districts can go to this partner."),
    )
    responds_to_emergencies = forms.BooleanField(
        label=_("Responds to emergencies (its responders are alerted when a child is in danger)"),
        required=False,
        initial=True,
    )
    email = forms.EmailField(
        label=_("Desk e-mail address"),
        required=False,
        max_length=254,
        help_text=_("The partner's own desk, for the helpline to reach the organisation."),
        error_messages={"invalid": EMAIL_EXAMPLE},
    )
    phone = forms.CharField(
        label=_("Desk phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hours, languages, agreements: anything the helpline should know."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, organisation, partner: ServicePartner | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = list(partner.districts.values_list("pk", flat=True)) if partner else []
        districts = self.fields["districts"]
        assert isinstance(districts, DistrictsField)
        districts.queryset = _districts_offered(organisation.pk, chosen)
        if partner is None:
            del self.fields["active"]
        else:
            self.initial.update(
                {name: getattr(partner, name) for name in self.fields if name != "districts"}
            )
            self.initial["districts"] = chosen

    def district_groups(self):
        return district_groups(self["districts"])


# --- Services -------------------------------------------------------------------------------


class ServiceForm(forms.Form):
    service_type = forms.ChoiceField(
        label=_("Type of service"),
        choices=ServiceType.choices,
        error_messages={"invalid_choice": _("Choose the type of service from the list.")},
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("As case workers would look for it, such as “Emergency shelter for girls”."),
        error_messages={"required": _("Give the service's name.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who it is for, ages, hours, how to refer."),
    )
    districts = DistrictsField(
        queryset=District.objects.none(),
        label=_("Districts where it is offered"),
        help_text=_("Leave all unticked when it is offered in every district the partner covers."),
    )
    accepts_referrals = forms.BooleanField(
        label=_("Accepts referrals from the helpline"), required=False, initial=True
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, partner: ServicePartner, service=None, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = list(service.districts.values_list("pk", flat=True)) if service else []
        covered = list(partner.districts.values_list("pk", flat=True))
        districts = self.fields["districts"]
        assert isinstance(districts, DistrictsField)
        districts.queryset = District.objects.filter(
            organisation_id=partner.organisation_id, pk__in=covered + chosen
        )
        if service is None:
            del self.fields["active"]
        else:
            self.initial.update(
                {name: getattr(service, name) for name in self.fields if name != "districts"}
            )
            self.initial["districts"] = chosen

    def district_groups(self):
        return district_groups(self["districts"])


class DirectoryFilterForm(forms.Form):
    service_type = forms.ChoiceField(
        label=_("Type of service"), choices=ANY + list(ServiceType.choices), required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False, empty_label=_("Any")
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        district = self.fields["district"]
        assert isinstance(district, forms.ModelChoiceField)
        district.queryset = District.objects.filter(organisation=organisation, active=True)


# --- Responders -----------------------------------------------------------------------------


class ResponderForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Give the responder's name.")},
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=40,
        help_text=_("In international form, such as +91 98765 43210: SMS alerts go to it."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        error_messages={"invalid": EMAIL_EXAMPLE},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    alert_channel = forms.ChoiceField(
        label=_("Alerts reach them by"),
        choices=AlertChannel.choices,
        widget=forms.RadioSelect,
        initial=AlertChannel.SMS,
        error_messages={"invalid_choice": _("Choose how alerts reach them from the list.")},
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, responder: Responder | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if responder is None:
            del self.fields["active"]
        else:
            self.initial.update({name: getattr(responder, name) for name in self.fields})


class ResponderLoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "off", **_NO_AUTOCORRECT}),
        error_messages={"required": _("Choose a username.")},
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        error_messages={"invalid": EMAIL_EXAMPLE},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


# --- The rota -------------------------------------------------------------------------------


class _RotaForm(forms.Form):
    responder = forms.ModelChoiceField(
        label=_("Responder"),
        queryset=Responder.objects.none(),
        empty_label=_("Choose a responder"),
        error_messages={
            "required": _("Choose a responder."),
            "invalid_choice": _("Choose one of this partner's active responders."),
        },
    )
    position = forms.TypedChoiceField(
        label=_("Position"),
        choices=position_choices,
        coerce=int,
        initial=1,
        help_text=_("Who is alerted first when several are on call: 1, then 2, and so on."),
    )

    def __init__(self, *args, partner: ServicePartner, **kwargs):
        super().__init__(*args, **kwargs)
        responder = self.fields["responder"]
        assert isinstance(responder, forms.ModelChoiceField)
        responder.queryset = partner.responders.filter(active=True).order_by("name")

    def _within_years(self, name: str) -> None:
        value = self.cleaned_data.get(name)
        day = value.date() if isinstance(value, datetime) else value
        if day is not None and not within_years(day):
            self.add_error(
                name,
                _("Choose a date between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )


class ShiftForm(_RotaForm):
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=_datetime_input(),
        error_messages={
            "required": _("Give the date and time the shift starts."),
            "invalid": _("Enter the start as a date and time, such as 2025-03-01 08:00."),
        },
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        widget=_datetime_input(),
        error_messages={
            "required": _("Give the date and time the shift ends."),
            "invalid": _("Enter the end as a date and time, such as 2025-03-01 20:00."),
        },
    )
    field_order = ["responder", "starts_at", "ends_at", "position"]

    def clean(self):
        data = super().clean()
        self._within_years("starts_at")
        self._within_years("ends_at")
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The shift must end after it starts."))
        return data


class WeeklyForm(_RotaForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these days"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day of the week.")},
    )
    start_time = forms.TimeField(
        label=_("From"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Give the time shifts start."),
            "invalid": _("Enter a time such as 08:00."),
        },
    )
    end_time = forms.TimeField(
        label=_("To"),
        help_text=_(
            "An end before the start is the next morning, as for a night shift 20:00 to 08:00."
        ),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Give the time shifts end."),
            "invalid": _("Enter a time such as 20:00."),
        },
    )
    first_day = forms.DateField(
        label=_("Starting on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the first day of the pattern."),
            "invalid": _("Enter a date such as 2025-03-03."),
        },
    )
    weeks = forms.IntegerField(
        label=_("For how many weeks"),
        min_value=1,
        max_value=MAX_WEEKS,
        initial=4,
        error_messages={
            "required": _("Say for how many weeks."),
            "min_value": _("Repeat for at least 1 week."),
            "max_value": _("Repeat for at most %(limit_value)s weeks."),
        },
    )
    field_order = [
        "responder",
        "weekdays",
        "start_time",
        "end_time",
        "first_day",
        "weeks",
        "position",
    ]

    def clean(self):
        data = super().clean()
        self._within_years("first_day")
        if data.get("start_time") is not None and data.get("start_time") == data.get("end_time"):
            self.add_error("end_time", _("The shift must end at another time than it starts."))
        return data
