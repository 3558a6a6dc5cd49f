"""Reads for the monthly check, shared by pages and the API: one module per part of the
work (``snapshots``), all named here."""

from .snapshots import snapshot_for, snapshots

__all__ = ["snapshot_for", "snapshots"]
