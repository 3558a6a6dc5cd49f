"""Reads of projects and funds, one module per part of the work, all named here: ``library``
(the project library), ``assistance``, ``collective`` and ``coverage`` (assets, donations,
consumption assistance, collective income, household income projects), ``sheets`` (the
county's sheets), ``figures`` (the funds summary and the indicators counted from the records,
imported where used: it reads the roll-ups)."""

from .assistance import (
    agreement_for,
    agreements,
    asset_for,
    assets,
    donation_totals,
    donations,
    sale_totals,
    sales,
)
from .collective import collective_income_standing
from .coverage import INCOME_MEASURES, income_project_coverage
from .ledger import (
    LedgerList,
    SourceBalance,
    balances,
    disbursement_rate,
    entry_for,
    ledger_entries,
    ledger_filters,
    ledger_project,
    project_entries,
    total_of,
)
from .library import (
    actions_for,
    household_by_number,
    planned_funds_of,
    project_detail,
    project_file_for,
    project_for,
    projects_of,
)
from .sheets import (
    ProjectRef,
    ledger_rows,
    library_rows,
    planned_of,
    projects_by_county_number,
    projects_by_number,
)

__all__ = [
    # library
    "actions_for",
    "household_by_number",
    "planned_funds_of",
    "project_detail",
    "project_file_for",
    "project_for",
    "projects_of",
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
    "sale_totals",
    "sales",
    # sheets
    "ProjectRef",
    "ledger_rows",
    "library_rows",
    "planned_of",
    "projects_by_county_number",
    "projects_by_number",
    # ledger
    "LedgerList",
    "SourceBalance",
    "balances",
    "disbursement_rate",
    "entry_for",
    "ledger_entries",
    "ledger_filters",
    "ledger_project",
    "project_entries",
    "total_of",
]
