"""Reads of the monthly check, shared by pages and the API: every list starts from
``visible_to``; a record outside the reader's places answers 404 as a missing one. One
module per part of the work: ``snapshots`` (the months stored), ``differences`` (the
differences, problem lists, the household page's section) and ``reports`` (the self-check
reports and their figures, the township's list, the home page's reminders)."""

from .snapshots import snapshot_for, snapshots

__all__ = ["snapshot_for", "snapshots"]
