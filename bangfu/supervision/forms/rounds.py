"""Forms of inspection rounds. The rules are the services'; a form gives the browser the hints
of the model's value rules (``RuledForm``) and the choices the reader has."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import RuledForm
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import places_down_to

from ..models import InspectionRound, Method, SampleDraw
from ..services.rounds import ROUND_PLACES, WANTED, eligible_inspectors

MONTH_INPUT = forms.TextInput(attrs={"type": "month"})
SIZE_LABELS = {
    "households_wanted": _("Households to sample"),
    "helpers_wanted": _("Helpers to sample"),
    "units_wanted": _("Units to sample"),
    "teams_wanted": _("Work teams to sample"),
}


class RoundForm(RuledForm):
    """A round's place and month (when it is planned), title, methods, inspection group and
    sample sizes. The group is chosen among the people holding the inspector's capability
    whose places cover one of the reader's counties or townships."""

    rules_of = InspectionRound

    region_code = forms.ChoiceField(label=_("Place inspected"))
    month = forms.CharField(label=_("Month"), widget=MONTH_INPUT)
    title = forms.CharField(label=_("Title"), help_text=_("For example: 11月脱贫攻坚督查."))
    methods = forms.MultipleChoiceField(
        label=_("Methods"), choices=Method.choices, widget=forms.CheckboxSelectMultiple
    )
    inspectors = forms.TypedMultipleChoiceField(
        label=_("Inspection group"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    households_wanted = forms.IntegerField(label=SIZE_LABELS["households_wanted"], initial=0)
    helpers_wanted = forms.IntegerField(label=SIZE_LABELS["helpers_wanted"], initial=0)
    units_wanted = forms.IntegerField(label=SIZE_LABELS["units_wanted"], initial=0)
    teams_wanted = forms.IntegerField(label=SIZE_LABELS["teams_wanted"], initial=0)
    stratified = forms.BooleanField(
        label=_("Draw the sample township by township"),
        required=False,
        help_text=_("Each township's share in proportion to its records, at least one each."),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, with_place: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        places = [
            (code, name, level)
            for code, name, level in places_down_to(user, RegionLevel.TOWNSHIP)
            if level in ROUND_PLACES
        ]
        if with_place:
            self.fields["region_code"].choices = [
                (code, f"{name}（{RegionLevel(level).label}）") for code, name, level in places
            ]
        else:
            del self.fields["region_code"]
            del self.fields["month"]
        self.fields["inspectors"].choices = [
            (person.pk, str(person))
            for person in eligible_inspectors(*(code for code, _name, _level in places))
        ]

    def details(self) -> dict[str, object]:
        """What the services take, from the cleaned form."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "methods": data["methods"],
            "inspector_ids": data["inspectors"],
            **{name: data[name] for name in WANTED.values()},
            "stratified": data["stratified"],
            "notes": data["notes"],
        }


class RedrawForm(RuledForm):
    rules_of = SampleDraw

    reason = forms.CharField(
        label=_("Why the sample is drawn again"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the new draw and in the audit log, beside both seeds."),
    )
