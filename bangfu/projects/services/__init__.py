"""Writes of the projects app (项目与资金): one function per use case, one transaction,
audited with the place. One module per part of the work, all named here: ``ledger`` (each
project's funds ledger: allocations 下达, payments 拨付/报账, reversing entries 冲销).
"""

from .ledger import (
    ENTRY_CAPABILITY,
    FUNDED_STAGES,
    allocation_record,
    entry_reverse,
    payment_record,
)

__all__ = [
    # ledger
    "ENTRY_CAPABILITY",
    "FUNDED_STAGES",
    "allocation_record",
    "entry_reverse",
    "payment_record",
]
