"""Forms of health assistance: a family-doctor contract and a check-up of a member."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.regions import RegionLevel, infer_level
from bangfu.core.selectors import code_choices

from .models import (
    Activity,
    ActivityKind,
    CheckUp,
    Condition,
    DoctorContract,
    FollowUp,
    FollowUpKind,
    IllnessKind,
    MedicalCost,
)


def _a_year_on() -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year + 1) - datetime.timedelta(days=1)


class ContractForm(RuledForm):
    rules_of = DoctorContract

    doctor = forms.CharField(label=_("Family doctor"))
    institution = forms.CharField(label=_("Medical institution"))
    package = forms.ChoiceField(label=_("Service package"))
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_INPUT, initial=timezone.localdate)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE_INPUT, initial=_a_year_on)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="contract", **kwargs)
        self.fields["package"].choices = code_choices("doctor_package")


class CheckUpForm(RuledForm):
    rules_of = CheckUp

    held_on = forms.DateField(
        label=_("Check-up day"), widget=DATE_INPUT, initial=timezone.localdate
    )
    institution = forms.CharField(label=_("Medical institution"))
    findings = forms.MultipleChoiceField(
        label=_("Findings"), widget=forms.CheckboxSelectMultiple, required=False
    )
    summary = forms.CharField(
        label=_("Result summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="checkup", **kwargs)
        self.fields["findings"].choices = code_choices("checkup_finding")


class ConditionForm(RuledForm):
    rules_of = Condition

    illness = forms.ChoiceField(label=_("Illness"))
    kind = forms.ChoiceField(label=_("Kind of illness"), choices=IllnessKind.choices)
    diagnosed_on = forms.DateField(label=_("Diagnosed on"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="condition", **kwargs)
        self.fields["illness"].choices = code_choices("illness")


class FollowUpForm(RuledForm):
    rules_of = FollowUp

    condition = forms.TypedChoiceField(label=_("Illness"), coerce=int)
    held_on = forms.DateField(
        label=_("Followed up on"), widget=DATE_INPUT, initial=timezone.localdate
    )
    by = forms.CharField(label=_("Followed up by"))
    kind = forms.ChoiceField(label=_("How"), choices=FollowUpKind.choices)
    findings = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_due = forms.DateField(label=_("Next due"), widget=DATE_INPUT, required=False)

    def __init__(self, *args, conditions=(), **kwargs):
        super().__init__(*args, prefix="follow_up", **kwargs)
        self.fields["condition"].choices = [(c.pk, c.illness.label) for c in conditions]


class CostForm(RuledForm):
    rules_of = MedicalCost

    year = forms.IntegerField(label=_("Year"), initial=lambda: timezone.localdate().year)
    total = forms.DecimalField(label=_("Total cost (yuan)"), decimal_places=2)
    reimbursed = forms.DecimalField(label=_("Reimbursed (yuan)"), decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="cost", **kwargs)


class ActivityForm(RuledForm):
    rules_of = Activity

    region_code = forms.ChoiceField(label=_("Place"))
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DATE_INPUT, initial=timezone.localdate)
    organiser = forms.CharField(label=_("Organised by"))
    people_served = forms.IntegerField(label=_("People served"), min_value=0)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        # An activity is held in a township, a village or a group.
        self.fields["region_code"].choices = [
            (code, name)
            for code, name in places
            if (infer_level(code) or 0) >= RegionLevel.TOWNSHIP
        ]
