"""Forms for the directory and the report page's routing panel. They parse input; the
rules live in `services` and `directory`."""

from django import forms

from haven.hosting.directory import api_address_problem
from haven.routing import config, directory
from haven.routing.models import Partner, PartnerKind
from haven.routing.services import FORWARD_KINDS
from haven.web.countries import country_choices, country_name
from haven.web.languages import language_choices

ANY = [("", "Any")]
EMAIL_EXAMPLE = "Enter an e-mail address such as abuse@example.net."
CHOOSE_COUNTRY = "Choose a country from the list."


class PartnerFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=ANY + list(PartnerKind.choices), required=False)
    country = forms.ChoiceField(choices=(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = country_choices("Any")

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
        error_messages={
            "required": "Choose what kind of partner this is.",
            "invalid_choice": "Choose what kind of partner this is from the list.",
        },
    )
    name = forms.CharField(max_length=200, error_messages={"required": "Give the partner's name."})
    country = forms.ChoiceField(
        choices=(),
        required=False,
        help_text="The country a hotline or police unit covers. Content hosted there is "
        "forwarded to its hotline.",
        error_messages={"invalid_choice": CHOOSE_COUNTRY},
    )
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        max_length=254,
        help_text="Where referrals go when the partner does not run Haven.",
        error_messages={"invalid": EMAIL_EXAMPLE},
    )
    language = forms.ChoiceField(
        label="Language",
        choices=(),
        initial="en",
        help_text="The language the partner works in.",
        error_messages={
            "required": "Choose the language the partner works in.",
            "invalid_choice": "Choose the partner's language from the list.",
        },
    )
    api_url = forms.URLField(
        label="Address of the partner's Haven",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For a partner that runs Haven, e.g. https://haven.example.org: referrals "
        "then go straight into its queue.",
        error_messages={
            "invalid": "Enter the full address of the partner's Haven, such as "
            "https://haven.example.org."
        },
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

    def __init__(self, *args, partner: Partner | None = None, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = country_choices("None")
        self.partner = partner
        self.organisation_id = partner.organisation_id if partner else _pk(organisation)
        self._languages(partner)
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
        self.other_hotline = self._other_hotline()
        if self.other_hotline is not None:
            other = self.other_hotline
            where = country_name(other.country)
            # partner_hotline_for picks the first added of the active hotlines.
            chosen = self.partner if self.partner and self.partner.pk < other.pk else other
            self.fields["second_hotline"] = forms.BooleanField(
                required=False,
                label=f"Keep two active hotlines for {where}",
                help_text=f"{other.name} is already an active hotline for {where}. Content "
                f"hosted there is forwarded to one of them only: {chosen.name}, the first "
                "added, until it is deactivated.",
            )

    def _languages(self, partner: Partner | None) -> None:
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        choices = language_choices()
        recorded = partner.language if partner else ""
        if recorded and recorded not in dict(_flat(choices)):
            # Saved before languages were checked: keep it until someone changes it.
            choices = [*choices, (recorded, recorded)]
        language.choices = choices

    def _other_hotline(self) -> Partner | None:
        """Another active hotline for the country a bound form names, when saving would
        make this partner a second one (nothing to say if it already was)."""
        if not self.is_bound or self.organisation_id is None:
            return None
        kind = self.data.get(self.add_prefix("kind"), "")
        country = str(self.data.get(self.add_prefix("country"), "")).upper()
        active = self.partner is None or bool(self.data.get(self.add_prefix("active")))
        if kind != PartnerKind.HOTLINE or not country or not active:
            return None
        partner = self.partner
        if (
            partner is not None
            and partner.kind == PartnerKind.HOTLINE
            and partner.active
            and partner.country == country
        ):
            return None
        return directory.other_active_hotline(self.organisation_id, country, exclude=partner)

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or "en"

    def clean_api_url(self) -> str:
        url = self.cleaned_data["api_url"]
        problem = api_address_problem(url, http_allowed=config.http_allowed()) if url else ""
        if problem:
            raise forms.ValidationError(problem)
        return url

    def clean(self):
        data = super().clean()
        if self.other_hotline is not None and not data.get("second_hotline"):
            other = self.other_hotline
            self.add_error(
                "second_hotline",
                f"{other.name} is already an active hotline for "
                f"{country_name(other.country)}. Tick this box to keep both, or choose "
                "another country or kind.",
            )
        return data

    def partner_data(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("api_token", "clear_token", "second_hotline")
        }


def _flat(choices) -> list[tuple[str, str]]:
    flat: list[tuple[str, str]] = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            flat.extend(label)
        else:
            flat.append((value, label))
    return flat


def _pk(organisation) -> int | None:
    return getattr(organisation, "pk", organisation)


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        where = f" ({country_name(obj.country)})" if obj.country else ""
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
        queryset=partners,
        label=label,
        empty_label=empty,
        error_messages={
            "required": f"{empty}.",
            "invalid_choice": f"{empty} from the list: that one is not in the directory.",
        },
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
                error_messages={
                    "required": "Choose at least one address to forward.",
                    "invalid_choice": "Choose addresses of this report only.",
                    "invalid_pk_value": "Choose addresses of this report only.",
                },
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
