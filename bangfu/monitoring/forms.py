from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.selectors import code_choices

from .models import Alert, AlertState, SelfReport, Step, StepOutcome


class ScreeningForm(RuledForm):
    """A cadre's screening (排查) of a household raises an alert."""

    rules_of = Alert

    summary = forms.CharField(label=_("What was found"), widget=forms.Textarea)
    raised_on = forms.DateField(label=_("Screened on"), widget=DATE_INPUT)
    member_id = forms.TypedChoiceField(
        label=_("Member it concerns"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_id"].choices = [("", _("The whole household")), *members]


class ClosingForm(RuledForm):
    rules_of = Alert
    rule_names = {"reason": "close_reason"}

    outcome = forms.ChoiceField(
        label=_("Outcome of the verification"),
        choices=[
            (AlertState.NOT_AT_RISK, AlertState.NOT_AT_RISK.label),
            (AlertState.IDENTIFYING, AlertState.IDENTIFYING.label),
        ],  # fmt: skip
        widget=forms.RadioSelect,
    )
    closed_on = forms.DateField(label=_("Verified on"), widget=DATE_INPUT)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Needed when the household is not at risk: what the check found."),
    )


class StepForm(RuledForm):
    """The awaited step of a procedure; its extra fields are those the step needs."""

    rules_of = Step

    step = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=StepOutcome.choices, widget=forms.RadioSelect
    )
    done_on = forms.DateField(label=_("Done on"), widget=DATE_INPUT)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Needed when the step is refused."),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)
    notice_from = forms.DateField(label=_("Public notice from"), widget=DATE_INPUT, required=False)
    monitoring_type = forms.ChoiceField(label=_("Monitoring type"), required=False)
    risk_types = forms.MultipleChoiceField(
        label=_("Risk types"), required=False, widget=forms.CheckboxSelectMultiple
    )
    image = forms.FileField(
        label=_("Photo of the signed commitment"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args, spec, **kwargs):
        super().__init__(*args, **kwargs)
        if not spec.notice:
            del self.fields["notice_from"]
        if spec.decides:
            self.fields["monitoring_type"].choices = [("", "—"), *code_choices("monitoring_type")]
            self.fields["risk_types"].choices = code_choices("risk_type")
        else:
            del self.fields["monitoring_type"], self.fields["risk_types"]
        if not spec.photo:
            del self.fields["image"]


class SelfReportForm(RuledForm):
    """The public self-report page (农户自主申报): who, a phone to call back, the village and
    what happened."""

    rules_of = SelfReport

    name = forms.CharField(label=_("Name of the person who needs help"), required=False)
    phone = forms.CharField(
        label=_("Phone to call back"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    village = forms.ChoiceField(label=_("Village"), required=False)
    # Checked by the service (a retired or unknown code refused with its message there).
    kind = forms.CharField(label=_("Kind of hardship"), required=False, widget=forms.Select)
    what_happened = forms.CharField(label=_("What happened"), widget=forms.Textarea, required=False)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("Choose your village")), *villages]
        self.fields["kind"].widget.choices = [
            ("", _("Not sure / other")),
            *code_choices("risk_type"),
        ]


class ReportAlertForm(RuledForm):
    """A self-report answered with an alert about the household it concerns."""

    rules_of = Alert

    household_id = forms.TypedChoiceField(
        label=_("The household it concerns"), coerce=int, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label=_("What the call-back found"),
        widget=forms.Textarea,
        help_text=_("Goes to the household's helper with the alert."),
    )
    raised_on = forms.DateField(label=_("Called back on"), widget=DATE_INPUT)

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household_id"].choices = households


class ReportClosingForm(RuledForm):
    """A self-report closed as not at risk, with the reason."""

    rules_of = SelfReport
    rule_names = {"reason": "close_reason", "closed_on": "handled_on"}

    reason = forms.CharField(label=_("Why not at risk"), widget=forms.Textarea)
    closed_on = forms.DateField(label=_("Called back on"), widget=DATE_INPUT)
