"""Writes for the monthly check (账实相符、账账相符): one function per use case, one
transaction, audited with the place. A package, one module per part of the work:
``snapshots`` (a county's national system export of a month, stored), all named here.
"""

from .snapshots import snapshot_county, snapshot_month, snapshot_store

__all__ = ["snapshot_county", "snapshot_month", "snapshot_store"]
