from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.selectors import code_choices

from .models import Acknowledgement, AcknowledgementKind, Effect, Measure, MeasureStatus


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


class AcknowledgementForm(RuledForm):
    """The signature comes as a PNG the page's script draws from the canvas into ``image``;
    a photo of the signed paper comes through the same field from the camera."""

    rules_of = Acknowledgement

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("How the household signs"),
        choices=AcknowledgementKind.choices,
        widget=forms.RadioSelect,
    )
    signed_by = forms.CharField(label=_("Signed by"))
    image = forms.FileField(
        label=_("Photo of the signed paper"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
