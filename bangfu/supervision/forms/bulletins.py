"""Forms of the bulletins' pages. The rules are the services'; a form only gives the browser
the hints of the model's value rules (``RuledForm``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import RuledForm
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import places_down_to

from ..models import Bulletin

MONTH_INPUT = forms.TextInput(attrs={"type": "month"})


class BulletinCreateForm(RuledForm):
    """A place and a month; the title may be left for the usual one (第3期督查通报)."""

    rules_of = Bulletin

    region_code = forms.ChoiceField(label=_("Place"))
    month = forms.CharField(
        label=_("Month"), widget=MONTH_INPUT, help_text=_("For example 2026-11.")
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        help_text=_("Leave empty for the usual title, with the place, the year and the number."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [
            (code, f"{name}（{RegionLevel(level).label}）")
            for code, name, level in places_down_to(user, RegionLevel.TOWNSHIP)
        ]


class BulletinEditForm(RuledForm):
    """A draft's words."""

    rules_of = Bulletin

    title = forms.CharField(label=_("Title"))
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea,
        required=False,
        help_text=_("The month in a few paragraphs: what was inspected, what stood out."),
    )
    good_practice = forms.CharField(
        label=_("Good practice"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Work worth following, to praise and to pass on."),
    )
