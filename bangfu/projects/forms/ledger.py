from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.selectors import code_choices

from ..models import EntryKind, LedgerEntry


class LedgerEntryForm(RuledForm):
    """An allocation or a payment; ``kinds`` are those the person may record. The voucher's
    photo comes from the phone's camera (or a file on a computer)."""

    rules_of = LedgerEntry

    kind = forms.ChoiceField(label=_("Entry"), widget=forms.RadioSelect)
    source = forms.ChoiceField(label=_("Source of funds"))
    amount = forms.DecimalField(label=_("Amount (yuan)"))
    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    voucher = forms.CharField(label=_("Voucher number"), required=False)
    note = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    voucher_image = forms.FileField(
        label=_("Photo of the voucher"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, EntryKind(k).label) for k in kinds]
        self.fields["source"].choices = code_choices("fund_source")
        # An entry of its own is positive; only a reversal (its own form) is negative.
        self.fields["amount"].widget.attrs.update({"min": "0.01", "step": "0.01"})


class EntryReverseForm(RuledForm):
    rules_of = LedgerEntry
    rule_names = {"reason": "note"}

    day = forms.DateField(label=_("Day of the reversal"), widget=DATE_INPUT)
    reason = forms.CharField(
        label=_("Why the entry is reversed"), widget=forms.Textarea(attrs={"rows": 2})
    )
