"""Forms of the scoring pages: a scheme and its items, an inspector's points for one who is
scored, a household's hygiene points."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core import values
from bangfu.core.forms import DATE_INPUT, RuledForm

from ..models import ItemScore, ItemSource, SchemeItem, ScoreLevel, ScoringScheme
from ..services.scores import ItemInput

ITEM_ROWS = 10  # rows for items on the scheme's form; a row left empty is no item


class SchemeForm(RuledForm):
    rules_of = ScoringScheme

    region_code = forms.ChoiceField(label=_("Place"))
    level = forms.ChoiceField(label=_("Who is scored"), choices=ScoreLevel.choices)
    name = forms.CharField(label=_("Name"))
    valid_from = forms.DateField(
        label=_("In force from (the month's first day)"), widget=DATE_INPUT
    )

    def __init__(self, *args, places: list[tuple[str, str]], editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = places
        if editing:
            del self.fields["region_code"], self.fields["level"]
        sources = [("", "—"), *ItemSource.choices]
        for row in range(1, ITEM_ROWS + 1):
            self.fields[f"item_{row}_name"] = forms.CharField(
                label=_("Item %(n)d") % {"n": row}, required=False
            )
            self.fields[f"item_{row}_source"] = forms.ChoiceField(
                label=_("From"), choices=sources, required=False
            )
            self.fields[f"item_{row}_weight"] = forms.DecimalField(
                label=_("Points"), required=False
            )
            for name in ("name", "weight"):
                self.fields[f"item_{row}_{name}"].widget.attrs.update(
                    values.html_attrs(SchemeItem, name)
                )

    @property
    def scheme_field_list(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("item_")]

    @property
    def item_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"item_{row}_{name}"] for name in ("name", "source", "weight")]
            for row in range(1, ITEM_ROWS + 1)
        ]

    def items(self) -> list[ItemInput]:
        data = self.cleaned_data
        found = []
        for row in range(1, ITEM_ROWS + 1):
            name, source, weight = (
                data.get(f"item_{row}_{field}") for field in ("name", "source", "weight")
            )
            if name or source or weight is not None:
                found.append(
                    ItemInput(name or "", source or "", weight if weight is not None else "")
                )
        return found

    def scheme_fields(self) -> dict:
        keep = ("region_code", "level", "name", "valid_from")
        return {name: self.cleaned_data[name] for name in keep if name in self.cleaned_data}


class PointsForm(RuledForm):
    """Points and a reason for each scored item (left empty: not scored now)."""

    rules_of = ItemScore

    def __init__(self, *args, items: list[SchemeItem], reasons: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.scored = items
        for item in items:
            self.fields[f"points_{item.pk}"] = forms.DecimalField(
                label=_("%(item)s (at most %(weight)s)")
                % {"item": item.name, "weight": item.weight},
                required=False,
                min_value=0,
                max_value=item.weight,
            )
            if reasons:
                self.fields[f"reason_{item.pk}"] = forms.CharField(
                    label=_("Reason"), required=False
                )
        if not reasons:
            self.fields["reason"] = forms.CharField(label=_("Reason"))

    def given(self) -> list[tuple[SchemeItem, object, str]]:
        data = self.cleaned_data
        return [
            (item, data[f"points_{item.pk}"], data.get(f"reason_{item.pk}", ""))
            for item in self.scored
            if data.get(f"points_{item.pk}") is not None
        ]


class HygieneForm(PointsForm):
    household_id = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, items: list[SchemeItem], **kwargs):
        super().__init__(*args, items=items, reasons=False, **kwargs)
