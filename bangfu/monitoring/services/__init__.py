"""Writes for monitoring (防止返贫动态监测): one function per use case, one transaction,
audited with the household's place. The writes are many, so they are a package, one module per
part of the work: ``alerts`` (raised and closed), ``procedures`` (started, their steps
recorded), ``clearing`` (risk clearing and exit started from the household page),
``income_checks`` (收入核查, which their checklists read), ``self_reports`` (the public page),
``rule_runs`` (the early-warning rules over departments' data), ``department_data`` (their
records, in bulk), ``disasters`` (the emergency office's disasters by place, a roster),
``self_report_handling`` (the township's answer to a report: an alert or
not at risk), and ``common`` (deadlines, who may act), all named here.

Who: ``HANDLE_ALERTS`` raises an alert by screening and closes alerts; each step of a
procedure needs its level's capability (``engine``). A pair helper (whose role reads no
places' lists) does so only for the households paired with them now.
"""

from .alerts import AlertInput, ClosingInput, alert_close, alert_close_sent, alert_raise
from .clearing import StartInput, may_start, procedure_start, startable
from .common import days_until, may_act, paired_now, township_code
from .department_data import monitoring_follow_member
from .disasters import DisasterRow, DisastersImport, disasters_import, households_of_places
from .income_checks import IncomeCheckInput, income_check_record
from .procedures import StepInput, monitoring_follow_household, step_record, step_sent
from .rule_runs import found_by_rules, rules_run
from .self_report_handling import (
    ReportAlertInput,
    ReportClosingInput,
    self_report_close,
    self_report_raise_alert,
)
from .self_reports import SelfReportInput, TooMany, receipt_for, self_report_submit

__all__ = [
    # alerts
    "AlertInput",
    "ClosingInput",
    "alert_close",
    "alert_close_sent",
    "alert_raise",
    # risk clearing and exit
    "StartInput",
    "may_start",
    "procedure_start",
    "startable",
    # departments' records
    "monitoring_follow_member",
    # disasters by place
    "DisasterRow",
    "DisastersImport",
    "disasters_import",
    "households_of_places",
    # income checks
    "IncomeCheckInput",
    "income_check_record",
    # deadlines and who may act
    "days_until",
    "may_act",
    "paired_now",
    "township_code",
    # procedures
    "StepInput",
    "monitoring_follow_household",
    "step_record",
    "step_sent",
    # the early-warning rules' run
    "found_by_rules",
    "rules_run",
    # self-reports
    "ReportAlertInput",
    "ReportClosingInput",
    "self_report_close",
    "self_report_raise_alert",
    "SelfReportInput",
    "TooMany",
    "receipt_for",
    "self_report_submit",
]
