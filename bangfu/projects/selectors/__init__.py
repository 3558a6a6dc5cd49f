"""Reads of the projects app, shared by its pages and the API; each starts from what the
reader may see. One module per part: ``ledger`` (balances and the ledger's entries)."""

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

__all__ = [
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
