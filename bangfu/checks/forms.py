from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import RuledForm

from .models import SelfCheckReport


class SelfCheckReportForm(RuledForm):
    """A village's self-check report of the month shown: the village's own words; the
    figures are filled in when it is submitted."""

    rules_of = SelfCheckReport

    note = forms.CharField(
        label=_("What the village has to say"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
