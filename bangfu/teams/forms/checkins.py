"""The check-in part's page form: the register kept by hand."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import DATE_INPUT, RuledForm

from ..models import DayStatus, RegisterEntry

# The register kept by hand (考勤登记): leave is asked for and approved, never registered.
REGISTER_CHOICES = [
    (status.value, status.label)
    for status in (DayStatus.IN_VILLAGE, DayStatus.OFFICIAL, DayStatus.ABSENT)
]


class RegisterForm(RuledForm):
    """A day of a member's register, kept by the team leader or township staff."""

    rules_of = RegisterEntry

    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    status = forms.ChoiceField(label=_("The day was"), choices=REGISTER_CHOICES)
    reason = forms.CharField(label=_("Reason"))
