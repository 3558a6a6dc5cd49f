from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import DATE_INPUT, RuledForm

from . import selectors
from .models import Problem, Visit, VisitKind
from .services import DELETE_REASON

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VisitForm(RuledForm):
    """A visit entered on a page: by staff from a paper record (代录), or by a helper whose
    phone cannot run the offline page. The phone page sends the same fields to the API."""

    rules_of = Visit

    helper = forms.ChoiceField(label=_("Helper"))
    visited_at = forms.DateTimeField(
        label=_("Visited at"), widget=DATETIME_INPUT, input_formats=["%Y-%m-%dT%H:%M"]
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices, initial=VisitKind.HOME)
    services = forms.MultipleChoiceField(
        label=_("What was done (十送)"), widget=forms.CheckboxSelectMultiple, required=False
    )
    notes = forms.CharField(
        label=_("What was done, in words"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    goods_value = forms.DecimalField(label=_("Goods given (yuan)"), initial=0)
    money_value = forms.DecimalField(label=_("Money given (yuan)"), initial=0)
    jobs_found = forms.IntegerField(label=_("Jobs found (people)"), initial=0)
    problems = forms.CharField(
        label=_("Problems found, one per line"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, helpers=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [(c.value, c.label) for c in selectors.visit_services()]
        if editing:
            del self.fields["helper"], self.fields["problems"]
        else:
            self.fields["helper"].choices = [(h.pk, h.name) for h in helpers or []]
            self.fields["visited_at"].initial = timezone.localtime().replace(
                second=0, microsecond=0
            )

    def visit_fields(self) -> dict:
        """The cleaned fields as ``services.VisitInput`` takes them."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "helper"}
        if "problems" in data:
            data["problems"] = data["problems"].splitlines()
        return data


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for deleting"), widget=forms.TextInput(attrs=DELETE_REASON.html_attrs())
    )


class SolveForm(RuledForm):
    rules_of = Problem

    solved_on = forms.DateField(label=_("Solved on"), widget=DATE_INPUT, initial=timezone.localdate)
    solution = forms.CharField(label=_("How it was solved"))
