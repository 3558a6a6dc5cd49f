from django import forms
from django.utils.translation import gettext_lazy as _

from .errors import DomainError
from .policies import REGISTRY

# A browser's date picker takes only ISO dates, whatever the language's own date format.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def show_refusal(form: forms.Form, refusal: DomainError) -> None:
    """Put a service's refusal on the field it names, or on the form as a whole."""
    form.add_error(refusal.field if refusal.field in form.fields else None, str(refusal.message))


class RuleForm(forms.Form):
    key = forms.ChoiceField(label=_("Rule"), choices=[])
    value = forms.CharField(label=_("Value"), max_length=200)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Note (document number, reason)"), max_length=200, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(key, spec.label) for key, spec in REGISTRY.items()]


class CodeAddForm(forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput)
    value = forms.CharField(label=_("Code"), max_length=20)
    label = forms.CharField(label=_("Label"), max_length=100)


class CodeUpdateForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100)
    retired = forms.BooleanField(label=_("Retired"), required=False)
