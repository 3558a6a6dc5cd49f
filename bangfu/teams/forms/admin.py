"""Forms of the teams' own pages: a team, a member, ending and replacing a term. Their hints
come from the models' value rules; the rules themselves are the services'."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.accounts.selectors import manageable_users
from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import places_down_to
from bangfu.pairing.selectors import units_of

from ..models import Team, TeamMember
from ..selectors.admin import CURRENT, ENDED, role_choices


def village_choices(user) -> list[tuple[str, str]]:
    return [
        (code, f"{name}（{code}）")
        for code, name, level in places_down_to(user, RegionLevel.VILLAGE)
        if level == RegionLevel.VILLAGE
    ]


class TeamFilterForm(forms.Form):
    place = forms.ChoiceField(label=_("Place"), required=False)
    state = forms.ChoiceField(
        label=_("Teams"),
        required=False,
        choices=[("", _("All")), (CURRENT, _("In post")), (ENDED, _("Term over"))],
    )

    def __init__(self, *args, places: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("All my places")), *places]


class TeamForm(RuledForm):
    rules_of = Team

    name = forms.CharField(label=_("Name"))
    region_code = forms.ChoiceField(label=_("Village stationed in"))
    villages = forms.MultipleChoiceField(
        label=_("Other villages served"),
        required=False,
        help_text=_("The village it is stationed in is always served."),
    )
    unit_id = forms.TypedChoiceField(label=_("Sending unit"), coerce=int)
    term_start = forms.DateField(label=_("Term starts"), widget=DATE_INPUT)
    term_end = forms.DateField(label=_("Term ends"), widget=DATE_INPUT, required=False)
    latitude = forms.DecimalField(label=_("Residence latitude"), required=False)
    longitude = forms.DecimalField(
        label=_("Residence longitude"),
        required=False,
        help_text=_("Where the team lives in the village (驻地): check-ins are measured from it."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = village_choices(user)
        self.fields["region_code"].choices = villages
        self.fields["villages"].choices = villages
        self.fields["unit_id"].choices = [(u.pk, u.name) for u in units_of(user)]


class MemberForm(RuledForm):
    rules_of = TeamMember

    name = forms.CharField(label=_("Name"))
    id_number = forms.CharField(label=_("ID number"), max_length=30)
    role = forms.ChoiceField(label=_("Role on the team"))
    unit_id = forms.TypedChoiceField(label=_("Sent by"), coerce=int)
    phone = forms.CharField(label=_("Phone"), required=False)
    started_on = forms.DateField(label=_("From"), widget=DATE_INPUT, initial=timezone.localdate)
    user_id = forms.TypedChoiceField(
        label=_("Login for checking in"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Optional: the account the member signs in with on a phone."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices()
        self.fields["unit_id"].choices = [(u.pk, u.name) for u in units_of(user)]
        self.fields["user_id"].choices = [("", "—")] + [
            (u.pk, u.full_name or u.username) for u in manageable_users(user)
        ]


class EndForm(RuledForm):
    rules_of = TeamMember
    rule_names = {"reason": "end_reason"}

    ended_on = forms.DateField(label=_("Last day"), widget=DATE_INPUT, initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"))


class ReplaceForm(MemberForm):
    """Another person takes the member's place from a day (人员调整): the member's term ends
    the day before, the new one's starts on it."""

    rule_names = {"on": "started_on", "reason": "end_reason"}

    on = forms.DateField(label=_("From"), widget=DATE_INPUT, initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason for the change"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["started_on"]
