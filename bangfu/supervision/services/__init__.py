"""Writes of supervision (督查考评): one function per use case, one transaction, audited with
the place. One module per part of the work, all named here: ``rounds`` (inspection rounds and
their samples), ``findings`` (findings and their rectification), ``surveys`` (questionnaires
and household surveys, and the findings their answers raise), ``scores`` (scoring schemes,
the points people give, publishing a month's scores, hygiene), ``bulletins``.
"""

from .bulletins import bulletin_create, bulletin_publish, bulletin_update
from .findings import (
    finding_evidence_add,
    finding_photo_sent,
    finding_record,
    finding_sent,
    rectification_close,
    rectification_return,
    rectification_start,
    rectification_submit,
    submitted_by,
)
from .rounds import (
    eligible_inspectors,
    round_close,
    round_plan,
    round_update,
    sample_draw,
    sample_redraw,
)
from .rounds_sampling import Candidate, allocation, candidates_of, draw_sample
from .scores import (
    ItemInput,
    hygiene_score,
    item_score_set,
    scheme_create,
    scheme_update,
    scores_publish,
)
from .surveys import (
    STANDARD_QUESTIONS,
    QuestionInput,
    question_add,
    question_retire,
    question_update,
    questionnaire_create,
    questionnaire_retire,
    survey_record,
    survey_sent,
    surveys_follow_household,
)

__all__ = [
    "Candidate",
    "ItemInput",
    "QuestionInput",
    "STANDARD_QUESTIONS",
    "allocation",
    "bulletin_create",
    "bulletin_publish",
    "bulletin_update",
    "candidates_of",
    "draw_sample",
    "eligible_inspectors",
    "finding_evidence_add",
    "finding_photo_sent",
    "finding_record",
    "finding_sent",
    "hygiene_score",
    "item_score_set",
    "question_add",
    "question_retire",
    "question_update",
    "questionnaire_create",
    "questionnaire_retire",
    "rectification_close",
    "rectification_return",
    "rectification_start",
    "rectification_submit",
    "round_close",
    "round_plan",
    "round_update",
    "sample_draw",
    "sample_redraw",
    "scheme_create",
    "scheme_update",
    "scores_publish",
    "submitted_by",
    "survey_record",
    "survey_sent",
    "surveys_follow_household",
]
