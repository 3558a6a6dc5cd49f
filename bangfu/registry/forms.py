from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.codes import HEAD_OF_HOUSEHOLD
from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import code_choices, place_filter_choices, places_down_to

from .columns import filter_by
from .models import (
    AnnualIncome,
    DangerGrade,
    Household,
    HouseholdStatus,
    Member,
    MemberMove,
    StatusChange,
    Toilet,
)
from .selectors import RISK_COLUMN, SORTS, HouseholdFilters
from .services import HouseholdInput, IncomeInput, MemberInput, Relocation, StatusInput


class CodeField(forms.ChoiceField):
    """A choice from a code list, read when the form is built so edits to the list show."""

    def __init__(self, kind: str, *, required: bool = True, **kwargs):
        super().__init__(required=required, **kwargs)
        self.kind = kind

    def load(self) -> None:
        blank = [] if self.required else [("", "—")]
        self.choices = blank + code_choices(self.kind)


class CodeListForm(RuledForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, CodeField):
                field.load()
            elif isinstance(field, forms.MultipleChoiceField) and hasattr(field, "kind"):
                field.choices = code_choices(field.kind)


def code_multiple(kind: str, label, **kwargs) -> forms.MultipleChoiceField:
    field = forms.MultipleChoiceField(
        label=label, required=False, widget=forms.CheckboxSelectMultiple, **kwargs
    )
    field.kind = kind
    return field


def village_choices(user) -> list[tuple[str, str]]:
    return [
        (code, name)
        for code, name, level in places_down_to(user, RegionLevel.GROUP)
        if level >= RegionLevel.VILLAGE
    ]


class HouseholdFilterForm(CodeListForm):
    region_code = forms.ChoiceField(label=_("Place"), required=False)
    name = forms.CharField(label=_("Member name"), required=False)
    id_number = forms.CharField(label=_("ID number"), required=False)
    number = forms.CharField(label=_("Household number"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *HouseholdStatus.choices]
    )
    main_cause = CodeField("poverty_cause", label=_("Main cause"), required=False)
    attribute = CodeField("household_attribute", label=_("Attribute"), required=False)
    monitoring_type = CodeField("monitoring_type", label=_("Monitoring type"), required=False)
    risk = forms.ChoiceField(label=_("Risk code (三色码)"), required=False, choices=[("", "—")])
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[(s, s) for s in SORTS])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        selected = self.data.get("region_code", "") if self.is_bound else ""
        self.fields["region_code"].choices = [("", _("All my places"))] + place_filter_choices(
            user, selected
        )
        risk = filter_by(RISK_COLUMN)
        if risk is None:
            del self.fields["risk"]
        else:
            self.fields["risk"].choices = [("", "—"), *risk.choices]
        self.fields["sort"].choices = [
            ("place", _("Place, then household number")),
            ("number", _("Household number")),
            ("-number", _("Household number, descending")),
        ]

    # The name search stands in plain sight; the other filters fold away unless one is in use.
    SEARCH = "name"

    def search_field(self):
        return self[self.SEARCH]

    def folded_fields(self):
        return [field for field in self if field.name != self.SEARCH]

    def folded_in_use(self) -> bool:
        unset = HouseholdFilters()
        return bool(self.non_field_errors()) or any(
            field.errors or field.value() not in (None, getattr(unset, field.name))
            for field in self.folded_fields()
        )


