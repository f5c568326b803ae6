"""Forms for the directory and the report page's routing panel. They parse input; the
rules live in `services` and `directory`."""

from django import forms

from haven.routing import config
from haven.routing.countries import country_choices
from haven.routing.models import Partner, PartnerKind
from haven.routing.services import FORWARD_KINDS

ANY = [("", "Any")]


def _countries(blank: str):
    return [("", blank), *country_choices()]


class PartnerFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=ANY + list(PartnerKind.choices), required=False)
    country = forms.ChoiceField(choices=(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = _countries("Any")

    def apply(self, partners):
        if not self.is_valid():
            return partners
        data = self.cleaned_data
        if data["kind"]:
            partners = partners.filter(kind=data["kind"])
        if data["country"]:
            partners = partners.filter(country=data["country"])
        return partners


class PartnerForm(forms.Form):
    kind = forms.ChoiceField(
        choices=PartnerKind.choices,
        error_messages={"required": "Choose what kind of partner this is."},
    )
    name = forms.CharField(max_length=200, error_messages={"required": "Give the partner's name."})
    country = forms.ChoiceField(
        choices=(),
        required=False,
        help_text="The country a hotline or police unit covers. Content hosted there is "
        "forwarded to its hotline.",
    )
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        max_length=254,
        help_text="Where referrals go when the partner does not run Haven.",
    )
    language = forms.CharField(max_length=10, initial="en", help_text="e.g. en, de, fr.")
    api_url = forms.URLField(
        label="Address of the partner's Haven",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For a partner that runs Haven, e.g. https://haven.example.org: referrals "
        "then go straight into its queue.",
    )
    api_token = forms.CharField(
        label="API token",
        required=False,
        max_length=500,
        strip=True,
        help_text="A partner-service token the partner's Haven issued to you. Stored "
        "encrypted and never shown again.",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    notes = forms.CharField(
        required=False, max_length=5_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args, partner: Partner | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = _countries("None")
        self.partner = partner
        if partner is None:
            del self.fields["active"]
        else:
            self.initial.update(
                {name: getattr(partner, name) for name in self.fields if name != "api_token"}
            )
            if partner.api_token_sealed:
                self.fields["api_token"].help_text = (
                    "A token is stored; leave blank to keep it. Stored encrypted and never "
                    "shown again."
                )
                self.fields["clear_token"] = forms.BooleanField(
                    required=False, label="Remove the stored API token"
                )

    def clean_language(self) -> str:
        return self.cleaned_data["language"].strip().lower() or "en"

    def clean_api_url(self) -> str:
        url = self.cleaned_data["api_url"]
        if url and not url.startswith("https://") and not config.http_allowed():
            raise forms.ValidationError("Use an https:// address.")
        return url

    def partner_data(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("api_token", "clear_token")
        }


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        where = f" ({obj.country})" if obj.country else ""
        how = "Haven API" if obj.api_url and obj.api_token_sealed else "e-mail"
        return f"{obj.name}{where}, by {how}"


class UrlChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.url


def _partner_field(organisation_id: int, kinds, label: str, empty: str) -> PartnerChoiceField:
    partners = Partner.objects.filter(
        organisation_id=organisation_id, kind__in=kinds, active=True
    ).order_by("country", "name")
    return PartnerChoiceField(
        queryset=partners, label=label, empty_label=empty, error_messages={"required": empty}
    )


class ForwardForm(forms.Form):
    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"] = _partner_field(
            report.organisation_id, FORWARD_KINDS, "Forward to", "Choose a partner"
        )
        urls = report.urls.order_by("pk")
        if urls.exists():
            self.fields["urls"] = UrlChoiceField(
                queryset=urls,
                label="Addresses to forward",
                widget=forms.CheckboxSelectMultiple,
                initial=list(urls),
                error_messages={"required": "Choose at least one address."},
            )


class PoliceForm(forms.Form):
    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"] = _partner_field(
            report.organisation_id, [PartnerKind.POLICE], "Police unit", "Choose a police unit"
        )


class AcknowledgedForm(forms.Form):
    note = forms.CharField(
        label="How was it acknowledged?",
        max_length=2_000,
        help_text="Who confirmed, when and how, e.g. a phone call with the duty officer.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say how the partner acknowledged it."},
    )
