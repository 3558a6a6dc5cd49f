"""Reads of supervision, one module per part of the work, all named here: ``rounds``,
``findings``, ``surveys``, ``scores``, ``bulletins`` and ``figures`` (the indicators)."""

from .rounds import (
    check_draw,
    current_draw,
    draws_of,
    round_actions,
    round_detail,
    round_for,
    rounds_of,
    sample_of,
    sample_verify,
    sampled,
)

__all__ = [
    # rounds
    "check_draw",
    "current_draw",
    "draws_of",
    "round_actions",
    "round_detail",
    "round_for",
    "rounds_of",
    "sample_of",
    "sample_verify",
    "sampled",
from .findings import (
    RateRow,
    due_soon,
    evidence_for,
    finding_detail,
    finding_for,
    finding_units,
    findings_of,
    on_time_counts,
    overdue_findings,
    rates_by_place,
    rates_by_unit,
    rectify_home,
    to_verify,
    verify_home,
)

__all__ = [
    # findings
    "RateRow",
    "due_soon",
    "evidence_for",
    "finding_detail",
    "finding_for",
    "finding_units",
    "findings_of",
    "on_time_counts",
    "overdue_findings",
    "rates_by_place",
    "rates_by_unit",
    "rectify_home",
    "to_verify",
    "verify_home",
]
from .surveys import (  # noqa: F401 (named here for the pages, the API and other parts)
    Satisfaction,
    questionnaire_in_use,
    questionnaires_of,
    satisfaction,
    satisfaction_by_place,
    satisfaction_counts,
    survey_detail,
    surveys_of,
)
from .bulletins import bulletin_content, bulletin_for, bulletins_of, is_draft
from .figures import place_figures

__all__ = [
    # bulletins and figures
    "bulletin_content",
    "bulletin_for",
    "bulletins_of",
    "is_draft",
    "place_figures",
]
from . import scores  # noqa: F401
