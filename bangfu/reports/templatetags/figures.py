"""How figures are written on pages and in documents: shares as percentages, money and counts
with thousands separators, and a missing figure as a dash (nothing to count), never 0."""

from django import template

from bangfu.core.figures import figure_text

register = template.Library()


figure = register.filter("figure", figure_text)


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
