"""Forms of projects and funds. The rules are the services'; a form only gives the browser
the hints of the model's value rules (``RuledForm``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import code_choices, places_down_to

from ..models import Output, ProgressNote, Project, ProjectFile, ProjectStep
from ..selectors.library import output_kind_choices

MONTH_INPUT = forms.TextInput(attrs={"type": "month"})


def fund_field(source: str) -> str:
    return f"fund_{source}"


class ProjectForm(RuledForm):
    """A project's details, its planned funds (one amount a source) and the villages it
    benefits. The place is chosen when it is planned and stays."""

    rules_of = Project

    region_code = forms.ChoiceField(label=_("Place"))
    number = forms.CharField(label=_("Project number"))
    name = forms.CharField(label=_("Project name"))
    kind = forms.ChoiceField(label=_("Kind of project"))
    year = forms.IntegerField(label=_("Year"))
    responsible_unit = forms.CharField(label=_("Responsible unit"))
    description = forms.CharField(
        label=_("What the project does"), widget=forms.Textarea, required=False
    )
    beneficiary_villages = forms.MultipleChoiceField(
        label=_("Villages it benefits"), required=False
    )

    def __init__(self, *args, user, with_place: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        places = places_down_to(user, RegionLevel.VILLAGE)
        if with_place:
            self.fields["region_code"].choices = [
                (code, f"{name}（{RegionLevel(level).label}）")
                for code, name, level in places
                if level >= RegionLevel.COUNTY
            ]
        else:
            del self.fields["region_code"]
        self.fields["kind"].choices = code_choices("project_kind")
        self.fields["beneficiary_villages"].choices = [
            (code, name) for code, name, level in places if level == RegionLevel.VILLAGE
        ]
        for value, label in code_choices("fund_source"):
            self.fields[fund_field(value)] = forms.DecimalField(
                label=_("Planned from %(source)s (yuan)") % {"source": label}, required=False
            )

    def planned_funds(self) -> dict[str, object]:
        """The amounts entered, by source: a source left empty plans nothing from it."""
        return {
            value: self.cleaned_data[fund_field(value)]
            for value, _label in code_choices("fund_source")
            if self.cleaned_data.get(fund_field(value)) is not None
        }

    def details(self) -> dict[str, object]:
        """What the services take, from the cleaned form."""
        data = self.cleaned_data
        return {
            "number": data["number"],
            "name": data["name"],
            "kind": data["kind"],
            "year": data["year"],
            "responsible_unit": data["responsible_unit"],
            "description": data["description"],
            "planned_funds": self.planned_funds(),
            "beneficiary_villages": data["beneficiary_villages"],
        }


class StepForm(RuledForm):
    rules_of = ProjectStep

    stage = forms.ChoiceField(label=_("Next stage"))
    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to cancel a project."),
    )

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = stages


class OutputForm(RuledForm):
    rules_of = Output

    kind = forms.ChoiceField(label=_("Kind of output"))
    quantity = forms.DecimalField(label=_("Quantity"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = output_kind_choices()


class ProgressNoteForm(RuledForm):
    rules_of = ProgressNote

    month = forms.CharField(label=_("Month"), widget=MONTH_INPUT)
    note = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))


class BeneficiaryForm(forms.Form):
    household_number = forms.CharField(label=_("Household number"), max_length=30)
    mode = forms.ChoiceField(label=_("How it benefits"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = code_choices("benefit_mode")


class ProjectFileForm(RuledForm):
    rules_of = ProjectFile

    name = forms.CharField(
        label=_("File name"),
        required=False,
        help_text=_("For example: 批复文件, 开工前现场. Left empty, the file's own name."),
    )
    file = forms.FileField(
        label=_("Photo or PDF document"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
