"""Forms of the leave pages: asking, deciding a level, coming back early."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.selectors import code_choices

from ..models import LeaveDecision, LeaveRequest

APPROVE, REFUSE = "approve", "refuse"


def _tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


class LeaveForm(RuledForm):
    """A leave request; ``members`` are those the person may ask for (themself alone, for a
    member who is not the team's office)."""

    rules_of = LeaveRequest

    member = forms.TypedChoiceField(label=_("For"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind of leave"))
    first_day = forms.DateField(label=_("First day"), widget=DATE_INPUT, initial=_tomorrow)
    last_day = forms.DateField(label=_("Last day"), widget=DATE_INPUT, initial=_tomorrow)
    reason = forms.CharField(label=_("Reason"))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, f"{m.name}（{m.role.label}）") for m in members]
        self.fields["kind"].choices = code_choices("leave_kind")


class DecideForm(RuledForm):
    rules_of = LeaveDecision

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (REFUSE, _("Refuse"))],
        widget=forms.RadioSelect,
        initial=APPROVE,
    )
    note = forms.CharField(
        label=_("Note"), required=False, help_text=_("Required when refusing: say why.")
    )


class ReturnForm(RuledForm):
    rules_of = LeaveRequest

    returned_on = forms.DateField(
        label=_("First day back"), widget=DATE_INPUT, initial=timezone.localdate
    )
