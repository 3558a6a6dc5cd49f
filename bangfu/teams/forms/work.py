"""Forms of a team's work: meetings and their tasks, task done, the monthly report,
discipline records."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.core import values
from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.selectors import code_choices

from ..models import DisciplineRecord, Meeting, MeetingTask, WorkReport

TASK_ROWS = 3  # task rows offered on the page; the API takes up to services.MOST_TASKS


class MeetingForm(RuledForm):
    rules_of = Meeting

    held_on = forms.DateField(label=_("Held on"), widget=DATE_INPUT, initial=timezone.localdate)
    place = forms.CharField(label=_("Where"), required=False)
    attendees = forms.TypedMultipleChoiceField(
        label=_("Attended"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.pk, m.name) for m in members]
        self.fields["attendees"].choices = choices
        self.fields["attendees"].initial = [pk for pk, _name in choices]
        for n in range(1, TASK_ROWS + 1):
            self.fields[f"task{n}_description"] = forms.CharField(
                label=_("Decision %(n)d: what is to be done") % {"n": n},
                required=False,
                widget=forms.TextInput(attrs=values.html_attrs(MeetingTask, "description")),
            )
            self.fields[f"task{n}_owner"] = forms.TypedChoiceField(
                label=_("Decision %(n)d: who") % {"n": n},
                coerce=int,
                empty_value=None,
                required=False,
                choices=[("", "—"), *choices],
            )
            self.fields[f"task{n}_due_on"] = forms.DateField(
                label=_("Decision %(n)d: due on") % {"n": n},
                widget=forms.DateInput(
                    attrs={"type": "date", **values.html_attrs(MeetingTask, "due_on")},
                    format="%Y-%m-%d",
                ),
                required=False,
            )

    def task_rows(self) -> list[dict]:
        """The rows filled in (a row with a description), as ``services.TaskInput`` takes them."""
        rows = []
        for n in range(1, TASK_ROWS + 1):
            description = self.cleaned_data.get(f"task{n}_description") or ""
            if description.strip():
                rows.append(
                    {
                        "description": description,
                        "owner_id": self.cleaned_data.get(f"task{n}_owner"),
                        "due_on": self.cleaned_data.get(f"task{n}_due_on"),
                    }
                )
        return rows

    def task_fields(self) -> list[list]:
        return [
            [self[f"task{n}_{part}"] for part in ("description", "owner", "due_on")]
            for n in range(1, TASK_ROWS + 1)
        ]


class TaskDoneForm(RuledForm):
    rules_of = MeetingTask
    rule_names = {"note": "done_note"}

    done_on = forms.DateField(label=_("Done on"), widget=DATE_INPUT, initial=timezone.localdate)
    note = forms.CharField(label=_("How it was done"), required=False)


class ReportForm(RuledForm):
    rules_of = WorkReport

    month = forms.ChoiceField(label=_("Month"))
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in months]


class DisciplineForm(RuledForm):
    rules_of = DisciplineRecord

    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"))
    occurred_on = forms.DateField(
        label=_("Occurred on"), widget=DATE_INPUT, initial=timezone.localdate
    )
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4})
    )
    decision = forms.CharField(label=_("Decision"))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, f"{m.name}（{m.role.label}）") for m in members]
        self.fields["kind"].choices = code_choices("discipline_kind")
