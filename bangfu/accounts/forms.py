from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import places_down_to

from .roles import Role


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong login name or password. Note that after several wrong tries the account "
            "is locked for a while."
        ),
        "inactive": _("This account has been closed; ask your county office administrator."),
    }


def place_choices(actor) -> list[tuple[str, str]]:
    """Places an admin may give: theirs and those under them, down to villages."""
    places = places_down_to(actor, RegionLevel.VILLAGE)
    top = min((level for _code, _name, level in places), default=0)
    return [(code, f"{'　' * (level - top)}{name}（{code}）") for code, name, level in places]


class UserFields(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    places = forms.MultipleChoiceField(
        label=_("Places answered for"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Hold Ctrl (or long-press on a phone) to choose several."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["places"].choices = place_choices(actor)


class UserCreateForm(UserFields):
    username = forms.CharField(label=_("Login name"), max_length=150)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)

    field_order = ["username", "full_name", "phone", "password", "places", "roles"]


class UserEditForm(UserFields):
    is_active = forms.BooleanField(label=_("Account open"), required=False)


class PasswordResetForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("System that will use it"),
        max_length=100,
        help_text=_("For example: the county big-data platform."),
    )
