from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import RuledForm

from .models import Difference, DifferenceClass, SelfCheckReport


class ClassifyForm(RuledForm):
    """Which side is wrong (差异分类)."""

    rules_of = Difference

    classification = forms.ChoiceField(
        label=_("Which side is wrong"),
        choices=[(value, label) for value, label in DifferenceClass.choices if value],
    )


class CloseForm(RuledForm):
    """A difference closed by hand (人工销号), with the reason."""

    rules_of = Difference
    rule_names = {"reason": "close_reason"}

    reason = forms.CharField(
        label=_("Why it is closed by hand"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "A difference the next snapshot or a registry edit shows agreeing closes by "
            "itself; close by hand only one that will not, and say why."
        ),
    )


class SelfCheckReportForm(RuledForm):
    """A village's self-check report of the month shown: the village's own words; the
    figures are filled in when it is submitted."""

    rules_of = SelfCheckReport

    note = forms.CharField(
        label=_("What the village has to say"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
