from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.selectors import place_filter_choices

from . import selectors
from .models import Pairing, UnitKind, UnitLevel


class PairForm(forms.Form):
    helper = forms.ChoiceField(label=_("Helper"))
    is_main = forms.BooleanField(label=_("Main helper of this household"), required=False)
    started_on = forms.DateField(label=_("From"), widget=DATE_INPUT, initial=timezone.localdate)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].choices = [
            (h.pk, f"{h.name}（{h.unit.name}）") for h in selectors.helper_choices(user)
        ]


class EndForm(forms.Form):
    reason = forms.CharField(label=_("Reason for ending"), max_length=200)


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=UnitLevel.choices)
    region_code = forms.ChoiceField(label=_("Place"))
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        required=False,
        help_text=_("For enterprises and social organisations: 18 characters, from the licence."),
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # a unit keeps its place: its helpers and pairings are scoped by it
            del self.fields["region_code"]
        else:
            self.fields["region_code"].choices = place_filter_choices(user)


class HelperForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    unit_id = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    position = forms.CharField(label=_("Position"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        help_text=_("Optional; stored encrypted, so that pairing sheets can name the helper."),
    )
    party_member = forms.BooleanField(label=_("Party member"), required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_id"].choices = [(u.pk, u.name) for u in selectors.units_of(user)]
        if editing:
            self.fields["id_number"].help_text = _(
                "Left blank, the ID number on record stays; it is never shown again."
            )


class TransferForm(forms.Form):
    to_helper_id = forms.ChoiceField(label=_("Hand the households to"))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_helper_id"].choices = [
            (h.pk, f"{h.name}（{h.unit.name}）") for h in selectors.helper_choices(user)
        ]


def helper_labels(user) -> list[tuple[int, str]]:
    """The helpers in post the user may pair, as a form offers them: 王哲铭（农业农村局）."""
    return [(h.pk, f"{h.name}（{h.unit.name}）") for h in selectors.helper_choices(user)]


class HandoverForm(RuledForm):
    """Hand one household to another helper (on the household page, one form a pairing)."""

    rules_of = Pairing
    rule_names = {"on": "started_on", "reason": "end_reason"}

    to_helper_id = forms.TypedChoiceField(label=_("Hand the household to"), coerce=int)
    on = forms.DateField(label=_("From"), widget=DATE_INPUT, initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"))

    def __init__(self, *args, helpers: list[tuple[int, str]], leaving: int | None = None, **kw):
        super().__init__(*args, **kw)
        self.fields["to_helper_id"].choices = [
            (pk, label) for pk, label in helpers if pk != leaving
        ]


class ResponsibilityForm(forms.Form):
    level = forms.CharField(widget=forms.HiddenInput)
    person = forms.CharField(label=_("Person or unit"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
