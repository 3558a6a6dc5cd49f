"""The monthly check's services, one module a part of the work."""

from .comparison import CompareResult, households_recheck, snapshot_compare

__all__ = ["CompareResult", "households_recheck", "snapshot_compare"]
