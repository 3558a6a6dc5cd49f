"""Writes of the monthly check (账实相符、账账相符): one function per use case, one
transaction, audited with the place. One module per part of the work, all named here:
``snapshots`` (a county's national system export of a month, stored), ``comparison`` (a
snapshot against the records, and again after a registry edit), ``differences`` (classified
and closed by hand), ``problem_lists`` (问题数据清单 from above, into differences of
kind ``PROBLEM``) and ``reports`` (the villages' self-check reports, and when they are due).
"""

from .comparison import CompareResult, households_recheck, snapshot_compare
from .differences import difference_classify, difference_close, may_work
from .problem_lists import ProblemListImport, ProblemRow, problem_list_store, received_on_of
from .reports import report_due, report_due_on, self_check_report_submit
from .snapshots import snapshot_county, snapshot_keys_settled, snapshot_month, snapshot_store

__all__ = [
    # snapshots
    "snapshot_county",
    "snapshot_month",
    "snapshot_keys_settled",
    "snapshot_store",
    # comparison
    "CompareResult",
    "households_recheck",
    "snapshot_compare",
    # differences
    "difference_classify",
    "difference_close",
    "may_work",
    # problem lists
    "ProblemListImport",
    "ProblemRow",
    "problem_list_store",
    "received_on_of",
    # self-check reports
    "report_due",
    "report_due_on",
    "self_check_report_submit",
]
