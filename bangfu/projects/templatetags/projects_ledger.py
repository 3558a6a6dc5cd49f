"""Money on the ledger's pages: yuan as the ledgers write them, a rate in percent."""

from decimal import Decimal

from django import template

from ..funds import yuan as as_yuan

register = template.Library()


@register.filter
def yuan(amount: Decimal | None) -> str:
    return "" if amount is None else as_yuan(amount)


@register.filter
def rate(percent: Decimal | None) -> str:
    """A disbursement rate; — where nothing is allocated."""
    return "—" if percent is None else f"{percent}%"
