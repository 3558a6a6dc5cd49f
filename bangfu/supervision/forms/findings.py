"""Forms of findings and their rectification. The rules are the services'; a form only gives
the browser the hints of the model's value rules (``RuledForm``). Photos come from the
phone's camera (or a file on a computer)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import code_choices, places_down_to

from ..models import Evidence, Finding, RectificationStep
from ..selectors.findings import CONCERNED_KINDS, open_round_choices, unit_choices

CAMERA = forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})


def _photo(label) -> forms.FileField:
    return forms.FileField(label=label, required=False, widget=CAMERA)


class FindingForm(RuledForm):
    """A finding: the record it concerns (a kind and its id, or a link's), or the place whose
    work it is about; the category, what was found, who answers for it, a photo."""

    rules_of = Finding

    concerns = forms.ChoiceField(label=_("It concerns"), required=False)
    record_id = forms.IntegerField(
        label=_("Its number in the system (id)"), required=False, min_value=1
    )
    region_code = forms.ChoiceField(
        label=_("Place"),
        required=False,
        help_text=_(
            "The place whose work it is about; a record's finding is of the record's place."
        ),
    )
    category = forms.ChoiceField(label=_("Category"))
    description = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4})
    )
    found_on = forms.DateField(label=_("Found on"), widget=DATE_INPUT)
    round_id = forms.ChoiceField(label=_("Inspection round"), required=False)
    unit_id = forms.ChoiceField(
        label=_("Responsible unit"),
        required=False,
        help_text=_("Left empty, the unit of the helper or team it concerns."),
    )
    responsible_person = forms.CharField(label=_("Responsible person"), required=False)
    photo = _photo(_("Photo"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concerns"].choices = [("", _("No record: a place's work")), *CONCERNED_KINDS]
        self.fields["region_code"].choices = [("", "—")] + [
            (code, f"{name}（{RegionLevel(level).label}）")
            for code, name, level in places_down_to(user, RegionLevel.VILLAGE)
        ]
        self.fields["category"].choices = code_choices("finding_category")
        self.fields["round_id"].choices = [("", _("None"))] + open_round_choices(user)
        self.fields["unit_id"].choices = [("", "—")] + unit_choices(user)

    def record(self) -> dict[str, int | None]:
        """The record named, as the service takes it: ``household_id=…``."""
        kind, pk = self.cleaned_data["concerns"], self.cleaned_data["record_id"]
        return {f"{kind}_id": pk} if kind and pk else {}


class StartForm(RuledForm):
    rules_of = RectificationStep

    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SubmitForm(RuledForm):
    rules_of = RectificationStep

    note = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the finding was rectified, for the inspector to verify."),
    )
    photo = _photo(_("Photo of the rectification"))


class CloseForm(RuledForm):
    rules_of = RectificationStep

    note = forms.CharField(
        label=_("Verification note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(RuledForm):
    rules_of = RectificationStep
    rule_names = {"reason": "note"}

    reason = forms.CharField(
        label=_("Why it is returned"), widget=forms.Textarea(attrs={"rows": 2})
    )


class EvidenceForm(RuledForm):
    rules_of = Evidence

    name = forms.CharField(
        label=_("File name"),
        required=False,
        help_text=_("For example: 走访记录照片. Left empty, the file's own name."),
    )
    file = forms.FileField(
        label=_("Photo or PDF document"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
