from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.selectors import code_choices

from .models import Effect, Measure, MeasureStatus


class MeasureForm(RuledForm):
    rules_of = Measure

    kind = forms.ChoiceField(label=_("Kind of measure"))
    content = forms.CharField(label=_("What the measure is"), widget=forms.Textarea)
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False)
    responsible_helper_id = forms.TypedChoiceField(
        label=_("Responsible helper"), coerce=int, required=False, empty_value=None
    )
    responsible_name = forms.CharField(
        label=_("Or the responsible person's name"),
        required=False,
        help_text=_("For a measure carried by a bureau or an enterprise rather than a helper."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    due_on = forms.DateField(label=_("Due on"), widget=DATE_INPUT)
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)

    def __init__(self, *args, helpers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = code_choices("plan_measure")
        self.fields["responsible_helper_id"].choices = [("", "—"), *helpers]


class EffectForm(RuledForm):
    rules_of = Effect

    year = forms.IntegerField(label=_("Year"))
    summary = forms.CharField(label=_("Effect of the plan"), widget=forms.Textarea)
