"""Writes of projects and funds (项目与资金): one function per use case, one transaction,
audited with the place. One module per part of the work, all named here: ``library`` (the
project library: projects, their life cycle, beneficiaries, outputs, files, progress notes),
``assets``, ``assistance`` (donations, purchase agreements, sales), ``collective`` (village
collective income).
"""

from .assets import asset_register, asset_update
from .assistance import (
    agreement_record,
    assistance_follow_household,
    donation_record,
    sale_record,
)
from .collective import collective_income_record
from .ledger import (
    ENTRY_CAPABILITY,
    FUNDED_STAGES,
    allocation_record,
    entry_reverse,
    payment_record,
)
from .library import (
    STEP_CAPABILITY,
    beneficiaries_follow_household,
    beneficiary_household_remove,
    beneficiary_household_set,
    funds_by_source,
    next_stages,
    output_record,
    progress_note_record,
    project_add,
    project_advance,
    project_file_add,
    project_update,
)
from .sheets import FundRow, FundsImport, ProjectRow, funds_import, projects_apply

__all__ = [
    # library
    "STEP_CAPABILITY",
    "funds_by_source",
    "beneficiaries_follow_household",
    "beneficiary_household_remove",
    "beneficiary_household_set",
    "next_stages",
    "output_record",
    "progress_note_record",
    "project_add",
    "project_advance",
    "project_file_add",
    "project_update",
    # assets, donations, consumption assistance, collective income
    "agreement_record",
    "asset_register",
    "asset_update",
    "assistance_follow_household",
    "collective_income_record",
    "donation_record",
    "sale_record",
    # sheets
    "FundRow",
    "FundsImport",
    "ProjectRow",
    "funds_import",
    "projects_apply",
    # ledger
    "ENTRY_CAPABILITY",
    "FUNDED_STAGES",
    "allocation_record",
    "entry_reverse",
    "payment_record",
]
