"""Writes of the projects app, one module per part of the work, all named here."""

from .assets import asset_register, asset_update
from .assistance import (
    agreement_record,
    assistance_follow_household,
    donation_record,
    sale_record,
)
from .collective import collective_income_record

__all__ = [
    # assets, donations, consumption assistance, collective income
    "agreement_record",
    "asset_register",
    "asset_update",
    "assistance_follow_household",
    "collective_income_record",
    "donation_record",
    "sale_record",
]
