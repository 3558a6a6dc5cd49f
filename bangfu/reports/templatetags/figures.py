"""How figures are written on pages and in documents: shares as percentages, money and counts
with thousands separators, and a missing figure as a dash (nothing to count), never 0."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def figure(value, unit: str = "") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):  # a figure in words (outputs: 硬化道路12.5公里、路灯40盏)
        return value
    if str(unit) == "%":
        return f"{float(value) * 100:.1f}%"
    if isinstance(value, Decimal | float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}"


@register.filter
def yuan_wan(value) -> str:
    """Large sums of money the way reports write them, before 元: 120,000,000 → 1.2亿,
    3,560,000 → 356万 (seed 004's "整合资金1.2亿元")."""
    if value is None:
        return "—"
    for size, word in ((100_000_000, "亿"), (10_000, "万")):
        if abs(value) >= size:
            return f"{float(value) / size:.2f}".rstrip("0").rstrip(".") + word
    return figure(value)


@register.filter
def wan(value) -> str:
    """Large counts the way reports write them: 12,000 → 1.2万 (seed 003's "1.2万名")."""
    if value is None:
        return "—"
    if abs(value) >= 10000:
        return f"{float(value) / 10000:.1f}".rstrip("0").rstrip(".") + "万"
    return figure(value)
