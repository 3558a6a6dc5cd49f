from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django import forms
from django.utils.translation import gettext_lazy as _

from .errors import DomainError
from .policies import REGISTRY

# A browser's date picker takes only ISO dates, whatever the language's own date format.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def show_refusal(form: forms.Form, refusal: DomainError) -> None:
    """Put a service's refusal on the field it names, or on the form as a whole."""
    form.add_error(refusal.field if refusal.field in form.fields else None, str(refusal.message))


T = TypeVar("T")


@dataclass(frozen=True)
class Done(Generic[T]):
    """A service call that went through, with what it returned."""

    result: T


def attempt(form: forms.Form, action: Callable[[], T]) -> Done[T] | None:
    """Run ``action`` (a service call) if ``form`` is valid: done answers ``Done``; a refusal is
    put on the form (see show_refusal) and answers None, as does a form that is not valid."""
    # ``action`` is a callable, not a value, because it reads ``cleaned_data``, which exists
    # only once the form has been validated here.
    if not form.is_valid():
        return None
    try:
        result = action()
    except DomainError as refusal:
        show_refusal(form, refusal)
        return None
    return Done(result)


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
