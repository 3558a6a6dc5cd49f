from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core import values
from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.selectors import code_choices

from .models import Alert, AlertState, IncomeCheck, Procedure, SelfReport, Step, StepOutcome

# 两不愁 as asked at an income check: not asked, secure, or not secure.
FOOD_AND_CLOTHING_CHOICES = [
    ("unknown", _("Not asked")),
    ("true", _("Yes: enough food and clothing")),
    ("false", _("No")),
]


def _income_fields(form) -> None:
    """An income check's fields (收入核查), on its own form or a home check's."""
    form.fields["per_capita"] = forms.DecimalField(
        label=_("Per-capita yearly income (yuan)"),
        decimal_places=2,
        required=False,
        help_text=_("What the household earns a person a year, as found at home."),
    )
    form.fields["food_and_clothing"] = forms.NullBooleanField(
        label=_("Food and clothing secure (两不愁)"),
        required=False,
        widget=forms.Select(choices=FOOD_AND_CLOTHING_CHOICES),
    )
    form.fields["per_capita"].widget.attrs.update(
        values.html_attrs(IncomeCheck, "per_capita") | {"inputmode": "decimal"}
    )


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
        if spec.assesses:
            _income_fields(self)


class StartForm(RuledForm):
    """Start a household's risk clearing or exit verification from its page."""

    rules_of = Procedure

    started_on = forms.DateField(label=_("Start on"), widget=DATE_INPUT)


class IncomeCheckForm(RuledForm):
    """An income check (收入核查) of a household, entered after a visit."""

    rules_of = IncomeCheck

    assessed_on = forms.DateField(label=_("Checked on"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _income_fields(self)
        self.order_fields(["assessed_on", "per_capita", "food_and_clothing", "note"])


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


class RuleRunForm(forms.Form):
    """The county office runs the early-warning rules over a place of theirs, today."""

    place = forms.ChoiceField(label=_("Run the rules over"))

    def __init__(self, *args, places: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = places
