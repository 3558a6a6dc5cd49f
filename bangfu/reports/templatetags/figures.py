"""How figures are written on pages and in documents: shares as percentages, money and counts
with thousands separators, and a missing figure as a dash (nothing to count), never 0."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def figure(value, unit: str = "") -> str:
    if value is None:
        return "—"
    if str(unit) == "%":
        return f"{float(value) * 100:.1f}%"
    if isinstance(value, Decimal | float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}"


@register.filter
def wan(value) -> str:
    """Large counts the way reports write them: 12,000 → 1.2万 (seed 003's "1.2万名")."""
    if value is None:
        return "—"
    if abs(value) >= 10000:
        return f"{float(value) / 10000:.1f}".rstrip("0").rstrip(".") + "万"
    return figure(value)
