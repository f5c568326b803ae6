"""Forms for signing in, two-factor codes, passwords, API tokens and organisation members.

Autocomplete hints are set on every credential field so that password managers and
phones fill the right thing (WCAG 2.2 "identify input purpose").
"""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.forms import UserCreationForm

from haven.accounts.models import Role, User
from haven.web.countries import country_choices
from haven.web.languages import NOTICE_LANGUAGES

_NO_AUTOCORRECT = {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}


class LoginForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", **_NO_AUTOCORRECT}),
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=9,
        help_text="The 6-digit code shown in your authenticator app.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", **_NO_AUTOCORRECT}
        ),
    )

    def clean_code(self) -> str:
        # Apps show "123 456"; people copy it with the space or type a dash.
        code = self.cleaned_data["code"].replace(" ", "").replace("-", "")
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError("Enter the 6 digits of the code, like 123456.")
        return code


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form: checks the current password and runs AUTH_PASSWORD_VALIDATORS."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password2"].label = "New password again"


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, so you can tell tokens apart, e.g. “reporting bot”.",
    )


class MemberCreateForm(UserCreationForm):
    """A new member of the admin's organisation with an initial password that passes
    the validators (checked against the new username and names for similarity)."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "role")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update(_NO_AUTOCORRECT)
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["password1"].label = "Initial password"
        self.fields["password2"].label = "Initial password again"
        self.fields["role"].help_text = (
            "Analysts work the queue; supervisors also see statistics and the audit log; "
            "administrators also manage people; partner services only use the API; "
            "parents, carers and teachers look after a family's or school's access policy."
        )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


def _country_choices() -> list[tuple[str, str]]:
    return country_choices("Not set")


class OrganisationForm(forms.Form):
    country = forms.ChoiceField(
        choices=_country_choices,
        required=False,
        help_text="Content hosted in another country is forwarded to that country's hotline.",
    )
    language = forms.ChoiceField(
        choices=NOTICE_LANGUAGES,
        label="Default language of notices",
        help_text="Used when a host's or partner's language is not known.",
    )