class HouseholdForm(CodeListForm):
    rules_of = Household

    number = forms.CharField(label=_("Household number"))
    region_code = forms.ChoiceField(label=_("Village or group"))
    address = forms.CharField(label=_("Address"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False)
    attribute = CodeField("household_attribute", label=_("Household attribute"))
    standard = CodeField("identification_standard", label=_("Identification standard"))
    main_cause = CodeField("poverty_cause", label=_("Main poverty cause"))
    other_causes = code_multiple("poverty_cause", _("Other poverty causes"))
    year_identified = forms.IntegerField(label=_("Year identified"))
    planned_exit_year = forms.IntegerField(label=_("Planned exit year"), required=False)
    bank_name = forms.CharField(label=_("Bank"), required=False)
    bank_account = forms.CharField(
        label=_("Bank account"),
        required=False,
        help_text=_(
            "Stored encrypted and never shown again; leave empty to keep the one on record."
        ),
    )
    land_area_mu = forms.DecimalField(label=_("Cultivated land (mu)"), initial=0)
    housing_area = forms.DecimalField(label=_("Housing area (m²)"), required=False)
    housing_structure = forms.CharField(label=_("Housing structure"), required=False)
    danger_grade = forms.ChoiceField(
        label=_("Dangerous-housing grade"), choices=DangerGrade.choices, required=False
    )
    water_difficulty = forms.BooleanField(label=_("Difficulty getting water"), required=False)
    water_safe = forms.BooleanField(label=_("Safe drinking water"), required=False, initial=True)
    has_power = forms.BooleanField(label=_("Connected to power"), required=False, initial=True)
    toilet = forms.ChoiceField(
        label=_("Toilet"), choices=[("", "—"), *Toilet.choices], required=False
    )
    road_distance_km = forms.DecimalField(
        label=_("Distance to a hardened road (km)"), required=False
    )
    latitude = forms.DecimalField(label=_("Latitude"), required=False)
    longitude = forms.DecimalField(label=_("Longitude"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = village_choices(user)

    def as_input(self) -> HouseholdInput:
        data = dict(self.cleaned_data)
        data["land_area_mu"] = data["land_area_mu"] or 0
        data["bank_account"] = data["bank_account"] or None
        return HouseholdInput(**data)


class MemberForm(CodeListForm):
    rules_of = Member

    name = forms.CharField(label=_("Name"))
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        help_text=_("Birth date and sex are read from it."),
    )
    relation = CodeField("relation", label=_("Relation to the head"))
    ethnicity = CodeField("ethnicity", label=_("Ethnicity"))
    health = CodeField("health", label=_("Health"))
    labour = CodeField("labour", label=_("Labour ability"))
    education = CodeField("education", label=_("Education"), required=False)
    schooling = CodeField("schooling", label=_("Schooling"), required=False)
    disability = forms.CharField(label=_("Disability (grade)"), required=False)
    work_status = forms.CharField(label=_("Work status"), required=False)
    dibao = forms.BooleanField(label=_("Receives minimum living allowance"), required=False)
    medical_insurance = forms.BooleanField(
        label=_("Medical insurance"), required=False, initial=True
    )
    pension_insurance = forms.BooleanField(label=_("Pension insurance"), required=False)

    def as_input(self) -> MemberInput:
        return MemberInput(**self.cleaned_data)


class HeadForm(MemberForm):
    """The head of a new household: the relation is fixed."""

    prefix = "head"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["relation"]

    def as_input(self) -> MemberInput:
        return MemberInput(relation=HEAD_OF_HOUSEHOLD, **self.cleaned_data)


class StatusForm(CodeListForm):
    rules_of = StatusChange

    status = forms.ChoiceField(label=_("New status"), choices=HouseholdStatus.choices)
    effective_on = forms.DateField(label=_("Effective on"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"))
    monitoring_type = CodeField("monitoring_type", label=_("Monitoring type"), required=False)
    risk_types = code_multiple("risk_type", _("Risk types"))

    def as_input(self) -> StatusInput:
        return StatusInput(**self.cleaned_data)


class IncomeForm(RuledForm):
    rules_of = AnnualIncome

    year = forms.IntegerField(label=_("Year"))
    wages = forms.DecimalField(label=_("Wages"))
    business = forms.DecimalField(label=_("Family business"))
    transfers = forms.DecimalField(label=_("Transfers"))
    property_income = forms.DecimalField(label=_("Property income"))
    costs = forms.DecimalField(label=_("Production costs"))

    def as_input(self) -> IncomeInput:
        return IncomeInput(**self.cleaned_data)


class ReorganiseForm(CodeListForm):
    """Base of the move, split and merge forms: when, why, and a relation per member."""

    rules_of = MemberMove

    effective_on = forms.DateField(label=_("Effective on"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"))

    def add_member_fields(self, members, *, optional: bool, label) -> None:
        relations = code_choices("relation")
        for member in members:
            blank = [("", _("Stays"))] if optional else []
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=_("%(name)s: %(what)s") % {"name": member.name, "what": label},
                choices=blank + relations,
                required=not optional,
            )

    def relocations(self) -> list[Relocation]:
        return [
            Relocation(int(name.removeprefix("member_")), value)
            for name, value in self.cleaned_data.items()
            if name.startswith("member_") and value
        ]


class MemberMoveForm(ReorganiseForm):
    to_number = forms.CharField(label=_("Number of the household joined"))
    relation = CodeField("relation", label=_("Relation to that household's head"))

    field_order = ["to_number", "relation", "effective_on", "reason"]


class HouseholdSplitForm(ReorganiseForm):
    number = forms.CharField(label=_("Number of the new household"))
    region_code = forms.ChoiceField(label=_("Village or group"))

    field_order = ["number", "region_code", "effective_on", "reason"]

    def __init__(self, *args, user, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = village_choices(user)
        self.add_member_fields(members, optional=True, label=_("relation in the new household"))


class HouseholdMergeForm(ReorganiseForm):
    into_number = forms.CharField(label=_("Number of the household merged into"))

    field_order = ["into_number", "effective_on", "reason"]

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_member_fields(members, optional=False, label=_("relation after the merge"))


class MemberLeaveForm(RuledForm):
    rules_of = Member
    rule_names = {"reason": "left_reason"}

    left_on = forms.DateField(label=_("Left on"), widget=DATE_INPUT)
    reason = forms.CharField(
        label=_("Why"), help_text=_("For example: died; married out of the county.")
    )
