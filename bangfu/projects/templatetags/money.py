"""``{% load money %}{{ amount|yuan }}``: an amount as the ledgers write it (1,234,567.80),
through ``projects.funds.yuan``, the one way amounts are shown."""

from decimal import Decimal

from django import template

from ..funds import yuan as written

register = template.Library()


@register.filter
def yuan(amount) -> str:
    """Empty for no amount; otherwise ``funds.yuan``."""
    if amount is None or amount == "":
        return ""
    return written(Decimal(amount))


@register.filter
def rate(percent: Decimal | None) -> str:
    """A disbursement rate in percent; — where nothing is allocated."""
    return "—" if percent is None else f"{percent}%"
