"""A figure as reports write it, on pages and in documents alike (dashboards, bulletins)."""

from decimal import Decimal
from typing import Any


def figure_text(value: Any, unit: Any = "") -> str:
    """A share in percent to one place, an amount to at most two places, a count with
    thousands separators, a figure in words (硬化道路12.5公里) as it is, nothing counted as a
    dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    if str(unit) == "%":
        return f"{float(value) * 100:.1f}%"
    if isinstance(value, Decimal | float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}"
