"""Amounts of yuan as the ledgers write them (1,234,567.80), on every projects page."""

from decimal import Decimal

from django import template

from ..funds import yuan as written

register = template.Library()


@register.filter
def yuan(amount: Decimal | None) -> str:
    return "" if amount is None else written(Decimal(amount))
