"""Writes of the monthly check (账实相符、账账相符): one function per use case, one
transaction, audited with the place. One module per part of the work: ``reports`` (the
villages' self-check reports, and when they are due)."""

from .reports import report_due, report_due_on, self_check_report_submit

__all__ = [
    # self-check reports
    "report_due",
    "report_due_on",
    "self_check_report_submit",
]
