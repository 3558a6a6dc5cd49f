"""Reads of the projects app, one module per part of the work, all named here."""

from .assistance import (
    agreement_for,
    agreements,
    asset_for,
    assets,
    donation_totals,
    donations,
    project_for,
    sale_totals,
    sales,
)
from .collective import collective_income_standing
from .coverage import INCOME_MEASURES, income_project_coverage

__all__ = [
    # assets, donations, consumption assistance, coverage, collective income
    "INCOME_MEASURES",
    "agreement_for",
    "agreements",
    "asset_for",
    "assets",
    "collective_income_standing",
    "donation_totals",
    "donations",
    "income_project_coverage",
    "project_for",
    "sale_totals",
    "sales",
]
