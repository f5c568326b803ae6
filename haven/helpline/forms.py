"""Forms for the helpline pages: the contact form, the contact list's filters and the
settings. They parse input; the rules live in `services`."""

from django import forms
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from haven.helpline import identity, taxonomy
from haven.helpline.models import (
    CallerType,
    Channel,
    Contact,
    ContactStatus,
    ContactUrgency,
    Gender,
    HelplineSettings,
    RiskLevel,
)
from haven.helpline.services import masked_identifying
from haven.network.models import District

MAX_AGE = 25
SUMMARY_MAX_LENGTH = 10_000
NOTE_MAX_LENGTH = 2_000
REMOVE_LABELS = {
    "child_name": "Remove the stored child's name",
    "contact_detail": "Remove the stored number or handle",
    "location": "Remove the stored place",
}
CHOOSE_CATEGORY = "Choose at least one category before completing: what the contact was about."


class DistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj) if obj.active else f"{obj} (no longer used)"


class ContactForm(forms.Form):
    """Every part of a contact a counsellor records. Identifying details are never put
    back into the form (the page would show them unmasked): a blank one keeps what is
    stored, and a tick box removes it."""

    channel = forms.ChoiceField(
        label="How the contact came in",
        choices=Channel.choices,
        error_messages={
            "required": "Choose how the contact came in.",
            "invalid_choice": "Choose how the contact came in from the list.",
        },
    )
    caller_type = forms.ChoiceField(
        label="Who is contacting",
        choices=CallerType.choices,
        initial=CallerType.CHILD,
        error_messages={"invalid_choice": "Choose who is contacting from the list."},
    )
    child_age = forms.IntegerField(
        label="Child's age",
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        help_text="In years. Leave blank if it was not said.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the child's age in years, such as 14.",
            "min_value": f"Enter an age from 0 to {MAX_AGE}.",
            "max_value": f"Enter an age from 0 to {MAX_AGE}.",
        },
    )
    gender = forms.ChoiceField(
        label="Child's gender",
        choices=Gender.choices,
        initial=Gender.UNKNOWN,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the child's gender from the list."},
    )
    district = DistrictChoiceField(
        label="District",
        queryset=District.objects.none(),
        required=False,
        empty_label="Not known",
        help_text="Where the child is. Emergencies go to the partners covering it.",
        error_messages={"invalid_choice": "Choose one of your districts from the list."},
    )
    categories = forms.MultipleChoiceField(
        label="What the contact is about",
        required=False,
        choices=[(code, taxonomy.label(code)) for code in taxonomy.SUBCATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every sub-category that applies.",
        error_messages={"invalid_choice": "Choose categories from the list: %(value)s is not one."},
    )
    risk_level = forms.ChoiceField(
        label="Risk to the child",
        choices=RiskLevel.choices,
        initial=RiskLevel.NONE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the risk from the list."},
    )
    urgency = forms.ChoiceField(
        label="Urgency",
        choices=ContactUrgency.choices,
        initial=ContactUrgency.ROUTINE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the urgency from the list."},
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        help_text="What the child told you and how they were. Names and numbers go below.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    actions = forms.MultipleChoiceField(
        label="Actions taken",
        required=False,
        choices=taxonomy.action_choices(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose actions from the list: %(value)s is not one."},
    )
    action_note = forms.CharField(
        label="Note on the actions",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text="Where you referred the child, what was agreed, when to call back.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent_record = forms.BooleanField(
        label="The child agrees that we keep a record with these details",
        required=False,
        help_text="Without it, counsellors who talk to the child later see only when they "
        "contacted us, how and what about.",
    )
    consent_share = forms.BooleanField(
        label="The child agrees that we share details with partners we refer them to",
        required=False,
    )
    consent_callback = forms.BooleanField(
        label="The child agrees to be contacted back", required=False
    )
    child_name = forms.CharField(
        label="Child's name",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    contact_detail = forms.CharField(
        label="Phone number or handle to call back",
        required=False,
        max_length=200,
        help_text="Also how Haven recognises the child next time; it is stored sealed and "
        "only as a keyed hash for recognising them.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    location = forms.CharField(
        label="Where the child is",
        required=False,
        max_length=500,
        help_text="An address or a description a responder could find.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(
        self, *args, organisation, contact: Contact | None = None, completing=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.contact = contact
        self.completing = completing
        self._districts(organisation, contact)
        if contact is not None:
            self.initial.update(
                {name: getattr(contact, name) for name in self.fields if hasattr(contact, name)}
            )
            self.initial["district"] = contact.district_id
            if contact.conversation_id:
                del self.fields["channel"]
            self._stored_identifying(contact)

    def _districts(self, organisation, contact: Contact | None) -> None:
        field = self.fields["district"]
        assert isinstance(field, forms.ModelChoiceField)
        shown = Q(active=True)
        if contact is not None and contact.district_id:
            shown |= Q(pk=contact.district_id)  # keep a district retired since
        field.queryset = District.objects.filter(organisation=organisation).filter(shown)

    def _stored_identifying(self, contact: Contact) -> None:
        """Say what is stored (masked), and offer to remove it."""
        masked = masked_identifying(contact)
        for name, remove in REMOVE_LABELS.items():
            shown = getattr(masked, name)
            if not shown:
                continue
            self.fields[
                name
            ].help_text = f"Stored: {shown}. Leave blank to keep it, or type a new one."
            self.fields[f"clear_{name}"] = forms.BooleanField(label=remove, required=False)

    def category_groups(self):
        """The category tick boxes grouped by area, for the template: [(area label,
        [checkbox, ...], how many are ticked), ...]. The boxes keep the ids of the flat
        field, so the error summary's link reaches the first of them."""
        boxes = {box.data["value"]: box for box in self["categories"]}
        groups = []
        for area_label, choices in taxonomy.category_choices():
            shown = [boxes[code] for code, _label in choices]
            groups.append((area_label, shown, sum(bool(box.data["selected"]) for box in shown)))
        return groups

    def identifying_fields(self):
        names = ["child_name", "contact_detail", "location"]
        names += [f"clear_{name}" for name in names]
        return [self[name] for name in names if name in self.fields]

    def clean(self):
        data = super().clean()
        if self.completing and "categories" in data and not data["categories"]:
            self.add_error("categories", CHOOSE_CATEGORY)
        stored = self.contact is not None and bool(self.contact.contact_detail_sealed)
        will_have = bool(data.get("contact_detail")) or (
            stored and not data.get("clear_contact_detail")
        )
        if data.get("consent_callback") and not will_have:
            self.add_error(
                "contact_detail",
                "Note the number or handle to call back, or untick the call-back consent.",
            )
        if data.get("contact_detail") and not identity.normalise_handle(data["contact_detail"]):
            self.add_error("contact_detail", "Enter a phone number or handle.")
        return data


# --- The contact list -------------------------------------------------------------------


def _category_filter_choices() -> list:
    choices: list = [("", "Any category")]
    for code, area_label in taxonomy.area_choices():
        subs = [
            (c, f"{taxonomy.label(c)}") for c in taxonomy.SUBCATEGORIES if c.startswith(code + ".")
        ]
        choices.append((area_label, [(code, f"All of {area_label.lower()}"), *subs]))
    return choices


class ContactFilterForm(forms.Form):
    channel = forms.ChoiceField(required=False, choices=[("", "Any channel"), *Channel.choices])
    risk = forms.ChoiceField(
        label="Risk", required=False, choices=[("", "Any risk"), *RiskLevel.choices]
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *ContactStatus.choices])
    category = forms.ChoiceField(required=False, choices=())
    started_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date such as 2025-03-31."},
    )
    started_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date such as 2025-03-31."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = _category_filter_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("started_from"), data.get("started_to")
        if start and end and start > end:
            self.add_error("started_to", "The end date must be on or after the start date.")
        return data

    def apply(self, contacts):
        """The contacts that match; the filters that are not valid are left out (and
        their errors shown beside them)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        for name, column in (("channel", "channel"), ("risk", "risk_level"), ("status", "status")):
            if data.get(name):
                contacts = contacts.filter(**{column: data[name]})
        if data.get("started_from"):
            contacts = contacts.filter(started_at__date__gte=data["started_from"])
        if data.get("started_to") and "started_to" not in self.errors:
            contacts = contacts.filter(started_at__date__lte=data["started_to"])
        if data.get("category"):
            contacts = _with_category(contacts, data["category"])
        return contacts


def _with_category(contacts, code: str):
    # Codes are lower-case letters, "_" and "." only, so matching the JSON text is exact
    # on both SQLite and PostgreSQL (where JSON containment is not portable).
    needle = f'"{code}"' if "." in code else f'"{code}.'
    return contacts.annotate(categories_text=Cast("categories", TextField())).filter(
        categories_text__contains=needle
    )


# --- Settings ---------------------------------------------------------------------------


def _minutes(label: str, low: int, high: int, help_text: str, unit: str = "minutes"):
    message = f"Enter a whole number of {unit} from {low} to {high}."
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        help_text=help_text,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


class SettingsForm(forms.Form):
    emergency_target_minutes = _minutes(
        "Emergency target (minutes)",
        5,
        240,
        "A responder should reach a child in danger within this time.",
    )
    acknowledge_minutes = _minutes(
        "Acknowledgement time (minutes)",
        1,
        60,
        "With no acknowledgement within this time, the next responder and the supervisors "
        "are alerted.",
    )
    realert_minutes = _minutes(
        "Alert again every (minutes)",
        1,
        60,
        "Until someone acknowledges, alerts go out again this often.",
    )
    retention_days = _minutes(
        "Retention (days)",
        30,
        3650,
        "Closed contacts, chats, emergencies and cases are anonymised this many days after "
        "they close.",
        unit="days",
    )
    chat_idle_minutes = _minutes(
        "End idle chats after (minutes)",
        5,
        240,
        "A chat nobody has written in for this long is ended.",
    )

    def __init__(self, *args, current: HelplineSettings, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.update({name: getattr(current, name) for name in self.fields})

    def clean(self):
        data = super().clean()
        target, acknowledge = data.get("emergency_target_minutes"), data.get("acknowledge_minutes")
        if target and acknowledge and acknowledge >= target:
            self.add_error(
                "acknowledge_minutes",
                "Make the acknowledgement time shorter than the emergency target, so the "
                "next responder is alerted in time.",
            )
        return data
