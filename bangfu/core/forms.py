from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import values
from .errors import DomainError
from .models import DataIssue
from .policies import REGISTRY

# A browser's date picker takes only ISO dates, whatever the language's own date format.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def show_refusal(form: forms.Form, refusal: DomainError) -> None:
    """Put a service's refusal on the field it names, or on the form as a whole."""
    form.add_error(refusal.field if refusal.field in form.fields else None, str(refusal.message))


class RuledForm(forms.Form):
    """A form whose fields take the hints of a model's value rules (``maxlength``, ``min``,
    ``max``), so a browser helps before sending. The rules themselves are the service's:
    it refuses what breaks them, on the field, exactly as it refuses the API and imports.
    ``rule_names`` maps a form field to a model field of another name."""

    rules_of: type[models.Model] | None = None
    rule_names: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rules = getattr(self.rules_of, "value_rules", {})
        for name, field in self.fields.items():
            rule = self.rule_names.get(name, name)
            if rule in rules:
                field.widget.attrs.update(values.html_attrs(self.rules_of, rule))


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
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)


class CodeUpdateForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100)
    retired = forms.BooleanField(label=_("Retired"), required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)

    def changes(self, sent: object) -> dict:
        """What the service takes; a unit only where the page sent one (a measured list)."""
        data = dict(self.cleaned_data)
        if "unit" not in sent:  # type: ignore[operator]
            data["unit"] = None
        return data


class DataIssueResolveForm(RuledForm):
    rules_of = DataIssue

    resolution = forms.CharField(
        label=_("How it was resolved"),
        help_text=_("For example: the person moved; the number was mistyped and corrected."),
    )
