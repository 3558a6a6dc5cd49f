"""Writes of supervision (督查考评): one function per use case, one transaction, audited with
the place. One module per part of the work, all named here: ``rounds`` (inspection rounds and
their samples), ``findings`` (findings and their rectification), ``surveys`` (questionnaires
and household surveys, and the findings their answers raise), ``scores`` (scoring schemes,
the points people give, publishing a month's scores, hygiene), ``bulletins``.
"""

from .rounds import (
    eligible_inspectors,
    round_close,
    round_plan,
    round_update,
    sample_draw,
    sample_redraw,
)
from .rounds_sampling import (
    Candidate,
    allocation,
    candidates_of,
    draw_sample,
)

__all__ = [
    # rounds
    "eligible_inspectors",
    "round_close",
    "round_plan",
    "round_update",
    "sample_draw",
    "sample_redraw",
    "Candidate",
    "allocation",
    "candidates_of",
    "draw_sample",
from .findings import (
    finding_evidence_add,
    finding_record,
    rectification_close,
    rectification_return,
    rectification_start,
    rectification_submit,
    submitted_by,
)

__all__ = [
    # findings
    "finding_evidence_add",
    "finding_record",
    "rectification_close",
    "rectification_return",
    "rectification_start",
    "rectification_submit",
    "submitted_by",
]
from .surveys import (  # noqa: F401 (named here for the pages, the API and other parts)
    STANDARD_QUESTIONS,
    QuestionInput,
    question_add,
    question_retire,
    question_update,
    questionnaire_create,
    questionnaire_retire,
    survey_record,
    surveys_follow_household,
)
from .bulletins import bulletin_create, bulletin_publish, bulletin_update

__all__ = [
    # bulletins
    "bulletin_create",
    "bulletin_publish",
    "bulletin_update",
]
from .scores import (  # noqa: F401
    ItemInput,
    hygiene_score,
    item_score_set,
    scheme_create,
    scheme_update,
    scores_publish,
)
